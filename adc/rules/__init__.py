"""Derivative rules, one table per library (math, numpy, linalg, arrays, scipy; complex arguments).

Importing this package registers every rule; `key_of(obj)` finds the rule
key of a Python callable and `RULES[key]` the rule.
"""
from .core import RULES, Rule, jvp_template_for, key_of, shown, template_for  # noqa: F401
from . import math as _math  # noqa: F401  (registers rules)
from . import numpy as _numpy  # noqa: F401  (registers rules)
from . import complex as _complex  # noqa: F401  (amends the rules above for complex arguments)
from . import linalg as _linalg  # noqa: F401  (registers rules)
from . import arrays as _arrays  # noqa: F401  (registers rules)
from . import scipy as _scipy  # noqa: F401  (registers rules; ties scipy.special's functions to them once imported)
