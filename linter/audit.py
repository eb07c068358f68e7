"""CloudTrail trails and CloudWatch log groups as the audit rules (MLC605–MLC612) see them.

- `setting_check(resource_type, prop, message)`: the check of one setting that must be present (a trail's
  `KMSKeyId`, a log group's `RetentionInDays`): a `Ref`/`GetAtt` is present, a value that cannot be known is
  unknown, an absent or empty one is a finding. One rule per setting, so a team can accept one on purpose.
- `selector_coverage(ctx, trail, bucket)`: whether a trail's `EventSelectors` or `AdvancedEventSelectors` log S3
  data events for a template bucket — all buckets (`arn:aws:s3`, `arn:${AWS::Partition}:s3:::`), the bucket's
  ARN prefix written literally, with `!Sub ${Bucket.Arn}/` or `!Sub arn:aws:s3:::${Bucket}/`, or a built name.
"""

from __future__ import annotations

import re

from mlcheck.rule import Hit
from mlcheck.s3 import BUCKET, bucket_for_uri
from mlcheck.values import Composite, Pseudo, ResourceRef, Unknown, is_symbolic, make_string

TRAIL = "AWS::CloudTrail::Trail"
LOG_GROUP = "AWS::Logs::LogGroup"
S3_OBJECT = "AWS::S3::Object"
ALL_BUCKETS = "all"
_S3_ARN = re.compile(r"^arn:[a-z-]+:s3(:::?)?:?$")


def _absent(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def setting_check(resource_type: str, prop: str, message: str):
    """A check that `prop` is set on each resource of `resource_type`; `message` may use {resource}."""

    def check(view, ctx):
        if view.type != resource_type:
            return
        value = view.get(prop)
        if isinstance(value, Unknown):
            ctx.unknown(view.path(prop), value.reason)
            return
        if isinstance(value, Composite) and value.has_unknown() and not value.text(""):
            ctx.unknown(view.path(prop), f"{prop} cannot be known")
            return
        if _absent(value):
            yield Hit(view.path(prop), message.format(resource=view.logical_id))

    return check


def is_false(value) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


# -- S3 data events ---------------------------------------------------------------------------------------------

def _arn_target(value, ctx):
    """What an S3 data-resource ARN (or ARN prefix) designates: ALL_BUCKETS, a template bucket, None (another
    bucket, or not an S3 ARN), or an Unknown."""
    if isinstance(value, Unknown):
        return value
    parts = list(value.parts) if isinstance(value, Composite) else [value]
    if not parts:
        return None
    if isinstance(parts[0], ResourceRef):  # !Sub ${Bucket.Arn}/ or ${Bucket.Arn}/prefix
        ref = parts[0]
        resource = ctx.graph.template.resources.get(ref.logical_id)
        if resource is not None and resource.type == BUCKET and ref.attribute == "Arn":
            return resource
        return None
    # arn:<partition>:s3:::<bucket>/<key prefix>, the partition literal or ${AWS::Partition}
    text, rest = "", None
    for i, part in enumerate(parts):
        if isinstance(part, str):
            text += part
        elif part == Pseudo("AWS::Partition"):
            text += "aws"
        elif isinstance(part, Unknown):
            return Unknown(part.reason)
        else:
            return None
        if ":s3:::" in text:
            rest = [text.split(":s3:::", 1)[1]] + parts[i + 1:]
            text = text.split(":s3:::", 1)[0] + ":s3:::"
            break
    if not _S3_ARN.match(text):
        return None
    if rest is None or all(p == "" for p in rest):
        return ALL_BUCKETS  # arn:aws:s3 or arn:aws:s3::: names every bucket
    if isinstance(rest[0], str) and rest[0].startswith("/"):
        return None
    return bucket_for_uri(make_string(["s3://"] + rest), ctx)


def _covers(target, bucket) -> bool | None:
    if isinstance(target, Unknown):
        return None
    return target == ALL_BUCKETS or target is bucket


def _basic_selectors(ctx, selectors, bucket):
    """(covered, unknown reasons) from classic EventSelectors."""
    reasons = []
    for selector in selectors:
        if isinstance(selector, Unknown):
            reasons.append(selector.reason)
            continue
        if not isinstance(selector, dict):
            continue
        resources = selector.get("DataResources")
        if isinstance(resources, Unknown):
            reasons.append(resources.reason)
            continue
        for resource in resources if isinstance(resources, list) else ():
            if isinstance(resource, Unknown):
                reasons.append(resource.reason)
                continue
            if not isinstance(resource, dict):
                continue
            kind = resource.get("Type")
            if is_symbolic(kind):
                reasons.append("a data resource type is computed")
                continue
            if kind != S3_OBJECT:
                continue
            values = resource.get("Values")
            if isinstance(values, Unknown):
                reasons.append(values.reason)
                continue
            for value in values if isinstance(values, list) else ():
                covered = _covers(_arn_target(value, ctx), bucket)
                if covered:
                    return True, []
                if covered is None:
                    reasons.append("a data resource ARN cannot be known")
    return False, reasons


def _field_values(selector, field_name):
    """(operator -> values) of a field selector named `field_name`; None when absent; Unknown when computed."""
    found = {}
    for field in selector.get("FieldSelectors") or ():
        if not isinstance(field, dict):
            return Unknown("a field selector cannot be read")
        name = field.get("Field")
        if is_symbolic(name):
            return Unknown("a field selector's Field is computed")
        if name == field_name:
            for operator, values in field.items():
                if operator != "Field":
                    found[operator] = values
    return found if found else None


def _advanced_selector(ctx, selector, bucket):
    """True/False/None(unknown) whether one advanced selector logs the bucket's S3 data events."""
    if not isinstance(selector, dict) or not isinstance(selector.get("FieldSelectors"), list):
        return None
    category = _field_values(selector, "eventCategory")
    if isinstance(category, Unknown) or category is None:
        return None if isinstance(category, Unknown) else False
    if category.get("Equals") != ["Data"]:
        return None if any(is_symbolic(v) for vs in category.values() if isinstance(vs, list) for v in vs) \
            else False
    kind = _field_values(selector, "resources.type")
    if isinstance(kind, Unknown) or kind is None:
        return None if isinstance(kind, Unknown) else False
    equals = kind.get("Equals")
    if not isinstance(equals, list) or S3_OBJECT not in equals:
        return None if isinstance(equals, list) and any(is_symbolic(v) for v in equals) else False
    arns = _field_values(selector, "resources.ARN")
    if arns is None:
        return True  # every S3 object
    if isinstance(arns, Unknown):
        return None
    result = True
    for operator, values in arns.items():
        if not isinstance(values, list):
            return None
        targets = [_arn_target(v, ctx) for v in values]
        if any(isinstance(t, Unknown) for t in targets):
            return None
        hits = any(_covers(t, bucket) for t in targets)
        if operator in ("StartsWith", "Equals"):
            result = result and hits
        elif operator in ("NotStartsWith", "NotEquals"):
            result = result and not hits
        else:  # EndsWith / NotEndsWith on an ARN: cannot be judged by bucket
            return None
    return result


def selector_coverage(ctx, trail_view, bucket):
    """True when the trail logs S3 data events for `bucket`; False when it does not; an Unknown when its
    selectors cannot be known."""
    advanced = trail_view.get("AdvancedEventSelectors")
    if isinstance(advanced, Unknown):
        return Unknown(f"AdvancedEventSelectors of {trail_view.logical_id}: {advanced.reason}")
    if isinstance(advanced, list) and advanced:
        unknown = False
        for selector in advanced:
            verdict = _advanced_selector(ctx, selector, bucket)
            if verdict:
                return True
            unknown = unknown or verdict is None
        return Unknown(f"an advanced event selector of {trail_view.logical_id} cannot be judged") if unknown \
            else False
    selectors = trail_view.get("EventSelectors")
    if isinstance(selectors, Unknown):
        return Unknown(f"EventSelectors of {trail_view.logical_id}: {selectors.reason}")
    covered, reasons = _basic_selectors(ctx, selectors if isinstance(selectors, list) else [], bucket)
    if covered:
        return True
    if reasons:
        return Unknown(f"event selectors of {trail_view.logical_id}: {reasons[0]}")
    return False


__all__ = ["ALL_BUCKETS", "LOG_GROUP", "TRAIL", "is_false", "selector_coverage", "setting_check"]
