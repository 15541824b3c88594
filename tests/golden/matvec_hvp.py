import numpy as np
import adc_runtime as rt


def matvec_grad_jvp(A, w, A_dot, w_dot):
    # forward sweep
    y = np.dot(A, w)
    y_dot = np.dot(A_dot, w) + np.dot(A, w_dot)
    t_2 = np.dot(y, y)
    t_dot = np.dot(y_dot, y) + np.dot(y, y_dot)
    # backward sweep
    # grad of: return np.dot(y, y)
    y_bar = 1.0 * y
    y_bar_dot = y_dot * 1.0
    y_bar += y
    y_bar_dot += y_dot
    # grad of: y = A @ w
    t_7 = np.transpose(A)
    return t_2, np.outer(y_bar, w), np.dot(t_7, y_bar), t_dot, np.outer(y_bar_dot, w) + np.outer(y_bar, w_dot), rt.dot_t(A_dot, y_bar) + np.dot(t_7, y_bar_dot)
