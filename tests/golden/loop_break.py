import adc_runtime as rt


def loop_break_grad(x, _sizes):
    _fstack, _istack = rt.sized_stack(_sizes, 0)
    _fsp = 0
    _isp = 0
    # forward sweep
    s_1, i, broke_2, trips = 0.0, 0, False, 0
    while True:  # the stacks grow here, outside the loop, when a trip would not fit
        _full = False
        while True:
            go_1 = i < 100 and not broke_2
            if not go_1:
                break
            if _isp + 1 > _istack.shape[0]:
                _full = True
                break
            s_2 = s_1 + x * i
            if s_2 > 5.0:
                broke_2 = True
            t_1 = i + 1
            _istack[_isp] = i
            _isp += 1
            trips = trips + 1
            s_1, i = s_2, t_1
        if not _full:
            break
        _istack = rt.grow(_istack, _isp + 1)
    t_2 = s_1 * x
    # backward sweep
    # grad of: for i in range(100):
    s_bar, x_bar = x, s_1
    for _ in range(trips - 1, -1, -1):
        _isp -= 1
        i = _istack[_isp]
        # grad of: s = s + x * i
        x_bar = x_bar + s_bar * i
    rt.remember_size(_sizes, 0, _fstack, _istack)
    return t_2, x_bar
