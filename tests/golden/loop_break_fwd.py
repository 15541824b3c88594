


def loop_break_jvp(x, x_dot):
    s_1, i, broke_2, s_dot_1 = 0.0, 0, False, 0.0
    while True:
        go_1 = i < 100 and not broke_2
        if not go_1:
            break
        s_2 = s_1 + x * i
        s_dot_1 = s_dot_1 + x_dot * i
        if s_2 > 5.0:
            broke_2 = True
        i = i + 1
        s_1 = s_2
    return s_1 * x, s_dot_1 * x + x_dot * s_1
