import adc_runtime as rt


def while_newton_grad(a, _sizes):
    _fstack, _istack = rt.sized_stack(_sizes, 0)
    _fsp = 0
    _isp = 0
    # forward sweep
    x, i_1, trips = a, 0, 0
    while True:  # the stacks grow here, outside the loop, when a trip would not fit
        _full = False
        while True:
            cond_2 = abs(x * x - a) > 1e-12 and i_1 < 50
            if not cond_2:
                break
            if _fsp + 2 > _fstack.shape[0]:
                _full = True
                break
            rt.check_divisor(x)
            t_3 = a / x
            x_1 = 0.5 * (x + t_3)
            i_1 = i_1 + 1
            _fstack[_fsp] = t_3
            _fstack[_fsp + 1] = x
            _fsp += 2
            trips = trips + 1
            x = x_1
        if not _full:
            break
        _fstack = rt.grow(_fstack, _fsp + 2)
    # backward sweep
    # grad of: while abs(x * x - a) > 1e-12 and i < 50:
    x_bar_1, a_bar_1 = 1.0, 0.0
    for _ in range(trips - 1, -1, -1):
        _fsp -= 2
        x_2 = _fstack[_fsp + 1]
        t_3 = _fstack[_fsp]
        # grad of: x = 0.5 * (x + a / x)
        t_bar = x_bar_1 * 0.5
        a_bar_1 = a_bar_1 + t_bar / x_2
        x_bar_1 = t_bar + -t_bar * t_3 / x_2
    rt.remember_size(_sizes, 0, _fstack, _istack)
    return x, a_bar_1 + x_bar_1
