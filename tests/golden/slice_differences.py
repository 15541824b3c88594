import numpy as np
import adc_runtime as rt


def slice_differences_grad(x):
    # forward sweep
    x_1 = x[1:]
    x_2 = x[:-1]
    d = x_1 - x_2
    t = d * d
    x_3 = x[::2]
    t_2 = np.sin(x_3)
    rt.check_index(-1, x.shape[0])
    x_4 = x[-1]
    rt.check_index(0, x.shape[0])
    x_5 = x[0]
    t_6 = np.sum(t) + np.sum(t_2) + x_4 * x_5
    # backward sweep
    # grad of: return np.sum(d * d) + np.sum(np.sin(x[::2])) + x[-1] * x[0]
    x_bar = np.zeros_like(x)
    x_bar[0] += x_4
    x_bar[-1] += x_5
    x_bar[::2] += np.full_like(t_2, 1.0) * np.cos(x_3)
    t_bar_2 = np.full_like(t, 1.0)
    d_bar = t_bar_2 * d
    d_bar += t_bar_2 * d
    # grad of: d = x[1:] - x[:-1]
    x_bar_2 = rt.unbroadcast(d_bar, x_1)
    x_bar[:-1] += rt.unbroadcast(-d_bar, x_2)
    x_bar[1:] += x_bar_2
    return t_6, x_bar
