import numpy as np
import adc_runtime as rt


def _double_buffer_grad(x, _sizes):
    _fstack, _istack = rt.sized_stack(_sizes, 0)
    _fsp = 0
    _isp = 0
    # forward sweep
    u = np.copy(x)
    for t in range(4):
        v = np.zeros(u.shape[0])
        t_2 = u.shape[0]
        trips = rt.range_len(0, t_2, 1)
        last = rt.range_last(0, t_2, 1)
        rt.check_loop_index(trips, 0, last, u.shape[0])
        rt.check_loop_index(trips, 0, last, v.shape[0])
        _fstack = rt.reserve(_fstack, _fsp, rt.range_len(0, t_2, 1))
        for i in range(t_2):
            t_5 = u.shape[0]
            rt.check_divisor(t_5)
            t_6 = (i + 1) % t_5
            rt.check_index(t_6, u.shape[0])
            u_2 = u[t_6]
            v[i] = u[i] * 0.5 + u_2 ** 2
            _fstack[_fsp] = u_2
            _fsp += 1
        _fstack = rt.reserve(_fstack, _fsp, u.size)
        _istack = rt.reserve(_istack, _isp, 1)
        _fsp, _isp = rt.put_array(_fstack, _fsp, _istack, _isp, u)
        u = v
    t_9 = np.sum(u)
    # backward sweep
    # grad of: for t in range(4):
    u_bar = np.full_like(u, 1.0)
    for t in range(3, -1, -1):
        u_3, _fsp, _isp = rt.view_array1(_fstack, _fsp, _istack, _isp)
        # grad of: for i in range(u.shape[0]):
        u_bar_1 = np.zeros_like(u_3)
        for i in range(u_3.shape[0] - 1, -1, -1):
            _fsp -= 1
            u_2 = _fstack[_fsp]
            # grad of: v[i] = u[i] * 0.5 + u[(i + 1) % u.shape[0]] ** 2
            t_bar_1 = u_bar[i]
            u_bar[i] = 0.0
            u_bar_1[(i + 1) % u_3.shape[0]] += t_bar_1 * 2 * u_2
            u_bar_1[i] += t_bar_1 * 0.5
        u_bar = u_bar_1
    rt.remember_size(_sizes, 0, _fstack, _istack)
    return t_9, u_bar
