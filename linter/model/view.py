"""A resource as rules see it: properties resolved under one scenario, AWS defaults, and document paths.

Each top-level property is resolved when a rule first reads it (then kept), and what its value depended on
(the conditions its `Fn::If`s asked, see resolve.Demand) is replayed into the resolver at every read: a rule's
check thus records the conditions of the properties it read, not those of every property of the resource.
"""

from __future__ import annotations

from mlcheck.aws.defaults import default_for
from mlcheck.model.template import Resource
from mlcheck.model.values import NO_VALUE, UNDECIDED, Unknown

_WHOLE = object()  # key of the whole Properties when they are not a plain mapping (`Properties: !If [...]`)


def _is_plain_mapping(value) -> bool:
    """A mapping of property names, as opposed to one intrinsic function (`{"Fn::If": [...]}`)."""
    if not isinstance(value, dict):
        return False
    if len(value) != 1:
        return True
    key = next(iter(value))
    return not (key == "Ref" or key.startswith("Fn::"))


class ResourceView:
    __slots__ = ("resource", "resolver", "_raw", "_plain", "_resolved", "_properties")

    def __init__(self, resource: Resource, resolver):
        self.resource = resource
        self.resolver = resolver
        self._raw = resource.definition.get("Properties")
        self._plain = self._raw is None or _is_plain_mapping(self._raw)
        self._resolved: dict = {}  # key -> (value, Demand)
        self._properties = None

    @property
    def logical_id(self) -> str:
        return self.resource.logical_id

    @property
    def type(self) -> str:
        return self.resource.type

    def _resolve(self, key, raw):
        found = self._resolved.get(key)
        if found is not None:
            value, demand = found
            self.resolver.replay(demand)
            return value
        demand = self.resolver.begin()
        try:
            value = self.resolver.resolve(raw)
        finally:
            self.resolver.end(demand)
        self._resolved[key] = (value, demand)
        return value

    def _whole(self) -> dict:
        """Properties that are not a plain mapping, resolved at once; {"__unknown__": ...} when unknown."""
        resolved = self._resolve(_WHOLE, self._raw)
        if isinstance(resolved, Unknown):
            return {"__unknown__": resolved}
        return resolved if isinstance(resolved, dict) else {}

    def _property(self, key):
        """The resolved top-level property `key` (NO_VALUE when absent or removed by AWS::NoValue)."""
        if not self._plain:
            whole = self._whole()
            return whole.get("__unknown__", whole.get(key, NO_VALUE))
        if self._raw is None or key not in self._raw:
            return NO_VALUE
        return self._resolve(key, self._raw[key])

    @property
    def properties(self) -> dict:
        """Resolved properties (computed once per scenario). Unresolvable pieces are Unknown values; when the
        whole Properties block cannot be known it is {"__unknown__": Unknown}."""
        if not self._plain:
            return self._whole()
        if self._raw is None:
            return {}
        if self._properties is None:
            resolved = {key: self._property(key) for key in self._raw}
            self._properties = {k: v for k, v in resolved.items() if v is not NO_VALUE}
        else:
            for key in self._raw:  # what every property depended on counts for this read too
                self._property(key)
        return self._properties

    def _unknown_block(self):
        """The Unknown that every property is when the whole Properties block cannot be known, else None."""
        return None if self._plain else self._whole().get("__unknown__")

    def get(self, *keys, default=None):
        """Resolved value at Properties/keys..., or `default` if absent (no AWS default applied). When the whole
        Properties block cannot be known, every property is that Unknown (never "absent"). On a defaults-only
        resource (Resource.defaults_only) an absent property is UNDECIDED, whatever `default` says."""
        unknown = self._unknown_block()
        if unknown is not None:
            return unknown
        if not keys:
            return self.properties
        if self.resource.defaults_only and default is not NO_VALUE:
            value = self.get(*keys, default=NO_VALUE)
            return UNDECIDED if value is NO_VALUE else value
        value = self._property(keys[0])
        if value is NO_VALUE:
            return default
        for key in keys[1:]:
            if isinstance(value, dict):
                if key not in value:
                    return default
                value = value[key]
            elif isinstance(value, list) and isinstance(key, int):
                if not 0 <= key < len(value):
                    return default
                value = value[key]
            elif isinstance(value, Unknown):
                return value
            else:
                return default
        return value

    def value(self, *keys):
        """(value, is_default): the resolved value, or the AWS default when the property is absent, or
        (None, False) when it is absent and AWS has no default. A whole Properties block that is unknown
        makes every property unknown; on a defaults-only resource an absent property is (UNDECIDED, False)."""
        unknown = self._unknown_block()
        if unknown is not None:
            return unknown, False
        value = self.get(*keys, default=NO_VALUE)
        if value is NO_VALUE:
            if self.resource.defaults_only:
                return UNDECIDED, False
            default = default_for(self.type, tuple(keys))
            return default, default is not None
        return value, False

    def path(self, *keys) -> tuple:
        return self.resource.properties_path + tuple(keys)
