"""Hypothesis strategies for fuzzing mlcheck: CloudFormation templates shaped like SageMaker stacks, SageMaker API
documents, their JSON/YAML serialisations, and byte-level mutations of those.

Used by tests/test_fuzz.py (a bounded CI budget) and tools/fuzz.py (long runs). The property paths below are
the ones the rules read (rules/*.py, linter/aws/defaults.py, linter/aws/kms.py, linter/aws/network.py), so generated
templates reach the checks instead of stopping at the first `isinstance`. Every leaf can instead be a literal
of another type, an odd string, an empty container, or an intrinsic function (well-formed or not) that refers
to the template's own Parameters, Conditions, Mappings and resources, or to names that do not exist.

Generation has two phases, so that every strategy is built once, at import (building strategies per example
costs seconds): values are drawn with placeholders (`Name`, `RefTo`, `SubText`, `MapKey`) that say "the i-th
condition" or "a reference to a role", and `bind` replaces them with the names the drawn template defines (or,
for a few indexes, with names it does not define).
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass, field

import yaml
from hypothesis import strategies as st

# -- choosing -------------------------------------------------------------------------------------------------

def _lit(*options):
    return st.sampled_from(options)


def weighted(*pairs) -> st.SearchStrategy:
    """One of the strategies, chosen with the given weights: (weight, strategy), ... (`st.one_of` merges
    repeated branches, so repeating one does not weight it). The last branch also gets the upper bound that
    Hypothesis tries more often than its weight, so it should not be a rare one."""
    total = sum(weight for weight, _ in pairs)

    @st.composite
    def pick(draw):
        x = draw(st.integers(0, total - 1))
        for weight, strategy in pairs:
            if x < weight:
                return draw(strategy)
            x -= weight
        raise AssertionError("unreachable")

    return pick()


def chance(percent: int) -> st.SearchStrategy:
    """True `percent` % of the time: a band in the middle of the range, away from the bounds that Hypothesis
    favours (a plain `integers(0, 9) == 0` comes out true far more often than one time in ten)."""
    return st.integers(0, 99).map(lambda x: 40 <= x < 40 + percent)


def some_of(optional: dict) -> st.SearchStrategy:
    """A mapping with each key of `optional` present half of the time (fixed_dictionaries' optional keys are
    mostly absent, so most generated resources would have no properties to check)."""

    @st.composite
    def mapping(draw):
        return {key: draw(value) for key, value in optional.items() if draw(st.booleans())}

    return mapping()


# -- literal values ----------------------------------------------------------------------------------------

ODD_STRINGS = (
    "", " ", "\t", "\n", "\r\n", "NaN", "nan", "-Infinity", "Infinity", "1e400", "0x1F", "null", "~", "true",
    "yes", "on", "No", "0", "-0", "007", "1_000", "\x00", "\x07", "\x1b[31m", "\u202e", "\u0000x", "\ufeff",
    "\ud800", "\udfff", "::", "::Enabled", "AWS::", "AWS::NoValue", "Fn::If", "Ref", "${", "}", "${AWS::Region}",
    "${!Literal}", "${Missing}", "${Missing.Arn}", "${ }", "{{resolve:ssm:/p}}", "{{resolve:", "*", "?", "**",
    "arn:aws:iam::*:role/*", "arn:aws:s3:::*", "arn:aws:kms:*:*:key/*", "alias/aws/s3", "alias/aws/sagemaker",
    "0.0.0.0/0", "::/0", "ml.*", "ml.", "ml.p4d.24xlarge", "ml.m5d.large", "Enabled ", "disabled", "DISABLED",
    "é", "😀", "a" * 300, "x\ny: z", "- a", "&a", "*a", "!Ref x", "#", "%", "\"", "'", "\\", "a.b.c",
)
INTERESTING_INTS = (0, 1, -1, 2, 3, 65535, 65536, -65536, 2**31, 2**53 + 1, 2**63, -(2**63), 10**30, -(10**30))
INTERESTING_FLOATS = (0.0, -0.0, 0.5, 1.0, 2.0, 1e308, -1e308, 5e-324, float("inf"), float("-inf"), float("nan"))

_LONG_TEXT = st.builds(lambda c, n: c * n, st.sampled_from("a*\n{[ "), st.integers(1000, 70000))
ODD_TEXT = weighted(
    (10, st.sampled_from(ODD_STRINGS)), (1, _LONG_TEXT),  # very long: rare, or every example is slow
    (4, st.text(max_size=12)), (4, st.text(alphabet=string.printable, max_size=20)),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.sampled_from(INTERESTING_INTS), st.integers(), st.sampled_from(INTERESTING_FLOATS),
    st.floats(), ODD_TEXT,
)
CONTAINERS = st.sampled_from(([], {}, [[]], [{}], {"": ""}, {"Fn::If": []}, {"Ref": None}, {"Ref": "x", "Fn::If": 1},
                              [None], [[[]]], {"a": {}}, {"Fn::Sub": {}}, {"Fn::Transform": {}}))


# -- placeholders for the template's names ---------------------------------------------------------------------

MISSING = ("Missing", "NoSuchThing", "AWS::NoSuch", "", " ", "a.b")
PSEUDO = ("AWS::Region", "AWS::AccountId", "AWS::Partition", "AWS::NoValue", "AWS::StackName", "AWS::URLSuffix",
          "AWS::NotificationARNs", "AWS::StackId")
ATTRIBUTES = ("Arn", "RoleId", "KeyId", "GroupId", "VpcId", "DomainName", "EndpointName", "AvailabilityZone",
              "Name", "", "A.B")
NAME_INDEX = st.integers(0, 9)  # below 8: one of the template's names; 8 and 9: a name it does not define


@dataclass(frozen=True)
class Name:
    """The index-th parameter/condition/mapping/resource (of `types`, when given) of the drawn template."""

    kind: str
    index: int
    types: tuple = ()


@dataclass(frozen=True)
class RefTo:
    """A reference to a resource of one of `types` (form 0 Ref, 1 GetAtt, 2 Sub), or `fallback` when the
    template has none."""

    types: tuple
    form: int
    attribute: str
    index: int
    fallback: object


@dataclass(frozen=True)
class SubText:
    """Fn::Sub text: strings and `Name`s (written ${name}) or (Name, ".Arn") pairs (written ${name.Arn})."""

    parts: tuple


@dataclass(frozen=True)
class MapKey:
    """Fn::FindInMap key at `level` (0 map, 1 top-level key, 2 second-level key) along `indexes`."""

    level: int
    indexes: tuple


@dataclass
class Names:
    """What placeholders are bound to: the template's own names."""

    parameters: list = field(default_factory=list)
    conditions: list = field(default_factory=list)
    mappings: dict = field(default_factory=dict)  # map -> {top key -> [second keys]}
    resources: dict = field(default_factory=dict)  # logical id -> type

    def of_type(self, *types) -> list:
        return [lid for lid, t in self.resources.items() if t in types]


def _pick(options, index: int) -> str:
    options = list(options)
    if options and index < 8:
        return options[index % len(options)]
    return MISSING[index % len(MISSING)]


def _name(name: Name, names: Names) -> str:
    if name.kind == "parameter":
        return _pick(names.parameters, name.index)
    if name.kind == "condition":
        return _pick(names.conditions, name.index)
    if name.kind == "mapping":
        return _pick(names.mappings, name.index)
    return _pick(names.of_type(*name.types) if name.types else names.resources, name.index)


def bind(value, names: Names):
    """`value` with every placeholder replaced by a name of `names` (or one it lacks)."""
    if isinstance(value, Name):
        return _name(value, names)
    if isinstance(value, RefTo):
        targets = names.of_type(*value.types)
        if not targets:
            return bind(value.fallback, names)
        target = _pick(targets, value.index)
        if value.form == 0:
            return {"Ref": target}
        if value.form == 1:
            return {"Fn::GetAtt": [target, value.attribute]}
        return {"Fn::Sub": "${" + target + "." + value.attribute + "}"}
    if isinstance(value, SubText):
        out = []
        for part in value.parts:
            if isinstance(part, Name):
                out.append("${" + _name(part, names) + "}")
            elif isinstance(part, tuple):
                out.append("${" + _name(part[0], names) + part[1] + "}")
            else:
                out.append(part)
        return "".join(out)
    if isinstance(value, MapKey):
        mapping = _pick(names.mappings, value.indexes[0])
        if value.level == 0:
            return mapping
        tops = names.mappings.get(mapping, {})
        top = _pick(tops, value.indexes[1])
        return top if value.level == 1 else _pick(tops.get(top, ()), value.indexes[2])
    if isinstance(value, dict):
        return {k: bind(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [bind(v, names) for v in value]
    return value


def name_of(kind: str, *types) -> st.SearchStrategy:
    return st.builds(Name, st.just(kind), NAME_INDEX, st.just(types))


def ref_to(types: tuple, literals: tuple, attributes=("Arn",)) -> st.SearchStrategy:
    """A Ref/GetAtt/Sub to a template resource of one of `types`, or a literal id/ARN."""
    return st.one_of(_lit(*literals), st.builds(RefTo, st.just(types), st.integers(0, 2), st.sampled_from(attributes),
                                                NAME_INDEX, _lit(*literals)))


# -- intrinsic functions -------------------------------------------------------------------------------------

def intrinsic(inner: st.SearchStrategy) -> st.SearchStrategy:
    """One intrinsic function whose arguments come from `inner` (which may itself nest intrinsics)."""
    any_resource = name_of("resource")
    ref = st.one_of(
        st.builds(lambda n: {"Ref": n}, name_of("parameter")),
        st.builds(lambda n: {"Ref": n}, any_resource),
        st.builds(lambda n: {"Ref": n}, _lit(*PSEUDO)),
        st.builds(lambda n: {"Ref": n}, inner),
    )
    getatt = st.one_of(
        st.builds(lambda n, a: {"Fn::GetAtt": [n, a]}, any_resource, _lit(*ATTRIBUTES)),
        st.builds(lambda n, a: {"Fn::GetAtt": SubText((n, "." + a))}, any_resource, _lit(*ATTRIBUTES)),
        st.builds(lambda n, a: {"Fn::GetAtt": [n, a]}, any_resource, inner),
        st.builds(lambda a: {"Fn::GetAtt": a}, st.one_of(st.just([]), st.builds(lambda n: [n], any_resource), inner)),
    )
    sub_text = st.builds(lambda parts: SubText(tuple(parts)), st.lists(st.one_of(
        _lit("arn:", "${AWS::Partition}", ":iam::", "${AWS::AccountId}", ":role/", "/", "*", "${!Literal}", "${",
             "}", "-", "{{resolve:ssm:/x}}", "${AWS::Region}", "${Var}", "${Other}"),
        name_of("parameter"), any_resource, st.builds(lambda n: (n, ".Arn"), any_resource),
    ), max_size=6))
    sub = st.one_of(
        st.builds(lambda t: {"Fn::Sub": t}, sub_text),
        st.builds(lambda t, v, form: {"Fn::Sub": [[t, v], [t], [v, t], [t, [], 1]][form]}, sub_text,
                  st.dictionaries(_lit("Var", "Other", "AWS::Region"), inner, max_size=2), st.integers(0, 3)),
    )
    join = st.builds(lambda d, items, form: {"Fn::Join": [[d, items], [d], [items, d], [d, items, 1]][form]},
                     st.one_of(_lit("", ",", ":", "/", "*"), inner), st.one_of(st.lists(inner, max_size=4), inner),
                     st.integers(0, 3))
    if_ = st.builds(lambda c, t, f, form: {"Fn::If": [[c, t, f], [c, t], [t, f, c], [c, t, f, 1]][form]},
                    name_of("condition"), inner, st.one_of(inner, st.just({"Ref": "AWS::NoValue"})), st.integers(0, 3))
    find_in_map = st.builds(
        lambda i, j, k, top, default, form: {"Fn::FindInMap": [
            [MapKey(0, (i,)), top if top is not None else MapKey(1, (i, j)), MapKey(2, (i, j, k))],
            [MapKey(0, (i,)), MapKey(1, (i, j)), MapKey(2, (i, j, k)), {"DefaultValue": default}],
            [MapKey(0, (i,)), MapKey(1, (i, j))], []][form]},
        NAME_INDEX, NAME_INDEX, NAME_INDEX, st.one_of(st.none(), inner), inner, st.integers(0, 3))
    select = st.builds(lambda i, items: {"Fn::Select": [i, items]},
                       st.one_of(st.integers(-2, 5), _lit("0", "1", " 1", "x", 10**20), inner),
                       st.one_of(st.lists(inner, max_size=4), inner, st.just({"Fn::GetAZs": ""}),
                                 st.just({"Fn::Split": [",", "a,b"]})))
    split = st.builds(lambda d, t: {"Fn::Split": [d, t]}, st.one_of(_lit("", ",", "|"), inner),
                      st.one_of(_lit("a,b,c", "", ",,"), inner))
    return st.one_of(
        ref, getatt, sub, join, if_, find_in_map, select, split,
        st.builds(lambda v: {"Fn::GetAZs": v}, st.one_of(st.just(""), st.just({"Ref": "AWS::Region"}), inner)),
        st.builds(lambda v: {"Fn::Base64": v}, inner),
        st.builds(lambda v: {"Fn::ImportValue": v}, inner),
        st.builds(lambda v: {"Fn::Cidr": v}, inner),
        st.builds(lambda v: {"Fn::Length": v}, inner),
        st.builds(lambda v: {"Fn::ToJsonString": v}, inner),
        st.builds(lambda k, v: {k: v}, _lit("Fn::Transform", "Fn::NoSuch", "Fn::", "Fn::ForEach"), inner),
        st.builds(lambda c: {"Condition": c}, name_of("condition")),
        condition_expression(inner),
    )


def condition_expression(inner: st.SearchStrategy, depth: int = 2) -> st.SearchStrategy:
    """A condition: Fn::Equals over parameters and literals, combined by And/Or/Not/Condition."""
    operand = st.one_of(
        st.builds(lambda p: {"Ref": p}, name_of("parameter")), st.builds(lambda p: {"Ref": p}, _lit(*PSEUDO)),
        _lit("prod", "dev", "true", "", "us-east-1", "Enabled"), inner,
    )
    base = st.one_of(
        st.builds(lambda a, b: {"Fn::Equals": [a, b]}, operand, operand),
        st.builds(lambda c: {"Condition": c}, name_of("condition")),
        st.builds(lambda a: {"Fn::Equals": a}, st.one_of(st.lists(operand, max_size=3), inner)),
    )
    if depth <= 0:
        return base
    sub = condition_expression(inner, depth - 1)
    return st.one_of(
        base,
        st.builds(lambda c: {"Fn::Not": [c]}, sub),
        st.builds(lambda c: {"Fn::Not": c}, st.one_of(sub, inner)),
        st.builds(lambda cs: {"Fn::And": cs}, st.lists(sub, max_size=4)),
        st.builds(lambda cs: {"Fn::Or": cs}, st.one_of(st.lists(sub, max_size=4), inner)),
    )


class _Hole:
    """Where a skeleton value takes a plausible value for the property (see `values`)."""

    __slots__ = ()


HOLE = _Hole()
_KEYS = st.one_of(ODD_TEXT, _lit("Ref", "Fn::If", "Fn::Sub"))


def _skeletons(depth: int) -> list:
    """Value shapes with holes, nested up to each depth: built once, shared by every property."""
    leaf = weighted((7, st.just(HOLE)), (2, SCALARS), (1, CONTAINERS))
    levels = [leaf]
    for _ in range(depth):
        inner = levels[-1]
        # Fn::If gets its own weight: real templates use it most, and each one multiplies the scenarios
        branch = st.builds(lambda c, t, f: {"Fn::If": [c, t, f]}, name_of("condition"), inner, inner)
        levels.append(weighted((12, leaf), (3, branch), (5, intrinsic(inner)), (1, st.lists(inner, max_size=3)),
                               (1, st.dictionaries(_KEYS, inner, max_size=2))))
    return levels


SKELETONS = _skeletons(2)


def _fill(value, draw, plausible):
    if value is HOLE:
        return draw(plausible)
    if isinstance(value, dict):
        return {k: _fill(v, draw, plausible) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, draw, plausible) for v in value]
    return value


def values(plausible: st.SearchStrategy | None = None, depth: int = 2) -> st.SearchStrategy:
    """A property value: mostly `plausible`, else odd literals, containers, or intrinsics (whose arguments are
    again plausible values, or not) nested to `depth`."""
    plausible = plausible if plausible is not None else ODD_TEXT

    @st.composite
    def filled(draw):
        return _fill(draw(SKELETONS[depth]), draw, plausible)

    return filled()


ANY_VALUE = values(None, 1)
ANY_SHALLOW = values(None, 0)
# Mostly the usual `!Equals [!Ref Env, prod]` (which can be true or false when Env allows both), else anything.
CONDITIONS = weighted((3, st.builds(lambda p, v: {"Fn::Equals": [{"Ref": p}, v]}, name_of("parameter"),
                                    _lit("prod", "dev", "true"))),
                      (2, condition_expression(ANY_VALUE)))

# -- plausible values, by the kind of property ------------------------------------------------------------

ACTIONS = ("*", "s3:*", "s3:GetObject", "s3:PutObject", "s3:Get*", "sagemaker:*", "sagemaker:CreateTrainingJob",
           "sagemaker:CreatePresignedNotebookInstanceUrl", "iam:PassRole", "iam:*", "iam:CreateRole",
           "iam:AttachRolePolicy", "kms:*", "kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant", "kms:Encrypt",
           "sts:AssumeRole", "sts:*", "ecr:GetAuthorizationToken", "logs:*", "lambda:InvokeFunction", "s3:",
           "sagemaker:Create*", "*:*", "ec2:*", "kms:Decrypt*", "S3:GETOBJECT", "sagemaker:createtrainingjob")
SERVICES = ("sagemaker.amazonaws.com", "ec2.amazonaws.com", "lambda.amazonaws.com", "*", "s3.amazonaws.com",
            "application-autoscaling.amazonaws.com", "events.amazonaws.com")
MANAGED_POLICIES = ("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", "arn:aws:iam::aws:policy/AdministratorAccess",
                    "arn:aws:iam::aws:policy/AmazonS3FullAccess", "arn:aws:iam::aws:policy/PowerUserAccess",
                    "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/Custom",
                    "arn:${AWS::Partition}:iam::aws:policy/AmazonSageMakerFullAccess", "arn:aws:iam::aws:policy/")
INSTANCE_TYPES = ("ml.t3.medium", "ml.m5.large", "ml.m5.xlarge", "ml.c5.2xlarge", "ml.g4dn.xlarge", "ml.m5d.large",
                  "ml.p3.16xlarge", "ml.p4d.24xlarge", "ml.inf1.xlarge", "ml.trn1.2xlarge", "ml.", "m5.large")
ENDPOINT_SERVICES = ("com.amazonaws.us-east-1.sagemaker.api", "com.amazonaws.us-east-1.sagemaker.runtime",
                     "com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.sts", "com.amazonaws.us-east-1.logs",
                     "com.amazonaws.us-east-1.ecr.api", "com.amazonaws.us-east-1.ecr.dkr",
                     "com.amazonaws.us-east-1.kms", "com.amazonaws.us-east-1.monitoring", "sagemaker.api", "",
                     "aws.sagemaker.us-east-1.notebook", "com.amazonaws.vpce.us-east-1.vpce-svc-0123")
ROLE = ("AWS::IAM::Role",)
KEY = ("AWS::KMS::Key", "AWS::KMS::Alias")
SUBNET = ("AWS::EC2::Subnet",)
GROUP = ("AWS::EC2::SecurityGroup",)
BUCKET = ("AWS::S3::Bucket",)
VPC = ("AWS::EC2::VPC",)

_ARN = _lit("*", "123456789012", "arn:aws:iam::123456789012:root", "arn:aws:iam::999999999999:root",
            "arn:aws:iam::123456789012:role/Other", {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"},
            {"Ref": "AWS::AccountId"})
PRINCIPALS = st.one_of(
    _lit("*", {"AWS": "*"}, {"Service": "sagemaker.amazonaws.com"}, {"Federated": "cognito-identity.amazonaws.com"},
         {"CanonicalUser": "abc"}, {}, []),
    st.builds(lambda a: {"AWS": a}, st.one_of(_ARN, st.lists(_ARN, max_size=3))),
    st.builds(lambda s: {"Service": s}, st.one_of(_lit(*SERVICES), st.lists(_lit(*SERVICES), max_size=3))),
    st.builds(lambda r: {"AWS": r}, ref_to(ROLE, ("*",))),
)
_BUCKET_NAME = name_of("resource", *BUCKET)
STATEMENT_RESOURCES = st.one_of(
    _lit("*", "arn:aws:s3:::bucket/*", "arn:aws:s3:::*", "arn:aws:iam::123456789012:role/*", "arn:aws:kms:*"),
    st.lists(_lit("*", "arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"), max_size=3),
    ref_to(BUCKET + ROLE + KEY, ("*",)),
    st.builds(lambda b: {"Fn::Sub": SubText(("arn:aws:s3:::", b, "/*"))}, _BUCKET_NAME),
    st.builds(lambda b: {"Fn::Join": ["", [{"Fn::GetAtt": [b, "Arn"]}, "/*"]]}, _BUCKET_NAME),
)
ACTION_VALUES = st.one_of(_lit(*ACTIONS), st.lists(_lit(*ACTIONS), max_size=4))
STATEMENT_CONDITIONS = st.one_of(
    _lit({"Bool": {"aws:SecureTransport": "false"}}, {"Bool": {"aws:SecureTransport": False}},
         {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
         {"StringEquals": {"aws:SourceAccount": "123456789012"}}, {"StringEquals": {"aws:PrincipalOrgID": "o-1"}},
         {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
         {"StringEquals": {"sts:ExternalId": "x"}}, {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}},
         {"ArnLike": {"aws:SourceArn": "arn:aws:sagemaker:*"}}, {"Null": {"aws:x": "true"}}, {}, [], "x"),
    st.dictionaries(_lit("StringEquals", "StringLike", "ForAnyValue:StringLike", "Bool", "IpAddress"),
                    st.dictionaries(_lit("aws:SourceIp", "aws:SourceVpc", "iam:PassedToService", "aws:userid"),
                                    values(_lit("*", "10.0.0.0/8", "x"), 1), max_size=2), max_size=2),
)
STATEMENT = some_of({
    "Sid": _lit("A", "", 1), "Effect": st.one_of(_lit("Allow", "Allow", "Deny", "allow", ""), ANY_SHALLOW),
    "Action": values(ACTION_VALUES, 1), "NotAction": values(ACTION_VALUES, 1),
    "Resource": values(STATEMENT_RESOURCES, 1), "NotResource": values(STATEMENT_RESOURCES, 1),
    "Principal": values(PRINCIPALS, 1), "NotPrincipal": values(PRINCIPALS, 1),
    "Condition": values(STATEMENT_CONDITIONS, 1),
})
POLICY_DOCUMENT = some_of({
    "Version": _lit("2012-10-17", "2008-10-17", "", 2012),
    "Statement": values(st.one_of(STATEMENT, st.lists(values(STATEMENT, 1), max_size=4)), 1),
})
SUPPRESSIONS = _lit(
    {"mlcheck": {"ignore": [{"id": "MLC401", "reason": "intended"}]}},
    {"mlcheck": {"ignore": ["MLC401", {"id": "nope", "reason": "x"}]}},
    {"mlcheck": {"ignore": [{"id": "MLC2", "reason": "r", "expires": "2020-01-01"}]}},
    {"mlcheck": {"ignore": [{"id": "notebook-direct-internet", "reason": " ", "expires": "not-a-date"}]}},
    {"mlcheck": {"ignore": [{"id": "MLC201", "reason": "r", "expires": 20300101}]}},
    {"checkov": {"skip": [{"id": "CKV_AWS_122", "comment": "x"}]}},
    {"cfn_nag": {"rules_to_suppress": [{"id": "W1200", "reason": "r"}]}},
    {"guard": {"SuppressedRules": ["SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS"]}},
    {"mlcheck": {"ignore": {"id": "MLC401"}}}, {"mlcheck": []}, {"mlcheck": {"ignore": [None, 5, []]}}, {},
)

_SUBNET = ref_to(SUBNET, ("subnet-0123456789abcdef0", "subnet-1", ""), ("SubnetId",))
_GROUP = ref_to(GROUP, ("sg-0123456789abcdef0", ""), ("GroupId",))
_ENDPOINT_NAME = name_of("resource", "AWS::SageMaker::Endpoint")
KINDS = {
    "str": ODD_TEXT,
    "bool": st.one_of(st.booleans(), _lit("true", "false", "True", "yes")),
    "int": st.one_of(st.integers(-2, 10), _lit("1", "2", "0", "-1", 1.5, 10**20)),
    "enabled": _lit("Enabled", "Disabled", "enabled", ""),
    "imds": _lit("1", "2", 1, 2, "3"),
    "network": _lit("PublicInternetOnly", "VpcOnly", "publicinternetonly"),
    "instance": _lit(*INSTANCE_TYPES),
    "role": ref_to(ROLE, ("arn:aws:iam::123456789012:role/SageMakerRole", "arn:aws:iam::123:role/x", "role", "")),
    "key": ref_to(KEY, ("arn:aws:kms:us-east-1:123456789012:key/1234", "alias/aws/sagemaker", "alias/mine",
                        "alias/aws/s3", "1234abcd-12ab-34cd-56ef-1234567890ab", ""), ("Arn", "KeyId")),
    "subnet": _SUBNET,
    "subnets": st.one_of(st.lists(_SUBNET, max_size=3), _SUBNET),
    "groups": st.one_of(st.lists(_GROUP, max_size=2), _GROUP),
    "group": _GROUP,
    "vpc": ref_to(VPC, ("vpc-0123456789abcdef0",), ("VpcId",)),
    "bucket": ref_to(BUCKET, ("my-bucket", "s3://my-bucket/prefix", ""), ("Arn", "DomainName")),
    "s3uri": st.one_of(_lit("s3://bucket/prefix", "s3://", "https://bucket.s3.amazonaws.com/x"),
                       st.builds(lambda b: {"Fn::Sub": SubText(("s3://", b, "/out"))}, _BUCKET_NAME)),
    "model": ref_to(("AWS::SageMaker::Model",), ("model-a",), ("ModelName",)),
    "endpoint_config": ref_to(("AWS::SageMaker::EndpointConfig",), ("config-a",), ("EndpointConfigName",)),
    "endpoint": ref_to(("AWS::SageMaker::Endpoint",), ("endpoint-a",), ("EndpointName",)),
    "domain": ref_to(("AWS::SageMaker::Domain",), ("d-abc",), ("DomainId",)),
    "target": ref_to(("AWS::ApplicationAutoScaling::ScalableTarget",), ("target",)),
    "policy": POLICY_DOCUMENT,
    "managed": st.lists(st.one_of(_lit(*MANAGED_POLICIES), ref_to(("AWS::IAM::ManagedPolicy",), ("x",))), max_size=3),
    "inline": st.lists(st.fixed_dictionaries({"PolicyName": _lit("p", ""), "PolicyDocument": POLICY_DOCUMENT}),
                       max_size=2),
    "roles": st.lists(ref_to(ROLE, ("SomeRole",)), max_size=2),
    "cidr": _lit("0.0.0.0/0", "10.0.0.0/16", "::/0", "0.0.0.0/1", "1.2.3.4/32", ""),
    "protocol": _lit("tcp", "-1", -1, "udp", "icmp", "6", "all"),
    "port": st.one_of(_lit(22, 443, 0, -1, 65535, 3389, "22", "x", 1.5), st.integers(-1, 70000)),
    "az": _lit("us-east-1a", "us-east-1b", "", {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
               {"Fn::Select": [1, {"Fn::GetAZs": {"Ref": "AWS::Region"}}]}),
    "az_id": _lit("use1-az1", "use1-az2"),
    "service": _lit(*ENDPOINT_SERVICES, {"Fn::Sub": "com.amazonaws.${AWS::Region}.sagemaker.runtime"},
                    {"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".s3"]]}),
    "endpoint_type": _lit("Interface", "Gateway", "GatewayLoadBalancer", "interface"),
    "acl": _lit("Private", "PublicRead", "PublicReadWrite", "AuthenticatedRead", "BucketOwnerFullControl"),
    "sse": _lit("aws:kms", "AES256", "aws:kms:dsse", ""),
    "versioning": _lit("Enabled", "Suspended", ""),
    "namespace": _lit("sagemaker", "ecs", "SageMaker"),
    "dimension": _lit("sagemaker:variant:DesiredInstanceCount", "sagemaker:variant:DesiredProvisionedConcurrency",
                      "ecs:service:DesiredCount"),
    "resource_id": st.one_of(
        _lit("endpoint/my-endpoint/variant/AllTraffic", "endpoint//variant/", "x"),
        st.builds(lambda e: {"Fn::Sub": SubText(("endpoint/", (e, ".EndpointName"), "/variant/AllTraffic"))},
                  _ENDPOINT_NAME),
        st.builds(lambda e, v: {"Fn::Join": ["/", ["endpoint", {"Fn::GetAtt": [e, "EndpointName"]}, "variant", v]]},
                  _ENDPOINT_NAME, _lit("AllTraffic", "B"))),
    "metric": _lit("SageMakerVariantInvocationsPerInstance", "SageMakerVariantProvisionedConcurrencyUtilization",
                   "ECSServiceAverageCPUUtilization", ""),
    "policy_type": _lit("TargetTrackingScaling", "StepScaling"),
    "variant": _lit("AllTraffic", "B", ""),
    "key_spec": _lit("SYMMETRIC_DEFAULT", "RSA_2048", "HMAC_256"),
    "key_usage": _lit("ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC"),
    "origin": _lit("AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM"),
    "alias": _lit("alias/mine", "alias/aws/s3", "alias/", "mine"),
}
PIPELINE_EXPRESSIONS = ({"Get": "Parameters.InstanceType"}, {"Get": "Parameters.Missing"}, {"Get": "Steps.A.B"},
                        {"Get": 5}, {"Get": []}, {"Std:Join": {"On": "/", "Values": ["s3:/", "b"]}},
                        {"Std:JsonGet": {"PropertyFile": "x", "Path": "y"}}, {"Std:": None}, {"Get": "Parameters."})
# In a pipeline step, any leaf may be a Pipelines expression instead.
PIPELINE_KINDS = {k: st.one_of(v, st.sampled_from(PIPELINE_EXPRESSIONS)) for k, v in KINDS.items()}

# -- resource property trees ----------------------------------------------------------------------------------
# A tree is a mapping of property -> tree, ("list", tree), or the name of a leaf kind (KINDS).

VPC_CONFIG = {"Subnets": "subnets", "SecurityGroupIds": "groups"}
CLUSTER = {"InstanceCount": "int", "InstanceType": "instance", "VolumeSizeInGB": "int", "VolumeKmsKeyId": "key"}
JOB_NETWORK = {"EnableNetworkIsolation": "bool", "EnableInterContainerTrafficEncryption": "bool",
               "VpcConfig": VPC_CONFIG}
MONITORING_JOB = {
    "MonitoringAppSpecification": {"ImageUri": "str"},
    "MonitoringInputs": ("list", {"EndpointInput": {"EndpointName": "endpoint", "LocalPath": "str"}}),
    "MonitoringOutputConfig": {"KmsKeyId": "key", "MonitoringOutputs": ("list", {"S3Output": {"S3Uri": "s3uri"}})},
    "MonitoringResources": {"ClusterConfig": CLUSTER}, "NetworkConfig": JOB_NETWORK, "RoleArn": "role",
}


def _job_definition(prefix: str) -> dict:
    return {
        f"{prefix}AppSpecification": {"ImageUri": "str", "ConfigUri": "s3uri"},
        f"{prefix}JobInput": {"EndpointInput": {"EndpointName": "endpoint", "LocalPath": "str"}},
        f"{prefix}JobOutputConfig": {"KmsKeyId": "key",
                                     "MonitoringOutputs": ("list", {"S3Output": {"S3Uri": "s3uri"}})},
        "JobResources": {"ClusterConfig": CLUSTER}, "NetworkConfig": JOB_NETWORK, "RoleArn": "role",
    }


VARIANT = {"VariantName": "variant", "ModelName": "model", "InstanceType": "instance", "InitialInstanceCount": "int",
           "InitialVariantWeight": "int", "ServerlessConfig": {"MaxConcurrency": "int", "MemorySizeInMB": "int",
                                                               "ProvisionedConcurrency": "int"}}
SG_RULE = {"IpProtocol": "protocol", "FromPort": "port", "ToPort": "port", "CidrIp": "cidr", "CidrIpv6": "cidr",
           "SourceSecurityGroupId": "group", "DestinationSecurityGroupId": "group"}
IAM_PRINCIPAL = {"ManagedPolicyArns": "managed", "Policies": "inline"}

PROPERTIES = {
    "AWS::SageMaker::NotebookInstance": {
        "InstanceType": "instance", "RoleArn": "role", "SubnetId": "subnet", "SecurityGroupIds": "groups",
        "DirectInternetAccess": "enabled", "RootAccess": "enabled", "KmsKeyId": "key",
        "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "imds"},
    },
    "AWS::SageMaker::Model": {
        "ExecutionRoleArn": "role", "EnableNetworkIsolation": "bool", "VpcConfig": VPC_CONFIG,
        "PrimaryContainer": {"Image": "str", "ModelDataUrl": "s3uri"},
        "Containers": ("list", {"Image": "str", "ModelDataUrl": "s3uri"}),
    },
    "AWS::SageMaker::EndpointConfig": {
        "KmsKeyId": "key", "ProductionVariants": ("list", VARIANT), "ShadowProductionVariants": ("list", VARIANT),
        "DataCaptureConfig": {"EnableCapture": "bool", "KmsKeyId": "key", "DestinationS3Uri": "s3uri",
                              "InitialSamplingPercentage": "int"},
        "AsyncInferenceConfig": {"OutputConfig": {"KmsKeyId": "key", "S3OutputPath": "s3uri"}},
    },
    "AWS::SageMaker::Endpoint": {"EndpointConfigName": "endpoint_config", "EndpointName": "str"},
    "AWS::SageMaker::Domain": {
        "AppNetworkAccessType": "network", "AuthMode": "str", "KmsKeyId": "key", "SubnetIds": "subnets",
        "VpcId": "vpc", "DomainSettings": {"SecurityGroupIds": "groups"},
        "DefaultUserSettings": {"ExecutionRole": "role", "SecurityGroups": "groups",
                                "SharingSettings": {"S3KmsKeyId": "key", "S3OutputPath": "s3uri",
                                                    "NotebookOutputOption": "str"}},
    },
    "AWS::SageMaker::UserProfile": {
        "DomainId": "domain",
        "UserSettings": {"ExecutionRole": "role", "SecurityGroups": "groups",
                         "SharingSettings": {"S3KmsKeyId": "key", "S3OutputPath": "s3uri"}},
    },
    "AWS::SageMaker::MonitoringSchedule": {
        "MonitoringScheduleConfig": {"MonitoringJobDefinition": MONITORING_JOB, "MonitoringJobDefinitionName": "str",
                                     "MonitoringType": "str"},
    },
    "AWS::SageMaker::DataQualityJobDefinition": _job_definition("DataQuality"),
    "AWS::SageMaker::ModelQualityJobDefinition": _job_definition("ModelQuality"),
    "AWS::SageMaker::ModelBiasJobDefinition": _job_definition("ModelBias"),
    "AWS::SageMaker::ModelExplainabilityJobDefinition": _job_definition("ModelExplainability"),
    "AWS::SageMaker::FeatureGroup": {
        "FeatureGroupName": "str", "RecordIdentifierFeatureName": "str", "EventTimeFeatureName": "str",
        "FeatureDefinitions": ("list", {"FeatureName": "str", "FeatureType": "str"}),
        "OfflineStoreConfig": {"S3StorageConfig": {"KmsKeyId": "key", "S3Uri": "s3uri"}},
        "OnlineStoreConfig": {"EnableOnlineStore": "bool", "SecurityConfig": {"KmsKeyId": "key"}},
        "RoleArn": "role",
    },
    "AWS::SageMaker::Pipeline": {"PipelineName": "str", "RoleArn": "role",
                                 "PipelineDefinition": {"PipelineDefinitionBody": "str"}},
    "AWS::IAM::Role": {"AssumeRolePolicyDocument": "policy", "RoleName": "str", **IAM_PRINCIPAL},
    "AWS::IAM::User": {"UserName": "str", "Groups": ("list", "str"), **IAM_PRINCIPAL},
    "AWS::IAM::Group": {"GroupName": "str", **IAM_PRINCIPAL},
    "AWS::IAM::Policy": {"PolicyName": "str", "PolicyDocument": "policy", "Roles": "roles", "Users": ("list", "str"),
                         "Groups": ("list", "str")},
    "AWS::IAM::ManagedPolicy": {"PolicyDocument": "policy", "Roles": "roles", "Users": ("list", "str"),
                                "Groups": ("list", "str")},
    "AWS::IAM::RolePolicy": {"PolicyName": "str", "PolicyDocument": "policy", "RoleName": "role"},
    "AWS::IAM::UserPolicy": {"PolicyName": "str", "PolicyDocument": "policy", "UserName": "str"},
    "AWS::KMS::Key": {"KeyPolicy": "policy", "EnableKeyRotation": "bool", "KeySpec": "key_spec",
                      "KeyUsage": "key_usage", "Origin": "origin", "Enabled": "bool", "Description": "str"},
    "AWS::KMS::Alias": {"AliasName": "alias", "TargetKeyId": "key"},
    "AWS::S3::Bucket": {
        "BucketName": "str", "AccessControl": "acl",
        "BucketEncryption": {"ServerSideEncryptionConfiguration": ("list", {
            "BucketKeyEnabled": "bool",
            "ServerSideEncryptionByDefault": {"SSEAlgorithm": "sse", "KMSMasterKeyID": "key"}})},
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": "bool", "BlockPublicPolicy": "bool",
                                           "IgnorePublicAcls": "bool", "RestrictPublicBuckets": "bool"},
        "VersioningConfiguration": {"Status": "versioning"},
        "LoggingConfiguration": {"DestinationBucketName": "bucket", "LogFilePrefix": "str"},
    },
    "AWS::S3::BucketPolicy": {"Bucket": "bucket", "PolicyDocument": "policy"},
    "AWS::EC2::VPC": {"CidrBlock": "cidr", "EnableDnsSupport": "bool", "EnableDnsHostnames": "bool"},
    "AWS::EC2::Subnet": {"VpcId": "vpc", "CidrBlock": "cidr", "AvailabilityZone": "az", "AvailabilityZoneId": "az_id",
                         "MapPublicIpOnLaunch": "bool"},
    "AWS::EC2::SecurityGroup": {"GroupDescription": "str", "VpcId": "vpc", "SecurityGroupIngress": ("list", SG_RULE),
                                "SecurityGroupEgress": ("list", SG_RULE)},
    "AWS::EC2::SecurityGroupIngress": {"GroupId": "group", **SG_RULE},
    "AWS::EC2::SecurityGroupEgress": {"GroupId": "group", **SG_RULE},
    "AWS::EC2::VPCEndpoint": {"ServiceName": "service", "VpcId": "vpc", "VpcEndpointType": "endpoint_type",
                              "PrivateDnsEnabled": "bool", "SubnetIds": "subnets", "SecurityGroupIds": "groups",
                              "RouteTableIds": ("list", "str"), "PolicyDocument": "policy"},
    "AWS::EC2::VPCEndpointService": {"AcceptanceRequired": "bool", "NetworkLoadBalancerArns": ("list", "str")},
    "AWS::ApplicationAutoScaling::ScalableTarget": {
        "ServiceNamespace": "namespace", "ScalableDimension": "dimension", "ResourceId": "resource_id",
        "MinCapacity": "int", "MaxCapacity": "int", "RoleARN": "role",
    },
    "AWS::ApplicationAutoScaling::ScalingPolicy": {
        "PolicyName": "str", "PolicyType": "policy_type", "ScalingTargetId": "target", "ResourceId": "resource_id",
        "ScalableDimension": "dimension", "ServiceNamespace": "namespace",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": "int",
            "PredefinedMetricSpecification": {"PredefinedMetricType": "metric"},
            "CustomizedMetricSpecification": {"MetricName": "str", "Namespace": "str", "Statistic": "str",
                                              "Dimensions": ("list", {"Name": "str", "Value": "endpoint"})},
        },
        "StepScalingPolicyConfiguration": {"AdjustmentType": "str",
                                           "StepAdjustments": ("list", {"ScalingAdjustment": "int"})},
    },
    "AWS::CloudWatch::Alarm": {"MetricName": "metric", "Namespace": "str", "Threshold": "int",
                               "Dimensions": ("list", {"Name": "str", "Value": "endpoint"})},
    "AWS::CloudTrail::Trail": {"IsLogging": "bool", "S3BucketName": "bucket", "EnableLogFileValidation": "bool",
                               "IsMultiRegionTrail": "bool", "KMSKeyId": "key"},
    "AWS::Logs::LogGroup": {"LogGroupName": "str", "KmsKeyId": "key", "RetentionInDays": "int"},
}

# Request bodies of the SageMaker jobs that have no CloudFormation type (mlcheck.inputs.sagemaker_api).
JOB_REQUESTS = {
    "CreateTrainingJob": {
        "TrainingJobName": "str", "RoleArn": "role", "AlgorithmSpecification": {"TrainingImage": "str",
                                                                                "TrainingInputMode": "str"},
        "OutputDataConfig": {"S3OutputPath": "s3uri", "KmsKeyId": "key"},
        "ResourceConfig": {"InstanceType": "instance", "InstanceCount": "int", "VolumeSizeInGB": "int",
                           "VolumeKmsKeyId": "key"},
        "StoppingCondition": {"MaxRuntimeInSeconds": "int"}, "VpcConfig": VPC_CONFIG,
        "EnableNetworkIsolation": "bool", "EnableInterContainerTrafficEncryption": "bool",
        "InputDataConfig": ("list", {"ChannelName": "str"}), "HyperParameters": {"epochs": "str"},
    },
    "CreateProcessingJob": {
        "ProcessingJobName": "str", "RoleArn": "role", "AppSpecification": {"ImageUri": "str"},
        "ProcessingResources": {"ClusterConfig": CLUSTER},
        "ProcessingOutputConfig": {"KmsKeyId": "key", "Outputs": ("list", {"OutputName": "str"})},
        "NetworkConfig": JOB_NETWORK,
    },
    "CreateTransformJob": {
        "TransformJobName": "str", "ModelName": "str", "TransformInput": {"DataSource": {}},
        "TransformOutput": {"S3OutputPath": "s3uri", "KmsKeyId": "key"},
        "TransformResources": {"InstanceType": "instance", "InstanceCount": "int", "VolumeKmsKeyId": "key"},
    },
    "CreateHyperParameterTuningJob": {
        "HyperParameterTuningJobName": "str", "HyperParameterTuningJobConfig": {"Strategy": "str"},
        "TrainingJobDefinition": {"RoleArn": "role", "VpcConfig": VPC_CONFIG, "EnableNetworkIsolation": "bool",
                                  "OutputDataConfig": {"KmsKeyId": "key"},
                                  "ResourceConfig": {"InstanceType": "instance", "VolumeKmsKeyId": "key"}},
    },
}

RESOURCE_TYPES = tuple(PROPERTIES)
UNRELATED_TYPES = ("AWS::SNS::Topic", "AWS::SQS::Queue", "AWS::Custom::Thing", "Custom::Resource", "AWS::Nope",
                   "", "AWS::SageMaker::CodeRepository")


def tree_value(tree, kinds: dict, depth: int = 3) -> st.SearchStrategy:
    """A value for a property tree: mappings get a subset of their keys, leaves a plausible-or-odd value."""
    if isinstance(tree, str):
        return values(kinds[tree], depth=1)
    if depth <= 0:
        return ANY_SHALLOW
    if isinstance(tree, tuple):
        return values(st.lists(tree_value(tree[1], kinds, depth - 1), max_size=3), depth=1)
    optional = {k: tree_value(sub, kinds, depth - 1) for k, sub in tree.items()}
    return values(some_of(optional), depth=1)


def _properties(tree, kinds) -> st.SearchStrategy:
    return some_of({k: tree_value(sub, kinds) for k, sub in tree.items()})


PROPERTY_STRATEGIES = {t: _properties(tree, KINDS) for t, tree in PROPERTIES.items()}

# -- whole templates ---------------------------------------------------------------------------------------

_ALNUM = string.ascii_letters + string.digits
LOGICAL_IDS = st.one_of(
    st.builds(lambda a, b: a + b, st.sampled_from(string.ascii_uppercase), st.text(_ALNUM, max_size=10)),
    _lit("Notebook", "Role", "Key", "Bucket", "Endpoint", "Config", "Model", "A.B", "Fn::If", "Fn::ForEach::Items",
         "", "é", "x" * 300, "Ref", "AWS::Region", "N\ud800"),  # a lone surrogate: JSON's \ud800 escape
)
PARAMETER_TYPES = ("String", "String", "Number", "CommaDelimitedList", "List<AWS::EC2::Subnet::Id>",
                   "AWS::SSM::Parameter::Value<String>", "AWS::EC2::VPC::Id", "List<Number>", "", "Bogus")
PARAMETER_SPEC = weighted(
    (3, _lit({"Type": "String", "Default": "prod", "AllowedValues": ["prod", "dev"]},
             {"Type": "String", "AllowedValues": ["true", "false"]}, {"Type": "String", "Default": "dev"})),
    (2, st.fixed_dictionaries({"Type": _lit(*PARAMETER_TYPES)}, optional={
        "Default": st.one_of(_lit("prod", "dev", "Enabled", "Disabled", "a,b", "", "1", 2), ANY_SHALLOW),
        "AllowedValues": st.one_of(st.lists(_lit("prod", "dev", "Enabled", "Disabled", "true", "false", 1, ""),
                                            max_size=4), ANY_SHALLOW),
    })),
)
RESOURCE_TYPE = weighted((19, _lit(*RESOURCE_TYPES)), (1, _lit(*UNRELATED_TYPES)))


def _prefixed(prefix: str, size: int) -> st.SearchStrategy:
    return st.builds(lambda s: prefix + s, st.text(_ALNUM, max_size=size))


@st.composite
def templates(draw, max_resources: int = 6) -> dict:
    """A CloudFormation template (as data) over SageMaker-stack resource types."""
    names = Names()
    resource_ids = draw(st.lists(LOGICAL_IDS, min_size=1, max_size=max_resources, unique=True))
    for logical_id in resource_ids:
        names.resources[logical_id] = draw(RESOURCE_TYPE)
    names.parameters = draw(st.lists(_prefixed("P", 6), max_size=4, unique=True))
    names.conditions = draw(st.lists(_prefixed("C", 6), max_size=5, unique=True))
    for mapping in draw(st.lists(_prefixed("M", 4), max_size=2, unique=True)):
        names.mappings[mapping] = {top: ["Key", "Other"] for top in draw(
            st.lists(_lit("prod", "dev", "us-east-1", "Default"), max_size=3, unique=True))}
    data: dict = {}
    if not draw(chance(20)):
        data["AWSTemplateFormatVersion"] = draw(_lit("2010-09-09", "2010-09-09", "", 2010, None))
    if draw(chance(10)):
        data["Transform"] = draw(_lit("AWS::Serverless-2016-10-31", "AWS::LanguageExtensions",
                                      ["AWS::LanguageExtensions"], {}))
    if names.parameters:
        data["Parameters"] = {name: draw(ANY_SHALLOW) if draw(chance(3)) else draw(PARAMETER_SPEC)
                              for name in names.parameters}
    if names.conditions:
        data["Conditions"] = {name: draw(CONDITIONS) for name in names.conditions}
    if names.mappings:
        mapped = values(KINDS["enabled"], 1)
        data["Mappings"] = {m: {top: {k: draw(mapped) for k in keys} for top, keys in tops.items()}
                            for m, tops in names.mappings.items()}
    if draw(chance(10)):
        data["Metadata"] = draw(SUPPRESSIONS)
    resources = {}
    for logical_id, resource_type in names.resources.items():
        definition: dict = {"Type": resource_type}
        odd = draw(chance(3))
        if resource_type in PROPERTY_STRATEGIES and not odd:
            definition["Properties"] = draw(PROPERTY_STRATEGIES[resource_type])
        elif odd:
            definition["Properties"] = draw(values(None, 2))  # not a mapping, or an intrinsic
        if names.conditions and draw(chance(15)):
            definition["Condition"] = draw(st.one_of(name_of("condition"), ANY_SHALLOW))
        if draw(chance(12)):
            definition["Metadata"] = draw(SUPPRESSIONS)
        if draw(chance(10)):
            definition["DependsOn"] = draw(st.one_of(name_of("resource"), ANY_SHALLOW))
        resources[logical_id] = draw(ANY_SHALLOW) if draw(chance(2)) else definition
    data["Resources"] = resources
    if draw(chance(10)):
        data["Outputs"] = {"Out": {"Value": draw(ANY_VALUE), "Export": {"Name": draw(ANY_VALUE)}}}
    return bind(data, names)


# -- SageMaker API documents ---------------------------------------------------------------------------------

API_TREES = {
    "CreateModel": ("ModelName", PROPERTIES["AWS::SageMaker::Model"]),
    "CreateEndpointConfig": ("EndpointConfigName", PROPERTIES["AWS::SageMaker::EndpointConfig"]),
    "CreateEndpoint": ("EndpointName", {"EndpointConfigName": "str", "DeploymentConfig": {}}),
    "CreateNotebookInstance": ("NotebookInstanceName", PROPERTIES["AWS::SageMaker::NotebookInstance"]),
    "CreateDomain": ("DomainName", PROPERTIES["AWS::SageMaker::Domain"]),
    "CreateUserProfile": ("UserProfileName", PROPERTIES["AWS::SageMaker::UserProfile"]),
    "CreateMonitoringSchedule": ("MonitoringScheduleName", PROPERTIES["AWS::SageMaker::MonitoringSchedule"]),
    "CreateFeatureGroup": ("FeatureGroupName", PROPERTIES["AWS::SageMaker::FeatureGroup"]),
    "CreateDataQualityJobDefinition": ("JobDefinitionName", PROPERTIES["AWS::SageMaker::DataQualityJobDefinition"]),
    "CreateModelBiasJobDefinition": ("JobDefinitionName", PROPERTIES["AWS::SageMaker::ModelBiasJobDefinition"]),
    **{op: (next(iter(tree)), tree) for op, tree in JOB_REQUESTS.items()},
}
OPERATIONS = tuple(sorted(API_TREES))
API_NAME = st.one_of(_lit("job-1", "", " ", "a#2"), ANY_SHALLOW)
API_BODIES = {op: (_properties(tree, KINDS), _properties(tree, PIPELINE_KINDS)) for op, (_, tree) in API_TREES.items()}
_API_NAMES = Names(parameters=["InstanceType", "Role"])  # what a request's placeholders are bound to


@st.composite
def api_body(draw, operation: str, pipeline: bool = False) -> dict:
    body = draw(API_BODIES[operation][1 if pipeline else 0])
    if not draw(chance(25)):
        body[API_TREES[operation][0]] = draw(API_NAME)
    return bind(body, _API_NAMES)


@st.composite
def api_documents(draw) -> dict:
    """A bare Create* request, a {"Operation", "Input"} wrapper, or a Pipelines definition."""
    operation = draw(_lit(*OPERATIONS))
    form = draw(st.integers(0, 2))
    if form == 0:
        body = draw(api_body(operation))
        if draw(chance(10)):
            body["//"] = draw(ODD_TEXT)
        if draw(chance(10)):
            body[draw(_lit("CreationTime", "TrainingJobArn", "ResponseMetadata"))] = "x"
        return body
    if form == 1:
        doc = {"Operation": draw(st.one_of(_lit(*OPERATIONS), _lit("CreateNoSuch", "", "DescribeModel"), ANY_SHALLOW)),
               "Input": draw(st.one_of(api_body(operation), api_body(operation), ANY_VALUE))}
        if draw(chance(20)):
            doc["Metadata"] = draw(SUPPRESSIONS)
        return bind(doc, _API_NAMES)
    return draw(pipelines())


STEP_OPERATIONS = {"Training": "CreateTrainingJob", "Processing": "CreateProcessingJob",
                   "Transform": "CreateTransformJob", "Tuning": "CreateHyperParameterTuningJob", "Model": "CreateModel"}


@st.composite
def pipeline_steps(draw, depth: int = 2) -> list:
    steps = []
    for i in range(draw(st.integers(1, 4))):
        kind = draw(_lit("Training", "Processing", "Transform", "Tuning", "Model", "Condition", "Fail",
                         "RegisterModel", "Lambda", "", 5))
        step = {"Type": kind}
        if not draw(chance(10)):
            step["Name"] = draw(st.one_of(_lit(f"Step{i}", "Step0", "", "A#2"), ANY_SHALLOW))
        if kind in STEP_OPERATIONS:
            step["Arguments"] = draw(st.one_of(api_body(STEP_OPERATIONS[kind], pipeline=True),
                                               api_body(STEP_OPERATIONS[kind], pipeline=True), ANY_SHALLOW))
        elif kind == "Condition" and depth > 0:
            step["Arguments"] = {"Conditions": [], "IfSteps": draw(pipeline_steps(depth - 1)),
                                 "ElseSteps": draw(st.one_of(pipeline_steps(depth - 1), ANY_SHALLOW))}
        steps.append(step)
    return bind(steps, _API_NAMES)


PIPELINE_PARAMETERS = st.one_of(st.lists(st.fixed_dictionaries(
    {"Name": _lit("InstanceType", "Role", "", 5)},
    optional={"Type": _lit("String", "Integer", "Boolean", 5),
              "DefaultValue": st.one_of(_lit(*INSTANCE_TYPES), ANY_SHALLOW)}), max_size=3), ANY_SHALLOW)


@st.composite
def pipelines(draw) -> dict:
    doc = {"Version": draw(_lit("2020-12-01", "2020-12-01", "2020-13-45", "9999-99-99")),
           "Steps": draw(pipeline_steps())}
    if draw(st.booleans()):
        doc["Parameters"] = draw(PIPELINE_PARAMETERS)
    if draw(chance(20)):
        doc["Metadata"] = draw(SUPPRESSIONS)
    return bind(doc, _API_NAMES)


# -- SageMaker Python SDK config files ---------------------------------------------------------------------------
# `SchemaVersion` + a `SageMaker:` tree (mlcheck.inputs.sdk_config): v2 sections keyed by the API's member names,
# `PythonSDK.Modules.RemoteFunction`, and v3 `PythonSDK.Resources.<Resource>` keyed by snake_case attributes.
# Sections are plausible request bodies, or hostile ones: wrong types, numbers, nulls and booleans as keys, the
# same subtree twice (written as a YAML alias), merge keys, deep nesting, long lists.

SDK_V2_SECTIONS = {"Model": "CreateModel", "EndpointConfig": "CreateEndpointConfig", "Endpoint": "CreateEndpoint",
                   "FeatureGroup": "CreateFeatureGroup", "MonitoringSchedule": "CreateMonitoringSchedule",
                   "TrainingJob": "CreateTrainingJob", "ProcessingJob": "CreateProcessingJob",
                   "TransformJob": "CreateTransformJob"}
SDK_V3_RESOURCES = {op[len("Create"):]: op for op in OPERATIONS}
_SDK_NAMES = Names(parameters=["InstanceType", "Role"])  # placeholders become plain names (a file has no Refs)
SDK_BODIES = {op: API_BODIES[op][0].map(lambda body: bind(body, _SDK_NAMES)) for op in OPERATIONS}
SDK_REMOTE_FUNCTION = some_of({
    "EnableInterContainerTrafficEncryption": st.booleans(), "RoleArn": KINDS["role"],
    "VpcConfig": _properties(VPC_CONFIG, KINDS), "Tags": st.just([{"Key": "k", "Value": "v"}]),
    "S3KmsKeyId": KINDS["key"], "Dependencies": ODD_TEXT}).map(lambda body: bind(body, _SDK_NAMES))
SDK_ANY = ANY_SHALLOW.map(lambda value: bind(value, _SDK_NAMES))
SDK_ODD_KEYS = st.one_of(st.sampled_from((0, 1, -1, 1.5, True, False, None, "", "<<", "__", "_x", "A_b", "kms_key_id",
                                          "KmsKeyId", "SageMaker", "1.0")), ODD_TEXT)


def _snake(value, free: bool = False):
    """A v2 (API-named) body in the v3 file's snake_case, as the SDK's schema writes it (environment variables
    and hyperparameters are the user's own names, kept)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            name = re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower() if isinstance(key, str) and not free else key
            out[name] = _snake(item, free=name in ("environment", "hyper_parameters"))
        return out
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


def _deep(value, depth: int, as_list: bool):
    for _ in range(depth):
        value = [value] if as_list else {"VpcConfig": value}
    return value


@st.composite
def hostile_value(draw, plausible: st.SearchStrategy) -> object:
    """A value where a section or a member is expected: plausible, or of the wrong type, or enormous."""
    kind = draw(st.integers(0, 19))
    if kind <= 11:
        return draw(plausible)
    if kind == 12:
        return draw(st.one_of(SCALARS, CONTAINERS, SDK_ANY))
    if kind in (13, 14):  # a list where a mapping is expected (or a list of them)
        return draw(st.lists(st.one_of(plausible, SCALARS), max_size=3))
    if kind in (15, 16):  # keys that are not strings, or not names
        body = draw(plausible)
        body = dict(body) if isinstance(body, dict) else {}
        for _ in range(draw(st.integers(1, 3))):
            body[draw(SDK_ODD_KEYS)] = draw(st.one_of(SCALARS, CONTAINERS, plausible))
        return body
    if kind == 17:  # nested close to or past the loader's depth limit
        return _deep(draw(plausible), draw(st.sampled_from((50, 199, 201, 501))), draw(st.booleans()))
    if kind == 18:  # a long list: the same element many times
        return [draw(st.one_of(SCALARS, plausible))] * draw(st.sampled_from((100, 3000)))  # larger: the hostile tests
    return None  # a section written with no value


@st.composite
def sdk_configs(draw) -> dict:
    """A SageMaker Python SDK config document (mostly one that mlcheck recognises as such)."""
    sagemaker: dict = {}
    for section, operation in SDK_V2_SECTIONS.items():
        if draw(chance(50)):
            sagemaker[section] = draw(hostile_value(SDK_BODIES[operation]))
    python_sdk: dict = {}
    if draw(chance(40)):
        python_sdk["Modules"] = draw(hostile_value(st.fixed_dictionaries({}, optional={
            "RemoteFunction": hostile_value(SDK_REMOTE_FUNCTION), "Session": st.just({"DefaultS3Bucket": "b"}),
            "Estimator": SDK_ANY})))
    if draw(chance(50)):
        resources = {name: draw(hostile_value(SDK_BODIES[op].map(_snake)))
                     for name, op in SDK_V3_RESOURCES.items() if draw(chance(30))}
        if draw(chance(10)):
            resources["GlobalDefaults"] = draw(SDK_ANY)
        python_sdk["Resources"] = draw(hostile_value(st.just(resources)))
    if python_sdk:
        sagemaker["PythonSDK"] = draw(hostile_value(st.just(python_sdk)))
    if draw(chance(20)) and sagemaker:  # one section's body shared with another (a YAML alias once dumped)
        names = sorted(sagemaker, key=str)
        sagemaker[draw(st.sampled_from(names))] = sagemaker[draw(st.sampled_from(names))]
    if draw(chance(10)) and sagemaker:  # a merge key pulling one section into another
        target = draw(st.sampled_from(sorted(sagemaker, key=str)))
        if isinstance(sagemaker[target], dict):
            source = sagemaker[draw(st.sampled_from(sorted(sagemaker, key=str)))]
            sagemaker[target] = {"<<": source, **sagemaker[target]}
    doc = {"SchemaVersion": draw(weighted((8, st.just("1.0")), (1, st.sampled_from((1.0, "2.0", None, 1))),
                                          (1, SDK_ANY))),
           "SageMaker": draw(weighted((9, st.just(sagemaker)), (1, hostile_value(st.just(sagemaker)))))}
    if draw(chance(15)):
        doc["CustomParameters"] = draw(SDK_ANY)
    if draw(chance(5)):
        doc[draw(SDK_ODD_KEYS)] = draw(SDK_ANY)
    return doc


SDK_SERIALISATIONS = ("yaml", "yaml-flow", "json")


def serialise_sdk_config(data, how: str) -> tuple:
    """(bytes, file name). YAML keeps keys that are not strings (numbers, null, booleans) and writes a subtree
    that appears twice as an anchor and an alias; JSON needs text keys."""
    if how == "json":
        return serialise(data, how)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=how == "yaml-flow",
                          width=80)
    return text.encode("utf-8", "surrogatepass"), "config.yaml"


@st.composite
def serialised_sdk_configs(draw) -> tuple:
    return serialise_sdk_config(draw(sdk_configs()), draw(st.sampled_from(SDK_SERIALISATIONS)))


# -- serialisation ------------------------------------------------------------------------------------------

class _Tagged:
    """An intrinsic to be written in YAML short form (`!Ref x`, `!If [...]`)."""

    __slots__ = ("tag", "value")

    def __init__(self, tag, value):
        self.tag, self.value = tag, value


class _Dumper(yaml.SafeDumper):
    pass


def _represent_tagged(dumper, data):
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    return dumper.represent_scalar(data.tag, "" if data.value is None else str(data.value))


_Dumper.add_representer(_Tagged, _represent_tagged)


def _short_form(value):
    if isinstance(value, dict):
        if len(value) == 1:
            (key, arg), = value.items()
            if isinstance(key, str) and (key == "Ref" or key == "Condition" or key.startswith("Fn::")):
                tag = "!" + (key[4:] if key.startswith("Fn::") else key)
                if tag not in ("!", "!!") and all(c.isalnum() for c in tag[1:]):
                    if tag == "!GetAtt" and isinstance(arg, list) and len(arg) == 2 and all(
                            isinstance(a, str) for a in arg):
                        return _Tagged(tag, f"{arg[0]}.{arg[1]}")
                    return _Tagged(tag, _short_form(arg))
        return {k: _short_form(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_short_form(v) for v in value]
    return value


def _stringify_keys(value):
    """JSON and YAML keys must be text; generated mappings may use None or numbers as keys in odd places."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: _stringify_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify_keys(v) for v in value]
    if isinstance(value, _Tagged):
        return value
    return value


SERIALISATIONS = ("json", "json-compact", "json-ascii", "yaml", "yaml-short", "yaml-flow")


def serialise(data, how: str) -> tuple:
    """(bytes, file name) for a document written one of SERIALISATIONS ways."""
    data = _stringify_keys(data)
    if how == "json":
        return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8", "surrogatepass"), "template.json"
    if how == "json-compact":
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass"), \
            "template.json"
    if how == "json-ascii":
        return json.dumps(data, indent=1).encode(), "template.template"  # \ud800 escapes stay escapes
    if how == "yaml-short":
        text = yaml.dump(_short_form(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=80)
        return text.encode("utf-8", "surrogatepass"), "template.yaml"
    if how == "yaml-flow":
        text = yaml.safe_dump(data, default_flow_style=True, allow_unicode=False, sort_keys=False)
        return text.encode("utf-8", "surrogatepass"), "template.yml"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return text.encode("utf-8", "surrogatepass"), "template.yaml"


@st.composite
def serialised(draw, documents: st.SearchStrategy) -> tuple:
    """(bytes, file name) of a drawn document."""
    return serialise(draw(documents), draw(st.sampled_from(SERIALISATIONS)))


# -- byte-level mutations -----------------------------------------------------------------------------------

INSERTIONS = (b"\x00", b"\xff", b"\xef\xbb\xbf", b"\xfe\xff", b"\t", b"\r", b"\n", b"  ", b"{", b"}", b"[", b"]",
              b":", b",", b"- ", b"!Ref ", b"!GetAtt ", b"!If ", b"!!python/object/apply:os.system ['x']", b"&a ",
              b"*a", b"<<: *a\n", b"<<: ", b"---\n", b"...\n", b"%YAML 1.1\n", b"%TAG ! tag:x,2000:\n", b"? ",
              b"|\n", b">-\n", b"'", b'"', b"\\u", b"\\ud800", b"\"\\ud83d\"", b"#", b"@", b"`", b"\xc3",
              b"\xed\xa0\x80",
              b"1e999", b"-.inf", b".nan", b"0o17", b"0x", b"2001-01-01", b"~", b"!!binary AAAA", b"!!set {a}",
              b"!!omap [a: 1]", b"!!timestamp x", b"!!float x", b"!!int 0x", b"\\", b"Fn::", b"AWS::")


@st.composite
def mutated(draw, documents: st.SearchStrategy) -> tuple:
    """(bytes, file name): a serialised document with a few byte-level edits."""
    raw, name = draw(serialised(documents))
    data = bytearray(raw)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.integers(0, 7))
        at = draw(st.integers(0, len(data)))
        if op == 0:
            data[at:at] = draw(st.sampled_from(INSERTIONS))
        elif op == 1:
            del data[at:at + draw(st.integers(1, 40))]
        elif op == 2:
            data = data[:at]
        elif op == 3:
            piece = data[at:at + draw(st.integers(1, 60))]
            data[at:at] = piece * draw(st.integers(1, 30))
        elif op == 4 and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == 5:
            data[at:at] = draw(st.binary(max_size=8))
        elif op == 6:  # indentation damage
            data = bytearray(bytes(data).replace(b"\n  ", draw(st.sampled_from((b"\n ", b"\n\t", b"\n   "))), 1))
        else:
            data[at:at] = b" " * draw(st.integers(1, 5))
    if draw(chance(5)):  # the same document in another encoding
        encoding = draw(st.sampled_from(("utf-16", "utf-32", "utf-16-le", "utf-8-sig", "latin-1")))
        data = bytearray(bytes(data).decode("utf-8", "replace").encode(encoding, "replace"))
    if draw(chance(10)):
        name = draw(st.sampled_from(("template.json", "template.yaml", "template", "x.txt")))
    return bytes(data), name


# -- hand-made texts that stress one mechanism ------------------------------------------------------------

@st.composite
def alias_bombs(draw) -> tuple:
    """YAML whose aliases expand to many nodes (just under or over the loader's limit), inside a resource."""
    width = draw(st.integers(2, 10))
    levels = draw(st.integers(1, 9))
    lines = ["AWSTemplateFormatVersion: '2010-09-09'", "x0: &a0 [" + ", ".join(["Enabled"] * width) + "]"]
    for level in range(1, levels):
        lines.append(f"x{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    target = draw(st.sampled_from(("Tags", "SecurityGroupIds", "DirectInternetAccess", "Policies")))
    lines += ["Resources:", "  Notebook:", "    Type: AWS::SageMaker::NotebookInstance", "    Properties:",
              f"      {target}: *a{levels - 1}",
              "  Role:", "    Type: AWS::IAM::Role", "    Properties:", f"      Policies: *a{levels - 1}"]
    return ("\n".join(lines) + "\n").encode(), "bomb.yaml"


@st.composite
def deep_nesting(draw) -> tuple:
    """A value nested close to or past the loaders' depth limit, as data or as intrinsics."""
    depth = draw(st.sampled_from((100, 199, 201, 400, 499, 501, 1000)))
    opener, closer = draw(st.sampled_from(((b'{"Fn::If": ["C", ', b', "x"]}'), (b"[", b"]"), (b'{"a": ', b"}"),
                                           (b'{"Fn::Join": ["", [', b"]]}"), (b'{"Fn::Not": [', b"]}"))))
    value = opener * depth + b'"Enabled"' + closer * depth
    raw = (b'{"AWSTemplateFormatVersion": "2010-09-09", "Conditions": {"C": {"Fn::Equals": ["a", "b"]}, '
           b'"D": ' + value.replace(b'"Enabled"', b'{"Fn::Equals": ["a", "a"]}') + b'}, "Resources": {"N": '
           b'{"Type": "AWS::SageMaker::NotebookInstance", "Properties": {"DirectInternetAccess": ' + value + b'}}}}')
    return raw, "deep.json"
