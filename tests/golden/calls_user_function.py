import math
import adc_runtime as rt


def calls_user_function_grad(x):
    # forward sweep
    t = rt.sin(x)
    t_2 = x * x
    t_3 = rt.sin(t_2)
    t_5 = t * x + t_3 * t_2
    # backward sweep
    # grad of: return math.sin(t) * t
    t_bar = t_3 + t_2 * math.cos(t_2)
    return t_5, t_bar * x + t_bar * x + t + x * math.cos(x)
