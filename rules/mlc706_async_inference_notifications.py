"""Asynchronous inference mixes its success and error notifications or outputs.

## What it does
Checks the `AsyncInferenceConfig.OutputConfig` of every `AWS::SageMaker::EndpointConfig` (and
CreateEndpointConfig request):
- `NotificationConfig.SuccessTopic` and `ErrorTopic` are the same SNS topic (the same `!Ref`, or the same ARN);
- `S3FailurePath` is the same S3 location as `S3OutputPath` (a trailing `/` does not make them differ).

A topic or path that cannot be resolved is unknown, and so is a `!Ref` compared with a literal ARN (they may
name the same topic).

## Why is this bad?
Consumers of an asynchronous endpoint learn that a request finished from its notification and fetch the result
from the output location. With one topic for both outcomes, every subscriber must parse each message to tell
success from failure, and alarms on the error topic fire on every success; with one S3 location, error payloads
land among the results and are read as predictions.

## Example
```yaml
    AsyncInferenceConfig:
      OutputConfig:
        S3OutputPath: !Sub s3://${Bucket}/async/
        S3FailurePath: !Sub s3://${Bucket}/async/
        NotificationConfig:
          SuccessTopic: !Ref InferenceTopic
          ErrorTopic: !Ref InferenceTopic
```

## Use instead
```yaml
    AsyncInferenceConfig:
      OutputConfig:
        S3OutputPath: !Sub s3://${Bucket}/async/results/
        S3FailurePath: !Sub s3://${Bucket}/async/failures/
        NotificationConfig:
          SuccessTopic: !Ref SuccessTopic
          ErrorTopic: !Ref ErrorTopic
```

## References
- [Asynchronous inference: check prediction results](https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-check-predictions.html)
- [AsyncInferenceOutputConfig API reference](https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceOutputConfig.html)
"""

from mlcheck.model.names import display_name, has_unknown, name_key
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Composite, ResourceRef, Unknown

OUTPUT = ("AsyncInferenceConfig", "OutputConfig")
PAIRS = (
    (("NotificationConfig", "SuccessTopic"), ("NotificationConfig", "ErrorTopic"),
     "sends success and error notifications to the same topic"),
    (("S3OutputPath",), ("S3FailurePath",), "writes failures and results to the same S3 location"),
)


def _refs(value) -> bool:
    return isinstance(value, ResourceRef) or (isinstance(value, Composite) and bool(value.resource_refs()))


def same(a, b):
    """True/False when two resolved topics or paths surely are/are not the same, None when that is not known."""
    if isinstance(a, ResourceRef) and isinstance(b, ResourceRef):
        return a.logical_id == b.logical_id  # Ref and GetAtt .TopicArn of one topic are the same topic
    key_a, key_b = name_key(a), name_key(b)
    if key_a is None or key_b is None:
        return None
    if key_a.rstrip("/") == key_b.rstrip("/"):
        return True
    if has_unknown(a) or has_unknown(b) or _refs(a) != _refs(b):
        return None  # a Ref may name the resource a literal ARN names
    return False


def _get(config, keys):
    for key in keys:
        if not isinstance(config, dict):
            return None
        config = config.get(key)
    return config


def check(view, ctx):
    config = view.get(*OUTPUT)
    if isinstance(config, Unknown):
        ctx.unknown(view.path(*OUTPUT), config.reason)
        return
    if not isinstance(config, dict):
        return
    for first, second, problem in PAIRS:
        a, b = _get(config, first), _get(config, second)
        if a is None or b is None:
            continue
        answer = same(a, b)
        if answer is None:
            ctx.unknown(view.path(*OUTPUT, *second), f"cannot tell whether {second[-1]} and {first[-1]} are the same")
        elif answer:
            yield Hit(view.path(*OUTPUT, *second),
                      f"Asynchronous inference of '{view.logical_id}' {problem} ({first[-1]} and {second[-1]} are "
                      f"both {display_name(a)})")


RULE = Rule(
    id="MLC706",
    name="async-inference-notifications",
    severity="medium",
    resource_types=("AWS::SageMaker::EndpointConfig",),
    check=check,
    fix="Use separate SNS topics for SuccessTopic and ErrorTopic, and an S3FailurePath apart from S3OutputPath.",
    practice="cloudwatch-alarms",
)
