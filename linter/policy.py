"""IAM policy documents as rules read them: every statement, string and list forms alike.

A document may sit in several places (Role `Policies`, `AWS::IAM::Policy`, `ManagedPolicy`, `RolePolicy`,
`UserPolicy`, `GroupPolicy`); `identity_policies` yields each with its document path so findings point at the
exact statement. Documents given as JSON strings are parsed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from mlcheck.values import Unknown

# Resource types that carry identity policies, and where: (property holding a list of {PolicyDocument}) or a
# single `PolicyDocument`.
INLINE_POLICY_LISTS = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")
SINGLE_DOCUMENT = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy",
                   "AWS::IAM::GroupPolicy")
IDENTITY_POLICY_TYPES = INLINE_POLICY_LISTS + SINGLE_DOCUMENT


@dataclass(frozen=True, slots=True)
class Statement:
    effect: object
    actions: tuple  # resolved action strings (or symbolic values)
    not_actions: tuple
    resources: tuple
    not_resources: tuple
    principal: object
    not_principal: object
    condition: object
    path: tuple  # document path of the statement
    has_action: bool
    has_resource: bool

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"


def _as_tuple(value) -> tuple:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(value)
    return (value,)


def _document(value):
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return Unknown("policy document is a string that is not JSON")
    return value


def statements(document, path: tuple):
    """Every statement of a resolved policy document, whatever its form."""
    document = _document(document)
    if not isinstance(document, dict):
        return
    body = document.get("Statement")
    if isinstance(body, dict):
        items = [(body, path + ("Statement",))]
    elif isinstance(body, list):
        items = [(s, path + ("Statement", i)) for i, s in enumerate(body)]
    else:
        return
    for statement, spath in items:
        if not isinstance(statement, dict):
            continue
        yield Statement(
            effect=statement.get("Effect"),
            actions=_as_tuple(statement.get("Action")),
            not_actions=_as_tuple(statement.get("NotAction")),
            resources=_as_tuple(statement.get("Resource")),
            not_resources=_as_tuple(statement.get("NotResource")),
            principal=statement.get("Principal"),
            not_principal=statement.get("NotPrincipal"),
            condition=statement.get("Condition"),
            path=spath,
            has_action="Action" in statement,
            has_resource="Resource" in statement,
        )


def identity_policies(view):
    """(document, path) for every identity policy document a resource carries."""
    if view.type in INLINE_POLICY_LISTS:
        policies = view.get("Policies")
        if isinstance(policies, list):
            for i, policy in enumerate(policies):
                if isinstance(policy, dict) and "PolicyDocument" in policy:
                    yield policy["PolicyDocument"], view.path("Policies", i, "PolicyDocument")
    elif view.type in SINGLE_DOCUMENT:
        document = view.get("PolicyDocument")
        if document is not None:
            yield document, view.path("PolicyDocument")


def action_path(statement: Statement, index: int, key: str = "Action") -> tuple:
    """Path of the index-th action of a statement (the statement itself for the string form)."""
    return statement.path + (key, index) if len(statement.actions if key == "Action" else statement.not_actions) > 1 \
        else statement.path + (key,)
