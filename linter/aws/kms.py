"""KMS keys as the encryption rules see them: which keys SageMaker resources use, what those keys are, and
whether an execution role may use them.

- `KEY_FIELDS` / `key_fields(view)`: every KMS key field of every data-storing SageMaker resource (volume keys,
  output keys, DataCaptureConfig, async inference output, FeatureGroup stores, InferenceExperiment, monitoring
  jobs).
- `resolve_key(ctx, value)`: `!Ref Key`, `!GetAtt Key.Arn`, an `AWS::KMS::Alias` resource (by Ref or by its
  `alias/name`), a `!Sub` ARN naming a key or alias, a literal ARN — to a template key, an AWS managed alias,
  or unknown (a key outside the template).
- `key_access(ctx, key, role, actions)`: for each action, whether the key policy and the role's identity
  policies together let the role use the key (Deny wins), with the statements that decide it.
"""

from __future__ import annotations

import re

from mlcheck.aws import policy as pol
from mlcheck.util.record import FrozenRecord, Record
from mlcheck.util.regex import lazy
from mlcheck.aws.roles import principal_statements
from mlcheck.model.values import Composite, Pseudo, ResourceRef, Unknown

KEY = "AWS::KMS::Key"
ALIAS = "AWS::KMS::Alias"

VOLUME, OUTPUT, STORAGE = "volume", "output", "storage"
# What the execution role must be allowed on a key, by how the resource uses it.
NEEDED = {
    VOLUME: ("kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant"),
    OUTPUT: ("kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"),
    STORAGE: ("kms:Decrypt", "kms:GenerateDataKey"),
}

_MONITORING = {
    "AWS::SageMaker::DataQualityJobDefinition": "DataQualityJobOutputConfig",
    "AWS::SageMaker::ModelQualityJobDefinition": "ModelQualityJobOutputConfig",
    "AWS::SageMaker::ModelBiasJobDefinition": "ModelBiasJobOutputConfig",
    "AWS::SageMaker::ModelExplainabilityJobDefinition": "ModelExplainabilityJobOutputConfig",
}


# What AWS encrypts with when the key field is not set (the SageMaker API reference of each field and "Protect
# data at rest using encryption"): storage volumes (EBS) and Studio's EFS volume use an AWS managed key; data
# written to S3 gets S3's default encryption (SSE-S3, or the account's aws/s3 key, which the API reference calls
# "the default KMS key for Amazon S3"); the Feature Store online store uses an AWS owned key.
AWS_MANAGED = "an AWS managed key"
S3_DEFAULT = "S3's default encryption (SSE-S3 or the aws/s3 AWS managed key)"
AWS_OWNED = "an AWS owned key"
_BY_PURPOSE = {VOLUME: AWS_MANAGED, OUTPUT: S3_DEFAULT, STORAGE: AWS_OWNED}


class KeyField(FrozenRecord):
    _fields = ("parent", "key", "purpose", "what", "required", "unset")
    parent: tuple  # path below Properties of the block holding the key ((): Properties itself)
    key: str  # property name of the key
    purpose: str  # VOLUME, OUTPUT or STORAGE
    what: str  # what the key protects, for messages
    required: bool  # MLC201: must be set whenever the parent block exists
    unset: str  # what AWS encrypts with when the field is not set ("": the purpose's usual, _BY_PURPOSE)

    def __init__(self, parent, key, purpose, what, required=True, unset=""):
        object.__setattr__(self, "parent", parent)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "purpose", purpose)
        object.__setattr__(self, "what", what)
        object.__setattr__(self, "required", required)
        object.__setattr__(self, "unset", unset)

    @property
    def aws_default(self) -> str:
        return self.unset or _BY_PURPOSE[self.purpose]


KEY_FIELDS = {
    "AWS::SageMaker::NotebookInstance": [KeyField((), "KmsKeyId", VOLUME, "its ML storage volume")],
    "AWS::SageMaker::EndpointConfig": [
        KeyField((), "KmsKeyId", VOLUME, "the storage volumes of its instances"),
        KeyField(("DataCaptureConfig",), "KmsKeyId", OUTPUT, "the data it captures to S3"),
        KeyField(("AsyncInferenceConfig", "OutputConfig"), "KmsKeyId", OUTPUT,
                 "the asynchronous inference results it writes to S3"),
    ],
    "AWS::SageMaker::Domain": [
        KeyField((), "KmsKeyId", VOLUME, "its EFS home directories"),
        KeyField(("DefaultUserSettings", "SharingSettings"), "S3KmsKeyId", OUTPUT,
                 "the notebooks its users share to S3", required=False),
    ],
    "AWS::SageMaker::UserProfile": [
        KeyField(("UserSettings", "SharingSettings"), "S3KmsKeyId", OUTPUT, "the notebooks the user shares to S3",
                 required=False),
    ],
    "AWS::SageMaker::FeatureGroup": [
        KeyField(("OfflineStoreConfig", "S3StorageConfig"), "KmsKeyId", OUTPUT, "its offline store in S3"),
        KeyField(("OnlineStoreConfig", "SecurityConfig"), "KmsKeyId", STORAGE, "its online store",
                 required=False),
    ],
    "AWS::SageMaker::InferenceExperiment": [
        KeyField((), "KmsKey", VOLUME, "the storage volumes of the instances its variants run on"),
        KeyField(("DataStorageConfig",), "KmsKey", OUTPUT, "the requests and responses it captures to S3"),
    ],
    "AWS::SageMaker::MonitoringSchedule": [
        KeyField(("MonitoringScheduleConfig", "MonitoringJobDefinition", "MonitoringOutputConfig"), "KmsKeyId",
                 OUTPUT, "the monitoring reports it writes to S3"),
        KeyField(("MonitoringScheduleConfig", "MonitoringJobDefinition", "MonitoringResources", "ClusterConfig"),
                 "VolumeKmsKeyId", VOLUME, "the storage volumes of its monitoring instances"),
    ],
    **{t: [KeyField((out,), "KmsKeyId", OUTPUT, "the monitoring reports it writes to S3"),
           KeyField(("JobResources", "ClusterConfig"), "VolumeKmsKeyId", VOLUME,
                    "the storage volumes of its monitoring instances")]
       for t, out in _MONITORING.items()},
    # jobs given as SageMaker API requests (mlcheck.inputs.sagemaker_api): no CloudFormation type, internal type names
    "AWS::SageMaker::TrainingJob": [
        KeyField(("OutputDataConfig",), "KmsKeyId", OUTPUT, "the model artifacts it writes to S3"),
        KeyField(("ResourceConfig",), "VolumeKmsKeyId", VOLUME, "the storage volumes of its training instances"),
    ],
    "AWS::SageMaker::ProcessingJob": [
        KeyField(("ProcessingOutputConfig",), "KmsKeyId", OUTPUT, "the outputs it writes to S3"),
        KeyField(("ProcessingResources", "ClusterConfig"), "VolumeKmsKeyId", VOLUME,
                 "the storage volumes of its processing instances"),
    ],
    "AWS::SageMaker::TransformJob": [
        KeyField(("TransformOutput",), "KmsKeyId", OUTPUT, "the inference results it writes to S3"),
        KeyField(("TransformResources",), "VolumeKmsKeyId", VOLUME, "the storage volumes of its instances"),
    ],
    "AWS::SageMaker::HyperParameterTuningJob": [
        KeyField(("TrainingJobDefinition", "OutputDataConfig"), "KmsKeyId", OUTPUT,
                 "the model artifacts its training jobs write to S3"),
        KeyField(("TrainingJobDefinition", "ResourceConfig"), "VolumeKmsKeyId", VOLUME,
                 "the storage volumes of its training instances"),
    ],
}
KEY_USER_TYPES = tuple(KEY_FIELDS)
# Job volume keys that SageMaker rejects for instance types with local NVMe storage (the parent block names the
# instance type): MLC201 does not ask for them there.
JOB_VOLUME_TYPES = ("AWS::SageMaker::TrainingJob", "AWS::SageMaker::ProcessingJob", "AWS::SageMaker::TransformJob",
                    "AWS::SageMaker::HyperParameterTuningJob")

KIND = {
    "AWS::SageMaker::NotebookInstance": "Notebook instance",
    "AWS::SageMaker::EndpointConfig": "Endpoint configuration",
    "AWS::SageMaker::Domain": "Studio domain",
    "AWS::SageMaker::UserProfile": "User profile",
    "AWS::SageMaker::FeatureGroup": "Feature group",
    "AWS::SageMaker::InferenceExperiment": "Inference experiment",
    "AWS::SageMaker::MonitoringSchedule": "Monitoring schedule",
    "AWS::SageMaker::DataQualityJobDefinition": "Data quality job definition",
    "AWS::SageMaker::ModelQualityJobDefinition": "Model quality job definition",
    "AWS::SageMaker::ModelBiasJobDefinition": "Model bias job definition",
    "AWS::SageMaker::ModelExplainabilityJobDefinition": "Model explainability job definition",
    "AWS::SageMaker::TrainingJob": "Training job",
    "AWS::SageMaker::ProcessingJob": "Processing job",
    "AWS::SageMaker::TransformJob": "Transform job",
    "AWS::SageMaker::HyperParameterTuningJob": "Tuning job",
}


def kind_of(resource_type: str) -> str:
    return KIND.get(resource_type, resource_type.rsplit("::", 1)[-1])


class KeyUse(FrozenRecord):
    _fields = ("field", "path", "value", "parent_present")
    field: KeyField
    path: tuple  # document path of the key property (or where it would go)
    value: object  # resolved value, None when the property is absent
    parent_present: bool

    def __init__(self, field, path, value, parent_present):
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "parent_present", parent_present)


def key_fields(view):
    """KeyUse for each key field of a SageMaker resource whose parent block is present."""
    for spec in KEY_FIELDS.get(view.type, ()):
        parent = view.get(*spec.parent)
        if parent is None:
            continue
        if isinstance(parent, Unknown):
            yield KeyUse(spec, view.path(*spec.parent), parent, True)
            continue
        if not isinstance(parent, dict):
            continue
        yield KeyUse(spec, view.path(*spec.parent, spec.key), parent.get(spec.key), True)


# -- what decides a key field --------------------------------------------------------------------------------

def _is_intrinsic(value) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref"))


def _parameters_of(template, names, seen: set | None = None, depth: int = 0) -> list:
    """Parameters the given conditions test (through `Condition` references too), in order of first use."""
    seen = set() if seen is None else seen
    found: list = []

    def walk(value, level):
        if level > 50:
            return
        if isinstance(value, dict):
            ref = value.get("Ref") if len(value) == 1 else None
            if isinstance(ref, str) and ref in template.parameters and ref not in found:
                found.append(ref)
            other = value.get("Condition") if len(value) == 1 else None
            if isinstance(other, str) and other not in seen:
                seen.add(other)
                walk(template.conditions.get(other), level + 1)
            for item in value.values():
                walk(item, level + 1)
        elif isinstance(value, list):
            for item in value:
                walk(item, level + 1)

    for name in names:
        if name not in seen:
            seen.add(name)
            walk(template.conditions.get(name), depth)
    return found


def what_disables(template, resource, keys) -> str:
    """Why a key field the check found unset is written in the template all the same: the conditions its value
    (or a block holding it) depends on and the parameters they test, or the parameter it is taken from.
    "" when the field is simply not written."""
    from mlcheck.model.resolve import condition_names_in

    node = resource.definition.get("Properties")
    for key in keys:
        if _is_intrinsic(node) or not isinstance(node, dict) or key not in node:
            break
        node = node[key]
    else:
        if isinstance(node, dict) and isinstance(node.get("Ref"), str) and node["Ref"] in template.parameters:
            return f"it is taken from parameter {node['Ref']}, whose value leaves it empty"
    if not _is_intrinsic(node):
        return ""
    conditions = sorted(condition_names_in(node, set()))
    if not conditions:
        return ""
    said = f"it is set only on some branches of condition{'s' if len(conditions) > 1 else ''} {or_list(conditions)}"
    parameters = _parameters_of(template, conditions)
    if parameters:
        said += f", which test{'s' if len(conditions) == 1 else ''} parameter{'s' if len(parameters) > 1 else ''} " \
                f"{or_list(parameters)}"
    return said


# -- key resolution -----------------------------------------------------------------------------------------

_AWS_ALIAS = lazy(r"(?:^|:)alias/aws/", re.I)


class KeyRef(FrozenRecord):
    _fields = ("kind", "key", "alias", "text", "reason")
    kind: str  # "customer" | "aws-managed" | "unknown"
    key: object  # the template AWS::KMS::Key Resource (customer)
    alias: object  # the AWS::KMS::Alias Resource it was reached through, if any
    text: str  # the alias or ARN text (aws-managed)
    reason: str  # why unknown

    def __init__(self, kind, key=None, alias=None, text="", reason=""):
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "alias", alias)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "reason", reason)

    def describe(self) -> str:
        if self.key is None:
            return self.text or "?"
        return f"'{self.key.logical_id}'" + (f" (alias '{self.alias.logical_id}')" if self.alias else "")


def resolve_key(ctx, value, _through: frozenset = frozenset()) -> KeyRef:
    """`_through`: the aliases followed to get here; an alias that targets itself, directly or by a chain of
    aliases, designates no key (CloudFormation would reject it), so it is unknown."""
    if isinstance(value, Unknown):
        return KeyRef("unknown", reason=value.reason)
    text = value.text("*") if isinstance(value, Composite) else value if isinstance(value, str) else None
    if isinstance(text, str) and _AWS_ALIAS.search(text):
        return KeyRef("aws-managed", text=text.strip()[text.strip().lower().index("alias/aws/"):])
    target = ctx.graph.target(value, KEY, ALIAS)
    if target is not None and target.type == KEY:
        return KeyRef("customer", key=target)
    if target is not None and target.type == ALIAS:
        if target.logical_id in _through:
            return KeyRef("unknown", reason=f"alias {target.logical_id} targets itself through a cycle of aliases")
        aim = ctx.view(target).get("TargetKeyId")
        found = (resolve_key(ctx, aim, _through | {target.logical_id}) if aim is not None
                 else KeyRef("unknown", reason="alias has no TargetKeyId"))
        if found.kind == "customer":
            return KeyRef("customer", key=found.key, alias=target)
        return found
    if isinstance(value, Composite) and value.has_unknown():
        return KeyRef("unknown", reason="key is built from a value that cannot be known")
    if isinstance(value, (ResourceRef, Composite, Pseudo)):
        return KeyRef("unknown", reason="key value refers to something that is not a KMS key of this template")
    return KeyRef("unknown", reason=f"key {value} is not defined in this template")


# -- who may use a key --------------------------------------------------------------------------------------

_ROOT = lazy(r"^arn:[^:]*:iam::([0-9*]{1,12}):root$")
_ACCOUNT = lazy(r"^\d{12}$")


def _is_account(value) -> bool | None:
    """True for an account principal (`arn:...:iam::ACCOUNT:root`, a bare account id, `${AWS::AccountId}`)."""
    if isinstance(value, Pseudo):
        return value.name == "AWS::AccountId"
    if isinstance(value, Composite):
        if value.has_unknown():
            return None
        if any(isinstance(p, ResourceRef) for p in value.parts):
            return False
        if all(isinstance(p, Pseudo) and p.name == "AWS::AccountId" or p == "" for p in value.parts):
            return True
        text = value.text("*")
    elif isinstance(value, str):
        text = value.strip()
    elif isinstance(value, Unknown):
        return None
    else:
        return False
    return bool(_ROOT.match(text) or _ACCOUNT.match(text))


def delegates_to_iam(statement) -> bool | None:
    """Whether a key policy statement's principal is an account (so IAM policies in it may grant)."""
    unknown = False
    for kind, value in pol.principal_values(statement.principal):
        if kind == "?":
            unknown = True
        elif kind in ("AWS", "*"):
            result = _is_account(value)
            if result:
                return True
            if result is None:
                unknown = True
    return None if unknown else False


def names_role(ctx, statement, role) -> bool | None:
    """Whether a statement's principal is the role itself, or everyone (`*`)."""
    unknown = False
    for kind, value in pol.principal_values(statement.principal):
        if kind == "?":
            unknown = True
            continue
        if kind not in ("AWS", "*"):
            continue
        if pol.is_star(value):
            return True
        target = ctx.graph.target(value, "AWS::IAM::Role")
        if target is not None and target.logical_id == role.logical_id:
            return True
        if pol.is_unknown(value):
            unknown = True
    if statement.not_principal is not None:
        return None
    return None if unknown else False


_SENTINEL_KEY = "key/00000000-0000-0000-0000-mlcheckkey00"


def key_matcher(key):
    """A Resource-value matcher for one template key (`*`, `!GetAtt K.Arn`, a `!Sub` ARN naming it, or an ARN
    pattern such as `arn:aws:kms:*:*:key/*`)."""

    def match(value):
        if pol.is_star(value):
            return True
        if isinstance(value, ResourceRef):
            return value.logical_id == key.logical_id
        if isinstance(value, Unknown):
            return None
        if isinstance(value, Composite):
            refs = {r.logical_id for r in value.resource_refs()}
            if key.logical_id in refs:
                return True
            if refs:
                return False
            if value.has_unknown():
                return None
            text = value.text("*")
        elif isinstance(value, str):
            text = value.strip()
        else:
            return False
        fields = text.split(":", 5)
        if len(fields) < 6 or fields[0] != "arn":
            return False
        if getattr(key, "arn", None) is not None:  # a key read from the account has a real ARN to match
            return pol.arn_glob_match(text, key.arn)
        if not pol.arn_glob_match(fields[2], "kms"):
            return False
        return pol.arn_glob_match(fields[5], _SENTINEL_KEY)

    return match


class Access(Record):
    """The answer for one role and one key."""

    _fields = ("key_policy_admits", "missing", "blocked_by", "denied", "unknown")
    key_policy_admits: bool | None  # the key policy delegates to IAM or names the role
    missing: list  # actions the role may not perform on the key
    # action -> the policy that withholds it: "key" (the key policy neither names the role nor lets IAM policies
    # grant it), "identity" (the key policy lets IAM grant it, no identity policy of the role does) or "both"
    blocked_by: dict
    denied: list  # (action, Statement, Document) explicit denies
    unknown: list  # reasons the answer is not certain

    def __init__(self, key_policy_admits, missing=None, blocked_by=None, denied=None, unknown=None):
        self.key_policy_admits = key_policy_admits
        self.missing = [] if missing is None else missing
        self.blocked_by = {} if blocked_by is None else blocked_by
        self.denied = [] if denied is None else denied
        self.unknown = [] if unknown is None else unknown


def _key_statements(ctx, key):
    view = ctx.view(key)
    document = view.get("KeyPolicy")
    if document is None:  # CloudFormation's default key policy gives the account (IAM) full access
        return [], True, None
    if isinstance(document, Unknown):
        return [], None, document.reason
    doc = pol.Document(key, "key", document, view.path("KeyPolicy"), "the key policy")
    return [(s, doc) for s in doc.statements()], False, None


def key_access(ctx, key, role, actions) -> Access:
    entries, default_policy, reason = _key_statements(ctx, key)
    if reason:
        return Access(None, unknown=[f"key policy of {key.logical_id}: {reason}"])
    key_stmts = [s for s, _ in entries]
    admits = True if default_policy else None
    if not default_policy:
        verdicts = set()
        for statement in key_stmts:
            if statement.is_unknown:
                verdicts.add(None)
                continue
            if not statement.is_allow:
                continue
            verdicts.add(delegates_to_iam(statement))
            verdicts.add(names_role(ctx, statement, role))
        admits = True if True in verdicts else None if None in verdicts else False
    access = Access(admits)
    perms = principal_statements(ctx, role)
    stmts = perms.statements_for(ctx)
    matcher = key_matcher(key)
    for action in actions:
        # the key policy, for this role: Deny with `*` or the role wins; Allow to the role grants outright
        if default_policy:
            kp_role, kp_root = (pol.NONE, None), (pol.ALLOW, None)
        else:
            kp_role = pol.evaluate(key_stmts, action, pol.any_resource,
                                   principal_match=lambda s: names_role(ctx, s, role))
            kp_root = pol.evaluate(key_stmts, action, pol.any_resource, principal_match=delegates_to_iam)
        if kp_role[0] == pol.DENY:
            access.denied.append((action, kp_role[1], _doc_of(entries, kp_role[1])))
            continue
        if kp_root[0] == pol.DENY:  # a Deny to the account covers every identity of it, the role too
            access.denied.append((action, kp_root[1], _doc_of(entries, kp_root[1])))
            continue
        identity = pol.evaluate(stmts, action, matcher)
        if identity[0] == pol.DENY:
            access.denied.append((action, identity[1], _doc_of(perms.entries, identity[1], stmts)))
            continue
        if kp_role[0] == pol.ALLOW:
            continue
        if kp_root[0] == pol.ALLOW and identity[0] == pol.ALLOW:
            continue
        reasons = []
        if kp_role[0] == pol.UNKNOWN or kp_root[0] == pol.UNKNOWN:
            reasons.append(f"key policy of {key.logical_id} cannot be fully read")
        if identity[0] == pol.UNKNOWN:
            maybe = identity[1]
            doc = _doc_of(perms.entries, maybe, stmts)
            if maybe is not None and maybe.conditional and doc is not None:
                reasons.append(f"the grant to role {role.logical_id} in {doc.owner.logical_id} exists only when "
                               f"condition {maybe.conditional} is true")
            else:
                reasons.append(f"a statement of role {role.logical_id} cannot be fully read")
        if identity[0] != pol.ALLOW:
            reasons += perms.unknown_for(action)
        if reasons:
            access.unknown.extend(r for r in dict.fromkeys(reasons) if r not in access.unknown)
        else:
            access.missing.append(action)
            key_withholds, identity_withholds = kp_root[0] != pol.ALLOW, identity[0] != pol.ALLOW
            access.blocked_by[action] = ("both" if key_withholds and identity_withholds
                                         else "key" if key_withholds else "identity")
    return access


def _doc_of(entries, statement, seen=None):
    """The Document of a statement (`seen`: the statement list `statement` was taken from, parallel to
    `entries`, when it holds copies)."""
    for i, (s, doc) in enumerate(entries):
        if s is statement or (seen is not None and seen[i] is statement):
            return doc
    return None


# -- SageMaker resource -> key -> role ------------------------------------------------------------------------

def keys_and_roles(ctx, view):
    """(KeyUse, KeyRef, RoleUse) for every customer managed template key a SageMaker resource uses and every
    template role it runs as. Keys and roles that cannot be known are recorded as unknown on the way."""
    from mlcheck.aws.roles import execution_roles

    uses = []
    for use in key_fields(view):
        if use.value in (None, ""):
            continue
        ref = resolve_key(ctx, use.value)
        if ref.kind == "unknown":
            ctx.unknown(use.path, ref.reason)
        elif ref.kind == "customer":
            uses.append((use, ref))
    if not uses:
        return
    roles = execution_roles(ctx, view)
    known = []
    for role_use in roles:
        if role_use.role is None:
            ctx.unknown(role_use.path, f"execution role cannot be known: {role_use.unknown}")
        else:
            known.append(role_use)
    for use, ref in uses:
        for role_use in known:
            yield use, ref, role_use


def or_list(items) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
