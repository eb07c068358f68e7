"""Terraform resources onto the model every rule reads: each mapped resource becomes a model `Resource` with the
CloudFormation type and CloudFormation-shaped Properties of the same AWS object, so that no rule knows Terraform.

- The logical id is the Terraform address (`aws_sagemaker_model.main`); findings show the Terraform type
  (`Resource.source_type`), rules read the CloudFormation one.
- A `Reference` becomes `{"Ref": address}` or `{"Fn::GetAtt": [address, attribute]}`, as CloudFormation returns
  that attribute (`REFERENCE_ATTRIBUTES`): a role's `.arn` is GetAtt Arn, its `.name` the Ref. A reference to a
  resource that is not mapped, or to anything else (`var.`, `data.`, `module.` outputs), is unknown.
- Names that do not follow CamelCase -> snake_case are spelled out in the tables (EndpointConfig `KmsKeyId` is
  `kms_key_arn`, Model `Containers` is `container`, notebook `SecurityGroupIds` is `security_groups`).
- Where the provider's default differs from CloudFormation's, the mapping writes the provider's value, located
  at the block (each such case says so in a comment).
- S3's split-out resources (public access block, encryption, versioning, logging, ACL) and IAM attachments are
  folded into the bucket's or the role's Properties, located at the split-out resource's lines (its own file).
  One whose bucket or role cannot be known makes that property unknown on every bucket or role that has none.
- A type not in `MAPPERS` is skipped, not guessed.

Every value is located at the Terraform attribute's Position (or its block's), in the file it is written in:
the Document's LocationTable names the file of each node (Location.file).
"""

from __future__ import annotations

import json

from mlcheck.inputs.terraform.resource import Position, Reference, References, TerraformResource
from mlcheck.model.document import MAPPING, SEQUENCE, Document, LocationTable
from mlcheck.model.template import Resource, Template
from mlcheck.model.values import Unknown

_MISSING = object()


class Field:
    """One CloudFormation property read from one Terraform attribute.

    `block`: the attribute is a nested block (a list of mappings in Terraform's JSON shape) mapped by the
    fields in `block` — `many` keeps every block as a list, else the first block is one mapping. `convert`
    turns the plain value (a JSON policy string into a document, ...). `default`: the provider's default when
    the attribute is missing, written only where it differs from CloudFormation's."""

    __slots__ = ("cfn", "tf", "block", "many", "convert", "default")

    def __init__(self, cfn, tf, block=None, many=False, convert=None, default=_MISSING):
        self.cfn, self.tf, self.block, self.many, self.convert, self.default = cfn, tf, block, many, convert, default


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def F(cfn, tf=None, **kw) -> Field:
    """A field whose Terraform name is the snake_case of the CloudFormation one unless given."""
    return Field(cfn, tf or _snake(cfn), **kw)


def B(cfn, tf=None, *fields, many=False) -> Field:
    """A nested block."""
    return Field(cfn, tf or _snake(cfn), block=fields, many=many)


def policy_document(value):
    """A policy written as JSON text (`jsonencode(...)`, a heredoc, `data.aws_iam_policy_document.x.json`)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return Unknown("the policy is not valid JSON")
    return value


def _status(value):
    """A Terraform bool written where CloudFormation takes `Enabled`/`Disabled`."""
    if value is True:
        return "Enabled"
    if value is False:
        return "Disabled"
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
    tf = _snake(kind)
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
_GROUP_RULE = (F("IpProtocol", "protocol"), F("FromPort"), F("ToPort"), F("Description"))

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


class _Out:
    """The CloudFormation-shaped model being built: data plus the Position of each path in it."""

    def __init__(self, types: dict):
        self.types = types  # address -> CloudFormation type of every mapped resource
        self.positions: dict = {}  # model path -> Position

    def value(self, value, resource: TerraformResource, tf_path: tuple, path: tuple):
        """A Terraform value as the model holds it, its pieces located where Terraform wrote them."""
        self.positions.setdefault(path, resource.position(tf_path))
        if isinstance(value, Reference):
            return reference_value(value, self.types.get(value.address))
        if isinstance(value, dict):
            return {k: self.value(v, resource, tf_path + (k,), path + (k,)) for k, v in value.items()
                    if v is not None}
        if isinstance(value, list):
            return [self.value(v, resource, tf_path + (i,), path + (i,)) for i, v in enumerate(value)]
        return value

    def fields(self, values: dict, fields, resource, tf_path: tuple, path: tuple) -> dict:
        out = {}
        if isinstance(values, Unknown):
            return values
        for field in fields:
            raw = values.get(field.tf, _MISSING) if isinstance(values, dict) else _MISSING
            at = path + (field.cfn,)
            if raw is _MISSING or raw is None or raw == [] and field.block is not None:
                if field.default is not _MISSING:  # the provider's own default, located at the block
                    self.positions.setdefault(at, resource.position(tf_path))
                    out[field.cfn] = field.default
                continue
            where = tf_path + (field.tf,)
            if field.block is not None:
                out[field.cfn] = self._block(raw, field, resource, where, at)
                continue
            self.positions.setdefault(at, resource.position(where))
            if field.cfn in LIST_PROPERTIES:
                if isinstance(raw, Reference):
                    raw = [raw]  # a list attribute whose one reference is all the plan names
            elif isinstance(raw, References):
                raw = Unknown("built from several values known only after apply")
            if field.convert is not None and not isinstance(raw, (Reference, Unknown)):
                converted = field.convert(raw)
                if converted is None:  # the provider's way of writing "not set"
                    del self.positions[at]
                    continue
                out[field.cfn] = self.value(converted, resource, where, at)
            elif field.convert is not None and field.cfn in ("Roles", "Users"):
                out[field.cfn] = [self.value(raw, resource, where, at + (0,))]
            else:
                out[field.cfn] = self.value(raw, resource, where, at)
        return out

    def _block(self, raw, field, resource, where, at):
        self.positions.setdefault(at, resource.position(where))
        if isinstance(raw, Unknown):
            return raw
        blocks = raw if isinstance(raw, list) else [raw]
        if field.many:
            return [self.fields(b, field.block, resource, where + (i,), at + (i,)) for i, b in enumerate(blocks)]
        return self.fields(blocks[0], field.block, resource, where + (0,), at) if blocks else {}


def to_template(resources: list[TerraformResource], file: str) -> Template:
    """The model of one Terraform configuration (a directory of .tf files, or one plan): `file` is its display
    path, each location names the file it is in."""
    mapped = [r for r in resources if r.type in MAPPERS or r.type in FOLDED]
    types = {r.address: MAPPERS[r.type][0] for r in mapped if r.type in MAPPERS}
    types.update({r.address: None for r in mapped if r.type in FOLDED})
    out = _Out(types)
    definitions: dict = {}
    owners: dict = {}
    for resource in mapped:
        if resource.type not in MAPPERS:
            continue
        cfn_type, fields = MAPPERS[resource.type]
        if resource.type == "aws_security_group_rule" and resource.values.get("type") == "egress":
            cfn_type = "AWS::EC2::SecurityGroupEgress"
        path = ("Resources", resource.address)
        out.positions[path] = resource.position(())
        properties = out.fields(resource.values, fields, resource, (), path + ("Properties",))
        out.positions.setdefault(path + ("Properties",), resource.position(()))
        extra = _EXTRA.get(resource.type)
        if extra is not None:
            extra(resource, properties, out, path + ("Properties",))
        definitions[resource.address] = {"Type": cfn_type, "Properties": properties}
        owners[resource.address] = resource
        if resource.type == "aws_s3_bucket" and resource.values.get("policy") not in (None, ""):
            _inline_bucket_policy(resource, definitions, owners, out)
    for cfn_type, prop, folds in _fold_split_out(mapped, definitions, owners, out):
        for address, definition in definitions.items():
            if definition["Type"] == cfn_type and address not in folds and prop not in definition["Properties"]:
                definition["Properties"][prop] = Unknown(
                    f"a {FOLD_SOURCES[prop]} whose target cannot be known may set {prop}")
    for address, definition in definitions.items():
        owner = owners[address]
        metadata = _suppressions(owner)
        if metadata:
            definition["Metadata"] = metadata
            out.positions.setdefault(("Resources", address, "Metadata"), owner.position(()))
    data = {"Resources": definitions}
    document = Document(data, _locations(data, out.positions, file), "")
    template = Template(file=file, document=document)
    for address, definition in definitions.items():
        template.resources[address] = Resource(address, definition["Type"], definition, ("Resources", address),
                                               source_type=owners[address].type)
    return template


def _inline_bucket_policy(bucket: TerraformResource, definitions: dict, owners: dict, out: _Out) -> None:
    """The deprecated `policy` argument of aws_s3_bucket, as the BucketPolicy CloudFormation would need for it
    (logical id `<bucket address>.policy`), so that rules reading bucket policies see it."""
    address = bucket.address + ".policy"
    path = ("Resources", address, "Properties")
    out.positions[path[:2]] = out.positions[path] = bucket.position(("policy",))
    raw = bucket.values["policy"]
    document = policy_document(raw) if not isinstance(raw, (Reference, Unknown)) else raw
    definitions[address] = {"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": {"Ref": bucket.address},
        "PolicyDocument": out.value(document, bucket, ("policy",), path + ("PolicyDocument",))}}
    owners[address] = bucket


# -- security group rules ------------------------------------------------------------------------------------
def _split_group_rules(values: dict, resource, out, base: tuple, cfn: str, tf: str) -> list | None:
    """aws_security_group `ingress`/`egress` blocks -> CloudFormation rules, one per CIDR, prefix list or
    source group."""
    blocks = values.get(tf)
    if not isinstance(blocks, list):
        return blocks if isinstance(blocks, Unknown) else None
    rules = []
    for i, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        where = (tf, i)
        common = out.fields(block, _GROUP_RULE, resource, where, base + (cfn, len(rules)))
        targets = []
        for key, cfn_key in (("cidr_blocks", "CidrIp"), ("ipv6_cidr_blocks", "CidrIpv6"),
                             ("prefix_list_ids", "DestinationPrefixListId" if tf == "egress" else
                              "SourcePrefixListId"),
                             ("security_groups", "DestinationSecurityGroupId" if tf == "egress" else
                              "SourceSecurityGroupId")):
            items = block.get(key)
            if isinstance(items, Unknown):
                targets.append((cfn_key, items, where + (key,)))
            elif isinstance(items, list):
                targets += [(cfn_key, item, where + (key, j)) for j, item in enumerate(items)]
        if block.get("self") is True:
            targets.append(("SourceSecurityGroupId" if tf == "ingress" else "DestinationSecurityGroupId",
                            Reference(resource.address, "id"), where + ("self",)))
        for cfn_key, item, tf_where in targets or [(None, None, where)]:
            at = base + (cfn, len(rules))
            rule = dict(common)
            for key in common:
                out.positions.setdefault(at + (key,), resource.position(where + (_snake(key),)))
            if cfn_key is not None:
                rule[cfn_key] = out.value(item, resource, tf_where, at + (cfn_key,))
            out.positions.setdefault(at, resource.position(where))
            rules.append(rule)
    return rules


def _security_group(resource, properties, out, base):
    for cfn, tf in (("SecurityGroupIngress", "ingress"), ("SecurityGroupEgress", "egress")):
        rules = _split_group_rules(resource.values, resource, out, base, cfn, tf)
        if rules:
            out.positions.setdefault(base + (cfn,), resource.position((tf,)))
            properties[cfn] = rules
        elif cfn == "SecurityGroupEgress":
            # The provider removes the allow-all egress rule AWS gives a new group (CloudFormation keeps it): a
            # group with no egress block has no egress but what its standalone rules add. In CloudFormation
            # terms, the rule that allows nothing.
            out.positions.setdefault(base + (cfn,), resource.position(()))
            properties[cfn] = [{"IpProtocol": "-1", "CidrIp": "127.0.0.1/32"}]


def _group_rule_resource(resource, properties, out, base):
    """aws_security_group_rule (`type` ingress/egress) and aws_vpc_security_group_*_rule: one rule."""
    values = resource.values
    egress = resource.type.endswith("egress_rule") or values.get("type") == "egress"
    properties.update(out.fields(values, (F("GroupId", "security_group_id"), F("IpProtocol", "protocol"),
                                          F("IpProtocol", "ip_protocol"), F("FromPort"), F("ToPort"),
                                          F("Description"), F("CidrIp", "cidr_ipv4"), F("CidrIpv6", "cidr_ipv6")),
                                 resource, (), base))
    target = "Destination" if egress else "Source"
    for tf, cfn in (("prefix_list_id", f"{target}PrefixListId"),
                    ("referenced_security_group_id", f"{target}SecurityGroupId"),
                    ("source_security_group_id", f"{target}SecurityGroupId")):
        if values.get(tf) is not None:
            properties[cfn] = out.value(values[tf], resource, (tf,), base + (cfn,))
    cidrs = values.get("cidr_blocks")
    if isinstance(cidrs, list) and cidrs:
        # one CloudFormation rule holds one CIDR: the first is judged here, the rest as the same rule's list
        properties["CidrIp"] = out.value(cidrs[0], resource, ("cidr_blocks", 0), base + ("CidrIp",))
        if len(cidrs) > 1:
            properties["CidrIp"] = _widest(cidrs, resource, out, base)
    elif isinstance(cidrs, Unknown):
        properties["CidrIp"] = cidrs


def _widest(cidrs, resource, out, base):
    """The CIDR of a multi-CIDR standalone rule that opens the most (the world first), located at its item."""
    for i, cidr in enumerate(cidrs):
        if cidr in ("0.0.0.0/0", "::/0"):
            out.positions[base + ("CidrIp",)] = resource.position(("cidr_blocks", i))
            return cidr
    return cidrs[0]


_GROUP_RULE_TYPES = {
    "aws_security_group_rule": None,  # ingress or egress by its `type`
    "aws_vpc_security_group_ingress_rule": "AWS::EC2::SecurityGroupIngress",
    "aws_vpc_security_group_egress_rule": "AWS::EC2::SecurityGroupEgress",
}
for _tf_type, _cfn_type in _GROUP_RULE_TYPES.items():
    MAPPERS[_tf_type] = (_cfn_type or "AWS::EC2::SecurityGroupIngress", ())

_EXTRA = {
    "aws_security_group": _security_group,
    "aws_security_group_rule": _group_rule_resource,
    "aws_vpc_security_group_ingress_rule": _group_rule_resource,
    "aws_vpc_security_group_egress_rule": _group_rule_resource,
}


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
# A versioning status Terraform has and CloudFormation does not: "Disabled" is a bucket never versioned.
_NAME_ATTRIBUTES = {"AWS::S3::Bucket": ("bucket", "BucketName"), "AWS::IAM::Role": ("name", "RoleName"),
                    "AWS::IAM::User": ("name", "UserName")}


def _target(value, cfn_type: str, definitions: dict):
    """The address of the bucket/role a split-out resource's `bucket`/`role` designates, else None."""
    if isinstance(value, Reference):
        found = definitions.get(value.address)
        return value.address if found is not None and found["Type"] == cfn_type else None
    if isinstance(value, str):
        prop = _NAME_ATTRIBUTES[cfn_type][1]
        for address, definition in definitions.items():
            if definition["Type"] == cfn_type and definition["Properties"].get(prop) == value:
                return address
    return None


def _fold_split_out(mapped, definitions, owners, out):
    """Fold each split-out resource into its target's Properties; yields (type, property, targets folded) for
    each kind with one whose target cannot be known (then every other target's property is unknown)."""
    unresolved: dict = {}
    folded: dict = {}
    for resource in mapped:
        spec = FOLDED.get(resource.type)
        if spec is None:
            continue
        key, cfn_type, prop, field = spec
        address = _target(resource.values.get(key), cfn_type, definitions)
        if address is None:
            unresolved[(cfn_type, prop)] = True
            continue
        folded.setdefault((cfn_type, prop), set()).add(address)
        properties = definitions[address]["Properties"]
        base = ("Resources", address, "Properties")
        if field is None:  # a policy attachment: one more managed policy ARN
            arns = properties.setdefault(prop, [])
            if isinstance(arns, list):
                out.positions.setdefault(base + (prop,), resource.position(("policy_arn",)))
                arns.append(out.value(resource.values.get("policy_arn"), resource, ("policy_arn",),
                                      base + (prop, len(arns))))
            continue
        if field.block is not None and field.tf == "":  # the split-out resource's own attributes are the block
            out.positions[base + (prop,)] = resource.position(())
            properties[prop] = out.fields(resource.values, field.block, resource, (), base + (prop,))
        else:
            out.positions.pop(base + (prop,), None)
            properties.update(out.fields(resource.values, (field,), resource, (), base))
    for kind in unresolved:
        yield kind[0], kind[1], folded.get(kind, set())


# -- inline suppressions ---------------------------------------------------------------------------------------
def _suppressions(resource: TerraformResource) -> dict:
    """`# mlcheck:ignore MLC401 reason: ... expires: 2027-01-31` and `#checkov:skip=CKV_AWS_122:why` comments of
    the block, as the Metadata entries the suppression machinery reads."""
    ignore, skip = [], []
    for comment in resource.comments:
        text = comment.lstrip("#/ ").strip()
        if text.startswith("mlcheck:ignore"):
            rest = text[len("mlcheck:ignore"):].strip()
            rule, _, tail = rest.partition(" ")
            entry = {"id": rule}
            reason, _, expires = tail.partition("expires:")
            reason = reason.strip()
            if reason.startswith("reason:"):
                entry["reason"] = reason[len("reason:"):].strip()
            if expires.strip():
                entry["expires"] = expires.strip()
            ignore.append(entry)
        elif text.startswith("checkov:skip="):
            peer, _, why = text[len("checkov:skip="):].partition(":")
            skip.append({"id": peer.strip(), "comment": why.strip()})
    metadata = {}
    if ignore:
        metadata["mlcheck"] = {"ignore": ignore}
    if skip:
        metadata["checkov"] = {"skip": skip}
    return metadata


# -- locations ---------------------------------------------------------------------------------------------------
def _locations(data, positions: dict, file: str) -> LocationTable:
    """A LocationTable mirroring `data`, each node at its path's Position (or its parent's), naming its file."""
    table = LocationTable()

    def add(parent, key, value, path, inherited):
        position = positions.get(path, inherited)
        kind = MAPPING if isinstance(value, dict) else SEQUENCE if isinstance(value, list) else 0
        node = table.add(parent, key, kind, _tuple(position))
        if position is not None and position.file != file:  # the configuration's own file needs no name
            table.set_file(node, position.file)
        if isinstance(value, dict):
            for k, v in value.items():
                add(node, k, v, path + (k,), position)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                add(node, None, v, path + (i,), position)
        if kind:
            table.place(node, *_tuple(position))
        return node

    add(None, None, data, (), Position(file, 1))
    return table


def _tuple(position) -> tuple:
    return (position.line, position.column, position.end_line, position.end_column) if position else (1, 1, 1, 1)
