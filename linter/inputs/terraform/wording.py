"""Findings of Terraform resources in Terraform's words: the CloudFormation property names a rule's message and
fix hint use (`KmsKeyId`, `VpcConfig.Subnets`, `ProductionVariants[0].InitialInstanceCount`) become the attribute
names the user wrote (`kms_key_arn`, `vpc_config.subnets`, `production_variants[0].initial_instance_count`),
and CloudFormation types named in a hint (`AWS::KMS::Key`) the one Terraform type of the same object.

The names come from the catalogue (`MAPPERS`, `FOLDED`), looked up in the finding's resource type first, then in
every mapped type where the name is a compound one (`ModelDataUrl`) that always maps to the same attribute.
A bucket's split-out properties are named by their resource (`BucketEncryption` is
`aws_s3_bucket_server_side_encryption_configuration`). Only whole tokens outside quotes are replaced; type words
(`Bucket 'x'`), names mapped to `name` (`EndpointName` is also a CloudWatch dimension) and names the catalogue
does not know are left as they are. In a fix hint, a translated name followed by `: value` reads `= value`
(`name {` for a block), as Terraform writes it; a message's colon may start prose ("has no X: nobody ...").
"""

from __future__ import annotations

import re
from functools import lru_cache

from mlcheck.inputs.terraform.catalogue import FOLDED, MAPPERS

# A property path: CamelCase segments joined by dots, each optionally indexed; not inside an ARN, an action
# (`kms:CreateGrant`), a path or a ${...} expression.
_TOKEN = re.compile(r"(?<![\w/:.\-$@*])(?<!\$\{)[A-Z][A-Za-z0-9]*(?:\[\d+\])?(?:\.[A-Z][A-Za-z0-9]*(?:\[\d+\])?)*"
                    r"(?![\w/\-]|:\S)")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`")
_SEGMENT = re.compile(r"([A-Za-z0-9]+)((?:\[\d+\])?)")
_CFN_TYPE = re.compile(r"AWS::[A-Za-z0-9]+::[A-Za-z0-9]+")
_SKIPPED_TARGETS = {"name", "bucket"}  # a resource's own name: rather a dimension or a reference in prose


class _Name:
    __slots__ = ("tf", "children")

    def __init__(self, tf: str, children: dict | None):
        self.tf, self.children = tf, children


def _tree(fields) -> dict:
    return {f.cfn: _Name(f.tf, _tree(f.block) if f.block is not None else None) for f in fields}


@lru_cache(maxsize=None)
def _names(tf_type: str) -> dict:
    """CloudFormation property -> _Name for one Terraform type, split-out S3 properties by their resource."""
    cfn_type, fields = MAPPERS.get(tf_type, (None, ()))
    names = _tree(fields)
    for fold_type, (_, target_type, prop, field) in FOLDED.items():
        if target_type == cfn_type and field is not None and fold_type != "aws_s3_bucket_acl":
            names[prop] = _Name(fold_type, _tree(field.block) if field.block is not None else None)
    return names


def _every(names: dict, cfn: str, found: list) -> list:
    for key, name in names.items():
        if key == cfn:
            found.append(name)
        if name.children:
            _every(name.children, cfn, found)
    return found


@lru_cache(maxsize=None)
def _global() -> dict:
    """Compound names (two capitals or more) that map to one attribute in every type that has them."""
    seen: dict = {}
    for tf_type in MAPPERS:
        for cfn, name in _flat(_names(tf_type)):
            if sum(ch.isupper() for ch in cfn) >= 2:
                seen.setdefault(cfn, []).append(name)
    return {cfn: found[0] for cfn, found in seen.items() if len({_shape(n) for n in found}) == 1}


def _flat(names: dict):
    for cfn, name in names.items():
        yield cfn, name
        if name.children:
            yield from _flat(name.children)


def _shape(name: _Name):
    return name.tf, None if name.children is None else tuple(sorted((k, _shape(v)) for k, v in
                                                                    name.children.items()))


@lru_cache(maxsize=None)
def _type_words() -> frozenset:
    return frozenset(cfn_type.rsplit("::", 1)[-1] for cfn_type, _ in MAPPERS.values())


@lru_cache(maxsize=None)
def _terraform_types() -> dict:
    """CloudFormation type -> the one Terraform type mapped onto it (types several map onto are left out)."""
    by_cfn: dict = {}
    for tf_type, (cfn_type, _) in MAPPERS.items():
        by_cfn.setdefault(cfn_type, []).append(tf_type)
    return {cfn: tf[0] for cfn, tf in by_cfn.items() if len(tf) == 1}


def _first(names: dict, cfn: str) -> _Name | None:
    """`cfn` at the top of the type, else the one attribute it is wherever it is nested, else anywhere."""
    if cfn in names:
        return names[cfn]
    found = _every(names, cfn, [])
    if found and len({_shape(n) for n in found}) == 1:
        return found[0]
    return _global().get(cfn)


def _translate_path(names: dict, token: str) -> _Name | tuple | None:
    """(Terraform path, its last _Name) of a CloudFormation property path, or None when a segment is unknown."""
    parts, level, last = [], names, None
    for i, segment in enumerate(token.split(".")):
        match = _SEGMENT.fullmatch(segment)
        if match is None:
            return None
        cfn, index = match.groups()
        last = _first(level, cfn) if i == 0 else (level or {}).get(cfn)
        if last is None or not last.tf:
            return None
        parts.append(last.tf + index)
        level = last.children
    return ".".join(parts), last


def _outside_quotes(text: str, change) -> str:
    out, at = [], 0
    for quoted in _QUOTED.finditer(text):
        out.append(change(text[at:quoted.start()]))
        out.append(quoted.group())
        at = quoted.end()
    out.append(change(text[at:]))
    return "".join(out)


def terraform_wording(text: str, tf_type: str, assignments: bool = False) -> str:
    """`text` (a message, a fix hint) with the CloudFormation names of `tf_type`'s properties in Terraform's;
    with `assignments` (a fix hint: "Set X: true"), `name: value` as Terraform writes it."""
    if not text or tf_type not in MAPPERS:
        return text
    names = _names(tf_type)

    def change(part: str) -> str:
        part = _CFN_TYPE.sub(lambda m: _terraform_types().get(m.group(), m.group()), part)
        out, at = [], 0
        for match in _TOKEN.finditer(part):
            token = match.group()
            if token in _type_words():
                continue
            found = _translate_path(names, token)
            if found is None or found[0] in _SKIPPED_TARGETS:
                continue
            tf, name = found
            end = match.end()
            if assignments and part.startswith(": ", end) and (name.children is None or
                                                              part.startswith(": {", end)):
                tf += "" if name.children is not None else " ="
                end += 1
            out.append(part[at:match.start()] + tf)
            at = end
        out.append(part[at:])
        return "".join(out)

    return _outside_quotes(text, change)
