import numpy as np
import adc_runtime as rt


def array_sum_loop_grad(x):
    _fstack, _istack = rt.new_stack(1024)
    _fsp = 0
    _isp = 0
    # forward sweep
    n = len(x)
    _fstack = rt.reserve(_fstack, _fsp, 2 * rt.range_len(0, n, 1))
    s_1 = 0.0
    for i in range(n):
        x_1 = x[i]
        x_2 = x[i]
        s_1 = s_1 + x_1 * x_2
        _fstack[_fsp] = x_1
        _fstack[_fsp + 1] = x_2
        _fsp += 2
    # backward sweep
    x_bar = np.zeros_like(x)
    # grad of: for i in range(len(x)):
    s_bar_1 = 1.0
    for i in range(n - 1, -1, -1):
        _fsp -= 2
        x_2 = _fstack[_fsp + 1]
        x_1 = _fstack[_fsp]
        # grad of: s += x[i] * x[i]
        x_bar_1 = s_bar_1 * x_2
        x_bar[i] += s_bar_1 * x_1
        x_bar[i] += x_bar_1
    return s_1, x_bar
