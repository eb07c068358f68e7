"""SageMaker hosting facts shared by the deployment-correctness rules (7xx) and the rules that exempt serverless
models (MLC405, MLC406): variant lists, serverless or not, numbers read from template data, which variants serve
a model, and near names.

Template data is untrusted: numbers are read with `mlcheck.util.convert.to_number`, which never raises and gives None
for anything that is not plainly a finite number (callers treat None as unknown).
"""

from __future__ import annotations

from mlcheck.model.cache import deployed, template_index
from mlcheck.model.names import has_unknown, name_key
from mlcheck.model.values import Composite, Unknown, is_symbolic

ENDPOINT_CONFIG = "AWS::SageMaker::EndpointConfig"
MODEL = "AWS::SageMaker::Model"
VARIANT_LISTS = ("ProductionVariants", "ShadowProductionVariants")


def shown(value) -> str:
    """A number as written in a message: 80, 0.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def variant_entries(view, lists=VARIANT_LISTS):
    """(list name, index, variant mapping) for each variant of an EndpointConfig view."""
    for key in lists:
        items = view.get(key)
        if isinstance(items, list):
            for i, variant in enumerate(items):
                if isinstance(variant, dict):
                    yield key, i, variant


def serverless_state(variant: dict):
    """True for a serverless variant, False for an instance-based one (a variant that also names an instance
    type is deployed, if at all, as instance-based), None when that depends on values not known."""
    config = variant.get("ServerlessConfig")
    if config is None:
        return False
    instance_type = variant.get("InstanceType")
    if isinstance(instance_type, str):
        return False
    if isinstance(config, Unknown) or is_symbolic(instance_type):
        return None
    return instance_type is None


def values_at(value, keys, path=()):
    """(path, value) at keys below value, "*" standing for every list item."""
    if not keys:
        yield path, value
        return
    key, rest = keys[0], keys[1:]
    if key == "*":
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from values_at(item, rest, path + (i,))
    elif isinstance(value, dict) and key in value:
        yield from values_at(value[key], rest, path + (key,))


def unknown_reason(value, what: str) -> str:
    return value.reason if isinstance(value, Unknown) else f"{what} is computed"


# -- which variants serve a model -------------------------------------------------------------------------------

def _model_names(ctx) -> dict:
    out = {}
    for model in ctx.graph.of_type(MODEL):
        key = name_key(ctx.view(model).get("ModelName"))
        if key is not None:
            out[key] = model
    return out


def model_of(ctx, value):
    """The template Model a variant's ModelName designates (GetAtt/Ref, literal or built name), else None."""
    found = ctx.graph.target(value, MODEL)
    if found is None and isinstance(value, Composite):
        key = name_key(value)
        if key is not None:
            found = template_index(ctx, "hosting.model_names", _model_names).get(key)
    return found


def _serving(ctx) -> tuple:
    by_model: dict = {}
    uncertain: list = []
    for config in ctx.graph.of_type(ENDPOINT_CONFIG):
        view = ctx.view(config)
        for _, _, variant in variant_entries(view):
            value = variant.get("ModelName")
            model = model_of(ctx, value)
            if model is not None:
                by_model.setdefault(model.logical_id, []).append((config, serverless_state(variant)))
            elif isinstance(value, (Unknown, Composite)) and (has_unknown(value) or name_key(value) is None):
                uncertain.append(f"a variant of {config.logical_id} names a model that cannot be resolved")
        for key in VARIANT_LISTS:  # a list or variant that cannot be known may serve any model
            items = view.get(key)
            if isinstance(items, Unknown) or (isinstance(items, list) and any(isinstance(i, Unknown) for i in items)):
                uncertain.append(f"the variants of {config.logical_id} cannot be resolved")
                break
    return by_model, uncertain


def served_only_serverless(ctx, model):
    """(answer, reason): True when every endpoint variant of the template serving the model is serverless (and
    there is at least one), False when one is not or none serves it, None (with the reason) when unknown. The
    defaults for every model (a defaults-only resource, mlcheck.inputs.sdk_config) serve no variant known."""
    if model.defaults_only:
        return False, ""
    by_model, uncertain = template_index(ctx, "hosting.serving_variants", _serving)
    serving = []
    for config, state in by_model.get(model.logical_id, []):
        exists = deployed(ctx, config)
        if exists is None:  # without that configuration the model may be served otherwise, or not at all
            return None, f"{config.logical_id} exists only when condition {config.condition} is true"
        if exists:
            serving.append(state)
    states = serving
    if False in states:
        return False, ""
    if not states:  # served by no variant known to serve it: unknown if one that cannot be known might
        return (None, uncertain[0]) if uncertain else (False, "")
    if None in states:
        return None, "whether the variants serving the model are serverless depends on values not known"
    if uncertain:
        return None, uncertain[0]
    return True, ""


# -- near names -------------------------------------------------------------------------------------------------

def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 once it is certain to exceed `limit` (cheap for long names)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _version_bump(a: str, b: str) -> bool:
    """Same length and differing only in digits (model-v1 / model-v2, 2024-05 / 2024-06): another version,
    not a typo."""
    return len(a) == len(b) and all(x == y or (x.isdigit() and y.isdigit()) for x, y in zip(a, b))


def near_names(name: str, candidates, limit: int = 2) -> list:
    """Candidates within `limit` edits of `name` (case-insensitive), closest first; a distance must also stay
    below half the shorter name, and version bumps do not count."""
    scored = []
    lowered = name.lower()
    for candidate in candidates:
        other = candidate.lower()
        if other == lowered or _version_bump(lowered, other):
            continue
        distance = edit_distance(lowered, other, limit)
        if distance <= limit and distance * 2 < min(len(lowered), len(other)):
            scored.append((distance, candidate))
    return [c for _, c in sorted(scored)]

