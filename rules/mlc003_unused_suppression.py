"""Inline suppression matches no finding.

## What it does
Reports an entry of `Metadata: mlcheck: ignore:` whose rule ran but found nothing to suppress on that resource
(or, for a top-level entry, in the file). Suppressions of peer tools (`checkov`, `cfn_nag`, `guard`) are not
reported, since they serve those tools too.

## Why is this bad?
A stale suppression documents a risk that no longer exists and, worse, silently hides the finding if the
problem comes back later.

## Example
```yaml
Notebook:
  Type: AWS::SageMaker::NotebookInstance
  Metadata:
    mlcheck:
      ignore:
        - id: MLC401
          reason: "lab notebook"
  Properties:
    DirectInternetAccess: Disabled
    SubnetId: subnet-0123456789abcdef0
```

## Use instead
```yaml
Notebook:
  Type: AWS::SageMaker::NotebookInstance
  Properties:
    DirectInternetAccess: Disabled
    SubnetId: subnet-0123456789abcdef0
```

## References
- mlcheck README, "Suppressing findings"
"""

from mlcheck.engine.rule import Rule

RULE = Rule(
    id="MLC003",
    name="unused-suppression",
    severity="low",
    check=None,  # reported by the suppression pass
    fix="Remove the suppression.",
)
