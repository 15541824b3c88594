import numba.cuda as cuda
import math
import numpy as np
import adc_runtime.cuda as rt


@cuda.jit(device=True)
def while_newton_grad(a, _fstack, _istack, _status):
    _fsp = 0
    _isp = 0
    # forward sweep
    x, i_1, trips = a, 0, 0
    while True:
        cond_2 = abs(x * x - a) > 1e-12 and i_1 < 50
        if not cond_2:
            break
        if rt.full(_status, _fstack, _fsp, 2):
            return 0.0, 0.0
        if rt.check_divisor(_status, x):
            return 0.0, 0.0
        t_3 = a / x
        x_1 = 0.5 * (x + t_3)
        i_1 = i_1 + 1
        _fstack[_fsp] = t_3
        _fstack[_fsp + 1] = x
        _fsp += 2
        trips = trips + 1
        x = x_1
    # backward sweep
    # grad of: while abs(x * x - a) > 1e-12 and i < 50:
    x_bar_1, a_bar_1 = 1.0, 0.0
    for _ in range(trips - 1, -1, -1):
        _fsp -= 2
        x_2 = _fstack[_fsp + 1]
        t_3 = _fstack[_fsp]
        # grad of: x = 0.5 * (x + a / x)
        t_bar = x_bar_1 * 0.5
        a_bar_1 = a_bar_1 + t_bar / x_2
        x_bar_1 = t_bar + -t_bar * t_3 / x_2
    return x, a_bar_1 + x_bar_1


@cuda.jit
def while_newton_grad_map(a, _out0, _out1, _fstacks, _istacks, _status):
    _i = cuda.grid(1)
    if _i < _status.shape[0]:
        _out0[_i], _out1[_i] = while_newton_grad(a[_i], _fstacks[_i], _istacks[_i], _status[_i])


while_newton_grad_layout = {'params': ['float64'], 'outputs': ['float64', 'float64'], 'global_levels': [0], 'local_depths': {}}
