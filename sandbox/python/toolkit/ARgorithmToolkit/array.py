"""Array: a fixed-size array of one or more dimensions (`array_*` states).

Its contents behave as 0.2.3's numpy-backed ones did (see `_ndarray`): one element type for
the whole array, writes converted to it, numpy scalars read back, views for sub-arrays.
"""
from ARgorithmToolkit._ids import next_id
from ARgorithmToolkit._ndarray import array as _np_array, full as _np_full
from ARgorithmToolkit._scalars import NumpyScalar, type_name
from ARgorithmToolkit.encoders import serialize
from ARgorithmToolkit.utils import ARgorithmError, ARgorithmStructure, State, StateSet


def check_dimensions(data):
    """Refuses nested lists whose siblings differ in length (as 0.2.3 did: only the length of
    each sibling is compared, one level down)."""
    if not isinstance(data, (list, tuple)):
        return 1
    first = None
    try:
        for item in data:
            size = check_dimensions(item)
            if first is None:
                first = size
            else:
                assert first == size
        return len(data)
    except Exception as ex:
        raise ARgorithmError("please pass array of fixed dimensions") from ex


class ArrayState:
    """Builds the states of one Array."""

    def __init__(self, name, _id):
        self.name = name
        self._id = _id

    def _def(self, body):
        return {"id": self._id, "variable_name": self.name, "body": body.tolist()}

    def array_declare(self, body, comments=""):
        return State(state_type="array_declare", state_def=self._def(body), comments=comments)

    def array_iter(self, body, index, value=None, last_value=None, comments=""):
        state_def = self._def(body)
        state_def["index"] = index
        # A write shows the old and new value, unless the old one was None (0.2.3's test).
        if last_value is not None:
            state_def["value"] = value
            state_def["last_value"] = last_value
        return State(state_type="array_iter", state_def=state_def, comments=comments)

    def array_swap(self, body, indexes, comments=""):
        state_def = self._def(body)
        state_def["index1"] = indexes[0]
        state_def["index2"] = indexes[1]
        return State(state_type="array_swap", state_def=state_def, comments=comments)

    def array_compare(self, body, indexes, comments=""):
        state_def = self._def(body)
        state_def["index1"] = indexes[0]
        state_def["index2"] = indexes[1]
        return State(state_type="array_compare", state_def=state_def, comments=comments)


class ArrayIterator:
    """Iterates an Array along its first axis; every element read emits its `array_iter`."""

    def __init__(self, array):
        assert isinstance(array, Array)
        self.array = array
        self._index = 0
        self.size = len(array)

    def __next__(self):
        if self._index == self.size:
            raise StopIteration
        value = self.array[self._index]
        self._index += 1
        return value


def _key_length(key):
    try:
        return len(key)
    except TypeError:
        if isinstance(key, NumpyScalar):
            raise TypeError(f"object of type '{type_name(key)}' has no len()") from None
        raise


@serialize
class Array(ARgorithmStructure):
    """An array built from nested lists (`data`) or from a shape and a fill value."""

    def __init__(self, name: str, algo: StateSet, data=None, shape=None, fill=0, dtype=int, comments=""):
        try:
            assert isinstance(name, str)
            self._id = next_id()
            self.state_generator = ArrayState(name, self._id)
        except Exception as ex:
            raise ARgorithmError("Give valid name to data structure") from ex
        try:
            assert isinstance(algo, StateSet)
            self.algo = algo
        except Exception as ex:
            raise ARgorithmError("array structure needs a reference of template to store states") from ex
        if data is not None:
            check_dimensions(data)
            self.body = _np_array(data)
            self.dtype = self.body.dtype
        else:
            self.dtype = dtype
            self.body = _np_full(shape, fill, dtype)
        self.algo.add_state(self.state_generator.array_declare(self.body, comments))

    def __len__(self):
        return len(self.body)

    def shape(self):
        return self.body.shape

    def __getitem__(self, key, comments=""):
        try:
            if isinstance(key, slice):
                return Array(name=f"{self.state_generator.name}_sub", algo=self.algo,
                             data=self.body[key], comments=comments)
            if isinstance(key, int) and len(self.body.shape) == 1:
                self.algo.add_state(self.state_generator.array_iter(body=self.body, index=key, comments=comments))
                return self.body[key]
            if isinstance(key, int) or _key_length(key) < len(self.shape()):
                self.algo.add_state(self.state_generator.array_iter(body=self.body, index=key, comments=comments))
                return Array(name=f"{self.state_generator.name}_sub", algo=self.algo,
                             data=self.body[key], comments=comments)
            self.algo.add_state(self.state_generator.array_iter(body=self.body, index=key, comments=comments))
            return self.body[key]
        except Exception as ex:
            raise ARgorithmError(f"invalid index error : {str(ex)}") from ex

    def __setitem__(self, key, value):
        # For a sub-array key `last_value` is a view, so the state shows the final contents of
        # that part of the array, as 0.2.3's numpy view did.
        last_value = self.body[key]
        self.body[key] = value
        self.algo.add_state(self.state_generator.array_iter(
            body=self.body, index=key, value=value, last_value=last_value,
            comments=f"Writing {value} at index {key}"))

    def __iter__(self):
        return ArrayIterator(self)

    def compare(self, index1, index2, func=None, comments=""):
        item1 = self.body[index1]
        item2 = self.body[index2]
        self.algo.add_state(self.state_generator.array_compare(self.body, (index1, index2), comments))
        if func is None:
            return item1 - item2
        return func(item1, item2)

    def swap(self, index1, index2, comments=""):
        # One tuple assignment, as in 0.2.3: swapping two rows of a matrix copies one view into
        # the other and leaves both rows equal to the second.
        self.body[index1], self.body[index2] = self.body[index2], self.body[index1]
        self.algo.add_state(self.state_generator.array_swap(self.body, (index1, index2), comments))

    def tolist(self):
        return self.body.tolist()

    def __str__(self):
        return f"Array({self.tolist().__str__()})"

    def __repr__(self):
        return f"Array({self.tolist().__repr__()})"
