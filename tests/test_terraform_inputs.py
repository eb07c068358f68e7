"""A Terraform configuration as an input: discovery (one candidate per directory of .tf files), the runner (one
input, findings in the .tf file of their resource, a named .tf file reports its own findings), --var-file, and
errors (exit 2 with file and line, the other inputs still checked).

The mapping onto the model (mlcheck.inputs.terraform.mapping) is another module's job; these tests give the
runner a minimal stand-in that maps notebook instances only, so they hold the wiring and nothing of the mapping.
"""

import sys
import textwrap
import types

import pytest

from mlcheck.inputs.discovery import discover
from mlcheck.model.document import MAPPING, Document, LocationTable
from mlcheck.model.template import Resource, Template


def _stub_to_template(resources, file):
    """Notebook instances as CloudFormation NotebookInstances (DirectInternetAccess from direct_internet_access,
    whose provider default is Enabled), located where the .tf wrote them."""
    table = LocationTable()
    root = table.add(None, None, MAPPING, (1, 1, 1, 1))
    section = table.add(root, "Resources", MAPPING, (1, 1, 1, 1))
    data = {"Resources": {}}
    template = Template(file=file, document=Document(data, table, ""))
    for resource in resources:
        if resource.type != "aws_sagemaker_notebook_instance":
            continue
        block = resource.position(())
        node = table.add(section, resource.address, MAPPING, (block.line, block.column, block.end_line, 1))
        props = table.add(node, "Properties", MAPPING, (block.line, block.column, block.end_line, 1))
        value = resource.values.get("direct_internet_access", "Enabled")
        at = resource.position(("direct_internet_access",))
        table.add(props, "DirectInternetAccess", 0, (at.line, at.column, at.end_line, at.end_column))
        table.place(props, block.line, block.column, block.end_line, 1)
        table.place(node, block.line, block.column, block.end_line, 1)
        definition = {"Type": "AWS::SageMaker::NotebookInstance", "Properties": {"DirectInternetAccess": value}}
        data["Resources"][resource.address] = definition
        template.resources[resource.address] = Resource(resource.address, definition["Type"], definition,
                                                        ("Resources", resource.address))
    table.place(section, 1, 1, 1, 1)
    table.place(root, 1, 1, 1, 1)
    return template


@pytest.fixture
def stub_mapping(monkeypatch):
    module = types.ModuleType("mlcheck.inputs.terraform.mapping")
    module.to_template = _stub_to_template
    monkeypatch.setitem(sys.modules, "mlcheck.inputs.terraform.mapping", module)
    import mlcheck.inputs.terraform as package

    monkeypatch.setattr(package, "mapping", module, raising=False)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))


NOTEBOOK = """
resource "aws_sagemaker_notebook_instance" "{name}" {{
  name          = "{name}"
  instance_type = "ml.t3.medium"
  direct_internet_access = var.access
}}
"""


def configuration(directory, names=("a",), access_default="Enabled"):
    write(directory / "variables.tf", f'variable "access" {{ default = "{access_default}" }}\n')
    for name in names:
        write(directory / f"{name}.tf", NOTEBOOK.format(name=name))


def run(paths, monkeypatch, cwd, *args):
    from click.testing import CliRunner

    from mlcheck.cli import cli

    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(cli, [*args, "--select", "MLC401", "--jobs", "1", *paths], catch_exceptions=False)
    return result.exit_code, result.output


def test_discovery_one_candidate_per_configuration_modules_and_terraform_folder_skipped(tmp_path, monkeypatch):
    configuration(tmp_path / "infra" / "prod")
    write(tmp_path / "infra" / "prod" / "mod.tf", 'module "net" { source = "../../modules/net" }\n')
    write(tmp_path / "modules" / "net" / "main.tf", 'resource "aws_vpc" "v" {}\n')
    write(tmp_path / "infra" / "prod" / ".terraform" / "modules" / "x" / "main.tf", 'resource "aws_vpc" "v" {}\n')
    write(tmp_path / "stack.yaml", "AWSTemplateFormatVersion: '2010-09-09'\n")
    monkeypatch.chdir(tmp_path)
    found = {c.path: c for c in discover(["."])}
    assert sorted(found) == ["infra/prod", "stack.yaml"]  # the module is read through its call
    prod = found["infra/prod"]
    assert prod.terraform and not prod.explicit and prod.only is None
    # named .tf files: their directory's configuration, their own findings
    found = discover(["infra/prod/a.tf", "infra/prod/mod.tf", "modules/net/main.tf"])
    assert [(c.path, c.only, c.explicit) for c in found] == [
        ("infra/prod", ("infra/prod/a.tf", "infra/prod/mod.tf"), True),
        ("modules/net", ("modules/net/main.tf",), True)]
    # a walk of the directory as well: the whole configuration
    assert [c.only for c in discover(["infra/prod/a.tf", "infra"])] == [None]


def test_discovery_honours_gitignore_for_tf_files(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", "generated/\n")
    configuration(tmp_path / "generated")
    configuration(tmp_path / "live")
    monkeypatch.chdir(tmp_path)
    assert [c.path for c in discover(["."])] == ["live"]


def test_a_directory_is_one_input_findings_in_their_tf_file(tmp_path, monkeypatch, stub_mapping):
    configuration(tmp_path / "tf", names=("a", "b"))
    code, out = run(["tf"], monkeypatch, tmp_path)
    assert code == 1, out
    assert "tf/a.tf:4:3: MLC401" in out and "tf/b.tf:4:3: MLC401" in out
    assert "2 findings" in out
    configuration(tmp_path / "closed", names=("a", "b"), access_default="Disabled")
    code, out = run(["closed"], monkeypatch, tmp_path)
    assert code == 0 and "0 findings in 1 file checked" in out, out  # one configuration, one input


def test_a_named_tf_file_reports_its_own_findings(tmp_path, monkeypatch, stub_mapping):
    configuration(tmp_path / "tf", names=("a", "b"))
    code, out = run(["tf/b.tf"], monkeypatch, tmp_path)
    assert code == 1 and "tf/b.tf:4:3: MLC401" in out and "a.tf" not in out, out


def test_var_file_option_sets_variables(tmp_path, monkeypatch, stub_mapping):
    configuration(tmp_path / "tf", names=("a",))
    write(tmp_path / "closed.tfvars", 'access = "Disabled"\n')
    code, out = run(["tf"], monkeypatch, tmp_path, "--var-file", "closed.tfvars")
    assert code == 0 and "MLC401" not in out, out
    write(tmp_path / "tf" / "terraform.tfvars", 'access = "Disabled"\n')  # read by itself, as Terraform does
    code, out = run(["tf"], monkeypatch, tmp_path)
    assert code == 0, out
    code, out = run(["tf"], monkeypatch, tmp_path, "--var-file", "missing.tfvars")
    assert code == 2 and "missing.tfvars:1:1: MLC001" in out, out


def test_a_file_that_does_not_parse_is_exit_2_with_its_line_the_rest_checked(tmp_path, monkeypatch, stub_mapping):
    configuration(tmp_path / "tf", names=("a",))
    write(tmp_path / "tf" / "broken.tf", 'resource "x" "y" {\n  name = \n}\n')
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "main.tf").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff")
    configuration(tmp_path / "other", names=("c",))
    code, out = run(["tf", "bin", "other"], monkeypatch, tmp_path)
    assert code == 2, out
    assert "tf/broken.tf:2:10: MLC001" in out and "does not parse as HCL: unexpected end of line" in out
    assert "bin/main.tf:1:1: MLC001" in out and "not UTF-8 text" in out
    assert "tf/a.tf:4:3: MLC401" in out and "other/c.tf:4:3: MLC401" in out  # still checked
    assert "Traceback" not in out


def test_a_module_not_downloaded_is_said(tmp_path, monkeypatch, stub_mapping):
    configuration(tmp_path / "tf", names=("a",))
    write(tmp_path / "tf" / "vpc.tf", 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n')
    code, out = run(["tf"], monkeypatch, tmp_path, "--show-unknown")
    assert code == 1, out
    assert "tf/vpc.tf:1: * could not verify (module.vpc): module source 'terraform-aws-modules/vpc/aws' is not " \
           "downloaded" in out


def test_the_hcl_parser_is_not_imported_for_templates(tmp_path):
    import subprocess

    write(tmp_path / "stack.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n")
    code = ("import sys\nfrom mlcheck.cli import main\nsys.argv = ['mlcheck', 'stack.yaml']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('hcl2', 'lark') "
            "or m.startswith('mlcheck.inputs.terraform.')))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout + proc.stderr
