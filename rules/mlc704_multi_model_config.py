"""Multi-model container is not given an S3 prefix, or is served by a serverless variant.

## What it does
- On every `AWS::SageMaker::Model` (and CreateModel request, also as a SageMaker Pipelines step): a container
  (`PrimaryContainer` or one of `Containers`) with `Mode: MultiModel` must have a `ModelDataUrl` that is an S3
  prefix: it starts with `s3://` and ends with `/`. A URL built from unknown values is unknown as far as its
  unknown ends reach (`!Sub s3://${Bucket}/models/` is judged; `!Ref ModelPrefix` without a default is not).
- On every `AWS::SageMaker::EndpointConfig`: a serverless variant whose model (by `!GetAtt`, `!Ref` or name)
  is a multi-model model of this template.

## Why is this bad?
A multi-model endpoint loads models on demand from under one S3 prefix, named by `TargetModel` at invocation.
Pointed at a single `model.tar.gz` (or a prefix without the trailing `/`), the model deploys but invocations
fail to find their models. Serverless Inference does not support multi-model endpoints, so such a variant fails
to deploy.

## Example
```yaml
Model:
  Type: AWS::SageMaker::Model
  Properties:
    ExecutionRoleArn: !GetAtt ModelRole.Arn
    PrimaryContainer:
      Image: !Ref ImageUri
      Mode: MultiModel
      ModelDataUrl: !Sub s3://${ArtifactBucket}/models/model.tar.gz
```

## Use instead
```yaml
    PrimaryContainer:
      Image: !Ref ImageUri
      Mode: MultiModel
      ModelDataUrl: !Sub s3://${ArtifactBucket}/models/
```

## References
- [Multi-model endpoints](https://docs.aws.amazon.com/sagemaker/latest/dg/multi-model-endpoints.html)
- [Serverless Inference: feature exclusions](https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints.html#serverless-endpoints-how-it-works-exclusions)
"""

from mlcheck.aws.hosting import ENDPOINT_CONFIG, MODEL, model_of, serverless_state, unknown_reason, variant_entries
from mlcheck.model.names import display_name
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Composite, Unknown, is_symbolic


def containers(view):
    """(path below Properties, container mapping) for the model's primary container and its Containers."""
    primary = view.get("PrimaryContainer")
    if isinstance(primary, dict):
        yield ("PrimaryContainer",), primary
    listed = view.get("Containers")
    if isinstance(listed, list):
        for i, container in enumerate(listed):
            if isinstance(container, dict):
                yield ("Containers", i), container


def multi_model(view):
    """True when a container of the model is MultiModel, False when none is, None when a Mode is unknown."""
    unknown = False
    for _, container in containers(view):
        mode = container.get("Mode")
        if isinstance(mode, str) and mode.strip() == "MultiModel":
            return True
        unknown = unknown or is_symbolic(mode)
    if isinstance(view.get("PrimaryContainer"), Unknown) or isinstance(view.get("Containers"), Unknown):
        unknown = True
    return None if unknown else False


def _prefix_problem(url):
    """Why a ModelDataUrl is not an S3 prefix ('' if it is), or None when that cannot be known."""
    parts = url.parts if isinstance(url, Composite) else (url,)
    first, last = parts[0], parts[-1]
    problems, unknown = [], False
    if not isinstance(first, str) or (len(parts) > 1 and "s3://".startswith(first)):
        unknown = True  # the scheme is computed
    elif not first.startswith("s3://"):
        problems.append("does not start with s3://")
    if not isinstance(last, str):
        unknown = True
    elif not last.endswith("/"):
        problems.append("does not end with /")
    if problems:
        return " and ".join(problems)
    return None if unknown else ""


def _check_model(view, ctx):
    for keys, container in containers(view):
        mode = container.get("Mode")
        if is_symbolic(mode):
            ctx.unknown(view.path(*keys, "Mode"), unknown_reason(mode, "Mode"))
            continue
        if not (isinstance(mode, str) and mode.strip() == "MultiModel"):
            continue
        url = container.get("ModelDataUrl")
        if url is None:
            continue
        path = view.path(*keys, "ModelDataUrl")
        if isinstance(url, Unknown) or not isinstance(url, (str, Composite)):
            ctx.unknown(path, unknown_reason(url, "ModelDataUrl"))
            continue
        problem = _prefix_problem(url)
        if problem is None:
            ctx.unknown(path, "ModelDataUrl is computed")
        elif problem:
            yield Hit(path, f"Multi-model container of model '{view.logical_id}' loads its models from "
                            f"'{display_name(url)}', which {problem}: a multi-model endpoint needs the S3 prefix "
                            "that holds the model archives")


def _check_config(view, ctx):
    for key, i, variant in variant_entries(view):
        if serverless_state(variant) is not True:
            continue
        model = model_of(ctx, variant.get("ModelName"))
        if model is None:
            continue
        state = multi_model(ctx.view(model))
        if state is None:
            ctx.unknown(view.path(key, i, "ModelName"), f"whether model {model.logical_id} is multi-model is not known")
        elif state:
            yield Hit(view.path(key, i, "ServerlessConfig"),
                      f"Serverless variant '{display_name(variant.get('VariantName', i + 1))}' of "
                      f"'{view.logical_id}' serves multi-model model '{model.logical_id}': Serverless Inference "
                      "does not support multi-model endpoints")


def check(view, ctx):
    if view.type == MODEL:
        yield from _check_model(view, ctx)
    else:
        yield from _check_config(view, ctx)


RULE = Rule(
    id="MLC704",
    name="multi-model-config",
    severity="high",
    resource_types=(MODEL, ENDPOINT_CONFIG),
    check=check,
    fix="Point a MultiModel container's ModelDataUrl at the S3 prefix holding the archives (s3://bucket/models/) "
        "and serve it from instance-based variants.",
    practice="multi-model-endpoints",
)
