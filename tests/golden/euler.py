import math
import numpy as np
import adc_runtime as rt


def _euler_grad(x, theta, _sizes):
    _fstack, _istack = rt.sized_stack(_sizes, 0)
    _fsp = 0
    _isp = 0
    # forward sweep
    u = np.copy(x)
    for _ in range(20):
        t = u.shape[0]
        trips = rt.range_len(1, t, 1)
        last = rt.range_last(1, t, 1)
        n = u.shape[0]
        rt.check_loop_index(trips, 1, last, n)
        rt.check_loop_index(trips, 0, last - 1, n)
        _fstack = rt.reserve(_fstack, _fsp, 2 * rt.range_len(1, t, 1))
        for i in range(1, t):
            u_2 = u[i - 1]
            u_3 = u[i]
            u[i] = u[i] + 0.01 * (rt.sin(u_2) - theta * u_3)
            _fstack[_fsp] = u_3
            _fstack[_fsp + 1] = u_2
            _fsp += 2
    t_7 = u * u
    t_8 = np.sum(t_7)
    # backward sweep
    # grad of: return np.sum(u * u)
    t_bar_1 = np.full_like(t_7, 1.0)
    u_bar = t_bar_1 * u
    u_bar += t_bar_1 * u
    # grad of: for _ in range(20):
    theta_bar_1 = 0.0
    for _ in range(19, -1, -1):
        # grad of: for i in range(1, u.shape[0]):
        for i in range(u.shape[0] - 1, 0, -1):
            _fsp -= 2
            u_2 = _fstack[_fsp + 1]
            u_3 = _fstack[_fsp]
            # grad of: u[i] = u[i] + 0.01 * (math.sin(u[i - 1]) - theta * u[i])
            t_bar_2 = u_bar[i]
            u_bar[i] = 0.0
            t_bar_3 = t_bar_2 * 0.01
            t_bar_4 = -t_bar_3
            theta_bar_1 = theta_bar_1 + t_bar_4 * u_3
            u_bar[i] += t_bar_4 * theta
            u_bar[i - 1] += t_bar_3 * math.cos(u_2)
            u_bar[i] += t_bar_2
    rt.remember_size(_sizes, 0, _fstack, _istack)
    return t_8, u_bar, theta_bar_1
