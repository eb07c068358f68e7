"""The CloudFormation template model: parameters, conditions, mappings and resources, read once per file."""

from __future__ import annotations

from typing import Any

from mlcheck.loader.document import Document
from mlcheck.record import Record

PSEUDO_PARAMETERS = {
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::Partition", "AWS::Region", "AWS::StackId",
    "AWS::StackName", "AWS::URLSuffix", "AWS::NoValue",
}


class Parameter(Record):
    __slots__ = _fields = ("name", "type", "default", "has_default", "allowed_values")
    name: str
    type: str
    default: Any
    has_default: bool
    allowed_values: tuple | None

    def __init__(self, name, type="String", default=None, has_default=False, allowed_values=None):
        self.name = name
        self.type = type
        self.default = default
        self.has_default = has_default
        self.allowed_values = allowed_values

    @property
    def is_list(self) -> bool:
        return self.type.startswith("List<") or self.type == "CommaDelimitedList"


class Resource(Record):
    __slots__ = _fields = ("logical_id", "type", "definition", "path", "body_path", "operation")
    logical_id: str
    type: str
    definition: dict  # the raw resource mapping (Type, Properties, Metadata, Condition, ...)
    path: tuple  # path of the resource in the document, e.g. ("Resources", "Notebook")
    # SageMaker API documents (mlcheck.sagemaker_api): the document path of the request body, which is the
    # resource's Properties, and the Create* operation it is a request of. None for CloudFormation resources.
    body_path: tuple | None
    operation: str | None

    def __init__(self, logical_id, type, definition, path, body_path=None, operation=None):
        self.logical_id = logical_id
        self.type = type
        self.definition = definition
        self.path = path
        self.body_path = body_path
        self.operation = operation

    @property
    def properties(self) -> dict:
        props = self.definition.get("Properties")
        return props if isinstance(props, dict) else {}

    @property
    def properties_path(self) -> tuple:
        return self.body_path if self.body_path is not None else self.path + ("Properties",)

    @property
    def condition(self) -> str | None:
        cond = self.definition.get("Condition")
        return cond if isinstance(cond, str) else None

    @property
    def metadata(self) -> dict:
        meta = self.definition.get("Metadata")
        return meta if isinstance(meta, dict) else {}


class Template(Record):
    __slots__ = _fields = ("file", "document", "resources", "parameters", "conditions", "mappings", "problems")
    file: str
    document: Document
    resources: dict  # logical id -> Resource
    parameters: dict  # name -> Parameter
    conditions: dict  # name -> raw condition expression
    mappings: dict
    problems: list  # (path, message): structural problems found while reading

    def __init__(
        self, file, document, resources=None, parameters=None, conditions=None, mappings=None, problems=None
    ):
        self.file = file
        self.document = document
        self.resources = {} if resources is None else resources
        self.parameters = {} if parameters is None else parameters
        self.conditions = {} if conditions is None else conditions
        self.mappings = {} if mappings is None else mappings
        self.problems = [] if problems is None else problems

    @property
    def data(self) -> dict:
        return self.document.data

    @property
    def metadata(self) -> dict:
        meta = self.data.get("Metadata")
        return meta if isinstance(meta, dict) else {}


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
