"""IAM policy documents as every rule reads them: one model, every statement, every place a document lives.

Where documents live (`documents(view)`):
- identity: a Role's, User's or Group's `Policies`; `AWS::IAM::Policy`, `ManagedPolicy`, `RolePolicy`,
  `UserPolicy`, `GroupPolicy`;
- trust: a Role's `AssumeRolePolicyDocument`;
- key: an `AWS::KMS::Key`'s `KeyPolicy`;
- bucket: an `AWS::S3::BucketPolicy`'s `PolicyDocument`.

Every statement is read, never only the first; `Statement` as a mapping or a list, `Action`/`Resource` as a
string or a list, `Principal: "*"` and `{AWS: "*"}` alike; NotAction/NotResource/NotPrincipal are kept, and so
are Conditions (`condition_entries`, `has_condition`). Values arrive resolved by the engine's resolver, so a
`!GetAtt Key.Arn` resource is a `ResourceRef` and a `!Sub` ARN a `Composite` the helpers below can compare.

Grant questions (`evaluate`) follow IAM's logic: an explicit Deny that certainly applies wins and is never
counted as a grant; an Allow grants when its action and resource match; an element that cannot be known makes
the answer unknown rather than a guess.
"""

from __future__ import annotations

import functools

from mlcheck.aws import iam_actions
from mlcheck.util.record import FrozenRecord
from mlcheck.util.regex import lazy
from mlcheck.model.values import Composite, Pseudo, ResourceRef, Unknown

# Resource types that carry identity policies, and where: (property holding a list of {PolicyDocument}) or a
# single `PolicyDocument`.
INLINE_POLICY_LISTS = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")
SINGLE_DOCUMENT = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy",
                   "AWS::IAM::GroupPolicy")
IDENTITY_POLICY_TYPES = INLINE_POLICY_LISTS + SINGLE_DOCUMENT
KEY = "AWS::KMS::Key"
BUCKET_POLICY = "AWS::S3::BucketPolicy"
POLICY_TYPES = IDENTITY_POLICY_TYPES + (KEY, BUCKET_POLICY)

# Condition operators that restrict (a negated or ...IfExists operator lets requests without the key through).
POSITIVE_OPERATORS = frozenset(("stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike",
                                "bool", "numericequals", "numericlessthan", "numericlessthanequals"))


class Statement(FrozenRecord):
    __slots__ = _fields = ("effect", "actions", "not_actions", "resources", "not_resources", "principal",
                           "not_principal", "condition", "path", "has_action", "has_resource", "number", "sid",
                           "conditional")
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
    number: int  # 1-based position in its document, for messages
    sid: object
    # the Condition its policy resource is deployed under, when that may be false (see cache.deployed_only_when):
    # such an Allow may not exist, so it is not a certain grant
    conditional: str | None

    def __init__(
        self,
        effect,
        actions,
        not_actions,
        resources,
        not_resources,
        principal,
        not_principal,
        condition,
        path,
        has_action,
        has_resource,
        number=1,
        sid=None,
        conditional=None,
    ):
        object.__setattr__(self, "effect", effect)
        object.__setattr__(self, "actions", actions)
        object.__setattr__(self, "not_actions", not_actions)
        object.__setattr__(self, "resources", resources)
        object.__setattr__(self, "not_resources", not_resources)
        object.__setattr__(self, "principal", principal)
        object.__setattr__(self, "not_principal", not_principal)
        object.__setattr__(self, "condition", condition)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "has_action", has_action)
        object.__setattr__(self, "has_resource", has_resource)
        object.__setattr__(self, "number", number)
        object.__setattr__(self, "sid", sid)
        object.__setattr__(self, "conditional", conditional)

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"

    @property
    def is_deny(self) -> bool:
        return self.effect == "Deny"

    @property
    def is_unknown(self) -> bool:
        """The statement (or its Effect) cannot be known, e.g. an `Fn::If` on a condition that can go both ways:
        it may allow or deny anything, so it is neither a grant nor a pass."""
        return isinstance(self.effect, Unknown)

    @property
    def label(self) -> str:
        return f"statement {self.number}" + (f" ('{self.sid}')" if isinstance(self.sid, str) and self.sid else "")


class Document(FrozenRecord):
    """A policy document and where it lives."""

    __slots__ = _fields = ("owner", "kind", "document", "path", "name")
    owner: object  # the template Resource carrying it
    kind: str  # "identity" | "trust" | "key" | "bucket"
    document: object  # resolved document (dict, or Unknown)
    path: tuple
    name: str  # for messages: "inline policy 'logs'", "policy document", "key policy", ...

    def __init__(self, owner, kind, document, path, name):
        object.__setattr__(self, "owner", owner)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "document", document)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "name", name)

    def statements(self):
        return statements(self.document, self.path)


def _as_tuple(value) -> tuple:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(value)
    return (value,)


def _document(value):
    if isinstance(value, str):
        return _parse_policy_text(value)
    return value


@functools.lru_cache(maxsize=64)  # every rule reads the same documents; parse each string once
def _parse_policy_text(text: str):
    """A policy document written as a JSON string, parsed within the loader's limits (depth, size): a string
    nested too deep or not JSON is a document that cannot be known, not a crash."""
    from mlcheck.inputs.loader import ParseError
    from mlcheck.inputs.loader.json_loader import load_json

    try:
        return load_json(text).data
    except (ParseError, ValueError, RecursionError):
        return Unknown("policy document is a string that is not JSON mlcheck can read")


def statements(document, path: tuple):
    """Every statement of a resolved policy document, whatever its form; a JSON string that cannot be read
    gives one statement that cannot be known."""
    parsed = _document(document)
    if isinstance(document, str) and isinstance(parsed, Unknown):
        yield _unknown_statement(parsed, path, 1)
        return
    document = parsed
    if not isinstance(document, dict):
        return
    body = document.get("Statement")
    if isinstance(body, dict):
        items = [(body, path + ("Statement",))]
    elif isinstance(body, list):
        items = [(s, path + ("Statement", i)) for i, s in enumerate(body)]
    elif isinstance(body, Unknown):
        items = [(body, path + ("Statement",))]
    else:
        return
    for number, (statement, spath) in enumerate(items, start=1):
        if isinstance(statement, Unknown):
            yield _unknown_statement(statement, spath, number)
            continue
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
            number=number,
            sid=statement.get("Sid"),
        )


def _unknown_statement(unknown: Unknown, path: tuple, number: int) -> Statement:
    """A statement that cannot be known: every element unknown, so no question about it has a certain answer."""
    return Statement(effect=unknown, actions=(unknown,), not_actions=(), resources=(unknown,), not_resources=(),
                     principal=unknown, not_principal=None, condition=None, path=path, has_action=True,
                     has_resource=True, number=number)


def identity_policies(view):
    """(document, path) for every identity policy document a resource carries."""
    for doc in documents(view):
        if doc.kind == "identity":
            yield doc.document, doc.path


def documents(view):
    """Every policy document a resource carries, as `Document`s (identity, trust, key and bucket policies)."""
    kind = view.type
    if kind in INLINE_POLICY_LISTS:
        policies = view.get("Policies")
        if isinstance(policies, Unknown):
            yield Document(view.resource, "identity", policies, view.path("Policies"), "inline policies")
        elif isinstance(policies, list):
            for i, policy in enumerate(policies):
                if isinstance(policy, Unknown):
                    yield Document(view.resource, "identity", policy, view.path("Policies", i), "inline policy")
                elif isinstance(policy, dict) and "PolicyDocument" in policy:
                    name = policy.get("PolicyName")
                    label = f"inline policy '{name}'" if isinstance(name, str) else f"inline policy {i + 1}"
                    yield Document(view.resource, "identity", policy["PolicyDocument"],
                                   view.path("Policies", i, "PolicyDocument"), label)
        if kind == "AWS::IAM::Role":
            trust = view.get("AssumeRolePolicyDocument")
            if trust is not None:
                yield Document(view.resource, "trust", trust, view.path("AssumeRolePolicyDocument"),
                               "its trust policy")
    elif kind in SINGLE_DOCUMENT:
        document = view.get("PolicyDocument")
        if document is not None:
            yield Document(view.resource, "identity", document, view.path("PolicyDocument"), "policy document")
    elif kind == KEY:
        document = view.get("KeyPolicy")
        if document is not None:
            yield Document(view.resource, "key", document, view.path("KeyPolicy"), "its key policy")
    elif kind == BUCKET_POLICY:
        document = view.get("PolicyDocument")
        if document is not None:
            yield Document(view.resource, "bucket", document, view.path("PolicyDocument"), "policy document")


def action_path(statement: Statement, index: int, key: str = "Action") -> tuple:
    """Path of the index-th action of a statement (the statement itself for the string form)."""
    return statement.path + (key, index) if len(statement.actions if key == "Action" else statement.not_actions) > 1 \
        else statement.path + (key,)


def element_path(statement: Statement, key: str, index: int) -> tuple:
    """Path of the index-th value of a statement element (`Action`, `Resource`, ...), list or string form."""
    values = {"Action": statement.actions, "NotAction": statement.not_actions, "Resource": statement.resources,
              "NotResource": statement.not_resources}.get(key, ())
    return statement.path + (key, index) if len(values) > 1 else statement.path + (key,)


# -- values -------------------------------------------------------------------------------------------------

def text_of(value) -> str | None:
    """Plain text of a resolved value: strings as they are, `!Sub` strings with pseudo parameters as `*`;
    None for values that hold a resource reference or an unknown piece."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Composite):
        if any(isinstance(p, (Unknown, ResourceRef)) for p in value.parts):
            return None
        return value.text("*").strip()
    if isinstance(value, Pseudo):
        return "*"
    return None


def is_unknown(value) -> bool:
    return isinstance(value, Unknown) or (isinstance(value, Composite) and value.has_unknown())


def is_star(value) -> bool:
    return isinstance(value, str) and value.strip() == "*"


# -- principals ---------------------------------------------------------------------------------------------

def principal_values(principal) -> list:
    """(kind, value) pairs of a Principal element: kind is 'AWS', 'Service', 'Federated', 'CanonicalUser' or
    '*' (for the bare string form); an unknown principal gives ('?', Unknown)."""
    if principal is None:
        return []
    if isinstance(principal, Unknown):
        return [("?", principal)]
    if isinstance(principal, str):
        return [("*" if principal.strip() == "*" else "AWS", principal)]
    if isinstance(principal, dict):
        out = []
        for kind, value in principal.items():
            if isinstance(value, Unknown):
                out.append(("?", value))
                continue
            for item in value if isinstance(value, list) else [value]:
                out.append((kind, _principal_item(kind, item)))
        return out
    return [("?", Unknown("principal is not a mapping"))]


def _principal_item(kind, item):
    """A principal value as IAM reads it: an unquoted YAML account id (a number) is the account's id text, and
    a service principal built with `${AWS::URLSuffix}` (`!Sub sagemaker.${AWS::URLSuffix}`) is the service's
    `amazonaws.com` principal."""
    if isinstance(item, int) and not isinstance(item, bool):
        return str(item)
    if kind == "Service" and isinstance(item, Composite) and all(
            isinstance(p, str) or (isinstance(p, Pseudo) and p.name == "AWS::URLSuffix") for p in item.parts):
        return item.text("amazonaws.com")
    return item


def is_public_principal(principal) -> bool | None:
    """True for `*` or `{AWS: "*"}` (also inside a list); None when the principal cannot be known."""
    pairs = principal_values(principal)
    if any(is_star(v) and k in ("*", "AWS") for k, v in pairs):
        return True
    if any(k == "?" or is_unknown(v) for k, v in pairs):
        return None
    return False


def allow_statements(view, ctx, *kinds):
    """(document, statement) for every Allow statement of a resource's policy documents of the given kinds
    ("identity", "trust", "key", "bucket"; all when none is given). A document or statement that cannot be
    known is recorded with `ctx.unknown`, never skipped in silence."""
    for doc in documents(view):
        if kinds and doc.kind not in kinds:
            continue
        if isinstance(doc.document, Unknown):
            ctx.unknown(doc.path, doc.document.reason)
            continue
        for statement in doc.statements():
            if statement.is_unknown:
                ctx.unknown(statement.path, "statement cannot be known")
                continue
            if statement.is_allow:
                yield doc, statement


def public_allows(view, ctx, kind, restricting_keys):
    """(document, statement) for each Allow open to everyone without a restricting condition in the resource's
    policy documents of `kind`; documents and statements that cannot be known are recorded as unknown."""
    for doc in documents(view):
        if doc.kind != kind:
            continue
        if isinstance(doc.document, Unknown):
            ctx.unknown(doc.path, doc.document.reason)
            continue
        for statement, unknown in public_statements(doc.statements(), restricting_keys):
            if unknown:
                ctx.unknown(statement.path, unknown)
            else:
                yield doc, statement


def public_statements(stmts, restricting_keys):
    """(statement, None) for each Allow statement open to everyone (`*`, `{AWS: "*"}`) without a restricting
    condition on one of `restricting_keys`; (statement, reason) when its principal or condition cannot be
    known — the caller records those as unknown."""
    for statement in stmts:
        if statement.is_unknown:
            yield statement, "statement cannot be known"
            continue
        if not statement.is_allow:
            continue
        public = is_public_principal(statement.principal)
        if public is None:
            yield statement, "principal cannot be known"
            continue
        if not public:
            continue
        restricted = has_condition(statement, restricting_keys)
        if restricted is None:
            yield statement, "condition cannot be known"
        elif not restricted:
            yield statement, None


def services_of(principal) -> list:
    return [v.strip() for k, v in principal_values(principal) if k == "Service" and isinstance(v, str)]


# -- conditions ---------------------------------------------------------------------------------------------

def condition_entries(condition) -> list:
    """(operator, key, values) for each clause of a resolved Condition block (operator and key as written);
    an unknown block gives one ('?', '?', [Unknown])."""
    if condition is None:
        return []
    if isinstance(condition, Unknown) or not isinstance(condition, dict):
        return [("?", "?", [condition if isinstance(condition, Unknown) else Unknown("malformed Condition")])]
    out = []
    for operator, clauses in condition.items():
        if isinstance(clauses, Unknown) or not isinstance(clauses, dict):
            out.append((operator, "?", [clauses]))
            continue
        for key, value in clauses.items():
            out.append((operator, key, value if isinstance(value, list) else [value]))
    return out


# Condition keys that exempt a statement from MLC104/MLC115 (RULES.md MLC104): keys that select the resources
# reached (prefixes, lower case; `<service>:ResourceTag/` is matched apart) and the documented guardrail keys.
# Any other key — a request parameter such as `s3:x-amz-acl`, `rds:DatabaseEngine`, `sagemaker:InstanceTypes`
# — narrows nothing: the statement still reaches every resource.
# ec2:Vpc and ec2:Subnet are attributes of the network interface (and instance, volume...) a request acts on:
# they select resources, as a ResourceTag does (the way to confine SageMaker's CreateNetworkInterface, whose ENI
# has no ARN before it exists, to the stack's VPC).
RESOURCE_SELECTING_KEYS = ("aws:resourcetag/", "aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths",
                           "s3:existingobjecttag/", "ec2:vpc", "ec2:subnet")
GUARDRAIL_KEYS = ("iam:passedtoservice", "kms:viaservice", "aws:calledvia", "aws:viaawsservice", "sagemaker:vpc")
_NARROWING_KEYS = RESOURCE_SELECTING_KEYS + GUARDRAIL_KEYS


def narrowed(statement) -> bool | None:
    """True when a condition limits which resources the statement reaches (None when it cannot be known): a
    resource-selecting or guardrail key (RULES.md MLC104); request-parameter keys narrow nothing."""
    unknown = False
    for _, key, _ in condition_entries(statement.condition):
        if key == "?":
            unknown = True
            continue
        k = key.lower() if isinstance(key, str) else ""
        if k.startswith(_NARROWING_KEYS) or (":resourcetag/" in k and not k.startswith("aws:")):
            return True
    return None if unknown else False


def _base_operator(operator) -> str:
    op = operator.lower() if isinstance(operator, str) else ""
    if op.startswith(("forallvalues:", "foranyvalue:")):
        op = op.split(":", 1)[1]
    return op


def has_condition(statement: Statement, keys, positive: bool = True) -> bool | None:
    """Whether the statement has a condition on one of `keys` (case-insensitive; a key ending in '/' matches
    any key with that prefix) whose values are not all `*`. With `positive`, only operators that restrict
    (StringEquals, ArnLike, ...; not negated, ...IfExists or ForAllValues:, which all let a request without the
    key through) count. None when the condition cannot be known."""
    wanted = tuple(k.lower() for k in keys)
    unknown = False
    for operator, key, values in condition_entries(statement.condition):
        if key == "?":
            unknown = True
            continue
        if not isinstance(key, str):
            continue
        k = key.lower()
        if not any(k == w or (w.endswith("/") and k.startswith(w)) for w in wanted):
            continue
        if positive and (_base_operator(operator) not in POSITIVE_OPERATORS
                         or str(operator).lower().startswith("forallvalues:")):
            continue  # ForAllValues: holds when the request carries no value for the key at all
        if any(is_unknown(v) for v in values):
            unknown = True
            continue
        if values and not all(is_star(v) for v in values):
            return True
    return None if unknown else False


def condition_keys(statement: Statement) -> list:
    return [key for _, key, _ in condition_entries(statement.condition) if isinstance(key, str)]


# -- actions ------------------------------------------------------------------------------------------------

def covers_action(statement: Statement, action: str) -> bool | None:
    """Whether the statement's Action (or NotAction) applies to `action`; None when an element is unknown."""
    if statement.has_action:
        values, negate = statement.actions, False
    elif statement.not_actions:
        values, negate = statement.not_actions, True
    else:
        return False
    unknown = False
    for value in values:
        text = text_of(value)
        if text is None:
            unknown = True
            continue
        if iam_actions.matches(text, action):
            return not negate
    if unknown:
        return None
    return negate


def granted_actions(statement: Statement) -> list:
    """(index, pattern text) of the literal Action values of a statement (unknown ones are skipped)."""
    out = []
    for i, value in enumerate(statement.actions):
        text = text_of(value)
        if text is not None:
            out.append((i, text))
    return out


# -- resources ----------------------------------------------------------------------------------------------

def covers_resource(statement: Statement, match) -> bool | None:
    """Whether the statement's Resource (or NotResource) applies to a resource, given `match(value)` that says
    whether one Resource value designates it (True/False/None)."""
    if statement.has_resource:
        values, negate = statement.resources, False
    elif statement.not_resources:
        values, negate = statement.not_resources, True
    else:
        return False if statement.principal is None else True  # resource policies may omit Resource
    unknown = False
    for value in values:
        result = match(value)
        if result is None:
            unknown = True
        elif result:
            return not negate
    if unknown:
        return None
    return negate


def on_every_resource(statement: Statement) -> bool:
    """True when the statement's Resource is `*` (as a string or inside a list)."""
    return any(is_star(v) for v in statement.resources)


def arn_glob_match(pattern: str, arn: str) -> bool:
    return iam_actions.matches(pattern, arn) if pattern != "*" else True


# Two names with no character in common: an ARN pattern (literals, `*`, `?`) that matches both has no literal
# character in its name part, so it matches every name. One sample name would let `role/*-*` pass for "every
# role" just because the sample holds a `-`.
_SAMPLE_NAMES = ("x", "Qz")
_PSEUDO_MARK = "\x00"  # a pseudo parameter in the name part is one definite value, not a wildcard


def covers_every(value, service: str, resource_type: str) -> bool | None:
    """Whether a Resource value covers every resource of one type, whatever its name: `*`, `arn:aws:iam::*:*`,
    `arn:aws:iam::123456789012:role/*`, `...:role*` (IAM's `*` crosses `/`), `!Sub` ARNs with pseudo parameters
    in the account or region. A name part built from a pseudo parameter (`role/${AWS::StackName}-*`) names
    that stack's roles, not every role. None when the value cannot be known; False for a resource reference or
    a named resource."""
    return covers_arn_format(value, f"arn:${{Partition}}:{service}:${{Region}}:${{Account}}:{resource_type}/${{Name}}")


def covers_arn_format(value, arn_format: str) -> bool | None:
    """`covers_every` for a resource type given by its ARN format in the Service Authorization Reference
    (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`): the value's service and resource parts match the
    format's with every `${...}` variable of the resource part read as any name. Region and account are not
    compared: every resource of the account, or of one region, is still every resource. A type whose format
    names no variable has a single resource, which a pattern names rather than covers. A pattern with pieces
    that cannot be known is unknown only when it would cover every resource with `*` in their place: the
    literal text of `app/${DomainId}/*/canvas/default` scopes it whatever the domain is."""
    text = text_of(value)
    widest = False
    if text is None:
        if not (isinstance(value, Composite) and is_unknown(value) and not value.resource_refs()):
            return None if is_unknown(value) else False
        text, widest = value.text("*").strip(), True
    if text == "*":
        return None if widest else True
    fields = text.split(":", 5)
    if len(fields) < 6 or not arn_glob_match(fields[0], "arn"):
        return False
    if isinstance(value, Composite):  # pseudo parameters as one definite mark, unknown pieces as any text
        marked = "".join(p if isinstance(p, str) else _PSEUDO_MARK if isinstance(p, Pseudo) else "*"
                         for p in value.parts).strip().split(":", 5)
        name_part = marked[5] if len(marked) == 6 else fields[5]
    else:
        name_part = fields[5]
    covers = _matches_format(fields[2], name_part, arn_format)
    return None if covers and widest else covers


@functools.lru_cache(maxsize=8192)
def _matches_format(service_pattern: str, name_part: str, arn_format: str) -> bool:
    format_fields = arn_format.split(":", 5)
    if len(format_fields) < 6 or not arn_glob_match(service_pattern, format_fields[2]):
        return False
    if not _VARIABLE.search(format_fields[5]):
        return False  # a type with one resource per account (Glue's `catalog`, API Gateway's `/account`) is named
    return all(arn_glob_match(name_part, _VARIABLE.sub(name, format_fields[5])) for name in _SAMPLE_NAMES)


_VARIABLE = lazy(r"\$\{[^}]*\}")


# -- evaluation ---------------------------------------------------------------------------------------------

ALLOW, DENY, NONE, UNKNOWN = "allow", "deny", "none", "unknown"


def evaluate(stmts, action: str, match, principal_match=None) -> tuple:
    """(verdict, statement) for one action on one resource over a set of statements: DENY when an
    unconditional Deny certainly applies; else ALLOW when an Allow applies (conditions on an Allow narrow it but
    it still grants); else UNKNOWN when some statement might apply; else NONE. A Deny with a condition is not
    taken to apply (it removes the grant only in the situations it names, e.g. insecure transport).
    `principal_match(statement)` (for resource policies) says whether the statement's principal covers the
    caller (True/False/None)."""
    allow = None
    maybe = None
    for statement in stmts:
        if not (statement.is_allow or statement.is_deny or statement.is_unknown):
            continue
        applies_action = covers_action(statement, action)
        if applies_action is False:
            continue
        applies_resource = covers_resource(statement, match)
        if applies_resource is False:
            continue
        applies_principal = principal_match(statement) if principal_match else True
        if applies_principal is False:
            continue
        certain = applies_action and applies_resource and applies_principal and not statement.conditional
        if statement.is_unknown:  # may be an Allow or a Deny that applies
            maybe = maybe or statement
            continue
        if statement.is_deny:
            if certain and statement.condition in (None, {}):
                return DENY, statement
            continue
        if certain:
            allow = allow or statement
        else:
            maybe = maybe or statement
    if allow is not None:
        return ALLOW, allow
    if maybe is not None:
        return UNKNOWN, maybe
    return NONE, None


def any_resource(_value) -> bool:
    """A resource matcher for questions about 'some resource' (only the action decides)."""
    return True


def owner_label(resource) -> str:
    """'Role 'R'', 'Managed policy 'P'', ... for messages."""
    names = {"AWS::IAM::Role": "Role", "AWS::IAM::User": "User", "AWS::IAM::Group": "Group",
             "AWS::IAM::Policy": "Policy", "AWS::IAM::ManagedPolicy": "Managed policy",
             "AWS::IAM::RolePolicy": "Role policy", "AWS::IAM::UserPolicy": "User policy",
             "AWS::IAM::GroupPolicy": "Group policy", "AWS::KMS::Key": "Key",
             "AWS::S3::BucketPolicy": "Bucket policy"}
    return f"{names.get(resource.type, resource.type.rsplit('::', 1)[-1])} '{resource.logical_id}'"


def where(doc: Document, statement: Statement) -> str:
    """'statement 2 of inline policy 'logs'', 'statement 1 of trust policy', or just 'statement 3' for a
    resource that holds a single policy document."""
    if doc.name == "policy document":
        return statement.label
    return f"{statement.label} of {doc.name}"
