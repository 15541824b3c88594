"""Every construct outside the subset gets an adc error with where, what and a hint."""
import math

import numpy as np
import pytest

import adc
from adc.errors import AdcSourceError, AdcSyntaxError, AdcTypeError


def _raises(f, args, construct, hint, backend="python"):
    with pytest.raises(AdcSyntaxError) as info:
        adc.grad(f, backend=backend)(*args)
    err = info.value
    text = str(err)
    assert isinstance(err, SyntaxError)
    assert construct in text, text
    assert hint in text, text
    assert __file__ in text and err.filename == __file__
    assert f"line {err.lineno}" in text and "^" in text
    assert err.text.strip() and err.text.strip() in text
    return err


def f_class(x):
    class A:
        pass
    return x


def f_yield(x):
    yield x


def f_try(x):
    try:
        y = x * 2.0
    except ValueError:
        y = x
    return y


def f_with(x):
    with open("f") as fh:
        pass
    return x


G = 1.0


def f_global(x):
    global G
    G = x
    return x


def f_nonlocal(x):
    y = x

    def inner():
        nonlocal y
        y = 2.0
        return y
    return inner()


def f_recursive(x):
    if x < 1.0:
        return x
    return f_recursive(x - 1.0)


def f_varargs(*xs):
    return xs[0]


def f_kwargs(x, **kw):
    return x


def f_set(x):
    s = {x}
    return x


async def f_async(x):
    return x


def f_list_append(x):
    a = (x,)
    a.append(x)
    return x


def f_star(x):
    a, *b = (x, x, x)
    return a


def f_listcomp(x):
    v = [x * i for i in range(int(x))]
    return x


def f_no_rule(x):
    return np.fft.fft(x)


def f_shape_of_number(x):
    n, d = x.shape
    return x * n


def f_slice(x):
    return np.sum(x.ndim * x)


def f_view_read_after_write(x):
    u = x.copy()
    v = u[1:3]
    u[1] = 5.0
    return np.sum(v)


def f_view_write(x):
    u = x.copy()
    v = u[1:3]
    v[0] = 1.0
    return np.sum(u)


def f_loop_local(x):
    for i in range(3):
        last = x * i
    return last


def f_for_iter(x):
    s = 0.0
    for v in "ab":
        s = s + x
    return s


def f_alias_write(x, c):
    a = x.copy()
    b = x * 2.0
    if c > 0:
        u = a
    else:
        u = b
    u[0] = 5.0
    return np.sum(a) + np.sum(u)


def f_alias_after_loop(x):
    a = x.copy()
    u = a
    for k in range(3):
        u = np.sin(u)
    a[0] = 1.0
    return np.sum(u) + np.sum(a)


def f_alias_read_after_write(x, y, c):
    if c > 0.5:
        u = x
    else:
        u = y
    u[0] = u[1] * 2.0
    return np.sum(u * u) + x[0]


def f_one_array_two_carried_names(x):
    u = x
    for k in range(x.shape[0]):
        u, x = x, u
        u[k] += u[1]
    return np.sum(u)


def f_one_array_two_names_in_while(x):
    u = x
    k = 0
    while k < 3:
        u, x = x, u
        u[k] += u[1]
        k += 1
    return np.sum(u)


def f_one_array_two_if_results(x, y, c):
    if c > 0.5:
        a, b = x, x
    else:
        a, b = y, y
    a[0] = a[1] * 3.0
    return np.sum(b * b)


CASES = [
    (f_one_array_two_carried_names, (np.ones(3),), "one array under two names ('x' and 'u')", "copy it"),
    (f_one_array_two_names_in_while, (np.ones(3),), "one array under two names ('x' and 'u')", "copy it"),
    (f_one_array_two_if_results, (np.ones(3), np.ones(3), 0.7), "one array under two names ('a' and 'b')",
     "copy it"),
    (f_alias_read_after_write, (np.ones(3), np.ones(3), 0.7),
     "a write into the array 'u' while a loop or branch also names its memory 'x'", "write into a copy"),
    (f_alias_write, (np.ones(3), 1.0), "a write into the array 'u' while a loop or branch also names",
     "write into a copy"),
    (f_alias_after_loop, (np.ones(3),), "a write into the array 'a' while a loop or branch also names",
     "write into a copy"),
    (f_class, (1.0,), "a class definition", "define the class outside"),
    (f_yield, (1.0,), "a generator (yield)", "return an array"),
    (f_try, (1.0,), "try/except", "move error handling outside"),
    (f_with, (1.0,), "a with statement", "move the context manager outside"),
    (f_global, (1.0,), "a global statement", "pass the value in"),
    (f_nonlocal, (1.0,), "a nonlocal statement", "pass the value in"),
    (f_recursive, (3.0,), "recursion (f_recursive calls itself)", "rewrite the recursion as a loop"),
    (f_varargs, (1.0,), "*args", "list the parameters one by one"),
    (f_kwargs, (1.0,), "**kwargs", "list the parameters one by one"),
    (f_set, (1.0,), "a set value", "use an array"),
    (f_list_append, (1.0,), "list or container mutation (.append)", "preallocate an array"),
    (f_star, (1.0,), "star-unpacking", "unpack into a fixed number of names"),
    (f_listcomp, (1.0,), "a comprehension over a range known only at run time", "preallocated array"),
    (f_no_rule, (np.ones(3),), "numpy.fft.fft, which has no derivative rule", "adc.primitive"),
    (f_slice, (np.ones(4),), "the attribute .ndim", "use .shape, .size, .T"),
    (f_view_read_after_write, (np.ones(4),), "a slice read after its array is written", "copy it first"),
    (f_view_write, (np.ones(4),), "a write through a slice", "copy it first"),
    (f_loop_local, (1.0,), "the name 'last', which is only bound", "assign last before the loop"),
    (f_for_iter, (np.ones(3),), "a for loop over this object", "a list, tuple or dict"),
    (f_shape_of_number, (1.0,), "the shape of x, a number", "pass an array"),
]


@pytest.mark.parametrize("f,args,construct,hint", CASES, ids=[c[0].__name__ for c in CASES])
def test_fence_message(f, args, construct, hint):
    _raises(f, args, construct, hint)


def test_async_is_rejected():
    with pytest.raises((AdcSyntaxError, AdcSourceError)):
        adc.grad(f_async)(1.0)


def test_error_points_at_the_line():
    err = _raises(f_slice, (np.ones(4),), "the attribute .ndim", "use .shape")
    assert err.text.strip() == "return np.sum(x.ndim * x)"
    assert err.offset == err.text.index("x.ndim") + 1


def test_function_without_source():
    namespace = {}
    exec("def typed_at_prompt(x):\n    return x * x\n", namespace)
    with pytest.raises(AdcSourceError, match="cannot read the source of typed_at_prompt"):
        adc.grad(namespace["typed_at_prompt"])(1.0)


def test_non_scalar_output_names_shape_and_alternatives():
    with pytest.raises(AdcTypeError, match=r"scalar output.*float64\[:\].*adc.vjp or adc.jacobian"):
        adc.grad(lambda x: np.sin(x), backend="python")(np.ones(3))


def test_integer_wrt_is_an_error():
    def f(x, n):
        return x * n
    with pytest.raises(AdcTypeError, match="cannot differentiate with respect to n, which is int64"):
        adc.grad(f, wrt=1, backend="python")(1.0, 3)


def test_unknown_wrt_name():
    with pytest.raises(adc.AdcError, match="has no parameter 'z'"):
        adc.grad(lambda x: x, wrt="z")


def test_wrong_argument_count():
    with pytest.raises(AdcTypeError, match="takes 1 arguments"):
        adc.grad(lambda x: x * x, backend="python")(1.0, 2.0)


def test_float32_array_gets_a_hint():
    with pytest.raises(AdcTypeError, match="astype"):
        adc.grad(lambda x: np.sum(x), backend="python")(np.ones(3, np.float32))


def test_rank_change_is_an_error():
    def f(x):
        y = 1.0
        for i in range(2):
            y = x * y
        return np.sum(y)
    with pytest.raises(AdcSyntaxError, match="keep each variable one kind"):
        adc.grad(f, backend="python")(np.ones(3))


def test_math_function_on_array_is_an_error():
    with pytest.raises(AdcSyntaxError, match="math.sin"):
        adc.grad(lambda x: math.sin(x), backend="python")(np.ones(3))


def astype_complex_to_real(z):
    return np.sum(np.abs(z.astype(float)))


def astype_of_a_number(x):
    return x.astype(float) * 2.0


def astype_float32(x):
    return np.sum(x.astype(np.float32))


@pytest.mark.parametrize("f,args,construct,hint", [
    (astype_complex_to_real, (np.array([1 + 2j]),), ".astype(float64) of a complex array", "np.real(z)"),
    (astype_of_a_number, (1.5,), ".astype of float64, which is not an array", "float(x)"),
    (astype_float32, (np.ones(2),), "this dtype", "float64, int64, bool or complex128"),
], ids=["complex-to-real", "number", "float32"])
def test_astype_refusals(f, args, construct, hint):
    _raises(f, args, construct, hint)
