"""The fuzzing properties: what to generate (tests/fuzz_strategies.py) paired with what must hold of it
(tests/fuzz_checks.py). tests/test_fuzz.py runs each on a CI budget, tools/fuzz.py for as long as asked.

PROPERTIES: name -> Property(strategy, run, ci_examples); `run(example, workdir, seconds)` raises FuzzFailure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from hypothesis import strategies as st

import fuzz_checks as checks
import fuzz_strategies as gen

# Command-line variations: default and full rule selections, unknowns listed, severity threshold, suppressions
# ignored, parameter overrides (the generated templates name their parameters P...).
SELECTIONS = ((), ("--select", "ALL"), ("--select", "ALL", "--show-unknown"), ("--fail-on", "high"),
              ("--no-inline-suppressions", "--select", "ALL"), ("--select", "ALL", "-p", "P=prod", "-p", "PA=dev"))


@dataclass(frozen=True)
class Property:
    strategy: st.SearchStrategy
    run: Callable
    ci_examples: int
    doc: str
    regressions: tuple = ()  # examples that once broke it (minimal, from tools/fuzz.py): always run in CI


def _cli(example, workdir, seconds):
    (raw, name), output_format, extra = example
    checks.check_cli(raw, name, workdir, output_format, extra, seconds)


def _harmless_ifs(example, workdir, seconds):
    data, count, pick = example
    resources = data["Resources"]
    logical_id = sorted(resources)[pick % len(resources)]
    variant = checks.with_harmless_ifs(data, logical_id, count)
    if variant is not None:
        checks.check_findings_kept(data, variant, f"{count} harmless Fn::If tags on {logical_id}")


def _unrelated_resource(example, workdir, seconds):
    data, count = example
    variant = checks.with_unrelated_resource(data, count)
    if variant is not None:
        checks.check_findings_kept(data, variant, f"an unrelated resource with {count} Fn::If")


def _json(data) -> tuple:
    return json.dumps(data).encode(), "template.json"


def _notebook(**properties) -> dict:
    return {"Type": "AWS::SageMaker::NotebookInstance", "Properties": {"InstanceType": "ml.t3.medium", **properties}}


# Minimal inputs of the failure classes tools/fuzz.py found (see the findings list of issue 7).
TEMPLATE_REGRESSIONS = (
    # Fn::Or over a string: the condition evaluator multiplies out one truth set per character (2**40)
    (_json({"Conditions": {"C": {"Fn::Or": "x" * 40}}, "Resources": {"Notebook": {**_notebook(), "Condition": "C"}}}),
     "json", ("--select", "ALL")),
    # a policy document written as a JSON string nested deeper than Python's recursion limit
    (_json({"Resources": {"Policy": {"Type": "AWS::IAM::ManagedPolicy",
                                     "Properties": {"PolicyDocument": "[" * 5000}}}}), "json", ("--select", "ALL")),
)
# A lone surrogate (JSON "\\ud800"), in a logical id that findings, fingerprints and every output format carry.
TEMPLATE_REGRESSIONS += (
    (gen.serialise({"Resources": {"N\ud800": _notebook()}}, "json-ascii"), "concise", ("--select", "ALL")),
)
HARMLESS_IF_REGRESSIONS = (
    # four harmless Fn::If tags take every branching slot, the notebook's own condition is left unknown
    ({"Parameters": {"Env": {"Type": "String", "Default": "prod", "AllowedValues": ["prod", "dev"]}},
      "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
      "Resources": {"Notebook": _notebook(DirectInternetAccess={"Fn::If": ["IsProd", "Disabled", "Enabled"]})}},
     4, 0),
)

# Hostile SDK config shapes run on every CI run (tests/test_sdk_config_hostile.py has the larger ones): the
# containers of the sections as a list and a scalar (once a silent pass), keys that are not strings, a section
# shared (an alias) and merged into another.
_SHARED_SECTION = {"EnableNetworkIsolation": False, "VpcConfig": {"Subnets": ["subnet-1"]}}
SDK_CONFIG_REGRESSIONS = (
    (gen.serialise_sdk_config({"SchemaVersion": "1.0", "SageMaker": {"PythonSDK": {"Modules": [1], "Resources": 5},
                                                                     "Model": _SHARED_SECTION}}, "yaml"),
     "concise", ("--select", "ALL")),
    (gen.serialise_sdk_config({"SchemaVersion": "1.0", "SageMaker": {
        1: None, None: {}, "Model": _SHARED_SECTION, "TrainingJob": {"<<": _SHARED_SECTION, 0.5: "x", True: [1]},
        "PythonSDK": {"Resources": {"TrainingJob": {"vpc_config": _SHARED_SECTION, 7: {}}}}}}, "yaml"),
     "json", ("--select", "ALL", "--show-unknown")),
)


def _command_line(documents, selections=SELECTIONS):
    return st.tuples(documents, st.sampled_from(checks.FORMATS), st.sampled_from(selections))


PROPERTIES = {
    "templates": Property(_command_line(gen.serialised(gen.templates())), _cli, 100,
                          "generated templates, JSON or YAML, never break the command", TEMPLATE_REGRESSIONS),
    "api-documents": Property(_command_line(gen.serialised(gen.api_documents())), _cli, 40,
                              "SageMaker requests, wrapped requests and pipelines never break the command"),
    "mutations": Property(_command_line(gen.mutated(st.one_of(gen.templates(max_resources=3), gen.api_documents())),
                                        (("--select", "ALL"),)), _cli, 60,
                          "byte-level mutations of both never break the command"),
    "stress": Property(_command_line(st.one_of(gen.alias_bombs(), gen.deep_nesting()), (("--select", "ALL"),)),
                       _cli, 15, "YAML alias expansion and deep nesting never hang or crash the command"),
    "sdk-configs": Property(_command_line(gen.serialised_sdk_configs(), ((), ("--select", "ALL"),
                                                                        ("--select", "ALL", "--show-unknown"))),
                            _cli, 60, "SageMaker Python SDK config files, hostile ones included, never break the "
                                      "command", SDK_CONFIG_REGRESSIONS),
    "harmless-if": Property(st.tuples(gen.templates(), st.integers(1, 5), st.integers(0, 10)), _harmless_ifs, 60,
                            "harmless Fn::If tags on a resource never remove a finding", HARMLESS_IF_REGRESSIONS),
    "unrelated-resource": Property(st.tuples(gen.templates(), st.integers(1, 5)), _unrelated_resource, 30,
                                   "an unrelated resource (with Fn::Ifs) never removes a finding"),
}
