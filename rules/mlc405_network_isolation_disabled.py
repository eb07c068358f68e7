"""Model containers can make outbound network calls.

## What it does
Checks that every `AWS::SageMaker::Model` (and CreateModel / CreateTrainingJob request) sets
`EnableNetworkIsolation: true`. A missing value is AWS's default, `false`, and is reported. A model that only
serverless variants of the template serve is exempt: serverless inference supports no network isolation.

## Why is this bad?
Without network isolation the inference (or training) container can open connections of its own — to the
internet or, in a VPC, to anything the security groups allow. A compromised or malicious model image, or a
third-party algorithm, can then send your data out. With isolation SageMaker still downloads the model
artifacts and uploads outputs on the container's behalf.

## Example
```yaml
Model:
  Type: AWS::SageMaker::Model
  Properties:
    ExecutionRoleArn: !GetAtt ModelRole.Arn
    PrimaryContainer:
      Image: !Ref ImageUri
      ModelDataUrl: !Sub s3://${ArtifactBucket}/model.tar.gz
```

## Use instead
```yaml
Model:
  Type: AWS::SageMaker::Model
  Properties:
    ExecutionRoleArn: !GetAtt ModelRole.Arn
    EnableNetworkIsolation: true
    PrimaryContainer:
      Image: !Ref ImageUri
      ModelDataUrl: !Sub s3://${ArtifactBucket}/model.tar.gz
```

## References
- [Run training and inference containers in internet-free mode](https://docs.aws.amazon.com/sagemaker/latest/dg/mkt-algo-model-internet-free.html)
- AWS Security Hub control SageMaker.5
"""

from mlcheck.hosting import served_only_serverless
from mlcheck.rule import PropertyCheck, Rule, is_true

TRAINING_JOB = "AWS::SageMaker::TrainingJob"  # a CreateTrainingJob request (mlcheck.sagemaker_api)
_CHECKS = {
    "AWS::SageMaker::Model": PropertyCheck(
        "AWS::SageMaker::Model", "EnableNetworkIsolation", is_true(),
        message="Model '{resource}' does not isolate its containers from the network (EnableNetworkIsolation is "
                "{value})",
    ),
    TRAINING_JOB: PropertyCheck(
        TRAINING_JOB, "EnableNetworkIsolation", is_true(),
        message="Training job '{resource}' does not isolate its containers from the network "
                "(EnableNetworkIsolation is {value})",
    ),
}


def check(view, ctx):
    if view.type == "AWS::SageMaker::Model":
        exempt, reason = served_only_serverless(ctx, view.resource)
        if exempt is None:
            ctx.unknown(view.path("EnableNetworkIsolation"), reason)
        if exempt is not False:
            return ()
    return _CHECKS[view.type](view, ctx)


RULE = Rule(
    id="MLC405",
    name="network-isolation-disabled",
    severity="medium",
    resource_types=tuple(_CHECKS),
    check=check,
    fix="Set EnableNetworkIsolation: true (the container then gets no network access; SageMaker still fetches "
        "the model artifacts).",
    peers={"checkov": ["CKV_AWS_370"], "aws": ["SageMaker.5", "sagemaker-model-isolation-enabled"]},
    practice="VPC Endpoints (AWS PrivateLink): Enables private and secure communication between your VPC and AWS "
             "services. Traffic never leaves the Amazon network.",
)
