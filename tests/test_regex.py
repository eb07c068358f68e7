"""`lazy` patterns compile on first use and then behave as the compiled pattern."""

import re

from mlcheck.util.regex import lazy


def test_lazy_pattern_compiles_on_first_use(monkeypatch):
    compiled = []
    real = re.compile
    monkeypatch.setattr(re, "compile", lambda *a: compiled.append(a) or real(*a))
    pattern = lazy(r"^ml\.(\w+)\.", re.I)
    assert compiled == []
    assert pattern.match("ML.P4D.24xlarge").group(1) == "P4D"
    assert pattern.sub("x", "ml.g5.xlarge") == "xxlarge"
    assert pattern.pattern == r"^ml\.(\w+)\." and pattern.flags & re.I
    assert pattern.search("no") is None
    # compiled once; each attribute is then read from the instance
    assert len(compiled) == 1 and "match" in vars(pattern)
