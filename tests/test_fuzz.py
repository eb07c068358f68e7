"""Fuzzing on a bounded budget (issue 7: a gate that cannot be hung, crashed or bypassed).

Generated CloudFormation templates, SageMaker API documents, byte-level mutations of both and texts that stress
one mechanism (YAML aliases, deep nesting) go through the real command in-process, and templates are compared
with harmless variants of themselves; the properties are in tests/fuzz_properties.py. Derandomized, so a CI
failure reproduces locally with the same example. The per-example bound is an alarm (fuzz_checks.TIME_LIMIT)
rather than Hypothesis' deadline, which would turn the first example's one-time imports on a loaded machine
into a flaky failure. `python tools/fuzz.py --minutes 10` runs the same properties for longer, and shrinks.
"""

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings

import fuzz_checks as checks
import fuzz_strategies as gen
from fuzz_properties import PROPERTIES

# No shrink phase: a failure is reported as generated (derandomized, so it reproduces), instead of spending
# minutes of CI shrinking it; tools/fuzz.py shrinks what it finds to a minimal template.
CI = settings(derandomize=True, database=None, deadline=None, print_blob=True,
              phases=(Phase.explicit, Phase.reuse, Phase.generate),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.large_base_example, HealthCheck.filter_too_much])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.mark.parametrize("name", sorted(PROPERTIES))
def test_property(name, workdir):
    prop = PROPERTIES[name]

    @settings(CI, max_examples=prop.ci_examples)
    @given(case=prop.strategy)
    def holds(case):
        prop.run(case, workdir, checks.TIME_LIMIT)

    for case in prop.regressions:
        holds = example(case=case)(holds)
    holds()


# -- the harness itself: it must catch what it is meant to catch ----------------------------------------------

def test_time_limit_turns_a_hang_into_a_failure():
    with pytest.raises(checks.Hang):
        with checks.time_limit(0.05):
            while True:
                pass


def test_check_cli_reports_an_exception_with_its_location(workdir, monkeypatch):
    import mlcheck.engine.runner

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(mlcheck.engine.runner, "check_file", broken)
    with pytest.raises(checks.FuzzFailure) as caught:
        checks.check_cli(b"Resources: {}\n", "t.yaml", workdir)
    # the runner keeps the failure to that file (exit 2); the harness still names where it was raised
    assert caught.value.signature.startswith("internal error (ZeroDivisionError at ")
    assert caught.value.files == {"t.yaml": b"Resources: {}\n"}


def test_check_cli_reports_an_internal_error_with_the_rules_traceback(workdir, monkeypatch):
    import mlcheck.engine.registry

    def broken(view, ctx):
        raise KeyError("boom")

    rule = mlcheck.engine.registry.get_rule("MLC401")
    monkeypatch.setitem(mlcheck.engine.registry._loaded, "MLC401", rule.replace(check=broken))
    raw = b"Resources:\n  N:\n    Type: AWS::SageMaker::NotebookInstance\n"
    with pytest.raises(checks.FuzzFailure) as caught:
        checks.check_cli(raw, "t.yaml", workdir)
    assert caught.value.signature.startswith("internal error (KeyError at ")
    assert "internal error in MLC401 on resource N: KeyError" in caught.value.detail
    assert 'in broken\n    raise KeyError("boom")' in caught.value.detail  # the rule's own traceback


def test_check_cli_accepts_a_plain_template(workdir):
    raw = (b"Resources:\n  Notebook:\n    Type: AWS::SageMaker::NotebookInstance\n"
           b"    Properties:\n      InstanceType: ml.t3.medium\n")
    assert checks.check_cli(raw, "t.yaml", workdir, "sarif", ("--select", "ALL")) == 1


def test_findings_kept_detects_a_lost_finding():
    data = {"Resources": {"Notebook": {"Type": "AWS::SageMaker::NotebookInstance",
                                       "Properties": {"InstanceType": "ml.t3.medium"}}}}
    fixed = {"Resources": {"Notebook": {"Type": "AWS::SageMaker::NotebookInstance",
                                        "Properties": {"InstanceType": "ml.t3.medium",
                                                       "DirectInternetAccess": "Disabled"}}}}
    with pytest.raises(checks.FuzzFailure) as caught:
        checks.check_findings_kept(data, fixed, "a change that does matter")
    assert caught.value.signature == "finding lost after adding an unrelated resource"
    assert "MLC401" in caught.value.detail
    assert set(caught.value.files) == {"before.json", "after.json"}


def test_harmless_variants_add_only_what_they_say():
    data = {"Resources": {"N": {"Type": "AWS::SageMaker::NotebookInstance", "Properties": {}}}}
    variant = checks.with_harmless_ifs(data, "N", 2)
    assert [t["Value"]["Fn::If"][0] for t in variant["Resources"]["N"]["Properties"]["Tags"]] == [
        "AAFuzzTag0", "AAFuzzTag1"]
    assert set(variant["Conditions"]) == {"AAFuzzTag0", "AAFuzzTag1"}
    assert data == {"Resources": {"N": {"Type": "AWS::SageMaker::NotebookInstance", "Properties": {}}}}
    unrelated = checks.with_unrelated_resource(data, 1)
    assert set(unrelated["Resources"]) == {"N", "AAFuzzTopic"}


@pytest.mark.parametrize("how", gen.SERIALISATIONS)
def test_every_serialisation_loads_back(how):
    from mlcheck.inputs.loader import load_document

    data = {"Resources": {"N": {"Type": "AWS::SageMaker::NotebookInstance",
                                "Properties": {"RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                                               "SubnetId": {"Ref": "Subnet"}, "Tags": [{"Fn::If": ["C", 1, 2]}]}}}}
    raw, name = gen.serialise(data, how)
    assert load_document(raw, name).data == data
