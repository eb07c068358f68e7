"""Every API call mlcheck makes to an AWS account, and the IAM action that allows it.

This table is the whole list: `AccountReader` refuses to send an operation that is not here, the README's
"IAM policy for --aws and aws://" is printed from it (`policy_document()`), and the tests record every
operation a scan sends (botocore's `before-call` event) and check it against this table. All of them are
read-only (Describe/List/Get).
"""

from __future__ import annotations

# (boto3 service name, operation) -> IAM action. Mostly the same name; S3 and SageMaker's ListTags differ.
CALLS = {
    **{("sagemaker", op): f"sagemaker:{op}" for op in (
        "ListNotebookInstances", "DescribeNotebookInstance", "ListModels", "DescribeModel",
        "ListEndpointConfigs", "DescribeEndpointConfig", "ListEndpoints", "DescribeEndpoint",
        "ListDomains", "DescribeDomain", "ListUserProfiles", "DescribeUserProfile",
        "ListMonitoringSchedules", "DescribeMonitoringSchedule",
        "ListDataQualityJobDefinitions", "DescribeDataQualityJobDefinition",
        "ListModelQualityJobDefinitions", "DescribeModelQualityJobDefinition",
        "ListModelBiasJobDefinitions", "DescribeModelBiasJobDefinition",
        "ListModelExplainabilityJobDefinitions", "DescribeModelExplainabilityJobDefinition",
        "ListFeatureGroups", "DescribeFeatureGroup",
        "ListTrainingJobs", "DescribeTrainingJob", "ListProcessingJobs", "DescribeProcessingJob",
        "ListTags")},
    **{("iam", op): f"iam:{op}" for op in (
        "GetRole", "ListRolePolicies", "GetRolePolicy", "ListAttachedRolePolicies", "GetPolicy",
        "GetPolicyVersion")},
    **{("kms", op): f"kms:{op}" for op in ("DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus")},
    ("s3", "GetBucketPolicy"): "s3:GetBucketPolicy",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetBucketVersioning"): "s3:GetBucketVersioning",
    **{("ec2", op): f"ec2:{op}" for op in (
        "DescribeSubnets", "DescribeVpcs", "DescribeVpcEndpoints", "DescribeSecurityGroups")},
    ("application-autoscaling", "DescribeScalableTargets"): "application-autoscaling:DescribeScalableTargets",
    ("application-autoscaling", "DescribeScalingPolicies"): "application-autoscaling:DescribeScalingPolicies",
    ("cloudwatch", "DescribeAlarms"): "cloudwatch:DescribeAlarms",
    ("cloudtrail", "DescribeTrails"): "cloudtrail:DescribeTrails",
    ("cloudtrail", "GetEventSelectors"): "cloudtrail:GetEventSelectors",
    ("cloudtrail", "GetTrailStatus"): "cloudtrail:GetTrailStatus",
    ("logs", "DescribeLogGroups"): "logs:DescribeLogGroups",
    ("cloudformation", "ListExports"): "cloudformation:ListExports",
    ("service-quotas", "ListServiceQuotas"): "servicequotas:ListServiceQuotas",
}


def iam_action(service: str, operation: str) -> str:
    """The IAM action of a call; KeyError for a call mlcheck does not declare (a bug: the policy would be
    wrong)."""
    return CALLS[(service, operation)]


def policy_document() -> dict:
    """The IAM policy a user attaches to let mlcheck read what it reads, and nothing else."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "MlcheckReadOnly", "Effect": "Allow", "Action": sorted(set(CALLS.values())), "Resource": "*"}]}
