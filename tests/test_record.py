"""Records (plain classes replacing dataclasses for start-up time) keep the dataclass meaning: value equality,
frozen records hashable and read-only, mutable ones unhashable, pickling and copying through __init__."""

import copy
import pickle

import pytest

from mlcheck.findings.result import Finding
from mlcheck.model.document import Document, Location
from mlcheck.util.record import FrozenError
from mlcheck.engine.registry import rules_by_id
from mlcheck.model.values import Composite, ResourceRef, Unknown


def test_frozen_records_compare_and_hash_by_value():
    assert ResourceRef("Bucket") == ResourceRef("Bucket", None)
    assert ResourceRef("Bucket") != ResourceRef("Bucket", "Arn")
    assert len({Location(1, 2, 3, 4), Location(1, 2, 3, 4), Location(1, 2, 3, 5)}) == 2
    assert {Unknown("x"): 1}[Unknown("x")] == 1
    # a different class with the same field values is not equal (as dataclasses)
    assert Unknown("x") != Composite("x")


def test_frozen_records_refuse_assignment():
    ref = ResourceRef("Bucket")
    with pytest.raises(AttributeError):
        ref.logical_id = "Other"
    with pytest.raises(FrozenError):
        del ref.attribute
    assert ref.logical_id == "Bucket"


def test_mutable_records_compare_by_value_and_are_unhashable():
    one = Finding("MLC001", "n", "high", "m", "f.yaml", 1, 1, 1, 2)
    two = Finding("MLC001", "n", "high", "m", "f.yaml", 1, 1, 1, 2)
    assert one == two
    two.line = 3
    assert one != two
    with pytest.raises(TypeError):
        hash(one)


def test_defaults_are_fresh_per_instance():
    first, second = Document({}), Document({})
    first._line_ends[1] = 5
    assert second._line_ends == {}
    assert first.locations is not second.locations


def test_repr_names_the_fields_and_leaves_out_hidden_ones():
    assert repr(ResourceRef("B", "Arn")) == "ResourceRef(logical_id='B', attribute='Arn')"
    assert "_line_ends" not in repr(Document({"a": 1}, text="t"))
    assert repr(Document({"a": 1}, text="t")).startswith("Document(data={'a': 1}, locations=")


def test_pickle_and_copy_round_trip_frozen_slotted_records():
    for value in (Location(1, 2, 3, 4), Composite(("a", ResourceRef("B"))), Unknown("why")):
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.deepcopy(value) == value
    finding = Finding("MLC001", "n", "high", "m", "f.yaml", 1, 1, 1, 2, path=("Properties", "X"))
    assert pickle.loads(pickle.dumps(finding)) == finding


def test_replace_goes_through_init():
    rule = rules_by_id()["MLC401"]
    changed = rule.replace(check=None)
    assert changed.check is None and changed.id == rule.id and changed.docs == rule.docs
    assert rule.check is not None
    long = "x" * 5000
    # Finding.__init__ bounds the message; replace passes through it
    assert len(Finding("MLC001", "n", "high", "m", "f", 1, 1, 1, 2).replace(message=long).message) < 5000
