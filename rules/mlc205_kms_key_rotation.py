"""Symmetric KMS key does not rotate its key material.

## What it does
Checks every `AWS::KMS::Key` whose `KeySpec` is `SYMMETRIC_DEFAULT` (the default) for
`EnableKeyRotation: true`. Asymmetric keys (`RSA_*`, `ECC_*`, `SM2`), HMAC keys (`HMAC_*`) and keys with
imported key material (`Origin: EXTERNAL`) or in a custom key store (`AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`) are
exempt: KMS cannot rotate them automatically.

## Why is this bad?
Without rotation the same key material protects every training set, model artifact and volume for the key's
whole life; yearly rotation limits how much data one compromised key version exposes and is what most
compliance frameworks ask for.

## Example
```yaml
ModelKey:
  Type: AWS::KMS::Key
  Properties:
    Description: SageMaker model artifacts
```

## Use instead
```yaml
ModelKey:
  Type: AWS::KMS::Key
  Properties:
    Description: SageMaker model artifacts
    EnableKeyRotation: true
```

## References
- [Rotating AWS KMS keys](https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html)
- AWS Config rule cmk-backing-key-rotation-enabled
"""

from mlcheck.engine.rule import Hit, Rule
from mlcheck.model.values import Unknown, describe, is_symbolic


def _known(view, ctx, key):
    value, is_default = view.value(key)
    if is_symbolic(value):
        ctx.unknown(view.path(key), value.reason if isinstance(value, Unknown) else f"{key} is computed")
        return None, False
    return value, is_default


def check(view, ctx):
    spec, _ = _known(view, ctx, "KeySpec")
    if spec is None or str(spec).strip() != "SYMMETRIC_DEFAULT":
        return
    origin = view.get("Origin")
    if is_symbolic(origin):
        ctx.unknown(view.path("Origin"), "key origin cannot be known")
        return
    if isinstance(origin, str) and origin.strip() in ("EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"):
        return
    rotation, is_default = _known(view, ctx, "EnableKeyRotation")
    if rotation is None:
        return
    if rotation is True or (isinstance(rotation, str) and rotation.strip().lower() == "true"):
        return
    shown = "not set (AWS default: false)" if is_default else describe(rotation)
    yield Hit(view.path("EnableKeyRotation"),
              f"Symmetric key '{view.logical_id}' does not rotate its key material (EnableKeyRotation is {shown})")


RULE = Rule(
    id="MLC205",
    name="kms-key-rotation",
    severity="medium",
    resource_types=("AWS::KMS::Key",),
    check=check,
    fix="Set EnableKeyRotation: true (optionally RotationPeriodInDays).",
    peers={"checkov": ["CKV_AWS_7"], "cfn_nag": ["F19"], "guard": ["CMK_BACKING_KEY_ROTATION_ENABLED"],
           "aws": ["cmk-backing-key-rotation-enabled"]},
    practice="kms-customer-managed-keys",
)
