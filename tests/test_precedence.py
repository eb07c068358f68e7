"""One finding per problem (RULES.md): the more specific selected rule reports a statement, the general one
stays quiet, and reports it when the specific rule is ignored or its finding suppressed."""

import json

from mlcheck.engine.precedence import one_finding_per_problem

POLICY = """
Resources:
  Deployer:
    Type: AWS::IAM::ManagedPolicy
    {metadata}
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: {action}
            Resource: "*"
"""


def findings(run_cli, tmp_path, action, *args, metadata=""):
    path = tmp_path / "t.yaml"
    path.write_text(POLICY.format(action=action, metadata=metadata))
    _, out, _ = run_cli("-f", "json", "--exit-zero", "--select", "MLC1", *args, path)
    return sorted(f["rule"] for f in json.loads(out)["findings"] if not f.get("suppressed"))


def test_wildcard_action_is_reported_once_by_mlc103(run_cli, tmp_path):
    assert findings(run_cli, tmp_path, '"*"') == ["MLC103", "MLC105"]
    assert findings(run_cli, tmp_path, '"s3:*"') == ["MLC103"]  # not also MLC104 (writes) and MLC115 (reads)


def test_ignore_mlc103_brings_mlc104s_star_finding_back(run_cli, tmp_path):
    assert findings(run_cli, tmp_path, '"*"', "--ignore", "MLC103") == ["MLC104", "MLC105", "MLC115"]
    assert findings(run_cli, tmp_path, '"*"', "--ignore", "MLC103,MLC105") == ["MLC104", "MLC115"]
    assert findings(run_cli, tmp_path, '"s3:*"', "--ignore", "MLC103") == ["MLC104", "MLC115"]


def test_passrole_is_mlc105s_unless_it_is_ignored(run_cli, tmp_path):
    assert findings(run_cli, tmp_path, "iam:PassRole") == ["MLC105"]
    assert findings(run_cli, tmp_path, "iam:PassRole", "--ignore", "MLC105") == ["MLC104"]


def test_a_suppressed_specific_finding_leaves_the_statement_to_the_general_rule(run_cli, tmp_path):
    metadata = 'Metadata: {mlcheck: {ignore: [{id: MLC103, reason: "reviewed"}]}}'
    assert findings(run_cli, tmp_path, '"s3:*"', metadata=metadata) == ["MLC104", "MLC115"]


def test_a_statement_that_grants_more_than_the_specific_rules_report_keeps_the_general_finding(run_cli, tmp_path):
    # MLC103 reports cloudformation:*, MLC105 iam:PassRole; iam:CreateRole on every resource is MLC104's alone
    action = "[cloudformation:*, iam:PassRole, iam:CreateRole]"
    assert findings(run_cli, tmp_path, action) == ["MLC103", "MLC104", "MLC105"]
    assert findings(run_cli, tmp_path, "[iam:PassRole, sagemaker:CreateModel]") == ["MLC104", "MLC105"]
    assert findings(run_cli, tmp_path, "[s3:*, secretsmanager:GetSecretValue]") == ["MLC103", "MLC115"]


def test_findings_without_subjects_are_never_dropped():
    class Rule:
        yields_to = ("MLC103",)

    class Found:
        def __init__(self, rule_id, path, subjects=(), suppressed=False):
            self.rule_id, self.path, self.subjects, self.suppressed = rule_id, path, subjects, suppressed

    action = ("Resources", "P", "Properties", "PolicyDocument", "Statement", 0, "Action")
    general, plain = Found("MLC104", ("x",), (action,)), Found("MLC104", ("y",))
    kept = one_finding_per_problem([Found("MLC103", action), general, plain], lambda _: Rule)
    assert general not in kept and plain in kept
    kept = one_finding_per_problem([Found("MLC103", action, suppressed=True), general], lambda _: Rule)
    assert general in kept


def test_privilege_escalation_on_every_resource_is_high(run_cli, tmp_path):
    from mlcheck.inputs.discovery import Candidate
    from mlcheck.engine.runner import Settings, check_file

    from conftest import FIXTURES

    result = check_file(Candidate(str(FIXTURES / "MLC104" / "fail-privilege-escalation-high.yaml"), True),
                        Settings(rule_ids=("MLC104",)))
    assert [(f.line, f.severity) for f in result.findings] == [(11, "high"), (14, "high"), (17, "medium")]
    path = tmp_path / "t.yaml"
    path.write_text(POLICY.format(action="iam:AttachRolePolicy", metadata=""))
    code, _, _ = run_cli("--fail-on", "high", "--select", "MLC104", path)
    assert code == 1
    path.write_text(POLICY.format(action="sagemaker:CreateModel", metadata=""))
    code, _, _ = run_cli("--fail-on", "high", "--select", "MLC104", path)
    assert code == 0


def test_mlc104_records_a_resource_it_cannot_know_instead_of_passing(tmp_path):
    from mlcheck.inputs.discovery import Candidate
    from mlcheck.engine.runner import Settings, check_file

    path = tmp_path / "t.yaml"
    path.write_text("Parameters:\n  Target: {Type: String}\n" + POLICY.format(action="s3:PutObject", metadata="")
                    .replace('Resource: "*"', "Resource: !Ref Target"))
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC104",)))
    assert result.findings == []
    assert [(u.rule_id, u.reason) for u in result.unknowns] == [("MLC104", "resource cannot be known")]


REQUEST = {"EndpointConfigName": "scoring", "KmsKeyId": "alias/ml", "ProductionVariants": [
    {"VariantName": "A", "ModelName": "m", "InstanceType": "ml.m5.hugeish", "InitialInstanceCount": 1},
    {"VariantName": "B", "ModelName": "m", "ServerlessConfig": {"MemorySizeInMB": 8192, "MaxConcurrency": 20}}]}


def request_findings(run_cli, tmp_path, *args):
    path = tmp_path / "request.json"
    path.write_text(json.dumps(REQUEST))
    _, out, _ = run_cli("-f", "json", "--exit-zero", *args, path)
    return sorted((f["rule"], f["line"], f["column"]) for f in json.loads(out)["findings"]
                  if not f.get("suppressed") and f["rule"] in ("MLC004", "MLC702", "MLC705"))


def test_a_request_value_outside_the_api_is_the_specific_rules_not_also_mlc004s(run_cli, tmp_path):
    both = request_findings(run_cli, tmp_path, "--select", "MLC004,MLC702,MLC705")
    assert [rule for rule, _, _ in both] == ["MLC702", "MLC705"]  # botocore's enum and maximum: not twice
    # ignored, the specific rule leaves the value to MLC004, at the same place: reported once, never zero times
    alone = request_findings(run_cli, tmp_path, "--select", "MLC004")
    assert sorted(place for _, *place in alone) == sorted(place for _, *place in both)
    assert [rule for rule, _, _ in request_findings(run_cli, tmp_path, "--select", "MLC004,MLC705")] == [
        "MLC004", "MLC705"]
