import adc_runtime as rt


def while_newton_jvp(a, a_dot):
    x, i_1, x_dot = a, 0, a_dot
    while True:
        cond_2 = abs(x * x - a) > 1e-12 and i_1 < 50
        if not cond_2:
            break
        rt.check_divisor(x)
        t_3 = a / x
        x_1 = 0.5 * (x + t_3)
        x_dot = (x_dot + (a_dot / x + -x_dot * t_3 / x)) * 0.5
        i_1 = i_1 + 1
        x = x_1
    return x, x_dot
