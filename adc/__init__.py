"""adc: a source-transformation automatic-differentiation compiler for numeric Python.

    import adc

    @adc.grad(wrt=(0, 1))
    def loss(x, theta): ...

    gx, gtheta = loss(x, 0.3)
    print(adc.source(loss))
"""
from .api import Derivative, grad, hessian, hvp, jacobian, jvp, source, stats, value_and_grad, vjp  # noqa: F401
from .backends.cuda import ptx  # noqa: F401
from .backends.numba_cpu import AdcFallbackWarning  # noqa: F401
from .cache import AdcCacheWarning, VERSION as __version__  # noqa: F401
from .checkpointing import checkpointed  # noqa: F401
from .handles import njit_handle  # noqa: F401
from .kernels import kernel_vjp  # noqa: F401
from .ode import odeint  # noqa: F401
from adc_runtime.ode import AdcOdeWarning  # noqa: F401
from .custom import nondiff, primitive  # noqa: F401
from .errors import AdcError, AdcInternalError, AdcSourceError, AdcSyntaxError, AdcTypeError  # noqa: F401
