import numpy as np
import adc_runtime as rt


def _prefix_grad(x):
    _fstack, _istack = rt.new_stack(1024)
    _fsp = 0
    _isp = 0
    # forward sweep
    y = np.zeros(x.shape[0])
    y[0] = x[0]
    t_1 = x.shape[0]
    _fstack = rt.reserve(_fstack, _fsp, 2 * rt.range_len(1, t_1, 1))
    for i in range(1, t_1):
        x_2 = x[i]
        x_3 = x[i]
        y[i] = y[i - 1] + x_2 * x_3
        _fstack[_fsp] = x_2
        _fstack[_fsp + 1] = x_3
        _fsp += 2
    t_5 = np.sum(y)
    # backward sweep
    x_bar = np.zeros_like(x)
    y_bar = np.zeros_like(y)
    # grad of: return np.sum(y)
    y_bar += np.full_like(y, 1.0)
    # grad of: for i in range(1, x.shape[0]):
    for i in range(t_1 - 1, 0, -1):
        _fsp -= 2
        x_3 = _fstack[_fsp + 1]
        x_2 = _fstack[_fsp]
        # grad of: y[i] = y[i - 1] + x[i] * x[i]
        t_bar_1 = y_bar[i]
        y_bar[i] = 0.0
        x_bar_1 = t_bar_1 * x_3
        x_bar[i] += t_bar_1 * x_2
        x_bar[i] += x_bar_1
        y_bar[i - 1] += t_bar_1
    # grad of: y[0] = x[0]
    x_bar_3 = y_bar[0]
    y_bar[0] = 0.0
    x_bar[0] += x_bar_3
    return t_5, x_bar
