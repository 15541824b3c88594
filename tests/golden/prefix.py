import numpy as np
import adc_runtime as rt


def _prefix_grad(x):
    # forward sweep
    y = np.zeros(x.shape[0])
    rt.check_index(0, x.shape[0])
    rt.check_index(0, y.shape[0])
    y[0] = x[0]
    t_1 = x.shape[0]
    trips = rt.range_len(1, t_1, 1)
    last = rt.range_last(1, t_1, 1)
    n_2 = y.shape[0]
    rt.check_loop_index(trips, 0, last - 1, n_2)
    rt.check_loop_index(trips, 1, last, x.shape[0])
    rt.check_loop_index(trips, 1, last, n_2)
    for i in range(1, t_1):
        y[i] = y[i - 1] + x[i] * x[i]
    t_5 = np.sum(y)
    # backward sweep
    # grad of: return np.sum(y)
    y_bar = np.full_like(y, 1.0)
    # grad of: for i in range(1, x.shape[0]):
    x_bar = np.zeros_like(x)
    for i in range(t_1 - 1, 0, -1):
        # grad of: y[i] = y[i - 1] + x[i] * x[i]
        t_bar_1 = y_bar[i]
        y_bar[i] = 0.0
        x_bar_1 = t_bar_1 * x[i]
        x_bar[i] += t_bar_1 * x[i]
        x_bar[i] += x_bar_1
        y_bar[i - 1] += t_bar_1
    # grad of: y[0] = x[0]
    x_bar_3 = y_bar[0]
    y_bar[0] = 0.0
    x_bar[0] += x_bar_3
    return t_5, x_bar
