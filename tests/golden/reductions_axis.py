import numpy as np
import adc_runtime as rt


def reductions_axis_grad(A):
    # forward sweep
    t = rt.sum_axis(A, 0)
    t_1 = t ** 2
    t_3 = rt.mean_axis(A, 1)
    t_4 = t_3 * 3.0
    t_7 = rt.max_axis(A, 1)
    t_10 = rt.min_axis(A, 0)
    t_13 = rt.prod_axis(A, -1)
    t_16 = rt.sum_axis(A, 1)
    t_17 = rt.expand_axis(t_16, 1)
    t_18 = t_17 * A
    t_20 = np.sum(t_1) + np.sum(t_4) + np.sum(t_7) + np.sum(t_10) + np.sum(t_13) + np.sum(t_18)
    # backward sweep
    A_bar = np.zeros_like(A)
    t_bar = np.zeros_like(t)
    t_bar_1 = np.zeros_like(t_1)
    t_bar_2 = np.zeros_like(t_3)
    t_bar_3 = np.zeros_like(t_4)
    t_bar_4 = np.zeros_like(t_7)
    t_bar_5 = np.zeros_like(t_10)
    t_bar_6 = np.zeros_like(t_13)
    t_bar_7 = np.zeros_like(t_16)
    t_bar_8 = np.zeros_like(t_17)
    t_bar_9 = np.zeros_like(t_18)
    # grad of: + np.sum(np.min(A, axis=0)) + np.sum(np.prod(A, axis=-1)) + np.sum(A.sum(axis=1, keepdims=True) * A))
    t_bar_9 += np.full_like(t_18, 1.0)
    t_23 = t_bar_9 * t_17
    t_bar_8 += rt.unbroadcast(t_bar_9 * A, t_17)
    A_bar += rt.unbroadcast(t_23, A)
    t_bar_7 += rt.squeeze_axis(t_bar_8, 1)
    A_bar += rt.spread(t_bar_7, A, 1)
    t_bar_6 += np.full_like(t_13, 1.0)
    A_bar += rt.spread(t_bar_6 * t_13, A, -1) / A
    t_bar_5 += np.full_like(t_10, 1.0)
    A_bar += rt.spread(t_bar_5, A, 0) * rt.tie_share(A, t_10, 0)
    # grad of: return (np.sum(np.sum(A, axis=0) ** 2) + np.sum(A.mean(axis=1) * 3.0) + np.sum(np.max(A, axis=1))
    t_bar_4 += np.full_like(t_7, 1.0)
    A_bar += rt.spread(t_bar_4, A, 1) * rt.tie_share(A, t_7, 1)
    t_bar_3 += np.full_like(t_4, 1.0)
    t_bar_2 += t_bar_3 * 3.0
    A_bar += rt.spread(t_bar_2, A, 1) / A.shape[1]
    t_bar_1 += np.full_like(t_1, 1.0)
    t_bar += t_bar_1 * 2 * t
    A_bar += rt.spread(t_bar, A, 0)
    return t_20, A_bar
