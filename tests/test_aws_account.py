"""The AWS account as an input (`aws://REGION`, `--aws`), against a moto server started here on 127.0.0.1 and
seeded with boto3 calls. No test reaches a real AWS endpoint: dummy credentials, AWS_ENDPOINT_URL pointing at the
moto server (asserted), no shared config or credentials files, no instance metadata.

moto's gaps, where botocore's Stubber stands in for the API: ListUserProfiles and ListMonitoringSchedules are
not implemented (test_user_profiles_and_schedules_through_stubbed_api); ListFeatureGroups fails, which the scan
reports as unknown (test_scan_lists_what_it_could_not_read)."""

import json
import os
import re
import subprocess
import sys

import pytest

import boto3  # noqa: E402  (in [test]: these tests never skip)
import moto.server as moto_server  # noqa: E402

from mlcheck.inputs.aws_account.permissions import CALLS, policy_document  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REGION = "us-east-1"
ACCOUNT = "123456789012"
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
                                                 "Action": "sts:AssumeRole"}]}


@pytest.fixture(scope="session")
def moto_env(tmp_path_factory):
    """A moto server on 127.0.0.1 and the environment that points every AWS client at it."""
    saved_policies = os.environ.get("MOTO_IAM_LOAD_MANAGED_POLICIES")
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"  # so AmazonSageMakerFullAccess can be attached
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    empty = tmp_path_factory.mktemp("awsconfig") / "none"
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
           "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION, "AWS_ENDPOINT_URL": f"http://{host}:{port}",
           "AWS_CONFIG_FILE": str(empty), "AWS_SHARED_CREDENTIALS_FILE": str(empty),
           "AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "1"}
    saved = {k: os.environ.get(k) for k in env}
    saved["MOTO_IAM_LOAD_MANAGED_POLICIES"] = saved_policies
    os.environ.update(env)
    assert host == "127.0.0.1"
    assert boto3.client("sagemaker").meta.endpoint_url == env["AWS_ENDPOINT_URL"]
    yield env
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    server.stop()


@pytest.fixture(scope="session")
def seeded(moto_env):
    """The acceptance account: a notebook with direct internet and root access and no key whose role attaches
    AmazonSageMakerFullAccess; a model whose role has no KMS grant; a single-instance endpoint config
    encrypted with a customer managed key. Plus a notebook tagged mlcheck:ignore."""
    iam, sm, kms = boto3.client("iam"), boto3.client("sagemaker"), boto3.client("kms")
    nb_role = iam.create_role(RoleName="nb-role", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.attach_role_policy(RoleName="nb-role", PolicyArn="arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")
    model_role = iam.create_role(RoleName="model-role", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    iam.put_role_policy(RoleName="model-role", PolicyName="read-models", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::models/*"}]}))
    notebook = sm.create_notebook_instance(NotebookInstanceName="nb", InstanceType="ml.t3.medium", RoleArn=nb_role,
                                           DirectInternetAccess="Enabled", RootAccess="Enabled")
    lab = sm.create_notebook_instance(NotebookInstanceName="lab", InstanceType="ml.t3.medium", RoleArn=nb_role,
                                      DirectInternetAccess="Enabled", RootAccess="Disabled",
                                      Tags=[{"Key": "mlcheck:ignore", "Value": "MLC401 isolated lab account"}])
    key = kms.create_key(Description="endpoint volumes")["KeyMetadata"]
    model = sm.create_model(ModelName="m", ExecutionRoleArn=model_role, PrimaryContainer={
        "Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/model:1"})
    config = sm.create_endpoint_config(EndpointConfigName="ec", KmsKeyId=key["Arn"], ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}])
    # a model whose role is granted the key by ARN: no MLC203 (the key matched by its real ARN)
    iam.create_role(RoleName="granted-role", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(RoleName="granted-role", PolicyName="use-key", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": key["Arn"], "Action": [
            "kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant"]}]}))
    sm.create_model(ModelName="granted", ExecutionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/granted-role",
                    PrimaryContainer={"Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/model:1"})
    granted = sm.create_endpoint_config(EndpointConfigName="granted", KmsKeyId=key["KeyId"], ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "granted", "InitialInstanceCount": 2,
        "InstanceType": "ml.m5.large"}])
    return {"granted": granted["EndpointConfigArn"], "notebook": notebook["NotebookInstanceArn"], "lab": lab["NotebookInstanceArn"], "nb_role": nb_role,
            "model_role": model_role, "key": key["Arn"], "key_id": key["KeyId"], "model": model["ModelArn"],
            "config": config["EndpointConfigArn"], "env": moto_env}


def _mlcheck(*args, env, cwd=None):
    proc = subprocess.run([sys.executable, "-m", "mlcheck", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, cwd=cwd or ROOT, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def _by_arn(findings):
    out = {}
    for finding in findings:
        out.setdefault(finding.get("arn"), set()).add(finding["rule"])
    return out


# -- acceptance -----------------------------------------------------------------------------------------------

def test_scan_of_the_seeded_account_reports_each_problem_on_its_resource(seeded):
    code, out, err = _mlcheck("aws://us-east-1", "--output-format", "json", env=seeded["env"])
    assert code == 1, err
    findings = [f for f in json.loads(out)["findings"] if not f["suppressed"]]
    found = _by_arn(findings)
    assert {"MLC401", "MLC403", "MLC201"} <= found[seeded["notebook"]]
    assert "MLC101" in found[seeded["nb_role"]]
    assert {"MLC501", "MLC203"} <= found[seeded["config"]]
    notebook = next(f for f in findings if f["rule"] == "MLC401" and f["arn"] == seeded["notebook"])
    assert notebook["resource"] == "notebook-instance/nb"
    assert notebook["file"] == "aws://us-east-1/sagemaker/notebook-instance/nb"
    assert notebook["resource_type"] == "AWS::SageMaker::NotebookInstance"
    assert "MLC203" not in found.get(seeded["granted"], set())  # its role may use the key (named by key id)
    assert [f["arn"] for f in findings if f["rule"] == "MLC203"] == [seeded["config"]]
    mlc203 = next(f for f in findings if f["rule"] == "MLC203")
    assert "role/model-role" in mlc203["message"] and seeded["key_id"] in mlc203["message"]


def test_tag_mlcheck_ignore_suppresses_with_its_reason(seeded):
    code, out, err = _mlcheck("aws://us-east-1", "-f", "json", env=seeded["env"])
    lab = [f for f in json.loads(out)["findings"] if f["arn"] == seeded["lab"] and f["rule"] == "MLC401"]
    assert len(lab) == 1 and lab[0]["suppressed"] and lab[0]["suppression_reason"] == "isolated lab account"
    nb = [f for f in json.loads(out)["findings"] if f["arn"] == seeded["notebook"] and f["rule"] == "MLC401"]
    assert not nb[0]["suppressed"]


def test_sarif_names_the_resource_by_arn_and_an_aws_uri(seeded):
    code, out, err = _mlcheck("aws://us-east-1", "-f", "sarif", "--select", "MLC401", env=seeded["env"])
    results = json.loads(out)["runs"][0]["results"]
    entry = next(r for r in results if r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                 == seeded["notebook"])
    artifact = entry["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "aws://us-east-1/sagemaker/notebook-instance/nb"}
    from jsonschema import validate

    from conftest import SARIF_SCHEMA

    validate(json.loads(out), json.loads(SARIF_SCHEMA.read_text()))


def test_select_fail_on_baseline_and_per_path_ignores_work_on_aws_paths(seeded, tmp_path):
    env = seeded["env"]
    code, out, _ = _mlcheck("aws://us-east-1", "-f", "json", "--select", "MLC403", env=env)
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"MLC403"} and code == 1
    code, _, _ = _mlcheck("aws://us-east-1", "--select", "MLC403", "--fail-on", "high", env=env)
    assert code == 0  # MLC403 is medium
    baseline = tmp_path / "baseline.json"
    code, _, _ = _mlcheck("aws://us-east-1", "--write-baseline", str(baseline), env=env)
    assert code == 0
    code, out, _ = _mlcheck("aws://us-east-1", "-f", "json", "--baseline", str(baseline), env=env)
    assert code == 0 and [f for f in json.loads(out)["findings"] if not f["suppressed"]] == []
    (tmp_path / ".mlcheck.yaml").write_text(
        'per-path-ignores:\n  "aws://us-east-1/sagemaker/notebook-instance/*": [MLC401, MLC403]\n')
    code, out, _ = _mlcheck("aws://us-east-1", "-f", "json", "--select", "MLC401,MLC403,MLC501", env=env,
                            cwd=tmp_path)
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"MLC501"}


def test_scan_lists_what_it_could_not_read(seeded):
    code, out, err = _mlcheck("aws://us-east-1", "--show-unknown", env=seeded["env"])
    # moto does not implement these lists: each is an unknown with its reason, the rest of the scan stands
    assert re.search(r"could not verify \(SageMaker FeatureGroup resources\): sagemaker:ListFeatureGroups failed",
                     err)
    assert "MLC401" in out


def test_access_denied_on_one_call_is_unknown_and_leaves_the_rest(seeded, monkeypatch, run_cli):
    from botocore.awsrequest import AWSResponse

    from mlcheck.inputs.aws_account import session

    def deny(**_):
        return (AWSResponse("https://kms", 400, {}, None),
                {"Error": {"Code": "AccessDeniedException", "Message": "not authorized to GetKeyPolicy"},
                 "ResponseMetadata": {"HTTPStatusCode": 400}})

    original = session.AccountReader.client

    def client(self, service):
        found = original(self, service)
        if service == "kms":
            found.meta.events.register("before-call.kms.GetKeyPolicy", deny, unique_id="deny-key-policy")
        return found

    monkeypatch.setattr(session.AccountReader, "client", client)
    code, out, err = run_cli("aws://us-east-1", "-f", "json", "--show-unknown", env=seeded["env"])
    found = _by_arn([f for f in json.loads(out)["findings"] if not f["suppressed"]])
    assert "MLC203" not in found[seeded["config"]]  # the key policy is unknown: no finding, no pass
    assert "MLC501" in found[seeded["config"]] and "MLC401" in found[seeded["notebook"]]
    assert "MLC101" in found[seeded["nb_role"]]
    assert re.search(r"MLC203 could not verify .*kms:GetKeyPolicy failed: AccessDeniedException", err)


# -- behaviour --------------------------------------------------------------------------------------------------

def test_every_call_is_declared_and_the_readme_policy_is_the_declared_list(seeded):
    from mlcheck.inputs.aws_account.scan import read_region
    from mlcheck.inputs.aws_account.session import AccountReader

    reader = AccountReader(REGION)
    inventory = read_region(reader)
    sent = set(reader.operations)
    assert sent, "the scan sent no request"
    names = {(service, op) for service, op in CALLS}
    assert sent <= names, sent - names
    assert all(op.startswith(("Describe", "List", "Get")) for _, op in CALLS)  # read-only
    assert {("sagemaker", "DescribeNotebookInstance"), ("iam", "GetRole"), ("kms", "GetKeyPolicy")} <= sent
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    block = re.search(r"<!-- aws-policy -->\s*```json\n(.*?)```", readme, re.S)
    assert block, "README has no IAM policy block"
    assert json.loads(block.group(1)) == policy_document()
    assert {r.arn for r in inventory.resources} >= {seeded["notebook"], seeded["nb_role"], seeded["key"]}


def test_reader_uses_standard_retries_bounded_pool_and_the_endpoint(seeded):
    from mlcheck.inputs.aws_account.session import MAX_PARALLEL, AccountReader

    reader = AccountReader(REGION, timeout=30)
    client = reader.client("sagemaker")
    assert client.meta.config.retries["mode"] == "standard"
    assert client.meta.config.max_pool_connections == MAX_PARALLEL
    assert client.meta.endpoint_url == seeded["env"]["AWS_ENDPOINT_URL"]


def test_timeout_makes_what_is_left_unknown(seeded):
    from mlcheck.inputs.aws_account.session import AccountReader, Failed

    reader = AccountReader(REGION, timeout=30)
    reader.deadline = 0  # already past
    got = reader.call("sagemaker", "ListModels")
    assert isinstance(got, Failed) and "--aws-timeout" in got.reason
    assert reader.operations == []


def test_undeclared_call_is_refused(seeded):
    from mlcheck.inputs.aws_account.session import AccountReader

    with pytest.raises(KeyError):
        AccountReader(REGION).call("sagemaker", "DeleteModel", ModelName="m")


def test_user_profiles_and_schedules_through_stubbed_api(moto_env):
    """moto implements neither ListUserProfiles nor ListMonitoringSchedules: botocore's Stubber answers."""
    from botocore.stub import Stubber

    from mlcheck.inputs.aws_account import sagemaker
    from mlcheck.inputs.aws_account.inventory import Inventory
    from mlcheck.inputs.aws_account.session import AccountReader

    reader = AccountReader(REGION)
    client = reader.client("sagemaker")
    profile_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:user-profile/d-abc/alice"
    schedule_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:monitoring-schedule/drift"
    with Stubber(client) as stub:
        stub.add_response("list_user_profiles", {"UserProfiles": [{"DomainId": "d-abc", "UserProfileName": "alice"}]})
        stub.add_response("describe_user_profile", {
            "DomainId": "d-abc", "UserProfileName": "alice", "UserProfileArn": profile_arn,
            "UserSettings": {"ExecutionRole": f"arn:aws:iam::{ACCOUNT}:role/alice"}})
        stub.add_response("list_tags", {"Tags": []}, {"ResourceArn": profile_arn})
        stub.add_response("list_monitoring_schedules", {"MonitoringScheduleSummaries": [{
            "MonitoringScheduleName": "drift", "MonitoringScheduleArn": schedule_arn,
            "CreationTime": 0, "LastModifiedTime": 0, "MonitoringScheduleStatus": "Scheduled"}]})
        stub.add_response("describe_monitoring_schedule", {
            "MonitoringScheduleName": "drift", "MonitoringScheduleArn": schedule_arn, "EndpointName": "ep",
            "MonitoringScheduleStatus": "Scheduled", "CreationTime": 0, "LastModifiedTime": 0,
            "MonitoringScheduleConfig": {"MonitoringJobDefinitionName": "dq", "MonitoringType": "DataQuality"}})
        stub.add_response("list_tags", {"Tags": [{"Key": "team", "Value": "ml"}]}, {"ResourceArn": schedule_arn})
        inventory = Inventory(REGION)
        kinds = [k for k in sagemaker.KINDS if k.create in ("CreateUserProfile", "CreateMonitoringSchedule")]
        for kind in kinds:
            sagemaker.scan(reader, inventory, kinds=[kind])
        stub.assert_no_pending_responses()
    by_type = {r.type: r for r in inventory.resources}
    profile = by_type["AWS::SageMaker::UserProfile"]
    assert profile.properties == {"DomainId": "d-abc", "UserProfileName": "alice", "UserSettings": {
        "ExecutionRole": f"arn:aws:iam::{ACCOUNT}:role/alice"}, "Tags": []}
    schedule = by_type["AWS::SageMaker::MonitoringSchedule"]
    assert schedule.properties["EndpointName"] == "ep" and "MonitoringScheduleStatus" not in schedule.properties
    assert schedule.properties["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_progress_line_only_on_a_terminal(monkeypatch):
    import io
    import time

    from mlcheck.inputs.aws_account import progress as module

    class Reader:
        operations = [1, 2, 3]
        elapsed = 4.0

    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(module, "DELAY", 0.01)
    monkeypatch.setattr(module, "INTERVAL", 0.01)
    tty, pipe = Tty(), io.StringIO()
    with module.progress(Reader(), "aws://us-east-1", tty):
        time.sleep(0.1)
    with module.progress(Reader(), "aws://us-east-1", pipe):
        time.sleep(0.05)
    assert "reading aws://us-east-1: 3 API calls, 4 s" in tty.getvalue()
    assert pipe.getvalue() == ""


def test_a_template_run_imports_no_boto3_and_opens_no_socket(tmp_path):
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n"
                        "      InstanceType: ml.t3.medium\n      RoleArn: arn:aws:iam::123456789012:role/r\n")
    script = (
        "import socket, sys\n"
        "def refuse(*a, **k):\n    raise AssertionError('network access')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\nsocket.getaddrinfo = refuse\n"
        "from mlcheck.cli import cli\n"
        "try:\n    cli.main([sys.argv[1], '-f', 'json'], standalone_mode=False)\n"
        "except SystemExit as e:\n    code = e.code\n"
        "assert 'boto3' not in sys.modules, 'boto3 imported'\n"
        "assert not any(m.startswith('mlcheck.inputs.aws_account.') for m in sys.modules)\n"
        "print('CODE', code)\n")
    proc = subprocess.run([sys.executable, "-c", script, str(template)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "CODE 1" in proc.stdout and "MLC401" in proc.stdout


def test_missing_boto3_is_a_clear_error(monkeypatch, run_cli):
    import builtins

    real = builtins.__import__

    def no_boto3(name, *args, **kwargs):
        if name == "boto3" or name.startswith("boto3."):
            raise ImportError("No module named 'boto3'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_boto3)
    code, out, err = run_cli("aws://us-east-1")
    assert code == 2
    assert "pip install 'mlcheck-aws[aws]'" in out + err


# -- --aws: a template's outside values looked up in the account ------------------------------------------------

PARAMETER_TEMPLATE = """\
Parameters:
  RoleArn: {Type: String}
  KeyArn: {Type: String}
Resources:
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !Ref RoleArn
      PrimaryContainer: {Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1}
  EndpointConfig:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      KmsKeyId: %s
      ProductionVariants:
        - {VariantName: AllTraffic, ModelName: !GetAtt Model.ModelName, InitialInstanceCount: 2,
           InstanceType: ml.m5.large}
"""


def test_aws_resolves_parameters_to_account_role_and_key(seeded, tmp_path):
    template = tmp_path / "stack.yaml"
    template.write_text(PARAMETER_TEMPLATE % "!Ref KeyArn")
    params = ["--parameter", f"RoleArn={seeded['model_role']}", "--parameter", f"KeyArn={seeded['key']}"]
    code, out, err = _mlcheck(str(template), "-f", "json", "--select", "MLC203", *params, env=seeded["env"])
    assert json.loads(out)["findings"] == []
    code, out, err = _mlcheck(str(template), "-f", "json", "--select", "MLC203", "--aws", *params,
                              env=seeded["env"])
    findings = json.loads(out)["findings"]
    assert [(f["rule"], f["resource"], f["line"]) for f in findings] == [("MLC203", "EndpointConfig", 13)]  # KmsKeyId
    assert "role/model-role" in findings[0]["message"] and "arn" not in findings[0]


def test_aws_follows_import_value_through_list_exports(seeded, tmp_path, monkeypatch, run_cli):
    """ListExports answered by a botocore hook: exports need a CloudFormation stack, which the seed avoids."""
    from botocore.awsrequest import AWSResponse

    from mlcheck.inputs.aws_account import lookup, session

    def exports(**_):
        return (AWSResponse("https://cloudformation", 200, {}, None),
                {"Exports": [{"Name": "ml-key", "Value": seeded["key"], "ExportingStackId": "s"}]})

    original = session.AccountReader.client

    def client(self, service):
        found = original(self, service)
        if service == "cloudformation":
            found.meta.events.register("before-call.cloudformation.ListExports", exports, unique_id="exports")
        return found

    monkeypatch.setattr(session.AccountReader, "client", client)
    lookup.reader_for.cache_clear()
    lookup._exports.cache_clear()
    template = tmp_path / "stack.yaml"
    template.write_text(PARAMETER_TEMPLATE % "!ImportValue ml-key")
    code, out, err = run_cli(str(template), "-f", "json", "--select", "MLC203", "--aws", "--parameter",
                             f"RoleArn={seeded['model_role']}", "--parameter", "KeyArn=unused", env=seeded["env"])
    lookup.reader_for.cache_clear()
    lookup._exports.cache_clear()
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["MLC203"]


def test_aws_lookup_failure_is_unknown_with_reason(seeded, tmp_path):
    template = tmp_path / "stack.yaml"
    template.write_text(PARAMETER_TEMPLATE % "!Ref KeyArn")
    missing = f"arn:aws:iam::{ACCOUNT}:role/no-such-role"
    code, out, err = _mlcheck(str(template), "-f", "json", "--select", "MLC203", "--aws", "--show-unknown",
                              "--parameter", f"RoleArn={missing}", "--parameter", f"KeyArn={seeded['key']}",
                              env=seeded["env"])
    assert json.loads(out)["findings"] == []
    assert re.search(r"could not verify \(role .*no-such-role\): iam:GetRole failed: NoSuchEntity", err)


# -- MLC709: service quotas -------------------------------------------------------------------------------------

QUOTA_TEMPLATE = """\
Resources:
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: arn:aws:iam::123456789012:role/model-role
      PrimaryContainer: {Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/llm:1}
  EndpointConfig:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - {ModelName: !GetAtt Model.ModelName, VariantName: AllTraffic, InstanceType: ml.p4d.24xlarge,
           InitialInstanceCount: 4}
"""


def test_mlc709_compares_with_the_applied_quota_only_with_aws(seeded, tmp_path, monkeypatch, run_cli):
    """moto has no Service Quotas API: a botocore hook answers ListServiceQuotas, as the real API would."""
    from botocore.awsrequest import AWSResponse

    from mlcheck.inputs.aws_account import lookup, session

    asked = []

    def quotas(params, **_):
        asked.append(params)
        return (AWSResponse("https://servicequotas", 200, {}, None), {"Quotas": [
            {"ServiceCode": "sagemaker", "QuotaName": "ml.p4d.24xlarge for endpoint usage",
             "QuotaCode": "L-4E5B9F5F", "Value": 2.0},
            {"ServiceCode": "sagemaker", "QuotaName": "ml.p4d.24xlarge for training job usage",
             "QuotaCode": "L-9A9A9A9A", "Value": 8.0}]})

    original = session.AccountReader.client

    def client(self, service):
        found = original(self, service)
        if service == "service-quotas":
            found.meta.events.register("before-call.service-quotas.ListServiceQuotas", quotas, unique_id="quotas")
        return found

    monkeypatch.setattr(session.AccountReader, "client", client)
    template = tmp_path / "stack.yaml"
    template.write_text(QUOTA_TEMPLATE)
    code, out, err = run_cli(str(template), "-f", "json", "--select", "MLC709", env=seeded["env"])
    assert json.loads(out)["findings"] == [] and asked == []
    lookup.reader_for.cache_clear()
    lookup._quotas.cache_clear()
    try:
        code, out, err = run_cli(str(template), "-f", "json", "--select", "MLC709", "--aws", env=seeded["env"])
    finally:
        lookup.reader_for.cache_clear()
        lookup._quotas.cache_clear()
    findings = json.loads(out)["findings"]
    assert [(f["rule"], f["resource"], f["line"]) for f in findings] == [("MLC709", "EndpointConfig", 12)]  # the count
    assert "'ml.p4d.24xlarge for endpoint usage' (L-4E5B9F5F) of 2" in findings[0]["message"]
    assert "asks for 4 ml.p4d.24xlarge instances" in findings[0]["message"]
    assert asked and b'"ServiceCode": "sagemaker"' in asked[0]["body"]


# -- network, autoscaling and jobs (another Region of the same moto server) -----------------------------------

@pytest.fixture(scope="session")
def network_region(moto_env):
    region = "us-west-2"
    ec2, sm = boto3.client("ec2", region_name=region), boto3.client("sagemaker", region_name=region)
    iam = boto3.client("iam")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=f"{region}a")["Subnet"]
    group = ec2.create_security_group(GroupName="open", Description="open", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{region}.sagemaker.api",
                            VpcEndpointType="Interface", SubnetIds=[subnet["SubnetId"]], SecurityGroupIds=[group],
                            PrivateDnsEnabled=True)
    role = iam.create_role(RoleName="vpc-model-role", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    model = sm.create_model(ModelName="vpc-model", ExecutionRoleArn=role, PrimaryContainer={
        "Image": f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/model:1"},
        VpcConfig={"Subnets": [subnet["SubnetId"]], "SecurityGroupIds": [group]})["ModelArn"]
    sm.create_endpoint_config(EndpointConfigName="vpc-config", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "vpc-model", "InitialInstanceCount": 2,
        "InstanceType": "ml.m5.large"}])
    sm.create_endpoint(EndpointName="vpc-endpoint", EndpointConfigName="vpc-config")
    boto3.client("application-autoscaling", region_name=region).register_scalable_target(
        ServiceNamespace="sagemaker", ResourceId="endpoint/vpc-endpoint/variant/AllTraffic",
        ScalableDimension="sagemaker:variant:DesiredInstanceCount", MinCapacity=1, MaxCapacity=4)
    job = sm.create_training_job(
        TrainingJobName="train", RoleArn=role, StoppingCondition={"MaxRuntimeInSeconds": 60},
        AlgorithmSpecification={"TrainingImage": f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/t:1",
                                "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://out/"},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10})
    kms = boto3.client("kms", region_name=region)
    key = kms.create_key()["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/volumes", TargetKeyId=key)
    alias_config = sm.create_endpoint_config(EndpointConfigName="alias-config", KmsKeyId="alias/volumes",
                                             ProductionVariants=[{"VariantName": "AllTraffic",
                                                                  "ModelName": "vpc-model", "InitialInstanceCount": 2,
                                                                  "InstanceType": "ml.m5.large"}])
    boto3.client("s3", region_name=region).create_bucket(
        Bucket="trail-logs", CreateBucketConfiguration={"LocationConstraint": region})
    trail = boto3.client("cloudtrail", region_name=region).create_trail(Name="audit", S3BucketName="trail-logs")
    return {"trail": trail["TrailARN"], "alias_config": alias_config["EndpointConfigArn"], "region": region,
            "model": model, "group": group, "subnet": subnet["SubnetId"],
            "job": job["TrainingJobArn"], "env": moto_env}


def test_vpc_model_is_judged_on_the_accounts_subnets_groups_and_endpoints(network_region):
    code, out, err = _mlcheck(f"aws://{network_region['region']}", "-f", "json", env=network_region["env"])
    findings = [f for f in json.loads(out)["findings"] if not f["suppressed"]]
    found = _by_arn(findings)
    model = network_region["model"]
    assert {"MLC502", "MLC407"} <= found[model]
    mlc407 = next(f for f in findings if f["rule"] == "MLC407" and f["arn"] == model)
    assert "sagemaker.runtime, s3" in mlc407["message"]  # its sagemaker.api endpoint was read and counted
    group = next(f for f in findings if f["rule"] == "MLC409")
    assert group["resource"] == f"security-group/{network_region['group']}" and "model/vpc-model" in group["message"]
    target = next(f for f in findings if f["rule"] == "MLC505")
    assert target["resource"] == "scalable-target/endpoint/vpc-endpoint/variant/AllTraffic"
    assert any(f["resource"].startswith("vpc-endpoint/vpce-") for f in findings if f["rule"] == "MLC502")
    assert "MLC201" in found[network_region["job"]]
    # a key named by its alias: the alias is read too, and followed to the key the role may not use
    mlc203 = [f for f in findings if f["rule"] == "MLC203" and f["arn"] == network_region["alias_config"]]
    assert mlc203 and "alias 'alias/volumes'" in mlc203[0]["message"]
    # a trail created and never started: its status is read (cloudtrail:GetTrailStatus)
    assert {"MLC605", "MLC606"} <= found[network_region["trail"]]


def test_aws_since_leaves_older_jobs_out(network_region):
    code, out, err = _mlcheck(f"aws://{network_region['region']}", "-f", "json", "--aws-since", "2099-01-01",
                              env=network_region["env"])
    assert network_region["job"] not in _by_arn(json.loads(out)["findings"])
    code, out, err = _mlcheck(f"aws://{network_region['region']}", "--aws-since", "soon", env=network_region["env"])
    assert code == 2 and "--aws-since" in err


def test_a_template_role_wins_over_the_account_role_of_the_same_name(seeded, tmp_path):
    """--aws reads role model-role (named by a literal ARN) but the template defines a role of that name too:
    the template's, which is granted the key, is the one the model runs as."""
    template = tmp_path / "stack.yaml"
    template.write_text(f"""\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: model-role
      AssumeRolePolicyDocument: {json.dumps(TRUST)}
      Policies:
        - PolicyName: key
          PolicyDocument:
            Statement:
              - {{Effect: Allow, Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant"],
                 Resource: "{seeded['key']}"}}
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: {seeded['model_role']}
      PrimaryContainer: {{Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1}}
  EndpointConfig:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      KmsKeyId: {seeded['key']}
      ProductionVariants:
        - {{VariantName: AllTraffic, ModelName: !GetAtt Model.ModelName, InitialInstanceCount: 2,
           InstanceType: ml.m5.large}}
""")
    code, out, err = _mlcheck(str(template), "-f", "json", "--select", "MLC203", "--aws", env=seeded["env"])
    assert json.loads(out)["findings"] == [], err


def test_no_region_or_an_unknown_profile_is_a_clear_error(seeded):
    env = {k: v for k, v in seeded["env"].items() if k not in ("AWS_REGION", "AWS_DEFAULT_REGION")}
    proc = subprocess.run([sys.executable, "-m", "mlcheck", "aws://"], capture_output=True, text=True, timeout=120,
                          env={k: v for k, v in {**os.environ, **env}.items()
                               if k not in ("AWS_REGION", "AWS_DEFAULT_REGION")}, cwd=ROOT)
    assert proc.returncode == 2 and "no AWS Region" in proc.stdout + proc.stderr
    code, out, err = _mlcheck("aws://us-east-1", "--profile", "no-such-profile", env=seeded["env"])
    assert code == 2 and "no-such-profile" in out + err


# -- pieces ---------------------------------------------------------------------------------------------------

def test_tag_values_become_suppressions():
    from mlcheck.inputs.aws_account.template import ignores_of, kind_of

    assert ignores_of({"mlcheck:ignore": "MLC401 lab account", "mlcheck:ignore:2": "notebook-root-access  why",
                       "mlcheck:ignored": "MLC1 no", "team": "ml"}) == [
        {"id": "MLC401", "reason": "lab account"}, {"id": "notebook-root-access", "reason": "why"}]
    assert ignores_of({"mlcheck:ignore": "MLC401"}) == [{"id": "MLC401"}]  # no reason: MLC002, suppresses nothing
    assert ignores_of(None) == []
    assert [kind_of(t) for t in ("AWS::SageMaker::NotebookInstance", "AWS::EC2::VPCEndpoint", "AWS::IAM::Role",
                                 "AWS::KMS::Key")] == ["notebook-instance", "vpc-endpoint", "role", "key"]


def test_references_found_in_properties():
    from mlcheck.inputs.aws_account.references import referenced

    refs = referenced([{"RoleArn": f"arn:aws:iam::{ACCOUNT}:role/path/r", "KmsKeyId": "alias/mine",
                        "Output": {"S3OutputPath": "s3://bucket-a/out/"}, "ModelDataUrl": "s3://bucket-b/m.tar.gz",
                        "VpcConfig": {"Subnets": ["subnet-0123456789abcdef0"], "SecurityGroupIds": ["sg-01234567"]},
                        "Key": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
                       "vpc-0123abcd"])
    assert refs.roles == {f"arn:aws:iam::{ACCOUNT}:role/path/r"}
    assert refs.keys == {"alias/mine", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
    assert refs.buckets == {"bucket-a", "bucket-b"}
    assert (refs.subnets, refs.groups, refs.vpcs) == ({"subnet-0123456789abcdef0"}, {"sg-01234567"}, {"vpc-0123abcd"})


def test_describe_output_becomes_request_shaped_properties():
    from mlcheck.inputs.aws_account import sagemaker

    notebook = next(k for k in sagemaker.KINDS if k.create == "CreateNotebookInstance")
    props = sagemaker.properties_of(notebook, {
        "NotebookInstanceName": "nb", "NotebookInstanceArn": "arn:...", "NotebookInstanceStatus": "InService",
        "SecurityGroups": ["sg-1"], "DirectInternetAccess": "Disabled", "Url": "x", "CreationTime": 0,
        "AcceleratorTypes": []})
    assert props == {"NotebookInstanceName": "nb", "SecurityGroupIds": ["sg-1"], "DirectInternetAccess": "Disabled"}
    domain = next(k for k in sagemaker.KINDS if k.create == "CreateDomain")
    assert sagemaker.properties_of(domain, {"HomeEfsFileSystemKmsKeyId": "old", "KmsKeyId": "new"}) == {
        "KmsKeyId": "new"}
    assert sagemaker.properties_of(domain, {"HomeEfsFileSystemKmsKeyId": "old"}) == {"KmsKeyId": "old"}


def test_parse_since():
    import datetime as dt

    from mlcheck.inputs.aws_account import parse_since

    now = dt.datetime.now(dt.timezone.utc)
    assert abs((now - parse_since("7d")) - dt.timedelta(days=7)) < dt.timedelta(minutes=1)
    assert parse_since("2026-11-01") == dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    with pytest.raises(ValueError):
        parse_since("last week")


def test_a_reader_asks_each_question_once(seeded):
    from mlcheck.inputs.aws_account.session import AccountReader

    reader = AccountReader(REGION)
    first = reader.call("iam", "GetRole", RoleName="nb-role")
    again = reader.call("iam", "GetRole", RoleName="nb-role")
    names = reader.pages("iam", "ListRolePolicies", "PolicyNames", RoleName="model-role")
    assert reader.pages("iam", "ListRolePolicies", "PolicyNames", RoleName="model-role") == names == ["read-models"]
    assert first is again and reader.operations == [("iam", "GetRole"), ("iam", "ListRolePolicies")]


def test_aws_resolves_subnet_parameters_for_the_network_rules(network_region, tmp_path):
    template = tmp_path / "stack.yaml"
    template.write_text("""\
Parameters:
  Subnets: {Type: 'List<AWS::EC2::Subnet::Id>'}
  Groups: {Type: 'List<AWS::EC2::SecurityGroup::Id>'}
Resources:
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: arn:aws:iam::123456789012:role/vpc-model-role
      EnableNetworkIsolation: true
      PrimaryContainer: {Image: 123456789012.dkr.ecr.us-west-2.amazonaws.com/model:1}
      VpcConfig:
        Subnets: !Ref Subnets
        SecurityGroupIds: !Ref Groups
""")
    params = ["--parameter", f"Subnets={network_region['subnet']}", "--parameter", f"Groups={network_region['group']}"]
    args = [str(template), "-f", "json", "--select", "MLC502,MLC407", "--region", network_region["region"], *params]
    code, out, err = _mlcheck(*args, env=network_region["env"])
    assert json.loads(out)["findings"] == []  # the subnets are not in the template: unknown
    code, out, err = _mlcheck(*args, "--aws", env=network_region["env"])
    found = sorted((f["rule"], f["resource"]) for f in json.loads(out)["findings"])
    assert found == [("MLC407", "Model"), ("MLC502", "Model")], err
