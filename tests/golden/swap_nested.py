


def swap_nested_grad(a, s):
    # forward sweep
    a_1, s_1 = a, s
    for k in range(2):
        for j in range(3):
            a_2 = 2.0 * s_1
            a_1, s_1 = a_2, a_1
    t_1 = a_1 + 10.0 * s_1
    # backward sweep
    # grad of: for k in range(2):
    a_bar, s_bar = 1.0, 10.0
    for k in range(1, -1, -1):
        # grad of: for j in range(3):
        for j in range(2, -1, -1):
            # grad of: a, s = 2.0 * s, a
            s_bar_1 = a_bar * 2.0
            a_bar, s_bar = s_bar, s_bar_1
    return t_1, a_bar, s_bar
