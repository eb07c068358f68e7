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


def test_a_hit_detail_is_in_the_complete_message_and_out_of_the_summary():
    from mlcheck.engine.rule import Hit

    def detailed(view, ctx):
        if view.value("InstanceType")[0] == "ml.m5.large":
            yield Hit(view.path("InstanceType"), f"Notebook '{view.logical_id}' is large", detail="ml.m5.large")

    rule = rules_by_id()["MLC401"].replace(check=detailed)
    template = build_template("t.yaml", load_document(TEMPLATE))
    [finding] = lint_template(template, [rule], "t.yaml", "t.yaml").findings
    # the branch note stays in both forms; the detail only in the complete message
    assert finding.summary == "Notebook 'Notebook' is large (when condition IsProd is true)"
    assert finding.message == "Notebook 'Notebook' is large (ml.m5.large) (when condition IsProd is true)"
    assert finding.detail == "ml.m5.large"
    assert finding.short_message == finding.summary


def test_a_hit_without_detail_has_one_message():
    rule = rules_by_id()["MLC401"]
    template = build_template("t.yaml", load_document(TEMPLATE))
    [finding] = lint_template(template, [rule], "t.yaml", "t.yaml").findings
    assert (finding.summary, finding.detail) == ("", "")
    assert finding.short_message == finding.message


def test_a_long_branch_note_is_counted_on_the_line_and_spelt_out_in_the_detail():
    a, b = "NotebookIsReachableFromTheInternetInProd", "TheDeploymentEnvironmentIsNotTheSandbox"
    template = build_template("t.yaml", load_document(f"""
Parameters:
  A: {{Type: String, Default: x, AllowedValues: [x, y]}}
  B: {{Type: String, Default: x, AllowedValues: [x, y]}}
Conditions:
  {a}: !Equals [!Ref A, x]
  {b}: !Equals [!Ref B, x]
Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::123456789012:role/r
      DirectInternetAccess: !If [{a}, !If [{b}, Enabled, Disabled], Disabled]
""".encode()))
    [finding] = lint_template(template, [rules_by_id()["MLC401"]], "t.yaml", "t.yaml").findings
    note = f"when condition {a} is true and condition {b} is true"
    assert finding.message.endswith(f"({note})")
    assert finding.summary == finding.message.replace(f"({note})", "(on 1 of 4 combinations of conditions)")
    assert finding.detail == note
