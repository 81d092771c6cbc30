"""Array: a fixed-size array of one or more dimensions (`array_*` states).

Its contents behave as 0.2.3's numpy-backed ones did (see `_ndarray`): one element type for
the whole array, writes converted to it, numpy scalars read back, views for sub-arrays.
"""
from ARgorithmToolkit._ids import next_id
from ARgorithmToolkit._ndarray import array as _np_array, full as _np_full, from_plain_list, ndarray
from ARgorithmToolkit._scalars import NumpyScalar, type_name
from ARgorithmToolkit.encoders import serialize
from ARgorithmToolkit.utils import ARgorithmError, ARgorithmStructure, StateSet, _state


def check_dimensions(data):
    """Refuses nested lists whose siblings differ in length (as 0.2.3 did: only the length of
    each sibling is compared, one level down)."""
    if not isinstance(data, (list, tuple)):
        return 1
    for item in data:
        if isinstance(item, (list, tuple)):
            break
    else:
        # No nested sequence: every item counts 1, as the loop below would find.
        return len(data)
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

    # The states' dictionaries are written out whole, in their key order: one dictionary of the
    # right size, built in one go, on every state.

    def array_declare(self, body, comments=""):
        return _state("array_declare", {"id": self._id, "variable_name": self.name, "body": body.tolist()},
                      comments)

    def array_iter(self, body, index, value=None, last_value=None, comments=""):
        # A write shows the old and new value, unless the old one was None (0.2.3's test).
        if last_value is None:
            state_def = {"id": self._id, "variable_name": self.name, "body": body.tolist(), "index": index}
        else:
            state_def = {"id": self._id, "variable_name": self.name, "body": body.tolist(), "index": index,
                         "value": value, "last_value": last_value}
        return _state("array_iter", state_def, comments)

    def array_swap(self, body, indexes, comments=""):
        return _state("array_swap", {"id": self._id, "variable_name": self.name, "body": body.tolist(),
                                     "index1": indexes[0], "index2": indexes[1]}, comments)

    def array_compare(self, body, indexes, comments=""):
        return _state("array_compare", {"id": self._id, "variable_name": self.name, "body": body.tolist(),
                                        "index1": indexes[0], "index2": indexes[1]}, comments)


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
            body = from_plain_list(data)
            if body is None:
                check_dimensions(data)
                body = _np_array(data)
            self.body = body
            self.dtype = body.dtype
        else:
            self.dtype = dtype
            self.body = _np_full(shape, fill, dtype)
        self.algo.add_state(self.state_generator.array_declare(self.body, comments))

    def __len__(self):
        body = self.body
        if type(body) is ndarray and body._shape:
            return body._shape[0]
        return len(body)

    def shape(self):
        return self.body.shape

    def __getitem__(self, key, comments=""):
        try:
            if type(key) is int:
                body = self.body
                if type(body) is ndarray and len(body._shape) == 1:
                    # The usual read: an element of a one-dimensional array.
                    self.algo.add_state(self.state_generator.array_iter(body=body, index=key, comments=comments))
                    return self.body[key]
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
        body = self.body
        if type(index1) is int and type(index2) is int and type(body) is ndarray and len(body._shape) == 1:
            n = body._shape[0]
            if -n <= index1 < n and -n <= index2 < n:
                # Two elements of a one-dimensional array trade places as stored: what the general
                # way below does (read both as numpy scalars, convert them back on writing) gives
                # the same values.
                buf, off, step = body._buf, body._off, body._strides[0]
                at1 = off + (index1 + n if index1 < 0 else index1) * step
                at2 = off + (index2 + n if index2 < 0 else index2) * step
                buf[at1], buf[at2] = buf[at2], buf[at1]
                self.algo.add_state(self.state_generator.array_swap(body, (index1, index2), comments))
                return
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
