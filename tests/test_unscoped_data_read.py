"""MLC115's list of data-read actions agrees with the IAM action data, and its resource and condition logic."""

import textwrap

from mlcheck.aws import iam_actions
from mlcheck.inputs.discovery import Candidate
from mlcheck.rules.mlc115_unscoped_data_read import DATA_READS, data_read_actions
from mlcheck.engine.runner import Settings, check_file


def test_every_listed_action_is_a_scopable_read_in_the_iam_data():
    for service, (_, names) in DATA_READS.items():
        for name in names:
            info = iam_actions.info(f"{service}:{name}")
            assert info is not None, f"{service}:{name} is not in the IAM action data"
            assert (info.level, info.scopable) == ("Read", True), info
    assert len(data_read_actions()) == sum(len(names) for _, names in DATA_READS.values())


def _findings(tmp_path, statements, parameters="", rules=("MLC115",)):
    body = textwrap.indent(textwrap.dedent(statements).strip(), " " * 10)
    path = tmp_path / "t.yaml"
    path.write_text(f"AWSTemplateFormatVersion: '2010-09-09'\n{parameters}Resources:\n  P:\n"
                    f"    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n"
                    f"        Statement:\n{body}\n")
    result = check_file(Candidate(str(path), True), Settings(rule_ids=rules))
    assert not result.errors
    return [(f.line, f.message) for f in result.findings if f.rule_id == "MLC115"], result.unknowns


STAR_STATEMENTS = """
    - {Effect: Allow, Action: "*", Resource: "*"}
    - {Effect: Allow, Action: "secretsmanager:*", Resource: "*"}
    - {Effect: Allow, Action: "secretsmanager:Get*", Resource: "*"}
"""


def test_wildcard_actions_are_expanded_when_mlc103_does_not_report_them(tmp_path):
    found, _ = _findings(tmp_path, STAR_STATEMENTS)
    assert [line for line, _ in found] == [8, 9, 10]
    assert "* (" in found[0][1] and "secretsmanager:* (secretsmanager:GetSecretValue)" in found[1][1]


def test_statements_mlc103_reports_are_left_to_it(tmp_path):
    found, _ = _findings(tmp_path, STAR_STATEMENTS, rules=("MLC103", "MLC115"))
    assert [line for line, _ in found] == [10]


def test_patterns_that_cover_every_resource(tmp_path):
    found, _ = _findings(tmp_path, """
        - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::*"}
        - {Effect: Allow, Action: s3:GetObject, Resource: "arn:*:s3:::*/*"}
        - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::data/*"}
        - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::*/private/*"}
        - {Effect: Allow, Action: ssm:GetParameter, Resource: "arn:aws:ssm:*:*:*"}
        - {Effect: Allow, Action: ssm:GetParameter, Resource: "arn:aws:ssm:*:*:parameter/app/*"}
        - {Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: "arn:aws:secretsmanager:*:*:secret:*"}
        - {Effect: Allow, Action: secretsmanager:GetSecretValue, Resource: "arn:aws:secretsmanager:*:*:secret:ml-*"}
        - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:secretsmanager:*:*:secret:*"}
    """)
    assert [line for line, _ in found] == [8, 9, 12, 14]


def test_unknown_pieces_that_cannot_widen_a_scoped_arn_are_not_unknown(tmp_path):
    found, unknowns = _findings(tmp_path, """
        - {Effect: Allow, Action: s3:GetObject, Resource: !Sub "arn:aws:s3:::${Bucket}-${AWS::Region}/*"}
        - {Effect: Allow, Action: ssm:GetParameter, Resource: !Sub "arn:aws:ssm:*:*:parameter/${Bucket}/x"}
    """, parameters="Parameters:\n  Bucket: {Type: String}\n")
    assert found == [] and [u for u in unknowns if u.rule_id == "MLC115"] == []


def test_unknown_resources_and_conditions_are_recorded_not_reported(tmp_path):
    found, unknowns = _findings(tmp_path, """
        - {Effect: Allow, Action: s3:GetObject, Resource: !Sub "arn:aws:s3:::${Bucket}/*"}
        - Effect: Allow
          Action: s3:GetObject
          Resource: "*"
          Condition: !If [C, {StringEquals: {aws:ResourceTag/t: x}}, !Ref AWS::NoValue]
        - Effect: Allow
          Action: s3:GetObject
          Resource: "*"
          Condition: {StringEquals: {s3:ExistingObjectTag/classification: public}}
    """, parameters="Parameters:\n  Bucket: {Type: String}\n  Flag: {Type: String}\n"
                    "Conditions:\n  C: !Equals [!Ref Flag, x]\n")
    reasons = {u.reason for u in unknowns if u.rule_id == "MLC115"}
    assert "resource cannot be known" in reasons
    # the Fn::If condition: one scenario narrowed, the other reported (a finding naming the branch)
    assert len(found) == 1 and "condition C is false" in found[0][1]


def test_a_bucket_name_built_from_pseudo_parameters_is_scoped(tmp_path):
    found, _ = _findings(tmp_path, """
        - Effect: Allow
          Action: s3:GetObjectVersionForReplication
          Resource: !Sub "arn:${AWS::Partition}:s3:::${AWS::StackName}-${AWS::AccountId}-bucket/*"
        - Effect: Allow
          Action: secretsmanager:GetSecretValue
          Resource: !Sub "arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${AWS::StackName}-*"
    """)
    assert found == []
