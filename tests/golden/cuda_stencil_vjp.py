import numba.cuda as cuda
import math
import numpy as np
import adc_runtime.cuda as rt


@cuda.jit
def stencil_vjp(u, out, u_bar, out_bar, _statuses):
    _x, _y, _z = cuda.grid(3)
    _nx, _ny, _nz = cuda.gridsize(3)
    _t = _x + _nx * (_y + _ny * _z)  # this thread's rows
    _status = _statuses[_t]
    # forward sweep
    i = cuda.grid(1)
    if i >= 1:
        cond_1 = i < u.shape[0] - 1
    else:
        cond_1 = False
    if cond_1:
        t_2 = i - 1
        if rt.check_index(_status, t_2, u.shape[0]):
            return
        if rt.check_index(_status, i, u.shape[0]):
            return
        t_5 = i + 1
        if rt.check_index(_status, t_5, u.shape[0]):
            return
        if rt.check_index(_status, i, out.shape[0]):
            return
    # backward sweep
    # grad of: if i >= 1 and i < u.shape[0] - 1:
    if cond_1:
        # grad of: out[i] = u[i - 1] - 2.0 * u[i] + u[i + 1] * u[i]
        t_bar = out_bar[i]
        out_bar[i] = 0.0
        u_bar_1 = t_bar * u[i]
        cuda.atomic.add(u_bar, i, t_bar * u[i + 1])
        cuda.atomic.add(u_bar, i + 1, u_bar_1)
        cuda.atomic.add(u_bar, i, -t_bar * 2.0)
        cuda.atomic.add(u_bar, i - 1, t_bar)


stencil_vjp_layout = {'kind': 'kernel', 'primal': 2, 'own_grid': 1, 'bars': [0, 1], 'global_levels': [], 'records': False, 'index_width': 1}
