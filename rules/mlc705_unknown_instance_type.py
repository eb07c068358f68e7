"""Instance type is not one SageMaker offers for that kind of job.

## What it does
Checks every instance type a SageMaker resource asks for against the types SageMaker offers for that kind of
work, with a "did you mean" for a near miss (`ml.m5.lage`, `m5.large`, `ML.M5.LARGE`):
- hosting: EndpointConfig production and shadow variants' `InstanceType`;
- notebook: NotebookInstance `InstanceType`;
- training: a training job's `ResourceConfig.InstanceType` and `InstanceGroups`, a tuning job's training job
  definitions (`ResourceConfig`, `HyperParameterTuningResourceConfig` and its `InstanceConfigs`);
- processing: a processing job's `ProcessingResources.ClusterConfig.InstanceType`, monitoring job definitions'
  and schedules' cluster, and a training job's debugger and profiler rules;
- transform: a transform job's `TransformResources.InstanceType`.

The lists are botocore's enums for each kind (a type can exist for training but not for hosting), generated at
build time into package data by `tools/gen_instance_types.py`; the message names the botocore version, since AWS
adds types: a type newer than the data needs a regenerated list, not a template change. A value that cannot be
resolved is unknown.

## Why is this bad?
SageMaker rejects an instance type it does not offer for the job: the stack or the job fails at deploy or run
time, often after earlier resources were already created (and rolled back).

## Example
```yaml
      - ModelName: !GetAtt Model.ModelName
        VariantName: AllTraffic
        InstanceType: ml.m5.lage
        InitialInstanceCount: 2
```

## Use instead
```yaml
      - ModelName: !GetAtt Model.ModelName
        VariantName: AllTraffic
        InstanceType: ml.m5.large
        InitialInstanceCount: 2
```

## References
- [Amazon SageMaker pricing (instance types per feature)](https://aws.amazon.com/sagemaker/pricing/)
- [Instance types for built-in algorithms and hosting](https://docs.aws.amazon.com/sagemaker/latest/dg/instance-types-az.html)
"""

from mlcheck.aws import instance_types
from mlcheck.aws.hosting import values_at
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown, is_symbolic

_MONITOR_JOBS = ("AWS::SageMaker::DataQualityJobDefinition", "AWS::SageMaker::ModelQualityJobDefinition",
                 "AWS::SageMaker::ModelBiasJobDefinition", "AWS::SageMaker::ModelExplainabilityJobDefinition")
_TRAINING_DEFINITION = (("ResourceConfig", "InstanceType"), ("ResourceConfig", "InstanceGroups", "*", "InstanceType"),
                        ("HyperParameterTuningResourceConfig", "InstanceType"),
                        ("HyperParameterTuningResourceConfig", "InstanceConfigs", "*", "InstanceType"))
# resource type -> [(path below Properties, "*" = every list item, job kind)]
PLACES = {
    "AWS::SageMaker::EndpointConfig": [(("ProductionVariants", "*", "InstanceType"), "hosting"),
                                       (("ShadowProductionVariants", "*", "InstanceType"), "hosting")],
    "AWS::SageMaker::NotebookInstance": [(("InstanceType",), "notebook")],
    "AWS::SageMaker::TrainingJob": [(("ResourceConfig", "InstanceType"), "training"),
                                    (("ResourceConfig", "InstanceGroups", "*", "InstanceType"), "training"),
                                    (("DebugRuleConfigurations", "*", "InstanceType"), "processing"),
                                    (("ProfilerRuleConfigurations", "*", "InstanceType"), "processing")],
    "AWS::SageMaker::HyperParameterTuningJob": [(("TrainingJobDefinition",) + p, "training")
                                                for p in _TRAINING_DEFINITION]
    + [(("TrainingJobDefinitions", "*") + p, "training") for p in _TRAINING_DEFINITION],
    "AWS::SageMaker::ProcessingJob": [(("ProcessingResources", "ClusterConfig", "InstanceType"), "processing")],
    "AWS::SageMaker::TransformJob": [(("TransformResources", "InstanceType"), "transform")],
    "AWS::SageMaker::MonitoringSchedule": [(("MonitoringScheduleConfig", "MonitoringJobDefinition",
                                             "MonitoringResources", "ClusterConfig", "InstanceType"), "processing")],
    **{t: [(("JobResources", "ClusterConfig", "InstanceType"), "processing")] for t in _MONITOR_JOBS},
}


def check(view, ctx):
    if isinstance(view.properties.get("__unknown__"), Unknown):
        return
    for keys, kind in PLACES[view.type]:
        for path, value in values_at(view.properties, keys):
            where = view.path(*path)
            if is_symbolic(value):
                ctx.unknown(where, value.reason if isinstance(value, Unknown) else "the instance type is computed")
                continue
            if not isinstance(value, str) or value in instance_types.types_for(kind):
                continue  # a value of another type is a schema error, not an instance type
            message = (f"{view.logical_id} asks for instance type '{value}', which is not a SageMaker {kind} "
                       f"instance type ({instance_types.source()})")
            other = instance_types.kinds_offering(value)
            if other:  # a real type, just not for this kind of job: a spelling hint would mislead
                message += f"; it is offered for {', '.join(other)}"
            else:
                hint = instance_types.suggestion(value, kind)
                if hint:
                    message += f"; did you mean '{hint}'?"
            yield Hit(where, message)


RULE = Rule(
    id="MLC705",
    name="unknown-instance-type",
    severity="high",
    resource_types=tuple(PLACES),
    check=check,
    fix="Use an instance type SageMaker offers for this kind of job (see the did-you-mean, or the SageMaker "
        "pricing page's list for the feature).",
)
