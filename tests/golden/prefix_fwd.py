import numpy as np
import adc_runtime as rt


def _prefix_jvp(x, x_dot):
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
    return np.sum(y), np.sum(y_dot)
