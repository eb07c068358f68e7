"""The CloudFormation template model: parameters, conditions, mappings and resources, read once per file."""

from __future__ import annotations

from typing import Any

from mlcheck.model.document import Document
from mlcheck.util.record import Record

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
    __slots__ = _fields = ("logical_id", "type", "definition", "path", "body_path", "operation", "defaults_only",
                           "source_type", "arn", "physical_id")
    logical_id: str
    type: str
    definition: dict  # the raw resource mapping (Type, Properties, Metadata, Condition, ...)
    path: tuple  # path of the resource in the document, e.g. ("Resources", "Notebook")
    # SageMaker API documents (mlcheck.inputs.sagemaker_api): the document path of the request body, which is the
    # resource's Properties, and the Create* operation it is a request of. None for CloudFormation resources.
    body_path: tuple | None
    operation: str | None
    # Defaults for every resource of the type rather than one resource (the SageMaker Python SDK's config file,
    # mlcheck.inputs.sdk_config): a property it leaves out is not decided here (the view gives UNDECIDED, not
    # the AWS default), and only what it sets can be a finding (the engine drops the rest).
    defaults_only: bool
    # The type as the source names it when it is not `type` (a Terraform resource's `aws_sagemaker_model`):
    # rules read the CloudFormation `type`, findings show this one. None for CloudFormation and API inputs.
    source_type: str | None

    # Resources read from an AWS account (mlcheck.inputs.aws_account): the ARN and the id `Ref` would return
    # (a subnet's subnet-..., a key's key id), by which other resources name them literally. None for resources
    # of a file: `arn` set is what marks a resource as coming from the account.
    arn: str | None
    physical_id: str | None

    def __init__(self, logical_id, type, definition, path, body_path=None, operation=None, defaults_only=False,
                 source_type=None, arn=None, physical_id=None):
        self.logical_id = logical_id
        self.type = type
        self.definition = definition
        self.path = path
        self.body_path = body_path
        self.operation = operation
        self.defaults_only = defaults_only
        self.source_type = source_type
        self.arn = arn
        self.physical_id = physical_id

    @property
    def from_account(self) -> bool:
        return self.arn is not None

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
