"""Allow statement uses NotAction, NotResource or NotPrincipal.

## What it does
Checks every `Allow` statement of every policy — identity policies, role trust policies, KMS key policies and
S3 bucket policies — for `NotAction`, `NotResource` or `NotPrincipal`, and reports each.

## Why is this bad?
An Allow with a `Not...` element grants *everything except* a list: every action a service adds later,
every resource created later, every principal but a few. What it really grants is hard to review and
grows silently.

## Example
```yaml
        - Effect: Allow
          NotAction: iam:*
          Resource: "*"
```

## Use instead
```yaml
        - Effect: Allow
          Action: [sagemaker:CreateModel, sagemaker:DescribeModel]
          Resource: !Sub arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model/*
```

## References
- [IAM JSON policy elements: NotAction](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html)
- [IAM JSON policy elements: NotPrincipal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html)
"""

from mlcheck.aws.policy import POLICY_TYPES, allow_statements, owner_label, where
from mlcheck.engine.rule import Hit, Rule

MEANING = {
    "NotAction": "every action except those listed",
    "NotResource": "every resource except those listed",
    "NotPrincipal": "every principal except those listed",
}


def check(view, ctx):
    for doc, statement in allow_statements(view, ctx):
        present = {"NotAction": bool(statement.not_actions), "NotResource": bool(statement.not_resources),
                   "NotPrincipal": statement.not_principal is not None}
        for element, found in present.items():
            if found:
                yield Hit(statement.path + (element,),
                          f"{owner_label(view.resource)} has an Allow with {element}, which grants "
                          f"{MEANING[element]}", detail=where(doc, statement))


RULE = Rule(
    id="MLC106",
    name="allow-not-action",
    severity="medium",
    resource_types=POLICY_TYPES,
    check=check,
    fix="List what the statement allows with Action / Resource / Principal; keep Not... elements for Deny "
        "statements.",
    peers={"cfn_nag": ["W14", "W15", "W16", "W17", "W20", "W21", "W22", "W23", "F6", "F9"],
           "guard": ["IAM_ROLE_OR_POLICY_NO_ALLOW_PLUS_NOT_ACTION", "IAM_ROLE_OR_POLICY_NO_ALLOW_PLUS_NOT_RESOURCE",
                     "IAM_ROLE_NO_ALLOW_PLUS_NOT_ACTION_ON_TRUST_POLICY", "IAM_ROLE_NO_ALLOW_PLUS_NOT_PRINCIPAL",
                     "S3_BUCKET_POLICY_NO_ALLOW_PLUS_NOT_ACTION", "S3_BUCKETPOLICY_NO_ALLOW_PLUS_NOTPRINCIPAL"]},
    practice="least-privilege",
)
