"""mlcheck.aws.monitoring: MonitoringSchedules and CloudWatch alarms linked to the template's endpoints."""

import textwrap

import pytest

from mlcheck.engine.engine import RuleContext
from mlcheck.model.graph import ResourceGraph
from mlcheck.inputs.loader import load_document
from mlcheck.aws.monitoring import alarm_is_consumed, alarm_links, schedule_links, watchers_of
from mlcheck.model.resolve import Resolver
from mlcheck.inputs.cloudformation import build_template

ENDPOINTS = """
Parameters:
  ModelName: {Type: String}
  Other: {Type: String}
Resources:
  Plain: {Type: AWS::SageMaker::Endpoint, Properties: {EndpointConfigName: c}}
  Named: {Type: AWS::SageMaker::Endpoint, Properties: {EndpointConfigName: c, EndpointName: churn-prd}}
  Built: {Type: AWS::SageMaker::Endpoint, Properties: {EndpointConfigName: c, EndpointName: !Sub "${ModelName}-prd"}}
"""


def context(text):
    document = load_document(textwrap.dedent(text).encode(), "t.yaml")
    template = build_template("t.yaml", document)
    return RuleContext(template, ResourceGraph(template), Resolver(template))


def linked(ctx, links, endpoint):
    return [w.logical_id for w in links.by_endpoint.get(endpoint, [])]


@pytest.mark.parametrize("schedule, endpoint", [
    ("{EndpointName: !GetAtt Plain.EndpointName, MonitoringScheduleConfig: {MonitoringJobDefinitionName: x}}",
     "Plain"),
    ("{EndpointName: !Ref Plain, MonitoringScheduleConfig: {MonitoringJobDefinitionName: x}}", "Plain"),
    ("{EndpointName: churn-prd, MonitoringScheduleConfig: {MonitoringJobDefinitionName: x}}", "Named"),
    ("{EndpointName: !Sub '${ModelName}-prd', MonitoringScheduleConfig: {MonitoringJobDefinitionName: x}}",
     "Built"),
    ("{MonitoringScheduleConfig: {MonitoringJobDefinition: {MonitoringInputs: "
     "[{EndpointInput: {EndpointName: churn-prd, LocalPath: /in}}]}}}", "Named"),
])
def test_schedule_targets_endpoint(schedule, endpoint):
    ctx = context(ENDPOINTS + f"  Schedule: {{Type: AWS::SageMaker::MonitoringSchedule, Properties: {schedule}}}\n")
    links = schedule_links(ctx)
    assert linked(ctx, links, endpoint) == ["Schedule"]
    assert sum(len(v) for v in links.by_endpoint.values()) == 1
    assert links.unknown == []


@pytest.mark.parametrize("definition_name", ["!GetAtt Job.JobDefinitionName", "!Ref Job", "churn-quality"])
@pytest.mark.parametrize("job", [
    "{JobDefinitionName: churn-quality, DataQualityJobInput: {EndpointInput: {EndpointName: !Ref Plain}}}",
    "{JobDefinitionName: churn-quality, EndpointName: !GetAtt Plain.EndpointName}",
])
def test_schedule_targets_endpoint_through_job_definition(definition_name, job):
    ctx = context(ENDPOINTS + f"""
  Job: {{Type: AWS::SageMaker::DataQualityJobDefinition, Properties: {job}}}
  Schedule:
    Type: AWS::SageMaker::MonitoringSchedule
    Properties: {{MonitoringScheduleConfig: {{MonitoringJobDefinitionName: {definition_name}}}}}
""")
    links = schedule_links(ctx)
    assert linked(ctx, links, "Plain") == ["Schedule"] and links.unknown == []


def test_job_definition_kinds_read_their_own_input():
    ctx = context(ENDPOINTS + """
  Bias:
    Type: AWS::SageMaker::ModelBiasJobDefinition
    Properties: {ModelBiasJobInput: {EndpointInput: {EndpointName: churn-prd}}}
  Schedule:
    Type: AWS::SageMaker::MonitoringSchedule
    Properties: {MonitoringScheduleConfig: {MonitoringJobDefinitionName: !GetAtt Bias.JobDefinitionName}}
""")
    assert linked(ctx, schedule_links(ctx), "Named") == ["Schedule"]


def test_schedule_of_an_endpoint_defined_elsewhere_links_nothing_and_is_not_unknown():
    ctx = context(ENDPOINTS + """
  Schedule:
    Type: AWS::SageMaker::MonitoringSchedule
    Properties: {EndpointName: fraud-prd, MonitoringScheduleConfig: {MonitoringJobDefinitionName: x}}
""")
    links = schedule_links(ctx)
    assert links.by_endpoint == {} and links.unknown == []
    for endpoint in ("Plain", "Named"):
        assert watchers_of(ctx, links, ctx.template.resources[endpoint]) == ([], [])
    # `${ModelName}-prd` is fraud-prd when ModelName is fraud: unknown for that endpoint only
    assert watchers_of(ctx, links, ctx.template.resources["Built"])[1]


@pytest.mark.parametrize("properties", [
    "{EndpointName: !Ref Other, MonitoringScheduleConfig: {MonitoringJobDefinitionName: x}}",
    "{MonitoringScheduleConfig: {MonitoringJobDefinitionName: job-from-another-stack}}",
    "{MonitoringScheduleConfig: {MonitoringJobDefinitionName: !ImportValue shared-job}}",
    "{MonitoringScheduleConfig: !ImportValue shared-config}",
])
def test_unresolvable_schedule_makes_endpoints_unknown(properties):
    ctx = context(ENDPOINTS + f"  Schedule: {{Type: AWS::SageMaker::MonitoringSchedule, Properties: {properties}}}\n")
    links = schedule_links(ctx)
    found, reasons = watchers_of(ctx, links, ctx.template.resources["Plain"])
    assert found == [] and reasons


def test_schedule_under_condition_is_a_reason_not_a_watcher():
    text = ENDPOINTS.replace("Resources:", "Conditions:\n  IsProd: !Equals [!Ref Other, prd]\nResources:") + """
  Schedule:
    Type: AWS::SageMaker::MonitoringSchedule
    Condition: IsProd
    Properties: {EndpointName: !GetAtt Plain.EndpointName, MonitoringScheduleConfig: {MonitoringJobDefinitionName: x}}
"""
    ctx = context(text)
    found, reasons = watchers_of(ctx, schedule_links(ctx), ctx.template.resources["Plain"])
    assert found == [] and reasons == ["Schedule exists only when condition IsProd is true"]


ALARM = """
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties: {properties}
"""


@pytest.mark.parametrize("properties, endpoint", [
    ("{Namespace: AWS/SageMaker, MetricName: Invocations, Dimensions: [{Name: EndpointName, Value: !Ref Plain}]}",
     "Plain"),
    ("{Namespace: AWS/SageMaker, Dimensions: [{Name: EndpointName, Value: !GetAtt Plain.EndpointName}]}", "Plain"),
    ("{Namespace: /aws/sagemaker/Endpoints, Dimensions: [{Name: EndpointName, Value: churn-prd}]}", "Named"),
    ("{Metrics: [{Id: m, MetricStat: {Metric: {Namespace: AWS/SageMaker, MetricName: ModelLatency, "
     "Dimensions: [{Name: VariantName, Value: AllTraffic}, {Name: EndpointName, Value: !Sub '${ModelName}-prd'}]}}}]}",
     "Built"),
])
def test_alarm_watches_endpoint(properties, endpoint):
    ctx = context(ENDPOINTS + ALARM.format(properties=properties))
    links = alarm_links(ctx)
    assert linked(ctx, links, endpoint) == ["Alarm"] and links.unknown == []


@pytest.mark.parametrize("properties", [
    "{Namespace: AWS/Lambda, Dimensions: [{Name: EndpointName, Value: !Ref Plain}]}",
    "{Namespace: AWS/SageMaker, Dimensions: [{Name: EndpointConfigName, Value: !Ref Plain}]}",
    "{Namespace: AWS/SageMaker, Dimensions: [{Name: EndpointName, Value: fraud-prd}]}",
    "{Metrics: [{Id: q, Expression: 'SELECT MAX(Errors) FROM \"AWS/Lambda\"'}]}",
])
def test_alarm_on_other_metrics_watches_nothing(properties):
    ctx = context(ENDPOINTS + ALARM.format(properties=properties))
    links = alarm_links(ctx)
    assert links.by_endpoint == {} and links.unknown == []
    for endpoint in ("Plain", "Named"):
        assert watchers_of(ctx, links, ctx.template.resources[endpoint]) == ([], [])


@pytest.mark.parametrize("properties", [
    "{Namespace: !Ref Other, Dimensions: [{Name: EndpointName, Value: !Ref Plain}]}",
    "{Namespace: AWS/SageMaker, Dimensions: [{Name: EndpointName, Value: !Ref Other}]}",
    "{Namespace: AWS/SageMaker, Dimensions: [{Name: !Ref Other, Value: churn-prd}]}",
    "{Namespace: AWS/SageMaker, Dimensions: !Ref Other}",
    "{Metrics: !ImportValue shared-metrics}",
    "{Metrics: [{Id: q, Expression: \"SELECT MAX(ModelLatency) FROM \\\"AWS/SageMaker\\\" GROUP BY EndpointName\"}]}",
    "{Metrics: [{Id: q, Expression: !Sub \"SEARCH('{${Other}} ModelLatency', 'Average')\"}]}",
])
def test_alarm_that_cannot_be_read_is_unknown(properties):
    ctx = context(ENDPOINTS + ALARM.format(properties=properties))
    found, reasons = watchers_of(ctx, alarm_links(ctx), ctx.template.resources["Plain"])
    assert found == [] and reasons


CONSUMERS = """
Resources:
  Alarm: {Type: AWS::CloudWatch::Alarm, Properties: {AlarmName: churn-errors, Namespace: AWS/SageMaker}}
"""


@pytest.mark.parametrize("consumer, consumed", [
    ("{Type: AWS::CloudWatch::CompositeAlarm, Properties: {AlarmRule: !Sub 'ALARM(${Alarm.Arn})'}}", True),
    ("{Type: AWS::CloudWatch::CompositeAlarm, Properties: {AlarmRule: 'ALARM(\"churn-errors\")'}}", True),
    ("{Type: AWS::CloudWatch::CompositeAlarm, Properties: {AlarmRule: 'ALARM(\"fraud-errors\")'}}", False),
    ("{Type: AWS::CloudWatch::CompositeAlarm, Properties: {AlarmRule: 'ALARM(\"churn-errors-p99\")'}}", False),
    ("{Type: AWS::CloudWatch::CompositeAlarm, Properties: {AlarmRule: "
     "'OK(other) AND ALARM(arn:aws:cloudwatch:eu-west-1:123456789012:alarm:churn-errors)'}}", True),
    ("{Type: AWS::SageMaker::Endpoint, Properties: {EndpointConfigName: c, DeploymentConfig: "
     "{AutoRollbackConfiguration: {Alarms: [{AlarmName: !Ref Alarm}]}}}}", True),
    ("{Type: AWS::SageMaker::Endpoint, Properties: {EndpointConfigName: churn-errors}}", False),
    ("{Type: AWS::CodeDeploy::DeploymentGroup, Properties: {AlarmConfiguration: {Alarms: [{Name: churn-errors}]}}}",
     True),
    ("{Type: AWS::Events::Rule, Properties: {EventPattern: {source: [aws.cloudwatch], "
     "resources: [!GetAtt Alarm.Arn]}}}", True),
    ("{Type: AWS::Events::Rule, Properties: {EventPattern: {source: [aws.cloudwatch], "
     "detail-type: [CloudWatch Alarm State Change]}}}", True),
    ("{Type: AWS::Events::Rule, Properties: {EventPattern: {source: [aws.cloudwatch], "
     "resources: [arn:aws:cloudwatch:eu-west-1:123456789012:alarm:other]}}}", False),
    ("{Type: AWS::Events::Rule, Properties: {EventPattern: '{\"source\": [\"aws.cloudwatch\"]}'}}", True),
    ("{Type: AWS::Events::Rule, Properties: {EventPattern: 'not json'}}", False),
    ("{Type: AWS::Events::Rule, Properties: {EventPattern: {source: [aws.sagemaker]}}}", False),
])
def test_alarm_consumers(consumer, consumed):
    ctx = context(CONSUMERS + f"  Consumer: {consumer}\n")
    assert alarm_is_consumed(ctx, ctx.template.resources["Alarm"]) is consumed
