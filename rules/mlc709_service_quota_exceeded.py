"""Instances asked for exceed the account's applied SageMaker quota for that instance type and usage.

## What it does
Only with `--aws`, which reads the account's applied SageMaker quotas (Service Quotas,
`servicequotas:ListServiceQuotas`, read-only) into the model. For every resource that asks for instances it
adds up, per instance type and usage, what it asks for:
- endpoint usage: each production and shadow variant's `InitialInstanceCount` of its `InstanceType`;
- notebook instance usage: one per NotebookInstance;
- training job usage (spot training job usage with `EnableManagedSpotTraining`): a training job's
  `ResourceConfig` and its `InstanceGroups`; a tuning job's `ResourceConfig` times `MaxParallelTrainingJobs`;
- processing job usage: `ProcessingResources.ClusterConfig`; transform job usage: `TransformResources`.

The sum over the template (several endpoint configs on the same type count together) is compared with the
applied quota of the same name ("ml.p4d.24xlarge for endpoint usage"); the message names the quota, its code,
its value and how many are asked for. Instances already running in the account count against the quota too:
the rule compares with the whole quota, so it reports only what would fail even in an empty account. An
instance type or count that cannot be resolved is unknown; without `--aws`, or when the account's quotas could
not be read, the rule says nothing (the read failure is listed with `--show-unknown`).

## Why is this bad?
Many instance quotas of a new account are 0 or a handful, GPU types above all: SageMaker rejects the
CreateEndpoint, CreateTrainingJob or CreateNotebookInstance call with ResourceLimitExceeded, and the stack rolls
back (an endpoint often after many minutes of creation). Increases are asked for per quota and take from
minutes to days, so a release that needs one should ask before it ships.

## Example
```yaml
# the account's applied quota "ml.p4d.24xlarge for endpoint usage" is 2
EndpointConfig:
  Type: AWS::SageMaker::EndpointConfig
  Properties:
    ProductionVariants:
      - {ModelName: !GetAtt Model.ModelName, VariantName: AllTraffic, InstanceType: ml.p4d.24xlarge,
         InitialInstanceCount: 4}
```

## Use instead
Ask for the increase first (Service Quotas console, or
`aws service-quotas request-service-quota-increase --service-code sagemaker --quota-code L-... --desired-value 4`),
or ask for no more instances than the quota allows:
```yaml
      - {ModelName: !GetAtt Model.ModelName, VariantName: AllTraffic, InstanceType: ml.p4d.24xlarge,
         InitialInstanceCount: 2}
```

## References
- [Amazon SageMaker endpoints and quotas](https://docs.aws.amazon.com/general/latest/gr/sagemaker.html)
- [Requesting a quota increase (Service Quotas)](https://docs.aws.amazon.com/servicequotas/latest/userguide/request-quota-increase.html)
"""

from mlcheck.aws.hosting import shown
from mlcheck.aws.kms import kind_of
from mlcheck.aws.quotas import ASKING_TYPES, QUOTA, asks
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.cache import template_index
from mlcheck.model.values import Unknown
from mlcheck.util.convert import to_number


def _quotas(ctx) -> dict:
    """Quota name -> (value, code) of the applied quotas read from the account."""
    out = {}
    for resource in ctx.graph.of_type(QUOTA):
        props = resource.properties
        value = to_number(props.get("Value"))
        if isinstance(props.get("QuotaName"), str) and value is not None:
            out[props["QuotaName"]] = (value, props.get("QuotaCode", "?"))
    return out


def _totals(ctx) -> dict:
    """Quota name -> instances the template's resources ask for in all."""
    totals: dict = {}
    for resource in ctx.graph.of_type(*ASKING_TYPES):
        if resource.from_account:
            continue
        for ask in asks(ctx.view(resource)):
            if not isinstance(ask, Unknown):
                totals[ask.quota] = totals.get(ask.quota, 0) + ask.count
    return totals


def check(view, ctx):
    quotas = template_index(ctx, "quotas.applied", _quotas)
    if not quotas or view.resource.from_account:
        return  # without --aws there is nothing to compare with
    totals = template_index(ctx, "quotas.totals", _totals)
    mine: dict = {}
    for ask in asks(view):
        if isinstance(ask, Unknown):
            ctx.unknown(view.path(), ask.reason)
            continue
        if ask.quota in quotas:
            mine.setdefault(ask.quota, []).append(ask)
    for name, own in mine.items():
        value, code = quotas[name]
        total, asked = totals.get(name, 0), sum(a.count for a in own)
        if total <= value:
            continue
        others = f"; with the template's other requests that makes {total}" if total > asked else ""
        yield Hit(own[0].path,
                  f"{kind_of(view.type)} '{view.logical_id}' asks for {asked} {own[0].instance_type} instance"
                  f"{'s' if asked != 1 else ''}{others}, more than the account's applied quota '{name}' "
                  f"({code}) of {shown(value)}: SageMaker would refuse it with ResourceLimitExceeded")


RULE = Rule(
    id="MLC709",
    name="service-quota-exceeded",
    severity="high",
    resource_types=ASKING_TYPES,
    check=check,
    fix="Request a quota increase in Service Quotas (service sagemaker, the quota named in the message) before "
        "deploying, or ask for fewer instances of that type.",
    practice="service-quotas",
)
