"""Endpoint configuration does not capture data for Model Monitor.

## What it does
Checks that every instance-based `AWS::SageMaker::EndpointConfig` (also a CreateEndpointConfig request) sets
`DataCaptureConfig` with capture enabled. `EnableCapture` left out means enabled (the AWS default), so a
`DataCaptureConfig` without it passes; `EnableCapture: false` or no `DataCaptureConfig` is a finding.
Serverless-only configurations are exempt: Serverless Inference does not support data capture. Values that
cannot be known (a parameter without default, an import) are unknown.

## Why is this bad?
Model Monitor judges data quality, model quality, bias and feature attribution drift from the requests and
responses the endpoint captures. Without capture there is nothing to monitor: a model whose inputs drift away
from its training data keeps answering, wrongly, and nobody notices.

## Example
```yaml
EndpointConfig:
  Type: AWS::SageMaker::EndpointConfig
  Properties:
    ProductionVariants:
      - ModelName: !GetAtt Model.ModelName
        VariantName: AllTraffic
        InstanceType: ml.m5.large
        InitialInstanceCount: 2
```

## Use instead
```yaml
EndpointConfig:
  Type: AWS::SageMaker::EndpointConfig
  Properties:
    ProductionVariants:
      - ModelName: !GetAtt Model.ModelName
        VariantName: AllTraffic
        InstanceType: ml.m5.large
        InitialInstanceCount: 2
    DataCaptureConfig:
      EnableCapture: true
      InitialSamplingPercentage: 20
      DestinationS3Uri: !Sub s3://${CaptureBucket}/capture/
      CaptureOptions: [{CaptureMode: Input}, {CaptureMode: Output}]
```

## References
- [Capture data from a real-time endpoint](https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture-endpoint.html)
- [Data and model quality monitoring with Amazon SageMaker Model Monitor](https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor.html)
"""

from mlcheck.aws.audit import is_false
from mlcheck.aws.autoscaling import ENDPOINT_CONFIG
from mlcheck.engine.rule import Hit, Rule
from mlcheck.aws.sagemaker import is_serverless, variants
from mlcheck.model.values import Unknown, is_symbolic


def check(view, ctx):
    listed = view.get("ProductionVariants")
    if isinstance(listed, Unknown):
        ctx.unknown(view.path("ProductionVariants"), listed.reason)
        return
    found = list(variants(view))
    if isinstance(listed, list) and len(found) < len(listed):
        ctx.unknown(view.path("ProductionVariants"), "a production variant cannot be known")
        return
    if found and all(is_serverless(variant) for _, variant in found):
        return  # Serverless Inference cannot capture data
    capture = view.get("DataCaptureConfig")
    if isinstance(capture, Unknown):
        ctx.unknown(view.path("DataCaptureConfig"), capture.reason)
        return
    if capture is None:
        yield Hit(view.path("DataCaptureConfig"),
                  f"Endpoint configuration '{view.logical_id}' has no DataCaptureConfig: Model Monitor has no data")
        return
    if not isinstance(capture, dict):
        return
    enabled, _ = view.value("DataCaptureConfig", "EnableCapture")
    if is_symbolic(enabled):
        ctx.unknown(view.path("DataCaptureConfig", "EnableCapture"),
                    enabled.reason if isinstance(enabled, Unknown) else "EnableCapture is computed")
        return
    if is_false(enabled):
        yield Hit(view.path("DataCaptureConfig", "EnableCapture"),
                  f"Endpoint configuration '{view.logical_id}' turns data capture off (EnableCapture is false)")


RULE = Rule(
    id="MLC601",
    name="no-data-capture",
    severity="low",
    category="reliability",  # model quality in production, not an attack surface
    resource_types=(ENDPOINT_CONFIG,),
    check=check,
    fix="Add DataCaptureConfig with EnableCapture: true, a sampling percentage and an S3 destination.",
    peers={},
    practice="model-monitor",
)
