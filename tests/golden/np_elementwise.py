import numpy as np
import adc_runtime as rt


def np_elementwise_grad(x):
    # forward sweep
    t = np.sin(x)
    t_1 = np.exp(x)
    t_2 = t * t_1
    t_3 = np.log(x)
    t_4 = np.sqrt(x)
    t_5 = t_3 * t_4
    t_6 = t_2 + t_5
    t_7 = np.tanh(x)
    t_8 = np.cosh(x)
    t_9 = t_7 / t_8
    t_10 = t_6 - t_9
    t_11 = np.sum(t_10)
    # backward sweep
    # grad of: return np.sum(np.sin(x) * np.exp(x) + np.log(x) * np.sqrt(x) - np.tanh(x) / np.cosh(x))
    t_bar_1 = np.full_like(t_10, 1.0)
    t_bar_2 = rt.unbroadcast(t_bar_1, t_6)
    t_bar_3 = rt.unbroadcast(-t_bar_1, t_9)
    x_bar = rt.unbroadcast(-t_bar_3 * t_9 / t_8, t_8) * np.sinh(x)
    x_bar += rt.unbroadcast(t_bar_3 / t_8, t_7) * (1.0 - t_7 * t_7)
    t_bar_6 = rt.unbroadcast(t_bar_2, t_2)
    t_bar_7 = np.copy(rt.unbroadcast(t_bar_2, t_5))
    t_bar_8 = rt.unbroadcast(t_bar_7 * t_4, t_3)
    x_bar += rt.unbroadcast(t_bar_7 * t_3, t_4) * 0.5 / t_4
    x_bar += t_bar_8 / x
    t_bar_10 = rt.unbroadcast(t_bar_6 * t_1, t)
    x_bar += rt.unbroadcast(t_bar_6 * t, t_1) * t_1
    x_bar += t_bar_10 * np.cos(x)
    return t_11, x_bar
