"""Bytes -> Document: decoding, binary detection, size limit, and the choice of YAML or JSON parser."""

from __future__ import annotations

import codecs

from mlcheck.model.document import Document, ParseError

MAX_BYTES = 20 * 1024 * 1024  # CloudFormation accepts 1 MB; CDK output can be larger, but not this large

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _undecodable(raw: bytes, encoding: str, exc: UnicodeDecodeError) -> ParseError:
    """The first byte that is not `encoding`, at its line and column (counted in the text before it)."""
    before = raw[:exc.start].decode(encoding, "replace")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    name = "UTF-8" if encoding.startswith("utf-8") else encoding.upper()
    return ParseError(f"not {name} (invalid byte 0x{raw[exc.start]:02x})", line, column)


def decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise ParseError(f"file is {len(raw) / 1048576:.1f} MB, larger than the {MAX_BYTES // 1048576} MB limit")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise _undecodable(raw, encoding, exc) from None
    if b"\x00" in raw[:8192]:
        raise ParseError("binary file, not a YAML or JSON template")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _undecodable(raw, "utf-8", exc) from None


def looks_like_json(text: str) -> bool:
    stripped = text.lstrip()
    return stripped.startswith("{") or stripped.startswith("[")


def load_document(raw: bytes, name: str = "") -> Document:
    """Parse bytes as JSON (when they look like JSON) or YAML. Raises ParseError with a 1-based line."""
    text = decode(raw)
    if not text.strip():
        raise ParseError("empty file")
    from mlcheck.inputs.loader.yaml_loader import load_yaml

    if looks_like_json(text):
        from mlcheck.inputs.loader.json_loader import load_json

        try:
            return load_json(text)
        except ParseError as json_error:
            if name.endswith(".json"):
                raise
            # YAML flow style (`{a: b}`) also starts with a brace, and CloudFormation reads such files as YAML.
            try:
                return load_yaml(text)
            except ParseError:
                raise json_error from None
    return load_yaml(text)
