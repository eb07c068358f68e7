"""Regular expressions compiled on first use.

A module-level `re.compile` is paid by every run that imports the module, even one that never reaches the
pattern (most are needed only for some resources or inputs; the forty of them cost about 5% of a run).
`lazy(pattern, flags)` stands in for the compiled pattern: the first attribute read (`.match`, `.sub`...)
compiles it and keeps the pattern's attributes on the instance, so later calls are ordinary attribute reads.
"""

import re


class lazy:
    def __init__(self, pattern, flags=0):
        self._source = (pattern, flags)

    def __getattr__(self, name):
        # only reached for attributes not yet copied from the compiled pattern
        if name.startswith("__") or name == "_source":
            raise AttributeError(name)
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = self._compiled = re.compile(*self._source)
        value = getattr(compiled, name)
        setattr(self, name, value)
        return value

    def __repr__(self):
        return f"lazy({self._source[0]!r})"
