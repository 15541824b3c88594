"""`Derivative`: a user function and the derivative asked of it, specialized per argument types.

Contract: `Derivative(f, kind, wrt, backend, debug)` checks its options (an
AdcError says what is wrong) and reads the function's text, nothing more.
A call binds its arguments as the user function would (the mode of `kind`,
adc.modes, splits off tangents), takes the specialization for the argument
types (as Numba does), building it on first use, calls it, and has the mode
shape the result. A build takes the first variant in the on-disk cache whose
reads still hold (adc.reads), else runs adc's compiler (parse, fence, lower,
type, the primal passes, the mode's passes, codegen), one build at a time; an
exception of the compiler that is not an AdcError is an AdcInternalError
naming the user's function and the failing pass. `df.source` is the source
of the last specialization used. A derivative pickles by reference.

A specialization is tied to what the compiler read to make it: the functions it
inlined (at any depth, however they were reached: names, closure cells, module
attributes) and the objects names resolved to. Each call checks, from the user's
function, that these are still the same objects; the numbers and arrays the code
reads from globals, closure cells and modules are fetched the same way and passed in.
"""
import functools
import inspect
import os
import sys
import threading
import warnings

from . import cache, codegen, frontend, notices, passes, randoms, reads, specialization, trees
from .backends import BACKENDS, cuda
from .backends.numba_cpu import AdcFallbackWarning
from .errors import AdcError, AdcInternalError, AdcSourceError, AdcTypeError
from .ir import CHECKPOINTS, GRADIENT, walk
from .modes import MODES
from .passes.infer import type_of
from .targets import function_of, normalize_wrt

_BUILD_LOCK = threading.RLock()  # adc's compiler runs in one thread at a time


class Derivative:
    """A derivative of a user function: specialized per argument types, built on first use."""

    def __init__(self, f, kind, wrt, backend, debug):
        self.mode = MODES[kind]
        self.mode.check_wrt(wrt)
        if isinstance(f, Derivative) and (not f.mode.nests or f.many):
            raise AdcError(f"adc differentiates a derivative made by adc.grad with one wrt argument; got {f!r}. "
                           "hint: for second derivatives use adc.hvp or adc.hessian")
        if backend not in BACKENDS and backend != "auto":
            raise AdcError(f"unknown backend {backend!r}; choose auto, {', '.join(BACKENDS)}")
        if backend == "cuda" and kind not in cuda.KINDS + ("kernel_vjp",):
            raise AdcError(f"backend='cuda' maps {', '.join(cuda.KINDS)} over arrays; adc.{kind} runs on the "
                           "numba and python backends")
        self._made_from = (f, kind, wrt, backend, debug)
        self.f, self.backend, self.debug = f, backend, debug
        self.user_fn, self._prefix, self._fixed = _target(f)  # the function whose source adc reads
        self.chain = (f.chain if isinstance(f, Derivative) else ()) + ((kind, wrt),)
        self._parsed = None
        try:  # the text of the function as it is now, checked against its code when parsed
            self._source_text, self._source_error = frontend.read_source(self.user_fn), None
        except AdcSourceError as exc:
            self._source_text, self._source_error = None, exc
        self._user_sig = inspect.signature(self.user_fn)
        self.signature = self._user_sig if f is self.user_fn else inspect.signature(f)
        self.names = list(self._user_sig.parameters)
        self._variadic = any(p.kind is not p.POSITIONAL_OR_KEYWORD for p in self._user_sig.parameters.values())
        visible = list(self.signature.parameters)
        self.wrt = tuple(self.names.index(visible[k]) for k in normalize_wrt(wrt, visible, self.user_fn))
        self.wrt_spec = wrt
        self._specs = {}  # argument types -> specializations, the last used first
        self._lock = threading.RLock()
        self._last = None
        self.last_checkpoints = []  # the schedules of the checkpointed loops of the last call
        functools.update_wrapper(self, f, updated=())

    @property
    def kind(self):
        return self.mode.name

    @property
    def many(self):
        """Whether wrt was a tuple (results and tangents are then tuples too)."""
        return isinstance(self.wrt_spec, tuple)

    def __repr__(self):
        return f"<adc.{self.kind} of {self.user_fn.__qualname__} wrt {self.wrt}, backend={self.backend}>"

    def __reduce__(self):
        """By reference: a module-level decorated function by its name, else the function and the
        options; the worker rebuilds the derivative from the cache on disk."""
        module, name = sys.modules.get(getattr(self, "__module__", None) or ""), getattr(self, "__qualname__", "")
        if module is not None and name and _attribute_path(module, name) is self:
            return name
        return (Derivative, self._made_from)

    @property
    def parsed(self):
        if self._parsed is None:
            if self._source_error is not None:
                raise self._source_error
            self._parsed = self.mode.prepare(frontend.parse_function(self.user_fn, self._source_text))
        return self._parsed

    @property
    def source(self):
        if self._last is None:
            raise AdcError(f"{self!r} has not been built yet: call it once, or use adc.source(df, *example_args)")
        return self._last.source

    def __getitem__(self, launch):
        """`adjoint[blocks, threads]`: the launch of an adc.kernel_vjp adjoint kernel."""
        return cuda.kernel_launch(self, launch)

    def __call__(self, *args, **kwargs):
        if self.backend == "cuda":
            return cuda.call_mapped(self, args, kwargs)
        args, tangents = self.primal_args(args, kwargs)
        spec, captured = self.specialize(args)
        out = spec.call(*self.leaves(args), *tangents, *captured)
        self.last_checkpoints = spec.outputs(out, CHECKPOINTS)  # adc.stats reads them
        return self.mode.shape(self, spec, out, args)

    def _building(self):
        fn = self.user_fn
        where = f"{os.path.basename(fn.__code__.co_filename)}:{fn.__code__.co_firstlineno}"
        return (f"building adc.{self.kind} of {fn.__qualname__} ({where}, backend={self.backend}); "
                "ADC_NOTICES=0 silences this")

    @staticmethod
    def leaves(args):
        """The parameters of the compiled calls: the arguments, with each container's leaves in its place."""
        if not any(trees.is_container(a) for a in args):
            return args
        return [x for a in args for x in trees.flatten(a)[0]]

    def flat_wrt(self, shapes):
        """The positions among the compiled calls' parameters of the leaves of the wrt arguments,
        whose structures (adc.trees) are `shapes` (one per argument)."""
        starts = [0]
        for tree in shapes:
            starts.append(starts[-1] + trees.count(tree))
        return tuple(p for k in self.wrt for p in range(starts[k], starts[k + 1]))

    def primal_args(self, args, kwargs=None):
        """(the user function's arguments in order, the tangents that follow them for jvp and hvp)."""
        return self.mode.split(self, args, kwargs or {})

    def binds(self, args, kwargs):
        """Whether the function callers see takes `args` and `kwargs`."""
        if not kwargs and self.signature is self._user_sig and len(args) == len(self.names):
            return True
        try:
            self.signature.bind(*args, **kwargs)
            return True
        except TypeError:
            return False

    def bind(self, args, kwargs):
        """The user function's arguments in order, bound from `args` and `kwargs` as it would bind them."""
        if self._variadic:
            passes.front(self.parsed)  # the fence names what is wrong with the signature
        if not kwargs and not self._prefix and not self._fixed and len(args) == len(self.names):
            return tuple(args)  # the common call: every argument by position
        try:
            self.signature.bind(*args, **kwargs)
            bound = self._user_sig.bind(*self._prefix, *args, **{**self._fixed, **kwargs})
        except TypeError as exc:
            names = list(self.signature.parameters)
            got = f"{len(args)}" + (f" and the keywords {', '.join(kwargs)}" if kwargs else "")
            raise AdcTypeError(f"{self.user_fn.__qualname__} takes {len(names)} arguments ({', '.join(names)}); "
                               f"got {got} ({exc})") from None
        bound.apply_defaults()
        return tuple(bound.arguments[n] for n in self.names)

    def specialize(self, args):
        """The compiled specialization for `args`, and the captured values to pass.

        Numbers and arrays the function reads from globals, closure cells or modules
        are passed in at every call, so a changed global is seen; a change of their
        type, or a rebound function, builds (or finds on disk) another specialization."""
        shapes, leaf_types = [], []
        for a, n in zip(args, self.names):
            leaves, tree = trees.flatten(a, f"argument {n!r}")
            shapes.append(tree)
            leaf_types += [type_of(x, f"argument {n!r}") for x in leaves]
        types = (tuple(shapes),) + tuple(leaf_types)
        if any(s != trees.LEAF for s in shapes) and (not self.mode.takes_containers or len(self.chain) > 1):
            raise AdcTypeError(f"adc.{self.kind} of {self.user_fn.__qualname__}: an argument is a list, tuple or dict; "
                               f"adc.{self.kind} takes numbers and arrays. hint: use adc.grad, adc.vjp or adc.jvp, "
                               "or pass the container's arrays as arguments of their own")
        for spec in list(self._specs.get(types, ())):
            values = spec.values(self.user_fn)
            if values is not None:
                self._last = spec
                return spec, values
        with self._lock, _BUILD_LOCK, notices.after_a_while(self._building):
            spec = self._build(types)
            values = spec.values(self.user_fn)
            if values is None:  # changed while it was being built
                spec = self._build(types, force=True)
                values = spec.values(self.user_fn, strict=True)
            specs = self._specs.setdefault(types, [])
            specs.insert(0, spec)
            del specs[cache.VARIANTS:]
        self._last = spec
        return spec, values

    def _build(self, types, force=False):
        """A specialization: the first variant on disk whose reads still hold, else a new one."""
        fn = self.user_fn
        request = cache.request_key(fn.__module__, fn.__qualname__, cache.code_digest(fn), self.chain,
                                    self.backend, self.debug, types)
        with cache.locked(request):
            for entry in () if force else cache.lookup(request):
                checks = reads.validate(fn, entry)
                spec = checks is not None and specialization.load(entry, checks)
                if spec:
                    return _noticed(spec, entry)
            entry, checks = self._compile(types)
            spec = specialization.load(entry, checks)
            if not spec:
                raise AdcInternalError(f"adc could not load the module it wrote for {fn.__qualname__}: {entry['path']}")
            if entry["portable"]:
                cache.store(request, entry)
            return _noticed(spec, entry)

    def _compile(self, types):
        """Run adc's compiler, noting what it reads: (the cache entry, the checks of this process).
        An exception of the compiler that is not an AdcError is an AdcInternalError."""
        with frontend.recording() as rec:
            try:
                path, names, sized, roles, backend, captured, notice = self._generate(types)
            except AdcError:
                raise
            except Exception as exc:  # noqa: BLE001
                raise _internal_error(self, exc) from exc
        deps, checks, captures, portable = reads.manifest(self.user_fn, rec, captured)
        entry = {"path": path, "names": names, "sized": sized, "roles": roles, "backend": backend, "deps": deps,
                 "captured": captures, "portable": portable, "notice": notice}
        return entry, checks

    def _generate(self, types):
        shapes, types = types[0], types[1:]
        fn = passes.front(self.parsed, shapes)
        for p, t in zip(fn.params, types):
            p.type = t
        for v, (scope, name) in fn.captured:
            v.type = type_of(reads.capture(scope.resolve(name)), f"captured {name!r}")
        fn = passes.run(fn, passes.PRIMAL)
        _refuse_kernel_code(self, fn)
        captured = fn.captured
        backend, notice = _drawing_backend(self, fn)
        backend = backend or (self.backend if self.backend != "auto" else _backend_for(fn))
        fn = self._differentiated_ir(fn, shapes)
        fns = passes.run(fn, self.mode.passes(self, self.flat_wrt(shapes)))
        fns = fns if isinstance(fns, tuple) else (fns,)
        if backend == "cuda":
            source = codegen.kernels.generate(fns[0], self) if self.kind == "kernel_vjp" else codegen.cuda.generate(fns[0])
        else:
            source = codegen.generate(tuple(passes.fuse(f) for f in fns))
        path = cache.write_module(fns[0].name, source)
        return (path, [f.name for f in fns], [backend != "cuda" and codegen.takes_sizes(f) for f in fns],
                [codegen.returned_roles(f) for f in fns], backend, captured, notice)

    def _differentiated_ir(self, fn, shapes):
        """The IR this derivative differentiates: the primal's, or the gradient an inner adc.grad makes."""
        if not isinstance(self.f, Derivative):
            return fn
        inner = passes.run(self.f._differentiated_ir(fn, shapes), self.f.mode.passes(self.f, self.f.flat_wrt(shapes)))
        inner.body.yields, inner.roles = [inner.output(GRADIENT)], None  # adc.grad(f) returns the gradient alone
        passes.strip_sweeps(inner)
        return inner


def _attribute_path(obj, dotted):
    for part in dotted.split("."):
        obj = getattr(obj, part, None)
    return obj


def _target(f):
    """(the Python function adc reads, positional arguments bound before the caller's, keywords bound)."""
    if isinstance(f, Derivative):
        return f.user_fn, f._prefix, f._fixed
    if isinstance(f, functools.partial):
        fn, prefix, fixed = _target(f.func)
        return fn, prefix + tuple(f.args), {**fixed, **f.keywords}
    return function_of(f), (), {}


def _backend_for(fn):
    """backend="auto": Numba for code with loops; for loop-free array code, NumPy under CPython,
    whose vectorised kernels (tanh, exp, ...) are several times faster than Numba's scalar loops."""
    return "numba" if any(op.opname in ("for", "while") for op in walk(fn.body)) else "python"


def _refuse_kernel_code(df, fn):
    """cuda.grid and friends have a meaning only in a kernel that adc.kernel_vjp differentiates."""
    found = next((op for op in walk(fn.body) if op.opname == "thread"), None)
    if found is not None and df.kind != "kernel_vjp":
        where = f"\n{found.loc.render()}" if found.loc is not None else ""
        raise AdcError(f"{found.attrs['text']} outside a CUDA kernel given to adc.kernel_vjp{where}\n  hint: "
                       "differentiate the kernel with adc.kernel_vjp(kernel), or a function of numbers with "
                       "adc.grad(f, backend='cuda')")


def _drawing_backend(df, fn):
    """("python", notice) for a function that draws from NumPy's generators (adc/randoms.py), which
    Numba cannot hold; the notice (for backend="numba" only) says so. (None, None) for any other."""
    found = randoms.draws(fn)
    if not found:
        return None, None
    if df.backend == "cuda":
        raise AdcError(f"backend='cuda': {fn.name} draws random numbers, which NumPy's generators cannot do in a "
                       "GPU thread. hint: draw them outside and pass them in as an argument")
    if df.backend != "numba":
        return "python", None
    where = f" (line {found[0].loc.line})" if found[0].loc is not None else ""
    return "python", (f"adc: {fn.name} draws random numbers{where}; NumPy's generators cannot enter Numba's "
                      "compiled code, so it runs with the python backend, drawing NumPy's own stream")


def _noticed(spec, entry):
    """`spec`, once its entry's notice (a backend other than the one asked for) is given, in every process."""
    if entry.get("notice"):
        warnings.warn(entry["notice"], AdcFallbackWarning, stacklevel=6)
    return spec


def _internal_error(df, exc):
    """An exception of adc's compiler that is not an AdcError: an AdcInternalError naming the
    user's function, where it is, and the pass that failed (the original is its __cause__)."""
    fn = df.user_fn
    where = _failed_pass(exc.__traceback__)
    return AdcInternalError(
        f"internal error in adc{' (pass ' + where + ')' if where else ''} while building adc.{df.kind} of "
        f"{fn.__qualname__}\n  File \"{fn.__code__.co_filename}\", line {fn.__code__.co_firstlineno}\n"
        f"  {type(exc).__name__}: {exc}\n  this is a bug in adc, not in your code: please report it with this "
        "function; hint: backend=\"python\" or a simpler form of the construct may avoid it meanwhile")


def _failed_pass(tb):
    """The name of the pass running when traceback `tb` was raised, or adc's module it came from."""
    name, module = None, None
    here = os.path.dirname(os.path.abspath(__file__))
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.startswith(here):
            if code.co_name == "run" and code.co_filename.endswith(os.path.join("passes", "__init__.py")):
                name = tb.tb_frame.f_locals.get("name", name)
            elif code.co_name == "front" and code.co_filename.endswith(os.path.join("passes", "__init__.py")):
                name = "lower"
            module = os.path.splitext(os.path.basename(code.co_filename))[0]
        tb = tb.tb_next
    return name or module
