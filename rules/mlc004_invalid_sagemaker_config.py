"""SageMaker API configuration does not match the API's request shape.

## What it does
Checks every SageMaker API request mlcheck reads — a Create* request body (CreateTrainingJob,
CreateEndpointConfig, ...), the same wrapped as `{"Operation": ..., "Input": {...}}`, or a request in a
SageMaker Pipelines step's `Arguments` — against the operation's input shape in botocore's own SageMaker service
model (the model the AWS SDKs are generated from, so it is as current as the installed botocore):
- an unknown member, with a "did you mean" hint for a near miss (`InstanceCout` → `InstanceCount`);
- a value of the wrong type (a structure, list, map, string, integer, long, float, double, boolean or
  timestamp where the model wants another);
- a missing required member (in a Pipelines step the job's or model's name is exempt: Pipelines names it);
- a value outside the model's enum (e.g. an instance type or input mode that does not exist) or outside its
  min/max: the length of a string or list, the size of a map, the value of a number. Enums grow as AWS adds
  instance types, so the message names the botocore version whose model was used: a type newer than the
  installed botocore needs a botocore upgrade, not a template change.

Each problem is reported at the line of the offending member (a missing member at the mapping that lacks it).
A value that a more specific rule reports at the same place is left to it (one finding per problem): an unknown
instance type is MLC705's, a serverless memory size or concurrency out of range MLC702's; with that rule not
selected, this one reports it.
Pipelines expressions (`{"Get": ...}`, `{"Std:Join": ...}`) are only known when the pipeline runs and are not
checked. A top-level `"//"` key (a JSON comment convention) is not part of the request and is ignored.

## Why is this bad?
SageMaker validates requests only when they are sent: a misspelt key such as `EnableNetworkIsolaton` or
`VolumeKmsKeyID` is rejected at run time — or, in tools that drop unknown keys, silently ignored, so a security
setting you believe is on is off. Every other rule reads the request by member name, so a request that does not
match the API is also a request mlcheck cannot judge correctly.

## Example
```json
{
  "TrainingJobName": "churn-train",
  "RoleArn": "arn:aws:iam::123456789012:role/train",
  "AlgorithmSpecification": {"TrainingImage": "...", "TrainingInputMode": "Files"},
  "OutputDataConfig": {"S3OutputPath": "s3://ml-output/models/"},
  "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": "2", "VolumeSizeInGB": 50},
  "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
  "EnableNetworkIsolaton": true
}
```

## Use instead
```json
{
  "TrainingJobName": "churn-train",
  "RoleArn": "arn:aws:iam::123456789012:role/train",
  "AlgorithmSpecification": {"TrainingImage": "...", "TrainingInputMode": "File"},
  "OutputDataConfig": {"S3OutputPath": "s3://ml-output/models/"},
  "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 50},
  "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
  "EnableNetworkIsolation": true
}
```

## References
- [Amazon SageMaker API Reference: Actions](https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Operations_Amazon_SageMaker_Service.html)
- [SageMaker Pipelines definition JSON schema](https://aws-sagemaker-mlops.github.io/sagemaker-model-building-pipeline-definition-JSON-schema/)
- [botocore service models](https://github.com/boto/botocore/tree/develop/botocore/data/sagemaker)
"""

from __future__ import annotations

import datetime

from mlcheck.inputs import sagemaker_api as api
from mlcheck.engine.rule import Hit, Rule

_MAX_DEPTH = 60
_TYPE_WORDS = {
    "structure": "a mapping", "map": "a mapping", "list": "a list", "string": "a string",
    "integer": "an integer", "long": "an integer", "float": "a number", "double": "a number",
    "boolean": "a boolean (true/false)", "timestamp": "a timestamp", "blob": "a string",
}


def check(view, ctx):
    resource = view.resource
    if resource.operation is None:
        return  # a CloudFormation resource of the same type: CloudFormation's schema is another tool's job
    body = _raw(ctx.template.document.data, resource.properties_path)
    if not isinstance(body, dict):
        return
    model = api.service_model()
    shape_name = model["operations"][resource.operation]["input"]["shape"]
    pipeline = bool(resource.properties_path) and resource.properties_path[-1] == "Arguments"
    exempt = {api.OPERATIONS[resource.operation][1]} if pipeline else set()
    yield from _validate(model["shapes"], shape_name, body, resource.properties_path, (), resource.operation,
                         pipeline, exempt, 0)


def _raw(data, path):
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _where(names: tuple) -> str:
    out = ""
    for name in names:
        out += f"[{name}]" if isinstance(name, int) else (f".{name}" if out else str(name))
    return out or "the request"


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _type_ok(kind: str, value) -> bool:
    if kind in ("structure", "map"):
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    if kind in ("string", "blob"):
        return isinstance(value, str)
    if kind in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("float", "double"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "timestamp":
        return isinstance(value, (str, int, float, datetime.date)) and not isinstance(value, bool)
    return True


def _validate(shapes, shape_name, value, path, names, operation, pipeline, exempt, depth):
    if depth > _MAX_DEPTH:
        return
    if pipeline and api.is_expression(value):
        return  # known only when the pipeline runs
    shape = shapes.get(shape_name, {})
    kind = shape.get("type")
    where = _where(names)
    if not _type_ok(kind, value):
        yield Hit(path, f"{operation}: {where} must be {_TYPE_WORDS.get(kind, kind)}, not {_kind(value)}"
                        + (f" ({value!r})" if isinstance(value, (str, int, float)) and not isinstance(value, bool)
                           else ""))
        return
    if kind == "structure":
        if shape.get("document"):
            return  # free-form JSON
        members = shape.get("members", {})
        for name, item in value.items():
            if not path and name == api.COMMENT_KEY:
                continue  # the "//" comment convention, at the top level of the document only
            if name not in members:
                yield Hit(path + (name,), f"{operation}: unknown member '{name}' in {where}{_hint(name, members)}")
                continue
            yield from _validate(shapes, members[name]["shape"], item, path + (name,), names + (name,), operation,
                                 pipeline, set(), depth + 1)
        for name in shape.get("required", ()):
            if name not in value and name not in exempt:
                yield Hit(path, f"{operation}: {where} lacks required member '{name}'")
    elif kind == "list":
        yield from _bounds(shape, len(value), path, where, operation, "items")
        for i, item in enumerate(value):
            yield from _validate(shapes, shape["member"]["shape"], item, path + (i,), names + (i,), operation,
                                 pipeline, set(), depth + 1)
    elif kind == "map":
        yield from _bounds(shape, len(value), path, where, operation, "entries")
        for key, item in value.items():
            yield from _validate(shapes, shape["key"]["shape"], key, path + (key,), names + (key,), operation,
                                 pipeline, set(), depth + 1)
            yield from _validate(shapes, shape["value"]["shape"], item, path + (key,), names + (key,), operation,
                                 pipeline, set(), depth + 1)
    elif kind == "string":
        enum = shape.get("enum")
        if enum and value not in enum:
            yield Hit(path, f"{operation}: {where} is '{value}', which is not one of the API's values "
                            f"(botocore {_botocore_version()}){_hint(value, enum, quote=True)}", subjects=(path,))
        else:
            yield from _bounds(shape, len(value), path, where, operation, "characters")
    elif kind in ("integer", "long", "float", "double"):
        low, high = shape.get("min"), shape.get("max")
        if low is not None and value < low:
            yield Hit(path, f"{operation}: {where} is {value}, below the minimum {low}", subjects=(path,))
        elif high is not None and value > high:
            yield Hit(path, f"{operation}: {where} is {value}, above the maximum {high}", subjects=(path,))


def _botocore_version() -> str:
    """Enums grow (new instance types): the message names the model version, so an old botocore is visible."""
    import botocore

    return botocore.__version__


def _bounds(shape, size, path, where, operation, unit):
    low, high = shape.get("min"), shape.get("max")
    if size == 1:
        unit = unit[:-1]  # "1 character"
    if low is not None and size < low:
        yield Hit(path, f"{operation}: {where} has {size} {unit}, fewer than the minimum {low}")
    elif high is not None and size > high:
        yield Hit(path, f"{operation}: {where} has {size} {unit}, more than the maximum {high}")


def _hint(name, candidates, quote=False) -> str:
    if not isinstance(name, str):
        return ""
    candidates = list(candidates)
    lowered = {c.lower(): c for c in candidates}
    match = lowered.get(name.lower())
    if match is None:
        import difflib  # here: only a misspelt name needs it

        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
        match = close[0] if close else None
    if match is not None:
        return f"; did you mean '{match}'?"
    if quote and len(candidates) <= 8:
        return " (" + ", ".join(candidates) + ")"
    return ""


RULE = Rule(
    id="MLC004",
    name="invalid-sagemaker-config",
    severity="high",
    category="correctness",  # SageMaker rejects the request
    # The SageMaker API pseudo types (mlcheck.inputs.sagemaker_api): some are CloudFormation types too, so the check
    # only looks at resources built from an API request (Resource.operation is set).
    resource_types=api.API_TYPES,
    check=check,
    fix="Use the member names, types and values of the SageMaker API reference (botocore's service model).",
    # "One finding per problem": a value outside the API's enum or range (its hit's subject is the value's path)
    # that the rule for that value reports at the same path — an unknown instance type, a serverless memory
    # size or concurrency out of range — is theirs, with their more specific message.
    yields_to=("MLC705", "MLC702"),
)
