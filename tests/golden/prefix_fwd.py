import numpy as np


def _prefix_jvp(x, x_dot):
    y = np.zeros(x.shape[0])
    y_dot = np.zeros_like(y)
    x_dot_1 = x_dot[0]
    y[0] = x[0]
    y_dot[0] = x_dot_1
    for i in range(1, x.shape[0]):
        t_2 = i - 1
        x_2 = x[i]
        x_3 = x[i]
        t_dot_1 = y_dot[t_2] + (x_dot[i] * x_3 + x_dot[i] * x_2)
        y[i] = y[t_2] + x_2 * x_3
        y_dot[i] = t_dot_1
    return np.sum(y), np.sum(y_dot)
