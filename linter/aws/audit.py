"""CloudTrail trails and CloudWatch log groups as the audit rules (MLC605–MLC612) see them.

- `setting_check(resource_type, prop, message)`: the check of one setting that must be present (a trail's
  `KMSKeyId`, a log group's `RetentionInDays`): a `Ref`/`GetAtt` is present, a value that cannot be known is
  unknown, an absent or empty one is a finding. One rule per setting, so a team can accept one on purpose.
- `trail_coverage(ctx, trail)`: the buckets whose S3 data events a trail's `EventSelectors` or
  `AdvancedEventSelectors` log — all buckets (`arn:aws:s3`, `arn:${AWS::Partition}:s3:::`, an advanced selector
  without `resources.ARN`), all but some (`NotStartsWith`), or a bucket's ARN prefix written literally, as
  `!Sub ${Bucket.Arn}/`, as `!Sub arn:aws:s3:::${Bucket}/` or with a built name.
- `trails_logging(ctx, bucket)`: the trails that log a bucket's data events, from an index built once per
  template (so checking every bucket against every trail stays linear).
"""

from __future__ import annotations

from mlcheck.model.cache import template_index
from mlcheck.util.record import Record
from mlcheck.util.regex import lazy
from mlcheck.engine.rule import Hit
from mlcheck.aws.s3 import BUCKET, bucket_for_uri
from mlcheck.model.values import Composite, Pseudo, ResourceRef, Unknown, is_symbolic, make_string

TRAIL = "AWS::CloudTrail::Trail"
LOG_GROUP = "AWS::Logs::LogGroup"
S3_OBJECT = "AWS::S3::Object"
ALL_BUCKETS = "all"
_S3_ARN = lazy(r"^arn:[a-z-]+:s3(:::?)?:?$")


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


class Coverage(Record):
    """The buckets whose S3 data events a trail (or one of its selectors) logs: the buckets in `only`, or every
    bucket except those in `all_except` when that is not None; `unknown` says why more may be logged."""

    _fields = ("only", "all_except", "unknown")
    only: set  # bucket logical ids
    all_except: frozenset | None
    unknown: str | None

    def __init__(self, only=None, all_except=None, unknown=None):
        self.only = set() if only is None else only
        self.all_except = all_except
        self.unknown = unknown

    def covers(self, bucket):
        """True, False, or an Unknown when the bucket is not known to be covered and a selector cannot be read."""
        if bucket.logical_id in self.only or (
                self.all_except is not None and bucket.logical_id not in self.all_except):
            return True
        return Unknown(self.unknown) if self.unknown else False

    def merge(self, other: "Coverage") -> None:
        """Union: a bucket is logged when any selector logs it."""
        self.only |= other.only
        if other.all_except is not None:
            self.all_except = other.all_except if self.all_except is None else self.all_except & other.all_except
        self.unknown = self.unknown or other.unknown


def _targets(values, ctx):
    """(bucket logical ids, names every bucket, unknown reason) of a list of data-resource ARNs."""
    buckets, every, unknown = set(), False, None
    for value in values:
        target = _arn_target(value, ctx)
        if isinstance(target, Unknown):
            unknown = unknown or target.reason
        elif target == ALL_BUCKETS:
            every = True
        elif target is not None:
            buckets.add(target.logical_id)
    return buckets, every, unknown


def _basic_selectors(ctx, selectors) -> Coverage:
    """What classic EventSelectors log."""
    coverage = Coverage()
    for selector in selectors:
        if isinstance(selector, Unknown):
            coverage.unknown = coverage.unknown or selector.reason
            continue
        if not isinstance(selector, dict):
            continue
        resources = selector.get("DataResources")
        if isinstance(resources, Unknown):
            coverage.unknown = coverage.unknown or resources.reason
            continue
        for resource in resources if isinstance(resources, list) else ():
            if isinstance(resource, Unknown):
                coverage.unknown = coverage.unknown or resource.reason
                continue
            if not isinstance(resource, dict):
                continue
            kind = resource.get("Type")
            if is_symbolic(kind):
                coverage.unknown = coverage.unknown or "a data resource type is computed"
                continue
            if kind != S3_OBJECT:
                continue
            values = resource.get("Values")
            if isinstance(values, Unknown):
                coverage.unknown = coverage.unknown or values.reason
                continue
            buckets, every, unknown = _targets(values if isinstance(values, list) else (), ctx)
            coverage.merge(Coverage(buckets, frozenset() if every else None, unknown))
    return coverage


def _field_values(selector, field_name):
    """(operator -> values) of a field selector named `field_name`; None when absent; Unknown when computed."""
    found = {}
    for field_selector in selector.get("FieldSelectors") or ():
        if not isinstance(field_selector, dict):
            return Unknown("a field selector cannot be read")
        name = field_selector.get("Field")
        if is_symbolic(name):
            return Unknown("a field selector's Field is computed")
        if name == field_name:
            for operator, values in field_selector.items():
                if operator != "Field":
                    found[operator] = values
    return found if found else None


def _equals_includes(selector, field_name, wanted):
    """True/False/None(unknown) whether the selector's `field_name` field has `Equals` holding `wanted`."""
    values = _field_values(selector, field_name)
    if values is None or isinstance(values, Unknown):
        return None if isinstance(values, Unknown) else False
    equals = values.get("Equals")
    if isinstance(equals, list) and wanted in equals:
        return True
    if is_symbolic(equals) or (isinstance(equals, list) and any(is_symbolic(v) for v in equals)):
        return None
    return False


_CANNOT_JUDGE = "an advanced event selector cannot be judged"


def _advanced_selector(ctx, selector) -> Coverage:
    """What one advanced event selector logs."""
    if not isinstance(selector, dict) or not isinstance(selector.get("FieldSelectors"), list):
        return Coverage(unknown=_CANNOT_JUDGE)
    for field_name, wanted in (("eventCategory", "Data"), ("resources.type", S3_OBJECT)):
        verdict = _equals_includes(selector, field_name, wanted)
        if verdict is None:
            return Coverage(unknown=_CANNOT_JUDGE)
        if not verdict:
            return Coverage()
    arns = _field_values(selector, "resources.ARN")
    if arns is None:
        return Coverage(all_except=frozenset())  # every S3 object
    if isinstance(arns, Unknown):
        return Coverage(unknown=arns.reason)
    include, excluded = None, set()  # include None: every bucket
    for operator, values in arns.items():
        if not isinstance(values, list):
            return Coverage(unknown=_CANNOT_JUDGE)
        buckets, every, unknown = _targets(values, ctx)
        if unknown:
            return Coverage(unknown=unknown)
        if operator in ("StartsWith", "Equals"):
            if not every:
                include = buckets if include is None else include & buckets
        elif operator in ("NotStartsWith", "NotEquals"):
            if every:
                return Coverage()
            excluded |= buckets
        else:  # EndsWith / NotEndsWith on an ARN: cannot be judged by bucket
            return Coverage(unknown=_CANNOT_JUDGE)
    if include is None:
        return Coverage(all_except=frozenset(excluded))
    return Coverage(only=include - excluded)


def trail_coverage(ctx, trail_view) -> Coverage:
    """The buckets whose S3 data events a trail logs (advanced selectors replace the classic ones)."""
    name = trail_view.logical_id
    advanced = trail_view.get("AdvancedEventSelectors")
    if isinstance(advanced, Unknown):
        return Coverage(unknown=f"AdvancedEventSelectors of {name}: {advanced.reason}")
    if isinstance(advanced, list) and advanced:
        coverage = Coverage()
        for selector in advanced:
            coverage.merge(_advanced_selector(ctx, selector))
    else:
        selectors = trail_view.get("EventSelectors")
        if isinstance(selectors, Unknown):
            return Coverage(unknown=f"EventSelectors of {name}: {selectors.reason}")
        coverage = _basic_selectors(ctx, selectors if isinstance(selectors, list) else [])
    if coverage.unknown:
        coverage.unknown = f"event selectors of {name}: {coverage.unknown}"
    return coverage


class DataEventIndex(Record):
    _fields = ("by_bucket", "every_bucket", "unknown")
    by_bucket: dict  # bucket logical id -> [trail Resource] logging it by name
    every_bucket: list  # (trail Resource, excluded bucket ids) logging all buckets
    unknown: list  # reasons a trail may log buckets not listed here

    def __init__(self, by_bucket=None, every_bucket=None, unknown=None):
        self.by_bucket = {} if by_bucket is None else by_bucket
        self.every_bucket = [] if every_bucket is None else every_bucket
        self.unknown = [] if unknown is None else unknown


def _data_event_index(ctx) -> DataEventIndex:
    index = DataEventIndex()
    for trail in ctx.graph.of_type(TRAIL):
        coverage = trail_coverage(ctx, ctx.view(trail))
        for bucket_id in coverage.only:
            index.by_bucket.setdefault(bucket_id, []).append(trail)
        if coverage.all_except is not None:
            index.every_bucket.append((trail, coverage.all_except))
        if coverage.unknown:
            index.unknown.append(coverage.unknown)
    return index


def trails_logging(ctx, bucket):
    """(trails of the template that log the bucket's S3 data events, reasons others may) — built once."""
    index = template_index(ctx, "audit.data_events", _data_event_index)
    found = list(index.by_bucket.get(bucket.logical_id, ()))
    found += [trail for trail, excluded in index.every_bucket if bucket.logical_id not in excluded and
              trail not in found]
    return found, index.unknown


__all__ = ["ALL_BUCKETS", "Coverage", "LOG_GROUP", "TRAIL", "is_false", "setting_check", "trail_coverage", "trails_logging"]
