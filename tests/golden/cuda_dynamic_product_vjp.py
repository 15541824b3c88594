import numba.cuda as cuda
import math
import numpy as np
import adc_runtime.cuda as rt


@cuda.jit
def dynamic_product_vjp(x, n, out, x_bar, out_bar, _fstacks, _istacks, _statuses):
    _x, _y, _z = cuda.grid(3)
    _nx, _ny, _nz = cuda.gridsize(3)
    _t = _x + _nx * (_y + _ny * _z)  # this thread's rows
    _status = _statuses[_t]
    _fstack, _istack = _fstacks[_t], _istacks[_t]
    _fsp = 0
    _isp = 0
    # forward sweep
    i = cuda.grid(1)
    cond = i < out.shape[0]
    if cond:
        if rt.check_index(_status, i, n.shape[0]):
            return
        n_2 = n[i]
        if rt.check_loop_index(_status, rt.range_len(0, n_2, 1), 0, rt.range_last(0, n_2, 1), x.shape[0]):
            return
        if rt.full(_status, _fstack, _fsp, rt.range_len(0, n_2, 1)):
            return
        p_1 = 1.0
        for k in range(n_2):
            p_2 = p_1 * x[k]
            _fstack[_fsp] = p_1
            _fsp += 1
            p_1 = p_2
        if rt.check_index(_status, i, out.shape[0]):
            return
    # backward sweep
    # grad of: if i < out.shape[0]:
    if cond:
        # grad of: out[i] = p
        p_bar = out_bar[i]
        out_bar[i] = 0.0
        # grad of: for k in range(n[i]):
        for k in range(n[i] - 1, -1, -1):
            _fsp -= 1
            p_1 = _fstack[_fsp]
            # grad of: p *= x[k]
            p_bar_1 = p_bar * x[k]
            cuda.atomic.add(x_bar, k, p_bar * p_1)
            p_bar = p_bar_1


dynamic_product_vjp_layout = {'kind': 'kernel', 'primal': 3, 'own_grid': 1, 'bars': [0, 2], 'global_levels': [0], 'records': False, 'index_width': 1}
