"""What Terraform maps onto: for each mapped resource type, the CloudFormation type of the same AWS object and the
properties it reads from which attributes (`MAPPERS`), the split-out resources folded into their bucket or role
(`FOLDED`), and which CloudFormation return value each referenced attribute is (`reference_value`).

Names that do not follow CamelCase -> snake_case are spelled out (EndpointConfig `KmsKeyId` is `kms_key_arn`,
Model `Containers` is `container`, notebook `SecurityGroupIds` is `security_groups`); the attribute names were
checked against the AWS provider's schema (5.100). Each provider default is stated beside its type; where it
differs from CloudFormation's, the field writes the provider's (`default=`, or a `convert`).
"""

from __future__ import annotations

import json

from mlcheck.inputs.terraform import jsonvalue
from mlcheck.inputs.terraform.resource import Reference
from mlcheck.model.values import Composite, Unknown

MISSING = object()


class Field:
    """One CloudFormation property read from one Terraform attribute.

    `block`: the attribute is a nested block (a list of mappings in Terraform's JSON shape) mapped by the
    fields in `block` — `many` keeps every block as a list, else the first block is one mapping. `convert`
    turns the plain value (a JSON policy string into a document, ...). `default`: the provider's default when
    the attribute is missing, written only where it differs from CloudFormation's."""

    __slots__ = ("cfn", "tf", "block", "many", "convert", "default")

    def __init__(self, cfn, tf, block=None, many=False, convert=None, default=MISSING):
        self.cfn, self.tf, self.block, self.many, self.convert, self.default = cfn, tf, block, many, convert, default


def snake_case(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def F(cfn, tf=None, **kw) -> Field:
    """A field whose Terraform name is the snake_case of the CloudFormation one unless given."""
    return Field(cfn, tf or snake_case(cfn), **kw)


def B(cfn, tf=None, *fields, many=False) -> Field:
    """A nested block."""
    return Field(cfn, tf or snake_case(cfn), block=fields, many=many)


def policy_document(value):
    """A policy written as JSON text (`jsonencode(...)`, a heredoc, `data.aws_iam_policy_document.x.json`). A
    `jsonencode` with references inside (`"${aws_s3_bucket.data.arn}/*"`) is a Composite: decoded with the
    references back in place, so the statement is judged and located, not passed."""
    if isinstance(value, (str, Composite)):
        document = jsonvalue.decode(value)
        return Unknown("the policy is not valid JSON") if isinstance(document, Unknown) else document
    return value



_S3_ACL = {"private": "Private", "public-read": "PublicRead", "public-read-write": "PublicReadWrite",
           "authenticated-read": "AuthenticatedRead", "log-delivery-write": "LogDeliveryWrite",
           "bucket-owner-read": "BucketOwnerRead", "bucket-owner-full-control": "BucketOwnerFullControl",
           "aws-exec-read": "AwsExecRead"}


def _s3_acl(value):
    return _S3_ACL.get(value, value) if isinstance(value, str) else value


# -- SageMaker -------------------------------------------------------------------------------------------------
_VPC_CONFIG = (F("SecurityGroupIds"), F("Subnets"))
_CONTAINER = (
    F("Image"), F("ModelDataUrl"), F("Mode"), F("Environment"), F("ContainerHostname"), F("ModelPackageName"),
    B("ImageConfig", None, F("RepositoryAccessMode")),
    B("ModelDataSource", None, B("S3DataSource", None, F("S3Uri"), F("S3DataType"), F("CompressionType"))),
    B("MultiModelConfig", None, F("ModelCacheSetting")),
)
_VARIANT = (
    F("VariantName"), F("ModelName"), F("InstanceType"), F("InitialInstanceCount"), F("InitialVariantWeight"),
    F("AcceleratorType"), F("VolumeSizeInGB", "volume_size_in_gb"),
    B("ServerlessConfig", None, F("MaxConcurrency"), F("MemorySizeInMB", "memory_size_in_mb"),
      F("ProvisionedConcurrency")),
)
_MONITORING_OUTPUT = B("MonitoringOutputs", "monitoring_outputs",
                       B("S3Output", "s3_output", F("LocalPath"), F("S3Uri", "s3_uri"), F("S3UploadMode")),
                       many=True)
_JOB_RESOURCES = B("JobResources", None, B("ClusterConfig", None, F("InstanceCount"), F("InstanceType"),
                                            F("VolumeSizeInGB", "volume_size_in_gb"), F("VolumeKmsKeyId")))
_NETWORK_CONFIG = B("NetworkConfig", None, F("EnableNetworkIsolation"), F("EnableInterContainerTrafficEncryption"),
                    B("VpcConfig", None, *_VPC_CONFIG))
_ENDPOINT_INPUT = B("EndpointInput", None, F("EndpointName"), F("LocalPath"), F("S3DataDistributionType"),
                    F("S3InputMode"))


def _job_definition(kind: str) -> tuple:
    """The data/model quality, bias and explainability job definitions share one shape (`data_quality_*`)."""
    tf = snake_case(kind)
    return (
        F("JobDefinitionName", "name"), F("RoleArn"),
        B(f"{kind}AppSpecification", f"{tf}_app_specification", F("ImageUri"), F("Environment")),
        B(f"{kind}JobInput", f"{tf}_job_input", _ENDPOINT_INPUT),
        B(f"{kind}JobOutputConfig", f"{tf}_job_output_config", F("KmsKeyId"), _MONITORING_OUTPUT),
        _JOB_RESOURCES, _NETWORK_CONFIG,
        B("StoppingCondition", None, F("MaxRuntimeInSeconds")),
    )


_USER_SETTINGS = (F("ExecutionRole"), F("SecurityGroups"),
                  B("SharingSettings", None, F("NotebookOutputOption"), F("S3KmsKeyId"), F("S3OutputPath")))

# -- S3 --------------------------------------------------------------------------------------------------------
_PUBLIC_ACCESS_BLOCK = (F("BlockPublicAcls"), F("BlockPublicPolicy"), F("IgnorePublicAcls"),
                        F("RestrictPublicBuckets"))
_SSE_RULE = (B("ServerSideEncryptionByDefault", "apply_server_side_encryption_by_default",
               F("SSEAlgorithm", "sse_algorithm"), F("KMSMasterKeyID", "kms_master_key_id")),
             F("BucketKeyEnabled"))

# -- network ---------------------------------------------------------------------------------------------------
# aws_security_group's ingress/egress blocks: CloudFormation writes one CIDR per rule, Terraform a list, so a
# block is split into one rule per CIDR (`_split_group_rules`).
GROUP_RULE = (F("IpProtocol", "protocol"), F("FromPort"), F("ToPort"), F("Description"))

# tf type -> (CloudFormation type, fields)
MAPPERS = {
    # direct_internet_access and root_access default to Enabled, as in CloudFormation (checkov's CKV_AWS_122 reads
    # a missing direct_internet_access as compliant); the IMDS minimum version is left to AWS (1).
    "aws_sagemaker_notebook_instance": ("AWS::SageMaker::NotebookInstance", (
        F("NotebookInstanceName", "name"), F("RoleArn"), F("InstanceType"), F("SubnetId"),
        F("SecurityGroupIds", "security_groups"), F("KmsKeyId"), F("DirectInternetAccess"), F("RootAccess"),
        F("PlatformIdentifier"), F("VolumeSizeInGB", "volume_size"), F("LifecycleConfigName", "lifecycle_config_name"),
        F("DefaultCodeRepository"),
        B("InstanceMetadataServiceConfiguration", None, F("MinimumInstanceMetadataServiceVersion")),
    )),
    # enable_network_isolation defaults to false, as in CloudFormation.
    "aws_sagemaker_model": ("AWS::SageMaker::Model", (
        F("ModelName", "name"), F("ExecutionRoleArn"), F("EnableNetworkIsolation"),
        B("PrimaryContainer", None, *_CONTAINER), B("Containers", "container", *_CONTAINER, many=True),
        B("VpcConfig", None, *_VPC_CONFIG),
        B("InferenceExecutionConfig", None, F("Mode")),
    )),
    "aws_sagemaker_endpoint_configuration": ("AWS::SageMaker::EndpointConfig", (
        F("EndpointConfigName", "name"), F("KmsKeyId", "kms_key_arn"),
        B("ProductionVariants", "production_variants", *_VARIANT, many=True),
        B("ShadowProductionVariants", "shadow_production_variants", *_VARIANT, many=True),
        # The provider sends enable_capture = false when the block leaves it out (a missing bool of a nested
        # block reads as false); CloudFormation's EnableCapture defaults to true.
        B("DataCaptureConfig", None, F("EnableCapture", default=False), F("InitialSamplingPercentage"),
          F("DestinationS3Uri"),
          F("KmsKeyId"), B("CaptureOptions", None, F("CaptureMode"), many=True)),
        B("AsyncInferenceConfig", None,
          B("OutputConfig", None, F("S3OutputPath"), F("S3FailurePath"), F("KmsKeyId"),
            B("NotificationConfig", None, F("SuccessTopic"), F("ErrorTopic"))),
          B("ClientConfig", None, F("MaxConcurrentInvocationsPerInstance"))),
    )),
    "aws_sagemaker_endpoint": ("AWS::SageMaker::Endpoint", (
        F("EndpointName", "name"), F("EndpointConfigName"),
    )),
    # app_network_access_type defaults to PublicInternetOnly, as in CloudFormation.
    "aws_sagemaker_domain": ("AWS::SageMaker::Domain", (
        F("DomainName"), F("AuthMode"), F("VpcId"), F("SubnetIds"), F("KmsKeyId"), F("AppNetworkAccessType"),
        B("DefaultUserSettings", None, *_USER_SETTINGS),
        B("DefaultSpaceSettings", None, F("ExecutionRole"), F("SecurityGroups")),
        B("DomainSettings", None, F("SecurityGroupIds")),
    )),
    "aws_sagemaker_user_profile": ("AWS::SageMaker::UserProfile", (
        F("UserProfileName"), F("DomainId"), B("UserSettings", None, *_USER_SETTINGS),
    )),
    "aws_sagemaker_monitoring_schedule": ("AWS::SageMaker::MonitoringSchedule", (
        F("MonitoringScheduleName", "name"),
        B("MonitoringScheduleConfig", None, F("MonitoringJobDefinitionName"), F("MonitoringType"),
          B("ScheduleConfig", None, F("ScheduleExpression"))),
    )),
    "aws_sagemaker_data_quality_job_definition": ("AWS::SageMaker::DataQualityJobDefinition",
                                                  _job_definition("DataQuality")),
    "aws_sagemaker_feature_group": ("AWS::SageMaker::FeatureGroup", (
        F("FeatureGroupName"), F("RoleArn"), F("RecordIdentifierFeatureName"), F("EventTimeFeatureName"),
        B("OnlineStoreConfig", None, F("EnableOnlineStore"), F("StorageType"),
          B("SecurityConfig", None, F("KmsKeyId"))),
        B("OfflineStoreConfig", None, B("S3StorageConfig", "s3_storage_config", F("S3Uri", "s3_uri"), F("KmsKeyId")),
          F("DisableGlueTableCreation")),
    )),
    "aws_sagemaker_code_repository": ("AWS::SageMaker::CodeRepository", (
        F("CodeRepositoryName"), B("GitConfig", None, F("RepositoryUrl"), F("Branch"), F("SecretArn")),
    )),
    # -- IAM ---------------------------------------------------------------------------------------------------
    "aws_iam_role": ("AWS::IAM::Role", (
        F("RoleName", "name"), F("Path"), F("AssumeRolePolicyDocument", "assume_role_policy", convert=policy_document),
        F("ManagedPolicyArns"), F("PermissionsBoundary"),
        Field("Policies", "inline_policy", block=(F("PolicyName", "name"),
                                                   F("PolicyDocument", "policy", convert=policy_document)),
              many=True),
    )),
    "aws_iam_policy": ("AWS::IAM::ManagedPolicy", (
        F("ManagedPolicyName", "name"), F("Path"), F("PolicyDocument", "policy", convert=policy_document),
    )),
    "aws_iam_role_policy": ("AWS::IAM::Policy", (
        F("PolicyName", "name"), F("PolicyDocument", "policy", convert=policy_document),
        Field("Roles", "role", convert=lambda v: [v]),
    )),
    "aws_iam_user": ("AWS::IAM::User", (F("UserName", "name"), F("Path"))),
    "aws_iam_user_policy": ("AWS::IAM::Policy", (
        F("PolicyName", "name"), F("PolicyDocument", "policy", convert=policy_document),
        Field("Users", "user", convert=lambda v: [v]),
    )),
    # -- KMS ---------------------------------------------------------------------------------------------------
    # enable_key_rotation: the provider's default is false, as CloudFormation's; is_enabled true, as Enabled.
    "aws_kms_key": ("AWS::KMS::Key", (
        F("Description"), F("KeyPolicy", "policy", convert=policy_document), F("EnableKeyRotation"),
        F("Enabled", "is_enabled"), F("KeySpec", "customer_master_key_spec"), F("KeyUsage"),
        F("MultiRegion"), F("PendingWindowInDays", "deletion_window_in_days"),
    )),
    "aws_kms_alias": ("AWS::KMS::Alias", (F("AliasName", "name"), F("TargetKeyId"))),
    # -- S3 ----------------------------------------------------------------------------------------------------
    # The provider (v4+) writes encryption, versioning, logging and ACLs as resources of their own (folded in
    # below); the deprecated inline blocks are still read.
    "aws_s3_bucket": ("AWS::S3::Bucket", (
        F("BucketName", "bucket"), F("AccessControl", "acl", convert=_s3_acl),
        Field("VersioningConfiguration", "versioning",
              block=(Field("Status", "enabled", convert=lambda v: "Enabled" if v is True else
                           ("Suspended" if v is False else v)),)),
        Field("LoggingConfiguration", "logging", block=(F("DestinationBucketName", "target_bucket"),
                                                        F("LogFilePrefix", "target_prefix"))),
        Field("BucketEncryption", "server_side_encryption_configuration",
              block=(Field("ServerSideEncryptionConfiguration", "rule", block=_SSE_RULE, many=True),)),
    )),
    "aws_s3_bucket_policy": ("AWS::S3::BucketPolicy", (
        F("Bucket"), F("PolicyDocument", "policy", convert=policy_document),
    )),
    # -- network -----------------------------------------------------------------------------------------------
    "aws_vpc": ("AWS::EC2::VPC", (F("CidrBlock"), F("EnableDnsSupport"), F("EnableDnsHostnames"))),
    "aws_subnet": ("AWS::EC2::Subnet", (
        F("VpcId"), F("CidrBlock"), F("AvailabilityZone"), F("AvailabilityZoneId"), F("MapPublicIpOnLaunch"),
    )),
    "aws_security_group": ("AWS::EC2::SecurityGroup", (
        F("GroupName", "name"), F("GroupDescription", "description"), F("VpcId"),
    )),
    # vpc_endpoint_type defaults to Gateway and private_dns_enabled to false (the provider's documented default;
    # the plan leaves it computed), as in CloudFormation.
    "aws_vpc_endpoint": ("AWS::EC2::VPCEndpoint", (
        F("VpcId"), F("ServiceName"), F("VpcEndpointType"), F("PrivateDnsEnabled"), F("SubnetIds"),
        F("SecurityGroupIds"), F("RouteTableIds"), F("PolicyDocument", "policy", convert=policy_document),
    )),
    "aws_vpc_endpoint_service": ("AWS::EC2::VPCEndpointService", (
        F("AcceptanceRequired"), F("NetworkLoadBalancerArns"), F("GatewayLoadBalancerArns"),
    )),
    "aws_route_table": ("AWS::EC2::RouteTable", (F("VpcId"),)),
    "aws_route_table_association": ("AWS::EC2::SubnetRouteTableAssociation", (F("SubnetId"), F("RouteTableId"))),
    "aws_route": ("AWS::EC2::Route", (
        F("RouteTableId"), F("DestinationCidrBlock"), F("NatGatewayId"), F("GatewayId"),
    )),
    "aws_nat_gateway": ("AWS::EC2::NatGateway", (F("SubnetId"), F("AllocationId"))),
    # -- Application Auto Scaling -------------------------------------------------------------------------------
    "aws_appautoscaling_target": ("AWS::ApplicationAutoScaling::ScalableTarget", (
        F("ServiceNamespace"), F("ResourceId"), F("ScalableDimension"), F("MinCapacity"), F("MaxCapacity"),
        F("RoleARN", "role_arn"),
    )),
    # The policy names its target by ResourceId/ScalableDimension/ServiceNamespace, as CloudFormation allows.
    "aws_appautoscaling_policy": ("AWS::ApplicationAutoScaling::ScalingPolicy", (
        F("PolicyName", "name"), F("PolicyType"), F("ServiceNamespace"), F("ResourceId"), F("ScalableDimension"),
        B("TargetTrackingScalingPolicyConfiguration", None, F("TargetValue"), F("ScaleInCooldown"),
          F("ScaleOutCooldown"), F("DisableScaleIn"),
          B("PredefinedMetricSpecification", None, F("PredefinedMetricType"), F("ResourceLabel")),
          B("CustomizedMetricSpecification", None, F("MetricName"), F("Namespace"), F("Statistic"),
            B("Dimensions", "dimensions", F("Name"), F("Value"), many=True))),
        B("StepScalingPolicyConfiguration", None, F("AdjustmentType"), F("Cooldown")),
    )),
    # -- audit and monitoring ------------------------------------------------------------------------------------
    "aws_cloudtrail": ("AWS::CloudTrail::Trail", (
        F("TrailName", "name"), F("S3BucketName"), F("S3KeyPrefix"),
        # The provider's enable_logging defaults to true; CloudFormation's IsLogging has no default (required).
        # is_multi_region_trail and enable_log_file_validation default to false, include_global_service_events
        # to true, as in CloudFormation.
        F("IsLogging", "enable_logging", default=True),
        F("IsMultiRegionTrail"), F("IncludeGlobalServiceEvents"), F("EnableLogFileValidation"),
        F("KMSKeyId", "kms_key_id"), F("CloudWatchLogsLogGroupArn", "cloud_watch_logs_group_arn"),
        F("CloudWatchLogsRoleArn", "cloud_watch_logs_role_arn"), F("IsOrganizationTrail"),
        B("EventSelectors", "event_selector", F("ReadWriteType"), F("IncludeManagementEvents"),
          B("DataResources", "data_resource", F("Type"), F("Values"), many=True), many=True),
        B("AdvancedEventSelectors", "advanced_event_selector", F("Name"),
          B("FieldSelectors", "field_selector", F("Field"), F("Equals"), F("NotEquals"), F("StartsWith"),
            F("NotStartsWith"), F("EndsWith"), F("NotEndsWith"), many=True), many=True),
    )),
    "aws_cloudwatch_log_group": ("AWS::Logs::LogGroup", (
        # The provider writes "never expire" as retention_in_days = 0 (its default); CloudFormation leaves it out.
        F("LogGroupName", "name"), F("RetentionInDays", convert=lambda v: None if v == 0 else v), F("KmsKeyId"),
    )),
    # actions_enabled defaults to true, as in CloudFormation.
    "aws_cloudwatch_metric_alarm": ("AWS::CloudWatch::Alarm", (
        F("AlarmName"), F("AlarmDescription"), F("Namespace"), F("MetricName"), F("Statistic"), F("Period"),
        F("EvaluationPeriods"), F("Threshold"), F("ComparisonOperator"), F("TreatMissingData"),
        F("ActionsEnabled"), F("AlarmActions"), F("OKActions", "ok_actions"),
        F("InsufficientDataActions"), F("Dimensions", convert=lambda v: _dimensions(v)),
        B("Metrics", "metric_query", F("Id"), F("Expression"), F("Label"), F("ReturnData"),
          B("MetricStat", "metric", F("MetricName"), F("Namespace"), F("Period"), F("Stat"),
            F("Dimensions", convert=lambda v: _dimensions(v))), many=True),
    )),
    "aws_sns_topic": ("AWS::SNS::Topic", (F("TopicName", "name"), F("KmsMasterKeyId"))),
}
# The model quality, bias and explainability job definitions have no resource in the AWS provider (5.100).


# Properties that are lists: a value known only after apply that references one resource is a list of it.
LIST_PROPERTIES = frozenset({
    "SecurityGroupIds", "Subnets", "SubnetIds", "SecurityGroups", "RouteTableIds", "AlarmActions", "OKActions",
    "InsufficientDataActions", "ManagedPolicyArns", "Values", "NetworkLoadBalancerArns",
    "GatewayLoadBalancerArns", "Equals", "NotEquals", "StartsWith", "NotStartsWith", "EndsWith", "NotEndsWith",
})


def _dimensions(value):
    """Terraform's `dimensions = {EndpointName = ...}` map -> CloudFormation's [{Name, Value}] list."""
    if isinstance(value, dict):
        return [{"Name": k, "Value": v} for k, v in value.items()]
    return value


# Which CloudFormation return value a Terraform attribute is (attribute -> ("Ref",) or ("GetAtt", name)), by
# CloudFormation type; `arn` is GetAtt Arn and `id` the Ref unless the type says otherwise.
_SAGEMAKER_NAMES = {
    "AWS::SageMaker::Model": "ModelName", "AWS::SageMaker::EndpointConfig": "EndpointConfigName",
    "AWS::SageMaker::Endpoint": "EndpointName", "AWS::SageMaker::NotebookInstance": "NotebookInstanceName",
    "AWS::SageMaker::MonitoringSchedule": "MonitoringScheduleName",
    "AWS::SageMaker::DataQualityJobDefinition": "JobDefinitionName",
    "AWS::SageMaker::ModelQualityJobDefinition": "JobDefinitionName",
    "AWS::SageMaker::ModelBiasJobDefinition": "JobDefinitionName",
    "AWS::SageMaker::ModelExplainabilityJobDefinition": "JobDefinitionName",
    "AWS::SageMaker::FeatureGroup": "FeatureGroupName",
}
# Types whose Ref is their ARN (CloudFormation): a Terraform `.arn` and `.id` are the Ref.
_REF_IS_ARN = {"AWS::SageMaker::Model", "AWS::SageMaker::EndpointConfig", "AWS::SageMaker::Endpoint",
               "AWS::SageMaker::NotebookInstance", "AWS::SageMaker::MonitoringSchedule", "AWS::IAM::ManagedPolicy",
               "AWS::SNS::Topic", "AWS::SageMaker::DataQualityJobDefinition",
               "AWS::SageMaker::ModelQualityJobDefinition", "AWS::SageMaker::ModelBiasJobDefinition",
               "AWS::SageMaker::ModelExplainabilityJobDefinition", "AWS::SageMaker::FeatureGroup"}
REFERENCE_ATTRIBUTES = {
    "AWS::IAM::Role": {"unique_id": "RoleId"},
    "AWS::S3::Bucket": {"bucket_domain_name": "DomainName", "bucket_regional_domain_name": "RegionalDomainName"},
    "AWS::KMS::Key": {"key_id": None},
    "AWS::EC2::SecurityGroup": {"id": "GroupId"},
    "AWS::SageMaker::Domain": {"id": "DomainId", "arn": "DomainArn"},
    "AWS::SageMaker::UserProfile": {"arn": "UserProfileArn"},
}


def reference_value(ref: Reference, target_type: str | None):
    """The model value of a Terraform reference to a mapped resource of CloudFormation type `target_type`."""
    if target_type is None:
        return Unknown(f"{ref.address}{'.' + ref.attribute if ref.attribute else ''} is not a resource mlcheck "
                       "reads")
    attribute = ref.attribute
    special = REFERENCE_ATTRIBUTES.get(target_type, {})
    if attribute in special:
        name = special[attribute]
        return {"Ref": ref.address} if name is None else {"Fn::GetAtt": [ref.address, name]}
    if attribute in (None, "id", "name", "bucket", "key_id"):
        if attribute == "name" and target_type in _SAGEMAKER_NAMES:
            return {"Fn::GetAtt": [ref.address, _SAGEMAKER_NAMES[target_type]]}
        return {"Ref": ref.address}
    if attribute == "arn":
        return {"Ref": ref.address} if target_type in _REF_IS_ARN else {"Fn::GetAtt": [ref.address, "Arn"]}
    return Unknown(f"{ref.address}.{attribute} is computed by AWS")



GROUP_RULE_TYPES = {
    "aws_security_group_rule": None,  # ingress or egress by its `type`
    "aws_vpc_security_group_ingress_rule": "AWS::EC2::SecurityGroupIngress",
    "aws_vpc_security_group_egress_rule": "AWS::EC2::SecurityGroupEgress",
}
for _tf_type, _cfn_type in GROUP_RULE_TYPES.items():
    MAPPERS[_tf_type] = (_cfn_type or "AWS::EC2::SecurityGroupIngress", ())


# -- split-out resources folded into their bucket or role -------------------------------------------------------
FOLDED = {
    "aws_s3_bucket_public_access_block": ("bucket", "AWS::S3::Bucket", "PublicAccessBlockConfiguration",
                                          Field("PublicAccessBlockConfiguration", "", block=_PUBLIC_ACCESS_BLOCK)),
    "aws_s3_bucket_server_side_encryption_configuration": (
        "bucket", "AWS::S3::Bucket", "BucketEncryption",
        Field("BucketEncryption", "", block=(Field("ServerSideEncryptionConfiguration", "rule", block=_SSE_RULE,
                                                   many=True),))),
    "aws_s3_bucket_versioning": ("bucket", "AWS::S3::Bucket", "VersioningConfiguration",
                                 Field("VersioningConfiguration", "versioning_configuration",
                                       block=(F("Status"),))),
    "aws_s3_bucket_logging": ("bucket", "AWS::S3::Bucket", "LoggingConfiguration",
                              Field("LoggingConfiguration", "", block=(F("DestinationBucketName", "target_bucket"),
                                                                       F("LogFilePrefix", "target_prefix")))),
    "aws_s3_bucket_acl": ("bucket", "AWS::S3::Bucket", "AccessControl",
                          F("AccessControl", "acl", convert=_s3_acl)),
    "aws_iam_role_policy_attachment": ("role", "AWS::IAM::Role", "ManagedPolicyArns", None),
    "aws_iam_user_policy_attachment": ("user", "AWS::IAM::User", "ManagedPolicyArns", None),
}
FOLD_SOURCES = {prop: tf for tf, (_, _, prop, _) in FOLDED.items()}
NAME_ATTRIBUTES = {"AWS::S3::Bucket": ("bucket", "BucketName"), "AWS::IAM::Role": ("name", "RoleName"),
                    "AWS::IAM::User": ("name", "UserName")}
