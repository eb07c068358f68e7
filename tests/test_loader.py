"""Loaders: data equal to what CloudFormation reads, a location for every key and value, clean errors."""

import json

import pytest

from conftest import SHARED, VENDORED_CORPUS
from mlcheck.inputs.loader import Location, ParseError, load_document


def load(text, name=""):
    return load_document(text.encode() if isinstance(text, str) else text, name)


def test_short_form_tags_become_long_forms():
    doc = load(
        "A: !Ref X\n"
        "B: !GetAtt Role.Arn\n"
        "C: !GetAtt Endpoint.Outputs.Address\n"
        "D: !Sub [\"${a}-x\", {a: !Ref Y}]\n"
        "E: !If [Cond, !Condition Other, !Ref AWS::NoValue]\n"
        "F: !GetAZs\n"
        "G: !Select [0, !GetAZs '']\n"
        "H: !Rain::Embed file.py\n"
        "I: !GetAtt [Role, Arn]\n"
    )
    assert doc.data == {
        "A": {"Ref": "X"},
        "B": {"Fn::GetAtt": ["Role", "Arn"]},
        "C": {"Fn::GetAtt": ["Endpoint", "Outputs.Address"]},
        "D": {"Fn::Sub": ["${a}-x", {"a": {"Ref": "Y"}}]},
        "E": {"Fn::If": ["Cond", {"Condition": "Other"}, {"Ref": "AWS::NoValue"}]},
        "F": {"Fn::GetAZs": ""},
        "G": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
        "H": {"Fn::Rain::Embed": "file.py"},  # unknown tags stay functions, so they resolve to unknown
        "I": {"Fn::GetAtt": ["Role", "Arn"]},
    }


def test_every_key_and_value_has_a_location():
    doc = load(
        "Resources:\n"
        "  Notebook:\n"
        "    Type: AWS::SageMaker::NotebookInstance\n"
        "    Properties:\n"
        "      SecurityGroupIds:\n"
        "        - sg-1\n"
        "        - !Ref Group\n"
        "      RoleArn: !GetAtt\n"
        "        - Role\n"
        "        - Arn\n"
    )
    props = ("Resources", "Notebook", "Properties")
    assert doc.locations[("Resources", "Notebook")] == Location(2, 3, 10, 14)
    assert doc.location(props + ("SecurityGroupIds", 1)) == Location(7, 11, 7, 21)
    assert doc.location(props + ("SecurityGroupIds", 1, "Ref")).line == 7
    assert doc.location(props + ("RoleArn",)).line == 8
    assert doc.location(props + ("RoleArn", "Fn::GetAtt", 1)).line == 10
    # A missing property points at the nearest mapping that should hold it.
    assert doc.location(props + ("DirectInternetAccess",)).line == 4


def test_json_locations_and_data():
    text = '{\n  "Resources": {\n    "B": {"Type": "AWS::S3::Bucket",\n      "Properties": {"Tags": [1, 2.5, true, null, "x\\u00e9"]}}\n  }\n}\n'
    doc = load(text)
    assert doc.data == json.loads(text)
    assert doc.location(("Resources", "B", "Properties", "Tags", 4)) == Location(4, 51, 4, 60)
    assert doc.location(("Resources", "B", "Type")).line == 3


@pytest.mark.parametrize("text, line, words", [
    ("a: 1\nb:\n  c: 1\n  c: 2\n", 4, "duplicate key 'c' (first defined at line 3)"),
    ('{"a": 1,\n "a": 2}', 2, "duplicate key 'a'"),
    ("a: [1, 2\nb: 3\n", 2, "invalid YAML"),
    ('{"a": [1, 2,]}', 1, "trailing comma"),
    ('{"a": 1} x', 1, "extra data"),
    ("---\na: 1\n---\nb: 2\n", 3, "several YAML documents"),
    ("a: *missing\n", 1, "unknown alias '*missing'"),
    ("", 1, "empty file"),
])
def test_parse_errors_carry_a_line(text, line, words):
    with pytest.raises(ParseError) as info:
        load(text, "t.json" if text.startswith("{") else "t.yaml")
    assert info.value.line == line
    assert words in info.value.message


def test_alias_bomb_is_capped():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(ParseError, match="billion laughs"):
        load("\n".join(lines))


def test_aliases_and_merge_keys_within_bounds():
    doc = load("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nlist: [*b]\n")
    assert doc.data["use"] == {"x": 1, "y": 3}
    assert doc.data["list"] == [{"x": 1, "y": 2}]


@pytest.mark.parametrize("depth_text", ["[" * 5000 + "]" * 5000, "- " * 5000 + "x", '{"a":' * 5000 + "1" + "}" * 5000])
def test_deep_nesting_is_an_error_not_a_crash(depth_text):
    with pytest.raises(ParseError, match="nested deeper"):
        load(depth_text)


@pytest.mark.parametrize("raw, words", [
    (b"\x00\x01binary", "binary file"),
    (b"a: \xff\n", "not UTF-8"),
])
def test_undecodable_bytes(raw, words):
    with pytest.raises(ParseError, match=words):
        load(raw)


def test_utf8_bom_and_utf16_are_read():
    assert load("\ufeffa: 1".encode("utf-8")).data == {"a": 1}
    assert load("a: 1".encode("utf-16")).data == {"a": 1}


def test_scalars_follow_yaml_types_and_python_tags_are_inert():
    doc = load("a: 1\nb: 1.5\nc: true\nd: null\ne: '1'\nf: 2024-01-01\ng: !!python/object/apply:os.system ['echo hi']\n")
    assert doc.data["a"] == 1 and doc.data["b"] == 1.5 and doc.data["c"] is True and doc.data["d"] is None
    assert doc.data["e"] == "1" and doc.data["f"] == "2024-01-01"
    assert doc.data["g"] == ["echo hi"]  # never constructed as a Python object, let alone executed


def test_corpus_loads_like_cfn_lint_reads_it():
    """Every real template in the corpus loads; a sample equals cfn-lint's own decoding."""
    from cfnlint.decode import decode_str

    import warnings

    shared = SHARED / "corpus"
    corpus, least = (shared, 300) if shared.is_dir() else (VENDORED_CORPUS, 50)
    warnings.warn(f"corpus read: {corpus} (the larger ../shared/corpus is used when it is present)")
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
    assert len(files) > least
    for path in files:
        load_document(path.read_bytes(), path.name)
    for path in files[::15]:
        ours = load_document(path.read_bytes(), path.name).data
        theirs, _ = decode_str(path.read_text())
        assert json.dumps(ours, sort_keys=True, default=str) == json.dumps(theirs, sort_keys=True, default=str)
