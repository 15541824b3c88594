import numpy as np


def matvec_grad_jvp(A, w, A_dot, w_dot):
    # forward sweep
    y = np.dot(A, w)
    y_dot = np.dot(A_dot, w) + np.dot(A, w_dot)
    t_2 = np.dot(y, y)
    t_dot = np.dot(y_dot, y) + np.dot(y, y_dot)
    # backward sweep
    A_bar = np.zeros_like(A)
    A_bar_dot = np.zeros_like(A_bar)
    w_bar = np.zeros_like(w)
    w_bar_dot = np.zeros_like(w_bar)
    y_bar = np.zeros_like(y)
    y_bar_dot = np.zeros_like(y_bar)
    # grad of: return np.dot(y, y)
    y_bar += y
    y_bar_dot += y_dot
    y_bar += y
    y_bar_dot += y_dot
    t_dot_1 = np.outer(y_bar_dot, w) + np.outer(y_bar, w_dot)
    # grad of: y = A @ w
    t_8 = np.transpose(A)
    t_9 = np.dot(t_8, y_bar)
    t_dot_3 = np.dot(np.transpose(A_dot), y_bar) + np.dot(t_8, y_bar_dot)
    A_bar += np.outer(y_bar, w)
    A_bar_dot += t_dot_1
    w_bar += t_9
    w_bar_dot += t_dot_3
    return t_2, A_bar, w_bar, t_dot, A_bar_dot, w_bar_dot
