"""The .tf reader: every evaluated construct, exact positions, modules, var files, unknowns and bad input."""

import json
import textwrap

import pytest

from mlcheck.inputs.terraform import jsonvalue
from mlcheck.inputs.terraform.hcl import read_configuration
from mlcheck.inputs.terraform.resource import Position, Reference
from mlcheck.model.values import Composite, Unknown


def write(directory, name, text):
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def read(directory, var_files=()):
    config = read_configuration(str(directory), [str(v) for v in var_files])
    return config, {r.address: r for r in config.resources}


def test_literals_blocks_and_positions(tmp_path):
    write(tmp_path, "main.tf", """
        resource "aws_sagemaker_notebook_instance" "dev" {
          name          = "dev"
          instance_type = "ml.t3.medium"
          volume_size   = 20
          ratio         = 1.5
          root_access   = false
          kms_key_id    = null
          tags = {
            Team = "ml"
            "cost-center" = "42"
          }
          security_groups = ["sg-1", "sg-2"]
          instance_metadata_service_configuration {
            minimum_instance_metadata_service_version = "2"
          }
          lifecycle { ignore_changes = [tags] }
          depends_on = [aws_iam_role.x]
        }
        """)
    config, resources = read(tmp_path)
    assert config.errors == [] and config.unknowns == []
    notebook = resources["aws_sagemaker_notebook_instance.dev"]
    assert notebook.type == "aws_sagemaker_notebook_instance"
    assert notebook.values == {
        "name": "dev", "instance_type": "ml.t3.medium", "volume_size": 20, "ratio": 1.5, "root_access": False,
        "kms_key_id": None, "tags": {"Team": "ml", "cost-center": "42"}, "security_groups": ["sg-1", "sg-2"],
        "instance_metadata_service_configuration": [{"minimum_instance_metadata_service_version": "2"}],
    }  # lifecycle and depends_on are Terraform's, not the provider's
    file = str(tmp_path / "main.tf")
    assert notebook.positions[()] == Position(file, 1, 1, 18, 2)
    assert notebook.positions[("name",)] == Position(file, 2, 3, 2, 24)
    assert notebook.positions[("root_access",)].line == 6
    assert notebook.positions[("tags", "cost-center")] == Position(file, 10, 5, 10, 25)
    assert notebook.positions[("security_groups", 1)] == Position(file, 12, 30, 12, 36)
    assert notebook.positions[("instance_metadata_service_configuration", 0)] == Position(file, 13, 3, 15, 4)
    # the list of blocks is where its first block is
    assert notebook.positions[("instance_metadata_service_configuration",)] == Position(file, 13, 3, 15, 4)
    assert notebook.positions[("instance_metadata_service_configuration", 0,
                               "minimum_instance_metadata_service_version")].line == 14
    # a missing attribute is located at its block
    assert notebook.position(("direct_internet_access",)) == notebook.positions[()]
    assert notebook.position(("instance_metadata_service_configuration", 0, "x")).line == 13


def test_variables_locals_var_files_and_interpolation(tmp_path):
    write(tmp_path, "variables.tf", """
        variable "env" { default = "dev" }
        variable "size" { default = 10 }
        variable "region" {}
        variable "owner" { type = string }
        variable "from_auto" { default = "default" }
        """)
    write(tmp_path, "main.tf", """
        locals {
          name   = "ml-${var.env}"
          bigger = var.size * 2 + 1
        }
        locals {
          label = "${local.name}:${var.region}"
          escaped = "$${not.interpolated} %%{x}"
        }
        resource "aws_s3_bucket" "data" {
          bucket = local.name
          size   = local.bigger
          label  = local.label
          owner  = var.owner
          auto   = var.from_auto
          text   = "line\\n\\"quoted\\" \\u00e9"
          lit    = local.escaped
        }
        """)
    write(tmp_path, "terraform.tfvars", 'env = "staging"\nfrom_auto = "tfvars"\n')
    write(tmp_path, "b.auto.tfvars", 'from_auto = "auto"\n')
    given = write(tmp_path / "elsewhere", "prod.tfvars", 'env = "prod"\nregion = "us-east-1"\n')
    config, resources = read(tmp_path, [given])
    values = resources["aws_s3_bucket.data"].values
    assert values["bucket"] == "ml-prod"  # --var-file wins over terraform.tfvars
    assert values["size"] == 21
    assert values["label"] == "ml-prod:us-east-1"
    assert values["auto"] == "auto"  # *.auto.tfvars after terraform.tfvars
    assert values["text"] == 'line\n"quoted" é'
    assert values["lit"] == "${not.interpolated} %{x}"
    assert values["owner"] == Unknown("variable 'owner' has no default and no value in a var file (--var-file)")
    _, resources = read(tmp_path)  # without the var file: terraform.tfvars, then the default
    assert resources["aws_s3_bucket.data"].values["bucket"] == "ml-staging"
    label = resources["aws_s3_bucket.data"].values["label"]
    assert isinstance(label, Composite) and label.parts[0] == "ml-staging:" and label.has_unknown()


def test_json_var_files(tmp_path):
    write(tmp_path, "main.tf", 'variable "tags" {}\nresource "aws_s3_bucket" "b" { tags = var.tags }\n')
    write(tmp_path, "terraform.tfvars.json", json.dumps({"tags": {"a": "b"}}))
    _, resources = read(tmp_path)
    assert resources["aws_s3_bucket.b"].values["tags"] == {"a": "b"}


def test_jsonencode_gives_the_string_the_provider_receives(tmp_path):
    write(tmp_path, "main.tf", """
        resource "aws_iam_role_policy" "p" {
          policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{
              Effect   = "Allow"
              Action   = ["s3:GetObject", "s3:PutObject"]
              Resource = "arn:aws:s3:::b/<x>&"
              Condition = { Bool = { "aws:SecureTransport" = true } }
            }]
          })
        }
        """)
    _, resources = read(tmp_path)
    policy = resources["aws_iam_role_policy.p"]
    assert policy.values["policy"] == (
        '{"Statement":[{"Action":["s3:GetObject","s3:PutObject"],"Condition":{"Bool":{"aws:SecureTransport":true}},'
        '"Effect":"Allow","Resource":"arn:aws:s3:::b/\\u003cx\\u003e\\u0026"}],"Version":"2012-10-17"}')
    # the statement's pieces keep their own lines, for findings inside the policy
    assert policy.positions[("policy", "Statement", 0, "Action")].line == 6
    assert policy.positions[("policy", "Statement", 0, "Action", 1)].line == 6


def test_references_between_resources(tmp_path):
    write(tmp_path, "main.tf", """
        resource "aws_iam_role" "model" { name = "model-role" }
        resource "aws_s3_bucket" "data" {
          bucket = "data"
          tags   = { a = "b" }
        }
        resource "aws_sagemaker_model" "m" {
          execution_role_arn = aws_iam_role.model.arn
          bucket_ref         = aws_s3_bucket.data
          objects            = "${aws_s3_bucket.data.arn}/*"
          role_name_in_text  = "role ${aws_iam_role.model.name}"
          role_name          = aws_iam_role.model.name
          bucket_tags        = aws_s3_bucket.data.tags
          undeclared         = aws_iam_role.other.arn
          nested             = aws_iam_role.model.inline_policy[0].name
          data_source        = data.aws_iam_policy_document.p.json
          policy = jsonencode({ Resource = "${aws_s3_bucket.data.arn}/*", Role = aws_iam_role.model.arn })
        }
        """)
    _, resources = read(tmp_path)
    values = resources["aws_sagemaker_model.m"].values
    assert values["execution_role_arn"] == Reference("aws_iam_role.model", "arn")
    assert values["bucket_ref"] == Reference("aws_s3_bucket.data")
    assert values["objects"] == Composite((Reference("aws_s3_bucket.data", "arn"), "/*"))
    assert values["role_name_in_text"] == "role model-role"  # an argument the role's block sets, as in the plan
    assert values["role_name"] == "model-role"
    assert values["bucket_tags"] == Reference("aws_s3_bucket.data", "tags")  # only scalars are taken
    assert values["undeclared"] == Unknown("'aws_iam_role' is not declared in this configuration")
    assert isinstance(values["nested"], Unknown)
    assert values["data_source"] == Unknown("data source data.aws_iam_policy_document.p is read by Terraform at "
                                            "plan time")
    assert jsonvalue.decode(values["policy"]) == {
        "Resource": Composite((Reference("aws_s3_bucket.data", "arn"), "/*")),
        "Role": Reference("aws_iam_role.model", "arn")}


def test_count_and_for_each(tmp_path):
    write(tmp_path, "main.tf", """
        variable "azs" { default = ["us-east-1a", "us-east-1b"] }
        variable "unknown" {}
        resource "aws_subnet" "private" {
          count             = length(var.azs)
          availability_zone = var.azs[count.index]
          cidr_block        = "10.0.${count.index}.0/24"
        }
        resource "aws_s3_bucket" "by_name" {
          for_each = { raw = "r", clean = "c" }
          bucket   = "b-${each.key}-${each.value}"
        }
        resource "aws_s3_bucket" "by_set" {
          for_each = toset(["x"])
          bucket   = each.value
        }
        resource "aws_s3_bucket" "none" {
          count  = 0
          bucket = "never"
        }
        resource "aws_s3_bucket" "maybe" {
          count  = var.unknown ? 1 : 0
          bucket = "maybe-${count.index}"
        }
        resource "aws_sagemaker_model" "m" {
          subnets = aws_subnet.private[*].id
          first   = aws_subnet.private[0].id
          raw     = aws_s3_bucket.by_name["raw"].arn
        }
        """)
    _, resources = read(tmp_path)
    assert resources["aws_subnet.private[0]"].values == {"availability_zone": "us-east-1a",
                                                        "cidr_block": "10.0.0.0/24"}
    assert resources["aws_subnet.private[1]"].values["availability_zone"] == "us-east-1b"
    assert resources['aws_s3_bucket.by_name["raw"]'].values["bucket"] == "b-raw-r"
    assert resources['aws_s3_bucket.by_name["clean"]'].values["bucket"] == "b-clean-c"
    assert resources['aws_s3_bucket.by_set["x"]'].values["bucket"] == "x"
    assert not any(a.startswith("aws_s3_bucket.none") for a in resources)
    # a count that cannot be known: checked as one instance, its count.index unknown
    maybe = resources["aws_s3_bucket.maybe"].values["bucket"]
    assert isinstance(maybe, Composite) and maybe.has_unknown()
    model = resources["aws_sagemaker_model.m"].values
    assert model["subnets"] == [Reference("aws_subnet.private[0]", "id"), Reference("aws_subnet.private[1]", "id")]
    assert model["first"] == Reference("aws_subnet.private[0]", "id")
    assert model["raw"] == Reference('aws_s3_bucket.by_name["raw"]', "arn")


def test_dynamic_blocks(tmp_path):
    write(tmp_path, "main.tf", """
        variable "ports" { default = [443, 8443] }
        variable "unknown" {}
        resource "aws_security_group" "sg" {
          dynamic "ingress" {
            for_each = var.ports
            content {
              from_port = ingress.value
              to_port   = ingress.value
            }
          }
          dynamic "egress" {
            for_each = var.unknown
            iterator = rule
            content { from_port = rule.value }
          }
        }
        """)
    _, resources = read(tmp_path)
    sg = resources["aws_security_group.sg"]
    assert sg.values["ingress"] == [{"from_port": 443, "to_port": 443}, {"from_port": 8443, "to_port": 8443}]
    assert sg.positions[("ingress", 1, "to_port")].line == 8
    assert sg.values["egress"] == Unknown("dynamic 'egress' blocks over a for_each that cannot be known")


def test_operators_conditionals_for_expressions_and_functions(tmp_path):
    write(tmp_path, "main.tf", """
        variable "prod" { default = true }
        variable "names" { default = ["a", "b", ""] }
        variable "unset" {}
        resource "aws_s3_bucket" "b" {
          versioned = var.prod ? "Enabled" : "Suspended"
          unknown   = var.unset ? 1 : 2
          not_prod  = !var.prod && true
          compare   = 3 >= 2 || false
          upper     = [for n in var.names : upper(n) if n != ""]
          by_key    = { for i, n in var.names : n => i if n != "" }
          merged    = merge({ a = 1 }, { b = 2 })
          joined    = join(",", concat(["x"], ["y"]))
          formatted = format("%s-%d", "v", 3)
          looked    = lookup({ k = "v" }, "k", "d")
          default   = lookup({ k = "v" }, "z", "d")
          decoded   = jsondecode("{\\"a\\": [1]}")
          number    = tonumber("8") + 0.5
          unlisted  = cidrsubnet("10.0.0.0/16", 8, 1)
          heredoc   = <<-EOT
            {"Bucket": "${var.prod ? "p" : "d"}"}
            EOT
          plain_doc = <<EOF
        literal $${x}
        EOF
        }
        """)
    _, resources = read(tmp_path)
    values = resources["aws_s3_bucket.b"].values
    assert values["versioned"] == "Enabled"
    assert values["unknown"] == Unknown("a condition that cannot be known (variable 'unset' has no default and no "
                                        "value in a var file (--var-file))")
    assert values["not_prod"] is False and values["compare"] is True
    assert values["upper"] == ["A", "B"]
    assert values["by_key"] == {"a": 0, "b": 1}
    assert values["merged"] == {"a": 1, "b": 2}
    assert values["joined"] == "x,y"
    assert values["formatted"] == "v-3"
    assert values["looked"] == "v" and values["default"] == "d"
    assert values["decoded"] == {"a": [1]}
    assert values["number"] == 8.5
    assert values["unlisted"] == Unknown("function cidrsubnet() is not evaluated")
    assert values["heredoc"] == '{"Bucket": "p"}\n'
    assert values["plain_doc"] == "literal ${x}\n"


def test_local_modules_are_followed_with_their_inputs(tmp_path):
    write(tmp_path, "main.tf", """
        variable "env" { default = "prod" }
        module "ml" {
          source = "./modules/ml"
          name   = "ml-${var.env}"
          role   = aws_iam_role.r.arn
        }
        resource "aws_iam_role" "r" {}
        resource "aws_sagemaker_endpoint" "e" {
          endpoint_config_name = module.ml.config_name
          model                = module.ml.model_ref
        }
        """)
    write(tmp_path, "modules/ml/main.tf", """
        variable "name" {}
        variable "role" {}
        variable "size" { default = "ml.m5.large" }
        resource "aws_sagemaker_model" "this" {
          name               = var.name
          execution_role_arn = var.role
        }
        resource "aws_sagemaker_endpoint_configuration" "this" {
          name = "${var.name}-config"
          production_variants { instance_type = var.size }
        }
        module "inner" {
          source = "../inner"
        }
        output "config_name" { value = aws_sagemaker_endpoint_configuration.this.name }
        output "model_ref" { value = aws_sagemaker_model.this.arn }
        """)
    write(tmp_path, "modules/inner/main.tf", 'resource "aws_kms_key" "k" { description = "inner" }\n')
    config, resources = read(tmp_path)
    assert config.errors == [] and config.unknowns == []
    model = resources["module.ml.aws_sagemaker_model.this"]
    assert model.values == {"name": "ml-prod", "execution_role_arn": Reference("aws_iam_role.r", "arn")}
    assert model.positions[("name",)] == Position(str(tmp_path / "modules/ml/main.tf"), 5, 3, 5, 32)
    assert resources["module.ml.aws_sagemaker_endpoint_configuration.this"].values["production_variants"] == [
        {"instance_type": "ml.m5.large"}]
    assert resources["module.ml.module.inner.aws_kms_key.k"].values == {"description": "inner"}
    endpoint = resources["aws_sagemaker_endpoint.e"].values
    assert endpoint["endpoint_config_name"] == "ml-prod-config"  # an argument the module's block sets
    assert endpoint["model"] == Reference("module.ml.aws_sagemaker_model.this", "arn")
    assert sorted(config.files) == sorted(str(tmp_path / p) for p in ("main.tf", "modules/ml/main.tf",
                                                                      "modules/inner/main.tf"))


def test_registry_module_not_downloaded_is_unknown_and_downloaded_one_is_read(tmp_path):
    write(tmp_path, "main.tf", """
        module "vpc" {
          source  = "terraform-aws-modules/vpc/aws"
          version = "5.0.0"
        }
        module "ml" {
          source = "git::https://example.com/ml.git"
        }
        resource "aws_sagemaker_model" "m" { subnets = module.vpc.private_subnets }
        """)
    config, resources = read(tmp_path)
    assert [(u.address, u.line) for u in config.unknowns] == [("module.vpc", 1), ("module.ml", 5)]
    assert "not downloaded" in config.unknowns[0].reason and "terraform init" in config.unknowns[0].reason
    assert isinstance(resources["aws_sagemaker_model.m"].values["subnets"], Unknown)
    # once `terraform init` downloaded it, it is read from .terraform/modules
    write(tmp_path, ".terraform/modules/vpc/main.tf", """
        resource "aws_vpc" "this" { cidr_block = "10.0.0.0/16" }
        output "private_subnets" { value = ["subnet-1"] }
        """)
    write(tmp_path, ".terraform/modules/modules.json", json.dumps({"Modules": [
        {"Key": "", "Source": "", "Dir": "."}, {"Key": "vpc", "Source": "x", "Dir": ".terraform/modules/vpc"}]}))
    config, resources = read(tmp_path)
    assert [u.address for u in config.unknowns] == ["module.ml"]
    assert resources["module.vpc.aws_vpc.this"].values == {"cidr_block": "10.0.0.0/16"}
    assert resources["aws_sagemaker_model.m"].values["subnets"] == ["subnet-1"]


def test_comments_in_and_right_above_a_block(tmp_path):
    write(tmp_path, "main.tf", """
        # about the file

        # mlcheck:ignore MLC401 reason: scratch notebook
        #checkov:skip=CKV_AWS_122:scratch
        resource "aws_sagemaker_notebook_instance" "dev" {
          name = "dev" // trailing
          /* block
             comment */
        }
        # not this one's
        resource "aws_s3_bucket" "b" {}
        """)
    _, resources = read(tmp_path)
    comments = resources["aws_sagemaker_notebook_instance.dev"].comments
    assert list(comments) == ["mlcheck:ignore MLC401 reason: scratch notebook", "checkov:skip=CKV_AWS_122:scratch",
                              "trailing", "block", "comment"]
    assert comments[0].position.line == 3 and comments[2].position.line == 6
    assert list(resources["aws_s3_bucket.b"].comments) == ["not this one's"]


@pytest.mark.parametrize("content, line, message", [
    ('resource "a" "b" {\n  x = \n}\n', 2, "does not parse as HCL"),
    ('resource "a" "b" {\n  x = "unterminated\n}\n', 2, "does not parse as HCL"),
    ('resource "a" "b" {\n', 1, "does not parse as HCL"),
    ("x = " + "[" * 3000 + "]" * 3000 + "\n", 1, "nested too deeply"),
    ('resource "a" "b" {\n' + "b {\n" * 3000 + "}\n" * 3001, 2, "nested too deeply"),
])
def test_a_file_that_does_not_parse_is_an_error_with_its_line(tmp_path, content, line, message):
    (tmp_path / "bad.tf").write_text(content)
    write(tmp_path, "good.tf", 'resource "aws_s3_bucket" "ok" { bucket = "ok" }\n')
    config, resources = read(tmp_path)
    assert len(config.errors) == 1, config.errors
    error = config.errors[0]
    assert error.file == str(tmp_path / "bad.tf") and message in error.message
    assert error.line >= line and error.line <= content.count("\n") + 1
    assert resources["aws_s3_bucket.ok"].values == {"bucket": "ok"}  # the other files are still read


def test_binary_and_oversized_files_are_errors(tmp_path):
    (tmp_path / "bin.tf").write_bytes(b"resource \"a\" \"b\" {}\n\xff\xfe\x00\x01")
    (tmp_path / "nul.tf").write_bytes(b"x = 1\n\x00\n")
    (tmp_path / "big.tf").write_bytes(b"# " + b"x" * (3 * 1024 * 1024) + b"\n")
    config, _ = read(tmp_path)
    messages = {e.file.rsplit("/", 1)[1]: (e.line, e.message) for e in config.errors}
    assert messages["bin.tf"] == (2, "not a Terraform file: not UTF-8 text")
    assert messages["nul.tf"] == (2, "not a Terraform file: binary data")
    assert "larger than the 2 MB limit" in messages["big.tf"][1]


def test_configurations_terraform_refuses_are_errors(tmp_path):
    write(tmp_path, "a.tf", 'resource "aws_s3_bucket" "b" {}\nmodule "m" { source = "./missing" }\n')
    write(tmp_path, "b.tf", 'resource "aws_s3_bucket" "b" {}\n')
    config, resources = read(tmp_path)
    messages = sorted(e.message for e in config.errors)
    assert messages[0].startswith("module 'm': source directory") and "does not exist" in messages[0]
    assert messages[1].startswith("resource aws_s3_bucket.b is declared twice (first in")
    assert list(resources) == ["aws_s3_bucket.b"]


def test_cycles_and_self_calling_modules_are_unknown_not_a_hang(tmp_path):
    write(tmp_path, "main.tf", """
        locals {
          a = local.b
          b = local.a
        }
        module "self" { source = "./" }
        resource "aws_s3_bucket" "b" { bucket = local.a }
        """)
    config, resources = read(tmp_path)
    assert isinstance(resources["aws_s3_bucket.b"].values["bucket"], Unknown)
    assert any("nested more than" in e.message for e in config.errors)


def test_jsonvalue_round_trip_with_symbolic_parts():
    role = Reference("aws_iam_role.r", "arn")
    encoded = jsonvalue.encode({"b": [1, True, None], "a": role, "c": Composite((role, "/x"))})
    assert isinstance(encoded, Composite)
    assert jsonvalue.decode(encoded) == {"a": role, "b": [1, True, None], "c": Composite((role, "/x"))}
    assert jsonvalue.encode({"k": "v"}) == '{"k":"v"}'
    assert isinstance(jsonvalue.decode("not json"), Unknown)


def test_grammar_cache_goes_to_the_user_cache_when_the_package_folder_is_read_only(tmp_path, monkeypatch):
    import os

    import hcl2.parser as module

    from mlcheck.inputs.terraform import hcl

    package_dir = tmp_path / "site-packages" / "hcl2"
    package_dir.mkdir(parents=True)
    monkeypatch.setattr(module, "PARSER_FILE", package_dir / ".lark_cache.bin")
    real_access = os.access
    monkeypatch.setattr(hcl.os, "access", lambda path, mode: False if str(path) == str(package_dir)
                        else real_access(path, mode))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    module.parser.cache_clear()
    try:
        write(tmp_path / "tf", "main.tf", 'resource "aws_s3_bucket" "b" { bucket = "b" }\n')
        _, resources = read(tmp_path / "tf")
        assert resources["aws_s3_bucket.b"].values == {"bucket": "b"}
        assert (tmp_path / "cache" / "mlcheck" / "hcl2-grammar.lark-cache").stat().st_size > 0
        assert not (package_dir / ".lark_cache.bin").exists()
    finally:
        module.parser.cache_clear()


def test_iam_policy_document_data_source_gives_the_policy_json(tmp_path):
    write(tmp_path, "main.tf", """
        variable "actions" { default = ["s3:PutObject", "s3:GetObject"] }
        resource "aws_s3_bucket" "data" { bucket = "data" }
        data "aws_iam_policy_document" "assume" {
          statement {
            actions = ["sts:AssumeRole"]
            principals {
              type        = "Service"
              identifiers = ["sagemaker.amazonaws.com"]
            }
          }
        }
        data "aws_iam_policy_document" "access" {
          statement {
            sid       = "Data"
            actions   = var.actions
            resources = ["${aws_s3_bucket.data.arn}/*"]
            condition {
              test     = "Bool"
              variable = "aws:SecureTransport"
              values   = ["true"]
            }
          }
          statement {
            effect        = "Deny"
            not_actions   = ["s3:*"]
            not_resources = ["*"]
            principals {
              type        = "*"
              identifiers = ["*"]
            }
          }
        }
        data "aws_iam_policy_document" "merged" {
          source_policy_documents = [data.aws_iam_policy_document.assume.json]
        }
        resource "aws_iam_role" "r" {
          assume_role_policy = data.aws_iam_policy_document.assume.json
        }
        resource "aws_iam_role_policy" "p" {
          policy = data.aws_iam_policy_document.access.json
          merged = data.aws_iam_policy_document.merged.json
          other  = data.aws_caller_identity.current.account_id
        }
        """)
    _, resources = read(tmp_path)
    assert json.loads(resources["aws_iam_role.r"].values["assume_role_policy"]) == {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "sagemaker.amazonaws.com"}}]}
    policy = resources["aws_iam_role_policy.p"].values
    assert jsonvalue.decode(policy["policy"]) == {"Version": "2012-10-17", "Statement": [
        {"Sid": "Data", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": Composite((Reference("aws_s3_bucket.data", "arn"), "/*")),
         "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
        {"Effect": "Deny", "NotAction": "s3:*", "NotResource": "*", "Principal": "*"}]}
    assert policy["merged"] == Unknown("an aws_iam_policy_document with source_policy_documents (merged by the "
                                       "provider)")
    assert isinstance(policy["other"], Unknown)


def test_file_and_templatefile_read_the_configurations_own_files(tmp_path):
    write(tmp_path / "tf", "main.tf", """
        module "m" { source = "./modules/m" }
        resource "aws_iam_policy" "p" {
          policy   = file("${path.module}/policies/read.json")
          rendered = templatefile("${path.root}/policies/bucket.tpl", { bucket = "data", role = aws_iam_role.r.arn })
          outside  = file("${path.module}/../secret.txt")
          missing  = file("${path.module}/nope.json")
          fallback = try(var.x, "d")
        }
        resource "aws_iam_role" "r" {}
        """)
    write(tmp_path / "tf", "policies/read.json", '{"Statement": []}\n')
    write(tmp_path / "tf", "policies/bucket.tpl", 'arn:aws:s3:::${bucket}/* by ${role}\n')
    write(tmp_path / "tf", "modules/m/main.tf",
          'resource "aws_iam_policy" "q" { policy = file("${path.module}/q.json") }\n')
    write(tmp_path / "tf", "modules/m/q.json", '{"q": 1}')
    write(tmp_path, "secret.txt", "do not read\n")
    _, resources = read(tmp_path / "tf")
    values = resources["aws_iam_policy.p"].values
    assert values["policy"] == '{"Statement": []}\n'
    assert values["rendered"] == Composite(("arn:aws:s3:::data/* by ", Reference("aws_iam_role.r", "arn"), "\n"))
    assert isinstance(values["outside"], Unknown) and "outside the configuration" in values["outside"].reason
    assert isinstance(values["missing"], Unknown)
    assert values["fallback"] == Unknown("try() of a value that is not known")
    assert resources["module.m.aws_iam_policy.q"].values["policy"] == '{"q": 1}'


def test_override_files_replace_the_arguments_they_write(tmp_path):
    write(tmp_path, "main.tf", """
        resource "aws_sagemaker_notebook_instance" "n" {
          name                   = "n"
          direct_internet_access = "Enabled"
          root_access            = "Enabled"
        }
        """)
    write(tmp_path, "main_override.tf", """
        resource "aws_sagemaker_notebook_instance" "n" {
          direct_internet_access = "Disabled"
        }
        """)
    config, resources = read(tmp_path)
    assert config.errors == []
    notebook = resources["aws_sagemaker_notebook_instance.n"]
    assert notebook.values == {"name": "n", "direct_internet_access": "Disabled", "root_access": "Enabled"}
    assert notebook.positions[("direct_internet_access",)] == Position(str(tmp_path / "main_override.tf"), 2, 3,
                                                                       2, 38)
    assert notebook.positions[("root_access",)].file == str(tmp_path / "main.tf")


def test_module_calls_with_count_and_for_each(tmp_path):
    write(tmp_path, "main.tf", """
        module "bucket" {
          source   = "./modules/bucket"
          for_each = { raw = "r", clean = "c" }
          name     = "data-${each.key}-${each.value}"
        }
        module "pair" {
          source = "./modules/bucket"
          count  = 2
          name   = "pair-${count.index}"
        }
        module "off" {
          source = "./modules/bucket"
          count  = 0
          name   = "never"
        }
        module "maybe" {
          source = "./modules/bucket"
          count  = var.enabled ? 1 : 0
          name   = "maybe"
        }
        variable "enabled" {}
        resource "aws_iam_policy" "p" {
          raw   = module.bucket["raw"].arn
          pairs = module.pair[*].arn
          whole = module.pair
        }
        """)
    write(tmp_path, "modules/bucket/main.tf", """
        variable "name" {}
        resource "aws_s3_bucket" "this" { bucket = var.name }
        output "arn" { value = aws_s3_bucket.this.arn }
        """)
    config, resources = read(tmp_path)
    assert resources['module.bucket["raw"].aws_s3_bucket.this'].values == {"bucket": "data-raw-r"}
    assert resources['module.bucket["clean"].aws_s3_bucket.this'].values == {"bucket": "data-clean-c"}
    assert resources["module.pair[1].aws_s3_bucket.this"].values == {"bucket": "pair-1"}
    assert not any(a.startswith("module.off") for a in resources)
    assert [(u.address, u.reason) for u in config.unknowns] == [
        ("module.maybe", "count of module.maybe cannot be known, so its instances are not known")]
    policy = resources["aws_iam_policy.p"].values
    assert policy["raw"] == Reference('module.bucket["raw"].aws_s3_bucket.this', "arn")
    assert policy["pairs"] == [Reference("module.pair[0].aws_s3_bucket.this", "arn"),
                               Reference("module.pair[1].aws_s3_bucket.this", "arn")]
    assert isinstance(policy["whole"], Unknown)


def test_modules_that_multiply_are_bounded(tmp_path):
    write(tmp_path, "main.tf", 'module "m" {\n  source = "./"\n  count  = 2\n}\nresource "aws_s3_bucket" "b" {}\n')
    config, resources = read(tmp_path)
    assert any("module instances" in e.message or "nested more than" in e.message for e in config.errors)
    assert 0 < len(resources) <= 500
