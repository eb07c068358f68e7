"""Values that used to raise inside rules (and so cost the rule every finding on the template) are unknown:
KMS alias cycles, policies given as deeply nested JSON strings, integers of thousands of digits. The rule
records them as unknown and still reports its other findings; messages never quote a huge value whole."""

import json
import signal
import textwrap

import pytest

from mlcheck.util.convert import to_int
from mlcheck.inputs.discovery import Candidate
from mlcheck.findings.result import MAX_MESSAGE, bounded
from mlcheck.engine.runner import Settings, check_file

HUGE = "9" * 5000  # int() refuses strings over 4,300 digits


@pytest.fixture(autouse=True)
def time_limit():
    def expire(_signum, _frame):
        raise TimeoutError("test took longer than 60 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _check(tmp_path, text, rules, name="template.yaml"):
    path = tmp_path / name
    path.write_text(text)
    result = check_file(Candidate(str(path), True), Settings(rule_ids=tuple(rules)))
    assert not result.errors, result.errors
    return result


def _found(result):
    return sorted((f.rule_id, f.resource, f.line) for f in result.findings)


def _unknown(result):
    return sorted((u.rule_id, u.resource, u.reason) for u in result.unknowns)


ALIAS_CYCLE = textwrap.dedent("""\
    Resources:
      AdminRole:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement:
              - {Effect: Allow, Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"},
                 Action: sts:AssumeRole}
      AdminOnlyKey:
        Type: AWS::KMS::Key
        Properties:
          EnableKeyRotation: true
          KeyPolicy:
            Statement:
              - {Effect: Allow, Principal: {AWS: !GetAtt AdminRole.Arn}, Action: "kms:*", Resource: "*"}
      OpenKey:
        Type: AWS::KMS::Key
        Properties:
          EnableKeyRotation: true
      AliasA:
        Type: AWS::KMS::Alias
        Properties: {AliasName: alias/a, TargetKeyId: !Ref AliasB}
      AliasB:
        Type: AWS::KMS::Alias
        Properties: {AliasName: alias/b, TargetKeyId: !Ref AliasA}
      ModelRole:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement:
              - {Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}
          Policies:
            - PolicyName: kms
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Action: [kms:Decrypt, kms:GenerateDataKey, kms:CreateGrant]
                    Resource: !GetAtt AdminOnlyKey.Arn
      Model:
        Type: AWS::SageMaker::Model
        Properties:
          ExecutionRoleArn: !GetAtt ModelRole.Arn
          PrimaryContainer: {Image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/model:1}
      EndpointConfig:
        Type: AWS::SageMaker::EndpointConfig
        Properties:
          KmsKeyId: !Ref AdminOnlyKey
          DataCaptureConfig:
            EnableCapture: true
            InitialSamplingPercentage: 10
            DestinationS3Uri: s3://capture/c
            KmsKeyId: !Ref AliasA
            CaptureOptions: [{CaptureMode: Input}]
          AsyncInferenceConfig:
            OutputConfig: {S3OutputPath: s3://out/o, KmsKeyId: !Ref OpenKey}
          ProductionVariants:
            - {ModelName: !GetAtt Model.ModelName, VariantName: AllTraffic, InstanceType: ml.m5.large,
               InitialInstanceCount: 2}
      ManagedNotebook:
        Type: AWS::SageMaker::NotebookInstance
        Properties:
          InstanceType: ml.t3.medium
          RoleArn: !GetAtt ModelRole.Arn
          KmsKeyId: alias/aws/sagemaker
    """)


def test_kms_alias_cycle_is_unknown_and_the_key_rules_judge_the_rest(tmp_path):
    result = _check(tmp_path, ALIAS_CYCLE, ["MLC202", "MLC203", "MLC204"])
    assert _found(result) == [
        ("MLC202", "ManagedNotebook", 64),  # AWS managed key
        ("MLC203", "EndpointConfig", 55),  # OpenKey: the role has no grant on it
        ("MLC204", "EndpointConfig", 47),  # AdminOnlyKey: the key policy excludes the role
    ]
    cycle = "alias AliasA targets itself through a cycle of aliases"
    assert ("MLC203", "EndpointConfig", cycle) in _unknown(result)
    assert ("MLC204", "EndpointConfig", cycle) in _unknown(result)


def _deep_policy_template(depth):
    deep = '{"Version": "2012-10-17", "Statement": ' + "[" * depth + "]" * depth + "}"
    admin = json.dumps({"Statement": [{"Effect": "Allow", "Action": ["*", "iam:PassRole"], "Resource": "*"},
                                      {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}]})
    return json.dumps({"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                        "Principal": {"Service": "sagemaker.amazonaws.com"}}]},
            "Policies": [{"PolicyName": "deep", "PolicyDocument": deep},
                         {"PolicyName": "admin", "PolicyDocument": admin}]}},
        "Notebook": {"Type": "AWS::SageMaker::NotebookInstance", "Properties": {
            "InstanceType": "ml.t3.medium", "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]}}}}})


def test_policy_as_deeply_nested_json_string_is_unknown_and_policy_rules_judge_the_rest(tmp_path):
    rules = ["MLC103", "MLC104", "MLC105", "MLC106", "MLC109"]
    result = _check(tmp_path, _deep_policy_template(100_000), rules, name="template.json")
    # MLC104 covers the admin statement too, but MLC103 and MLC105 report it (one finding per problem)
    assert sorted({f.rule_id for f in result.findings}) == ["MLC103", "MLC105", "MLC106", "MLC109"]
    assert all("inline policy 'admin'" in f.message for f in result.findings)
    assert ("MLC103", "Role", "statement cannot be known") in _unknown(result)


def test_policy_json_string_within_the_limits_is_still_read(tmp_path):
    result = _check(tmp_path, _deep_policy_template(3), ["MLC103"], name="template.json")
    assert [f.rule_id for f in result.findings] == ["MLC103"]
    assert not _unknown(result)


OPEN_INGRESS = textwrap.dedent(f"""\
    Resources:
      Group:
        Type: AWS::EC2::SecurityGroup
        Properties:
          GroupDescription: web
          VpcId: vpc-0abc
          SecurityGroupIngress:
            - {{IpProtocol: tcp, FromPort: "{HUGE}", ToPort: "{HUGE}", CidrIp: 0.0.0.0/0}}
            - {{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}}
    """)

ENDPOINTS = textwrap.dedent(f"""\
    Resources:
      Config:
        Type: AWS::SageMaker::EndpointConfig
        Properties:
          ProductionVariants:
            - {{ModelName: a, VariantName: Huge, InstanceType: ml.c5.9xlarge, InitialInstanceCount: "{HUGE}"}}
            - {{ModelName: a, VariantName: One, InstanceType: ml.c5.9xlarge, InitialInstanceCount: 1}}
      Endpoint:
        Type: AWS::SageMaker::Endpoint
        Properties:
          EndpointName: churn-prod
          EndpointConfigName: !GetAtt Config.EndpointConfigName
      HugeTarget:
        Type: AWS::ApplicationAutoScaling::ScalableTarget
        Properties:
          ServiceNamespace: sagemaker
          ScalableDimension: sagemaker:variant:DesiredInstanceCount
          ResourceId: !Sub endpoint/${{Endpoint.EndpointName}}/variant/Missing
          MinCapacity: "{HUGE}"
          MaxCapacity: 4
      LowTarget:
        Type: AWS::ApplicationAutoScaling::ScalableTarget
        Properties:
          ServiceNamespace: sagemaker
          ScalableDimension: sagemaker:variant:DesiredInstanceCount
          ResourceId: !Sub endpoint/${{Endpoint.EndpointName}}/variant/Huge
          MinCapacity: 1
          MaxCapacity: 4
    """)


def test_huge_port_is_unknown_and_mlc409_reports_the_other_rule(tmp_path):
    result = _check(tmp_path, OPEN_INGRESS, ["MLC409"])
    assert _found(result) == [("MLC409", "Group", 9)]
    assert ("MLC409", "Group", "FromPort or ToPort is not a port number") in _unknown(result)


@pytest.mark.parametrize("rule, expected, unknown", [
    ("MLC501", [("MLC501", "Config", 7)], "InitialInstanceCount is not a number mlcheck can read"),
    ("MLC507", [("MLC507", "Config", 7)], "InitialInstanceCount is not a number mlcheck can read"),
    ("MLC505", [("MLC505", "LowTarget", 27)], "MinCapacity is not a number mlcheck can read"),
    ("MLC504", [("MLC504", "HugeTarget", 18)], "MinCapacity or MaxCapacity is not a number mlcheck can read"),
])
def test_huge_capacity_is_unknown_and_the_rule_reports_the_rest(tmp_path, rule, expected, unknown):
    result = _check(tmp_path, ENDPOINTS, [rule])
    assert _found(result) == expected
    assert unknown in {reason for _, _, reason in _unknown(result)}


def test_huge_instance_size_is_not_taken_for_a_large_instance(tmp_path):
    text = ENDPOINTS.replace("ml.c5.9xlarge, InitialInstanceCount: 1", f"ml.c5.{HUGE}xlarge, InitialInstanceCount: 1")
    assert _found(_check(tmp_path, text, ["MLC507"])) == []


def test_huge_select_index_is_unknown(tmp_path):
    text = textwrap.dedent(f"""\
        Resources:
          Notebook:
            Type: AWS::SageMaker::NotebookInstance
            Properties:
              InstanceType: ml.t3.medium
              RoleArn: arn:aws:iam::123456789012:role/r
              RootAccess: !Select ["{HUGE}", [Enabled, Disabled]]
          Other:
            Type: AWS::SageMaker::NotebookInstance
            Properties:
              InstanceType: ml.t3.medium
              RoleArn: arn:aws:iam::123456789012:role/r
              RootAccess: Enabled
        """)
    result = _check(tmp_path, text, ["MLC403"])
    assert _found(result) == [("MLC403", "Other", 13)]
    assert ("MLC403", "Notebook", "Fn::Select with a computed index") in _unknown(result)


def test_to_int_reads_plain_numbers_only():
    assert to_int("12") == 12 and to_int(" 3 ") == 3 and to_int(7) == 7
    assert to_int("-1") is None and to_int("-1", signed=True) == -1
    assert to_int(HUGE) is None and to_int(int("9" * 4000)) is None
    assert to_int("²") is None and to_int("٣") is None  # isdigit() says yes, int() no / not a template number
    assert to_int(True) is None and to_int(2.0) is None and to_int(None) is None and to_int("1e3") is None


def test_messages_never_quote_a_huge_value_whole(tmp_path):
    text = textwrap.dedent(f"""\
        Resources:
          Notebook:
            Type: AWS::SageMaker::NotebookInstance
            Properties:
              InstanceType: ml.t3.medium
              RoleArn: arn:aws:iam::123456789012:role/r
              RootAccess: "{'x' * 5_000_000}"
        """)
    (finding,) = _check(tmp_path, text, ["MLC403"]).findings
    assert len(finding.message) < 500  # the value is quoted to a few hundred characters, not 5 MB
    assert "x" * 301 not in finding.message and "(5,000,000 characters)" in finding.message
    assert bounded(finding.message) == finding.message  # cutting twice changes nothing


def test_a_message_that_is_long_by_itself_is_still_bounded():
    long = "action list " * 1000
    assert len(bounded(long)) < MAX_MESSAGE + 100 and bounded(long).endswith(" characters in all)")
