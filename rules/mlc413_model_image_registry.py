"""Model container image is not pulled through a private registry in the VPC.

## What it does
Checks every container of an `AWS::SageMaker::Model` (and CreateModel request or Pipelines Model step) —
`PrimaryContainer` and each entry of `Containers` — that names an `Image`: its
`ImageConfig.RepositoryAccessMode` must be `Vpc` (the image lives in a private Docker registry that SageMaker
reaches through the model's `VpcConfig`). A missing `ImageConfig` is AWS's default, `Platform` (the image is in
Amazon ECR and SageMaker pulls it over its own network path), and is reported. A container that only names
a `ModelPackageName` takes its image from the package and is not judged, and a model that only serverless
variants of the template serve is exempt (serverless inference cannot reach a VPC).

The rule is off by default: it is for organisations that mandate a private Docker registry inside their VPC
(Security Hub SageMaker.16 and SageMaker.19). Select it with `--select MLC413`.

## Why is this bad?
With `Platform` access the image comes from Amazon ECR through a path outside your VPC, so the network controls
of your VPC (endpoint policies, security groups, a registry you scan and sign) do not govern which image a model
runs. A private registry reached through the model's VPC keeps the supply chain of inference images inside the
boundary the organisation audits.

## Example
```yaml
Model:
  Type: AWS::SageMaker::Model
  Properties:
    ExecutionRoleArn: !GetAtt ModelRole.Arn
    PrimaryContainer:
      Image: registry.internal.example.com/churn:1
    VpcConfig: {Subnets: [!Ref SubnetA, !Ref SubnetB], SecurityGroupIds: [!Ref ModelSg]}
```

## Use instead
```yaml
Model:
  Type: AWS::SageMaker::Model
  Properties:
    ExecutionRoleArn: !GetAtt ModelRole.Arn
    PrimaryContainer:
      Image: registry.internal.example.com/churn:1
      ImageConfig:
        RepositoryAccessMode: Vpc
    VpcConfig: {Subnets: [!Ref SubnetA, !Ref SubnetB], SecurityGroupIds: [!Ref ModelSg]}
```

## References
- [Use a private Docker registry for real-time inference containers](https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-containers-inference-private.html)
- AWS Security Hub controls SageMaker.16, SageMaker.19
"""

from mlcheck.aws.hosting import served_only_serverless
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown, describe, is_symbolic

MODEL = "AWS::SageMaker::Model"
MODE = ("ImageConfig", "RepositoryAccessMode")


def _containers(view, ctx):
    """(path below Properties, container mapping) for PrimaryContainer and each Containers entry."""
    primary = view.get("PrimaryContainer")
    if isinstance(primary, Unknown):
        ctx.unknown(view.path("PrimaryContainer"), primary.reason)
    elif isinstance(primary, dict):
        yield ("PrimaryContainer",), primary
    listed = view.get("Containers")
    if isinstance(listed, Unknown):
        ctx.unknown(view.path("Containers"), listed.reason)
    elif isinstance(listed, list):
        for i, container in enumerate(listed):
            if isinstance(container, Unknown):
                ctx.unknown(view.path("Containers", i), container.reason)
            elif isinstance(container, dict):
                yield ("Containers", i), container


def check(view, ctx):
    hits = []
    for keys, container in _containers(view, ctx):
        if "Image" not in container:
            continue  # a model package (or nothing) supplies the image
        mode = view.get(*keys, *MODE)
        path = view.path(*keys, *MODE)
        if is_symbolic(mode):
            ctx.unknown(path, mode.reason if isinstance(mode, Unknown) else "RepositoryAccessMode is computed")
            continue
        if isinstance(mode, str) and mode.strip() == "Vpc":
            continue
        where = keys[0] if len(keys) == 1 else f"Containers[{keys[1]}]"
        shown = "not set, so AWS uses Platform" if mode is None else describe(mode)
        hits.append(Hit(path, f"Model '{view.logical_id}' {where} does not pull its image through a private "
                              f"registry in the VPC (ImageConfig.RepositoryAccessMode is {shown})"))
    if not hits:
        return
    exempt, reason = served_only_serverless(ctx, view.resource)
    if exempt is None:
        ctx.unknown(hits[0].path, reason)
    if exempt is False:
        yield from hits


RULE = Rule(
    id="MLC413",
    name="model-image-registry",
    severity="low",
    resource_types=(MODEL,),
    check=check,
    fix="Serve the image from a private Docker registry reachable from the model's VPC and set "
        "ImageConfig.RepositoryAccessMode: Vpc (the model needs a VpcConfig).",
    enabled_by_default=False,
    peers={"aws": ["SageMaker.16", "SageMaker.19"]},
    practice="network-isolation",
)
