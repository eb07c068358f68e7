"""Hostile and extreme inputs for the loaders: never a traceback, bounded time and memory.

The CLI runs as a subprocess with a timeout wherever an input could hang it or make it quadratic; growth is
checked by comparing the CPU time of an input of size n with one of size 4n (CPU, not wall time: the machine
may be shared). Every bad file sits beside a good one, which must still be reported.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
import tracemalloc

import pytest

from mlcheck.inputs.loader import ParseError, load_document
from mlcheck.inputs.loader.yaml_loader import MAX_DEPTH

GOOD = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::123456789012:role/r
"""


def cli(*args, cwd, timeout=120):
    """(exit code, stdout, stderr, CPU seconds of the child) of `python -m mlcheck ARGS`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-m", "mlcheck", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, errors="replace", timeout=timeout, stdin=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return proc.returncode, proc.stdout, proc.stderr, cpu


def check_beside_good(tmp_path, name, content, expect_exit, *args, timeout=120):
    """Lint `content` as `name` beside a good template (JSON output); asserts no traceback, the exit code,
    and that the good file's findings are still there. Returns the parsed report."""
    bad = tmp_path / name
    bad.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    (tmp_path / "good.yaml").write_text(GOOD)
    code, out, err, _ = cli("--output-format", "json", *args, bad.name, "good.yaml", cwd=tmp_path, timeout=timeout)
    assert "Traceback" not in out + err
    assert "internal error" not in out + err
    assert code in expect_exit, (code, out[-2000:], err[-2000:])
    report = json.loads(out)
    assert any(f["file"] == "good.yaml" and f["rule"] != "MLC001" for f in report["findings"])
    return report


def errors_of(report, name):
    """The parse-error findings (MLC001, with line and column) of one file."""
    return [f for f in report["findings"] if f["file"] == name and f["rule"] == "MLC001"]


def test_report_shape_is_what_these_tests_read(tmp_path):
    report = check_beside_good(tmp_path, "bad.json", '{"a": [1, 2,]}', {2})
    (error,) = errors_of(report, "bad.json")
    assert error["line"] == 1 and "trailing comma" in error["message"]


# ---------------------------------------------------------------- memory: the location table


def deep_values(depth, leaves):
    return '{"a":' * depth + "[" + ",".join(["1"] * leaves) + "]" + "}" * depth


def test_deep_values_cost_memory_in_proportion_to_the_file_not_its_depth():
    """Each value once carried its full path: 100,000 values 490 levels deep took ~400 MB of tuples."""
    text = deep_values(490, 100_000)
    tracemalloc.start()
    try:
        document = load_document(text.encode(), "deep.json")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, f"{peak / 1048576:.0f} MiB for a {len(text) / 1048576:.1f} MB file"
    path = ("a",) * 490
    assert document.location(path + (99_999,)).column == len('{"a":' * 490 + "[") + 1 + 2 * 99_999
    assert document.location(path + (100_000,)).line == 1  # missing: its list's line


def test_a_deep_values_file_lints_in_bounded_memory(tmp_path):
    """The 1.8 MB case of the issue (3.6 GB before), run in 1 GiB of address space."""
    deep = deep_values(MAX_DEPTH - 3, 890_000)
    text = '{"AWSTemplateFormatVersion": "2010-09-09", "Metadata": %s, "Resources": %s}' % (
        deep, json.dumps(notebooks(1)))
    (tmp_path / "deep.json").write_text(text)
    limit = 1 << 30
    proc = subprocess.run([sys.executable, "-m", "mlcheck", "deep.json"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
    assert len(text) > 1_750_000
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert "Notebook0" in proc.stdout


def test_location_table_reads_like_the_dict_it_replaced():
    doc = load_document(b"a:\n  b: [1, !Ref X, {c: 2}]\n  t: !Sub 'x'\n", "t.yaml")
    table = doc.locations
    assert table[("a", "b", 2, "c")].line == 2 and ("a", "b", 1, "Ref") in table
    assert table.get(("a", "t", "Fn::Sub")) == table[("a", "t")]
    assert table.get(("a", "b", 3)) is None and ("a", "b", "0") not in table and ("a", 0) not in table
    assert table.get(("a", "b", -1)) is None
    with pytest.raises(KeyError):
        table[("nope",)]
    assert doc.location(["a", "b", 2, "c"]) == table[("a", "b", 2, "c")]  # any sequence of steps


def test_merged_keys_have_no_location_of_their_own():
    doc = load_document(b"base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\nlit:\n  <<: {z: 3}\n", "t.yaml")
    assert doc.data["use"] == {"y": 2, "x": 1} and doc.data["lit"] == {"z": 3}
    assert ("use", "x") not in doc.locations and ("lit", "z") not in doc.locations
    assert doc.location(("lit", "z")).line == 5  # the mapping that holds it


# ---------------------------------------------------------------- time: one very long line


def notebooks(n):
    return {f"Notebook{i}": {"Type": "AWS::SageMaker::NotebookInstance",
                             "Properties": {"InstanceType": "ml.t3.medium",
                                            "RoleArn": "arn:aws:iam::123456789012:role/r"}} for i in range(n)}


def one_line_json(n):
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": notebooks(n)}, separators=(",", ":"))


def one_line_yaml(n):
    flow = json.dumps(notebooks(n), separators=(", ", ": ")).replace('"', "")
    return f"AWSTemplateFormatVersion: '2010-09-09'\nResources: {flow}\n"


@pytest.mark.parametrize("make, name", [(one_line_json, "min.json"), (one_line_yaml, "flow.yaml")])
def test_one_line_templates_are_linear(tmp_path, make, name):
    """Every finding on a property left to its default points at the line of its mapping; its end column
    was found by splitting that whole line again, so a minified file cost findings x line length."""
    cpu = {}
    for n in (1000, 4000):
        (tmp_path / name).write_text(make(n))
        code, out, err, cpu[n] = cli("--exit-zero", name, cwd=tmp_path, timeout=300)
        assert code == 0 and "Traceback" not in err
        assert f"{5 * n} findings" in out, out[-300:]  # five per notebook
    # Linear is ~3x here (startup is fixed); the quadratic version took more than 10x.
    assert cpu[4000] < 6 * cpu[1000], cpu


def test_very_long_single_string_and_key(tmp_path):
    long_value = "x" * 5_000_000
    text = json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Metadata": {"k" * 1_000_000: long_value},
                       "Resources": notebooks(1)})
    report = check_beside_good(tmp_path, "long.json", text, {0, 1}, timeout=120)
    assert any(f["file"] == "long.json" for f in report["findings"])


# ---------------------------------------------------------------- numbers


HUGE = "9" * 5000


@pytest.mark.parametrize("name, text", [
    ("huge.json", '{"a": %s, "b": -%s, "c": 1e999, "d": %s.5}' % (HUGE, HUGE, HUGE)),
    ("huge.yaml", "a: %s\nb: -%s\nc: 0x%s\nd: !!int %s\ne: 1_%s\n" % (HUGE, HUGE, "f" * 5000, HUGE, HUGE)),
])
def test_integers_past_pythons_digit_limit_are_infinite_not_a_crash(name, text):
    data = load_document(text.encode(), name).data
    assert data["a"] == float("inf") and data["b"] == float("-inf")
    assert all(isinstance(v, float) for v in data.values())
    json.dumps(data)  # and they can be written out


def test_long_base_60_integers_are_linear():
    """YAML 1.1 reads `1:30` as 90; its constructor multiplies digit by digit, quadratic in the length."""
    cpu = {}
    for n in (20_000, 80_000):
        start = time.process_time()
        data = load_document(("a: 1" + ":59" * n + "\nb: -1" + ":00" * n + "\nc: 1:30\n").encode(), "t.yaml").data
        cpu[n] = time.process_time() - start
        assert data == {"a": float("inf"), "b": float("-inf"), "c": 90}
    assert cpu[80_000] < 8 * cpu[20_000] + 0.05, cpu


def test_long_but_printable_integers_stay_exact():
    digits = "7" * 3000
    assert load_document(f'{{"a": {digits}}}'.encode(), "t.json").data["a"] == int(digits)
    assert load_document(f"a: {digits}\n".encode(), "t.yaml").data["a"] == int(digits)


@pytest.mark.parametrize("number", [HUGE, "-" + HUGE, "1e999", ".inf", "-.inf", ".nan"])
def test_rules_that_read_numbers_survive_huge_and_odd_numbers(tmp_path, number):
    """Every numeric property the rules read, set to an extreme number."""
    template = f"""\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: g
      SecurityGroupIngress:
        - {{IpProtocol: tcp, FromPort: {number}, ToPort: {number}, CidrIp: 0.0.0.0/0}}
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - {{VariantName: a, ModelName: m, InitialInstanceCount: {number}, InstanceType: ml.m5.24xlarge,
            InitialVariantWeight: {number}, VolumeSizeInGB: {number}}}
  Endpoint:
    Type: AWS::SageMaker::Endpoint
    Properties:
      EndpointConfigName: !GetAtt Config.EndpointConfigName
  Target:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: sagemaker
      ScalableDimension: sagemaker:variant:DesiredInstanceCount
      ResourceId: !Sub endpoint/${{Endpoint.EndpointName}}/variant/a
      MinCapacity: {number}
      MaxCapacity: {number}
  Job:
    Type: AWS::SageMaker::ProcessingJob
    Properties:
      ProcessingResources:
        ClusterConfig: {{InstanceCount: {number}, InstanceType: ml.m5.xlarge, VolumeSizeInGB: {number}}}
      StoppingCondition: {{MaxRuntimeInSeconds: {number}}}
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::123456789012:role/r
      VolumeSizeInGB: {number}
"""
    check_beside_good(tmp_path, "numbers.yaml", template, {0, 1})
    as_json = json.dumps(load_document(template.encode(), "t.yaml").data).replace("Infinity", HUGE)
    check_beside_good(tmp_path, "numbers.json", as_json.replace("NaN", "0"), {0, 1})


def test_nan_and_infinity_are_not_json(tmp_path):
    report = check_beside_good(tmp_path, "nan.json", '{"Resources": {\n  "A": NaN}}', {2})
    (error,) = errors_of(report, "nan.json")
    assert error["line"] == 2 and "NaN and Infinity are not JSON numbers" in error["message"]
    for literal in ("Infinity", "-Infinity"):
        with pytest.raises(ParseError, match="not JSON numbers"):
            load_document(f'{{"a": {literal}}}'.encode(), "t.json")


# ---------------------------------------------------------------- strings


@pytest.mark.parametrize("name, text, line, column", [
    ("key.json", '{"Resources": {},\n "\\ud800": 1}', 2, 2),
    ("value.json", '{"Resources": {},\n "a": "x\\udfffy"}', 2, 7),
    ("pair-reversed.json", '{"Resources": {},\n "a": "\\udc00\\ud800"}', 2, 7),
    ("key.yaml", 'Resources: {}\n"\\ud800": 1\n', 2, 1),
    ("value.yaml", 'Resources: {}\na: "x\\udfffy"\n', 2, 4),
])
def test_lone_surrogate_escapes_are_parse_errors_with_their_line(tmp_path, name, text, line, column):
    """Python keeps a lone surrogate in a str, and writing the report as UTF-8 then crashed."""
    report = check_beside_good(tmp_path, name, text, {2})
    (error,) = errors_of(report, name)
    assert error["line"] == line
    with pytest.raises(ParseError) as info:
        load_document(text.encode(), name)
    assert (info.value.line, info.value.column)[0] == line
    assert info.value.column >= column


def test_an_escaped_surrogate_pair_is_one_character():
    assert load_document(b'{"a": "\\ud83d\\ude00"}', "t.json").data["a"] == "\U0001F600"


@pytest.mark.parametrize("fmt", ["concise", "full", "json", "sarif", "github", "junit"])
def test_nul_characters_in_strings_are_reported_cleanly(tmp_path, fmt):
    (tmp_path / "nul.json").write_text(json.dumps({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {"Note\u0000book": {"Type": "AWS::SageMaker::NotebookInstance",
                                         "Properties": {"InstanceType": "ml.t3\u0000", "RoleArn": "r\u0000"}}}}))
    (tmp_path / "nul.yaml").write_text('AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  N:\n    Type: '
                                       'AWS::SageMaker::NotebookInstance\n    Properties: {InstanceType: "\\0"}\n')
    code, out, err, _ = cli("--output-format", fmt, "nul.json", "nul.yaml", cwd=tmp_path)
    assert code == 1 and "Traceback" not in err and "nul.yaml" in out


def test_raw_control_characters_point_at_themselves(tmp_path):
    raw = b'{"Resources": {},\n "a": "ok",\n "b": "x\x01y"}'
    with pytest.raises(ParseError, match="invalid control character") as info:
        load_document(raw, "t.json")
    assert (info.value.line, info.value.column) == (3, 9)
    # A NUL past the binary sniff (first 8 KB) is a parse error at its line, not a crash.
    late = b"Resources: {}\n" + b"# padding\n" * 1000 + b"a: x\x00y\n"
    report = check_beside_good(tmp_path, "late.yaml", late, {2})
    (error,) = errors_of(report, "late.yaml")
    assert error["line"] == 1002 and "#x0000" in error["message"]


# ---------------------------------------------------------------- where reader errors are


@pytest.mark.parametrize("raw, line, column, words", [
    (b"Resources: {}\na: 1\nb: x\x07y\n", 3, 5, "#x0007"),
    ("Resources: {}\nb: 'é\x1b'\n".encode(), 2, 6, "#x001b"),  # é is two bytes: columns count characters
    (b"Resources: {}\na: 1\nb: caf\xe9\n", 3, 7, "not UTF-8 (invalid byte 0xe9)"),
])
def test_reader_errors_are_reported_where_they_are(tmp_path, raw, line, column, words):
    with pytest.raises(ParseError) as info:
        load_document(raw, "t.yaml")
    assert (info.value.line, info.value.column) == (line, column) and words in info.value.message


def test_reader_error_line_reaches_the_report(tmp_path):
    report = check_beside_good(tmp_path, "ctrl.yaml", b"Resources: {}\n" * 1 + b"a: 1\n" * 40 + b"b: \x07\n", {2})
    (error,) = errors_of(report, "ctrl.yaml")
    assert error["line"] == 42 and error["column"] == 4


def test_invalid_utf16_is_located(tmp_path):
    raw = "Resources: {}\nab: 1\n".encode("utf-16-le")
    raw = b"\xff\xfe" + raw + b"\x00\xd8" + "x".encode("utf-16-le")  # a lone high surrogate in UTF-16
    with pytest.raises(ParseError, match="not UTF-16") as info:
        load_document(raw, "t.yaml")
    assert info.value.line == 3


# ---------------------------------------------------------------- nesting


def nested_yaml(depth):
    body = "".join("  " * i + "k:\n" for i in range(depth - 2)) + "  " * (depth - 2) + "k: 1\n"
    return "AWSTemplateFormatVersion: '2010-09-09'\nMetadata:\n" + "".join("  " + line + "\n"
                                                                          for line in body.splitlines())


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_nesting_at_the_limit_is_linted_and_past_it_is_an_error(tmp_path, fmt):
    """The deepest nesting allowed, in a resource's properties where rules walk it, and one level more."""
    def template(depth):
        inner = {"k": 1}
        for _ in range(depth - 5):
            inner = {"k": inner}
        data = {"AWSTemplateFormatVersion": "2010-09-09",
                "Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": inner}}}}
        return data

    for depth, expect in ((MAX_DEPTH, {0, 1}), (MAX_DEPTH + 1, {2})):
        data = template(depth)
        if fmt == "json":
            text = json.dumps(data)
        else:
            text = json.dumps(data)
            text = "AWSTemplateFormatVersion: '2010-09-09'\nResources: " + json.dumps(data["Resources"]) + "\n"
        report = check_beside_good(tmp_path, f"deep.{fmt}", text, expect)
        if expect == {2}:
            (error,) = errors_of(report, f"deep.{fmt}")
            assert "nested deeper" in error["message"]


def test_block_yaml_nesting_at_the_limit(tmp_path):
    assert load_document(nested_yaml(MAX_DEPTH).encode(), "t.yaml").data["Metadata"]["k"]
    with pytest.raises(ParseError, match="nested deeper"):
        load_document(nested_yaml(MAX_DEPTH + 1).encode(), "t.yaml")


# ---------------------------------------------------------------- keys


HUGE_KEY = "k" * 1_000_000


@pytest.mark.parametrize("name, text", [
    ("dup.json", '{"Resources": {},\n' + ",\n".join(f'"{HUGE_KEY}": {i}' for i in range(3)) + "}"),
    ("dup.yaml", "Resources: {}\n" + "".join(f'? "{HUGE_KEY}"\n: {i}\n' for i in range(3))),  # an explicit key:
])                                                                   # libyaml refuses implicit ones over 1,024
def test_a_duplicated_huge_key_gets_a_short_message(tmp_path, name, text):
    report = check_beside_good(tmp_path, name, text, {2}, timeout=120)
    (error,) = errors_of(report, name)
    assert error["line"] == (3 if name.endswith(".json") else 4) and "first defined at line 2" in error["message"]
    assert len(error["message"]) < 300 and "1,000,000 characters" in error["message"]


@pytest.mark.parametrize("name, text", [
    ("dups.json", '{"Resources": {},\n' + ",\n".join(f'"k{i % 1000}": {i}' for i in range(200_000)) + "}"),
    ("dups.yaml", "Resources: {}\n" + "".join(f"k{i % 1000}: {i}\n" for i in range(200_000))),
])
def test_many_duplicate_keys_stop_at_the_first(tmp_path, name, text):
    report = check_beside_good(tmp_path, name, text, {2}, timeout=60)
    (error,) = errors_of(report, name)
    assert error["line"] == 1002 and "duplicate key 'k0' (first defined at line 2)" in error["message"]


def test_many_distinct_keys_are_linear(tmp_path):
    cpu = {}
    for n in (50_000, 200_000):
        (tmp_path / "keys.json").write_text(json.dumps({"AWSTemplateFormatVersion": "2010-09-09",
                                                        "Metadata": {f"k{i}": i for i in range(n)},
                                                        "Resources": notebooks(1)}))
        code, _, err, cpu[n] = cli("--exit-zero", "keys.json", cwd=tmp_path, timeout=300)
        assert code == 0 and "Traceback" not in err
    assert cpu[200_000] < 8 * cpu[50_000], cpu


def test_a_long_implicit_yaml_key_is_a_parse_error(tmp_path):
    report = check_beside_good(tmp_path, "longkey.yaml", "Resources: {}\n" + "k" * 5000 + ": 1\n", {2})
    (error,) = errors_of(report, "longkey.yaml")
    assert error["line"] >= 2


# ---------------------------------------------------------------- YAML tags and merge keys


ODD_TAGS = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: !!map ml.t3.medium
      RoleArn: !!omap arn
      KmsKeyId: !!set key
      SubnetId: !!pairs s
      DirectInternetAccess: !!binary "not base64 ~~"
      RootAccess: !!timestamp never
      VolumeSizeInGB: !!int twelve
      PlatformIdentifier: !!float x
      Tags: !!python/object/apply:os.system ['echo owned']
      AcceleratorTypes: !<tag:yaml.org,2002:python/name:os.system> x
      LifecycleConfigName: !GetAtt {a: b}
      DefaultCodeRepository: !Ref [1, 2]
      AdditionalCodeRepositories: !Sub
      SecurityGroupIds: ! plain
      InstanceMetadataServiceConfiguration: !%E2%98%83 snow
      RoleArnX: !Unknown::Thing {x: !If [c, !GetAZs , !Base64 {}]}
"""


def test_odd_tags_keep_plain_data(tmp_path):
    props = load_document(ODD_TAGS.encode(), "t.yaml").data["Resources"]["Notebook"]["Properties"]
    assert props["InstanceType"] == "ml.t3.medium" and props["RoleArn"] == "arn" and props["KmsKeyId"] == "key"
    assert props["VolumeSizeInGB"] == "twelve" and props["Tags"] == ["echo owned"]
    assert props["SecurityGroupIds"] == "plain"
    json.dumps(props)  # nothing but plain data (a generator once slipped through for !!map on a scalar)
    check_beside_good(tmp_path, "tags.yaml", ODD_TAGS, {0, 1})


@pytest.mark.parametrize("text, words", [
    ("a: &a\n  <<: *a\n", "unknown alias"),  # a merge cycle cannot be written: the anchor is not yet defined
    ("a: &a {x: 1}\nb: &b {<<: [*a, *a, *a], y: 1}\nc: {<<: *b, <<: *b}\n", None),
    ("a: &a [1]\nb:\n  <<: *a\n", None),  # merging a non-mapping: ignored
    ("a:\n  <<: scalar\n  b: 1\n", None),
    ("? [complex]\n: 1\n", "mapping keys must be plain scalars"),
    ("? {a: b}\n: 1\n", "mapping keys must be plain scalars"),
])
def test_merge_key_edge_cases(text, words):
    if words is None:
        data = load_document(text.encode(), "t.yaml").data
        json.dumps(data)
    else:
        with pytest.raises(ParseError, match=words):
            load_document(text.encode(), "t.yaml")


def test_merge_bomb_is_capped(tmp_path):
    lines = ["Resources: {}", "l0: &l0 {" + ", ".join(f"k{i}: {i}" for i in range(100)) + "}"]
    for level in range(1, 30):
        lines.append(f"l{level}: &l{level} {{<<: [" + ", ".join([f"*l{level - 1}"] * 10) + "]}")
    report = check_beside_good(tmp_path, "bomb.yaml", "\n".join(lines) + "\n", {2}, timeout=120)
    (error,) = errors_of(report, "bomb.yaml")
    assert "more than 1,000,000 nodes" in error["message"]


def test_many_merge_keys_in_one_mapping_are_linear(tmp_path):
    """The merge list was rebuilt for every `<<`: quadratic in their number."""
    cpu = {}
    for n in (20_000, 80_000):
        text = "AWSTemplateFormatVersion: '2010-09-09'\nx: &x {a: 1}\nm:\n" + "  <<: *x\n" * n + GOOD.split("\n", 1)[1]
        (tmp_path / "merges.yaml").write_text(text)
        code, out, err, cpu[n] = cli("--exit-zero", "merges.yaml", cwd=tmp_path, timeout=300)
        assert code == 0 and "Traceback" not in err
    assert cpu[80_000] < 8 * cpu[20_000], cpu
