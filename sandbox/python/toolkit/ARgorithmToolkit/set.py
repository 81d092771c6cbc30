"""Set: a hash set (`set_*` states).

0.2.3 kept a Python set as the body, which its own StateEncoder could not serialize, so no Set
trace was ever produced. This project's form (shared with the Rust toolkit): the body is a JSON
array in insertion order; `set_declare` has the body, `set_add` and `set_remove` add the
"element" concerned, `set_find` adds the "element" and whether it was "found". To keep that
order, and the sets built by union/intersection/difference, deterministic, the body and the set
of objects behind it are insertion-ordered sets (equal to Python sets with the same elements).
"""
from collections.abc import MutableSet

from ARgorithmToolkit._ids import next_id
from ARgorithmToolkit._scalars import NumpyScalar
from ARgorithmToolkit.encoders import serialize
from ARgorithmToolkit.utils import ARgorithmError, ARgorithmHashable, ARgorithmStructure, State, StateSet, _state

_INVALID = "Invalid key error : Please provide data with ARgorithmHashable type or (int, float, bool, str)"


class OrderedSet(MutableSet):
    """A set that iterates in insertion order."""

    def __init__(self, items=()):
        self._items = dict.fromkeys(items)

    def __contains__(self, item):
        return item in self._items

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def add(self, item):
        self._items[item] = None

    def discard(self, item):
        self._items.pop(item, None)

    def remove(self, item):
        if item not in self._items:
            raise KeyError(item)
        del self._items[item]

    def copy(self):
        return OrderedSet(self._items)

    def intersection(self, other):
        return OrderedSet(x for x in self._items if x in other)

    def union(self, other):
        merged = OrderedSet(self._items)
        for x in other:
            merged.add(x)
        return merged

    def difference(self, other):
        return OrderedSet(x for x in self._items if x not in other)

    def __repr__(self):
        if not self._items:
            return "set()"
        return "{" + ", ".join(repr(x) for x in self._items) + "}"


class SetState:
    """Builds the states of one Set."""

    def __init__(self, name, _id):
        self.name = name
        self._id = _id

    def _def(self, body):
        return {"id": self._id, "variable_name": self.name, "body": list(body)}

    def set_declare(self, body, comments="") -> State:
        return _state("set_declare", self._def(body), comments)

    def set_add(self, body, key, comments="") -> State:
        return _state("set_add", {"id": self._id, "variable_name": self.name, "body": list(body), "element": key},
                      comments)

    def set_remove(self, body, key, comments="") -> State:
        return _state("set_remove", {"id": self._id, "variable_name": self.name, "body": list(body),
                                     "element": key}, comments)

    def set_find(self, body, key, found, comments="") -> State:
        return _state("set_find", {"id": self._id, "variable_name": self.name, "body": list(body),
                                   "element": key, "found": found}, comments)


@serialize
class Set(ARgorithmStructure):
    """A set of plain values (int, float, bool, str) and toolkit objects (kept by reference)."""

    def __init__(self, name: str, algo: StateSet, data=None, comments=""):
        try:
            assert isinstance(name, str)
            self._id = next_id()
            self.state_generator = SetState(name, self._id)
        except Exception as ex:
            raise ARgorithmError("Give valid name to data structure") from ex
        try:
            assert isinstance(algo, StateSet)
            self.algo = algo
        except Exception as ex:
            raise ARgorithmError("Set structure needs a reference of template to store states") from ex
        self.body = OrderedSet()
        if data:
            for x in data:
                if isinstance(x, ARgorithmHashable):
                    self.body.add(x.to_json())
                elif isinstance(x, (int, str, bool, float, NumpyScalar)):
                    self.body.add(x)
                else:
                    raise TypeError(_INVALID)
        # `data` is read a second time, as in 0.2.3 (an iterator would give an empty set here).
        self.__working_set = OrderedSet(data) if data else OrderedSet()
        self.algo.add_state(self.state_generator.set_declare(self.body, comments=comments))

    def __len__(self) -> int:
        return len(self.__working_set)

    def add(self, key, comments=""):
        try:
            assert isinstance(key, (ARgorithmHashable, int, bool, str, float))
        except AssertionError as ae:
            raise TypeError(_INVALID) from ae
        self.body.add(key.to_json() if isinstance(key, ARgorithmHashable) else key)
        self.__working_set.add(key)
        self.algo.add_state(self.state_generator.set_add(self.body, key, comments))

    def remove(self, key, comments=""):
        try:
            self.body.remove(key.to_json() if isinstance(key, ARgorithmHashable) else key)
            self.__working_set.remove(key)
            self.algo.add_state(self.state_generator.set_remove(self.body, key, comments))
        except Exception as e:
            raise ARgorithmError(f"Invalid Key Error : {str(e)}") from e

    def find(self, key, comments="") -> bool:
        found = key in self.__working_set
        self.algo.add_state(self.state_generator.set_find(self.body, key, found, comments))
        return found

    def _combine(self, other, how, comments):
        if not comments:
            comments = f"Creating new set with {how} of {self.state_generator.name} and {other.state_generator.name}"
        data = getattr(self.__working_set, how)(other.__working_set)
        name = f"{self.state_generator.name}_{how}_{other.state_generator.name}"
        return Set(name, self.algo, data, comments=comments)

    def intersection(self, other, comments=""):
        return self._combine(other, "intersection", comments)

    def union(self, other, comments=""):
        return self._combine(other, "union", comments)

    def difference(self, other, comments=""):
        return self._combine(other, "difference", comments)

    def __repr__(self) -> str:
        return f"Set({self.__working_set.__repr__() if len(self.__working_set) > 0 else '{}'})"

    def __str__(self) -> str:
        return f"Set({self.__working_set.__str__() if len(self.__working_set) > 0 else '{}'})"
