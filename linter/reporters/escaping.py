"""Text from the inputs (file names, logical IDs, property values, parse messages), made safe to print.

Everything mlcheck prints may be read by a terminal or by a CI runner, and both act on what they read: a
terminal runs escape sequences (OSC 0 retitles the window, OSC 8 plants hyperlinks, CSI moves the cursor), bidi
controls reorder what the reader sees, and GitHub Actions runs every line of a step's log that starts with
'::' (after leading spaces) as a workflow command (`::error`, `::add-mask::`, `::stop-commands::`). So text
from an input never brings its own control characters, line breaks or undecodable bytes into the output: they
are shown as visible escapes (`\\x1b`, `\\n`, `\\u202e`), and a name that starts a line cannot start with ':'.

Machine formats (JSON, SARIF) keep the text as it is, since their encoders escape control characters, except
lone surrogates: a byte of a non-UTF-8 file name (Python decodes it as U+DC80..U+DCFF) cannot be written as
UTF-8, and a JSON parser need not accept it escaped, so it becomes the same visible escape.
"""

from __future__ import annotations

from mlcheck.util.regex import lazy

# C0 and C1 controls and DEL, the bidi embeddings, overrides, isolates and marks (Trojan Source), Unicode's
# line and paragraph separators, and lone surrogates.
_UNSAFE = lazy("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = lazy("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # the undecodable byte code - 0xDC00 of a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text) -> str:
    """`text` on one line, with every control character, line break, bidi control and undecodable byte
    written as a visible escape. Text without any is returned unchanged."""
    text = "" if text is None else str(text)
    if text.isprintable():  # every character of _UNSAFE is unprintable: most text needs no pattern at all
        return text
    return _UNSAFE.sub(_escape, text)


def line_start(text) -> str:
    """`visible`, for a field printed at the start of a line (a file name): one that would start with ':'
    gets './' in front, so that the line cannot be read as a workflow command."""
    text = visible(text)
    return "./" + text if text.lstrip().startswith(":") else text


def encodable(text):
    """`text` (None passes through) with lone surrogates written as visible escapes: valid UTF-8 and JSON."""
    if text is None:
        return None
    text = str(text)
    return _SURROGATE.sub(_escape, text) if _SURROGATE.search(text) else text
