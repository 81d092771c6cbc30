"""Vector: a growable list (`vector_*` states)."""
from ARgorithmToolkit._ids import next_id
from ARgorithmToolkit.encoders import serialize
from ARgorithmToolkit.utils import ARgorithmError, ARgorithmStructure, StateSet, _state


class VectorState:
    """Builds the states of one Vector."""

    def __init__(self, name, _id):
        self.name = name
        self._id = _id

    def _def(self, body):
        return {"id": self._id, "variable_name": self.name, "body": list(body)}

    # Each state's dictionary is written out whole, in its key order (see ArrayState).

    def vector_declare(self, body, comments=""):
        return _state("vector_declare", {"id": self._id, "variable_name": self.name, "body": list(body)}, comments)

    def vector_iter(self, body, index, value=None, last_value=None, comments=""):
        if last_value is None:
            state_def = {"id": self._id, "variable_name": self.name, "body": list(body), "index": index}
        else:
            state_def = {"id": self._id, "variable_name": self.name, "body": list(body), "index": index,
                         "value": value, "last_value": last_value}
        return _state("vector_iter", state_def, comments)

    def vector_remove(self, body, index, comments=""):
        return _state("vector_remove", {"id": self._id, "variable_name": self.name, "body": list(body),
                                        "index": index}, comments)

    def vector_insert(self, body, element, index, comments=""):
        return _state("vector_insert", {"id": self._id, "variable_name": self.name, "body": list(body),
                                        "element": element, "index": index}, comments)

    def vector_swap(self, body, indexes, comments=""):
        return _state("vector_swap", {"id": self._id, "variable_name": self.name, "body": list(body),
                                      "index1": indexes[0], "index2": indexes[1]}, comments)

    def vector_compare(self, body, indexes, comments=""):
        return _state("vector_compare", {"id": self._id, "variable_name": self.name, "body": list(body),
                                         "index1": indexes[0], "index2": indexes[1]}, comments)


class VectorIterator:
    """Iterates a Vector; every element read emits its `vector_iter`."""

    def __init__(self, vector):
        assert isinstance(vector, Vector)
        self.vector = vector
        self._index = 0
        self.size = len(vector)

    def __next__(self):
        if self._index == self.size:
            raise StopIteration
        value = self.vector[self._index]
        self._index += 1
        return value


@serialize
class Vector(ARgorithmStructure):
    """A vector. Like 0.2.3 it keeps the list it is given (not a copy): appending to the Vector
    appends to the caller's list, until an insert or remove replaces the body with a new list."""

    def __init__(self, name, algo, data=None, comments=""):
        try:
            assert isinstance(name, str)
            self._id = next_id()
            self.state_generator = VectorState(name, self._id)
        except AssertionError as e:
            raise ARgorithmError("Give valid name to data structure") from e
        try:
            assert isinstance(algo, StateSet)
            self.algo = algo
        except AssertionError as e:
            raise ARgorithmError("vector structure needs a reference of template to store states") from e
        try:
            if data is None:
                data = []
            # Any non-empty data is accepted, as in 0.2.3 (a tuple or a string too).
            assert isinstance(data, list) or data
            self.body = data
        except AssertionError as e:
            raise TypeError("vector body should be list") from e
        self.algo.add_state(self.state_generator.vector_declare(self.body, comments))

    def __len__(self):
        return len(self.body)

    def __getitem__(self, key, comments=""):
        if isinstance(key, slice):
            return Vector(f"{self.state_generator.name}_sub", self.algo, self.body[key], comments)
        self.algo.add_state(self.state_generator.vector_iter(body=self.body, index=key, comments=comments))
        return self.body[key]

    def __setitem__(self, key, value):
        last_value = self.body[key]
        self.body[key] = value
        self.algo.add_state(self.state_generator.vector_iter(
            body=self.body, index=key, value=value, last_value=last_value,
            comments=f"Writing {value} at index {key}"))

    def __iter__(self):
        return VectorIterator(self)

    def insert(self, value, index=None, comments=""):
        if index is None:
            self.body.append(value)
            self.algo.add_state(self.state_generator.vector_insert(self.body, value, len(self) - 1, comments))
        elif index >= 0:
            self.body = self.body[:index] + [value] + self.body[index:]
            self.algo.add_state(self.state_generator.vector_insert(self.body, value, index, comments))
        # A negative index inserts nothing and shows nothing, as in 0.2.3.

    def remove(self, value=None, index=None, comments=""):
        if index is None and value is None:
            self.body.pop()
            # 0.2.3 reports the index one before the removed element's.
            self.algo.add_state(self.state_generator.vector_remove(self.body, len(self) - 1, comments))
        elif value is None and 0 <= index < len(self):
            self.body = self.body[0:index] + self.body[index + 1:]
            self.algo.add_state(self.state_generator.vector_remove(self.body, index, comments))
        elif index is None:
            index = self.body.index(value)
            self.body.remove(value)
            self.algo.add_state(self.state_generator.vector_remove(self.body, index, comments))
        else:
            raise ARgorithmError("Either give only a valid index or only value to be deleted , dont give both")

    def compare(self, index1, index2, func=None, comments=""):
        item1 = self.body[index1]
        item2 = self.body[index2]
        self.algo.add_state(self.state_generator.vector_compare(self.body, (index1, index2), comments))
        if func is None:
            return item1 - item2
        return func(item1, item2)

    def swap(self, index1, index2, comments=""):
        temp = self.body[index1]
        self.body[index1] = self.body[index2]
        self.body[index2] = temp
        self.algo.add_state(self.state_generator.vector_swap(self.body, (index1, index2), comments))

    def __str__(self):
        return f"Vector({self.body.__str__()})"

    def __repr__(self):
        return f"Vector({self.body.__repr__()})"
