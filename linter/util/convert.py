"""Numbers read from template data, guarded: a count, port or size written as text is converted only when it
is a plain decimal number of sensible length. `int()` refuses strings over 4,300 digits (a ValueError that
would cost a rule all its findings) and `str.isdigit()` accepts digits `int()` rejects ('²'); neither may end a
check. Callers treat None as a value they cannot judge (unknown), never as a pass or a finding.
"""

from __future__ import annotations

import math
import re

from mlcheck.util.regex import lazy

MAX_DIGITS = 30  # far beyond any count, port or instance size; bounds the work and the text in messages

MAX_NUMBER_TEXT = 40  # longer texts are not plausible counts, weights or sizes

_INTEGER = lazy(r"[-+]?[0-9]{1,%d}" % MAX_DIGITS, re.ASCII)


def to_int(value, signed: bool = False) -> int | None:
    """An int from an int or a decimal string (surrounding spaces allowed); None for anything else, for a
    number of more than MAX_DIGITS digits, and for a negative one unless `signed`."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value if value.bit_length() <= MAX_DIGITS * 4 else None
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    if number is None or (number < 0 and not signed):
        return None
    return number


def to_number(value):
    """A finite int or float from an int, float or numeric string; None for anything else (booleans too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        result = value
    elif isinstance(value, str) and 0 < len(value.strip()) <= MAX_NUMBER_TEXT:
        text = value.strip()
        try:
            result = int(text)
        except ValueError:
            try:
                result = float(text)
            except ValueError:
                return None
    else:
        return None
    try:
        return result if math.isfinite(result) else None
    except OverflowError:  # an int too large for a float
        return None
