"""Map: a hash map (`map_*` states).

The body shown is a dict of the keys and values, toolkit objects in it (as keys or values) being
replaced by their reference strings; the objects themselves are kept alongside (`keys()`,
`values()`, iteration, lookups return them). JSON turns the body's keys into strings.
"""
from ARgorithmToolkit._ids import next_id
from ARgorithmToolkit.encoders import serialize
from ARgorithmToolkit.utils import ARgorithmError, ARgorithmHashable, ARgorithmStructure, State, StateSet, _state

_PLAIN = (str, int, float, bool)
_KEY_TYPES = (ARgorithmHashable, int, str, float, bool)
_VALUE_TYPES = (ARgorithmStructure, int, str, float, bool)


class MapState:
    """Builds the states of one Map."""

    def __init__(self, name, _id):
        self.name = name
        self._id = _id

    def map_declare(self, body, comments="") -> State:
        return _state("map_declare",
                      {"id": self._id, "variable_name": self.name, "body": body.copy()},
                      comments)

    def map_get(self, body, key, value, comments="") -> State:
        return _state("map_get",
                      {"id": self._id, "variable_name": self.name, "body": body.copy(),
                       "key": key, "value": value},
                      comments)

    def map_set(self, body, key, value, last_value=None, comments="") -> State:
        return _state("map_set",
                      {"id": self._id, "variable_name": self.name, "body": body.copy(),
                       "key": key, "value": value, "last_value": last_value},
                      comments)

    def map_remove(self, body, key, value, comments="") -> State:
        return _state("map_remove",
                      {"id": self._id, "variable_name": self.name, "body": body.copy(),
                       "key": key, "value": value},
                      comments)


class MapIterator:
    """Iterates (key, value) pairs of the Map as it was when iteration began (no states)."""

    def __init__(self, _map):
        assert isinstance(_map, Map)
        self.map = _map
        self.size = len(_map)
        self.index = 0
        self.keys = list(self.map.keys())
        self.values = list(self.map.values())

    def __next__(self) -> tuple:
        if self.index == self.size:
            raise StopIteration
        pair = (self.keys[self.index], self.values[self.index])
        self.index += 1
        return pair


def _shown(obj):
    return obj if isinstance(obj, _PLAIN) else obj.to_json()


@serialize
class Map(ARgorithmStructure):
    """A map from plain values or toolkit objects to plain values or toolkit objects."""

    def __init__(self, name: str, algo: StateSet, comments: str = ""):
        try:
            assert isinstance(name, str)
            self._id = next_id()
            self.state_generator = MapState(name, self._id)
        except Exception as ex:
            raise ARgorithmError("Give valid name to data structure") from ex
        try:
            assert isinstance(algo, StateSet)
            self.algo = algo
        except Exception as ex:
            raise ARgorithmError("Map structure needs a reference of template to store states") from ex
        self.body = {}
        self.__working_dict = {}
        self.algo.add_state(self.state_generator.map_declare(self.body, comments))

    def __len__(self) -> int:
        return len(self.__working_dict)

    def _body_key(self, key):
        return key.to_json() if isinstance(key, ARgorithmHashable) else key

    def __getitem__(self, key):
        try:
            found = self.__working_dict[key]
            shown = self.body[self._body_key(key)]
            self.algo.add_state(self.state_generator.map_get(body=self.body, key=key, value=shown, comments=""))
            return found
        except Exception as e:
            raise ARgorithmError(f"Invalid Key Error : {str(e)}") from e

    def get(self, key, default=None, comments=""):
        try:
            found = self.__working_dict[key]
            self.algo.add_state(self.state_generator.map_get(body=self.body, key=key, value=found, comments=comments))
            return found
        except KeyError:
            # 0.2.3 shows any falsy default (None, 0, False, "") as "none", and misspells the comment.
            self.algo.add_state(self.state_generator.map_get(
                body=self.body, key=key, value=default if default else "none",
                comments=f"key not found. value efaulted to {default}"))
            return default

    def _store(self, key, value, comments):
        assert isinstance(key, _KEY_TYPES), (
            "Invalid key : key cannot be any type other than (ARgorithmHashable, int, str, float, bool), "
            f"{type(key).__name__} is not hashable.")
        assert isinstance(value, _VALUE_TYPES), (
            "Invalid value : value cannot be set to any type other than (ARgorithmStructure, int, str, float, bool)")
        # Looked up with the key itself: for a toolkit-object key (kept under its reference)
        # the previous value always shows as "none", as in 0.2.3.
        last_value = self.body.get(key, "none")
        self.__working_dict[key] = value
        self.body[_shown(key)] = _shown(value)
        self.algo.add_state(self.state_generator.map_set(body=self.body, key=key, value=value,
                                                         last_value=last_value, comments=comments))

    def set(self, key, value, comments=""):
        self._store(key, value, comments)

    def __setitem__(self, key, value, comments=""):
        self._store(key, value, "")

    def __iter__(self):
        return MapIterator(self)

    def _delete(self, key, comments):
        body_key = self._body_key(key)
        value = self.body[body_key]
        del self.body[body_key]
        del self.__working_dict[key]
        self.algo.add_state(self.state_generator.map_remove(self.body, key, value, comments))

    def __delitem__(self, key):
        try:
            self._delete(key, "")
        except Exception as e:
            raise ARgorithmError(f"Invalid Key Error : {str(e)}") from e

    def remove(self, key, comments=""):
        try:
            self._delete(key, comments)
        except KeyError:
            self.algo.add_state(self.state_generator.map_remove(self.body, key, "none", "key not found, nothing removed."))

    def __repr__(self) -> str:
        return f"Map({self.__working_dict.__repr__()})"

    def __str__(self) -> str:
        return f"Map({self.__working_dict.__str__()})"

    def keys(self):
        return self.__working_dict.keys()

    def values(self):
        return self.__working_dict.values()
