"""Inline suppression has no reason, or has expired.

## What it does
Reports an entry of `Metadata: mlcheck: ignore:` (on a resource or at the template's top level) that has no
`reason`, names no known rule, has an `expires` date that is not a date, or whose `expires` date has passed.
Such an entry suppresses nothing: the finding it meant to hide is reported as well.

## Why is this bad?
A suppression is an accepted risk. Without a reason, the reviewer who approves the stack, and whoever reads it a
year later, cannot tell whether the risk was judged or just silenced; an expiry date makes a temporary exception
come back for review on its own.

## Example
```yaml
Endpoint:
  Type: AWS::SageMaker::EndpointConfig
  Metadata:
    mlcheck:
      ignore:
        - id: MLC501
```

## Use instead
```yaml
Endpoint:
  Type: AWS::SageMaker::EndpointConfig
  Metadata:
    mlcheck:
      ignore:
        - id: MLC501
          reason: "dev endpoint, single instance is intended"
          expires: 2027-03-31
```

## References
- mlcheck README, "Suppressing findings"
"""

from mlcheck.engine.rule import Rule

RULE = Rule(
    id="MLC002",
    name="suppression-without-reason",
    severity="medium",
    check=None,  # reported by the suppression pass
    fix="Give the suppression a reason (and an expires date for temporary exceptions), or remove it.",
)
