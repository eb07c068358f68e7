"""S3 buckets as the private-S3 rules (and the IAM/KMS rules) see them.

- `bucket_for_uri(value, graph)`: the template bucket an S3 URI names — `s3://literal-name/...` matched against
  the buckets' `BucketName`, `!Sub s3://${Bucket}/...`, `!Join ['', [s3://, !Ref Bucket, /model.tar.gz]]`,
  and names built from pseudo parameters (`!Sub s3://${AWS::AccountId}-models/` matches a bucket whose
  `BucketName` is `!Sub ${AWS::AccountId}-models`).
- `buckets_used_by_sagemaker(ctx)`: every S3 URI in the template's SageMaker resources, grouped by bucket.
- `policies_for_bucket(ctx, bucket)`: the `AWS::S3::BucketPolicy` resources attached to a bucket (by Ref or by
  name), so HTTPS-only and public access are judged per bucket.
- `public_access_block_gaps`, `public_statements`, `https_only`: the judgements of MLC301/MLC303/MLC304 as
  functions, so cross-resource rules (MLC305) reuse exactly the same logic.

Every answer distinguishes "not in this template" (None) from "cannot be known" (`Unknown`): a URI or policy
target built from a parameter without default is unknown, never matched and never excused.
"""

from __future__ import annotations

import fnmatch

from mlcheck.model.cache import deployed_only_when, template_index
from mlcheck.model.names import name_key
from mlcheck.aws.policy import is_public_principal, statements
from mlcheck.aws.policy import public_statements as policy_public_statements
from mlcheck.util.record import FrozenRecord, Record
from mlcheck.model.values import Composite, ResourceRef, Unknown, is_symbolic

BUCKET = "AWS::S3::Bucket"
BUCKET_POLICY = "AWS::S3::BucketPolicy"

# SageMaker resource types whose properties carry S3 URIs (model artifacts, outputs, captures, reports).
SAGEMAKER_URI_TYPES = (
    "AWS::SageMaker::Model",
    "AWS::SageMaker::EndpointConfig",
    "AWS::SageMaker::ModelPackage",
    "AWS::SageMaker::MonitoringSchedule",
    "AWS::SageMaker::DataQualityJobDefinition",
    "AWS::SageMaker::ModelQualityJobDefinition",
    "AWS::SageMaker::ModelBiasJobDefinition",
    "AWS::SageMaker::ModelExplainabilityJobDefinition",
    "AWS::SageMaker::FeatureGroup",
    "AWS::SageMaker::Domain",
    "AWS::SageMaker::UserProfile",
    "AWS::SageMaker::InferenceExperiment",
    "AWS::SageMaker::MlflowTrackingServer",
    "AWS::SageMaker::Cluster",
)

# Property names that hold an S3 URI even when its value is not (yet) known to start with s3://.
# (MlflowTrackingServer ArtifactStoreUri, data-quality BatchTransformInput DataCapturedDestinationS3Uri, HyperPod
# Cluster lifecycle SourceS3Uri; FeatureGroup offline stores and monitoring/Clarify outputs use S3Uri.)
URI_KEYS = frozenset((
    "ModelDataUrl", "S3OutputPath", "S3FailurePath", "DestinationS3Uri", "S3Uri", "S3ModelArtifacts",
    "S3ArtifactPath", "DefaultS3ArtifactPath", "ArtifactStoreUri", "DataCapturedDestinationS3Uri", "SourceS3Uri",
))

# Keys too generic to mean an S3 URI anywhere, which do under one parent: (parent, key).
URI_KEYS_UNDER = frozenset((("DataStorageConfig", "Destination"),))  # InferenceExperiment data store

# URIs that hold model artifacts or training output (MLC307): a bad upload there is what versioning undoes. An
# MLflow artifact store holds the models its runs log and register.
ARTIFACT_KEYS = frozenset(("ModelDataUrl", "S3ModelArtifacts", "ArtifactStoreUri"))

# Condition keys that restrict a public principal to a known set of callers.
RESTRICTING_KEYS = frozenset((
    "aws:SourceVpce", "aws:SourceVpc", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount",
    "aws:PrincipalArn", "aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths",
))



# -- URIs ---------------------------------------------------------------------------------------------------

class _Names(Record):
    _fields = ("by_name", "unknown")
    by_name: dict  # rendered BucketName -> bucket Resource
    unknown: list  # logical ids of buckets whose name cannot be known

    def __init__(self, by_name=None, unknown=None):
        self.by_name = {} if by_name is None else by_name
        self.unknown = [] if unknown is None else unknown


def _render(parts) -> str | None:
    return name_key(parts[0] if len(parts) == 1 else Composite(tuple(parts)))


def _bucket_names(ctx) -> _Names:
    names = _Names()
    for bucket in ctx.graph.of_type(BUCKET):
        value = ctx.view(bucket).get("BucketName")
        if value is None:
            continue  # generated name: only Ref/GetAtt can designate it
        parts = value.parts if isinstance(value, Composite) else (value,)
        key = _render(parts)
        if key is not None:
            names.by_name[key] = bucket  # names are unique, so an exact match is this bucket and no other
        if key is None or any(isinstance(p, Unknown) for p in parts):
            names.unknown.append(bucket.logical_id)
    return names


def bucket_names(ctx) -> _Names:
    return template_index(ctx, "s3.bucket_names", _bucket_names)


def bucket_for_name(value, ctx):
    """The template bucket a bucket *name* designates (Ref, literal or built name); None when it names no
    template bucket; Unknown when it cannot be known."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, ResourceRef):
        resource = ctx.graph.template.resources.get(value.logical_id)
        if resource is not None and resource.type == BUCKET and value.attribute in (None, "BucketName"):
            return resource
        if resource is not None and resource.type == BUCKET and value.attribute == "Arn":
            return resource  # tolerated: an ARN names the bucket too
        return None
    if isinstance(value, str):
        if value.startswith("arn:"):
            value = value.split(":::", 1)[-1].split("/", 1)[0]
        parts = (value,)
    elif isinstance(value, Composite):
        parts = value.parts
        if len(parts) == 1 and isinstance(parts[0], ResourceRef):
            return bucket_for_name(parts[0], ctx)
    else:
        return None
    names = bucket_names(ctx)
    key = _render(parts)
    found = names.by_name.get(key) if key is not None else None
    if found is not None:
        return found
    if any(isinstance(p, Unknown) for p in parts):
        return Unknown("bucket name is computed from a value that cannot be known")
    if names.unknown:
        return Unknown(f"bucket name may match bucket {names.unknown[0]}, whose BucketName cannot be known")
    return None


def split_s3_uri(value):
    """The bucket-name part of an s3:// URI, as a tuple of parts (literal and symbolic); None when the value
    is not an s3:// URI; Unknown when it cannot be known."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        parts = (value,)
    elif isinstance(value, Composite):
        parts = value.parts
    else:
        return None
    first = parts[0] if parts else ""
    if not isinstance(first, str):
        if isinstance(first, Unknown):
            return Unknown(first.reason)
        return None
    if not first.lower().startswith("s3://"):
        return None
    segment: list = []
    rest = first[5:]
    items = [rest] + list(parts[1:])
    for item in items:
        if isinstance(item, str):
            head, slash, _ = item.partition("/")
            if head:
                segment.append(head)
            if slash:
                break
        else:
            segment.append(item)
    if not segment:
        return None
    return tuple(segment)


def bucket_for_uri(value, graph_or_ctx):
    """The template `AWS::S3::Bucket` an S3 URI points to; None when it names no template bucket (or is not an
    S3 URI); Unknown when the bucket part cannot be known. Accepts a RuleContext (preferred: bucket names are
    then resolved under the same scenario) or a ResourceGraph."""
    ctx = graph_or_ctx if hasattr(graph_or_ctx, "graph") else None
    segment = split_s3_uri(value)
    if segment is None or isinstance(segment, Unknown):
        return segment
    if ctx is None:  # graph only: Ref and literal names
        graph = graph_or_ctx
        if len(segment) == 1 and isinstance(segment[0], ResourceRef):
            resource = graph.template.resources.get(segment[0].logical_id)
            return resource if resource is not None and resource.type == BUCKET else None
        if all(isinstance(p, str) for p in segment):
            return graph.target("".join(segment), BUCKET)
        if any(isinstance(p, Unknown) for p in segment):
            return Unknown("bucket name cannot be known")
        return None
    if len(segment) == 1:
        return bucket_for_name(segment[0], ctx)
    return bucket_for_name(Composite(segment), ctx)


class BucketUse(FrozenRecord):
    __slots__ = _fields = ("resource", "path", "key", "uri")
    resource: object  # the SageMaker Resource
    path: tuple  # document path of the URI
    key: str  # property name holding it (ModelDataUrl, S3OutputPath, ...)
    uri: object  # resolved value

    def __init__(self, resource, path, key, uri):
        object.__setattr__(self, "resource", resource)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "uri", uri)

    @property
    def holds_artifacts(self) -> bool:
        return self.key in ARTIFACT_KEYS or "ModelDataSource" in self.path or (
            self.key == "S3OutputPath" and "OutputDataConfig" in self.path)


def s3_uris(view):
    """(path, key, value) for every S3 URI in a resource's resolved properties."""
    stack = [(view.properties, view.path(), None)]
    while stack:
        value, path, key = stack.pop()
        if isinstance(value, dict):
            for k, v in value.items():
                if k != "__unknown__":
                    stack.append((v, path + (k,), k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                stack.append((v, path + (i,), key))
        elif key in URI_KEYS or (len(path) > 1 and (path[-2], key) in URI_KEYS_UNDER):
            if isinstance(value, (str, Composite, Unknown)):
                yield path, key, value
        elif isinstance(value, (str, Composite)) and isinstance(split_s3_uri(value), tuple):
            yield path, key, value  # an s3:// URI under another property name


class SageMakerBuckets(Record):
    _fields = ("by_bucket", "unknown")
    by_bucket: dict  # bucket logical id -> [BucketUse]
    unknown: list  # (BucketUse, reason): URIs whose bucket cannot be known

    def __init__(self, by_bucket=None, unknown=None):
        self.by_bucket = {} if by_bucket is None else by_bucket
        self.unknown = [] if unknown is None else unknown


def _sagemaker_buckets(ctx) -> SageMakerBuckets:
    out = SageMakerBuckets()
    for resource in ctx.graph.of_type(*SAGEMAKER_URI_TYPES):
        view = ctx.view(resource)
        for path, key, value in s3_uris(view):
            use = BucketUse(resource, path, key, value)
            bucket = bucket_for_uri(value, ctx)
            if isinstance(bucket, Unknown):
                out.unknown.append((use, bucket.reason))
            elif bucket is not None:
                out.by_bucket.setdefault(bucket.logical_id, []).append(use)
    return out


def buckets_used_by_sagemaker(ctx) -> SageMakerBuckets:
    """Every S3 URI of the template's SageMaker resources, by the template bucket it names (built once)."""
    return template_index(ctx, "s3.sagemaker_buckets", _sagemaker_buckets)


# -- bucket policies ----------------------------------------------------------------------------------------

class BucketPolicies(Record):
    _fields = ("by_bucket", "unknown")
    by_bucket: dict  # bucket logical id -> [policy Resource]
    unknown: list  # (policy Resource, reason): policies whose bucket is unknown

    def __init__(self, by_bucket=None, unknown=None):
        self.by_bucket = {} if by_bucket is None else by_bucket
        self.unknown = [] if unknown is None else unknown


def _bucket_policies(ctx) -> BucketPolicies:
    out = BucketPolicies()
    for policy in ctx.graph.of_type(BUCKET_POLICY):
        bucket = bucket_for_name(ctx.view(policy).get("Bucket"), ctx)
        if isinstance(bucket, Unknown):
            out.unknown.append((policy, bucket.reason))
        elif bucket is not None:
            out.by_bucket.setdefault(bucket.logical_id, []).append(policy)
    return out


def policies_for_bucket(ctx, bucket):
    """(policies attached to `bucket`, reasons some other policy might be attached to it)."""
    index = template_index(ctx, "s3.bucket_policies", _bucket_policies)
    return index.by_bucket.get(bucket.logical_id, []), [reason for _, reason in index.unknown]


def _policies_of_unknown_bucket(ctx):
    """(policy Resource, reason) for every BucketPolicy whose bucket cannot be known."""
    return template_index(ctx, "s3.bucket_policies", _bucket_policies).unknown


def policy_statements(ctx, policy):
    """(statements, unknown reason or None) of a BucketPolicy resource."""
    view = ctx.view(policy)
    document = view.get("PolicyDocument")
    if isinstance(document, Unknown):
        return [], document.reason
    if document is None:
        return [], None
    return list(statements(document, view.path("PolicyDocument"))), None


# -- judgements ---------------------------------------------------------------------------------------------

def _lower_text(value):
    return value.lower() if isinstance(value, str) else None


def public_statements(stmts):
    """Public Allow statements of a bucket policy (see policy.public_statements)."""
    return policy_public_statements(stmts, RESTRICTING_KEYS)


def _false(value) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(v is False or (isinstance(v, str) and v.strip().lower() == "false") for v in values)


def _covers_get_object(actions) -> bool:
    for action in actions:
        text = _lower_text(action)
        if text and fnmatch.fnmatchcase("s3:getobject", text.strip()):
            return True
    return False


def denies_insecure_transport(statement) -> bool:
    """A Deny for everyone when `aws:SecureTransport` is false, covering object reads."""
    if statement.effect != "Deny" or is_public_principal(statement.principal) is not True:
        return False
    condition = statement.condition
    if not isinstance(condition, dict):
        return False
    for operator, clauses in condition.items():
        if not isinstance(operator, str) or operator.lower() not in ("bool", "boolifexists"):
            continue
        if not isinstance(clauses, dict):
            continue
        for key, value in clauses.items():
            if isinstance(key, str) and key.lower() == "aws:securetransport" and _false(value):
                return _covers_get_object(statement.actions) and _covers_objects(statement) is not False
    return False


def _covers_objects(statement) -> bool | None:
    """Whether a statement's Resource reaches the bucket's objects (`arn:aws:s3:::bucket/*`, `${Bucket.Arn}/*`,
    `*`), not only the bucket itself (`!GetAtt Bucket.Arn`); None when a value cannot be known."""
    if not statement.has_resource:
        return True
    unknown = False
    for value in statement.resources:
        if isinstance(value, str):
            text = value.strip()
        elif isinstance(value, Composite) and not value.has_unknown():
            text = value.text("x").strip()
        elif isinstance(value, ResourceRef):
            continue  # !GetAtt Bucket.Arn: the bucket, not its objects
        else:
            unknown = True
            continue
        if text == "*" or "/" in text.split(":::", 1)[-1]:
            return True
    return None if unknown else False


def policy_denies_insecure_transport(ctx, policy):
    """Whether one BucketPolicy resource denies insecure transport: True, False, or an Unknown when its document
    or a statement cannot be known."""
    stmts, reason = policy_statements(ctx, policy)
    if reason:
        return Unknown(f"policy {policy.logical_id}: {reason}")
    if any(denies_insecure_transport(s) for s in stmts):
        return True
    unknown = [s for s in stmts if s.is_unknown]
    if unknown:
        return Unknown(f"policy {policy.logical_id}: {unknown[0].label} cannot be known")
    return False


def https_only(ctx, bucket):
    """True when a policy attached to the bucket denies insecure transport; False when none does; an Unknown
    when that cannot be decided (a policy's document cannot be known, or a policy whose bucket cannot be known
    might be this bucket's and deny it — one that denies nothing cannot make any bucket HTTPS-only)."""
    policies, _ = policies_for_bucket(ctx, bucket)
    reasons = [reason for policy, reason in _policies_of_unknown_bucket(ctx)
               if policy_denies_insecure_transport(ctx, policy) is not False]
    for policy in policies:
        verdict = policy_denies_insecure_transport(ctx, policy)
        if isinstance(verdict, Unknown):
            reasons.append(verdict.reason)
        elif verdict:
            condition = deployed_only_when(ctx, policy)
            if condition is None:
                return True
            reasons.append(f"policy {policy.logical_id} exists only when condition {condition} is true")
    if reasons:
        return Unknown("; ".join(reasons))
    return False


FLAGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")


def public_access_block_gaps(view):
    """The public access block flags a bucket leaves off (all four when the block is missing); an Unknown
    when the block cannot be known."""
    block = view.get("PublicAccessBlockConfiguration")
    if block is None:
        return list(FLAGS)
    if isinstance(block, Unknown):
        return block
    if not isinstance(block, dict):
        return []
    off = []
    for flag in FLAGS:
        value = block.get(flag)
        if is_symbolic(value):
            return Unknown(f"{flag} is computed")
        if not (value is True or (isinstance(value, str) and value.strip().lower() == "true")):
            off.append(flag)
    return off


def bucket_privacy_problems(ctx, bucket):
    """(problems, unknown reasons) of a bucket against MLC301, MLC303 and MLC304."""
    problems, unknown = [], []
    view = ctx.view(bucket)
    gaps = public_access_block_gaps(view)
    if isinstance(gaps, Unknown):
        unknown.append(gaps.reason)
    elif gaps:
        problems.append("public access is not fully blocked" if len(gaps) < len(FLAGS)
                        else "no PublicAccessBlockConfiguration")
    policies, policy_unknown = policies_for_bucket(ctx, bucket)
    for policy in policies:
        stmts, reason = policy_statements(ctx, policy)
        if reason:
            unknown.append(reason)
            continue
        for _, why in public_statements(stmts):
            if why:
                unknown.append(f"policy {policy.logical_id}: {why}")
            else:
                problems.append(f"policy {policy.logical_id} allows public access")
                break
    secure = https_only(ctx, bucket)
    if isinstance(secure, Unknown):
        unknown.append(secure.reason)
    elif not secure:
        problems.append("no policy denies non-HTTPS requests")
    return problems, unknown


__all__ = [
    "BUCKET", "BUCKET_POLICY", "BucketUse", "SAGEMAKER_URI_TYPES", "bucket_for_name",
    "bucket_for_uri", "bucket_privacy_problems", "buckets_used_by_sagemaker", "https_only",
    "policies_for_bucket", "policy_denies_insecure_transport", "policy_statements", "public_access_block_gaps", "public_statements", "s3_uris",
]
