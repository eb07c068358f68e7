"""Terraform: the mapping onto the model the rules read (TerraformResources built here, as both readers produce
them), the plan JSON reader (plans built here), and the committed Terraform fixtures and examples in plan form.

Expected findings are written in the fixture's .tf files (`# expect: MLC401 aws_sagemaker_notebook_instance.nb
line 9`, the line of the .tf form); the plan made from them by tools/gen_tf_plans.py must give the same rules
on the same addresses, each located inside a resource entry of the plan.
"""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT
from mlcheck.engine import suppressions
from mlcheck.engine.engine import lint_template
from mlcheck.engine.registry import all_rules, get_rule, rule_infos
from mlcheck.engine.runner import Settings, check_file
from mlcheck.inputs import adapter_for
from mlcheck.inputs.discovery import Candidate
from mlcheck.inputs.loader import load_document
from mlcheck.inputs.terraform.catalogue import FOLDED, MAPPERS
from mlcheck.inputs.terraform.mapping import to_template
from mlcheck.inputs.terraform.plan import read_plan, recognises
from mlcheck.inputs.terraform.resource import Position, Reference, TerraformResource
from mlcheck.model.values import Unknown

EXPECT = re.compile(r"expect: (MLC\d{3}) (\S+) line (\d+)")
ALL = Settings(rule_ids=tuple(rule.id for rule in all_rules()))
# what a run checks by default (the secure stack's promise is zero findings there)
DEFAULT = Settings(rule_ids=tuple(r.id for r in all_rules() if r.enabled_by_default),
                   subset_rule_ids=tuple(r.id for r in all_rules() if not r.enabled_by_default
                                         and r.partly_on_by_default))


def tf(address, values, file="main.tf", line=1, positions=None, comments=()):
    """A TerraformResource whose block is at `line` of `file`; `positions` maps attribute paths to lines."""
    located = {(): Position(file, line)}
    for path, at in (positions or {}).items():
        located[path] = Position(file, at, 3, at, 30)
    return TerraformResource(address, address.split(".")[-2], values, located, comments)


def lint(resources, *rule_ids, file="main.tf"):
    template = to_template(resources, file)
    report = lint_template(template, [get_rule(r) for r in rule_ids], file, file, uri_for=lambda f: "repo/" + f)
    return template, report


def found(report):
    return sorted((f.rule_id, f.resource, f.file, f.line) for f in report.findings)


ROLE = tf("aws_iam_role.model", {"name": "model", "assume_role_policy": json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
                                            "Action": "sts:AssumeRole"}]})}, line=40)


# -- mapping -----------------------------------------------------------------------------------------------------
def test_names_that_are_not_snake_case_of_the_cloudformation_ones():
    notebook = tf("aws_sagemaker_notebook_instance.nb", {
        "name": "nb", "instance_type": "ml.t3.medium", "security_groups": ["sg-1"], "subnet_id": "subnet-1",
        "role_arn": Reference("aws_iam_role.model", "arn")})
    config = tf("aws_sagemaker_endpoint_configuration.c", {
        "kms_key_arn": Reference("aws_kms_key.k", "arn"),
        "production_variants": [{"variant_name": "v", "model_name": "m", "initial_instance_count": 2}]})
    model = tf("aws_sagemaker_model.m", {"name": "m", "container": [{"image": "img"}, {"image": "img2"}],
                                         "execution_role_arn": Reference("aws_iam_role.model", "arn")})
    key = tf("aws_kms_key.k", {"enable_key_rotation": True})
    template = to_template([notebook, config, model, key, ROLE], "main.tf")
    props = {a: r.properties for a, r in template.resources.items()}
    assert props["aws_sagemaker_notebook_instance.nb"]["SecurityGroupIds"] == ["sg-1"]
    assert props["aws_sagemaker_notebook_instance.nb"]["RoleArn"] == {"Fn::GetAtt": ["aws_iam_role.model", "Arn"]}
    assert props["aws_sagemaker_endpoint_configuration.c"]["KmsKeyId"] == {"Fn::GetAtt": ["aws_kms_key.k", "Arn"]}
    assert props["aws_sagemaker_endpoint_configuration.c"]["ProductionVariants"] == [
        {"VariantName": "v", "ModelName": "m", "InitialInstanceCount": 2}]
    assert props["aws_sagemaker_model.m"]["Containers"] == [{"Image": "img"}, {"Image": "img2"}]
    assert template.resources["aws_kms_key.k"].type == "AWS::KMS::Key"
    assert template.resources["aws_kms_key.k"].source_type == "aws_kms_key"


def test_references_become_ref_or_getatt_as_cloudformation_returns_the_attribute():
    bucket = tf("aws_s3_bucket.b", {"bucket": "data"})
    endpoint_config = tf("aws_sagemaker_endpoint_configuration.c", {"name": "c"})
    endpoint = tf("aws_sagemaker_endpoint.e", {"endpoint_config_name": Reference(
        "aws_sagemaker_endpoint_configuration.c", "name")})
    policy = tf("aws_s3_bucket_policy.p", {"bucket": Reference("aws_s3_bucket.b", "id"), "policy": "{}"})
    log = tf("aws_cloudwatch_log_group.l", {"kms_key_id": Reference("aws_kms_key.missing", "arn")})
    props = {a: r.properties for a, r in to_template([bucket, endpoint_config, endpoint, policy, log],
                                                      "main.tf").resources.items()}
    assert props["aws_sagemaker_endpoint.e"]["EndpointConfigName"] == {
        "Fn::GetAtt": ["aws_sagemaker_endpoint_configuration.c", "EndpointConfigName"]}
    assert props["aws_s3_bucket_policy.p"]["Bucket"] == {"Ref": "aws_s3_bucket.b"}
    assert isinstance(props["aws_cloudwatch_log_group.l"]["KmsKeyId"], Unknown)  # not in the configuration


def test_a_type_not_mapped_is_skipped_and_unknown_stays_unknown():
    template = to_template([tf("aws_lambda_function.f", {"role": "x"}),
                            tf("aws_sagemaker_model.m", {"execution_role_arn": Unknown("known only after apply")})],
                           "main.tf")
    assert list(template.resources) == ["aws_sagemaker_model.m"]
    assert template.resources["aws_sagemaker_model.m"].properties["ExecutionRoleArn"] == Unknown(
        "known only after apply")
    assert "aws_lambda_function" not in MAPPERS and "aws_lambda_function" not in FOLDED


def test_a_finding_names_the_tf_file_and_line_of_its_resource_and_the_terraform_type():
    notebook = tf("aws_sagemaker_notebook_instance.nb", {"direct_internet_access": "Enabled"}, file="ml/nb.tf",
                  line=3, positions={("direct_internet_access",): 9})
    key = tf("aws_kms_key.k", {"enable_key_rotation": False}, file="ml/kms.tf", line=12,
             positions={("enable_key_rotation",): 14})
    _, report = lint([notebook, key], "MLC401", "MLC205", file="ml")
    assert found(report) == [("MLC205", "aws_kms_key.k", "ml/kms.tf", 14),
                             ("MLC401", "aws_sagemaker_notebook_instance.nb", "ml/nb.tf", 9)]
    assert {f.uri for f in report.findings} == {"repo/ml/kms.tf", "repo/ml/nb.tf"}
    assert {f.resource_type for f in report.findings} == {"aws_kms_key", "aws_sagemaker_notebook_instance"}


def test_a_missing_attribute_is_located_at_its_block_and_judged_by_the_provider_default():
    # direct_internet_access: the provider's default is Enabled, as CloudFormation's
    notebook = tf("aws_sagemaker_notebook_instance.nb", {"instance_type": "ml.t3.medium"}, file="nb.tf", line=5,
                  positions={("instance_type",): 6})
    _, report = lint([notebook], "MLC401", file=".")
    assert found(report) == [("MLC401", "aws_sagemaker_notebook_instance.nb", "nb.tf", 5)]


def test_provider_defaults_that_differ_from_cloudformation():
    # a group with no egress block: the provider removes AWS's allow-all egress rule
    group = tf("aws_security_group.g", {"vpc_id": "vpc-1"})
    _, report = lint([group], "MLC412")
    assert report.findings == []
    open_group = tf("aws_security_group.g", {"egress": [{"protocol": "-1", "from_port": 0, "to_port": 0,
                                                         "cidr_blocks": ["0.0.0.0/0"]}]}, positions={("egress", 0): 4})
    _, report = lint([open_group], "MLC412")
    assert [(f.rule_id, f.line) for f in report.findings] == [("MLC412", 4)]
    # retention_in_days = 0 is the provider's "never expire", as CloudFormation's missing RetentionInDays
    _, report = lint([tf("aws_cloudwatch_log_group.l", {"retention_in_days": 0})], "MLC611")
    assert [f.rule_id for f in report.findings] == ["MLC611"]
    # data_capture_config without enable_capture: the provider sends false
    config = tf("aws_sagemaker_endpoint_configuration.c", {"data_capture_config": [{"destination_s3_uri": "s3://b"}],
                                                           "production_variants": [{"variant_name": "v"}]})
    props = to_template([config], "main.tf").resources["aws_sagemaker_endpoint_configuration.c"].properties
    assert props["DataCaptureConfig"]["EnableCapture"] is False
    # enable_logging defaults to true; CloudFormation's IsLogging has no default
    trail = to_template([tf("aws_cloudtrail.t", {"name": "t"})], "main.tf").resources["aws_cloudtrail.t"]
    assert trail.properties["IsLogging"] is True


def test_split_out_bucket_resources_fold_into_the_bucket_at_their_own_lines():
    bucket = tf("aws_s3_bucket.b", {"bucket": "data"}, file="s3.tf", line=1)
    block = tf("aws_s3_bucket_public_access_block.b", {
        "bucket": Reference("aws_s3_bucket.b", "id"), "block_public_acls": True, "block_public_policy": False,
        "ignore_public_acls": True, "restrict_public_buckets": True}, file="pab.tf", line=20,
        positions={("block_public_policy",): 23})
    versioning = tf("aws_s3_bucket_versioning.b", {"bucket": "data", "versioning_configuration": [
        {"status": "Enabled"}]}, file="s3.tf", line=30)
    template, report = lint([bucket, block, versioning], "MLC301", file=".")
    props = template.resources["aws_s3_bucket.b"].properties
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}  # by the bucket's literal name
    assert list(template.resources) == ["aws_s3_bucket.b"]
    assert found(report) == [("MLC301", "aws_s3_bucket.b", "pab.tf", 20)]  # the split-out resource's block


def test_a_split_out_resource_whose_bucket_cannot_be_known_makes_every_other_bucket_unknown_not_a_finding():
    buckets = [tf("aws_s3_bucket.a", {"bucket": "a"}), tf("aws_s3_bucket.b", {"bucket": "b"})]
    block = tf("aws_s3_bucket_public_access_block.x", {"bucket": Unknown("known only after apply"),
                                                       "block_public_acls": True})
    _, report = lint(buckets + [block], "MLC301")
    assert report.findings == []
    assert {u.resource for u in report.unknowns} == {"aws_s3_bucket.a", "aws_s3_bucket.b"}
    _, report = lint(buckets, "MLC301")
    assert len(report.findings) == 2


def test_role_policy_attachments_and_inline_policies_reach_the_role():
    role = tf("aws_iam_role.model", {"name": "model", "inline_policy": [
        {"name": "data", "policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:*",
                                                               "Resource": "*"}]})}]}, positions={("inline_policy", 0, "policy"): 7})
    attach = tf("aws_iam_role_policy_attachment.full", {"role": "model", "policy_arn":
                                                        "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"},
                file="iam.tf", line=50, positions={("policy_arn",): 52})
    _, report = lint([role, attach], "MLC101", "MLC103", file=".")
    assert found(report) == [("MLC101", "aws_iam_role.model", "iam.tf", 52),
                             ("MLC103", "aws_iam_role.model", "main.tf", 7)]


def test_comments_on_the_block_suppress_as_template_metadata_does():
    notebook = tf("aws_sagemaker_notebook_instance.nb", {"direct_internet_access": "Enabled", "root_access":
                                                         "Enabled"},
                  comments=("# mlcheck:ignore MLC401 reason: lab notebook, no data", "#checkov:skip=CKV_AWS_307:ok"))
    template, report = lint([notebook], "MLC401", "MLC403")
    found_suppressions = suppressions.collect(template, rule_infos())
    suppressions.apply(found_suppressions, report.findings)
    assert {f.rule_id: f.suppressed for f in report.findings} == {"MLC401": True, "MLC403": True}
    assert [s.reason for s in found_suppressions][0] == "lab notebook, no data"


def test_a_suppression_comment_without_reason_suppresses_nothing():
    notebook = tf("aws_sagemaker_notebook_instance.nb", {"direct_internet_access": "Enabled"},
                  comments=("# mlcheck:ignore MLC401",))
    template, report = lint([notebook], "MLC401")
    found_suppressions = suppressions.collect(template, rule_infos())
    suppressions.apply(found_suppressions, report.findings)
    assert [f.suppressed for f in report.findings] == [False]
    assert found_suppressions[0].problem == "has no reason"


# -- plan JSON ---------------------------------------------------------------------------------------------------
def _plan(resources, changes=(), configuration=None, child_modules=()):
    plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}},
            "resource_changes": list(changes), "configuration": configuration or {"root_module": {}}}
    if child_modules:
        plan["planned_values"]["root_module"]["child_modules"] = list(child_modules)
    return plan


def _entry(address, values):
    type_, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": type_, "name": name, "values": values}


def _check_plan(tmp_path, plan, *rule_ids):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, indent=2))
    return check_file(Candidate(str(path), True), Settings(rule_ids=rule_ids))


def test_plan_recognised_by_content():
    assert recognises({"format_version": "1.2", "planned_values": {}})
    assert recognises({"format_version": "1.2", "resource_changes": []})
    assert not recognises({"format_version": "1.2"})
    assert not recognises({"planned_values": {}})
    assert adapter_for({"format_version": "1.2", "planned_values": {}}).__name__ == "mlcheck.inputs.terraform.plan"


def test_a_role_known_only_after_apply_is_linked_through_the_configuration_references(tmp_path):
    key_policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*",
        "Resource": "*"}]})
    trust = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
                                       "Action": "sts:AssumeRole"}]})
    plan = _plan(
        [_entry("aws_kms_key.k", {"policy": key_policy, "enable_key_rotation": True}),
         _entry("aws_iam_role.r", {"name": "r", "assume_role_policy": trust}),
         _entry("aws_sagemaker_model.m", {"name": "m", "primary_container": [{"image": "i"}]}),
         _entry("aws_sagemaker_endpoint_configuration.c", {
             "name": "c", "production_variants": [{"variant_name": "v", "model_name": "m",
                                                   "initial_instance_count": 2}]})],
        changes=[{"address": "aws_sagemaker_model.m", "change": {"actions": ["create"], "after_unknown": {
                      "execution_role_arn": True, "arn": True}}},
                 {"address": "aws_sagemaker_endpoint_configuration.c", "change": {
                     "actions": ["create"], "after_unknown": {"kms_key_arn": True}}},
                 {"address": "aws_iam_role.r", "change": {"actions": ["create"], "after_unknown": {
                     "arn": True, "inline_policy": True}}}],
        configuration={"root_module": {"resources": [
            {"address": "aws_sagemaker_model.m", "expressions": {
                "execution_role_arn": {"references": ["aws_iam_role.r.arn", "aws_iam_role.r"]}}},
            {"address": "aws_sagemaker_endpoint_configuration.c", "expressions": {
                "kms_key_arn": {"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]}}}]}})
    result = _check_plan(tmp_path, plan, "MLC203")
    assert [(f.rule_id, f.resource, f.resource_type) for f in result.findings] == [
        ("MLC203", "aws_sagemaker_endpoint_configuration.c", "aws_sagemaker_endpoint_configuration")]
    # without the configuration's references the role cannot be known: unknown, not a finding
    plan["configuration"] = {"root_module": {}}
    result = _check_plan(tmp_path, plan, "MLC203")
    assert result.findings == []


def test_plan_entries_locate_their_values_and_computed_attributes_the_configuration_omits_are_absent(tmp_path):
    plan = _plan([_entry("aws_sagemaker_notebook_instance.nb", {
        "name": "nb", "direct_internet_access": "Enabled", "root_access": "Disabled"})],
        changes=[{"address": "aws_sagemaker_notebook_instance.nb", "change": {
            "actions": ["create"], "after_unknown": {"security_groups": True, "platform_identifier": True}}}])
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, indent=2))
    document = load_document(path.read_bytes(), str(path))
    (resource,) = read_plan(str(path), document)
    assert "security_groups" not in resource.values and "platform_identifier" not in resource.values
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC401",)))
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if '"direct_internet_access"' in text)
    assert [(f.rule_id, f.line) for f in result.findings] == [("MLC401", line)]


def test_child_modules_and_their_relative_references(tmp_path):
    plan = _plan([], changes=[{"address": "module.ml.aws_sagemaker_notebook_instance.nb", "change": {
        "actions": ["create"], "after_unknown": {"subnet_id": True, "security_groups": True}}}],
        configuration={"root_module": {"module_calls": {"ml": {"module": {"resources": [{
            "address": "aws_sagemaker_notebook_instance.nb", "expressions": {
                "subnet_id": {"references": ["aws_subnet.a.id", "aws_subnet.a"]}}}]}}}}},
        child_modules=[{"address": "module.ml", "resources": [
            _entry("module.ml.aws_sagemaker_notebook_instance.nb", {"direct_internet_access": "Disabled"}),
            _entry("module.ml.aws_subnet.a", {"availability_zone": "us-east-1a"})]}])
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    resources = {r.address: r for r in read_plan(str(path), load_document(path.read_bytes(), str(path)))}
    assert resources["module.ml.aws_sagemaker_notebook_instance.nb"].values["subnet_id"] == Reference(
        "module.ml.aws_subnet.a", "id")
    assert _check_plan(tmp_path, plan, "MLC402").findings == []


def test_a_resource_only_deleted_is_not_in_the_model(tmp_path):
    plan = {"format_version": "1.2", "resource_changes": [
        {"address": "aws_kms_key.old", "mode": "managed", "type": "aws_kms_key", "name": "old",
         "change": {"actions": ["delete"], "before": {"enable_key_rotation": False}, "after": None}},
        {"address": "aws_kms_key.new", "mode": "managed", "type": "aws_kms_key", "name": "new",
         "change": {"actions": ["create"], "after": {"enable_key_rotation": False}}}]}
    result = _check_plan(tmp_path, plan, "MLC205")
    assert [f.resource for f in result.findings] == ["aws_kms_key.new"]


# -- committed fixtures and examples, plan form -----------------------------------------------------------------
def _terraform_dirs():
    dirs = [p for p in sorted(FIXTURES.glob("MLC*/*")) if p.is_dir() and any(p.glob("*.tf"))]
    return dirs + [p for p in sorted((ROOT / "examples" / "terraform").glob("*")) if p.is_dir()]


TERRAFORM_DIRS = _terraform_dirs()


def _expectations(directory):
    found = []
    for path in sorted(directory.glob("*.tf")):
        found += [(m.group(1), m.group(2), path.name, int(m.group(3))) for m in EXPECT.finditer(path.read_text())]
    return sorted(found)


def _entries(plan_path):
    """address -> (first line, last line) of its planned_values entry."""
    document = load_document(plan_path.read_bytes(), str(plan_path))
    spans = {}
    for resource in read_plan(str(plan_path), document):
        block = resource.positions[()]
        spans[resource.address] = (block.line, block.end_line, resource.type)
    return spans


@pytest.mark.parametrize("directory", TERRAFORM_DIRS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_terraform_fixture_plan(directory):
    plan = directory / "plan.json"
    assert plan.exists(), f"no plan.json: run tools/gen_tf_plans.py {directory.relative_to(ROOT)}"
    expected = _expectations(directory)
    rule_id = directory.parent.name if directory.parent.name.startswith("MLC") else None
    compared = ({rule_id} if rule_id else set()) | {e[0] for e in expected}
    if not rule_id:  # an example: every rule a default run checks
        compared = {rule.id for rule in all_rules()}
    result = check_file(Candidate(str(plan), True), ALL if rule_id else DEFAULT)
    assert not result.errors, result.errors
    got = [f for f in result.findings if not f.suppressed and f.rule_id in compared]
    assert sorted((f.rule_id, f.resource) for f in got) == sorted((e[0], e[1]) for e in expected)
    spans = _entries(plan)
    for finding in got:  # each points into its resource's entry, or a split-out resource's folded into it
        inside = [a for a, (first, last, type_) in spans.items() if first <= finding.line <= last]
        assert finding.resource in inside or any(spans[a][2] in FOLDED for a in inside), finding
    if directory.name.startswith("pass") or directory.name == "secure":
        assert not expected
    else:
        assert expected, "a failing fixture must expect at least one finding"


@pytest.mark.parametrize("directory", TERRAFORM_DIRS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_terraform_fixture_tf(directory):
    """The .tf form of the same fixture: the same rules on the same addresses as its plan, each at the line
    written in the fixture (the attribute's, or the block's when the attribute is left out)."""
    expected = _expectations(directory)
    rule_id = directory.parent.name if directory.parent.name.startswith("MLC") else None
    compared = ({rule_id} if rule_id else {rule.id for rule in all_rules()}) | {e[0] for e in expected}
    result = check_file(Candidate(str(directory), True, terraform=True), ALL if rule_id else DEFAULT)
    assert not result.errors, result.errors
    assert result.checked
    got = sorted((f.rule_id, f.resource, os.path.basename(f.file), f.line) for f in result.findings
                 if not f.suppressed and f.rule_id in compared)
    assert got == expected


def test_every_terraform_fixture_is_named_for_its_outcome():
    for directory in TERRAFORM_DIRS:
        if directory.parent.name.startswith("MLC"):
            assert directory.name.startswith(("fail-", "pass-")), directory


@pytest.mark.skipif(shutil.which("terraform") is None or not os.path.isdir(os.environ.get(
    "MLCHECK_TF_PLUGINS", "/opt/tf-plugins")), reason="needs terraform and the AWS provider's local mirror")
def test_a_committed_plan_is_what_terraform_makes_of_its_fixture():
    directory = FIXTURES / "MLC401" / "fail-tf-provider-default"
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_tf_plans.py"), "--check", str(directory)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr


def test_a_suppression_problem_is_reported_in_the_tf_file_of_its_resource():
    from mlcheck.engine.runner import _suppress

    notebook = tf("aws_sagemaker_notebook_instance.nb", {"direct_internet_access": "Enabled"}, file="ml/nb.tf",
                  line=4, comments=("# mlcheck:ignore MLC401",))
    template, report = lint([notebook], "MLC401", file="ml")
    settings = Settings(rule_ids=("MLC401", "MLC002"), root=".")
    _suppress(template, report.findings, settings, "ml", "ml")
    (problem,) = [f for f in report.findings if f.rule_id == "MLC002"]
    assert (problem.file, problem.line, problem.uri, problem.resource_type) == (
        "ml/nb.tf", 4, "ml/nb.tf", "aws_sagemaker_notebook_instance")


@pytest.mark.parametrize("plan", [
    {"format_version": "1", "planned_values": {"root_module": {"resources": "x", "child_modules": [1, None]}}},
    {"format_version": "1", "planned_values": {"root_module": {"resources": [{"address": "aws_kms_key.k",
                                                                              "type": "aws_kms_key", "values": 3}]}},
     "resource_changes": [{"address": "aws_kms_key.k", "change": [1]}, "x"],
     "configuration": {"root_module": {"module_calls": [1], "resources": [{"address": 1}]}}},
    {"format_version": "1", "resource_changes": [{"address": "aws_kms_key.k", "type": "aws_kms_key",
                                                  "change": {"actions": "create", "after": [1],
                                                             "after_unknown": {"policy": [True]}}}]},
    {"format_version": "1", "planned_values": {"root_module": {"resources": [
        _entry("aws_sagemaker_model.m", {"vpc_config": "no", "primary_container": [None, 1],
                                         "container": {"a": 1}})]}},
     "resource_changes": [{"address": "aws_sagemaker_model.m", "change": {"after_unknown": {
         "vpc_config": [{"subnets": [True, True]}], "execution_role_arn": True}}}],
     "configuration": {"root_module": {"resources": [{"address": "aws_sagemaker_model.m", "expressions": {
         "vpc_config": {"references": 7}, "execution_role_arn": {"references": ["var.x", 3, "module.m.arn"]}}}]}}},
], ids=["bad-modules", "bad-shapes", "changes-only", "bad-blocks"])
def test_a_malformed_plan_is_checked_without_a_traceback(tmp_path, plan):
    result = _check_plan(tmp_path, plan, *ALL.rule_ids)
    assert not any("internal error" in e.message for e in result.errors), result.errors
    assert result.checked


def test_the_deprecated_inline_bucket_policy_is_read_as_the_buckets_policy():
    deny = json.dumps({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                                      "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"],
                                      "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
    bucket = tf("aws_s3_bucket.b", {"bucket": "data", "policy": deny}, positions={("policy",): 3})
    _, report = lint([bucket], "MLC304")
    assert report.findings == []
    _, report = lint([tf("aws_s3_bucket.b", {"bucket": "data"})], "MLC304")
    assert [f.rule_id for f in report.findings] == ["MLC304"]


def test_a_one_line_plan_as_terraform_writes_it_is_checked_from_the_command_line(tmp_path, run_cli):
    plan = _plan([_entry("aws_sagemaker_notebook_instance.nb", {"name": "nb", "direct_internet_access": "Enabled",
                                                                "root_access": "Disabled"})])
    text = json.dumps(plan)
    (tmp_path / "plan.json").write_text(text)
    code, out, _ = run_cli("--select", "MLC401", "-f", "json", "plan.json", cwd=tmp_path)
    assert code == 1
    (finding,) = json.loads(out)["findings"]
    assert (finding["rule"], finding["resource"], finding["resource_type"]) == (
        "MLC401", "aws_sagemaker_notebook_instance.nb", "aws_sagemaker_notebook_instance")
    assert finding["line"] == 1
    assert text[finding["column"] - 1:].startswith('"direct_internet_access"')


def test_a_policy_whose_jsonencode_names_another_resource_is_judged_at_its_statement(tmp_path, run_cli):
    # "${aws_s3_bucket.data.arn}/*" inside jsonencode is text around a reference: the policy must still be read
    # (it was passed silently while the mapping took only plain JSON strings)
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_bucket" "data" {\n  bucket = "data"\n}\n\n'
        'resource "aws_iam_role_policy" "p" {\n  role = "r"\n  policy = jsonencode({\n'
        '    Version = "2012-10-17"\n'
        '    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "${aws_s3_bucket.data.arn}/*" }]\n'
        '  })\n}\n')
    code, out, _ = run_cli(".", "--select", "MLC103", "--color", "never", cwd=tmp_path)
    assert code == 1
    assert out.splitlines()[0].startswith("main.tf:9:")
    assert "MLC103" in out and "aws_iam_role_policy.p" in out
