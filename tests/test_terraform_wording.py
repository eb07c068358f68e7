"""Findings of Terraform resources speak Terraform: their messages and fix hints name the attribute the user wrote
(`kms_key_arn`, `enable_network_isolation`), not the CloudFormation property the rule reads; findings of
CloudFormation templates keep their words (the snapshots in test_snapshots.py hold them byte for byte)."""

import json
import re

import pytest

from mlcheck.inputs.terraform.wording import terraform_wording

STACK_TF = """
resource "aws_sagemaker_endpoint_configuration" "ec" {
  name = "ec"
  production_variants {
    variant_name           = "AllTraffic"
    model_name             = "m"
    instance_type          = "ml.m5.large"
    initial_instance_count = 2
  }
}

resource "aws_sagemaker_model" "m" {
  name                     = "m"
  execution_role_arn       = aws_iam_role.model.arn
  enable_network_isolation = false
  primary_container {
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/m:1"
    model_data_url = "s3://${aws_s3_bucket.models.bucket}/m/model.tar.gz"
  }
  vpc_config {
    subnets            = [aws_subnet.a.id]
    security_group_ids = ["sg-0a1b2c3d"]
  }
}

resource "aws_sagemaker_model" "bare" {
  name               = "bare"
  execution_role_arn = aws_iam_role.model.arn
  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/m:1"
  }
}

resource "aws_sagemaker_notebook_instance" "nb" {
  name                   = "nb"
  role_arn               = aws_iam_role.model.arn
  instance_type          = "ml.t3.medium"
  direct_internet_access = "Enabled"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_vpc_endpoint" "api" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.sagemaker.api"
  vpc_endpoint_type = "Interface"
  subnet_ids        = [aws_subnet.a.id]
}

resource "aws_s3_bucket" "models" {
  bucket = "models"
}

resource "aws_s3_bucket_versioning" "models" {
  bucket = aws_s3_bucket.models.id
  versioning_configuration {
    status = "Suspended"
  }
}

resource "aws_iam_role" "model" {
  name = "model"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  inline_policy {
    name = "data"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }]
    })
  }
}
"""


def _plan_entry(address, values):
    type_, name = address.split(".")
    return {"address": address, "mode": "managed", "type": type_, "name": name, "values": values}


ROLE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
PLAN = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
    _plan_entry("aws_sagemaker_endpoint_configuration.ec", {"name": "ec", "production_variants": [
        {"variant_name": "AllTraffic", "model_name": "m", "instance_type": "ml.m5.large",
         "initial_instance_count": 2}]}),
    _plan_entry("aws_sagemaker_model.m", {
        "name": "m", "execution_role_arn": "arn:aws:iam::111122223333:role/model", "enable_network_isolation": False,
        "primary_container": [{"image": "111122223333.dkr.ecr.us-east-1.amazonaws.com/m:1",
                               "model_data_url": "s3://models/m/model.tar.gz"}],
        "vpc_config": [{"subnets": ["subnet-0a"], "security_group_ids": ["sg-0a1b2c3d"]}]}),
    _plan_entry("aws_sagemaker_model.bare", {
        "name": "bare", "execution_role_arn": "arn:aws:iam::111122223333:role/model",
        "primary_container": [{"image": "111122223333.dkr.ecr.us-east-1.amazonaws.com/m:1"}]}),
    _plan_entry("aws_sagemaker_notebook_instance.nb", {
        "name": "nb", "role_arn": "arn:aws:iam::111122223333:role/model", "instance_type": "ml.t3.medium",
        "direct_internet_access": "Enabled"}),
    _plan_entry("aws_vpc_endpoint.api", {
        "vpc_id": "vpc-0a", "service_name": "com.amazonaws.us-east-1.sagemaker.api", "vpc_endpoint_type": "Interface",
        "subnet_ids": ["subnet-0a"]}),
    _plan_entry("aws_s3_bucket.models", {"bucket": "models"}),
    _plan_entry("aws_s3_bucket_versioning.models", {
        "bucket": "models", "versioning_configuration": [{"status": "Suspended"}]}),
    _plan_entry("aws_iam_role.model", {"name": "model", "assume_role_policy": ROLE_POLICY, "inline_policy": [
        {"name": "data", "policy": json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})}]}),
]}}, "resource_changes": [], "configuration": {"root_module": {}}}

RULES = "MLC201,MLC405,MLC401,MLC406,MLC407,MLC408,MLC502,MLC307,MLC103"
# The Terraform attribute each finding must name, and the CloudFormation property it must not.
EXPECTED = {
    ("MLC201", "aws_sagemaker_endpoint_configuration.ec"): ("sets no kms_key_arn", "KmsKeyId"),
    ("MLC405", "aws_sagemaker_model.m"): ("(enable_network_isolation is false)", "EnableNetworkIsolation"),
    ("MLC401", "aws_sagemaker_notebook_instance.nb"): ("(direct_internet_access is Enabled)",
                                                       "DirectInternetAccess"),
    ("MLC408", "aws_vpc_endpoint.api"): ("(private_dns_enabled is not set (false by default))", "PrivateDnsEnabled"),
    ("MLC406", "aws_sagemaker_model.bare"): ("does not run in a VPC (no vpc_config)", "VpcConfig"),
}


def _findings(run_cli, tmp_path, target):
    code, out, err = run_cli("-f", "json", "--select", RULES, "--jobs", "1", target, cwd=tmp_path)
    assert code == 1, err
    return {(f["rule"], f["resource"]): f for f in json.loads(out)["findings"]}


@pytest.fixture(params=["tf", "plan"])
def terraform_findings(request, run_cli, tmp_path):
    if request.param == "tf":
        (tmp_path / "stack").mkdir()
        (tmp_path / "stack" / "main.tf").write_text(STACK_TF)
        return _findings(run_cli, tmp_path, "stack")
    (tmp_path / "plan.json").write_text(json.dumps(PLAN, indent=2))
    return _findings(run_cli, tmp_path, "plan.json")


def test_messages_name_the_terraform_attribute_not_the_cloudformation_property(terraform_findings):
    for key, (attribute, cfn_property) in EXPECTED.items():
        message = terraform_findings[key]["message"]
        assert attribute in message, (key, message)
        assert not re.search(rf"\b{cfn_property}\b", message), (key, message)


def test_fix_hints_in_terraform_words(terraform_findings):
    fixes = {rule: f["fix"] for (rule, resource), f in terraform_findings.items()
             if resource not in ("aws_sagemaker_notebook_instance.nb", "aws_sagemaker_model.bare")
             or rule in ("MLC401", "MLC406")}
    assert fixes["MLC201"].startswith("Set kms_key_arn to a customer managed aws_kms_key ")
    assert fixes["MLC405"].startswith("Set enable_network_isolation = true ")
    assert fixes["MLC401"].startswith("Set direct_internet_access = Disabled and place the notebook in a private "
                                      "subnet (subnet_id)")
    assert fixes["MLC406"] == ("Add vpc_config (subnets in at least two AZs, security_group_ids) so the containers "
                               "run in your VPC.")
    assert fixes["MLC408"].startswith("Set private_dns_enabled = true (the VPC needs enable_dns_support and "
                                      "enable_dns_hostnames)")
    # versioning: the split-out resource the bucket's VersioningConfiguration comes from
    assert fixes["MLC307"].startswith("Add aws_s3_bucket_versioning {status = Enabled} ")


def test_a_property_of_another_resource_is_named_as_terraform_writes_it(terraform_findings):
    """MLC307 on the bucket names the model's model_data_url; the logical id quoted beside it is kept."""
    versioning = terraform_findings[("MLC307", "aws_s3_bucket.models")]["message"]
    assert "(model_data_url of 'aws_sagemaker_model.m') but versioning is suspended" in versioning


def test_vpc_config_subnets_findings_in_terraform_words(run_cli, tmp_path):
    """MLC502 and MLC407 on the model's vpc_config.subnets (the .tf form: the plan names subnets by ids
    mlcheck cannot place in an Availability Zone or a VPC)."""
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "main.tf").write_text(STACK_TF)
    findings = _findings(run_cli, tmp_path, "stack")
    subnets = findings[("MLC502", "aws_sagemaker_model.m")]
    assert subnets["message"] == "'aws_sagemaker_model.m' uses one subnet (aws_subnet.a): one AZ failure takes it down"
    assert "availability_zone = !Select" in subnets["fix"] and "AvailabilityZone" not in subnets["fix"]
    endpoints = findings[("MLC407", "aws_sagemaker_model.m")]
    assert endpoints["fix"].startswith("Add aws_vpc_endpoint resources in that VPC")


def test_an_iam_finding_naming_actions_is_unchanged(terraform_findings):
    iam = terraform_findings[("MLC103", "aws_iam_role.model")]
    assert iam["message"] == ("Role 'aws_iam_role.model' allows every s3 action ('s3:*') (statement 1 of inline "
                              "policy 'data')")
    assert iam["fix"] == "List the specific actions the workload calls instead of '*' or 'service:*'."


CFN = """
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - VariantName: AllTraffic
          ModelName: m
          InstanceType: ml.m5.large
          InitialInstanceCount: 2
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::111122223333:role/model
      DirectInternetAccess: Enabled
"""


def test_cloudformation_findings_keep_cloudformation_names(run_cli, tmp_path):
    (tmp_path / "stack.yaml").write_text(CFN)
    code, out, _ = run_cli("-f", "json", "--select", "MLC201,MLC401", "--jobs", "1", "stack.yaml", cwd=tmp_path)
    findings = {(f["rule"], f["resource"]): f for f in json.loads(out)["findings"]}
    assert "sets no KmsKeyId," in findings[("MLC201", "Config")]["message"]
    assert findings[("MLC201", "Config")]["fix"].startswith("Set KmsKeyId to a customer managed AWS::KMS::Key ")
    assert "(DirectInternetAccess is Enabled)" in findings[("MLC401", "Notebook")]["message"]
    assert findings[("MLC401", "Notebook")]["fix"].startswith("Set DirectInternetAccess: Disabled ")


@pytest.mark.parametrize("text, tf_type, expected", [
    # nested blocks, indexes and the names only nested in the type
    ("ProductionVariants[0].InitialInstanceCount is 1", "aws_sagemaker_endpoint_configuration",
     "production_variants[0].initial_instance_count is 1"),
    ("no VpcConfig.Subnets; Subnets in two AZs", "aws_sagemaker_model", "no vpc_config.subnets; subnets in two AZs"),
    # quoted text (logical ids, values), actions, ARNs and ${...} stay as written
    ("Model 'KmsKeyId' \"KmsKeyId\" `KmsKeyId` kms:CreateGrant arn:aws:kms:us-east-1:1:key/KmsKeyId ${KmsKeyId}",
     "aws_sagemaker_notebook_instance",
     "Model 'KmsKeyId' \"KmsKeyId\" `KmsKeyId` kms:CreateGrant arn:aws:kms:us-east-1:1:key/KmsKeyId ${KmsKeyId}"),
    # type words, a resource's own name field and unknown names stay; an ambiguous CloudFormation type stays
    ("EndpointConfig 'x' (EndpointName dimension) Frobnicate AWS::IAM::Policy AWS::KMS::Key",
     "aws_sagemaker_endpoint", "EndpointConfig 'x' (EndpointName dimension) Frobnicate AWS::IAM::Policy aws_kms_key"),
    # a message's colon may start prose: it is kept
    ("has no DataCaptureConfig: Model Monitor has no data", "aws_sagemaker_endpoint_configuration",
     "has no data_capture_config: Model Monitor has no data"),
    # a type the catalogue does not map is left alone
    ("KmsKeyId", "aws_not_mapped", "KmsKeyId"),
])
def test_terraform_wording(text, tf_type, expected):
    assert terraform_wording(text, tf_type) == expected


def test_fix_hint_assignments_as_terraform_writes_them():
    assert terraform_wording("Set EnableKeyRotation: true.", "aws_kms_key", assignments=True) == \
        "Set enable_key_rotation = true."
    assert terraform_wording("Set InstanceMetadataServiceConfiguration: {MinimumInstanceMetadataServiceVersion: 2}",
                             "aws_sagemaker_notebook_instance", assignments=True) == \
        "Set instance_metadata_service_configuration {minimum_instance_metadata_service_version = 2}"


def test_the_readme_example_line_is_real_output(run_cli):
    from conftest import ROOT

    section = (ROOT / "README.md").read_text().split("Findings of Terraform resources use Terraform's names", 1)[1]
    line = next(text.strip() for text in section.splitlines() if text.startswith("    examples/terraform/"))
    code, out, _ = run_cli("--select", "MLC401", "--jobs", "1", "examples/terraform/insecure/main.tf", cwd=ROOT)
    assert line in out.splitlines()
