"""An Inventory as a Template: one resource per deployed object, its logical id `<kind>/<name>`, its ARN and
physical id kept on the Resource (`Resource.arn` marks it as coming from the account), its tag
`mlcheck:ignore` (`ID reason`) turned into the inline suppression the engine already applies."""

from __future__ import annotations

import re

from mlcheck.model.document import Document
from mlcheck.model.template import Resource, Template

IGNORE_TAG = "mlcheck:ignore"
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def kind_of(resource_type: str) -> str:
    """`AWS::SageMaker::NotebookInstance` -> `notebook-instance`, `AWS::EC2::VPCEndpoint` -> `vpc-endpoint`."""
    return _WORD_BREAK.sub("-", resource_type.rsplit("::", 1)[-1]).lower()


def logical_id(resource) -> str:
    return f"{kind_of(resource.type)}/{resource.name}"


def ignores_of(tags: dict | None) -> list:
    """Suppressions from tags `mlcheck:ignore` (and `mlcheck:ignore:<anything>`, for more than one), each
    `ID reason`: tag values cannot hold `;` or `,` in most services, so one rule per tag."""
    out = []
    for key, value in sorted((tags or {}).items()):
        if key != IGNORE_TAG and not key.startswith(IGNORE_TAG + ":"):
            continue
        rule, _, reason = str(value).strip().partition(" ")
        out.append({"id": rule, "reason": reason.strip()} if reason.strip() else {"id": rule})
    return out


def add_resources(template: Template, resources) -> dict:
    """Add account resources to a template (skipping ids it has); returns logical id -> AccountResource."""
    added = {}
    for item in resources:
        lid = logical_id(item)
        if lid in template.resources:
            continue
        definition = {"Type": item.type, "Properties": item.properties}
        ignores = ignores_of(item.tags)
        if ignores:
            definition["Metadata"] = {"mlcheck": {"ignore": ignores}}
        template.resources[lid] = Resource(lid, item.type, definition, ("Resources", lid), arn=item.arn,
                                           physical_id=item.physical_id)
        added[lid] = item
    return added


def build(inventory, display: str) -> tuple:
    """(Template, logical id -> AccountResource) of a region's inventory."""
    template = Template(file=display, document=Document({"Resources": {}}))
    added = add_resources(template, inventory.resources)
    template.document.data["Resources"] = {lid: r.definition for lid, r in template.resources.items()}
    return template, added
