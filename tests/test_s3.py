"""Buckets and bucket policies as the private-S3 rules see them: a policy whose bucket is outside the template,
and the S3 URIs of SageMaker resources beyond models and jobs."""

import textwrap

from mlcheck.inputs.discovery import Candidate
from mlcheck.engine.engine import RuleContext
from mlcheck.model.graph import ResourceGraph
from mlcheck.inputs.loader import load_document
from mlcheck.model.resolve import Resolver
from mlcheck.engine.runner import Settings, check_file
from mlcheck.aws.s3 import s3_uris
from mlcheck.inputs.cloudformation import build_template


def run(tmp_path, text, *rules):
    path = tmp_path / "stack.yaml"
    path.write_text(textwrap.dedent(text))
    return check_file(Candidate(str(path), True), Settings(rule_ids=rules))


def test_a_policy_of_an_outside_bucket_whose_document_cannot_be_known_is_unknown(tmp_path):
    result = run(tmp_path, """
        Parameters:
          Document: {Type: String}
        Resources:
          Policy:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: shared-datasets
              PolicyDocument: !Ref Document
    """, "MLC304")
    assert result.findings == []
    assert [(u.rule_id, u.resource) for u in result.unknowns] == [("MLC304", "Policy")]


def test_a_policy_of_a_template_bucket_is_judged_with_the_bucket_only(tmp_path):
    result = run(tmp_path, """
        Resources:
          Data:
            Type: AWS::S3::Bucket
          Policy:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: !Ref Data
              PolicyDocument:
                Statement:
                  - {Effect: Allow, Principal: {AWS: arn:aws:iam::123456789012:root}, Action: s3:GetObject,
                     Resource: !Sub "${Data.Arn}/*"}
    """, "MLC304")
    assert [f.resource for f in result.findings] == ["Data"]


def test_an_outside_policy_that_denies_http_leaves_template_buckets_unknown(tmp_path):
    # it might be the template bucket's policy: the bucket is neither passed nor reported
    result = run(tmp_path, """
        Parameters:
          Target: {Type: String}
        Resources:
          Data:
            Type: AWS::S3::Bucket
          Policy:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: !Ref Target
              PolicyDocument:
                Statement:
                  - {Effect: Deny, Principal: "*", Action: "s3:*", Resource: "*",
                     Condition: {Bool: {aws:SecureTransport: false}}}
    """, "MLC304")
    assert result.findings == []
    assert [u.resource for u in result.unknowns] == ["Data"]


def test_destination_is_an_s3_uri_only_in_a_data_storage_config():
    document = load_document(textwrap.dedent("""
        Parameters:
          Where: {Type: String}
        Resources:
          Experiment:
            Type: AWS::SageMaker::InferenceExperiment
            Properties:
              DataStorageConfig: {Destination: !Ref Where}
              Other: {Destination: !Ref Where}
    """).encode(), "t.yaml")
    template = build_template("t.yaml", document)
    ctx = RuleContext(template, ResourceGraph(template), Resolver(template))
    ctx.resource = template.resources["Experiment"]
    found = [(path[-2:], key) for path, key, _ in s3_uris(ctx.view(ctx.resource))]
    assert found == [(("DataStorageConfig", "Destination"), "Destination")]


def test_mlflow_artifact_store_bucket_is_a_sagemaker_bucket_for_every_rule(tmp_path):
    result = run(tmp_path, """
        Resources:
          Artifacts:
            Type: AWS::S3::Bucket
          Tracking:
            Type: AWS::SageMaker::MlflowTrackingServer
            Properties:
              TrackingServerName: team
              RoleArn: arn:aws:iam::123456789012:role/mlflow
              ArtifactStoreUri: !Sub s3://${Artifacts}/mlflow
    """, "MLC207", "MLC305", "MLC307")
    got = {(f.rule_id, f.resource, f.severity) for f in result.findings}
    assert got == {("MLC207", "Artifacts", "medium"), ("MLC305", "Tracking", "high"),
                   ("MLC307", "Artifacts", "low")}
