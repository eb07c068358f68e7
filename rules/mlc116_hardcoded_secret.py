"""A credential is written in plain text into a SageMaker resource.

## What it does
Looks for literal credentials where SageMaker resources carry settings and scripts:
- notebook lifecycle scripts (`AWS::SageMaker::NotebookInstanceLifecycleConfig` `OnCreate`/`OnStart`
  `Content`) and Studio lifecycle scripts (`AWS::SageMaker::StudioLifecycleConfig`), whether the content is
  base64 text (decoded, at most 1 MiB, strictly: content that is not base64 or not UTF-8 is recorded as
  "could not verify") or `Fn::Base64` of a plain script;
- container `Environment`s: Model `PrimaryContainer` and `Containers`, ModelPackage containers,
  InferenceComponent containers, monitoring job definitions and schedules, AppImageConfig
  `ContainerEnvironmentVariables`;
- jobs, as SageMaker API requests or Pipelines steps: training job `Environment` and `HyperParameters`, tuning
  job `StaticHyperParameters`, processing and transform job `Environment`, and container arguments
  (`--token VALUE`).

A finding is a value with the shape of a credential whatever its name (an AWS access key id `AKIA...`/`ASIA...`,
a private key `-----BEGIN ... PRIVATE KEY-----` with its body, a GitHub or Hugging Face token, a password in a
URL `postgres://user:password@host`), or a literal value under a secret-like name (`*PASSWORD*`, `*SECRET*`,
`*TOKEN`, `*API_KEY*`, `*PRIVATE_KEY*`; an AWS secret access key when the name says so). In a script only
assignments count (`export HF_TOKEN=...`, `TOKEN="..."`, `echo "export KEY=..." >> ~/.bashrc`, `password: "..."`
written to a config file, `--token VALUE`, `aws configure set aws_secret_access_key ...`); a line that merely
mentions a name does not. The finding points at the property (the `Content` line for a script, naming the script
line) and names the variable and the kind of credential; it never shows the value.

Not a secret in the template: a `Ref` to a `NoEcho` parameter or to a parameter without a `Default` (a
parameter's *literal* `Default` is in the template, so it is judged like any literal), dynamic references
(`{{resolve:secretsmanager:...}}`, `{{resolve:ssm-secure:...}}`), `Fn::ImportValue`, Pipelines expressions,
shell expansions (`$VAR`, `$(aws secretsmanager get-secret-value ...)`), names that describe a secret rather than
hold it (`SECRET_ARN`, `SECRET_NAME`, `TOKEN_ID`, `ACCESS_KEY_ID`, `*_PATH`, `*_URL`, `*_TTL`, ...), token
counts and tokenizer settings (`max_tokens`, `pad_token`), values shorter than 4 characters, booleans, and
placeholders (`changeme`, `<your-token>`, `xxxx`, `your-api-key`, AWS's documentation example keys).

## Why is this bad?
Anything in a template is in version control, in the CloudFormation console and API (`GetTemplate`), and in
SageMaker's `Describe*` responses (`Environment`, `HyperParameters` and lifecycle scripts are returned in clear
text to everyone who may describe the resource). A key written there cannot be rotated without a deployment and
is readable long after it was meant to be.

## Example
```yaml
Model:
  Type: AWS::SageMaker::Model
  Properties:
    ExecutionRoleArn: !GetAtt ModelRole.Arn
    PrimaryContainer:
      Image: !Ref ImageUri
      Environment:
        HF_TOKEN: hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567
```

## Use instead
```yaml
      Environment:
        # the container reads the token from Secrets Manager at start-up, with its execution role
        HF_TOKEN_SECRET_ARN: !Ref HuggingFaceTokenSecret
```
or a dynamic reference (`{{resolve:secretsmanager:hf-token}}`) where a value must be passed at deploy time.

## References
- [Prowler: sagemaker_notebook_instance_no_secrets](https://hub.prowler.com/check/sagemaker_notebook_instance_no_secrets)
- [CloudFormation: do not embed credentials in your templates](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/security-best-practices.html)
- [Using dynamic references to specify template values](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html)
"""

from __future__ import annotations

import json

from mlcheck.aws import secrets
from mlcheck.model.resolve import Resolver
from mlcheck.engine.rule import Hit, Rule
from mlcheck.inputs.sagemaker_api import PROCESSING_JOB, TRAINING_JOB, TRANSFORM_JOB, TUNING_JOB
from mlcheck.model.values import Composite, Unknown

# what a location holds
ENV, HYPER, KEY_VALUES, ARGS, SCRIPT = "environment", "hyperparameters", "key-value list", "arguments", "script"

# type -> (path below Properties, `*` for every list item; what is there; label for messages)
LOCATIONS = {
    "AWS::SageMaker::NotebookInstanceLifecycleConfig": (
        (("OnCreate", "*", "Content"), SCRIPT, "OnCreate"), (("OnStart", "*", "Content"), SCRIPT, "OnStart")),
    "AWS::SageMaker::StudioLifecycleConfig": ((("StudioLifecycleConfigContent",), SCRIPT, "Studio lifecycle"),),
    "AWS::SageMaker::Model": ((("PrimaryContainer", "Environment"), ENV, "container"),
                              (("Containers", "*", "Environment"), ENV, "container")),
    "AWS::SageMaker::ModelPackage": (
        (("InferenceSpecification", "Containers", "*", "Environment"), ENV, "container"),
        (("AdditionalInferenceSpecifications", "*", "Containers", "*", "Environment"), ENV, "container")),
    "AWS::SageMaker::InferenceComponent": ((("Specification", "Container", "Environment"), ENV, "container"),),
    "AWS::SageMaker::DataQualityJobDefinition": (
        (("DataQualityAppSpecification", "Environment"), ENV, "job"),
        (("DataQualityAppSpecification", "ContainerArguments"), ARGS, "job")),
    "AWS::SageMaker::ModelQualityJobDefinition": (
        (("ModelQualityAppSpecification", "Environment"), ENV, "job"),
        (("ModelQualityAppSpecification", "ContainerArguments"), ARGS, "job")),
    "AWS::SageMaker::ModelBiasJobDefinition": ((("ModelBiasAppSpecification", "Environment"), ENV, "job"),),
    "AWS::SageMaker::ModelExplainabilityJobDefinition": (
        (("ModelExplainabilityAppSpecification", "Environment"), ENV, "job"),),
    "AWS::SageMaker::MonitoringSchedule": (
        (("MonitoringScheduleConfig", "MonitoringJobDefinition", "Environment"), ENV, "job"),
        (("MonitoringScheduleConfig", "MonitoringJobDefinition", "MonitoringAppSpecification",
          "ContainerArguments"), ARGS, "job")),
    "AWS::SageMaker::AppImageConfig": (
        (("JupyterLabAppImageConfig", "ContainerConfig", "ContainerEnvironmentVariables"), KEY_VALUES, "container"),
        (("CodeEditorAppImageConfig", "ContainerConfig", "ContainerEnvironmentVariables"), KEY_VALUES, "container")),
    TRAINING_JOB: ((("Environment",), ENV, "job"), (("HyperParameters",), HYPER, "job")),
    PROCESSING_JOB: ((("Environment",), ENV, "job"), (("AppSpecification", "ContainerArguments"), ARGS, "job")),
    TRANSFORM_JOB: ((("Environment",), ENV, "job"),),
    TUNING_JOB: ((("TrainingJobDefinition", "StaticHyperParameters"), HYPER, "job"),
                 (("TrainingJobDefinition", "Environment"), ENV, "job"),
                 (("TrainingJobDefinitions", "*", "StaticHyperParameters"), HYPER, "job"),
                 (("TrainingJobDefinitions", "*", "Environment"), ENV, "job")),
}

# Reasons of unknown values that are certainly not written in the template (so they hold no literal secret).
_OUTSIDE = "not written in the template"
_OUTSIDE_REASONS = ("{{resolve:", "Fn::ImportValue", "SageMaker Pipelines expression", _OUTSIDE)
_PLACEHOLDER = "${}"  # what an unknown piece of a `!Sub` string reads as: a shell/template expansion


class TemplateText(Resolver):
    """Resolves values as they are written in the template: a parameter's literal `Default` is template text,
    but a `NoEcho` parameter, one without a Default, or one read from SSM holds nothing written here (and a
    `--parameter` value given on the command line is not in the template either)."""

    def parameter_value(self, name: str):
        param = self.template.parameters.get(name)
        specs = self.template.data.get("Parameters")  # a mapping in templates (a list in Pipelines definitions)
        spec = specs.get(name) if isinstance(specs, dict) else None
        no_echo = isinstance(spec, dict) and str(spec.get("NoEcho", "")).lower() == "true"
        if param is None or no_echo or not param.has_default or param.type.startswith("AWS::SSM::"):
            return Unknown(f"parameter '{name}' is {_OUTSIDE}")
        value = param.default
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def _resolver(ctx) -> TemplateText:
    base = ctx.resolver
    return TemplateText(base.template, base.overrides, base.scenario, base.conditions)


def _is_intrinsic(value) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("Ref", "Condition") or (
        isinstance(value, dict) and len(value) == 1 and str(next(iter(value))).startswith("Fn::"))


def _child(node, key, resolver):
    """The raw value under `key` (resolving an intrinsic function on the way down)."""
    if _is_intrinsic(node):
        node = resolver.resolve(node)
    if isinstance(node, dict):
        return node.get(key)
    if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        return node[key]
    return None


def _places(raw, keys: tuple, prefix: tuple, resolver):
    """(concrete path, raw value) for a location path with `*` for every list item."""
    if not keys:
        if raw is not None:
            yield prefix, raw
        return
    key, rest = keys[0], keys[1:]
    if key == "*":
        node = resolver.resolve(raw) if _is_intrinsic(raw) else raw
        if isinstance(node, list):
            for i, item in enumerate(node):
                yield from _places(item, rest, prefix + (i,), resolver)
        return
    yield from _places(_child(raw, key, resolver), rest, prefix + (key,), resolver)


def _outside(value) -> bool:
    return isinstance(value, Unknown) and any(r in value.reason for r in _OUTSIDE_REASONS)


def _text(raw, resolver):
    """(text, origin, unknown reason): the value as written in the template. text None means nothing literal
    (with a reason when it cannot be known rather than not written here)."""
    origin = ""
    if isinstance(raw, dict) and set(raw) == {"Ref"} and isinstance(raw["Ref"], str) \
            and raw["Ref"] in resolver.template.parameters:
        origin = f" (the Default of parameter '{raw['Ref']}')"
    value = raw if isinstance(raw, Unknown) else resolver.resolve(raw)
    if isinstance(value, (str, int, float, bool)):
        return value, origin, None
    if isinstance(value, Composite):
        return value.text(_PLACEHOLDER), origin, None
    if isinstance(value, Unknown):
        return None, origin, None if _outside(value) else value.reason
    return None, origin, None  # a mapping or list where text was expected: not a credential


def _settings(view, ctx, resolver, path, raw, what, label):
    """Hits for a mapping of names to values (Environment, HyperParameters) or a Key/Value list."""
    if isinstance(raw, str) and what == ENV:  # Model Environment may be given as a JSON string
        try:
            raw = json.loads(raw) if len(raw) < secrets.MAX_ENCODED else None
        except ValueError:
            raw = None
        if not isinstance(raw, dict):
            ctx.unknown(view.path(*path), "Environment is a string that is not a JSON object")
            return
    if _is_intrinsic(raw):
        raw = resolver.resolve(raw)
    if isinstance(raw, Unknown):
        if not _outside(raw):
            ctx.unknown(view.path(*path), raw.reason)
        return
    if what == KEY_VALUES:
        pairs = [((i, "Value"), _child(item, "Key", resolver), _child(item, "Value", resolver))
                 for i, item in enumerate(raw)] if isinstance(raw, list) else []
    elif isinstance(raw, dict):
        pairs = [((name,), name, value) for name, value in raw.items()]
    else:
        return
    kind_label = "hyperparameter" if what == HYPER else f"{label} environment variable"
    for key, name, value_raw in pairs:
        name = resolver.resolve(name) if _is_intrinsic(name) else name
        if not isinstance(name, str):
            continue
        text, origin, unknown = _text(value_raw, resolver)
        where = view.path(*(path + key))
        if unknown:
            ctx.unknown(where, unknown)
            continue
        kind = secrets.classify(name, text) if text is not None else None
        if kind:
            yield Hit(where, f"{_owner(view)}: {kind_label} '{_shown(name)}' holds {_a(kind)}{origin}; "
                             f"the value is not shown")


def _arguments(view, ctx, resolver, path, raw):
    node = resolver.resolve(raw) if _is_intrinsic(raw) else raw
    if not isinstance(node, list):
        return
    texts = [_text(item, resolver)[0] for item in node]
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            continue
        kind, name = secrets.shape_of(text), None
        if kind is None and text.startswith("--"):
            option, eq, value = text[2:].partition("=")
            if not eq and i + 1 < len(texts) and isinstance(texts[i + 1], str):
                value = texts[i + 1]
            if value and not value.startswith("--"):
                kind, name = secrets.classify(option, value), option
        if kind:
            about = f"'--{_shown(name)}' is given {_a(kind)}" if name else f"{i + 1} holds {_a(kind)}"
            yield Hit(view.path(*(path + (i,))), f"{_owner(view)}: container argument {about}; the value is not "
                                                  f"shown")


def _script(view, ctx, resolver, path, raw, label, count):
    where = view.path(*path)
    plain = isinstance(raw, dict) and set(raw) == {"Fn::Base64"}
    text, _, unknown = _text(raw["Fn::Base64"] if plain else raw, resolver)
    if unknown:
        ctx.unknown(where, unknown)
        return
    if not isinstance(text, str):
        return
    if not plain:
        if _PLACEHOLDER in text:  # base64 built from values that are not in the template: cannot be decoded
            ctx.unknown(where, "lifecycle script content is built from values that are not in the template")
            return
        text, reason = secrets.decode_base64(text)
        if reason:
            ctx.unknown(where, f"lifecycle script {reason}")
            return
    text, reason = secrets.bounded(text)
    if reason:
        ctx.unknown(where, f"lifecycle {reason}")
        return
    name = f"{label} script" + (f" {path[-2] + 1}" if count > 1 and isinstance(path[-2], int) else "")
    for match in secrets.scan_script(text):
        held = f"sets '{_shown(match.name)}' to {_a(match.kind)}" if match.name else f"holds {_a(match.kind)}"
        yield Hit(where, f"{_owner(view)}: line {match.line} of its {name} {held}; the value is not shown")


def _owner(view) -> str:
    return f"{view.type.rsplit('::', 1)[-1]} '{view.logical_id}'"


def _shown(name: str) -> str:
    return name if len(name) <= 80 else name[:77] + "..."


def _a(kind: str) -> str:
    return ("an " if kind[0].lower() in "aeiou" else "a ") + kind


def check(view, ctx):
    resolver = _resolver(ctx)
    raw_properties = view.resource.definition.get("Properties")
    for location, what, label in LOCATIONS.get(view.type, ()):
        places = list(_places(raw_properties, location, (), resolver))
        for path, raw in places:
            if what == SCRIPT:
                yield from _script(view, ctx, resolver, path, raw, label, len(places))
            elif what == ARGS:
                yield from _arguments(view, ctx, resolver, path, raw)
            else:
                yield from _settings(view, ctx, resolver, path, raw, what, label)


RULE = Rule(
    id="MLC116",
    name="hardcoded-secret",
    severity="high",
    resource_types=tuple(LOCATIONS),
    check=check,
    fix="Keep the credential in Secrets Manager (or SSM SecureString) and pass its ARN or name, read at run time "
        "with the execution role, or a `{{resolve:secretsmanager:...}}` dynamic reference; rotate the exposed "
        "credential.",
    peers={"prowler": ["sagemaker_notebook_instance_no_secrets"]},
    sensitive=True,
    practice="execution-roles",
)
