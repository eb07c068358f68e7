"""Resolution is bounded on any input: each class of template that made it run for minutes (or forever)
finishes within the test's time limit, with a finding, an unknown or an unverified check — never a crash,
never a silent pass."""

import pytest

from bounded import notebook, run_bounded, time_limit, write_template
from mlcheck.inputs.loader import load_document
from mlcheck.model.resolve import BUDGET_REASON, Budget, ConditionEvaluator, Resolver
from mlcheck.inputs.cloudformation import build_template
from mlcheck.model.values import Unknown

MLC401 = ("--select", "MLC401", "--show-unknown")


def _lookup(name, key, value):
    return {"Fn::FindInMap": [name, key, value]}


def _doubling_chain(length):
    """M.k0.v is M.k1.v twice, ..., so its text doubles at each step: 2**length characters."""
    mapping = {f"k{i}": {"v": {"Fn::Join": ["", [_lookup("M", f"k{i + 1}", "v")] * 2]}} for i in range(length)}
    mapping[f"k{length}"] = {"v": "Enabled"}
    return {"M": mapping}


def test_a_mapping_that_refers_to_itself_is_unknown(tmp_path, run_cli):
    mappings = {"M": {"a": {"b": _lookup("M", "a", "b"), "c": {"Fn::Join": ["", [_lookup("M", "a", "c")] * 2]}}}}
    path = write_template(tmp_path, {"Direct": notebook(_lookup("M", "a", "b")),
                                     "Doubled": notebook(_lookup("M", "a", "c"))}, Mappings=mappings)
    code, out, err = run_bounded(run_cli, *MLC401, path)
    assert code == 0 and "0 findings" in out
    assert "(Direct): Fn::FindInMap M/a/b refers to itself" in err
    assert "(Doubled)" in err


def test_a_chain_of_24_lookups_that_doubles_its_text_runs_out_of_budget(tmp_path, run_cli):
    path = write_template(tmp_path, {"Nb": notebook(_lookup("M", "k0", "v"))}, Mappings=_doubling_chain(24))
    code, out, err = run_bounded(run_cli, *MLC401, path)
    assert code == 1  # an unverified check of a high rule fails the gate
    assert "1 check could not be verified (resolution budget exceeded; see --show-unknown)" in out
    assert BUDGET_REASON in err
    code, out, _ = run_bounded(run_cli, "--select", "MLC401", "--fail-on-unverified", "never", path)
    assert code == 0


def test_a_chain_of_24_lookups_through_computed_keys_resolves(tmp_path, run_cli):
    """Keys that are lookups themselves, each level naming the next one twice: memoised, so linear."""
    mapping = {f"k{i}": {"v": {"Fn::FindInMap": ["M", _lookup("M", f"k{i + 1}", "up"), _lookup("M", f"k{i + 1}", "n")]},
                         "up": _lookup("M", f"k{i + 1}", "up"), "n": _lookup("M", f"k{i + 1}", "n")}
               for i in range(24)}
    mapping["k24"] = {"v": "Enabled", "up": "k24", "n": "v"}
    path = write_template(tmp_path, {"Nb": notebook(_lookup("M", "k0", "v"))}, Mappings={"M": mapping})
    code, out, _ = run_bounded(run_cli, *MLC401, path)
    assert code == 1 and "(DirectInternetAccess is Enabled)" in out


def test_and_or_with_many_operands_and_string_operands(tmp_path, run_cli):
    parameters = {f"P{i}": {"Type": "String"} for i in range(40)}
    conditions = {f"C{i}": {"Fn::Equals": [{"Ref": f"P{i}"}, "x"]} for i in range(40)}
    conditions["All"] = {"Fn::And": [{"Condition": f"C{i}"} for i in range(40)]}
    conditions["Any"] = {"Fn::Or": [{"Condition": f"C{i}"} for i in range(40)]}
    conditions["Chars"] = {"Fn::Or": "x" * 10000}  # malformed: can go either way, not 2**10000 combinations
    resources = {name: notebook({"Fn::If": [name, "Disabled", "Enabled"]}) for name in ("All", "Any", "Chars")}
    path = write_template(tmp_path, resources, Parameters=parameters, Conditions=conditions)
    code, out, _ = run_bounded(run_cli, *MLC401, path)
    assert code == 1
    for name in ("All", "Any", "Chars"):
        assert any(f"'{name}'" in line and line.endswith(f"(when condition {name} is false)")
                   for line in out.splitlines())


def test_equals_over_parameters_with_thousands_of_allowed_values(tmp_path, run_cli):
    values = [f"v{i}" for i in range(20000)]
    parameters = {"A": {"Type": "String", "Default": "v0", "AllowedValues": values},
                  "B": {"Type": "String", "Default": "v1", "AllowedValues": values},
                  "C": {"Type": "String", "Default": "w0", "AllowedValues": [f"w{i}" for i in range(20000)]}}
    conditions = {"Same": {"Fn::Equals": [{"Ref": "A"}, {"Ref": "B"}]},
                  "Never": {"Fn::Equals": [{"Ref": "A"}, {"Ref": "C"}]}}
    resources = {"Same": notebook({"Fn::If": ["Same", "Disabled", "Enabled"]}),
                 "Never": notebook({"Fn::If": ["Never", "Enabled", "Disabled"]})}
    path = write_template(tmp_path, resources, Parameters=parameters, Conditions=conditions)
    code, out, _ = run_bounded(run_cli, *MLC401, path)
    assert code == 1
    assert any("'Same'" in line and line.endswith("(when condition Same is false)") for line in out.splitlines())
    assert "'Never'" not in out  # disjoint AllowedValues: never equal, the Enabled branch is never taken


def test_equals_possible_values_without_pairs():
    template = build_template("t.yaml", load_document(b"""
Parameters:
  A: {Type: String, AllowedValues: [x, y]}
  One: {Type: String, AllowedValues: [x]}
Conditions:
  Both: !Equals [!Ref A, x]
  Always: !Equals [!Ref One, x]
  Never: !Equals [!Ref One, y]
Resources: {}
"""))
    evaluator = ConditionEvaluator(template)
    assert evaluator.possible("Both") == {True, False}
    assert evaluator.possible("Always") == {True}
    assert evaluator.possible("Never") == {False}


def test_nested_if_deeper_than_resolution_goes_is_a_limit_not_a_crash(tmp_path, run_cli):
    value = "Enabled"
    for _ in range(230):  # deeper than resolution follows (200), within what the JSON loader reads
        value = {"Fn::If": ["N", value, "Disabled"]}
    path = write_template(tmp_path, {"Nb": notebook(value)}, Parameters={"P": {"Type": "String"}},
                          Conditions={"N": {"Fn::Equals": [{"Ref": "P"}, "x"]}})
    code, out, err = run_bounded(run_cli, *MLC401, path)
    assert code == 1
    assert "could not be verified (expression nested too deeply" in out
    assert "expression nested too deeply" in err


def test_cyclic_and_long_chains_of_conditions(tmp_path, run_cli):
    conditions = {"A": {"Fn::Not": [{"Condition": "B"}]}, "B": {"Fn::And": [{"Condition": "A"}, {"Condition": "A"}]},
                  "Self": {"Condition": "Self"}}
    conditions.update({f"C{i}": {"Condition": f"C{i + 1}"} for i in range(3000)})
    conditions["C3000"] = {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}
    resources = {name: notebook({"Fn::If": [name, "Disabled", "Enabled"]}) for name in ("A", "Self", "C0")}
    path = write_template(tmp_path, resources, Conditions=conditions)
    code, out, _ = run_bounded(run_cli, *MLC401, path)
    assert code == 1
    for name in ("A", "Self", "C0"):
        assert any(f"'{name}'" in line and line.endswith(f"(when condition {name} is false)")
                   for line in out.splitlines())


def test_sub_and_join_over_huge_inputs(tmp_path, run_cli):
    big = {"Fn::Join": ["", [{"Fn::Join": ["-", [str(i) for i in range(200)]]}] * 50]}
    resources = {
        # a variable named 20000 times: resolved once, and the text it would build is past the budget
        "Subbed": notebook({"Fn::Sub": ["${X}" * 20000, {"X": big}]}),
        # a long list of small pieces: linear, and the value is known
        "Joined": notebook({"Fn::Join": ["", ["En", "abled"] + [""] * 100000]}),
        "Split": notebook({"Fn::Select": [0, {"Fn::Split": [",", {"Fn::Join": [",", ["Enabled"] * 50000]}]}]}),
    }
    path = write_template(tmp_path, resources)
    code, out, err = run_bounded(run_cli, *MLC401, path)
    assert code == 1
    assert "'Joined' has direct internet access (DirectInternetAccess is Enabled)\n" in out
    assert "'Split' has direct internet access (DirectInternetAccess is Enabled)\n" in out
    assert f"(Subbed): {BUDGET_REASON}" in err


def test_one_costly_value_does_not_starve_the_others(tmp_path, run_cli):
    """Each property has its own share of the budget: a bomb in one leaves the notebook's other checks alone."""
    path = write_template(tmp_path, {"Nb": notebook("Enabled", DefaultCodeRepository=_lookup("M", "k0", "v"))},
                          Mappings=_doubling_chain(40))
    code, out, _ = run_bounded(run_cli, *MLC401, path)
    assert code == 1 and "(DirectInternetAccess is Enabled)\n" in out
    assert "could not be verified" not in out


def test_many_resources_reading_one_bomb_share_one_budget(tmp_path, run_cli):
    resources = {f"Nb{i}": notebook(_lookup("M", "k0", "v")) for i in range(300)}
    path = write_template(tmp_path, resources, Mappings=_doubling_chain(40))
    code, out, _ = run_bounded(run_cli, "--select", "MLC401", path)
    assert code == 1 and "300 checks could not be verified (resolution budget exceeded" in out


def test_resolution_past_the_budget_is_unknown_with_the_reason():
    template = build_template("t.yaml", load_document(b"Resources: {}"))
    budget = Budget(0)
    budget.per_value = 50
    value = Resolver(template, budget=budget).resolve([{"Ref": "AWS::Region"}] * 100)
    assert value[:3] != [Unknown(BUDGET_REASON)] * 3 and value[-1] == Unknown(BUDGET_REASON)
    with time_limit():
        huge = Resolver(template).resolve({"Fn::Join": ["", [{"Fn::Join": ["", ["x"] * 1000]}] * 2]})
    assert huge == "x" * 2000


@pytest.mark.parametrize("expr, reason", [
    ({"Fn::FindInMap": "abc"}, "malformed Fn::FindInMap"),
    ({"Fn::If": "abc"}, "malformed Fn::If"),
])
def test_string_arguments_are_malformed_not_iterated(expr, reason):
    template = build_template("t.yaml", load_document(b"Resources: {}"))
    assert Resolver(template).resolve(expr) == Unknown(reason)
