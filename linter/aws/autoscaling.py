"""Application Auto Scaling wiring of SageMaker endpoints: which ScalableTarget scales which variant.

A SageMaker ScalableTarget names its variant by `ResourceId: endpoint/<endpoint name>/variant/<variant name>`,
written literally, with `!Sub endpoint/${Endpoint.EndpointName}/variant/AllTraffic` or with `!Join`. This
module splits such a value into its endpoint and variant parts, symbolic parts kept, and maps the endpoint part
to the template's Endpoint resource and on to its EndpointConfig. Names built from parameters are compared with
`mlcheck.model.names.name_key` (`endpoint/${ModelName}-prd/variant/...` matches `EndpointName: !Sub ${ModelName}-prd`).
Every lookup is answered from per-template indexes, so matching targets to variants stays linear.
"""

from __future__ import annotations


from mlcheck.model.cache import deployed, template_index
from mlcheck.util.convert import to_int
from mlcheck.model.names import has_unknown, name_key
from mlcheck.util.record import FrozenRecord, Record
from mlcheck.model.values import Composite, ResourceRef, Unknown, is_symbolic

SCALABLE_TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"
SCALING_POLICY = "AWS::ApplicationAutoScaling::ScalingPolicy"
VARIANT_DIMENSIONS = ("sagemaker:variant:DesiredInstanceCount", "sagemaker:variant:DesiredProvisionedConcurrency")
INSTANCE_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
ENDPOINT = "AWS::SageMaker::Endpoint"
ENDPOINT_CONFIG = "AWS::SageMaker::EndpointConfig"


class VariantTarget(FrozenRecord):
    __slots__ = _fields = ("resource", "endpoint", "endpoint_part", "variant", "min_capacity", "max_capacity",
                           "dimension", "resource_id")
    resource: object  # the ScalableTarget Resource
    endpoint: object  # a template Endpoint Resource, or None when the name matches none
    endpoint_part: object  # the endpoint segment as written (str or symbolic)
    variant: object  # variant name (str), or symbolic
    min_capacity: object
    max_capacity: object
    dimension: object
    resource_id: object

    def __init__(
        self,
        resource,
        endpoint,
        endpoint_part,
        variant,
        min_capacity,
        max_capacity,
        dimension=None,
        resource_id=None,
    ):
        object.__setattr__(self, "resource", resource)
        object.__setattr__(self, "endpoint", endpoint)
        object.__setattr__(self, "endpoint_part", endpoint_part)
        object.__setattr__(self, "variant", variant)
        object.__setattr__(self, "min_capacity", min_capacity)
        object.__setattr__(self, "max_capacity", max_capacity)
        object.__setattr__(self, "dimension", dimension)
        object.__setattr__(self, "resource_id", resource_id)


def split_resource_id(value):
    """`endpoint/<e>/variant/<v>` -> (e, v) with symbolic parts kept; None if it has another shape; an
    Unknown when the value cannot be known."""
    if isinstance(value, Unknown):
        return value
    parts = value.parts if isinstance(value, Composite) else (value,)
    segments: list = [[]]
    for part in parts:
        if isinstance(part, str):
            pieces = part.split("/")
            segments[-1].append(pieces[0])
            for piece in pieces[1:]:
                segments.append([piece])
        else:
            segments[-1].append(part)
    cleaned = []
    for segment in segments:
        segment = [p for p in segment if p != ""]
        if len(segment) == 1:
            cleaned.append(segment[0])
        elif not segment:
            cleaned.append("")
        elif all(isinstance(p, str) for p in segment):
            cleaned.append("".join(segment))
        else:
            cleaned.append(Composite(tuple(segment)))
    if len(cleaned) != 4 or cleaned[0] != "endpoint" or cleaned[2] != "variant":
        if any(isinstance(c, Unknown) for c in cleaned):
            return Unknown("ResourceId is partly computed")
        return None
    return cleaned[1], cleaned[3]


def _endpoint_names(ctx):
    """(name key -> Endpoint, logical ids of endpoints whose name holds unknown parts)."""
    by_key, uncertain = {}, []
    for endpoint in ctx.graph.of_type(ENDPOINT):
        name = ctx.view(endpoint).get("EndpointName")
        if name is None:
            continue  # generated name: only GetAtt EndpointName can designate it
        key = name_key(name)
        if key is not None:
            by_key[key] = endpoint
        if key is None or has_unknown(name):
            uncertain.append(endpoint.logical_id)
    return by_key, uncertain


def endpoint_match(part, ctx):
    """(template Endpoint or None, unknown reason or None) for the endpoint segment of a ResourceId. A Ref
    (`${Endpoint}`, which returns the ARN) still designates the endpoint here; MLC504 reports that form."""
    if isinstance(part, Composite) and len(part.parts) == 1:
        part = part.parts[0]
    if isinstance(part, ResourceRef):
        resource = ctx.graph.template.resources.get(part.logical_id)
        return (resource, None) if resource is not None and resource.type == ENDPOINT else (None, None)
    by_key, uncertain = template_index(ctx, "autoscaling.endpoint_names", _endpoint_names)
    key = name_key(part)
    if key is not None and key in by_key:
        return by_key[key], None
    if key is None or has_unknown(part):
        return None, "the endpoint name cannot be resolved"
    if uncertain:
        return None, f"the endpoint name may match endpoint {uncertain[0]}, whose name cannot be known"
    return None, None


def endpoint_for(part, ctx):
    """The template Endpoint an endpoint segment designates, or None."""
    return endpoint_match(part, ctx)[0]


def sagemaker_targets(ctx) -> tuple[list, list]:
    """(targets, unknown_reasons) for every SageMaker ScalableTarget of the template under ctx's scenario."""
    targets, unknown = [], []
    for resource in ctx.graph.of_type(SCALABLE_TARGET):
        view = ctx.view(resource)
        namespace = view.get("ServiceNamespace")
        if isinstance(namespace, Unknown):
            unknown.append(f"ServiceNamespace of {resource.logical_id} is unknown")
            continue
        if namespace != "sagemaker":
            continue
        split = split_resource_id(view.get("ResourceId"))
        if isinstance(split, Unknown):
            unknown.append(f"ResourceId of {resource.logical_id}: {split.reason}")
            continue
        if split is None:
            continue
        endpoint_part, variant = split
        endpoint, reason = endpoint_match(endpoint_part, ctx)
        if reason:
            unknown.append(f"ScalableTarget {resource.logical_id}: {reason}")
        targets.append(VariantTarget(resource, endpoint, endpoint_part, variant,
                                     view.get("MinCapacity"), view.get("MaxCapacity"),
                                     view.get("ScalableDimension"), view.get("ResourceId")))
    return targets, unknown


def config_of_endpoint(endpoint, ctx):
    """The template EndpointConfig an Endpoint uses, or None."""
    value = ctx.view(endpoint).get("EndpointConfigName")
    found = ctx.graph.target(value, ENDPOINT_CONFIG)
    if found is None and not isinstance(value, (str, ResourceRef)):
        key = name_key(value)  # a name built from parameters, e.g. !Sub ${ModelName}-config
        if key is not None:
            found = template_index(ctx, "autoscaling.config_names", _config_names).get(key)
    return found


def _config_names(ctx):
    out = {}
    for config in ctx.graph.of_type(ENDPOINT_CONFIG):
        key = name_key(ctx.view(config).get("EndpointConfigName"))
        if key is not None:
            out[key] = config
    return out


def capacity(value):
    """An integer capacity/count, or None when it is not a plain number of sensible size (mlcheck.util.convert)."""
    return to_int(value, signed=True)


class ScalingIndex(Record):
    """Every SageMaker ScalableTarget of a template, by the endpoint it scales."""

    _fields = ("targets", "by_endpoint", "unknown")
    targets: list  # [VariantTarget]
    by_endpoint: dict  # endpoint logical id -> [VariantTarget]
    unknown: list  # reasons some target's endpoint cannot be known

    def __init__(self, targets=None, by_endpoint=None, unknown=None):
        self.targets = [] if targets is None else targets
        self.by_endpoint = {} if by_endpoint is None else by_endpoint
        self.unknown = [] if unknown is None else unknown


def _scaling_index(ctx) -> ScalingIndex:
    index = ScalingIndex()
    index.targets, index.unknown = sagemaker_targets(ctx)
    for target in index.targets:
        if target.endpoint is not None:
            index.by_endpoint.setdefault(target.endpoint.logical_id, []).append(target)
    return index


def scaling_index(ctx) -> ScalingIndex:
    return template_index(ctx, "autoscaling.targets", _scaling_index)


def targets_for_variant(ctx, endpoint, variant_name):
    """(ScalableTargets of `endpoint` that scale the variant, reasons others might). Variant names are compared
    by name key; a non-match involving an unknown part is a reason, not a non-match."""
    index = scaling_index(ctx)
    found, unknown = [], list(index.unknown)
    key = name_key(variant_name)
    for target in index.by_endpoint.get(endpoint.logical_id, ()):
        target_key = name_key(target.variant)
        if key is not None and target_key == key:
            exists = deployed(ctx, target.resource)
            if exists is None:  # the engine checks each branch of its Condition; until then, neither
                unknown.append(f"{target.resource.logical_id} exists only when condition "
                               f"{target.resource.condition} is true")
            elif exists:
                found.append(target)
        elif key is None or target_key is None or has_unknown(variant_name) or has_unknown(target.variant):
            unknown.append(f"variant of {target.resource.logical_id} cannot be compared with {variant_name}")
    return found, unknown


def endpoints_using_config(ctx, config):
    """The template Endpoints whose EndpointConfigName designates `config` (built once per template)."""
    def build(ctx):
        out: dict = {}
        for endpoint in ctx.graph.of_type(ENDPOINT):
            found = config_of_endpoint(endpoint, ctx)
            if found is not None:
                out.setdefault(found.logical_id, []).append(endpoint)
        return out

    return template_index(ctx, "autoscaling.endpoints_by_config", build).get(config.logical_id, [])


def kept_at_two(ctx, config, name):
    """(True if an autoscaling target keeps the variant at MinCapacity >= 2, unknown reasons)."""
    unknown = []
    for endpoint in endpoints_using_config(ctx, config):
        targets, reasons = targets_for_variant(ctx, endpoint, name)
        unknown.extend(reasons)
        for target in targets:
            if is_symbolic(target.min_capacity):
                unknown.append(f"MinCapacity of {target.resource.logical_id} is unknown")
                continue
            minimum = capacity(target.min_capacity)
            if minimum is None and target.min_capacity is not None:
                unknown.append(f"MinCapacity of {target.resource.logical_id} is not a number mlcheck can read")
            elif minimum is not None and minimum >= 2:
                return True, []
    if not endpoints_using_config(ctx, config):
        unknown.extend(scaling_index(ctx).unknown)
    return False, unknown


class PolicyIndex(Record):
    _fields = ("by_target", "by_key", "unknown")
    by_target: dict  # ScalableTarget logical id -> [ScalingPolicy Resource]
    by_key: dict  # (rendered ResourceId, dimension) -> [ScalingPolicy Resource]
    unknown: list

    def __init__(self, by_target=None, by_key=None, unknown=None):
        self.by_target = {} if by_target is None else by_target
        self.by_key = {} if by_key is None else by_key
        self.unknown = [] if unknown is None else unknown


def _policy_index(ctx) -> PolicyIndex:
    index = PolicyIndex()
    for policy in ctx.graph.of_type(SCALING_POLICY):
        view = ctx.view(policy)
        target_id = view.get("ScalingTargetId")
        if target_id is not None:
            if isinstance(target_id, ResourceRef) and target_id.logical_id in ctx.graph.template.resources:
                index.by_target.setdefault(target_id.logical_id, []).append(policy)
            elif is_symbolic(target_id):
                index.unknown.append(f"ScalingTargetId of {policy.logical_id} cannot be resolved")
            continue
        resource_id, dimension = name_key(view.get("ResourceId")), view.get("ScalableDimension")
        if resource_id is None or not isinstance(dimension, str):
            index.unknown.append(f"ResourceId or ScalableDimension of {policy.logical_id} cannot be resolved")
            continue
        index.by_key.setdefault((resource_id, dimension), []).append(policy)
    return index


def policies_for_target(ctx, target):
    """(ScalingPolicy resources linked to a ScalableTarget — by ScalingTargetId or by ResourceId and
    ScalableDimension —, reasons other policies might be)."""
    index = template_index(ctx, "autoscaling.policies", _policy_index)
    found = list(index.by_target.get(target.logical_id, []))
    view = ctx.view(target)
    dimension = view.get("ScalableDimension")
    key = (name_key(view.get("ResourceId")), dimension)
    if key[0] is not None and isinstance(dimension, str):
        found.extend(p for p in index.by_key.get(key, []) if p not in found)
    return found, index.unknown
