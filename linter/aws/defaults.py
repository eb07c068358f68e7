"""What AWS uses when a property is left out. The engine applies these, so no rule restates AWS behaviour —
and a missing `DirectInternetAccess` is judged as the `Enabled` AWS gives it (peers read it as compliant)."""

DEFAULTS = {
    "AWS::SageMaker::NotebookInstance": {
        ("DirectInternetAccess",): "Enabled",
        ("RootAccess",): "Enabled",
        ("InstanceMetadataServiceConfiguration", "MinimumInstanceMetadataServiceVersion"): "1",
    },
    "AWS::SageMaker::Domain": {
        ("AppNetworkAccessType",): "PublicInternetOnly",
    },
    "AWS::SageMaker::Model": {
        ("EnableNetworkIsolation",): False,
    },
    "AWS::SageMaker::TrainingJob": {  # a CreateTrainingJob request (mlcheck.inputs.sagemaker_api)
        ("EnableNetworkIsolation",): False,
    },
    "AWS::KMS::Key": {
        ("EnableKeyRotation",): False,
        ("KeySpec",): "SYMMETRIC_DEFAULT",
        ("KeyUsage",): "ENCRYPT_DECRYPT",
        ("Enabled",): True,
    },
    "AWS::EC2::VPCEndpoint": {
        ("VpcEndpointType",): "Gateway",
        ("PrivateDnsEnabled",): False,
    },
    "AWS::CloudTrail::Trail": {
        ("EnableLogFileValidation",): False,
        ("IsMultiRegionTrail",): False,
        ("IncludeGlobalServiceEvents",): True,
    },
    "AWS::SageMaker::EndpointConfig": {
        # applies inside a DataCaptureConfig that is given (no DataCaptureConfig means no capture)
        ("DataCaptureConfig", "EnableCapture"): True,
    },
    "AWS::CloudWatch::Alarm": {
        ("ActionsEnabled",): True,
    },
    "AWS::CloudWatch::CompositeAlarm": {
        ("ActionsEnabled",): True,
    },
    "AWS::EC2::VPCEndpointService": {
        ("AcceptanceRequired",): False,
    },
}


def default_for(resource_type: str, keys: tuple):
    """The AWS default for a property path, or None when AWS has none (the property is simply absent)."""
    table = DEFAULTS.get(resource_type)
    return table.get(keys) if table else None
