"""How an internal failure is told: one line naming the exception; the traceback too when MLCHECK_DEBUG is set
(a user sees a message, a developer can still get the stack)."""

from __future__ import annotations

import os
import sys


def describe(exc: BaseException) -> str:
    """'TypeError: unhashable type: 'dict'', without trusting the exception's own __str__ to work."""
    try:
        text = str(exc)
    except Exception:  # an exception whose message cannot be rendered still names its type
        text = "(message cannot be shown)"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def debugging() -> bool:
    return os.environ.get("MLCHECK_DEBUG", "") not in ("", "0")


def show_traceback(exc: BaseException) -> None:
    """Print the traceback on stderr, only when debugging."""
    if debugging():
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
