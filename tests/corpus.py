"""The corpus: functions that together exercise every construct adc differentiates.

Each `Case` names a function, arguments, the parameters to differentiate,
and (when the function writes into arrays, which autograd cannot box) an
equivalent functional version for autograd. `golden=True` cases have their
generated adjoint checked in under tests/golden/.
"""
import math
from dataclasses import dataclass, field

import numpy as np

R = np.random.default_rng(42)
V5 = R.uniform(0.2, 1.0, 5)
V6 = R.uniform(-1.0, 1.0, 6)
M34 = R.uniform(-1.0, 1.0, (3, 4))
M33 = R.uniform(0.1, 1.0, (3, 3))
W4 = R.uniform(-1.0, 1.0, 4)
W3 = R.uniform(-1.0, 1.0, 3)


@dataclass
class Case:
    f: object
    args: tuple
    wrt: object = 0
    ag: object = None
    golden: bool = False
    name: str = field(default="")

    def __post_init__(self):
        self.name = self.name or self.f.__name__


CASES = []


def case(*args, wrt=0, ag=None, golden=False):
    def register(f):
        CASES.append(Case(f, args, wrt, ag, golden))
        return f
    return register


# ---------------------------------------------------------------- scalar arithmetic

@case(1.3, 0.7, wrt=(0, 1), golden=True)
def arith(x, y):
    return x * y + x / y - y ** 3 + 2.0 ** x - (-x)


def _mod_ag(x, y):
    import autograd.numpy as anp
    return x % y + anp.floor(x / y) * x + x % 0.3


@case(1.7, 0.4, wrt=(0, 1), ag=_mod_ag)
def mod_and_floordiv(x, y):
    return x % y + (x // y) * x + x % 0.3


@case(0.9, -1.2, wrt=(0, 1))
def abs_min_max(x, y):
    return abs(y) * max(x, y) + min(x * x, y) - max(1.0, x)


@case(0.8)
def math_funcs(x):
    return (math.sin(x) + math.cos(x) * math.tan(x) + math.exp(x) + math.log(x) + math.sqrt(x)
            + math.tanh(x) + math.sinh(x) + math.cosh(x) + math.atan(x) + math.log1p(x) + math.expm1(x))


@case(0.3, 0.6, wrt=(0, 1))
def math_more(x, y):
    return math.asin(x) + math.acos(y) + math.atan2(x, y) + math.hypot(x, y) + math.pow(y, x) + math.erf(x)


@case(0.7, 3)
def int_arg(x, n):
    return x ** n + n * x


@case(1.5, 2.0, wrt=(0, 1))
def comparisons_select(x, y):
    big = x > y or (x == 1.0 and not y < 0.0)
    return x * y if big else x - y * y


@case(-0.5, golden=True)
def if_elif_else(x):
    if x > 1.0:
        y = x * x
    elif x > 0.0:
        y = math.sin(x)
    else:
        y = -x * 3.0 + math.exp(x)
    return y * x


@case(0.4, 1.2, wrt=(0, 1))
def tuple_assign(x, y):
    a, b = x + y, x * y
    a, b = b, a
    return a * 2.0 + b


@case(0.6)
def rebinding(x):
    y = x * 2.0
    y = math.sin(y) + y
    y = y * y
    return y + x


@case(1.1)
def float_cast(x):
    n = 3
    return float(n) * x + x / n


@case(0.3)
def early_return(x):
    if x < 0.5:
        return x * 10.0
    return x * x


# ---------------------------------------------------------------- loops on scalars

@case(0.9, golden=True)
def for_scalar(x):
    s = 0.0
    for i in range(5):
        s = s + math.sin(x * i) * x
    return s


@case(0.5, 4)
def for_runtime_bound(x, n):
    p = 1.0
    for k in range(1, n + 1):
        p = p * (x + k)
    return p


@case(0.7)
def for_step(x):
    s = x
    for k in range(10, 0, -3):
        s = s * x + k
    return s


@case(1.3, golden=True)
def while_newton(a):
    x = a
    i = 0
    while abs(x * x - a) > 1e-12 and i < 50:
        x = 0.5 * (x + a / x)
        i += 1
    return x


@case(0.25)
def while_data_dependent(x):
    y = x
    n = 0
    while y < 10.0:
        y = y * 1.7 + x
        n += 1
    return y + n


@case(0.8, golden=True)
def loop_break(x):
    s = 0.0
    for i in range(100):
        s = s + x * i
        if s > 5.0:
            break
    return s * x


@case(0.6)
def loop_continue(x):
    s = 0.0
    for i in range(8):
        if i % 3 == 0:
            continue
        s = s + math.cos(x * i)
    return s


@case(0.45)
def return_in_loop(x):
    s = x
    for i in range(20):
        s = s * 1.5
        if s > 2.0:
            return s * x
    return -s


@case(0.3)
def while_break(x):
    s = x
    while True:
        s = s * s + 0.5
        if s > 1.0:
            break
    return s


@case(0.6)
def nested_scalar_loops(x):
    s = 0.0
    for i in range(4):
        t = x
        for j in range(i):
            t = t * x + j
        s = s + t
    return s


@case(0.9)
def if_in_loop(x):
    s = 0.0
    for i in range(6):
        if i % 2 == 0:
            s = s + x * i
        else:
            s = s * x
    return s


@case(0.7)
def while_in_for(x):
    s = 0.0
    for i in range(3):
        y = x + i
        while y < 4.0:
            y = y * 1.5
        s = s + y
    return s


# ---------------------------------------------------------------- loop-carried copies (the swap problem)
# Values carried around a loop move in parallel: `a, s = 2.0 * s, a` must read the old `a`, in the
# primal and in the adjoint loop that mirrors it, however the copies are named and nested.

@case(1.0, 3.0, wrt=(0, 1), golden=True)
def swap_nested(a, s):
    for k in range(2):
        for j in range(3):
            a, s = 2.0 * s, a
    return a + 10.0 * s


@case(1.0, 3.0, wrt=(0, 1))
def swap_one_loop(a, s):
    for k in range(1):
        a, s = 2.0 * s, a
    return a + 10.0 * s


@case(1.0, 3.0, wrt=(0, 1))
def swap_by_temporary(a, s):
    for k in range(3):
        t = a
        a = 2.0 * s
        s = t
    return a + 10.0 * s


@case(1.0, 3.0, wrt=(0, 1))
def carry_outer_value(s, t):
    acc = 0.0
    for k in range(3):
        t, acc = s, 0.5 * t
    return acc + t * s


@case(1.0, 3.0, 0.45, wrt=(0, 1, 2))
def swap_in_branch(a, s, c):
    for k in range(4):
        if c * k < 1.0:
            a, s = 2.0 * s, a * c
        else:
            a, s = s, a
    return a + 10.0 * s


@case(0.3, 0.8, 1.1, wrt=(0, 1, 2))
def rotate_three_while(a, b, c):
    n = 0
    while n < 4:
        a, b, c = b * c, c, a + 0.1 * n
        n += 1
    return a * b + c


@case(0.4, 0.9, wrt=(0, 1))
def swap_then_read(a, b):
    s = 0.0
    for k in range(3):
        a, b = b, a
        s = s + a * math.sin(b)
    return s + a


def _swap_arrays_ag(x, y):
    import autograd.numpy as anp
    u, v = x, y
    for k in range(3):
        u, v = v, u
        u = anp.concatenate([anp.array([u[0] * 2.0 + v[1]]), u[1:]])
    return anp.sum(u * v) + u[0]


@case(np.array([0.3, 0.5]), np.array([0.7, 1.1]), wrt=(0, 1), ag=_swap_arrays_ag)
def swap_arrays(x, y):
    u = x.copy()
    v = y.copy()
    for k in range(3):
        u, v = v, u
        u[0] = u[0] * 2.0 + v[1]
    return np.sum(u * v) + u[0]


@case(0.3, np.array([0.9, 0.8]), wrt=(0, 1))
def rotate_nested_three(a, x):
    s = 0.0
    b = 1.0
    for k in range(4):
        for j in range(2):
            a, b, s = b * x[j], a + s, s + a * b
    return a + 2 * b + 3 * s


@case(1.0, 1.5, wrt=(0, 1))
def swap_break(a, b):
    for k in range(10):
        a, b = b, a * 1.5
        if a > 4.0:
            break
    return a + b


@case(0.7, 0.4, wrt=(0, 1))
def tuple_carried(x, y):
    p = (x, y)
    for i in range(3):
        p = (p[1] * 2.0, p[0] + p[1])
    return p[0] * p[1]


@case(0.7, 0.4, 1.5, wrt=(0, 1, 2))
def tuple_through_branch(x, y, c):
    p = (x, y)
    for i in range(3):
        if c > i:
            p = (p[1] * c, p[0] + p[1])
        else:
            p = (p[0] * p[0], p[1])
    return p[0] * p[1]


@case(V5, V5 * 2.0, wrt=(0, 1))
def tuple_of_arrays_carried(x, y):
    p = (x, y)
    for i in range(2):
        p = (p[1] * 2.0, p[0] + np.sin(p[1]))
    return np.sum(p[0] * p[1])


@case(0.3, 0.6, wrt=(0, 1))
def same_value_in_both_arms(a, b):
    c = a
    if a > 0.0:
        c = b
    else:
        c = b
    if a > 0.0:
        b, a = a, b
    else:
        a, b = b, a
    return c * a + b


@case(0.3, W3, 0.7, wrt=(0, 1, 2))
def swap_loop_then_product(a, x, b):
    """The adjoint of an inner loop's start value must not take a name still read after it."""
    for j in range(2):
        for t in range(2):
            a, b = b, a
        b = b * x[1]
    return b


@case(-0.9)
def inner_loop_result_swapped_out(a):
    """A loop's result that the outer loop swaps into a name the inner loop still reads."""
    for i in range(2):
        z = 0.5
        while True:
            z *= 1.0 + a
            break
        a, z = z, a
    return a


# ---------------------------------------------------------------- arrays: reads, writes, loops

def _euler(x, theta):
    u = x.copy()
    for _ in range(20):
        for i in range(1, u.shape[0]):
            u[i] = u[i] + 0.01 * (math.sin(u[i - 1]) - theta * u[i])
    return np.sum(u * u)


def _euler_ag(x, theta):
    import autograd.numpy as anp
    u = x
    for _ in range(20):
        new = [u[0]]
        for i in range(1, u.shape[0]):
            new.append(u[i] + 0.01 * (anp.sin(new[i - 1]) - theta * u[i]))
        u = anp.array(new)
    return anp.sum(u * u)


case(V6, 0.3, wrt=(0, 1), ag=_euler_ag, golden=True)(_euler)


@case(V5, golden=True)
def array_sum_loop(x):
    s = 0.0
    for i in range(len(x)):
        s += x[i] * x[i]
    return s


@case(V5)
def array_dot_loop(x):
    n = x.shape[0]
    s = 0.0
    for i in range(n):
        for j in range(n):
            s = s + x[i] * x[j] * (i - j)
    return s


@case(M34, golden=True)
def matrix_reads(A):
    m, n = A.shape
    s = 0.0
    for i in range(m):
        for j in range(n):
            s = s + A[i, j] * A[i, j] * (i + 1) - A[i, j]
    return s


def _prefix(x):
    y = np.zeros(x.shape[0])
    y[0] = x[0]
    for i in range(1, x.shape[0]):
        y[i] = y[i - 1] + x[i] * x[i]
    return np.sum(y)


def _prefix_ag(x):
    import autograd.numpy as anp
    acc, out = x[0], [x[0]]
    for i in range(1, x.shape[0]):
        acc = acc + x[i] * x[i]
        out.append(acc)
    return anp.sum(anp.array(out))


case(V5, ag=_prefix_ag, golden=True)(_prefix)


def _astype_ag(x, k):
    import autograd.numpy as anp
    y = x * anp.array(k, dtype=float)
    return anp.sum(anp.sin(y) * y)


@case(V5, np.array([1, 2, 3, 4, 5]), ag=_astype_ag)
def astype_conversions(x, k):
    y = x.astype(np.float64) * k.astype(float)
    return np.sum(np.sin(y) * y.astype("float64"))


def _inplace_add(x):
    y = np.ones(x.shape[0])
    for i in range(x.shape[0]):
        y[i] += x[i] * 2.0
        y[i] *= x[i]
    return np.sum(y * y)


def _inplace_add_ag(x):
    import autograd.numpy as anp
    y = (1.0 + x * 2.0) * x
    return anp.sum(y * y)


case(V5, ag=_inplace_add_ag)(_inplace_add)


def _matrix_writes(A):
    m, n = A.shape
    B = np.zeros((m, n))
    for i in range(m):
        for j in range(n):
            B[i, j] = A[i, j] * (i + j) + math.sin(A[i, j])
    for i in range(m):
        B[i, 0] += B[i, n - 1]
    return np.sum(B * B)


def _matrix_writes_ag(A):
    import autograd.numpy as anp
    m, n = A.shape
    I = anp.arange(m)[:, None]
    J = anp.arange(n)[None, :]
    B = A * (I + J) + anp.sin(A)
    first = B[:, 0] + B[:, n - 1]
    B = anp.concatenate([first[:, None], B[:, 1:]], axis=1)
    return anp.sum(B * B)


case(M34, ag=_matrix_writes_ag)(_matrix_writes)


def _overwrite(x):
    u = x.copy()
    s = 0.0
    for i in range(u.shape[0]):
        s = s + u[i] * u[i]
        u[i] = math.cos(u[i])
        s = s + u[i]
    return s + np.sum(u)


def _overwrite_ag(x):
    import autograd.numpy as anp
    return anp.sum(x * x) + 2.0 * anp.sum(anp.cos(x))


case(V5, ag=_overwrite_ag)(_overwrite)


def _arg_write(x, y):
    for i in range(x.shape[0]):
        x[i] = x[i] * y
    return np.sum(x * x)


def _arg_write_ag(x, y):
    import autograd.numpy as anp
    return anp.sum((x * y) ** 2)


case(V5, 1.3, wrt=(0, 1), ag=_arg_write_ag)(_arg_write)


def _snapshot(x):
    u = x.copy()
    a = np.sum(np.sin(u) * u)
    u[0] = 3.0
    u[1] = u[1] * u[2]
    return a + np.sum(u * u)


def _snapshot_ag(x):
    import autograd.numpy as anp
    a = anp.sum(anp.sin(x) * x)
    return a + 9.0 + (x[1] * x[2]) ** 2 + anp.sum(x[2:] * x[2:])


case(V5, ag=_snapshot_ag)(_snapshot)


def _double_buffer(x):
    u = x.copy()
    for t in range(4):
        v = np.zeros(u.shape[0])
        for i in range(u.shape[0]):
            v[i] = u[i] * 0.5 + u[(i + 1) % u.shape[0]] ** 2
        u = v
    return np.sum(u)


def _double_buffer_ag(x):
    import autograd.numpy as anp
    u = x
    for t in range(4):
        u = u * 0.5 + anp.roll(u, -1) ** 2
    return anp.sum(u)


case(V5, ag=_double_buffer_ag, golden=True)(_double_buffer)


@case(R.uniform(0.1, 1.0, 40))
def nested_loops_fill_the_stack(x):
    """Outer and inner loops both record, past the stack's first allocation."""
    s = 0.0
    for i in range(x.shape[0]):
        t = x[i]
        for j in range(60):
            t = t * 0.99 + 0.01 * math.sin(x[(i + j) % x.shape[0]])
        k = 0
        while k < 3:
            t = t * x[i]
            k += 1
        s = s + t * t
    return s


@case(V5)
def array_while(x):
    i = 0
    s = 0.0
    while i < x.shape[0] and s < 1.5:
        s = s + x[i] * x[i]
        i += 1
    return s


@case(V6)
def array_branch_in_loop(x):
    s = 0.0
    for i in range(x.shape[0]):
        if x[i] > 0.0:
            s = s + x[i] ** 2
        else:
            s = s - math.sin(x[i])
    return s


@case(V6)
def array_search_break(x):
    best = x[0]
    for i in range(1, x.shape[0]):
        if x[i] > 0.9:
            best = x[i] * 2.0
            break
        best = max(best, x[i])
    return best * best


@case(V5, 2)
def int_index_arg(x, k):
    return x[k] * x[k + 1] + x[k - 1]


@case(M34)
def matrix_row_loop(A):
    s = 0.0
    for i in range(A.shape[0]):
        r = 0.0
        for j in range(A.shape[1]):
            r = r + A[i, j]
        s = s + r * r
    return s


def _write_after_branch_ag(x, a):
    import autograd.numpy as anp
    for k in range(3):
        if a * k > 0.5:
            x = 0.5 * x
        x = anp.concatenate([x[:1], x[:1] * 0.7 + x[2:3], x[2:]])
    return anp.sum(x * x)


@case(W3, 0.4, wrt=(0, 1), ag=_write_after_branch_ag)
def write_after_branch_rebinds(x, a):
    """A write into an array that a branch may have rebound (one path keeps the argument)."""
    for k in range(3):
        if a * k > 0.5:
            x = 0.5 * x
        x[1] = x[0] * 0.7 + x[2]
    return np.sum(x * x)


def _write_either_ag(x, y, a):
    import autograd.numpy as anp
    u = x if a > 0.5 else y
    s = x[0] * y[1]
    u = anp.concatenate([u[1:2] * 2.0, u[1:]])
    return s + anp.sum(u * u)


@case(W3, W3 * 2.0, 0.7, wrt=(0, 1), ag=_write_either_ag)
def write_either_array(x, y, a):
    """A write through a name bound to one of two arrays, both read only before it."""
    if a > 0.5:
        u = x
    else:
        u = y
    s = x[0] * y[1]
    u[0] = u[1] * 2.0
    return s + np.sum(u * u)


@case(0.3, 2)
def loop_name_reused_under_return(x, n):
    s0 = x * 2.0
    for k in range(2):
        for j in range(n):
            s0 = s0 * 1.1
    if x > 0.1:
        for j in range(3):
            if s0 > 0.5:
                return s0 * 0.5
            s0 = s0 + 1.0
    return s0


def _write_then_swap_ag(x, c):
    import autograd.numpy as anp
    u1 = x * 2.0
    if c > 0.5:
        x = anp.concatenate([x[1:2] * 0.5, x[1:]])
        u1, x = x, u1
    return anp.sum(x * u1) + x[0]


@case(W3, 0.7, wrt=(0, 1), ag=_write_then_swap_ag)
def write_then_swap_in_branch(x, c):
    """A write into an argument inside a branch that then hands it on under another name."""
    u1 = x.copy() * 2.0
    if c > 0.5:
        x[0] = x[1] * 0.5
        u1, x = x, u1
    return np.sum(x * u1) + x[0]


def _row_writes_ag(x, A):
    import autograd.numpy as anp
    B = A * x[:3, None] + 0.5
    B = anp.concatenate([B[:1] + x[:4], B[1:2] * 0.0 + 0.25, B[2:]])
    return anp.sum(B * B)


@case(V5, M34, wrt=(0, 1), ag=_row_writes_ag)
def row_writes(x, A):
    """A[i] = v and A[i] += v write rows, as NumPy users write them."""
    B = A.copy()
    for i in range(B.shape[0]):
        B[i] = B[i] * x[i] + 0.5
    B[0] += x[:4]
    B[1] = 0.25
    return np.sum(B * B)


def _write_then_rebind_ag(x):
    import autograd.numpy as anp
    for t in range(3):
        x = anp.concatenate([x[:t], x[t:t + 1] * 0.5 + 1.0, x[t + 1:]])
        x = 0.5 * x + anp.sin(x)
    return anp.sum(x * x)


@case(W4, ag=_write_then_rebind_ag)
def write_then_rebind_in_loop(x):
    """A write into the loop's array, then the name rebound to a new array made after the write."""
    for t in range(3):
        x[t] = x[t] * 0.5 + 1.0
        x = 0.5 * x + np.sin(x)
    return np.sum(x * x)


# ---------------------------------------------------------------- NumPy on whole arrays

@case(V5, golden=True)
def np_elementwise(x):
    return np.sum(np.sin(x) * np.exp(x) + np.log(x) * np.sqrt(x) - np.tanh(x) / np.cosh(x))


@case(V5)
def np_more_elementwise(x):
    return np.sum(np.arctan(x) + np.log1p(x) + np.expm1(x) + np.sinh(x) + np.cos(x) + np.tan(x)
                  + np.square(x) + np.abs(x - 0.5) + np.power(x, 3.0) + np.arcsin(x * 0.5))


@case(V5, W4, wrt=(0, 1))
def np_arctan2(x, w):
    return np.sum(np.arctan2(x[0] * w, w + 2.0)) + np.sum(np.hypot(w, 0.3))


@case(V5, 0.7, wrt=(0, 1))
def broadcast_scalar(x, a):
    return np.sum(a * x + x / a - a ** 2 * np.exp(-x))


@case(M34, W4, wrt=(0, 1))
def broadcast_row(A, w):
    return np.sum((A * w + w) ** 2)


@case(M34, W4, wrt=(0, 1), golden=True)
def matvec(A, w):
    y = A @ w
    return np.dot(y, y)


@case(M34, M34, wrt=(0, 1))
def matmul_t(A, B):
    C = np.dot(A, B.T)
    return np.sum(C * C)


@case(W3, M34, wrt=(0, 1))
def vecmat(v, A):
    return np.sum(np.dot(v, A) ** 2)


@case(W4, W3, wrt=(0, 1))
def outer_product(a, b):
    return np.sum(np.outer(b, a) * 2.0)


@case(M33 * 0.5, np.array([0.3]), M34.T[:, :3], wrt=(0, 1, 2))
def recurrent_cell(W, b, xs):
    """A loop of small vectors: operands of sums taped by their shapes alone, a (1,) bias that
    broadcasts against them, the weight's outer products accumulated in place."""
    h = np.zeros(W.shape[0])
    total = 0.0
    for t in range(xs.shape[0]):
        pre = np.dot(W, h) + np.dot(W, xs[t]) * 0.5
        h = np.tanh(pre + b * np.sum(h) + np.dot(W, h)[:1])
        total = total + np.sum(h * h)
    return total


@case(M34, W4, wrt=(0, 1))
def rows_in_a_loop(A, v):
    """Rows of an argument nothing writes, read again in the backward sweep rather than taped."""
    s = 0.0
    for i in range(A.shape[0]):
        r = A[i]
        s = s + np.sum(np.sin(r) * v) + np.dot(A[i, :], v) ** 2
    return s


@case(V5, V5 * 0.5, wrt=(0, 1))
def np_maximum(x, y):
    return np.sum(np.maximum(x, y) * np.minimum(x, y))


@case(V5)
def zeros_ones(x):
    z = np.zeros(x.shape[0]) + 1.0
    o = np.ones(x.shape[0])
    e = np.zeros_like(x)
    return np.sum(z * x + o * x * x + e) + np.mean(x)


def _matrix_power_ag(A):
    import autograd.numpy as anp
    B = A
    for k in range(3):
        B = anp.dot(B, A) * 0.5
    return anp.sum(B)


@case(M33, ag=_matrix_power_ag)
def matrix_power_loop(A):
    B = A.copy()
    for k in range(3):
        B = np.dot(B, A) * 0.5
    return np.sum(B)


@case(V5)
def array_carried(x):
    y = x
    for k in range(3):
        y = np.sin(y) * y + x
    return np.sum(y)


@case(V5, 0.5, wrt=(0, 1))
def array_if(x, a):
    if a > 0.0:
        y = x * a
    else:
        y = x - a
    return np.sum(y * y)


@case(V5)
def size_len(x):
    return np.sum(x) / x.size + np.sum(x * x) / len(x)


@case(M34)
def transpose_sum(A):
    return np.sum(np.dot(A.T, A))


# ---------------------------------------------------------------- slices

@case(V6, golden=True)
def slice_differences(x):
    d = x[1:] - x[:-1]
    return np.sum(d * d) + np.sum(np.sin(x[::2])) + x[-1] * x[0]


@case(M34, W3, wrt=(0, 1))
def slice_rows_cols(A, v):
    return np.sum(A[1, :] * A[2, :]) + np.sum(A[:, 0:2] ** 2) + np.sum(v[:, None] * A[:, 1:3])


def _slice_writes(x):
    u = np.zeros(5)
    u[1:4] = x[0:3] * 2.0
    u[0] = x[4]
    u[2:] += x[:3]
    u[:2] = 1.0
    return np.sum(u * u)


def _slice_writes_ag(x):
    import autograd.numpy as anp
    u = anp.array([1.0, 1.0, x[1] * 2 + x[0], x[2] * 2 + x[1], x[2]])
    return anp.sum(u * u)


case(V5, ag=_slice_writes_ag)(_slice_writes)


def _slice_stencil(x):
    u = x.copy()
    for t in range(3):
        u[1:] = u[1:] + 0.1 * np.sin(u[:-1])
    return np.sum(u * u)


def _slice_stencil_ag(x):
    import autograd.numpy as anp
    u = x
    for t in range(3):
        u = anp.concatenate([u[:1], u[1:] + 0.1 * anp.sin(u[:-1])])
    return anp.sum(u * u)


case(V5, ag=_slice_stencil_ag)(_slice_stencil)


def _row_update(A, v):
    B = A.copy()
    for i in range(B.shape[0]):
        B[i, :] += v * (i + 1.0)
    return np.sum(np.tanh(B))


def _row_update_ag(A, v):
    import autograd.numpy as anp
    return anp.sum(anp.tanh(A + anp.arange(1.0, A.shape[0] + 1.0)[:, None] * v))


case(M34, W4, wrt=(0, 1), ag=_row_update_ag)(_row_update)


# ---------------------------------------------------------------- reductions with axis= and keepdims=

M34P = R.uniform(0.5, 1.5, (3, 4))


@case(M34P, golden=True)
def reductions_axis(A):
    return (np.sum(np.sum(A, axis=0) ** 2) + np.sum(A.mean(axis=1) * 3.0) + np.sum(np.max(A, axis=1))
            + np.sum(np.min(A, axis=0)) + np.sum(np.prod(A, axis=-1)) + np.sum(A.sum(axis=1, keepdims=True) * A))


@case(V5)
def reductions_whole(x):
    return np.max(x) * np.min(x) + np.prod(x) + x.max() - x.mean() + np.sum(x, axis=0)


# ---------------------------------------------------------------- calls, lambdas, closures

def helper_square_sin(t):
    return math.sin(t) * t


def helper_two(a, b):
    c = a * b
    return c + a, c - b


@case(0.8, golden=True)
def calls_user_function(x):
    return helper_square_sin(x) + helper_square_sin(x * x)


@case(0.8, 1.9, wrt=(0, 1))
def calls_tuple_return(x, y):
    p, q = helper_two(x, y)
    return p * q


def helper_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + x ** i
    return s


@case(0.6)
def calls_with_loop(x):
    return helper_loop(x, 4) * helper_loop(x * 2.0, 3)


@case(0.7)
def lambda_inside(x):
    sq = lambda t: t * t + 1.0
    return sq(x) * sq(math.sin(x))


@case(0.7)
def nested_def(x):
    def inner(t, k):
        return t ** k + x
    return inner(x, 2) + inner(x * 3.0, 3)


SCALE = 1.7
OFFSETS = np.array([0.1, 0.2, 0.3, 0.4, 0.5])


@case(V5)
def reads_globals(x):
    return np.sum((x + OFFSETS) * SCALE)


def make_closure(k):
    def f(x):
        return np.sum(np.sin(x * k)) * k
    return f


closure_fn = make_closure(2.5)
case(V5)(closure_fn)


@case(0.5)
def default_args_call(x):
    return helper_default(x) + helper_default(x, 3.0)


def helper_default(t, s=2.0):
    return t * s


@case(V5, 0.4, wrt=1)
def wrt_second_only(x, a):
    return np.sum(np.exp(a * x))


@case(V5, 0.4, wrt=(0, 1))
def unused_param(x, a):
    return np.sum(x * x)


@case(0.3)
def constant_output(x):
    return 3.0


@case(V5, 0.4, wrt="a")
def wrt_by_name(x, a):
    return np.sum(x) * a * a


@case(0.2)
def docstring_and_pass(x):
    """A docstring is fine."""
    pass
    return x * 3.0


def _rows_ag(S, w):
    import autograd.numpy as anp
    rows = [S[0], S[1], S[2]]
    for t in range(2):
        for i in range(0, 2):
            rows[i + 1] = rows[i + 1] * anp.tanh(rows[i] * w) + rows[i]
            rows[i] = rows[i] * 0.5
    return anp.sum(rows[0] * rows[1] + rows[2] ** 2)


@case(M34, W4, wrt=(0, 1), ag=_rows_ag)
def rows_read_then_written(S, w):
    """Rows S[i] are views: read, then their memory written (an LSTM's state update). The tape must
    keep what the rows held when they were read."""
    s = S.copy()
    for t in range(2):
        for i in range(0, 2):
            new = s[i + 1] * np.tanh(s[i] * w) + s[i]
            s[i + 1, :] = new
            s[i, :] = s[i] * 0.5
    return np.sum(s[0] * s[1] + s[2] ** 2)


def _counters_ag(p, x):
    import autograd.numpy as anp
    total = 0.0
    for t in range(2):
        for r in range(4):
            idx, back = 4 + r - 1, 9
            for j in range(r):
                total = total + p[idx] * x[j] * (t + 1.0) - p[back] * x[r] * 0.5
                idx, back = idx + (4 - j - 2), back - (j + 1)
    return total + anp.sum(p * p) * 0.1


@case(R.uniform(-1.0, 1.0, 10), W4, wrt=(0, 1), ag=_counters_ag, golden=True)
def packed_counters(p, x):
    """Integer counters a loop steps by amounts that do not read them (a packed lower triangle, as in
    ADBench's GMM; one counting down, inner loops of zero trips): the backward sweep steps them back
    from their value after the loop instead of taping each one."""
    total = 0.0
    for t in range(2):
        for r in range(4):
            idx = 4 + r - 1
            back = 9
            for j in range(r):
                total = total + p[idx] * x[j] * (t + 1.0) - p[back] * x[r] * 0.5
                idx += 4 - j - 2
                back -= j + 1
    return total + np.sum(p * p) * 0.1


def _pair_from_loop(p):
    for r in range(3):
        if p * r > 0.5:
            return p * r, math.sin(p)
    return p, p * p


@case(0.7)
def tuple_returned_inside_a_loop(a):
    """A helper returning a pair from inside a loop: the result merges element-wise."""
    s, t = _pair_from_loop(a)
    u, v = _pair_from_loop(0.1 * a)
    return s * t + u - v


# ---------------------------------------------------------------- functions with array outputs

VECTOR_CASES = []


def vector_case(*args, wrt=0, ag=None):
    def register(f):
        VECTOR_CASES.append(Case(f, args, wrt, ag))
        return f
    return register


def _vec_loop(x, a):
    y = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        y[i] = math.sin(x[i] * a) + x[(i + 1) % x.shape[0]] ** 2
    return y


def _vec_loop_ag(x, a):
    import autograd.numpy as anp
    return anp.sin(x * a) + anp.roll(x, -1) ** 2


vector_case(V5, 1.3, ag=_vec_loop_ag)(_vec_loop)
vector_case(V5, 1.3, wrt=1, ag=_vec_loop_ag)(_vec_loop)


@vector_case(M34, W4)
def vec_matvec(A, w):
    return np.tanh(np.dot(A, w)) * 2.0


@vector_case(M34, W4, wrt=1)
def vec_matvec_w(A, w):
    return np.exp(np.dot(A, w) * 0.5) - w[0]


def _vec_scan(x):
    y = x.copy()
    for t in range(3):
        for i in range(1, y.shape[0]):
            y[i] = y[i] + 0.3 * math.cos(y[i - 1])
    return y


def _vec_scan_ag(x):
    import autograd.numpy as anp
    y = x
    for t in range(3):
        out = [y[0]]
        for i in range(1, y.shape[0]):
            out.append(y[i] + 0.3 * anp.cos(out[i - 1]))
        y = anp.array(out)
    return y


vector_case(V6, ag=_vec_scan_ag)(_vec_scan)


@vector_case(M33)
def vec_matrix_out(A):
    return np.dot(A, A.T) + np.sin(A)


def _powers_ag(s):
    import autograd.numpy as anp
    return anp.array([s, s ** 2, s ** 3, s ** 4])


@vector_case(0.7, ag=_powers_ag)
def vec_from_scalar(s):
    y = np.zeros(4)
    k = 0
    while k < 4:
        y[k] = s ** (k + 1)
        k += 1
    return y
