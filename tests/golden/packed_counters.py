import numpy as np
import adc_runtime as rt


def packed_counters_grad(p, x, _sizes):
    _fstack, _istack = rt.sized_stack(_sizes, 0)
    _fsp = 0
    _isp = 0
    # forward sweep
    total_1 = 0.0
    for t in range(2):
        _istack = rt.reserve(_istack, _isp, 2 * 4)
        for r in range(4):
            trips_1 = rt.range_len(0, r, 1)
            n = x.shape[0]
            rt.check_loop_index(trips_1, 0, rt.range_last(0, r, 1), n)
            rt.check_loop_index(trips_1, r, r, n)
            idx, back_1 = 4 + r - 1, 9
            for j in range(r):
                rt.check_index(idx, p.shape[0])
                rt.check_index(back_1, p.shape[0])
                total_1 = total_1 + p[idx] * x[j] * (t + 1.0) - p[back_1] * x[r] * 0.5
                idx = idx + (4 - j - 2)
                back_1 = back_1 - (j + 1)
            _istack[_isp] = idx
            _istack[_isp + 1] = back_1
            _isp += 2
    t_11 = p * p
    t_14 = total_1 + np.sum(t_11) * 0.1
    # backward sweep
    # grad of: return total + np.sum(p * p) * 0.1
    t_bar_1 = np.full_like(t_11, 0.1)
    p_bar = t_bar_1 * p
    p_bar += t_bar_1 * p
    # grad of: for t in range(2):
    x_bar = np.zeros_like(x)
    total_bar = 1.0
    for t in range(1, -1, -1):
        # grad of: for r in range(4):
        for r in range(3, -1, -1):
            _isp -= 2
            back_1 = _istack[_isp + 1]
            idx = _istack[_isp]
            # grad of: for j in range(r):
            total_bar_1, idx_1, back_2 = total_bar, idx, back_1
            for j in range(r - 1, -1, -1):
                # grad of: for j in range(r):
                idx_2 = idx_1 - (4 - j - 2)
                back_3 = back_2 + (j + 1)
                # grad of: total = total + p[idx] * x[j] * (t + 1.0) - p[back] * x[r] * 0.5
                t_bar_3 = -total_bar_1 * 0.5
                p_bar_1 = t_bar_3 * x[r]
                x_bar[r] += t_bar_3 * p[back_3]
                p_bar[back_3] += p_bar_1
                t_bar_4 = total_bar_1 * (t + 1.0)
                p_bar_2 = t_bar_4 * x[j]
                x_bar[j] += t_bar_4 * p[idx_2]
                p_bar[idx_2] += p_bar_2
                idx_1, back_2 = idx_2, back_3
            total_bar = total_bar_1
    rt.remember_size(_sizes, 0, _fstack, _istack)
    return t_14, p_bar, x_bar
