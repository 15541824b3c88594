import math
import numpy as np


def _euler_jvp(x, theta, x_dot, theta_dot):
    u = np.copy(x)
    u_dot = np.copy(x_dot)
    for _ in range(20):
        for i in range(1, u.shape[0]):
            t_1 = i - 1
            u_2 = u[t_1]
            u_3 = u[i]
            t_dot_4 = u_dot[i] + (u_dot[t_1] * math.cos(u_2) - (theta_dot * u_3 + u_dot[i] * theta)) * 0.01
            u[i] = u[i] + 0.01 * (math.sin(u_2) - theta * u_3)
            u_dot[i] = t_dot_4
    return np.sum(u * u), np.sum(u_dot * u + u_dot * u)
