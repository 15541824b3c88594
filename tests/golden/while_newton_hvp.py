import adc_runtime as rt


def while_newton_grad_jvp(a, a_dot, _sizes):
    _fstack, _istack = rt.sized_stack(_sizes, 0)
    _fsp = 0
    _isp = 0
    # forward sweep
    x, i_1, trips, x_dot = a, 0, 0, a_dot
    while True:  # the stacks grow here, outside the loop, when a trip would not fit
        _full = False
        while True:
            cond_2 = abs(x * x - a) > 1e-12 and i_1 < 50
            if not cond_2:
                break
            if _fsp + 4 > _fstack.shape[0]:
                _full = True
                break
            rt.check_divisor(x)
            t_3 = a / x
            t_dot = a_dot / x + -x_dot * t_3 / x
            x_1 = 0.5 * (x + t_3)
            x_dot_1 = (x_dot + t_dot) * 0.5
            i_1 = i_1 + 1
            _fstack[_fsp] = t_3
            _fstack[_fsp + 1] = t_dot
            _fstack[_fsp + 2] = x
            _fstack[_fsp + 3] = x_dot
            _fsp += 4
            trips = trips + 1
            x, x_dot = x_1, x_dot_1
        if not _full:
            break
        _fstack = rt.grow(_fstack, _fsp + 4)
    # backward sweep
    # grad of: while abs(x * x - a) > 1e-12 and i < 50:
    x_bar_1, a_bar_1, x_bar_dot_1, a_bar_dot_1 = 1.0, 0.0, 0.0, 0.0
    for _ in range(trips - 1, -1, -1):
        _fsp -= 4
        x_dot_2 = _fstack[_fsp + 3]
        x_2 = _fstack[_fsp + 2]
        t_dot_2 = _fstack[_fsp + 1]
        t_3 = _fstack[_fsp]
        # grad of: x = 0.5 * (x + a / x)
        t_bar = x_bar_1 * 0.5
        t_bar_dot = x_bar_dot_1 * 0.5
        t_9 = t_bar / x_2
        t_14 = -t_bar
        t_18 = t_14 * t_3 / x_2
        a_bar_1 = a_bar_1 + t_9
        a_bar_dot_1 = a_bar_dot_1 + (t_bar_dot / x_2 + -x_dot_2 * t_9 / x_2)
        x_bar_1 = t_bar + t_18
        x_bar_dot_1 = t_bar_dot + ((-t_bar_dot * t_3 + t_dot_2 * t_14) / x_2 + -x_dot_2 * t_18 / x_2)
    rt.remember_size(_sizes, 0, _fstack, _istack)
    return x, a_bar_1 + x_bar_1, x_dot, a_bar_dot_1 + x_bar_dot_1
