"""Loaders turn bytes into a Document: plain Python data plus a location for every key and value."""

from mlcheck.model.document import Document, Location, ParseError
from mlcheck.inputs.loader.load import load_document

__all__ = ["Document", "Location", "ParseError", "load_document"]
