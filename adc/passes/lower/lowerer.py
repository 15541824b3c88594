"""The `Lowerer`: one function body, or one inlined callee, lowered into a builder's region.

Contract: a lowerer holds one scope, `env` (source names and jump flags ->
what they stand for, see values.py), and appends ops at the cursor of a
`Builder` it shares with the lowerers of its callers and callees; the
callers' `Captures` and the tuples built in the source (`tuples`) are
shared too. Its methods come from one class per concern, which call each
other through `self`: statements, loops, scopes where paths join,
expressions, indexing, calls, functions inlined from their source, and
containers of fixed structure. A
callee is lowered by a new lowerer of the same class.
"""
from ...errors import fail
from .calls import CallLowering
from .containers import ContainerLowering
from .expressions import ExpressionLowering
from .functions import FunctionLowering
from .indexing import IndexLowering
from .loops import LoopLowering
from .scopes import ScopeMerging
from .statements import StatementLowering


class Lowerer(StatementLowering, LoopLowering, ScopeMerging, ExpressionLowering, IndexLowering, CallLowering,
              FunctionLowering, ContainerLowering):
    """Lowers one function body (or inlined callee) into the builder's region."""

    def __init__(self, parsed, builder, captures, callers, env=None, track_loc=True, within=()):
        self.parsed, self.b, self.captures, self.callers = parsed, builder, captures, callers
        self.track_loc = track_loc
        self.within = within  # the NonDiff and Primitive objects whose bodies or rules are being lowered
        self.env = dict(env or {})
        self.tuples = captures.tuples  # value id -> element values of a tuple built in the source

    def loc(self, node):
        return self.parsed.loc(node)

    def fail(self, node, what, hint):
        fail(what, self.loc(node), hint)

    def at(self, node):
        """Locate the ops emitted next at `node` (unless this lowerer keeps the builder's location)."""
        if self.track_loc:
            self.b.loc = self.loc(node) or self.b.loc
