import numpy as np
import adc_runtime as rt


def matvec_grad(A, w):
    # forward sweep
    y = np.dot(A, w)
    t = np.dot(y, y)
    # backward sweep
    # grad of: return np.dot(y, y)
    y_bar = 1.0 * y
    y_bar += y
    return t, np.outer(y_bar, w), rt.dot_t(A, y_bar)
