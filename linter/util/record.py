"""Plain record classes: value equality, repr and (for frozen ones) hashing over the fields a class lists.

Why not dataclasses: `@dataclass` compiles `__init__`, `__eq__`, `__repr__`... with `exec` for every class it
decorates (and `slots=True` builds the class twice); for the fifty records mlcheck defines that was about a
quarter of a one-template run. A record here writes its own `__init__` and names its fields in
`_fields` (and `__slots__` when it has slots); these bases supply the rest, generically and without exec,
with the dataclass meaning: equal when the class and every field are equal; frozen records hash by their
fields and refuse assignment, mutable ones are unhashable. Types compared and hashed on hot paths (the
symbolic values) write out their own `__eq__`/`__hash__`, which are faster than these generic ones.
"""

from operator import attrgetter


class FrozenError(AttributeError):
    """Assignment to a field of a frozen record (as dataclasses.FrozenInstanceError)."""


def _no_fields(record):
    return ()


class Record:
    __slots__ = ()
    _fields = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        fields = cls._fields
        # attrgetter returns a single value for one name: still a consistent key for == and hash. It is no
        # descriptor, so `self._key` is the getter itself, with no binding on each call.
        cls._key = attrgetter(*fields) if fields else staticmethod(_no_fields)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key(self) == self._key(other)

    __hash__ = None  # equal by value and mutable: not hashable (as a dataclass)

    def __repr__(self) -> str:
        names = getattr(self, "_repr_fields", self._fields)
        return f"{type(self).__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in names)})"

    def replace(self, **changes):
        """A copy with `changes` to some fields (as dataclasses.replace: through __init__)."""
        return type(self)(**{**{n: getattr(self, n) for n in self._fields}, **changes})

    def as_dict(self) -> dict:
        """Field name -> value (not recursive)."""
        return {n: getattr(self, n) for n in self._fields}


class FrozenRecord(Record):
    __slots__ = ()

    def __hash__(self):
        return hash(self._key(self))

    def __setattr__(self, name, value):
        raise FrozenError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise FrozenError(f"cannot delete field {name!r}")

    def __reduce__(self):
        # pickle (--jobs) and copy rebuild through __init__: restoring slots one by one would assign them
        return type(self), tuple(getattr(self, n) for n in self._fields)
