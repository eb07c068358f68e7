"""MLC201 says what AWS encrypts with when no key is given (per field, the table in mlcheck.aws.kms) and, for a key
field written but unset on a branch, what decides it."""

from conftest import FIXTURES
from mlcheck.inputs.discovery import Candidate
from mlcheck.aws.kms import AWS_MANAGED, AWS_OWNED, KEY_FIELDS, OUTPUT, S3_DEFAULT, STORAGE, VOLUME
from mlcheck.engine.runner import Settings, check_file

BRANCH = FIXTURES / "MLC201" / "fail-key-on-one-branch.yaml"


def findings(path, **settings):
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC201",), **settings))
    assert not result.errors
    return {(f.resource, f.line): f.message for f in result.findings}


def test_each_field_says_what_aws_uses_without_a_key():
    found = findings(BRANCH)
    assert found[("Nb", 22)] == ("Notebook instance 'Nb' sets no KmsKeyId, so SageMaker does not encrypt its ML "
                                 "storage volume with a key you control (SageMaker uses an AWS managed key)")
    assert found[("FG", 32)] == (
        "Feature group 'FG' enables its online store but sets no OnlineStoreConfig.SecurityConfig.KmsKeyId, so "
        "SageMaker does not encrypt its online store with a key you control (SageMaker uses an AWS owned key)")
    assert found[("FG", 33)].endswith("encrypt its offline store in S3 with a key you control (SageMaker uses S3's "
                                      "default encryption (SSE-S3 or the aws/s3 AWS managed key))")


def test_the_table_covers_every_field():
    expected = {VOLUME: AWS_MANAGED, OUTPUT: S3_DEFAULT, STORAGE: AWS_OWNED}
    for fields in KEY_FIELDS.values():
        for spec in fields:
            assert spec.aws_default == expected[spec.purpose], spec


def test_a_key_set_on_one_branch_names_the_condition_and_its_parameter():
    assert findings(BRANCH)[("Config", 11)] == (
        "Endpoint configuration 'Config' leaves KmsKeyId unset, so SageMaker does not encrypt the storage volumes "
        "of its instances with a key you control (it is set only on some branches of condition HasKey, which tests "
        "parameter KmsKeyArn; SageMaker uses an AWS managed key) (when condition HasKey is false)")


def test_a_key_taken_from_an_empty_parameter_names_the_parameter():
    found = findings(BRANCH, parameters={"KmsKeyArn": ""})
    assert found[("Config", 17)] == (
        "Endpoint configuration 'Config' leaves DataCaptureConfig.KmsKeyId unset, so SageMaker does not encrypt "
        "the data it captures to S3 with a key you control (it is taken from parameter KmsKeyArn, whose value "
        "leaves it empty; SageMaker uses S3's default encryption (SSE-S3 or the aws/s3 AWS managed key))")
    assert "(it is set only on some branches of condition HasKey" in found[("Config", 11)]


def test_a_condition_through_another_condition_names_the_parameter(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(BRANCH.read_text().replace(
        'HasKey: !Not [!Equals [!Ref KmsKeyArn, ""]]',
        'NoKey: !Equals [!Ref KmsKeyArn, ""]\n  HasKey: !Not [!Condition NoKey]'))
    assert "condition HasKey, which tests parameter KmsKeyArn" in findings(path)[("Config", 12)]


def mlc203(path):
    result = check_file(Candidate(str(path), True), Settings(rule_ids=("MLC203",)))
    assert not result.errors
    return [f.message for f in result.findings]


def test_mlc203_names_the_key_policy_when_it_is_what_withholds_the_action():
    assert mlc203(FIXTURES / "MLC203" / "fail-key-policy-withholds.yaml") == [
        "Notebook instance 'Nb' encrypts its ML storage volume with key 'Key', but execution role 'Role' is not "
        "allowed kms:GenerateDataKey on it (the key policy of key 'Key' grants it neither to the role nor to the "
        "account's IAM policies)"]


def test_mlc203_names_the_identity_policies_when_they_withhold_the_actions():
    found = mlc203(FIXTURES / "MLC203" / "fail-monitoring-role.json")
    assert found and all(m.endswith("(no identity policy of role 'Role' allows them)") for m in found)


def test_mlc203_a_deny_to_the_account_in_the_key_policy_denies_the_role(tmp_path):
    path = tmp_path / "t.yaml"
    text = (FIXTURES / "MLC203" / "fail-key-policy-withholds.yaml").read_text()
    path.write_text(text.replace('''            Action: ["kms:Decrypt"]
            Resource: "*"''', '''            Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant"]
            Resource: "*"
          - Effect: Deny
            Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}
            Action: kms:CreateGrant
            Resource: "*"'''))
    assert mlc203(path) == [
        "Notebook instance 'Nb' encrypts its ML storage volume with key 'Key', but execution role 'Role' is denied "
        "kms:CreateGrant on it (statement 3 of the key policy of key 'Key')"]
