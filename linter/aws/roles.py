"""Execution roles and what they may do.

- `execution_roles(ctx, view)`: which role each SageMaker resource runs as — Model `ExecutionRoleArn`,
  EndpointConfig through its variants' models, NotebookInstance `RoleArn`, Domain and UserProfile execution
  roles, monitoring job definitions and schedules, FeatureGroup and Pipeline `RoleArn` — followed through
  `!GetAtt Role.Arn`, `!Ref`, `!Sub` ARNs and literal ARNs whose role name matches a template role.
- `principal_statements(ctx, resource)`: a role's (user's, group's) effective identity statements — inline
  policies, attached template managed policies, `AWS::IAM::Policy`/`RolePolicy`/... that name it, and AWS
  managed policies attached by ARN when we know them by name — plus reasons some may be missing (an
  attachment that cannot be resolved, an AWS managed policy we do not know): callers treat those as unknown.
- `execution_role_users(ctx)`: the reverse, role logical id -> the SageMaker resources running as it.

Indexes are built once per template (`mlcheck.model.cache.template_index`), under template-wide resolution.
"""

from __future__ import annotations

import json
from mlcheck import data
from functools import lru_cache

from mlcheck.model.cache import deployed_only_when, template_index
from mlcheck.aws.policy import SINGLE_DOCUMENT, Document, documents, statements
from mlcheck.util.record import FrozenRecord, Record
from mlcheck.util.regex import lazy
from mlcheck.model.values import Composite, ResourceRef, Unknown

ROLE = "AWS::IAM::Role"
USER = "AWS::IAM::User"
GROUP = "AWS::IAM::Group"
MODEL = "AWS::SageMaker::Model"
DOMAIN = "AWS::SageMaker::Domain"
MANAGED_POLICY = "AWS::IAM::ManagedPolicy"

_MONITORING_DEFINITIONS = ("AWS::SageMaker::DataQualityJobDefinition", "AWS::SageMaker::ModelQualityJobDefinition",
                           "AWS::SageMaker::ModelBiasJobDefinition",
                           "AWS::SageMaker::ModelExplainabilityJobDefinition")

# Where each SageMaker resource names the role it runs as (paths below Properties).
ROLE_FIELDS = {
    MODEL: [("ExecutionRoleArn",)],
    "AWS::SageMaker::NotebookInstance": [("RoleArn",)],
    DOMAIN: [("DefaultUserSettings", "ExecutionRole"), ("DefaultSpaceSettings", "ExecutionRole")],
    "AWS::SageMaker::UserProfile": [("UserSettings", "ExecutionRole")],
    "AWS::SageMaker::MonitoringSchedule": [("MonitoringScheduleConfig", "MonitoringJobDefinition", "RoleArn")],
    "AWS::SageMaker::FeatureGroup": [("RoleArn",)],
    "AWS::SageMaker::Pipeline": [("RoleArn",)],
    "AWS::SageMaker::EndpointConfig": [("ExecutionRoleArn",)],
    **{t: [("RoleArn",)] for t in _MONITORING_DEFINITIONS},
    # jobs given as SageMaker API requests (mlcheck.inputs.sagemaker_api)
    **{t: [("RoleArn",)] for t in ("AWS::SageMaker::TrainingJob", "AWS::SageMaker::ProcessingJob")},
    "AWS::SageMaker::HyperParameterTuningJob": [("TrainingJobDefinition", "RoleArn")],
}
EXECUTION_ROLE_TYPES = tuple(ROLE_FIELDS)

_AWS_MANAGED = lazy(r"^arn:[^:]*:iam::aws:policy/(?:.*/)?([^/]+)$")


class RoleUse(FrozenRecord):
    """One role a SageMaker resource runs as."""

    _fields = ("path", "value", "via", "role", "unknown")
    path: tuple  # where the role is named (in this resource, or in the model it uses)
    value: object  # resolved role value
    via: str  # "Model 'M'" when reached through another resource
    role: object  # the template Role Resource, or None
    unknown: str  # why the role cannot be known ("" when it is)

    def __init__(self, path, value, via="", role=None, unknown=""):
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "via", via)
        object.__setattr__(self, "role", role)
        object.__setattr__(self, "unknown", unknown)

    def describe(self) -> str:
        return f"'{self.role.logical_id}'" + (f" (via {self.via})" if self.via else "") if self.role else "?"


def resolve_role(ctx, value):
    """The template role a resolved role value designates, or an Unknown saying why it cannot be known."""
    if isinstance(value, Unknown):
        return value
    role = ctx.graph.target(value, ROLE)
    if role is not None:
        return role
    if isinstance(value, Composite) and value.has_unknown():
        return Unknown("role ARN is built from a value that cannot be known")
    if isinstance(value, (ResourceRef, Composite)):
        return Unknown("role value refers to something that is not a role of this template")
    return Unknown(f"role {value} is not defined in this template")


def _uses(ctx, view, keys, via=""):
    value = view.get(*keys)
    if value is None:
        return None
    role = resolve_role(ctx, value)
    if isinstance(role, Unknown):
        return RoleUse(view.path(*keys), value, via, None, role.reason)
    return RoleUse(view.path(*keys), value, via, role)


def execution_roles(ctx, view) -> list:
    """Every RoleUse of a SageMaker resource (empty when it names no role)."""
    out = []
    for keys in ROLE_FIELDS.get(view.type, ()):
        use = _uses(ctx, view, keys)
        if use is not None:
            out.append(use)
    if view.type == "AWS::SageMaker::EndpointConfig" and not out:
        for model, path in models_of_config(ctx, view):
            if isinstance(model, Unknown):
                out.append(RoleUse(path, model, "", None, model.reason))
                continue
            use = _uses(ctx, ctx.view(model), ("ExecutionRoleArn",), via=f"Model '{model.logical_id}'")
            if use is not None:
                out.append(use)
    if view.type == "AWS::SageMaker::UserProfile" and not out:
        domain = ctx.graph.target(view.get("DomainId"), DOMAIN)
        if domain is not None:
            use = _uses(ctx, ctx.view(domain), ("DefaultUserSettings", "ExecutionRole"),
                        via=f"Domain '{domain.logical_id}'")
            if use is not None:
                out.append(use)
    return out


def models_of_config(ctx, view):
    """(Model Resource or Unknown, path) for each variant model of an EndpointConfig."""
    seen = set()
    for key in ("ProductionVariants", "ShadowProductionVariants"):
        items = view.get(key)
        if not isinstance(items, list):
            continue
        for i, variant in enumerate(items):
            if not isinstance(variant, dict) or "ModelName" not in variant:
                continue
            value = variant["ModelName"]
            path = view.path(key, i, "ModelName")
            model = ctx.graph.target(value, MODEL)
            if model is None:
                reason = value.reason if isinstance(value, Unknown) else f"model {value} is not in this template"
                yield Unknown(reason), path
            elif model.logical_id not in seen:
                seen.add(model.logical_id)
                yield model, path


def _role_users(ctx) -> dict:
    out: dict = {}
    for resource in ctx.graph.of_type(*EXECUTION_ROLE_TYPES):
        for use in execution_roles(ctx, ctx.view(resource)):
            if use.role is not None:
                out.setdefault(use.role.logical_id, []).append((resource, use))
    return out


def execution_role_users(ctx) -> dict:
    """role logical id -> [(SageMaker Resource, RoleUse)] for every role some SageMaker resource runs as."""
    return template_index(ctx, "roles.users", _role_users)


# -- attachments --------------------------------------------------------------------------------------------

_TARGET_KEYS = {"Roles": ROLE, "Users": USER, "Groups": GROUP, "RoleName": ROLE, "UserName": USER,
                "GroupName": GROUP}


class _Attachments(Record):
    _fields = ("by_principal", "unknown")
    by_principal: dict  # principal logical id -> [policy Resource]
    unknown: list  # (policy Resource, kind, reason)

    def __init__(self, by_principal=None, unknown=None):
        self.by_principal = {} if by_principal is None else by_principal
        self.unknown = [] if unknown is None else unknown


def _attachments(ctx) -> _Attachments:
    out = _Attachments()
    for policy in ctx.graph.of_type(*SINGLE_DOCUMENT):
        view = ctx.view(policy)
        for key, kind in _TARGET_KEYS.items():
            value = view.get(key)
            if value is None:
                continue
            values = value if isinstance(value, list) else [value]
            if isinstance(value, Unknown):
                values = [value]
            for item in values:
                target = ctx.graph.target(item, kind)
                if target is not None:
                    out.by_principal.setdefault(target.logical_id, []).append(policy)
                elif isinstance(item, Unknown) or (isinstance(item, Composite) and item.has_unknown()):
                    out.unknown.append((policy, kind, f"{policy.logical_id} attaches to a {kind.split('::')[-1]} "
                                                      "that cannot be known"))
    return out


def attached_policies(ctx, principal) -> tuple:
    """(template policy resources naming the principal, reasons others might)."""
    index = template_index(ctx, "roles.attachments", _attachments)
    return (index.by_principal.get(principal.logical_id, []),
            [reason for _, kind, reason in index.unknown if kind == principal.type])


# -- AWS managed policies we know by name ---------------------------------------------------------------------
# The real documents of the AWS managed policies SageMaker stacks attach, and the names of every AWS managed
# policy that is broad (MLC102), generated from a maintained dataset by tools/gen_managed_policies.py and read
# only when a rule meets an AWS managed policy ARN.

@lru_cache(maxsize=1)
def _managed_policies() -> dict:
    with open(data.path("managed_policies.json"), encoding="utf-8") as handle:
        return json.load(handle)


def aws_managed_policy(name: str) -> list | None:
    """The statements of an AWS managed policy's current version, or None when mlcheck does not ship it."""
    return _managed_policies()["documents"].get(name)


def broad_managed_policies() -> dict:
    """Name -> why, for every AWS managed policy that grants `*` on `*`, IAM privilege escalation on `*`, or
    every action of a data service on `*` (RULES.md MLC102), derived from the documents."""
    return _managed_policies()["broad"]


def managed_policy_name(value) -> str | None:
    """The name of an AWS managed policy ARN (`!Sub arn:${AWS::Partition}:iam::aws:policy/Name` too)."""
    text = value.text("*") if isinstance(value, Composite) and not value.has_unknown() else value
    if isinstance(text, str):
        match = _AWS_MANAGED.match(text.strip())
        if match:
            return match.group(1)
    return None


class Permissions(Record):
    """A principal's identity statements, each with the Document it comes from, and why the set may be
    incomplete (`unknown`: reasons)."""

    _fields = ("entries", "unknown")
    entries: list  # (Statement, Document)
    unknown: list

    def __init__(self, entries=None, unknown=None):
        self.entries = [] if entries is None else entries
        self.unknown = [] if unknown is None else unknown

    @property
    def statements(self) -> list:
        return [s for s, _ in self.entries]

    def statements_for(self, ctx) -> list:
        """The statements as seen from the resource `ctx` checks: a statement of a policy deployed under a
        Condition stays `conditional` (not a certain grant) unless that resource exists only under it too."""
        out = []
        for statement, doc in self.entries:
            if statement.conditional and deployed_only_when(ctx, doc.owner) is None:
                statement = statement.replace(conditional=None)
            out.append(statement)
        return out

    def unknown_for(self, action: str) -> list:
        """Reasons the answer for `action` may be incomplete."""
        return list(self.unknown)


def _add_documents(perms, ctx, resource):
    condition = deployed_only_when(ctx, resource)
    for doc in documents(ctx.view(resource)):
        if doc.kind != "identity":
            continue
        if isinstance(doc.document, Unknown):
            perms.unknown.append(f"{doc.name} of {resource.logical_id}: {doc.document.reason}")
            continue
        for statement in doc.statements():
            if condition:
                statement = statement.replace(conditional=condition)
            perms.entries.append((statement, doc))


def _principal_permissions(ctx, principal) -> Permissions:
    perms = Permissions()
    _add_own(perms, ctx, principal)
    if principal.type == USER:  # a user also holds its groups' permissions
        groups = ctx.view(principal).get("Groups")
        if isinstance(groups, Unknown):
            perms.unknown.append(f"Groups of {principal.logical_id}: {groups.reason}")
        for value in groups if isinstance(groups, list) else []:
            group = ctx.graph.target(value, GROUP)
            if group is not None:
                _add_own(perms, ctx, group)
            elif isinstance(value, Unknown) or (isinstance(value, Composite) and value.has_unknown()):
                perms.unknown.append(f"a group of {principal.logical_id} cannot be known")
    return perms


def _add_own(perms, ctx, principal) -> None:
    """The principal's own inline, managed and attached policies."""
    _add_documents(perms, ctx, principal)
    view = ctx.view(principal)
    arns = view.get("ManagedPolicyArns")
    if isinstance(arns, Unknown):
        perms.unknown.append(f"ManagedPolicyArns of {principal.logical_id}: {arns.reason}")
    elif isinstance(arns, list):
        for i, arn in enumerate(arns):
            path = view.path("ManagedPolicyArns", i)
            template_policy = ctx.graph.target(arn, MANAGED_POLICY)
            if template_policy is not None:
                _add_documents(perms, ctx, template_policy)
                continue
            name = managed_policy_name(arn)
            known = aws_managed_policy(name) if name else None
            if known is None:
                perms.unknown.append(f"managed policy {arn} is not in this template" if name is None else
                                     f"AWS managed policy {name} is not known to mlcheck")
                continue
            doc = Document(principal, "identity", {"Statement": known}, path, f"AWS managed policy {name}")
            for statement in statements(doc.document, path):
                perms.entries.append((statement, doc))
    policies, reasons = attached_policies(ctx, principal)
    perms.unknown.extend(reasons)
    for policy in policies:
        _add_documents(perms, ctx, policy)


def principal_statements(ctx, principal) -> Permissions:
    """The effective identity statements of a role, user or group, resolved template-wide like every index
    (`mlcheck.model.cache`) and computed once per principal: a statement inside an `Fn::If` that can go both ways is
    unknown here, never a guess."""
    index_ctx, cache = template_index(ctx, "roles.permissions", lambda index_ctx: (index_ctx, {}))
    found = cache.get(principal.logical_id)
    if found is None:
        found = cache[principal.logical_id] = _principal_permissions(index_ctx, principal)
    return found
