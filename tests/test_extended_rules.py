"""MLC201, MLC208, MLC405 and MLC413 on monitoring jobs, Feature Store, inference experiments and model images:
severities, unknown values, odd numbers, and the property paths against CloudFormation's and botocore's models."""

import json
import textwrap

import pytest

from mlcheck.inputs import sagemaker_api as api
from mlcheck.inputs.discovery import Candidate
from mlcheck.engine.runner import Settings, check_file

QUALITY = """\
Parameters:
  Count: {{Type: Number}}
Resources:
  Quality:
    Type: AWS::SageMaker::DataQualityJobDefinition
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/monitor
      DataQualityAppSpecification: {{ImageUri: i}}
      DataQualityJobInput: {{EndpointInput: {{EndpointName: ep, LocalPath: /opt/ml/processing/input}}}}
      DataQualityJobOutputConfig:
        MonitoringOutputs: [{{S3Output: {{S3Uri: s3://r/dq, LocalPath: /opt/ml/processing/output}}}}]
      JobResources:
        ClusterConfig: {{InstanceCount: {count}, InstanceType: ml.m5.xlarge, VolumeSizeInGB: 20}}
"""


def lint(tmp_path, text, *rule_ids, name="t.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text) if isinstance(text, str) else json.dumps(text, indent=2))
    return check_file(Candidate(str(path), True), Settings(rule_ids=rule_ids))


@pytest.mark.parametrize("count, severity, words", [
    ("1", "low", "runs on one instance for now"),
    ("'1'", "low", "runs on one instance for now"),
    ("3", "medium", "runs on 3 instances"),
    ("!Ref Count", "medium", "instance count cannot be known"),
    ("'" + "9" * 5000 + "'", "medium", "instance count cannot be known"),  # not a number, and no traceback
    ("1e999", "medium", "instance count cannot be known"),
])
def test_mlc208_monitoring_severity_follows_the_instance_count(tmp_path, count, severity, words):
    result = lint(tmp_path, QUALITY.format(count=count), "MLC208")
    assert not result.errors
    [finding] = result.findings
    assert (finding.rule_id, finding.resource, finding.severity) == ("MLC208", "Quality", severity)
    assert words in finding.message and "Data quality job definition 'Quality'" in finding.message


def test_mlc208_training_job_on_one_instance_is_not_reported_and_huge_counts_do_not_raise(tmp_path):
    body = {"TrainingJobName": "t", "RoleArn": "arn:aws:iam::123456789012:role/t",
            "AlgorithmSpecification": {"TrainingImage": "i", "TrainingInputMode": "File"},
            "OutputDataConfig": {"S3OutputPath": "s3://o/x"},
            "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 5},
            "StoppingCondition": {"MaxRuntimeInSeconds": 60}}
    assert lint(tmp_path, body, "MLC208", name="one.json").findings == []
    body["ResourceConfig"]["InstanceCount"] = "9" * 5000
    result = lint(tmp_path, body, "MLC208", name="huge.json")
    assert result.findings == [] and not result.errors


def test_mlc208_unknown_flag_is_unknown_not_a_finding(tmp_path):
    text = QUALITY.format(count=1) + "      NetworkConfig: {EnableInterContainerTrafficEncryption: !Ref Count}\n"
    result = lint(tmp_path, text, "MLC208")
    assert result.findings == [] and [u.rule_id for u in result.unknowns] == ["MLC208"]


def test_mlc405_and_mlc208_judge_a_schedule_by_its_inline_definition_only(tmp_path):
    text = """\
    Resources:
      Unknown:
        Type: AWS::SageMaker::MonitoringSchedule
        Properties:
          MonitoringScheduleName: s
          MonitoringScheduleConfig:
            MonitoringJobDefinition: !GetAtt Other.Definition
      ByName:
        Type: AWS::SageMaker::MonitoringSchedule
        Properties:
          MonitoringScheduleName: n
          MonitoringScheduleConfig: {MonitoringJobDefinitionName: dq, MonitoringType: DataQuality}
    """
    result = lint(tmp_path, text, "MLC208", "MLC405")
    assert result.findings == []


def test_mlc405_message_names_the_monitoring_property(tmp_path):
    result = lint(tmp_path, QUALITY.format(count=1), "MLC405")
    [finding] = result.findings
    assert finding.message == ("Data quality job definition 'Quality' does not isolate its containers from the "
                               "network (NetworkConfig.EnableNetworkIsolation is not set)")


def test_mlc201_online_store_unknown_and_inline_keys(tmp_path):
    text = """\
    Parameters:
      Key: {Type: String}
    Resources:
      ByParameter:
        Type: AWS::SageMaker::FeatureGroup
        Properties:
          FeatureGroupName: a
          RecordIdentifierFeatureName: id
          EventTimeFeatureName: ts
          FeatureDefinitions: [{FeatureName: id, FeatureType: String}]
          OnlineStoreConfig: {EnableOnlineStore: true, SecurityConfig: {KmsKeyId: !Ref Key}}
      Disabled:
        Type: AWS::SageMaker::FeatureGroup
        Properties:
          FeatureGroupName: b
          RecordIdentifierFeatureName: id
          EventTimeFeatureName: ts
          FeatureDefinitions: [{FeatureName: id, FeatureType: String}]
          OnlineStoreConfig: {EnableOnlineStore: "false", SecurityConfig: {}}
    """
    result = lint(tmp_path, text, "MLC201")
    assert result.findings == []
    # a key from a parameter without default is a key (set), its value only is unknown: no finding either way
    assert all(u.resource == "ByParameter" for u in result.unknowns)


def test_mlc201_inference_experiment_on_computed_instance_type_is_unknown(tmp_path):
    text = """\
    Parameters:
      Type: {Type: String}
    Resources:
      Experiment:
        Type: AWS::SageMaker::InferenceExperiment
        Properties:
          Name: e
          Type: ShadowMode
          RoleArn: arn:aws:iam::123456789012:role/e
          EndpointName: ep
          ModelVariants:
            - ModelName: m
              VariantName: v
              InfrastructureConfig:
                InfrastructureType: RealTimeInference
                RealTimeInferenceConfig: {InstanceType: !Ref Type, InstanceCount: 1}
          ShadowModeConfig:
            SourceModelVariantName: v
            ShadowModelVariants: [{ShadowModelVariantName: v, SamplingPercentage: 10}]
    """
    result = lint(tmp_path, text, "MLC201")
    assert result.findings == [] and [u.rule_id for u in result.unknowns] == ["MLC201"]


def test_inference_experiment_request_is_recognised():
    body = {"Name": "e", "Type": "ShadowMode", "ModelVariants": [], "ShadowModeConfig": {}}
    assert api.operation_of(body) == "CreateInferenceExperiment"
    assert api.describe_kind({"Name": "e"}) is None


def test_mlc413_is_off_by_default_and_reports_each_container(tmp_path, run_cli):
    text = """\
    Resources:
      Model:
        Type: AWS::SageMaker::Model
        Properties:
          ExecutionRoleArn: arn:aws:iam::123456789012:role/m
          EnableNetworkIsolation: true
          VpcConfig: {Subnets: [subnet-1, subnet-2], SecurityGroupIds: [sg-1]}
          Containers:
            - Image: registry.example.com/a:1
            - Image: registry.example.com/b:1
              ImageConfig: {RepositoryAccessMode: Platform}
    """
    path = tmp_path / "m.yaml"
    path.write_text(textwrap.dedent(text))
    _, out, _ = run_cli(path, "--output-format", "json")
    assert "MLC413" not in out
    _, out, _ = run_cli(path, "--select", "MLC413", "--output-format", "json")
    assert out.count('"MLC413"') >= 2
    result = lint(tmp_path, text, "MLC413")
    assert [(f.line, f.message) for f in result.findings] == [
        (9, "Model 'Model' Containers[0] does not pull its image through a private registry in the VPC "
            "(ImageConfig.RepositoryAccessMode is not set, so AWS uses Platform)"),
        (11, "Model 'Model' Containers[1] does not pull its image through a private registry in the VPC "
             "(ImageConfig.RepositoryAccessMode is Platform)"),
    ]


# -- the property paths exist in CloudFormation's and botocore's models -------------------------------------

MONITORING = ("AWS::SageMaker::DataQualityJobDefinition", "AWS::SageMaker::ModelQualityJobDefinition",
              "AWS::SageMaker::ModelBiasJobDefinition", "AWS::SageMaker::ModelExplainabilityJobDefinition",
              "AWS::SageMaker::MonitoringSchedule")
SCHEDULE_JOB = ("MonitoringScheduleConfig", "MonitoringJobDefinition")


def _paths():
    from mlcheck.rules.mlc208_inter_container_encryption import JOBS
    from mlcheck.rules.mlc405_network_isolation_disabled import FLAGS

    paths = []
    for t in MONITORING:
        cluster, network = JOBS[t]
        paths += [(t, cluster + ("InstanceCount",)), (t, network + ("EnableInterContainerTrafficEncryption",)),
                  (t, FLAGS[t])]
    fg, ie = "AWS::SageMaker::FeatureGroup", "AWS::SageMaker::InferenceExperiment"
    paths += [(fg, ("OnlineStoreConfig", "EnableOnlineStore")), (fg, ("OnlineStoreConfig", "StorageType")),
              (fg, ("OnlineStoreConfig", "SecurityConfig", "KmsKeyId")), (ie, ("KmsKey",)),
              (ie, ("DataStorageConfig", "KmsKey")),
              (ie, ("ModelVariants", 0, "InfrastructureConfig", "RealTimeInferenceConfig", "InstanceType")),
              ("AWS::SageMaker::Model", ("PrimaryContainer", "ImageConfig", "RepositoryAccessMode")),
              ("AWS::SageMaker::Model", ("Containers", 0, "ImageConfig", "RepositoryAccessMode"))]
    return paths


def _in_schema(resource_type, keys):
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
    node = schema
    for key in keys:
        if "$ref" in node:
            node = schema["definitions"][node["$ref"].rsplit("/", 1)[1]]
        if isinstance(key, int):
            node = node.get("items", {})
            continue
        if "$ref" in node:
            node = schema["definitions"][node["$ref"].rsplit("/", 1)[1]]
        props = node.get("properties", {})
        if key not in props:
            return False
        node = props[key]
    return True


def _in_botocore(model, operation, keys):
    shape = model["shapes"][model["operations"][operation]["input"]["shape"]]
    for key in keys:
        if isinstance(key, int):
            if shape.get("type") != "list":
                return False
            shape = model["shapes"][shape["member"]["shape"]]
            continue
        members = shape.get("members", {})
        if key not in members:
            return False
        shape = model["shapes"][members[key]["shape"]]
    return True


@pytest.mark.parametrize("resource_type, keys", _paths(), ids=lambda v: "/".join(map(str, v)) if isinstance(
    v, tuple) else v.rsplit("::", 1)[-1])
def test_property_path_exists(resource_type, keys):
    assert _in_schema(resource_type, keys), (resource_type, keys)
    operation = {t: op for op, (t, _) in api.OPERATIONS.items()}[resource_type]
    assert _in_botocore(api.service_model(), operation, keys), (operation, keys)
