import numpy as np
import adc_runtime as rt


def reductions_axis_grad(A):
    # forward sweep
    t = rt.sum_axis(A, 0)
    t_1 = t ** 2
    t_4 = rt.mean_axis(A, 1) * 3.0
    t_7 = rt.max_axis(A, 1)
    t_10 = rt.min_axis(A, 0)
    t_13 = rt.prod_axis(A, -1)
    t_17 = rt.expand_axis(rt.sum_axis(A, 1), 1)
    t_18 = t_17 * A
    t_20 = np.sum(t_1) + np.sum(t_4) + np.sum(t_7) + np.sum(t_10) + np.sum(t_13) + np.sum(t_18)
    # backward sweep
    # grad of: + np.sum(np.min(A, axis=0)) + np.sum(np.prod(A, axis=-1)) + np.sum(A.sum(axis=1, keepdims=True) * A))
    t_bar_1 = np.full_like(t_18, 1.0)
    A_bar = rt.unbroadcast(t_bar_1 * t_17, A)
    A_bar += rt.spread(rt.squeeze_axis(rt.unbroadcast(t_bar_1 * A, t_17), 1), A, 1)
    A_bar += rt.spread(np.full_like(t_13, 1.0) * t_13, A, -1) / A
    A_bar += rt.spread(np.full_like(t_10, 1.0), A, 0) * rt.tie_share(A, t_10, 0)
    # grad of: return (np.sum(np.sum(A, axis=0) ** 2) + np.sum(A.mean(axis=1) * 3.0) + np.sum(np.max(A, axis=1))
    A_bar += rt.spread(np.full_like(t_7, 1.0), A, 1) * rt.tie_share(A, t_7, 1)
    A_bar += rt.spread(np.full_like(t_4, 1.0) * 3.0, A, 1) / A.shape[1]
    A_bar += rt.spread(np.full_like(t_1, 1.0) * 2 * t, A, 0)
    return t_20, A_bar
