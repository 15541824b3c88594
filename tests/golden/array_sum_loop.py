import numpy as np
import adc_runtime as rt


def array_sum_loop_grad(x):
    # forward sweep
    n = len(x)
    rt.check_loop_index(rt.range_len(0, n, 1), 0, rt.range_last(0, n, 1), x.shape[0])
    s_1 = 0.0
    for i in range(n):
        s_1 = s_1 + x[i] * x[i]
    # backward sweep
    # grad of: for i in range(len(x)):
    x_bar = np.zeros_like(x)
    s_bar_1 = 1.0
    for i in range(n - 1, -1, -1):
        # grad of: s += x[i] * x[i]
        x_bar_1 = s_bar_1 * x[i]
        x_bar[i] += s_bar_1 * x[i]
        x_bar[i] += x_bar_1
    return s_1, x_bar
