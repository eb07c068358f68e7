"""What a read of an AWS account produces: resources in the resource model's shape, and what could not be read.

An `AccountResource` is one deployed object as the rules read it: a CloudFormation type, CloudFormation-shaped
properties (values that could not be read are `Unknown` with the reason), its ARN and the id `Ref` would
return, its tags. References to other objects stay literal ARNs, names and ids, which the resource graph
resolves (`mlcheck.model.graph`, "by literal name").
"""

from __future__ import annotations

from mlcheck.util.record import Record


class AccountResource(Record):
    _fields = ("type", "name", "arn", "properties", "physical_id", "tags")
    type: str
    name: str  # the resource's own name (or id): its logical id is "<kind>/<name>" (template.logical_id)
    arn: str
    properties: dict
    physical_id: str | None
    tags: dict | None  # key -> value; None when they could not be read

    def __init__(self, type, name, arn, properties, physical_id=None, tags=None):
        self.type = type
        self.name = name
        self.arn = arn
        self.properties = properties
        self.physical_id = physical_id
        self.tags = tags

    @property
    def service(self) -> str:
        parts = self.arn.split(":", 5)
        return parts[2] if len(parts) > 2 else "aws"


class Inventory(Record):
    _fields = ("region", "resources", "unreadable")
    region: str
    resources: list  # AccountResource
    unreadable: list  # (what, reason): a list or a whole object that could not be read

    def __init__(self, region, resources=None, unreadable=None):
        self.region = region
        self.resources = [] if resources is None else resources
        self.unreadable = [] if unreadable is None else unreadable

    def add(self, resource: AccountResource) -> None:
        self.resources.append(resource)

    def has(self, arn: str) -> bool:
        return any(r.arn == arn for r in self.resources)
