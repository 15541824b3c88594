import numpy as np


def matvec_jvp(A, w, A_dot, w_dot):
    y = np.dot(A, w)
    y_dot = np.dot(A_dot, w) + np.dot(A, w_dot)
    return np.dot(y, y), np.dot(y_dot, y) + np.dot(y, y_dot)
