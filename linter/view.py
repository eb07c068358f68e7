"""A resource as rules see it: properties resolved under one scenario, AWS defaults, and document paths."""

from __future__ import annotations

from mlcheck.defaults import default_for
from mlcheck.template import Resource
from mlcheck.values import NO_VALUE, Unknown


class ResourceView:
    __slots__ = ("resource", "resolver", "_properties")

    def __init__(self, resource: Resource, resolver):
        self.resource = resource
        self.resolver = resolver
        self._properties = None

    @property
    def logical_id(self) -> str:
        return self.resource.logical_id

    @property
    def type(self) -> str:
        return self.resource.type

    @property
    def properties(self) -> dict:
        """Resolved properties (computed once per scenario). Unresolvable pieces are Unknown values."""
        if self._properties is None:
            raw = self.resource.definition.get("Properties")
            if raw is None:
                self._properties = {}
            else:
                resolved = self.resolver.resolve(raw)
                self._properties = resolved if isinstance(resolved, dict) else {}
                if isinstance(resolved, Unknown):
                    self._properties = {"__unknown__": resolved}
        return self._properties

    def get(self, *keys, default=None):
        """Resolved value at Properties/keys..., or `default` if absent (no AWS default applied). When the whole
        Properties block cannot be known, every property is that Unknown (never "absent")."""
        value = self.properties
        if "__unknown__" in value:
            return value["__unknown__"]
        for key in keys:
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
        makes every property unknown."""
        if "__unknown__" in self.properties:
            return self.properties["__unknown__"], False
        value = self.get(*keys, default=NO_VALUE)
        if value is NO_VALUE:
            default = default_for(self.type, tuple(keys))
            return default, default is not None
        return value, False

    def path(self, *keys) -> tuple:
        return self.resource.properties_path + tuple(keys)
