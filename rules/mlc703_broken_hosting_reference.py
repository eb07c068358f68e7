"""Hosting resource names a config, model or endpoint by a misspelt literal name.

## What it does
Where one SageMaker hosting resource refers to another by a literal name instead of `!Ref`/`!GetAtt`, checks
the name against the names the template defines:
- Endpoint `EndpointConfigName` → EndpointConfig `EndpointConfigName`;
- EndpointConfig production and shadow variants' `ModelName`, InferenceComponent `Specification.ModelName`,
  InferenceExperiment `ModelVariants[].ModelName` and transform jobs' `ModelName` → Model `ModelName`;
- MonitoringSchedule, monitoring job definitions, InferenceComponent and InferenceExperiment `EndpointName`
  (also a schedule's or job definition's `EndpointInput.EndpointName`) → Endpoint `EndpointName`;
- MonitoringSchedule `MonitoringJobDefinitionName` → a monitoring job definition's `JobDefinitionName`.

A name that differs from a defined one only in case is the same name (SageMaker compares names
case-insensitively). A name that matches none while the template defines one within two edits (the distance
stays below half the name, and names that differ only in digits, like `model-v1`/`model-v2`, are other
versions) is a finding with a "did you mean". A name defined nowhere near is unknown: it may exist outside the template. So
is a name when a candidate's own name cannot be resolved.

## Why is this bad?
The referenced resource does not exist under that name, so the deployment fails (or, if an old resource of that
name exists in the account, silently serves the wrong configuration or model). A literal name also hides the
dependency from CloudFormation; `!GetAtt Config.EndpointConfigName` states it and orders the creation.

## Example
```yaml
Config:
  Type: AWS::SageMaker::EndpointConfig
  Properties:
    EndpointConfigName: churn-ab
    ProductionVariants: [...]
Endpoint:
  Type: AWS::SageMaker::Endpoint
  Properties:
    EndpointConfigName: churn-ba    # did you mean churn-ab?
```

## Use instead
```yaml
Endpoint:
  Type: AWS::SageMaker::Endpoint
  Properties:
    EndpointConfigName: !GetAtt Config.EndpointConfigName
```

## References
- [AWS::SageMaker::Endpoint](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-endpoint.html)
- [Fn::GetAtt](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getatt.html)
"""

from mlcheck.model.cache import template_index
from mlcheck.aws.hosting import near_names, values_at
from mlcheck.model.names import name_key
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Composite, ResourceRef, Unknown

MODEL = "AWS::SageMaker::Model"
CONFIG = "AWS::SageMaker::EndpointConfig"
ENDPOINT = "AWS::SageMaker::Endpoint"
SCHEDULE = "AWS::SageMaker::MonitoringSchedule"
JOB_INPUTS = {
    "AWS::SageMaker::DataQualityJobDefinition": "DataQualityJobInput",
    "AWS::SageMaker::ModelQualityJobDefinition": "ModelQualityJobInput",
    "AWS::SageMaker::ModelBiasJobDefinition": "ModelBiasJobInput",
    "AWS::SageMaker::ModelExplainabilityJobDefinition": "ModelExplainabilityJobInput",
}
# target type -> (its name property, what it is called in messages)
TARGETS = {
    MODEL: (("ModelName",), "model"),
    CONFIG: (("EndpointConfigName",), "endpoint configuration"),
    ENDPOINT: (("EndpointName",), "endpoint"),
    "job definition": (("JobDefinitionName",), "monitoring job definition"),
}
# referring type -> [(path below Properties, "*" = every list item, target type)]
REFERENCES = {
    ENDPOINT: [(("EndpointConfigName",), CONFIG)],
    CONFIG: [(("ProductionVariants", "*", "ModelName"), MODEL),
             (("ShadowProductionVariants", "*", "ModelName"), MODEL)],
    "AWS::SageMaker::TransformJob": [(("ModelName",), MODEL)],
    "AWS::SageMaker::InferenceComponent": [(("EndpointName",), ENDPOINT),
                                           (("Specification", "ModelName"), MODEL)],
    "AWS::SageMaker::InferenceExperiment": [(("EndpointName",), ENDPOINT),
                                            (("ModelVariants", "*", "ModelName"), MODEL)],
    SCHEDULE: [(("EndpointName",), ENDPOINT),
               (("MonitoringScheduleConfig", "MonitoringJobDefinitionName"), "job definition"),
               (("MonitoringScheduleConfig", "MonitoringJobDefinition", "MonitoringInputs", "*", "EndpointInput",
                 "EndpointName"), ENDPOINT)],
    **{t: [(("EndpointName",), ENDPOINT), ((job_input, "EndpointInput", "EndpointName"), ENDPOINT)]
       for t, job_input in JOB_INPUTS.items()},
}


def _defined(ctx) -> dict:
    """target type -> (names defined, logical ids of candidates whose name cannot be resolved)."""
    out = {}
    for target, (keys, _) in TARGETS.items():
        types = tuple(JOB_INPUTS) if target == "job definition" else (target,)
        names, uncertain = {}, []
        for resource in ctx.graph.of_type(*types):
            value = ctx.view(resource).get(*keys)
            if value is None:
                continue  # a generated name: only Ref/GetAtt can designate it
            if isinstance(value, str):
                names[value.lower()] = value
            else:
                key = name_key(value)
                if key is not None:
                    names[key.lower()] = key
                uncertain.append(resource.logical_id)
        out[target] = (names, uncertain)
    return out


def check(view, ctx):
    defined = template_index(ctx, "mlc703.defined", _defined)
    for keys, target in REFERENCES[view.type]:
        for path, value in values_at(view.properties, keys):
            where = view.path(*path)
            if isinstance(value, ResourceRef) or (isinstance(value, Composite) and value.resource_refs()):
                continue  # a reference CloudFormation resolves
            names, uncertain = defined[target]
            kind = TARGETS[target][1]
            if not isinstance(value, str):
                key = name_key(value) if isinstance(value, Composite) else None
                if key is None or key.lower() not in names:
                    ctx.unknown(where, value.reason if isinstance(value, Unknown) else f"the {kind} name is built "
                                "from values not known")
                continue
            if value.lower() in names:
                continue
            near = near_names(value, names.values())
            if near and not uncertain:
                yield Hit(where, f"{view.logical_id} refers to {kind} '{value}', which this template does not "
                                 f"define; did you mean '{near[0]}'?")
            elif uncertain:
                ctx.unknown(where, f"'{value}' may be the name of {uncertain[0]}, which cannot be resolved")
            else:
                ctx.unknown(where, f"{kind} '{value}' is not defined in this template (it may exist outside it)")


RULE = Rule(
    id="MLC703",
    name="broken-hosting-reference",
    severity="high",
    resource_types=tuple(REFERENCES),
    check=check,
    fix="Refer to the resource with !GetAtt (e.g. !GetAtt Config.EndpointConfigName), or correct the name.",
)
