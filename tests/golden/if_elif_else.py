import math
import adc_runtime as rt


def if_elif_else_grad(x, _sizes):
    _fstack, _istack = rt.sized_stack(_sizes, 0)
    _fsp = 0
    _isp = 0
    # forward sweep
    cond = x > 1.0
    if cond:
        y = x * x
    else:
        cond_1 = x > 0.0
        if cond_1:
            y = rt.sin(x)
        else:
            t_2 = rt.exp(x)
            y = -x * 3.0 + t_2
            _fstack = rt.reserve(_fstack, _fsp, 1)
            _fstack[_fsp] = t_2
            _fsp += 1
        _istack = rt.reserve(_istack, _isp, 1)
        _istack[_isp] = cond_1
        _isp += 1
    t_3 = y * x
    # backward sweep
    # grad of: if x > 1.0:
    if cond:
        # grad of: y = x * x
        x_bar = y + x * x + x * x
    else:
        _isp -= 1
        cond_1 = _istack[_isp]
        # grad of: elif x > 0.0:
        if cond_1:
            # grad of: y = math.sin(x)
            x_bar = y + x * math.cos(x)
        else:
            _fsp -= 1
            t_2 = _fstack[_fsp]
            # grad of: y = -x * 3.0 + math.exp(x)
            x_bar = y + x * t_2 - x * 3.0
    rt.remember_size(_sizes, 0, _fstack, _istack)
    return t_3, x_bar
