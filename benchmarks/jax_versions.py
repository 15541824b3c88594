"""JAX's entries: `jax.jit(jax.grad(f))` of each workload's arithmetic, written the way JAX needs it.

JAX traces Python: loops with a fixed trip count become `lax.scan`/`fori_loop`
(a Python loop would be unrolled into the compiled graph), and JAX cannot
reverse-differentiate `lax.while_loop`, so workload 2 is a fixed-iteration
masked rewrite (100 Newton steps for every parameter, frozen once converged).
Vectorised sources run as they are, with `np` re-bound to `jax.numpy`.
Compile time is measured separately: it is the first call minus a warm call.
"""
import time
import types

import numpy as np


def load():
    """jax and jax.numpy with float64 enabled, or None when JAX is not installed."""
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    return jax


def on_jax(f, module_globals):
    import jax.numpy as jnp
    return types.FunctionType(f.__code__, dict(module_globals, np=jnp), f.__name__)


def compiled_grad(jax, f, argnums, static=()):
    """(gradient as NumPy arrays, compile seconds) of f under jit."""
    g = jax.jit(jax.grad(f, argnums), static_argnums=static)

    def run(*args):
        out = g(*args)
        jax.block_until_ready(out)
        return tuple(np.asarray(o) for o in out) if isinstance(out, tuple) else np.asarray(out)

    return run


def first_call_seconds(run, args):
    t0 = time.perf_counter()
    run(*args)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    run(*args)
    return first - (time.perf_counter() - t0)


def euler_loss(jax):
    import jax.numpy as jnp
    from jax import lax

    def loss(x, theta, steps):
        def sweep(u, _):
            def point(i, u):
                return u.at[i].set(u[i] + 0.01 * (jnp.sin(u[i - 1]) - theta * u[i]))
            return lax.fori_loop(1, u.shape[0], point, u), None
        u, _ = lax.scan(sweep, x, None, length=steps)
        return jnp.sum(u * u)
    return loss


def newton_loss(jax):
    import jax.numpy as jnp
    from jax import lax

    def loss(a, b):
        def step(_, x):
            f = x * x * x + a * x - b
            move = jnp.clip(f / (3.0 * x * x + a), -1.0, 1.0)
            return jnp.where(jnp.abs(f) > 1e-12, x - move, x)
        x = lax.fori_loop(0, 100, step, jnp.ones_like(a))
        return jnp.sum(x * x)
    return loss


def lstm_loss(jax):
    """ADBench's LSTM with the time loop as lax.scan."""
    import jax.numpy as jnp
    from jax import lax

    def loss(main, extra, state, seq):
        b = seq.shape[1]

        def step(s, pair):
            now, nxt = pair
            x = now * extra[0]
            rows = []
            for i in range(0, s.shape[0], 2):
                gates = jnp.concatenate((x, s[i], x, s[i])) * main[i] + main[i + 1]
                forget, ingate, outgate = (1.0 / (1.0 + jnp.exp(-gates[k * b:(k + 1) * b])) for k in range(3))
                cell = s[i + 1] * forget + ingate * jnp.tanh(gates[3 * b:])
                x = outgate * jnp.tanh(cell)
                rows += [x, cell]
            ypred = x * extra[1] + extra[2]
            ynorm = ypred - jnp.log(jnp.sum(jnp.exp(ypred)) + 2.0)
            return jnp.stack(rows), jnp.sum(nxt * ynorm)

        _, scores = lax.scan(step, state, (seq[:-1], seq[1:]))
        return -jnp.sum(scores) / ((seq.shape[0] - 1) * b)
    return loss


def gru_loss(jax):
    """The GRU workload with the time loop as lax.scan (unrolled, its 400 steps exhaust this
    machine's memory while XLA compiles them)."""
    import jax.numpy as jnp
    from jax import lax

    def loss(Wz, Uz, Wr, Ur, Wh, Uh, xs, h0):
        def step(h, x):
            z = 1.0 / (1.0 + jnp.exp(-(jnp.dot(Wz, x) + jnp.dot(Uz, h))))
            r = 1.0 / (1.0 + jnp.exp(-(jnp.dot(Wr, x) + jnp.dot(Ur, h))))
            n = jnp.tanh(jnp.dot(Wh, x) + jnp.dot(Uh, r * h))
            h = (1.0 - z) * h + z * n
            return h, jnp.sum(h * h)

        _, terms = lax.scan(step, h0, xs)
        return jnp.sum(terms) / xs.shape[0]
    return loss
