import math
import adc_runtime as rt


def for_scalar_grad(x, _sizes):
    _fstack, _istack = rt.sized_stack(_sizes, 0)
    _fsp = 0
    _isp = 0
    # forward sweep
    _fstack = rt.reserve(_fstack, _fsp, 5)
    s_1 = 0.0
    for i in range(5):
        t_1 = rt.sin(x * i)
        s_1 = s_1 + t_1 * x
        _fstack[_fsp] = t_1
        _fsp += 1
    # backward sweep
    # grad of: for i in range(5):
    s_bar_1, x_bar_1 = 1.0, 0.0
    for i in range(4, -1, -1):
        _fsp -= 1
        t_1 = _fstack[_fsp]
        # grad of: s = s + math.sin(x * i) * x
        x_bar_1 = x_bar_1 + s_bar_1 * t_1 + s_bar_1 * x * math.cos(x * i) * i
    rt.remember_size(_sizes, 0, _fstack, _istack)
    return s_1, x_bar_1
