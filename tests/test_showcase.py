"""The README's demo (issue 8): examples/secure-endpoint.yaml is a complete inference stack built to every practice
and gives no finding with every check decided; examples/insecure-endpoint.yaml is the same stack with the common
mistakes, each finding listed here so a regression in any rule shows. Both pass the real cfn-lint."""

import json
from pathlib import Path

import pytest

from conftest import ROOT

SECURE = ROOT / "examples" / "secure-endpoint.yaml"
INSECURE = ROOT / "examples" / "insecure-endpoint.yaml"

# (rule, resource, line) of every finding on the insecure stack, in report order.
INSECURE_FINDINGS = [
    ("MLC205", "Key", 23),  # no key rotation
    ("MLC304", "DataBucket", 35),  # no HTTPS-only policy
    ("MLC307", "DataBucket", 35),  # model artifacts without versioning
    ("MLC610", "DataBucket", 35),  # no trail logs its object events
    ("MLC301", "DataBucket", 36),  # no public access block
    ("MLC207", "DataBucket", 37),  # SSE-S3, not SSE-KMS
    ("MLC108", "ExecutionRole", 49),  # trust without aws:SourceAccount (info)
    ("MLC101", "ExecutionRole", 53),  # AmazonSageMakerFullAccess
    ("MLC109", "ExecutionRole", 53),  # ... which may pass roles to SageMaker and create its compute
    ("MLC103", "ExecutionRole", 60),  # s3:*
    ("MLC110", "ExecutionRole", 60),  # ... for a role whose S3 locations are known
    # s3:* on "*" is also MLC104's and MLC115's concept: MLC103 reports it, once ("One finding per problem")
    ("MLC409", "ModelSecurityGroup", 87),  # 443 open to 0.0.0.0/0
    ("MLC408", "SageMakerApiEndpoint", 93),  # no private DNS
    ("MLC502", "SageMakerApiEndpoint", 95),  # one subnet
    ("MLC405", "Model", 101),  # no network isolation
    ("MLC407", "Model", 105),  # no sagemaker.runtime and s3 endpoints
    ("MLC502", "Model", 105),  # one subnet
    ("MLC305", "Model", 108),  # artifact in a bucket that is not private
    ("MLC601", "EndpointConfig", 113),  # no data capture
    ("MLC203", "EndpointConfig", 114),  # the role may not use the volume key
    ("MLC501", "EndpointConfig", 119),  # one instance
    ("MLC611", "EndpointLogGroup", 125),  # kept forever
    ("MLC612", "EndpointLogGroup", 125),  # not encrypted
    ("MLC602", "Endpoint", 129),  # no Model Monitor
    ("MLC503", "Endpoint", 133),  # no autoscaling
    ("MLC604", "ServerErrorAlarm", 138),  # alarm without action
    ("MLC304", "TrailBucket", 155),
    ("MLC301", "TrailBucket", 156),
    ("MLC606", "Trail", 183),  # no log file validation
    ("MLC607", "Trail", 183),  # one Region
    ("MLC608", "Trail", 183),  # no KMS key
    ("MLC609", "Trail", 183),  # no CloudWatch Logs
]


def _findings(run_cli, path):
    code, out, _ = run_cli("-f", "json", path)
    return code, json.loads(out)


def test_secure_stack_has_no_finding_and_no_unknown(run_cli):
    code, out, err = run_cli("--show-unknown", SECURE)
    assert (code, out, err) == (0, "0 findings in 1 file checked\n", "")
    code, report = _findings(run_cli, SECURE)
    assert code == 0
    assert report["findings"] == [] and report["errors"] == []
    assert report["summary"]["total"] == 0 and report["summary"]["unverified"] == 0


def test_secure_stack_is_clean_with_every_rule_selected_but_the_opt_in_ones(run_cli):
    """The off-by-default rules it satisfies too: egress only to the VPC and S3 (MLC412). MLC113 (inline
    policies), MLC308 (server access logs) and MLC413 (private Docker registry) are choices it does not make."""
    code, out, err = run_cli("--select", "ALL", "--ignore", "MLC113,MLC308,MLC413", "--show-unknown", SECURE)
    assert (code, out, err) == (0, "0 findings in 1 file checked\n", "")


def test_insecure_stack_gives_exactly_the_expected_findings(run_cli):
    code, report = _findings(run_cli, INSECURE)
    assert code == 1
    assert [(f["rule"], f["resource"], f["line"]) for f in report["findings"]] == INSECURE_FINDINGS


# One practice taken out of the secure stack at a time: the rule that judges it reports exactly that, so the
# secure stack's silence is each rule deciding "fine", not a rule that never looked.
MUTATIONS = [
    pytest.param("EnableInterContainerTrafficEncryption: true", "EnableInterContainerTrafficEncryption: false",
                 {"MLC208"}, id="monitor-inter-container-encryption"),
    pytest.param("MinCapacity: 2", "MinCapacity: 1", {"MLC505"}, id="autoscaling-min-capacity"),
    pytest.param("PolicyType: TargetTrackingScaling", "PolicyType: StepScaling", {"MLC506"},
                 id="scaling-policy-metric"),
    pytest.param("variant/AllTraffic", "variant/Blue", {"MLC503", "MLC504"}, id="target-names-no-variant"),
    pytest.param("DestinationPrefixListId: !Ref S3PrefixListId", "CidrIp: 0.0.0.0/0", {"MLC412"},
                 id="open-egress-of-isolated-model"),
    pytest.param("kms:CreateGrant, ", "", {"MLC203"}, id="role-cannot-grant-on-key"),
    pytest.param("        KmsKeyId: !GetAtt Key.Arn\n        CaptureOptions:", "        CaptureOptions:",
                 {"MLC201"}, id="captured-data-without-key"),
    pytest.param("Action: s3:ListBucket\n                Resource: !GetAtt DataBucket.Arn",
                 'Action: s3:ListBucket\n                Resource: "*"', {"MLC110"}, id="unscoped-s3"),
    pytest.param("PrivateDnsEnabled: true", "PrivateDnsEnabled: false", {"MLC408"}, id="private-dns"),
    pytest.param(".sagemaker.runtime", ".sts", {"MLC407"}, id="no-runtime-endpoint"),
    pytest.param("- Name: EndpointName", "- Name: Endpoint", {"MLC603"}, id="alarm-on-no-endpoint"),
    pytest.param('Values: [!Sub "${DataBucket.Arn}/"]', 'Values: [!Sub "${TrailBucket.Arn}/"]', {"MLC610"},
                 id="trail-misses-data-bucket"),
]


@pytest.mark.parametrize("old, new, rules", MUTATIONS)
def test_each_practice_of_the_secure_stack_is_checked(tmp_path, run_cli, old, new, rules):
    text = SECURE.read_text()
    assert old in text
    path = tmp_path / "mutated.yaml"
    path.write_text(text.replace(old, new, 1))
    code, report = _findings(run_cli, path)
    assert {f["rule"] for f in report["findings"]} == rules
    assert code == 1
    assert run_cli("--show-unknown", "--exit-zero", path)[2] == ""


@pytest.mark.parametrize("path", [SECURE, INSECURE], ids=lambda p: Path(p).name)
def test_cfn_lint_finds_no_error(path):
    """The real cfn-lint, as `cfn-lint FILE` runs it (default Region and rules): deployable templates."""
    from cfnlint.api import lint_file

    errors = [(m.rule.id, m.linenumber, m.message) for m in lint_file(Path(path))
              if m.rule.severity == "error"]
    assert errors == []


def test_readme_shows_what_mlcheck_prints(run_cli, monkeypatch):
    """The README's opening console block is real output: each line it shows of the insecure stack is printed
    (the `...` stand for lines left out), and the secure stack's is the whole output."""
    monkeypatch.chdir(ROOT)
    block = (ROOT / "README.md").read_text().split("```console\n", 1)[1].split("```", 1)[0]
    insecure, secure = block.split("$ mlcheck --show-unknown examples/secure-endpoint.yaml\n")
    assert insecure.startswith("$ mlcheck examples/insecure-endpoint.yaml\n")
    shown = [line for line in insecure.splitlines()[1:] if line != "..."]
    printed = run_cli("examples/insecure-endpoint.yaml")[1].splitlines()
    assert len(shown) >= 5 and shown[-1] == printed[-1]
    assert [line for line in printed if line in shown] == shown
    assert run_cli("--show-unknown", "examples/secure-endpoint.yaml")[1] == secure
