"""Which endpoints are watched: Model Monitor schedules and CloudWatch alarms, linked to the template's endpoints.

- A `MonitoringSchedule` targets an endpoint through its own `EndpointName`, through the `EndpointInput` of its
  inline `MonitoringJobDefinition`, or through the job definition it names (`MonitoringJobDefinitionName`: a
  `!GetAtt JobDef.JobDefinitionName`, a `Ref`, a literal or built name), whose `EndpointName` or
  `<Kind>JobInput.EndpointInput.EndpointName` names the endpoint.
- An `AWS::CloudWatch::Alarm` watches an endpoint when one of its metrics (the alarm's own `Namespace` and
  `Dimensions`, or a `Metrics[].MetricStat.Metric`) is a SageMaker endpoint metric whose `EndpointName`
  dimension names the endpoint.

Endpoint names are matched with `mlcheck.aws.autoscaling.endpoint_match` (GetAtt, Ref, literal and built names,
the same matching as ScalableTargets). Every index keeps the reasons a link cannot be known (a name from a
parameter, a job definition from another stack, a schedule under a condition): an endpoint without a known
link is then unknown, never a finding.
"""

from __future__ import annotations

import json


from mlcheck.aws.autoscaling import ENDPOINT, endpoint_match
from mlcheck.model.cache import deployed_only_when, template_index
from mlcheck.model.names import has_unknown, name_key
from mlcheck.util.record import Record
from mlcheck.util.regex import lazy
from mlcheck.model.values import Composite, ResourceRef, Unknown, is_symbolic

SCHEDULE = "AWS::SageMaker::MonitoringSchedule"
ALARM = "AWS::CloudWatch::Alarm"
COMPOSITE_ALARM = "AWS::CloudWatch::CompositeAlarm"
# job definition type -> the property holding its input (whose EndpointInput names the endpoint)
JOB_DEFINITIONS = {
    "AWS::SageMaker::DataQualityJobDefinition": "DataQualityJobInput",
    "AWS::SageMaker::ModelQualityJobDefinition": "ModelQualityJobInput",
    "AWS::SageMaker::ModelBiasJobDefinition": "ModelBiasJobInput",
    "AWS::SageMaker::ModelExplainabilityJobDefinition": "ModelExplainabilityJobInput",
}
# CloudWatch namespaces of endpoint metrics with an EndpointName dimension: invocations (AWS/SageMaker) and the
# endpoint instances' CPU, memory and disk (/aws/sagemaker/Endpoints).
ENDPOINT_NAMESPACES = ("AWS/SageMaker", "/aws/sagemaker/Endpoints")


class Links(Record):
    """Template endpoints linked to watchers (schedules or alarms), and why other links cannot be known."""

    _fields = ("by_endpoint", "unknown", "unknown_for_built_names")
    by_endpoint: dict  # endpoint logical id -> [watcher Resource]
    unknown: list  # reasons a watcher's endpoint cannot be known
    # reasons a watcher naming a known name may watch an endpoint whose own name cannot be known
    unknown_for_built_names: list

    def __init__(self, by_endpoint=None, unknown=None, unknown_for_built_names=None):
        self.by_endpoint = {} if by_endpoint is None else by_endpoint
        self.unknown = [] if unknown is None else unknown
        self.unknown_for_built_names = [] if unknown_for_built_names is None else unknown_for_built_names

    def add(self, endpoint, watcher):
        target = self.by_endpoint.setdefault(endpoint.logical_id, [])
        if watcher not in target:
            target.append(watcher)

    def link(self, ctx, name, watcher, what):
        """Record the endpoint `name` designates (if any) as watched by `watcher`."""
        if isinstance(name, Unknown):
            self.unknown.append(f"{what} of {watcher.logical_id}: {name.reason}")
            return
        endpoint, reason = endpoint_match(name, ctx)
        if reason:
            known = name_key(name) is not None and not has_unknown(name)
            reasons = self.unknown_for_built_names if known else self.unknown
            reasons.append(f"{what} of {watcher.logical_id}: {reason}")
        if endpoint is not None:
            self.add(endpoint, watcher)


def _name_is_uncertain(ctx, endpoint) -> bool:
    name = ctx.view(endpoint).get("EndpointName")
    return name is not None and (name_key(name) is None or has_unknown(name))


def watchers_of(ctx, links: Links, endpoint):
    """(watchers deployed whenever `endpoint` is, reasons the endpoint may still be watched). A watcher that
    names a known name other than the endpoint's is a reason only when the endpoint's own name is built from a
    value that cannot be known."""
    found, reasons = [], []
    for watcher in links.by_endpoint.get(endpoint.logical_id, ()):
        condition = deployed_only_when(ctx, watcher)
        if condition:
            reasons.append(f"{watcher.logical_id} exists only when condition {condition} is true")
        else:
            found.append(watcher)
    reasons += links.unknown
    if links.unknown_for_built_names and _name_is_uncertain(ctx, endpoint):
        reasons += links.unknown_for_built_names
    return found, reasons



def unwatched(ctx, links: Links, endpoint) -> bool:
    """True when no watcher of `links` is deployed with `endpoint` for sure. When one may be (a condition, a name
    that cannot be known), that is recorded as unknown on the endpoint and the answer is False: no finding."""
    found, reasons = watchers_of(ctx, links, endpoint)
    if found:
        return False
    if reasons:
        ctx.unknown(endpoint.path + ("Type",), "; ".join(dict.fromkeys(reasons)))
        return False
    return True

# -- Model Monitor ----------------------------------------------------------------------------------------------

def _job_definition_names(ctx):
    """(name key -> job definition Resource, logical ids of job definitions whose name cannot be known)."""
    by_key, uncertain = {}, []
    for definition in ctx.graph.of_type(*JOB_DEFINITIONS):
        name = ctx.view(definition).get("JobDefinitionName")
        if name is None:
            continue  # generated name: only GetAtt/Ref designates it
        key = name_key(name)
        if key is not None:
            by_key[key] = definition
        if key is None or has_unknown(name):
            uncertain.append(definition.logical_id)
    return by_key, uncertain


def job_definition_for(value, ctx):
    """The template job definition `MonitoringJobDefinitionName` designates; None when it names none in the
    template (defined in another stack: unknown to callers); Unknown when it cannot be known."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Composite) and len(value.parts) == 1:
        value = value.parts[0]
    if isinstance(value, ResourceRef):
        resource = ctx.graph.template.resources.get(value.logical_id)
        return resource if resource is not None and resource.type in JOB_DEFINITIONS else None
    by_key, uncertain = template_index(ctx, "monitoring.job_definition_names", _job_definition_names)
    key = name_key(value)
    if key is not None and key in by_key:
        return by_key[key]
    if key is None or has_unknown(value):
        return Unknown("the job definition name cannot be resolved")
    if uncertain:
        return Unknown(f"the job definition name may match {uncertain[0]}, whose name cannot be known")
    return None


def job_definition_endpoints(view):
    """(path, endpoint name) for each endpoint a job definition's view names."""
    input_key = JOB_DEFINITIONS.get(view.type)
    top = view.get("EndpointName")
    if top is not None:
        yield view.path("EndpointName"), top
    if input_key:
        name = view.get(input_key, "EndpointInput", "EndpointName")
        if name is not None:
            yield view.path(input_key, "EndpointInput", "EndpointName"), name


def _inline_endpoints(view):
    inputs = view.get("MonitoringScheduleConfig", "MonitoringJobDefinition", "MonitoringInputs")
    if isinstance(inputs, Unknown):
        yield inputs
        return
    for item in inputs if isinstance(inputs, list) else ():
        if isinstance(item, Unknown):
            yield item
        elif isinstance(item, dict):
            endpoint_input = item.get("EndpointInput")
            if isinstance(endpoint_input, Unknown):
                yield endpoint_input
            elif isinstance(endpoint_input, dict) and "EndpointName" in endpoint_input:
                yield endpoint_input["EndpointName"]


def _schedule_links(ctx) -> Links:
    links = Links()
    for schedule in ctx.graph.of_type(SCHEDULE):
        view = ctx.view(schedule)
        config = view.get("MonitoringScheduleConfig")
        if isinstance(config, Unknown):
            links.unknown.append(f"MonitoringScheduleConfig of {schedule.logical_id}: {config.reason}")
            continue
        own = view.get("EndpointName")
        if own is not None:
            links.link(ctx, own, schedule, "EndpointName")
        for name in _inline_endpoints(view):
            links.link(ctx, name, schedule, "EndpointInput")
        definition_name = view.get("MonitoringScheduleConfig", "MonitoringJobDefinitionName")
        if definition_name is None:
            continue
        definition = job_definition_for(definition_name, ctx)
        if isinstance(definition, Unknown):
            links.unknown.append(f"MonitoringJobDefinitionName of {schedule.logical_id}: {definition.reason}")
        elif definition is None:
            if own is None:  # the job definition, from elsewhere, may name any endpoint
                links.unknown.append(f"job definition of {schedule.logical_id} is not defined in this template")
        else:
            for _, name in job_definition_endpoints(ctx.view(definition)):
                links.link(ctx, name, schedule, f"EndpointName of job definition {definition.logical_id}")
    return links


def schedule_links(ctx) -> Links:
    """Every MonitoringSchedule of the template, by the template endpoint it targets (built once)."""
    return template_index(ctx, "monitoring.schedules", _schedule_links)


# -- CloudWatch alarms -----------------------------------------------------------------------------------------

def alarm_metrics(view):
    """(namespace, dimensions) for each metric an alarm's view watches; an Unknown for a part that cannot be
    known (a whole `Metrics` list from a parameter, ...)."""
    if view.get("MetricName") is not None or view.get("Namespace") is not None:
        yield view.get("Namespace"), view.get("Dimensions")
    queries = view.get("Metrics")
    if isinstance(queries, Unknown):
        yield queries
        return
    for query in queries if isinstance(queries, list) else ():
        if not isinstance(query, dict):
            if isinstance(query, Unknown):
                yield query
            continue
        expression = query.get("Expression")
        if _may_query_sagemaker(expression):  # metric math, SEARCH() or a Metrics Insights SELECT
            yield Unknown("a metric query expression on SageMaker metrics cannot be matched to an endpoint")
            continue
        stat = query.get("MetricStat")
        metric = stat.get("Metric") if isinstance(stat, dict) else stat
        if isinstance(metric, Unknown):
            yield metric
        elif isinstance(metric, dict):
            yield metric.get("Namespace"), metric.get("Dimensions")


def _may_query_sagemaker(expression) -> bool:
    if isinstance(expression, Unknown):
        return True
    if isinstance(expression, Composite):
        return expression.has_unknown() or "sagemaker" in expression.text("").lower()
    return isinstance(expression, str) and "sagemaker" in expression.lower()


def _endpoint_dimensions(dimensions):
    """The values of `EndpointName` dimensions; Unknown members for dimensions that cannot be read."""
    if isinstance(dimensions, Unknown):
        yield dimensions
        return
    for dimension in dimensions if isinstance(dimensions, list) else ():
        if isinstance(dimension, Unknown):
            yield dimension
            continue
        if not isinstance(dimension, dict):
            continue
        name = dimension.get("Name")
        if is_symbolic(name):
            yield Unknown("a dimension name is computed")
        elif name == "EndpointName" and "Value" in dimension:
            yield dimension["Value"]


def _alarm_links(ctx) -> Links:
    links = Links()
    for alarm in ctx.graph.of_type(ALARM):
        view = ctx.view(alarm)
        for metric in alarm_metrics(view):
            if isinstance(metric, Unknown):
                links.unknown.append(f"metrics of alarm {alarm.logical_id}: {metric.reason}")
                continue
            namespace, dimensions = metric
            if is_symbolic(namespace):
                links.unknown.append(f"Namespace of alarm {alarm.logical_id} cannot be known")
                continue
            if namespace not in ENDPOINT_NAMESPACES:
                continue
            for value in _endpoint_dimensions(dimensions):
                links.link(ctx, value, alarm, "EndpointName dimension")
    return links


def alarm_links(ctx) -> Links:
    """Every CloudWatch alarm on SageMaker endpoint metrics, by the template endpoint it watches (built once)."""
    return template_index(ctx, "monitoring.alarms", _alarm_links)


# Resources that act on an alarm's state themselves, so the alarm needs no AlarmActions of its own: a composite
# alarm (AlarmRule), an endpoint deployment's auto-rollback, a CodeDeploy deployment group's or SAM function's
# alarm rollback, an EventBridge rule on the alarm's state changes.
ALARM_CONSUMERS = {  # resource type -> the property that names alarms
    "AWS::CloudWatch::CompositeAlarm": "AlarmRule",
    ENDPOINT: "DeploymentConfig",
    "AWS::CodeDeploy::DeploymentGroup": "AlarmConfiguration",
    "AWS::Serverless::Function": "DeploymentPreference",
    "AWS::Events::Rule": "EventPattern",
}


# An alarm named in a composite alarm's rule: ALARM("name"), OK(arn:...:alarm:name), INSUFFICIENT_DATA(name).
_RULE_ALARM = lazy(r"\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*\"?([^\")]+?)\"?\s*\)")


def _alarm_names(value):
    """Alarm names written as text in a consumer's property: whole strings, and the names in a rule."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
            for match in _RULE_ALARM.finditer(item):
                yield match.group(1).rsplit(":alarm:", 1)[-1]
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _any_alarm_pattern(pattern) -> bool:
    """An EventBridge pattern on every alarm's state changes (source aws.cloudwatch, no alarm filter)."""
    if isinstance(pattern, str):  # CloudFormation also takes the pattern as a JSON string
        try:
            pattern = json.loads(pattern)
        except ValueError:
            return False
    if not isinstance(pattern, dict):
        return False
    source = pattern.get("source")
    sources = source if isinstance(source, list) else [source]
    if "aws.cloudwatch" not in sources or "resources" in pattern:
        return False
    detail = pattern.get("detail")
    return not (isinstance(detail, dict) and "alarmName" in detail)


def _consumed_alarms(ctx):
    """Logical ids of alarms another resource of the template acts on (by Ref/GetAtt/Sub or by literal name);
    None when a rule acts on every alarm of the account."""
    alarms = ctx.graph.of_type(ALARM, COMPOSITE_ALARM)
    if not alarms:
        return set()
    consumed, names = set(), set()
    for consumer in ctx.graph.of_type(*ALARM_CONSUMERS):
        prop = ALARM_CONSUMERS[consumer.type]
        if prop == "EventPattern" and _any_alarm_pattern(consumer.properties.get(prop)):
            return None
        depth = len(consumer.properties_path)
        for edge in ctx.graph.outgoing.get(consumer.logical_id, ()):
            if edge.path[depth:depth + 1] == (prop,):
                consumed.add(edge.target)
        names.update(_alarm_names(consumer.properties.get(prop)))
    for alarm in alarms:
        name = ctx.view(alarm).get("AlarmName")
        if isinstance(name, str) and name and name in names:
            consumed.add(alarm.logical_id)
    return consumed


def alarm_is_consumed(ctx, alarm) -> bool:
    """Whether another resource of the template acts on the alarm's state (see ALARM_CONSUMERS)."""
    consumed = template_index(ctx, "monitoring.consumed_alarms", _consumed_alarms)
    return consumed is None or alarm.logical_id in consumed


__all__ = [
    "ALARM", "ALARM_CONSUMERS", "COMPOSITE_ALARM", "ENDPOINT", "ENDPOINT_NAMESPACES", "JOB_DEFINITIONS", "Links",
    "SCHEDULE", "alarm_is_consumed", "alarm_links", "alarm_metrics", "job_definition_endpoints",
    "job_definition_for", "schedule_links", "unwatched", "watchers_of",
]
