"""Engine guarantees that hold for every rule."""


from mlcheck.engine.engine import lint_template
from mlcheck.inputs.loader import load_document
from mlcheck.engine.registry import rules_by_id
from mlcheck.inputs.cloudformation import build_template

TEMPLATE = b"""
Parameters:
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: !If [IsProd, ml.m5.large, ml.t3.medium]
      RoleArn: arn:aws:iam::123456789012:role/r
"""


def test_a_crashing_rule_is_reported_once_as_an_error_not_a_pass():
    def broken(view, ctx):
        raise KeyError("boom")
        yield  # pragma: no cover

    rule = rules_by_id()["MLC401"].replace(check=broken)
    template = build_template("t.yaml", load_document(TEMPLATE))
    report = lint_template(template, [rule], "t.yaml", "t.yaml")
    assert report.findings == []
    assert len(report.errors) == 1  # two scenarios (IsProd true/false), one error
    assert "internal error in MLC401 on resource Notebook: KeyError" in report.errors[0].message
