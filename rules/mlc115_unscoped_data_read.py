"""Identity policy lets a principal read stored data or secrets from every resource of a service.

## What it does
Checks every `Allow` statement of every identity policy (a role's, user's or group's `Policies`,
`AWS::IAM::Policy`, `ManagedPolicy`, `RolePolicy`, `UserPolicy`, `GroupPolicy`) for actions that return
stored data or secrets, granted on `Resource: "*"` or on an ARN pattern that covers every resource of that
kind (`arn:aws:s3:::*`, `arn:aws:s3:::*/*`, `arn:${AWS::Partition}:secretsmanager:*:*:secret:*`,
`arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/*`). Wildcards are expanded: `s3:Get*` grants
`s3:GetObject`. The actions, by what they read (each must be a Read action that accepts resource ARNs in the
AWS Service Authorization Reference shipped with mlcheck; the tests check this list against it):

| data | actions | resource that covers everything |
|---|---|---|
| S3 objects | `s3:GetObject`, `s3:GetObjectVersion`, `s3:GetObjectTorrent`, `s3:GetObjectVersionTorrent`, `s3:GetObjectVersionForReplication` | `arn:aws:s3:::*`, `arn:aws:s3:::*/*` |
| Secrets Manager | `secretsmanager:GetSecretValue` | `...:secretsmanager:*:*:secret:*` |
| SSM Parameter Store | `ssm:GetParameter`, `ssm:GetParameters`, `ssm:GetParametersByPath`, `ssm:GetParameterHistory` | `...:ssm:*:*:parameter/*` |
| DynamoDB items | `dynamodb:GetItem`, `dynamodb:BatchGetItem`, `dynamodb:Query`, `dynamodb:Scan`, `dynamodb:PartiQLSelect`, `dynamodb:GetRecords` | `...:dynamodb:*:*:table/*` |
| Feature Store records | `sagemaker:GetRecord`, `sagemaker:BatchGetRecord` | `...:sagemaker:*:*:feature-group/*` |
| Kinesis stream records | `kinesis:GetRecords` | `...:kinesis:*:*:stream/*` |
| Athena query results | `athena:GetQueryResults`, `athena:GetQueryResultsStream` | `...:athena:*:*:workgroup/*` |

An ARN whose region or account is `*` or `${AWS::Region}`/`${AWS::AccountId}` still covers every resource of
the account; an ARN that names a bucket, a secret path (`secret:prod/ml/*`) or a table is scoped and passes.
Not in the list: metadata reads (`s3:GetObjectAcl`, `s3:GetObjectTagging`, `secretsmanager:DescribeSecret`),
actions that accept no ARN (`secretsmanager:BatchGetSecretValue`, which still needs `GetSecretValue` on each
secret), `kms:Decrypt` (a key is judged by its key policy, MLC2xx), and image pulls (`ecr:BatchGetImage`, which
SageMaker roles need across registries). Conditions exempt a statement exactly as for MLC104: keys that select
resources (`aws:ResourceTag/*`, `<service>:ResourceTag/*`, `s3:ExistingObjectTag/*`, `aws:ResourceAccount`,
`aws:ResourceOrgID`, `aws:ResourceOrgPaths`) and the guardrail keys (`iam:PassedToService`, `kms:ViaService`,
`aws:CalledVia*`, `aws:ViaAWSService`, `sagemaker:Vpc*`); a request-parameter key narrows nothing.
`Action: "*"` and `s3:*` are expanded like any other pattern, but when MLC103 (wildcard action) reports every
action value the finding would name, MLC115 stays quiet; it reports them when MLC103 is not selected or its
finding is suppressed. Write actions on
`*` are MLC104's.

## Why is this bad?
A role that may read every object, secret or parameter of the account reads other teams' training data,
database passwords and API keys when its workload needs one bucket and one secret. It is the usual path of data
exfiltration from a compromised notebook or training container.

## Example
```yaml
TrainingRole:
  Type: AWS::IAM::Role
  Properties:
    Policies:
      - PolicyName: data
        PolicyDocument:
          Statement:
            - Effect: Allow
              Action: [s3:GetObject, secretsmanager:GetSecretValue]
              Resource: "*"
```

## Use instead
```yaml
            - Effect: Allow
              Action: s3:GetObject
              Resource: !Sub ${TrainingData.Arn}/*
            - Effect: Allow
              Action: secretsmanager:GetSecretValue
              Resource: !Ref WandbApiKeySecret
```

## References
- [Grant least privilege](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)
- [Service Authorization Reference: actions, resources and condition keys](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
"""

from functools import lru_cache

from mlcheck.aws import iam_actions
from mlcheck.aws.policy import (
    IDENTITY_POLICY_TYPES,
    allow_statements,
    arn_glob_match,
    element_path,
    granted_actions,
    is_unknown,
    narrowed,
    on_every_resource,
    owner_label,
    text_of,
    where,
)
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Composite

# service -> (the resource part of an ARN naming a resource nobody names, action names): a Resource pattern that
# matches that ARN covers every resource of the service. The sample names have no separators, so a pattern such
# as `${AWS::StackName}-*` (read as `*-*`) stays scoped. Keep in step with the docs' table.
_ANY = "mlcheck0any0name"
DATA_READS = {
    "s3": (f"{_ANY}0bucket/{_ANY}", ("GetObject", "GetObjectVersion", "GetObjectTorrent",
                                      "GetObjectVersionTorrent", "GetObjectVersionForReplication")),
    "secretsmanager": (f"secret:{_ANY}", ("GetSecretValue",)),
    "ssm": (f"parameter/{_ANY}", ("GetParameter", "GetParameters", "GetParametersByPath", "GetParameterHistory")),
    "dynamodb": (f"table/{_ANY}", ("GetItem", "BatchGetItem", "Query", "Scan", "PartiQLSelect", "GetRecords")),
    "sagemaker": (f"feature-group/{_ANY}", ("GetRecord", "BatchGetRecord")),
    "kinesis": (f"stream/{_ANY}", ("GetRecords",)),
    "athena": (f"workgroup/{_ANY}", ("GetQueryResults", "GetQueryResultsStream")),
}


@lru_cache(maxsize=1)
def data_read_actions() -> dict:
    """lower-case action name -> (ActionInfo, service, sample resource), for the listed actions that the IAM data
    says are Read actions accepting ARNs (an action AWS drops or changes leaves the list by itself)."""
    out = {}
    for service, (sample, names) in DATA_READS.items():
        for name in names:
            found = iam_actions.info(f"{service}:{name}")
            if found and found.level == "Read" and found.scopable:
                out[found.name.lower()] = (found, service, sample)
    return out


def data_reads(statement) -> list:
    """(index, pattern as written, [(ActionInfo, service, sample resource)]) for each Action value that grants
    listed data reads."""
    table = data_read_actions()
    out = []
    for i, pattern in granted_actions(statement):
        found = [table[a.name.lower()] for a in iam_actions.expand(pattern) if a.name.lower() in table]
        if found:
            out.append((i, pattern, found))
    return out


def covers_all(value, service: str, sample: str) -> bool | None:
    """Whether a Resource value covers every resource of a service: `*`, or an ARN pattern that matches the
    service's sample ARN in any region and account (pseudo parameters read as `*`). None when unknown; an ARN
    with unknown pieces is unknown only when it would cover everything with `*` in their place (otherwise its
    literal text scopes it whatever they are: `${AppName}-data/*`)."""
    text = text_of(value)
    if text is None:
        if isinstance(value, Composite) and not value.resource_refs():
            return None if _covers_text(value.text("*"), service, sample) else False
        return None if is_unknown(value) else False
    return _covers_text(text, service, sample)


def _covers_text(text: str, service: str, sample: str) -> bool:
    if text == "*":
        return True
    fields = text.split(":", 5)
    return (len(fields) == 6 and arn_glob_match(fields[0], "arn") and arn_glob_match(fields[2], service)
            and arn_glob_match(fields[5], sample))


def _covering(statement, service: str, sample: str):
    """(index of the first Resource value covering every resource of the service, any value unknown)."""
    unknown = False
    for i, value in enumerate(statement.resources):
        covers = covers_all(value, service, sample)
        if covers:
            return i, unknown
        if covers is None:
            unknown = True
    return None, unknown


def _shown(pattern: str, found: list) -> str:
    names = sorted({info.name for info, _, _ in found})
    if len(names) == 1 and names[0].lower() == pattern.lower():
        return names[0]
    listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"{pattern} ({listed})"


def check(view, ctx):
    for doc, statement in allow_statements(view, ctx, "identity"):
        if not statement.has_action or not statement.has_resource:
            continue  # NotAction / NotResource: MLC106
        reads = data_reads(statement)
        if not reads:
            if any(is_unknown(a) for a in statement.actions) and on_every_resource(statement):
                ctx.unknown(statement.path + ("Action",), "action cannot be known")
            continue
        shown, first, unknown, subjects, patterns = [], None, False, [], []
        for index_of_action, pattern, found in reads:
            covered = []
            for entry in found:
                index, maybe = _covering(statement, entry[1], entry[2])
                unknown = unknown or maybe
                if index is not None:
                    covered.append(entry)
                    first = index if first is None else min(first, index)
            if covered:
                shown.append(_shown(pattern, covered))
                patterns.append(pattern)
                subjects.append(element_path(statement, "Action", index_of_action))
        if not shown:
            if unknown:
                ctx.unknown(statement.path + ("Resource",), "resource cannot be known")
            continue
        narrow = narrowed(statement)
        if narrow:
            continue
        path = element_path(statement, "Resource", first)
        if narrow is None:
            ctx.unknown(path, "condition cannot be known")
            continue
        yield Hit(path, f"{owner_label(view.resource)} may read stored data or secrets from every resource "
                        f"({', '.join(patterns[:2])}{', ...' if len(patterns) > 2 else ''})",
                  detail=f"{where(doc, statement)}: {', '.join(shown)}", subjects=tuple(subjects))


RULE = Rule(
    id="MLC115",
    name="unscoped-data-read",
    severity="medium",
    resource_types=IDENTITY_POLICY_TYPES,
    check=check,
    fix="Name the buckets (`!Sub ${Bucket.Arn}/*`), secrets, parameters or tables the workload reads instead of "
        "'*' or a pattern that covers every one of them.",
    peers={"checkov": ["CKV_AWS_108"]},
    practice="least-privilege",
    yields_to=("MLC103",),  # "One finding per problem": `*` and `s3:*` statements
)
