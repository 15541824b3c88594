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
    x_bar = np.zeros_like(x)
    t_bar = np.zeros_like(t)
    t_bar_1 = np.zeros_like(t_1)
    t_bar_2 = np.zeros_like(t_2)
    t_bar_3 = np.zeros_like(t_3)
    t_bar_4 = np.zeros_like(t_4)
    t_bar_5 = np.zeros_like(t_5)
    t_bar_6 = np.zeros_like(t_6)
    t_bar_7 = np.zeros_like(t_7)
    t_bar_8 = np.zeros_like(t_8)
    t_bar_9 = np.zeros_like(t_9)
    t_bar_10 = np.zeros_like(t_10)
    # grad of: return np.sum(np.sin(x) * np.exp(x) + np.log(x) * np.sqrt(x) - np.tanh(x) / np.cosh(x))
    t_bar_10 += np.full_like(t_10, 1.0)
    t_13 = -t_bar_10
    t_bar_6 += rt.unbroadcast(t_bar_10, t_6)
    t_bar_9 += rt.unbroadcast(t_13, t_9)
    t_19 = -t_bar_9 * t_9 / t_8
    t_bar_7 += rt.unbroadcast(t_bar_9 / t_8, t_7)
    t_bar_8 += rt.unbroadcast(t_19, t_8)
    x_bar += t_bar_8 * np.sinh(x)
    x_bar += t_bar_7 * (1.0 - t_7 * t_7)
    t_bar_2 += rt.unbroadcast(t_bar_6, t_2)
    t_bar_5 += rt.unbroadcast(t_bar_6, t_5)
    t_30 = t_bar_5 * t_3
    t_bar_3 += rt.unbroadcast(t_bar_5 * t_4, t_3)
    t_bar_4 += rt.unbroadcast(t_30, t_4)
    x_bar += t_bar_4 * 0.5 / t_4
    x_bar += t_bar_3 / x
    t_37 = t_bar_2 * t
    t_bar += rt.unbroadcast(t_bar_2 * t_1, t)
    t_bar_1 += rt.unbroadcast(t_37, t_1)
    x_bar += t_bar_1 * t_1
    x_bar += t_bar * np.cos(x)
    return t_11, x_bar
