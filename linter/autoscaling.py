"""Application Auto Scaling wiring of SageMaker endpoints: which ScalableTarget scales which variant.

A SageMaker ScalableTarget names its variant by `ResourceId: endpoint/<endpoint name>/variant/<variant name>`,
written literally, with `!Sub endpoint/${Endpoint.EndpointName}/variant/AllTraffic` or with `!Join`. This
module splits such a value into its endpoint and variant parts, symbolic parts kept, and maps the endpoint part
to the template's Endpoint resource and on to its EndpointConfig.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlcheck.values import Composite, ResourceRef, Unknown

SCALABLE_TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"
ENDPOINT = "AWS::SageMaker::Endpoint"
ENDPOINT_CONFIG = "AWS::SageMaker::EndpointConfig"


@dataclass(frozen=True, slots=True)
class VariantTarget:
    resource: object  # the ScalableTarget Resource
    endpoint: object  # a template Endpoint Resource, or None when the name matches none
    endpoint_part: object  # the endpoint segment as written (str or symbolic)
    variant: object  # variant name (str), or symbolic
    min_capacity: object
    max_capacity: object


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


def endpoint_for(part, graph):
    """The template Endpoint an endpoint segment designates, or None."""
    if isinstance(part, ResourceRef):
        resource = graph.template.resources.get(part.logical_id)
        return resource if resource is not None and resource.type == ENDPOINT else None
    if isinstance(part, str):
        return graph.target(part, ENDPOINT)
    return None


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
        targets.append(VariantTarget(resource, endpoint_for(endpoint_part, ctx.graph), endpoint_part, variant,
                                     view.get("MinCapacity"), view.get("MaxCapacity")))
    return targets, unknown


def config_of_endpoint(endpoint, ctx):
    """The template EndpointConfig an Endpoint uses, or None."""
    value = ctx.view(endpoint).get("EndpointConfigName")
    return ctx.graph.target(value, ENDPOINT_CONFIG)
