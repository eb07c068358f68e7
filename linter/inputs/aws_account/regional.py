"""What the region holds around its SageMaker resources: Application Auto Scaling targets and policies of
SageMaker variants, CloudWatch alarms, CloudTrail trails (with their status and event selectors) and SageMaker's log
groups (`/aws/sagemaker/`), in CloudFormation's shape."""

from __future__ import annotations

from mlcheck.inputs.aws_account.inventory import AccountResource
from mlcheck.inputs.aws_account.session import Failed
from mlcheck.model.values import Unknown

LOG_GROUP_PREFIX = "/aws/sagemaker/"

_ALARM_KEYS = ("AlarmName", "AlarmDescription", "ActionsEnabled", "AlarmActions", "OKActions",
               "InsufficientDataActions", "MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Dimensions",
               "Period", "Unit", "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator",
               "TreatMissingData", "Metrics", "ThresholdMetricId")


def scan(reader, inventory) -> None:
    for found in reader.parallel(lambda f: f(reader), (_scaling, _alarms, _trails, _log_groups)):
        for item in found:
            if isinstance(item, AccountResource):
                inventory.add(item)
            else:
                inventory.unreadable.append(item)


def _scaling(reader):
    out = []
    targets = reader.pages("application-autoscaling", "DescribeScalableTargets", "ScalableTargets",
                           ServiceNamespace="sagemaker")
    if isinstance(targets, Failed):
        return [("Application Auto Scaling targets", targets.reason)]
    for target in targets:
        props = {k: target.get(k) for k in ("ServiceNamespace", "ResourceId", "ScalableDimension", "MinCapacity",
                                            "MaxCapacity", "RoleARN") if target.get(k) is not None}
        arn = target.get("ScalableTargetARN") or (
            f"arn:aws:application-autoscaling:{reader.region}::scalable-target/"
            f"{target['ResourceId']}|{target['ScalableDimension']}")
        out.append(AccountResource("AWS::ApplicationAutoScaling::ScalableTarget",
                                   target["ResourceId"], arn, props))
    policies = reader.pages("application-autoscaling", "DescribeScalingPolicies", "ScalingPolicies",
                            ServiceNamespace="sagemaker")
    if isinstance(policies, Failed):
        out.append(("Application Auto Scaling policies", policies.reason))
        return out
    for policy in policies:
        props = {k: policy.get(k) for k in ("PolicyName", "PolicyType", "ResourceId", "ScalableDimension",
                                            "ServiceNamespace", "TargetTrackingScalingPolicyConfiguration",
                                            "StepScalingPolicyConfiguration") if policy.get(k) is not None}
        out.append(AccountResource("AWS::ApplicationAutoScaling::ScalingPolicy", policy["PolicyName"],
                                   policy["PolicyARN"], props))
    return out


def _alarms(reader):
    alarms = reader.pages("cloudwatch", "DescribeAlarms", "MetricAlarms")
    if isinstance(alarms, Failed):
        return [("CloudWatch alarms", alarms.reason)]
    return [AccountResource("AWS::CloudWatch::Alarm", alarm["AlarmName"], alarm["AlarmArn"],
                            {k: alarm[k] for k in _ALARM_KEYS if alarm.get(k) not in (None, [])})
            for alarm in alarms]


def _trails(reader):
    got = reader.call("cloudtrail", "DescribeTrails", includeShadowTrails=True)
    if isinstance(got, Failed):
        return [("CloudTrail trails", got.reason)]
    out = []
    for trail in got.get("trailList", []):
        props = {"TrailName": trail["Name"], "S3BucketName": trail.get("S3BucketName"),
                 "IsMultiRegionTrail": trail.get("IsMultiRegionTrail", False),
                 "EnableLogFileValidation": trail.get("LogFileValidationEnabled", False),
                 "IncludeGlobalServiceEvents": trail.get("IncludeGlobalServiceEvents", False)}
        for source, target in (("KmsKeyId", "KMSKeyId"), ("CloudWatchLogsLogGroupArn", "CloudWatchLogsLogGroupArn"),
                               ("CloudWatchLogsRoleArn", "CloudWatchLogsRoleArn")):
            if trail.get(source):
                props[target] = trail[source]
        status = reader.call("cloudtrail", "GetTrailStatus", Name=trail["TrailARN"])
        props["IsLogging"] = Unknown(status.reason) if isinstance(status, Failed) else bool(status.get("IsLogging"))
        selectors = reader.call("cloudtrail", "GetEventSelectors", TrailName=trail["TrailARN"])
        if isinstance(selectors, Failed):
            props["EventSelectors"] = Unknown(selectors.reason)
        else:
            if selectors.get("EventSelectors"):
                props["EventSelectors"] = selectors["EventSelectors"]
            if selectors.get("AdvancedEventSelectors"):
                props["AdvancedEventSelectors"] = selectors["AdvancedEventSelectors"]
        out.append(AccountResource("AWS::CloudTrail::Trail", trail["Name"], trail["TrailARN"],
                                   {k: v for k, v in props.items() if v is not None}))
    return out


def _log_groups(reader):
    groups = reader.pages("logs", "DescribeLogGroups", "logGroups", logGroupNamePrefix=LOG_GROUP_PREFIX)
    if isinstance(groups, Failed):
        return [("CloudWatch Logs log groups", groups.reason)]
    out = []
    for group in groups:
        props = {"LogGroupName": group["logGroupName"]}
        if group.get("retentionInDays"):
            props["RetentionInDays"] = group["retentionInDays"]
        if group.get("kmsKeyId"):
            props["KmsKeyId"] = group["kmsKeyId"]
        arn = group.get("arn", "").removesuffix(":*") or \
            f"arn:aws:logs:{reader.region}::log-group:{group['logGroupName']}"
        out.append(AccountResource("AWS::Logs::LogGroup", group["logGroupName"], arn, props))
    return out
