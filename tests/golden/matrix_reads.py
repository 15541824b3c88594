import numpy as np
import adc_runtime as rt


def matrix_reads_grad(A):
    # forward sweep
    shape = A.shape
    m = shape[0]
    n = shape[1]
    s_1 = 0.0
    for i in range(m):
        trips = rt.range_len(0, n, 1)
        rt.check_loop_index(trips, i, i, A.shape[0])
        rt.check_loop_index(trips, 0, rt.range_last(0, n, 1), A.shape[1])
        for j in range(n):
            s_1 = s_1 + A[i, j] * A[i, j] * (i + 1) - A[i, j]
    # backward sweep
    # grad of: for i in range(m):
    A_bar = np.zeros_like(A)
    s_bar_1 = 1.0
    for i in range(m - 1, -1, -1):
        # grad of: for j in range(n):
        for j in range(n - 1, -1, -1):
            # grad of: s = s + A[i, j] * A[i, j] * (i + 1) - A[i, j]
            A_bar[i, j] += -s_bar_1
            t_bar = s_bar_1 * (i + 1)
            A_bar_2 = t_bar * A[i, j]
            A_bar[i, j] += t_bar * A[i, j]
            A_bar[i, j] += A_bar_2
    return s_1, A_bar
