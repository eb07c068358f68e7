"""CloudFormation templates as an input kind: recognised by content, read into the Template model."""

from __future__ import annotations

from typing import Any

from mlcheck.model.document import Document
from mlcheck.model.template import Parameter, Resource, Template

DESCRIPTION = "a CloudFormation template (no AWSTemplateFormatVersion, no Resources with Type)"


def is_cloudformation(data: Any) -> bool:
    """Decided by content: `AWSTemplateFormatVersion`, or `Resources` whose entries have a `Type`."""
    if not isinstance(data, dict):
        return False
    if "AWSTemplateFormatVersion" in data:
        return True
    resources = data.get("Resources")
    return (
        isinstance(resources, dict)
        and bool(resources)
        and all(isinstance(r, dict) and "Type" in r for r in resources.values())
    )


def build_template(file: str, document: Document) -> Template:
    data = document.data
    template = Template(file=file, document=document)

    params = data.get("Parameters")
    if isinstance(params, dict):
        for name, spec in params.items():
            if not isinstance(spec, dict):
                template.problems.append((("Parameters", name), f"parameter '{name}' is not a mapping"))
                continue
            allowed = spec.get("AllowedValues")
            template.parameters[name] = Parameter(
                name=name,
                type=str(spec.get("Type", "String")),
                default=spec.get("Default"),
                has_default="Default" in spec,
                allowed_values=tuple(allowed) if isinstance(allowed, list) else None,
            )

    conditions = data.get("Conditions")
    if isinstance(conditions, dict):
        template.conditions = conditions
    mappings = data.get("Mappings")
    if isinstance(mappings, dict):
        template.mappings = mappings

    resources = data.get("Resources")
    if isinstance(resources, dict):
        for logical_id, definition in resources.items():
            if logical_id.startswith("Fn::ForEach::"):
                continue  # AWS::LanguageExtensions loop: its resources exist only after expansion
            if not isinstance(definition, dict) or not isinstance(definition.get("Type"), str):
                template.problems.append(
                    (("Resources", logical_id), f"resource '{logical_id}' has no Type or is not a mapping")
                )
                continue
            template.resources[logical_id] = Resource(
                logical_id=logical_id, type=definition["Type"], definition=definition,
                path=("Resources", logical_id),
            )
    elif resources is not None:
        template.problems.append((("Resources",), "Resources is not a mapping"))
    return template


recognises = is_cloudformation
build = build_template
