"""Every construct outside the subset gets an adc error with where, what and a hint."""
import math
import operator

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


# ---------------------------------------------------------------- NumPy forms adc refuses, and why (issue 12)

def squeeze_every_axis(x):
    return np.sum(np.squeeze(x))


def split_by_a_computed_count(x, n):
    return np.sum(np.split(x, n)[0])


def split_into_no_parts(x):
    return np.sum(np.split(x, 0)[0])


def reduce_over_computed_axes(a, k):
    return np.sum(a, axis=(0, k))


def reduce_over_one_axis_twice(a):
    return np.sum(a, axis=(1, 0, 1))


def reduce_a_vector_over_two_axes(x):
    return np.sum(x, axis=(0, 1))


def matmul_by_a_number(a):
    return np.sum(a @ 2.0)


def real_if_close_of_complex(z):
    return np.sum(np.abs(np.real_if_close(z)))


def diagonal_of_a_vector(x):
    return np.sum(np.diagonal(x))


def vsplit_of_a_vector(x):
    return np.sum(np.vsplit(x, 2)[0])


def builtin_sum_of_a_number(s):
    return sum(s)


def nan_to_num_with_nan(x):
    return np.sum(np.nan_to_num(x, nan=1.0))


def rot90_with_axes(a):
    return np.sum(np.rot90(a, 1, axes=(1, 0)))


def roll_by_a_tuple(a):
    return np.sum(np.roll(a, (1, 2)) * a)


def moveaxis_of_tuples(a):
    return np.sum(np.moveaxis(a, (0, 1), (1, 0)) * a.T)


def atleast_2d_of_nothing(x):
    return np.sum(np.atleast_2d()) * x


def operator_add_of_one(x):
    return operator.add(x) * x


def repeat_by_counts(x, counts):
    return np.sum(np.repeat(x, counts))


def transpose_by_a_repeated_axis(a):
    return np.sum(np.transpose(a, (0, 0)))


def transpose_by_three_axes(a):
    return np.sum(np.transpose(a, (0, 2, 1)))


def sum_along_a_computed_axis(a, k):
    return np.sum(np.sum(a, k))


def diff_of_a_computed_order(x, n):
    return np.sum(np.diff(x, n))


def mean_with_a_dtype(a):
    return np.sum(np.mean(a, 0, np.float64))


def weighted_average(x, w):
    return np.average(x, 0, w)


def cumprod_along_an_axis(x):
    return np.sum(np.cumprod(x, 0))


REFUSED_FORMS = [
    (sum_along_a_computed_axis, (np.ones((2, 3)), 1), "a computed axis=", "write axis as a constant"),
    (diff_of_a_computed_order, (np.ones(4), 2), "np.diff with an order that is not a constant", "np.diff(x, 2)"),
    (mean_with_a_dtype, (np.ones((2, 3)),), "a reduction with positional arguments after axis", "by keyword"),
    (weighted_average, (np.ones(3), np.ones(3)), "np.average with weights", "np.sum(w * x) / np.sum(w)"),
    # a function whose rule takes fewer arguments than the call passes: refused, not differentiated as if it took them
    (cumprod_along_an_axis, (np.ones(3),), "np.cumprod on float64[:], int64", "np.cumprod takes 1 argument here"),
    (transpose_by_a_repeated_axis, (np.ones((2, 3)),), "np.transpose with the axes (0, 0), which are not a permutation",
     "give each of the 2 axes once"),
    (transpose_by_three_axes, (np.ones((2, 3)),), "np.transpose on float64[:,:], (int64, int64, int64)", "takes 2 axes"),
    (squeeze_every_axis, (np.ones((3, 1)),), "np.squeeze without axis=", "carry the ranks of arrays, not their lengths"),
    (split_by_a_computed_count, (np.ones(4), 2), "np.split into a number of parts that is not a constant",
     "write the count as a constant"),
    (split_into_no_parts, (np.ones(4),), "np.split into 0 parts", "split into one part or more"),
    (reduce_over_computed_axes, (np.ones((2, 3)), 1), "a computed axis=", "write axis as a constant"),
    (reduce_over_one_axis_twice, (np.ones((2, 3)),), "a reduction over axis=(1, 0, 1), which names an axis twice",
     "give each axis once"),
    (reduce_a_vector_over_two_axes, (np.ones(3),), "a tuple of axes on float64[:]", "names 2 axes of float64[:], which has 1"),
    (matmul_by_a_number, (np.ones((2, 2)),), "np.matmul (@) on float64[:,:], float64", "multiply with *"),
    (real_if_close_of_complex, (np.array([1.0 + 0j]),), "np.real_if_close", "complex"),
    (diagonal_of_a_vector, (np.ones(3),), "np.diagonal on float64[:]", "np.diag makes a matrix"),
    (vsplit_of_a_vector, (np.ones(4),), "np.vsplit on float64[:]", "at least 2 dimensions"),
    (builtin_sum_of_a_number, (1.5,), "sum on float64", "adds up the rows of 1-D and 2-D arrays"),
    (nan_to_num_with_nan, (np.ones(3),), "the keyword nan= of np.nan_to_num", "adc takes: x"),
    (rot90_with_axes, (np.ones((2, 3)),), "the keyword axes= of np.rot90", "adc takes: m, k"),
    (roll_by_a_tuple, (np.ones((2, 3)),), "np.roll on float64[:,:], (int64, int64)", "an integer here"),
    (moveaxis_of_tuples, (np.ones((2, 3)),), "np.moveaxis on", "an integer here"),
    (atleast_2d_of_nothing, (1.0,), "np.atleast_2d() of no arrays", "pass one array or more"),
    (operator_add_of_one, (1.0,), "a call with 1 arguments to operator.add", "pass 2 arguments"),
    (repeat_by_counts, (np.ones(3), np.array([1, 2, 1])), "np.repeat on float64[:], int64[:]", "an integer here"),
]


@pytest.mark.parametrize("f,args,construct,hint", REFUSED_FORMS, ids=[c[0].__name__ for c in REFUSED_FORMS])
def test_refused_numpy_forms(f, args, construct, hint):
    _raises(f, args, construct, hint)


def split_unequally(x):
    return np.sum(np.split(x, 3)[0])


def cross_of_2_vectors(x):
    return np.sum(np.cross(x[:2], x[2:]))


def roll_along_a_missing_axis(a):
    return np.sum(np.roll(a, 1, axis=2) * a)


def squeeze_an_axis_of_length_3(a):
    return np.sum(np.squeeze(a, axis=0))


def expand_dims_past_the_end(x):
    return np.sum(np.expand_dims(x, 2))


@pytest.mark.parametrize("backend", ["python", "numba"])
@pytest.mark.parametrize("f,args,message", [
    (split_unequally, (np.ones(4),), "array split does not result in an equal division"),
    (cross_of_2_vectors, (np.ones(4),), "3-vectors"),
    (roll_along_a_missing_axis, (np.ones((2, 3)),), "out of bounds"),
    (squeeze_an_axis_of_length_3, (np.ones((3, 4)),), "size not equal to one"),  # Numba's once flattened it
    (expand_dims_past_the_end, (np.ones(3),), "out of bounds"),
], ids=["split", "cross", "roll", "squeeze", "expand_dims"])
def test_numpy_forms_raise_what_numpy_raises(f, args, message, backend):
    """The primal raises ValueError (np.cross of 2-vectors does not, but its value is a number: adc refuses it
    where it runs), and so does every derivative, before it returns anything."""
    with pytest.raises(ValueError, match=message):
        adc.grad(f, backend=backend)(*args)
    with pytest.raises(ValueError, match=message):
        adc.jvp(f, backend=backend)(*args, np.ones_like(args[0]))
