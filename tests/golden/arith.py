import numpy as np
import adc_runtime as rt


def arith_grad(x, y):
    # forward sweep
    rt.check_divisor(y)
    t_1 = x / y
    t_5 = 2.0 ** x
    t_8 = x * y + t_1 - y ** 3 + t_5 - -x
    # backward sweep
    return t_8, 1.0 + t_5 * np.log(2.0) + 1.0 / y + y, -1.0 * 3 * y ** 2 + -t_1 / y + x
