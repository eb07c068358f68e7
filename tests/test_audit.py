"""mlcheck.aws.audit: which buckets a trail's S3 data-event selectors cover, and one-setting checks."""

import textwrap

import pytest

from mlcheck.aws.audit import TRAIL, setting_check, trail_coverage, trails_logging
from mlcheck.engine.engine import RuleContext
from mlcheck.model.graph import ResourceGraph
from mlcheck.inputs.loader import load_document
from mlcheck.model.resolve import Resolver
from mlcheck.engine.rule import Rule
from mlcheck.inputs.cloudformation import build_template
from mlcheck.model.values import Unknown

BUCKETS = """
Parameters:
  Arns: {Type: CommaDelimitedList}
  Prefix: {Type: String}
Resources:
  Models: {Type: AWS::S3::Bucket, Properties: {BucketName: churn-models}}
  Data: {Type: AWS::S3::Bucket}
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties: {properties}
"""


def context(text):
    document = load_document(textwrap.dedent(text).encode(), "t.yaml")
    template = build_template("t.yaml", document)
    return RuleContext(template, ResourceGraph(template), Resolver(template))


def coverage(properties, bucket="Models"):
    ctx = context(BUCKETS.replace("{properties}", properties))
    resources = ctx.template.resources
    covered = trail_coverage(ctx, ctx.view(resources["Trail"])).covers(resources[bucket])
    trails, reasons = trails_logging(ctx, resources[bucket])  # the per-template index agrees
    assert (trails != []) is (covered is True)
    if covered is False:
        assert reasons == []
    if isinstance(covered, Unknown):
        assert reasons
    return covered


def basic(values, kind="AWS::S3::Object"):
    return f"{{EventSelectors: [{{DataResources: [{{Type: {kind}, Values: {values}}}]}}]}}"


@pytest.mark.parametrize("values", [
    "[arn:aws:s3]", "['arn:aws:s3:::']", "['arn:aws-cn:s3:::']", "[!Sub 'arn:${AWS::Partition}:s3:::']",
    "['arn:aws:s3:::churn-models/']", "['arn:aws:s3:::churn-models/models/']", "[!Sub '${Models.Arn}/']",
    "[!Sub 'arn:aws:s3:::${Models}/']", "[!Sub 'arn:${AWS::Partition}:s3:::${Models}/artifacts/']",
    "['arn:aws:s3:::other-bucket/', !Sub '${Models.Arn}/']",
])
def test_classic_selector_covers_bucket(values):
    assert coverage(basic(values)) is True


@pytest.mark.parametrize("properties", [
    basic("['arn:aws:s3:::other-bucket/']"),
    basic("[!Sub '${Data.Arn}/']"),
    basic("['arn:aws:lambda']", kind="AWS::Lambda::Function"),
    basic("['arn:aws:dynamodb:eu-west-1:123456789012:table/t']", kind="AWS::DynamoDB::Table"),
    "{EventSelectors: [{ReadWriteType: All, IncludeManagementEvents: true}]}",
    "{IsLogging: true}",
])
def test_classic_selector_misses_bucket(properties):
    assert coverage(properties) is False


@pytest.mark.parametrize("properties", [
    basic("!Ref Arns"),
    basic("[!Sub 'arn:aws:s3:::${Prefix}-models/']"),
    basic("[!Ref Prefix]"),
    "{EventSelectors: !Ref Arns}",
    "{AdvancedEventSelectors: !ImportValue shared-selectors}",
])
def test_selector_that_cannot_be_known_is_unknown(properties):
    assert isinstance(coverage(properties), Unknown)


def advanced(*fields):
    return "{AdvancedEventSelectors: [{FieldSelectors: [" + ", ".join(fields) + "]}]}"


DATA = "{Field: eventCategory, Equals: [Data]}"
S3 = "{Field: resources.type, Equals: ['AWS::S3::Object']}"


@pytest.mark.parametrize("properties, expected", [
    (advanced(DATA, S3), True),
    (advanced(DATA, S3, "{Field: resources.ARN, StartsWith: ['arn:aws:s3:::churn-models/']}"), True),
    (advanced(DATA, S3, "{Field: resources.ARN, StartsWith: [!Sub '${Models.Arn}/']}"), True),
    (advanced(DATA, S3, "{Field: resources.ARN, StartsWith: ['arn:aws:s3:::other/']}"), False),
    (advanced(DATA, S3, "{Field: resources.ARN, NotStartsWith: ['arn:aws:s3:::churn-models/']}"), False),
    (advanced(DATA, S3, "{Field: resources.ARN, NotStartsWith: ['arn:aws:s3:::other/']}"), True),
    (advanced("{Field: eventCategory, Equals: [Management]}"), False),
    (advanced(DATA, "{Field: resources.type, Equals: ['AWS::Lambda::Function']}"), False),
    (advanced(DATA), False),
])
def test_advanced_selectors(properties, expected):
    assert coverage(properties) is expected


@pytest.mark.parametrize("properties", [
    advanced(DATA, S3, "{Field: resources.ARN, EndsWith: ['.parquet']}"),
    advanced(DATA, S3, "{Field: resources.ARN, StartsWith: !Ref Arns}"),
    advanced(DATA, "{Field: resources.type, Equals: [!Ref Prefix]}"),
    advanced("{Field: !Ref Prefix, Equals: [Data]}"),
])
def test_advanced_selector_that_cannot_be_judged_is_unknown(properties):
    assert isinstance(coverage(properties), Unknown)


SETTING = """
Resources:
  Key: {Type: AWS::KMS::Key}
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties: {properties}
"""


@pytest.mark.parametrize("properties, expected", [
    ("{S3BucketName: b}", "hit"),
    ("{S3BucketName: b, KMSKeyId: ''}", "hit"),
    ("{S3BucketName: b, KMSKeyId: !GetAtt Key.Arn}", "pass"),
    ("{S3BucketName: b, KMSKeyId: alias/audit}", "pass"),
    ("{S3BucketName: b, KMSKeyId: !Ref Key}", "pass"),
    ("{S3BucketName: b, KMSKeyId: !ImportValue audit-key}", "unknown"),
    ("!ImportValue shared-trail-properties", "unknown"),
])
def test_setting_check(properties, expected):
    ctx = context(SETTING.replace("{properties}", properties))
    resource = ctx.template.resources["Trail"]
    ctx.resource = resource
    ctx.rule = Rule(id="MLC608", name="trail-no-kms", severity="medium", check=None)
    check = setting_check(TRAIL, "KMSKeyId", "Trail '{resource}' has no key")
    hits = list(check(ctx.view(resource), ctx))
    got = "hit" if hits else ("unknown" if ctx.unknowns else "pass")
    assert got == expected
    if hits:
        assert hits[0].message == "Trail 'Trail' has no key"


MALFORMED = [
    # EndpointConfig / Endpoint / schedules / job definitions of unexpected shapes
    "C: {Type: AWS::SageMaker::EndpointConfig, Properties: {ProductionVariants: [1, x], DataCaptureConfig: [1]}}",
    "C: {Type: AWS::SageMaker::EndpointConfig, Properties: {ProductionVariants: x, DataCaptureConfig: "
    "{EnableCapture: 99999999999999999999999999999999999999}}}",
    "E: {Type: AWS::SageMaker::Endpoint, Properties: [1, 2]}",
    "S: {Type: AWS::SageMaker::MonitoringSchedule, Properties: {EndpointName: [a], MonitoringScheduleConfig: "
    "{MonitoringJobDefinition: {MonitoringInputs: [1, {EndpointInput: 3}, {EndpointInput: {EndpointName: {}}}]},"
    " MonitoringJobDefinitionName: [x]}}}",
    "J: {Type: AWS::SageMaker::DataQualityJobDefinition, Properties: {DataQualityJobInput: 7, JobDefinitionName: [1]}}",
    # alarms
    "A: {Type: AWS::CloudWatch::Alarm, Properties: {Namespace: AWS/SageMaker, Dimensions: [1, {Name: EndpointName}],"
    " Metrics: [1, {MetricStat: 2}, {MetricStat: {Metric: [1]}}], AlarmActions: {a: b}, ActionsEnabled: 7}}",
    "A: {Type: AWS::CloudWatch::CompositeAlarm, Properties: {AlarmRule: [1, {x: y}], AlarmActions: ''}}",
    "R: {Type: AWS::Events::Rule, Properties: {EventPattern: '{\"source\": [\"aws.cloudwatch\"]}'}}",
    # trails and log groups
    "T: {Type: AWS::CloudTrail::Trail, Properties: {IsLogging: 3, EventSelectors: x, AdvancedEventSelectors: [1, "
    "{FieldSelectors: x}, {FieldSelectors: [1]}, {FieldSelectors: [{Field: eventCategory, Equals: Data}]}]}}",
    "T: {Type: AWS::CloudTrail::Trail, Properties: {EventSelectors: [1, {DataResources: x}, {DataResources: [1, "
    "{Type: 'AWS::S3::Object', Values: [1, {}, 'arn:aws:s3:::/x', '']}]}]}}",
    "L: {Type: AWS::Logs::LogGroup, Properties: {RetentionInDays: 99999999999999999999999999999999, KmsKeyId: [1]}}",
    "B: {Type: AWS::S3::Bucket}\n  M: {Type: AWS::SageMaker::Model, Properties: {PrimaryContainer: "
    "{ModelDataUrl: 's3://'}}}",
]


@pytest.mark.parametrize("resource", MALFORMED)
def test_malformed_resources_never_raise(tmp_path, resource):
    from mlcheck.inputs.discovery import Candidate
    from mlcheck.engine.registry import all_rules
    from mlcheck.engine.runner import Settings, check_file

    path = tmp_path / "t.yaml"
    path.write_text("Resources:\n  " + resource + "\n")
    ids = tuple(r.id for r in all_rules() if r.id.startswith("MLC6"))
    result = check_file(Candidate(str(path), True), Settings(rule_ids=ids))
    assert result.errors == [], result.errors
