import numpy as np
import adc_runtime as rt


def matrix_reads_grad(A):
    _fstack, _istack = rt.new_stack(1024)
    _fsp = 0
    _isp = 0
    # forward sweep
    shape = A.shape
    m = shape[0]
    n = shape[1]
    s_1 = 0.0
    for i in range(m):
        _fstack = rt.reserve(_fstack, _fsp, 2 * rt.range_len(0, n, 1))
        for j in range(n):
            A_1 = A[i, j]
            A_2 = A[i, j]
            s_1 = s_1 + A_1 * A_2 * (i + 1) - A[i, j]
            _fstack[_fsp] = A_1
            _fstack[_fsp + 1] = A_2
            _fsp += 2
    # backward sweep
    A_bar = np.zeros_like(A)
    # grad of: for i in range(m):
    s_bar_1 = 1.0
    for i in range(m - 1, -1, -1):
        # grad of: for j in range(n):
        for j in range(n - 1, -1, -1):
            _fsp -= 2
            A_2 = _fstack[_fsp + 1]
            A_1 = _fstack[_fsp]
            # grad of: s = s + A[i, j] * A[i, j] * (i + 1) - A[i, j]
            A_bar[i, j] += -s_bar_1
            t_bar = s_bar_1 * (i + 1)
            A_bar_2 = t_bar * A_2
            A_bar[i, j] += t_bar * A_1
            A_bar[i, j] += A_bar_2
    return s_1, A_bar
