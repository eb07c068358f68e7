"""Principal attaches an AWS managed policy that grants far more than an ML workload needs.

## What it does
Reports an IAM role, user or group whose `ManagedPolicyArns` include an AWS managed policy that is broad —
written literally, with `!Sub arn:${AWS::Partition}:iam::aws:policy/...`, `!Join`, or through a parameter
default (also under a `job-function/`, `service-role/` or other path). Which policies are broad is derived from
their real documents (the current version of every AWS managed policy, shipped with mlcheck): an
unconditional `Allow` on `Resource: "*"` of

- every action (`AdministratorAccess`) or every action but a few (`NotAction`: `PowerUserAccess`);
- IAM permissions management that amounts to privilege escalation (`IAMFullAccess`: `iam:CreateRole`,
  `iam:AttachRolePolicy`, `iam:PutRolePolicy`, `iam:CreatePolicyVersion`, ... — the list MLC104 grades high);
- every action of a data service — S3, DynamoDB, RDS, Redshift, Secrets Manager, SSM, KMS, CloudWatch Logs,
  Kinesis, Firehose, Glue, Athena, EFS, FSx, OpenSearch, Timestream, Backup, SQS (`AmazonS3FullAccess`,
  `CloudWatchLogsFullAccess`, `SecretsManagerReadWrite`, `AmazonDynamoDBFullAccess`, ...).

`AmazonSageMakerFullAccess` is MLC101's. The option `policies` replaces the derived set with a list of names.

## Why is this bad?
These policies grant every action of whole services on every resource: an execution role with
`AmazonS3FullAccess` can read and delete every bucket of the account; `IAMFullAccess` can make itself an
administrator. Least privilege starts with not attaching them.

## Example
```yaml
TrainingRole:
  Type: AWS::IAM::Role
  Properties:
    AssumeRolePolicyDocument: {...}
    ManagedPolicyArns:
      - arn:aws:iam::aws:policy/AmazonS3FullAccess
```

## Use instead
```yaml
    Policies:
      - PolicyName: training-data
        PolicyDocument:
          Statement:
            - Effect: Allow
              Action: [s3:GetObject, s3:ListBucket]
              Resource: [!GetAtt DataBucket.Arn, !Sub "${DataBucket.Arn}/*"]
```

## References
- [AWS managed policies for job functions](https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html)
- AWS Config rule iam-policy-blacklisted-check
"""

from mlcheck.aws.roles import broad_managed_policies, managed_policy_name
from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Composite, Unknown

def check(view, ctx):
    arns = view.get("ManagedPolicyArns")
    if isinstance(arns, Unknown):
        ctx.unknown(view.path("ManagedPolicyArns"), arns.reason)
        return
    if not isinstance(arns, list):
        return
    kind = view.type.rsplit("::", 1)[1]
    broad = broad_managed_policies()
    configured = ctx.option("policies")
    reported = set(broad) if configured is None else set(configured)
    for i, arn in enumerate(arns):
        if isinstance(arn, Unknown) or (isinstance(arn, Composite) and arn.has_unknown()):
            ctx.unknown(view.path("ManagedPolicyArns", i),
                        arn.reason if isinstance(arn, Unknown) else "policy ARN cannot be known")
            continue
        name = managed_policy_name(arn)
        if name in reported:
            allows = broad.get(name, "more than the principal's work needs")
            yield Hit(view.path("ManagedPolicyArns", i),
                      f"{kind} '{view.logical_id}' attaches the broad AWS managed policy {name}",
                      detail=f"which allows {allows}")


RULE = Rule(
    id="MLC102",
    name="broad-managed-policy",
    severity="high",
    resource_types=("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"),
    check=check,
    # None: every AWS managed policy the documents show to be broad; a list replaces that set
    options={"policies": None},
    fix="Replace the broad AWS managed policy with a policy that lists the actions and resources the principal "
        "needs.",
    peers={"cfn_nag": ["W43", "W44"],
           "guard": ["IAM_ROLE_ADMINISTRATOR_ACCESS_POLICY_RULE", "IAM_ROLE_ELEVATED_MANAGED_POLICY_RULE"],
           "aws": ["iam-policy-blacklisted-check"]},
    practice="least-privilege",
)
