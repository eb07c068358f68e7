"""The resource graph, built once per template: who references whom, resources by type and by literal name.

Cross-resource rules ask the graph ("which Model does this variant name?", "which ScalableTargets point at
this endpoint?") instead of scanning every resource per resource, so a template costs time linear in its size.
"""

from __future__ import annotations

import re
from collections import defaultdict

from mlcheck.util.record import FrozenRecord
from mlcheck.util.regex import lazy
from mlcheck.model.template import Resource, Template
from mlcheck.model.values import Composite, Pseudo, ResourceRef

_SUB_VAR = lazy(r"\$\{([^}!][^}]*)\}")

# Properties that give a resource a literal name other resources may use instead of Ref/GetAtt.
NAME_PROPERTIES = {
    "AWS::SageMaker::Model": "ModelName",
    "AWS::SageMaker::EndpointConfig": "EndpointConfigName",
    "AWS::SageMaker::Endpoint": "EndpointName",
    "AWS::SageMaker::NotebookInstance": "NotebookInstanceName",
    "AWS::SageMaker::Domain": "DomainName",
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::KMS::Alias": "AliasName",
    "AWS::EC2::SecurityGroup": "GroupName",
}

# Types whose resources from the account are found by ARN or id alone (no name property).
ACCOUNT_TYPES = {"AWS::KMS::Key", "AWS::EC2::Subnet", "AWS::EC2::VPC", "AWS::EC2::SecurityGroup",
                 "AWS::EC2::VPCEndpoint"}
_LITERAL_TYPES = (*NAME_PROPERTIES, *sorted(ACCOUNT_TYPES))

# ARN resource segments that name a template resource: arn:...:iam::123:role/path/Name -> Role "Name".
_ARN_NAME = {
    "AWS::IAM::Role": lazy(r"^arn:[^:]*:iam::[^:]*:role/(?:.*/)?([^/]+)$"),
    "AWS::IAM::ManagedPolicy": lazy(r"^arn:[^:]*:iam::[^:]*:policy/(?:.*/)?([^/]+)$"),
    "AWS::S3::Bucket": re.compile(r"^arn:[^:]*:s3:::([^/]+)"),
    "AWS::KMS::Alias": lazy(r"^arn:[^:]*:kms:[^:]*:[^:]*:(alias/.+)$"),
}


class Edge(FrozenRecord):
    __slots__ = _fields = ("source", "target", "attribute", "path", "via")
    source: str
    target: str
    attribute: str | None
    path: tuple  # where in the source the reference is written
    via: str  # "Ref", "GetAtt", "Sub" or "DependsOn"

    def __init__(self, source, target, attribute, path, via):
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "attribute", attribute)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "via", via)


class ResourceGraph:
    def __init__(self, template: Template):
        self.template = template
        self.by_type: dict[str, list[Resource]] = defaultdict(list)
        self.by_name: dict[tuple, Resource] = {}
        self.outgoing: dict[str, list[Edge]] = defaultdict(list)
        self.incoming: dict[str, list[Edge]] = defaultdict(list)
        resources = template.resources
        for resource in resources.values():
            self.by_type[resource.type].append(resource)
            name_property = NAME_PROPERTIES.get(resource.type)
            if name_property:
                name = resource.properties.get(name_property)
                if isinstance(name, str):
                    if resource.arn is None:
                        self.by_name[(resource.type, name)] = resource
                    else:  # a template's own resource of that name wins over the account's (--aws)
                        self.by_name.setdefault((resource.type, name), resource)
            if resource.arn is not None and self._not_shadowed(resource, name_property):
                # read from the account: named by its ARN and its id as well
                self.by_name.setdefault((resource.type, resource.arn), resource)
                if resource.physical_id:
                    self.by_name.setdefault((resource.type, resource.physical_id), resource)
            for edge in self._scan(resource):
                self.outgoing[edge.source].append(edge)
                self.incoming[edge.target].append(edge)

    def _not_shadowed(self, resource: Resource, name_property) -> bool:
        """An account resource whose name a template resource of the same type has is that resource, as far as
        the template is concerned (account resources come after the template's)."""
        name = resource.properties.get(name_property) if name_property else None
        return not isinstance(name, str) or self.by_name.get((resource.type, name)) is resource

    def _scan(self, resource: Resource):
        resources = self.template.resources
        source = resource.logical_id
        depends = resource.definition.get("DependsOn")
        for target in depends if isinstance(depends, list) else [depends]:
            if isinstance(target, str) and target in resources:
                yield Edge(source, target, None, resource.path + ("DependsOn",), "DependsOn")
        stack = [(resource.definition.get("Properties"), resource.properties_path)]
        while stack:
            value, path = stack.pop()
            if isinstance(value, dict):
                if len(value) == 1:
                    (key, arg), = value.items()
                    if key == "Ref" and isinstance(arg, str) and arg in resources:
                        yield Edge(source, arg, None, path, "Ref")
                        continue
                    if key == "Fn::GetAtt":
                        target, attribute = _getatt_parts(arg)
                        if target in resources:
                            yield Edge(source, target, attribute, path, "GetAtt")
                    if key == "Fn::Sub":
                        text = arg[0] if isinstance(arg, list) and arg else arg
                        if isinstance(text, str):
                            for match in _SUB_VAR.finditer(text):
                                name, _, attribute = match.group(1).strip().partition(".")
                                if name in resources:
                                    yield Edge(source, name, attribute or None, path, "Sub")
                for key, child in value.items():
                    stack.append((child, path + (key,)))
            elif isinstance(value, list):
                for i, child in enumerate(value):
                    stack.append((child, path + (i,)))

    # -- queries -----------------------------------------------------------------------------------------
    def of_type(self, *types: str) -> list[Resource]:
        if len(types) == 1:
            return self.by_type.get(types[0], [])
        return [r for t in types for r in self.by_type.get(t, [])]

    def referrers(self, logical_id: str, *types: str) -> list[Resource]:
        """Resources that reference `logical_id` (optionally only of the given types), each once."""
        seen: dict = {}
        for edge in self.incoming.get(logical_id, ()):
            resource = self.template.resources[edge.source]
            if not types or resource.type in types:
                seen.setdefault(edge.source, resource)
        return list(seen.values())

    def target(self, value, *types: str) -> Resource | None:
        """The template resource a resolved value designates: a Ref/GetAtt, a Sub'ed ARN naming exactly one
        resource, a literal name or an ARN whose name matches a resource's name property."""
        resources = self.template.resources
        if isinstance(value, ResourceRef):
            resource = resources.get(value.logical_id)
        elif isinstance(value, Composite):
            refs = {ref.logical_id for ref in value.resource_refs()}
            resource = resources.get(refs.pop()) if len(refs) == 1 else None
            if not refs and all(isinstance(p, (str, Pseudo)) for p in value.parts):
                # `!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/name`: the name part is literal
                resource = self._by_literal(value.text("*"), types)
        elif isinstance(value, str):
            resource = self._by_literal(value, types)
        else:
            resource = None
        if resource is not None and types and resource.type not in types:
            return None
        return resource

    def _by_literal(self, text: str, types) -> Resource | None:
        for resource_type in types or _LITERAL_TYPES:
            found = self.by_name.get((resource_type, text))
            if found is not None:
                return found
            pattern = _ARN_NAME.get(resource_type)
            if pattern is not None:
                match = pattern.match(text)
                if match:
                    found = self.by_name.get((resource_type, match.group(1)))
                    if found is not None:
                        return found
        return None


def _getatt_parts(arg):
    if isinstance(arg, str):
        target, _, attribute = arg.partition(".")
        return target, attribute or None
    if isinstance(arg, list) and arg and isinstance(arg[0], str):
        attribute = arg[1] if len(arg) > 1 and isinstance(arg[1], str) else None
        return arg[0], attribute
    return None, None
