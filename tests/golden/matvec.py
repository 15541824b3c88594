import numpy as np


def matvec_grad(A, w):
    # forward sweep
    y = np.dot(A, w)
    t = np.dot(y, y)
    # backward sweep
    # grad of: return np.dot(y, y)
    y_bar = 1.0 * y
    y_bar += y
    return t, np.outer(y_bar, w), np.dot(np.transpose(A), y_bar)
