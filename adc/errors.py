"""Errors adc raises at the user.

Every error that comes from the user's code carries a location: the file,
the line, the column, the source line with a caret under the construct, and
a hint saying what to write instead.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Loc:
    """A place in the user's source: file, 1-based line, 0-based column."""

    file: str
    line: int
    col: int
    text: str  # the whole source line

    def render(self):
        caret = " " * self.col + "^"
        return f'  File "{self.file}", line {self.line}, column {self.col + 1}\n    {self.text}\n    {caret}'


class AdcError(Exception):
    """Base class of every error adc raises."""


class AdcSyntaxError(AdcError, SyntaxError):
    """A construct outside the differentiable subset, with where and what instead."""

    def __init__(self, construct, loc, hint):
        self.construct, self.loc, self.hint = construct, loc, hint
        message = f"adc cannot differentiate {construct}"
        if loc is not None:
            message += "\n" + loc.render()
        message += f"\n  hint: {hint}"
        SyntaxError.__init__(self, message)
        if loc is not None:
            self.filename, self.lineno, self.offset, self.text = loc.file, loc.line, loc.col + 1, loc.text

    def __str__(self):
        return self.msg


class AdcTypeError(AdcError, TypeError):
    """Arguments or values of a type adc does not handle here."""


class AdcSourceError(AdcError):
    """adc cannot read the source of a function."""


class AdcInternalError(AdcError):
    """A bug in adc: its compiler failed on a function it should have handled or refused."""


def fail(construct, loc, hint):
    """Raise the AdcSyntaxError for `construct` at `loc`."""
    raise AdcSyntaxError(construct, loc, hint)
