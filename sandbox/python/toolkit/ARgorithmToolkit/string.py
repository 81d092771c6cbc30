"""String: an immutable string whose reads are shown (`string_*` states)."""
from ARgorithmToolkit._ids import next_id
from ARgorithmToolkit.encoders import serialize
from ARgorithmToolkit.utils import ARgorithmError, ARgorithmHashable, ARgorithmStructure, StateSet, _state


class StringState:
    """Builds the states of one String."""

    def __init__(self, name, _id):
        self.name = name
        self._id = _id

    def string_declare(self, body, comments=""):
        return _state("string_declare",
                      {"id": self._id, "variable_name": self.name, "body": body},
                      comments)

    def string_iter(self, body, index, comments=""):
        return _state("string_iter",
                      {"id": self._id, "variable_name": self.name, "body": body, "index": index},
                      comments)

    def string_append(self, body, element, comments=""):
        return _state("string_append",
                      {"id": self._id, "variable_name": self.name, "body": body, "element": element},
                      comments)


class StringIterator:
    """Iterates a String; every character read emits its `string_iter`."""

    def __init__(self, string):
        assert isinstance(string, String)
        self.string = string
        self._index = 0
        self.size = len(string)

    def __next__(self):
        if self._index == self.size:
            raise StopIteration
        value = self.string[self._index]
        self._index += 1
        return value


@serialize
class String(ARgorithmStructure, ARgorithmHashable):
    """A string; `append` and `+` make it grow, indexing and iteration are shown."""

    def __init__(self, name, algo, body="", comments=""):
        try:
            assert isinstance(name, str)
            self._id = next_id()
            self.state_generator = StringState(name, self._id)
        except AssertionError as e:
            raise ARgorithmError("Give valid name to data structure") from e
        try:
            assert isinstance(algo, StateSet)
            self.algo = algo
        except AssertionError as e:
            raise TypeError("string structure needs a reference of StateSet to store states") from e
        try:
            assert isinstance(body, str)
            self.body = body
        except AssertionError as e:
            raise ARgorithmError("String body should be of type string") from e
        self.algo.add_state(self.state_generator.string_declare(self.body, comments))

    def __len__(self):
        return len(self.body)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return String(f"{self.state_generator.name}_sub", self.algo, self.body[key],
                          comments=f"creating new substring for {key}")
        # The state comes first: an index out of range still shows the access, then raises.
        self.algo.add_state(self.state_generator.string_iter(self.body, key, comments=f"accessing character at {key}"))
        return self.body[key]

    def __setitem__(self, key, value):
        raise ARgorithmError("'String' object does not support item assignment")

    def __iter__(self):
        return StringIterator(self)

    def __repr__(self):
        return f"String({self.body!r})"

    def __str__(self):
        return str(self.body)

    def append(self, value, comments=""):
        if isinstance(value, String):
            value = value.body
        self.body += value
        self.algo.add_state(self.state_generator.string_append(self.body, value, comments))

    def __add__(self, value):
        if isinstance(value, String):
            value = value.body
        new = String(name=f"{self.state_generator.name}_super", algo=self.algo, body=self.body,
                     comments=f"creating new string with {value} appended to the original string")
        new.append(value)
        return new
