import numpy as np


def matvec_grad(A, w):
    # forward sweep
    y = np.dot(A, w)
    t = np.dot(y, y)
    # backward sweep
    A_bar = np.zeros_like(A)
    w_bar = np.zeros_like(w)
    y_bar = np.zeros_like(y)
    # grad of: return np.dot(y, y)
    y_bar += y
    y_bar += y
    # grad of: y = A @ w
    t_3 = np.dot(np.transpose(A), y_bar)
    A_bar += np.outer(y_bar, w)
    w_bar += t_3
    return t, A_bar, w_bar
