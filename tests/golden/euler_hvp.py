import math
import numpy as np
import adc_runtime as rt


def _euler_grad_jvp(x, theta, x_dot, theta_dot, _sizes):
    _fstack, _istack = rt.sized_stack(_sizes, 0)
    _fsp = 0
    _isp = 0
    # forward sweep
    u = np.copy(x)
    u_dot = np.copy(x_dot)
    for _ in range(20):
        t = u.shape[0]
        trips = rt.range_len(1, t, 1)
        last = rt.range_last(1, t, 1)
        n = u.shape[0]
        rt.check_loop_index(trips, 1, last, n)
        rt.check_loop_index(trips, 0, last - 1, n)
        _fstack = rt.reserve(_fstack, _fsp, 4 * rt.range_len(1, t, 1))
        for i in range(1, t):
            t_1 = i - 1
            u_2 = u[t_1]
            u_dot_2 = u_dot[t_1]
            u_3 = u[i]
            u_dot_3 = u_dot[i]
            t_dot_4 = u_dot[i] + (u_dot_2 * math.cos(u_2) - (theta_dot * u_3 + u_dot_3 * theta)) * 0.01
            u[i] = u[i] + 0.01 * (rt.sin(u_2) - theta * u_3)
            u_dot[i] = t_dot_4
            _fstack[_fsp] = u_3
            _fstack[_fsp + 1] = u_dot_3
            _fstack[_fsp + 2] = u_2
            _fstack[_fsp + 3] = u_dot_2
            _fsp += 4
    t_10 = u * u
    t_13 = np.sum(t_10)
    t_dot_6 = np.sum(u_dot * u + u_dot * u)
    # backward sweep
    # grad of: return np.sum(u * u)
    t_bar_1 = np.full_like(t_10, 1.0)
    t_bar_dot = np.zeros_like(t_10)
    u_bar = t_bar_1 * u
    u_bar_dot = t_bar_dot * u + u_dot * t_bar_1
    t_dot_7 = t_bar_dot * u + u_dot * t_bar_1
    u_bar += t_bar_1 * u
    u_bar_dot += t_dot_7
    # grad of: for _ in range(20):
    theta_bar_1, theta_bar_dot_1 = 0.0, 0.0
    for _ in range(19, -1, -1):
        # grad of: for i in range(1, u.shape[0]):
        for i in range(u.shape[0] - 1, 0, -1):
            _fsp -= 4
            u_dot_4 = _fstack[_fsp + 3]
            u_2 = _fstack[_fsp + 2]
            u_dot_5 = _fstack[_fsp + 1]
            u_3 = _fstack[_fsp]
            # grad of: u[i] = u[i] + 0.01 * (math.sin(u[i - 1]) - theta * u[i])
            t_bar_2 = u_bar[i]
            t_bar_dot_1 = u_bar_dot[i]
            u_bar[i] = 0.0
            u_bar_dot[i] = 0.0
            t_bar_3 = t_bar_2 * 0.01
            t_bar_dot_2 = t_bar_dot_1 * 0.01
            t_bar_4 = -t_bar_3
            t_bar_dot_3 = -t_bar_dot_2
            u_bar_dot_1 = t_bar_dot_3 * theta + theta_dot * t_bar_4
            theta_bar_1 = theta_bar_1 + t_bar_4 * u_3
            theta_bar_dot_1 = theta_bar_dot_1 + (t_bar_dot_3 * u_3 + u_dot_5 * t_bar_4)
            u_bar[i] += t_bar_4 * theta
            u_bar_dot[i] += u_bar_dot_1
            t_25 = math.cos(u_2)
            u_bar_dot_2 = t_bar_dot_2 * t_25 + -u_dot_4 * math.sin(u_2) * t_bar_3
            t_30 = i - 1
            u_bar[t_30] += t_bar_3 * t_25
            u_bar_dot[t_30] += u_bar_dot_2
            u_bar[i] += t_bar_2
            u_bar_dot[i] += t_bar_dot_1
    rt.remember_size(_sizes, 0, _fstack, _istack)
    return t_13, u_bar, theta_bar_1, t_dot_6, u_bar_dot, theta_bar_dot_1
