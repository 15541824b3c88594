import numpy as np
import adc_runtime as rt


def _prefix_grad_jvp(x, x_dot):
    # forward sweep
    y = np.zeros(x.shape[0])
    y_dot = np.zeros_like(y)
    rt.check_index(0, x.shape[0])
    x_dot_1 = x_dot[0]
    rt.check_index(0, y.shape[0])
    y[0] = x[0]
    y_dot[0] = x_dot_1
    t_1 = x.shape[0]
    trips = rt.range_len(1, t_1, 1)
    last = rt.range_last(1, t_1, 1)
    n_2 = y.shape[0]
    rt.check_loop_index(trips, 0, last - 1, n_2)
    rt.check_loop_index(trips, 1, last, x.shape[0])
    rt.check_loop_index(trips, 1, last, n_2)
    for i in range(1, t_1):
        t_2 = i - 1
        x_2 = x[i]
        x_3 = x[i]
        t_dot_1 = y_dot[t_2] + (x_dot[i] * x_3 + x_dot[i] * x_2)
        y[i] = y[t_2] + x_2 * x_3
        y_dot[i] = t_dot_1
    t_7 = np.sum(y)
    t_dot_2 = np.sum(y_dot)
    # backward sweep
    # grad of: return np.sum(y)
    y_bar = np.full_like(y, 1.0)
    y_bar_dot = np.zeros_like(y)
    # grad of: for i in range(1, x.shape[0]):
    x_bar = np.zeros_like(x)
    x_bar_dot = np.zeros_like(x_bar)
    for i in range(t_1 - 1, 0, -1):
        # grad of: y[i] = y[i - 1] + x[i] * x[i]
        t_bar_1 = y_bar[i]
        t_bar_dot = y_bar_dot[i]
        y_bar[i] = 0.0
        y_bar_dot[i] = 0.0
        x_4 = x[i]
        x_5 = x[i]
        x_bar_1 = t_bar_1 * x_5
        x_bar_dot_1 = t_bar_dot * x_5 + x_dot[i] * t_bar_1
        x_bar_dot_2 = t_bar_dot * x_4 + x_dot[i] * t_bar_1
        x_bar[i] += t_bar_1 * x_4
        x_bar_dot[i] += x_bar_dot_2
        x_bar[i] += x_bar_1
        x_bar_dot[i] += x_bar_dot_1
        t_12 = i - 1
        y_bar[t_12] += t_bar_1
        y_bar_dot[t_12] += t_bar_dot
    # grad of: y[0] = x[0]
    x_bar_3 = y_bar[0]
    x_bar_dot_3 = y_bar_dot[0]
    y_bar[0] = 0.0
    y_bar_dot[0] = 0.0
    x_bar[0] += x_bar_3
    x_bar_dot[0] += x_bar_dot_3
    return t_7, x_bar, t_dot_2, x_bar_dot
