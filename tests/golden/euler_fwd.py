import math
import numpy as np
import adc_runtime as rt


def _euler_jvp(x, theta, x_dot, theta_dot):
    u = np.copy(x)
    u_dot = np.copy(x_dot)
    for _ in range(20):
        t = u.shape[0]
        trips = rt.range_len(1, t, 1)
        last = rt.range_last(1, t, 1)
        n = u.shape[0]
        rt.check_loop_index(trips, 1, last, n)
        rt.check_loop_index(trips, 0, last - 1, n)
        for i in range(1, t):
            t_1 = i - 1
            u_2 = u[t_1]
            u_3 = u[i]
            t_dot_4 = u_dot[i] + (u_dot[t_1] * math.cos(u_2) - (theta_dot * u_3 + u_dot[i] * theta)) * 0.01
            u[i] = u[i] + 0.01 * (rt.sin(u_2) - theta * u_3)
            u_dot[i] = t_dot_4
    return np.sum(u * u), np.sum(u_dot * u + u_dot * u)
