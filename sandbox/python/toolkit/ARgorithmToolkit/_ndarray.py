"""A small pure-Python stand-in for the part of numpy 1.26 that 0.2.3's Array relied on.

0.2.3 kept an Array's contents in a numpy array, and its observable behaviour follows numpy's:
the element type is inferred once (ints and floats give floats, any string makes every element
a string of a fixed width), later writes are converted to that type (2.7 into an int array is 2,
'hello' into a one-character array is 'h'), an index into a matrix gives a view that shares the
matrix's memory, and errors carry numpy's messages. This module reproduces that for the data an
ARgorithm can build: nested lists and tuples of bool, int, float, complex, str and other objects.
Not reproduced: fancy indexing other than a plain list of ints on the first axis (and a lone
bool), bools inside index tuples, byte strings (kept as objects), numpy's line wrapping and
"..." summarizing when printing long arrays, and its RuntimeWarnings.
"""
import operator

from ARgorithmToolkit._scalars import BOX, NumpyScalar, UFuncTypeError, bool_, float64, int64

_I_MIN, _I_MAX = -(1 << 63), (1 << 63) - 1
_U_MAX = (1 << 64) - 1

_VALID_INDICES = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer "
                  "or boolean arrays are valid indices")

_NAMES = {"b": "bool", "i": "int64", "u": "uint64", "f": "float64", "c": "complex128", "O": "object"}
# How wide a string array must be to hold any value of a numeric kind (numpy's rule).
_STR_WIDTH = {"b": 5, "i": 21, "u": 20, "f": 32, "c": 64}
_ORDER = "biufc"


class dtype:
    """Element type of an ndarray: a kind ('b', 'i', 'u', 'f', 'c', 'U', 'O') and, for 'U', the
    width in characters."""

    __slots__ = ("kind", "itemsize")

    def __init__(self, kind, itemsize=0):
        self.kind = kind
        self.itemsize = itemsize

    def __str__(self):
        return f"<U{self.itemsize}" if self.kind == "U" else _NAMES[self.kind]

    def __repr__(self):
        text = str(self)
        return f"dtype('{text}')" if self.kind != "O" else "dtype('O')"

    @property
    def name(self):
        return f"str{self.itemsize * 32}" if self.kind == "U" else _NAMES[self.kind]

    @property
    def char(self):
        return {"b": "?", "i": "l", "u": "L", "f": "d", "c": "D", "U": "U", "O": "O"}[self.kind]

    def __eq__(self, other):
        try:
            other = as_dtype(other)
        except TypeError:
            return False
        return self.kind == other.kind and self.itemsize == other.itemsize

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash((self.kind, self.itemsize))


BOOL, INT64, UINT64, FLOAT64, COMPLEX128, OBJECT = (dtype(k) for k in "biufcO")

_BY_TYPE = {bool: BOOL, int: INT64, float: FLOAT64, complex: COMPLEX128, str: dtype("U", 0), object: OBJECT}
_BY_NAME = {
    "bool": BOOL, "?": BOOL, "bool_": BOOL, "b1": BOOL,
    "int": INT64, "int64": INT64, "i8": INT64, "l": INT64, "int_": INT64, "long": INT64,
    "uint64": UINT64, "u8": UINT64, "L": UINT64, "uint": UINT64,
    "float": FLOAT64, "float64": FLOAT64, "f8": FLOAT64, "d": FLOAT64, "double": FLOAT64,
    "complex": COMPLEX128, "complex128": COMPLEX128, "c16": COMPLEX128, "D": COMPLEX128,
    "object": OBJECT, "O": OBJECT, "object_": OBJECT,
    "str": dtype("U", 0), "str_": dtype("U", 0), "unicode": dtype("U", 0),
}


def as_dtype(spec):
    """numpy's `np.dtype(spec)` for the specs an ARgorithm can write without importing numpy."""
    if isinstance(spec, dtype):
        return spec
    if spec is None:
        return FLOAT64
    if isinstance(spec, type):
        found = _BY_TYPE.get(spec)
        if found is None and issubclass(spec, NumpyScalar):
            found = dtype(spec._kind) if spec._kind != "U" else dtype("U", 0)
        if found is not None:
            return found
        return OBJECT
    if isinstance(spec, str):
        found = _BY_NAME.get(spec)
        if found is not None:
            return found
        text = spec.lstrip("<>=|")
        if text[:1] == "U" and (text[1:].isdigit() or text[1:] == ""):
            return dtype("U", int(text[1:] or 0))
        raise TypeError(f"data type {spec!r} not understood")
    raise TypeError(f"Cannot interpret '{spec!r}' as a data type")


def _shape_text(shape):
    """A shape as numpy's broadcasting errors print it: (3,) or (2,2)."""
    return "(" + ",".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


# ---------------------------------------------------------------- element type inference

def _leaf_dtype(x):
    cls = type(x)
    if cls is bool or cls is bool_:
        return BOOL
    if cls is int or cls is int64:
        return INT64 if _I_MIN <= x <= _I_MAX else (UINT64 if 0 <= x <= _U_MAX else OBJECT)
    if cls is float or cls is float64:
        return FLOAT64
    if isinstance(x, str):
        return dtype("U", max(len(x), 1))
    if isinstance(x, NumpyScalar):
        return dtype(x._kind)
    if isinstance(x, bool):
        return BOOL
    if isinstance(x, int):
        return _leaf_dtype(int(x))
    if isinstance(x, float):
        return FLOAT64
    if isinstance(x, complex):
        return COMPLEX128
    return OBJECT


def promote(a, b):
    """numpy's result_type of two element types."""
    if a.kind == b.kind:
        return a if a.kind != "U" or a.itemsize >= b.itemsize else b
    if a.kind == "O" or b.kind == "O":
        return OBJECT
    if a.kind == "U" or b.kind == "U":
        text, other = (a, b) if a.kind == "U" else (b, a)
        return dtype("U", max(text.itemsize, _STR_WIDTH[other.kind]))
    if {a.kind, b.kind} == {"i", "u"}:
        return FLOAT64
    return a if _ORDER.index(a.kind) > _ORDER.index(b.kind) else b


def _as_sequence(x):
    """The items of `x` if numpy would treat it as a nested sequence, else None."""
    if isinstance(x, (list, tuple)):
        return x
    if isinstance(x, ndarray):
        return list(x) if x._shape else None
    if isinstance(x, (str, bytes, bytearray, dict, NumpyScalar)):
        return None
    cls = type(x)
    if hasattr(cls, "__getitem__") and hasattr(cls, "__len__"):
        # numpy iterates what iter() gives a second time: the toolkit's iterators (which have
        # no __iter__) fail there, before any element is read.
        return list(iter(iter(x))) if hasattr(cls, "__iter__") else list(x)
    return None


def _discover(obj):
    """Shape and leaves (in C order) of a nested sequence, refusing ragged ones as numpy does."""
    level = [obj]
    shape = []
    while True:
        items = [_as_sequence(x) for x in level]
        if all(s is None for s in items):
            return tuple(shape), level
        lengths = {len(s) for s in items if s is not None}
        if None in items or len(lengths) != 1:
            raise ValueError(
                "setting an array element with a sequence. The requested array has an inhomogeneous "
                f"shape after {len(shape)} dimensions. The detected shape was {tuple(shape)} + "
                "inhomogeneous part.")
        shape.append(lengths.pop())
        level = [x for s in items for x in s]
        if not level:
            return tuple(shape), level


def _native(kind, x):
    """A leaf as stored in an array of `kind` (array creation: every leaf fits the kind)."""
    if kind == "O":
        return x
    if kind == "i" or kind == "u":
        return int(x)
    if kind == "f":
        return float(x)
    if kind == "b":
        return bool(x)
    if kind == "c":
        return complex(x)
    return str(x)


def array(data):
    """`np.array(data)`."""
    if isinstance(data, ndarray):
        return data.copy()
    shape, leaves = _discover(data)
    if not leaves:
        result = FLOAT64
    else:
        result = None
        for leaf in leaves:
            d = _leaf_dtype(leaf)
            result = d if result is None else promote(result, d)
    kind = result.kind
    if kind == "O":
        buf = list(leaves)
    else:
        buf = [_native(kind, x.item() if isinstance(x, NumpyScalar) else x) for x in leaves]
    return ndarray._make(buf, 0, shape, _c_strides(shape), result)


_INTS, _FLOATS, _NUMBERS, _STRS = {int}, {float}, {int, float}, {str}


def from_plain_list(data):
    """`array(data)` for what Arrays are nearly always made of, a non-empty list of ints (in
    int64's range), floats, both, or strs, found without Python code per element; None for
    anything else (which `array` handles)."""
    if type(data) is not list or not data:
        return None
    kinds = set(map(type, data))
    if kinds == _INTS:
        if not (_I_MIN <= min(data) and max(data) <= _I_MAX):
            return None
        dt, buf = INT64, data.copy()
    elif kinds == _FLOATS:
        dt, buf = FLOAT64, data.copy()
    elif kinds == _NUMBERS:
        # min and max bound every int even among NaNs: a NaN they return fails the test.
        if not (_I_MIN <= min(data) and max(data) <= _I_MAX):
            return None
        dt, buf = FLOAT64, list(map(float, data))
    elif kinds == _STRS:
        dt, buf = dtype("U", max(max(map(len, data)), 1)), data.copy()
    else:
        return None
    return ndarray._make(buf, 0, (len(buf),), (1,), dt)


def _c_strides(shape):
    strides = []
    step = 1
    for n in reversed(shape):
        strides.append(step)
        step *= n
    return tuple(reversed(strides))


# ---------------------------------------------------------------- conversions on write

def coerce(dt, v):
    """`v` written into one element of an array of type `dt` (numpy's per-element setitem)."""
    kind = dt.kind
    if kind == "i" and type(v) is int64:
        return v._v
    if kind == "O":
        return v
    if kind == "b":
        return bool(v)
    if isinstance(v, (list, tuple, ndarray)):
        raise ValueError("setting an array element with a sequence" + ("" if kind == "U" else "."))
    if kind == "i" or kind == "u":
        r = int(v)
        if not (_I_MIN <= r <= _I_MAX if kind == "i" else 0 <= r <= _U_MAX):
            raise OverflowError("Python int too large to convert to C long")
        return r
    if kind == "f":
        return float("nan") if v is None else float(v)
    if kind == "c":
        return complex(v)
    return str(v)[:dt.itemsize]


def cast(src, dst, v):
    """`v`, an element of an array of type `src`, cast to `dst` as numpy's unsafe casting does."""
    sk, dk = src.kind, dst.kind
    if dk == "O":
        return v
    if sk == "O":
        return coerce(dst, v)
    if dk == "U":
        if sk == "b":
            v = "True" if v else "False"
        return str(v)[:dst.itemsize]
    if sk == "U":
        if dk == "b":
            return bool(int(v))
        if dk == "c":
            return complex(v)
        return int(v) if dk in "iu" else float(v)
    if sk == "c" and dk != "c":
        v = v.real
    if dk == "i" or dk == "u":
        if isinstance(v, float):
            # C's float-to-int conversion of NaN, infinities and out-of-range values on x86.
            if v != v or not (-9.223372036854776e18 <= v < 9.223372036854776e18):
                return _I_MIN if dk == "i" else 1 << 63
            return int(v)
        return int(v) if dk == "i" else int(v) & _U_MAX
    if dk == "f":
        return float(v)
    if dk == "b":
        return bool(v)
    return complex(v)


def _broadcast_to(src_shape, dst_shape):
    """Whether a value of `src_shape` can fill `dst_shape` (numpy's rules, leading 1s allowed)."""
    s = list(src_shape)
    while len(s) > len(dst_shape) and s[0] == 1:
        s.pop(0)
    if len(s) > len(dst_shape):
        return False
    for a, b in zip(reversed(s), reversed(dst_shape)):
        if a != b and a != 1:
            return False
    return True


def _broadcast_values(values, src_shape, dst_shape):
    """The flat values of a `src_shape` array repeated to fill `dst_shape` (C order)."""
    s = list(src_shape)
    while len(s) > len(dst_shape):
        s.pop(0)
    s = [1] * (len(dst_shape) - len(s)) + s
    if tuple(s) == tuple(dst_shape):
        return values
    out = []
    _broadcast_walk(out, values, s, _c_strides(tuple(s)), dst_shape, 0, 0)
    return out


# The recursive walks below are module functions, not closures of the functions using them: a
# closure that calls itself is a reference cycle, which (with the cycle collector off, as on the
# server) would keep every call's closure and the lists it holds alive until the run ends.

def _broadcast_walk(out, values, s, strides, dst_shape, axis, base):
    if axis == len(dst_shape):
        out.append(values[base])
        return
    step = 0 if s[axis] == 1 else strides[axis]
    for i in range(dst_shape[axis]):
        _broadcast_walk(out, values, s, strides, dst_shape, axis + 1, base + i * step)


def _walk_positions(out, shape, strides, axis, base):
    n, s = shape[axis], strides[axis]
    if axis == len(shape) - 1:
        out.extend(range(base, base + n * s, s) if s else [base] * n)
        return
    for i in range(n):
        _walk_positions(out, shape, strides, axis + 1, base + i * s)


def _nest(flat, shape, axis, start):
    n = shape[axis]
    if axis == len(shape) - 1:
        return flat[start:start + n]
    inner = 1
    for d in shape[axis + 1:]:
        inner *= d
    return [_nest(flat, shape, axis + 1, start + i * inner) for i in range(n)]


def full(shape, fill_value, dt):
    """`np.full(shape=shape, fill_value=fill_value, dtype=dt)`."""
    shape = _normalize_shape(shape)
    fill = array(fill_value)
    if dt is None:
        target = fill._dtype
    else:
        target = as_dtype(dt)
        if target.kind == "U" and target.itemsize == 0:
            target = dtype("U", 1)
    if not _broadcast_to(fill._shape, shape):
        raise ValueError(f"could not broadcast input array from shape {_shape_text(fill._shape)} "
                         f"into shape {_shape_text(shape)}")
    size = 1
    for n in shape:
        size *= n
    converted = [cast(fill._dtype, target, v) for v in fill._flat()]
    if size == 0:
        buf = []
    elif len(converted) == 1:
        buf = converted * size
    else:
        buf = list(_broadcast_values(converted, fill._shape, shape))
    return ndarray._make(buf, 0, shape, _c_strides(shape), target)


def _normalize_shape(shape):
    if shape is None:
        return ()
    if hasattr(type(shape), "__index__") and not isinstance(shape, (list, tuple)):
        dims = [operator.index(shape)]
    else:
        try:
            items = list(shape)
        except TypeError:
            raise TypeError(f"expected a sequence of integers or a single integer, got '{shape!r}'") from None
        dims = [operator.index(n) for n in items]
    if any(n < 0 for n in dims):
        raise ValueError("negative dimensions are not allowed")
    return tuple(dims)


# ---------------------------------------------------------------- the array

class ndarray:
    """A strided view on a flat list of Python values; views share the list, as numpy's do."""

    __slots__ = ("_buf", "_off", "_shape", "_strides", "_dtype")
    __hash__ = None

    @classmethod
    def _make(cls, buf, off, shape, strides, dt):
        a = object.__new__(cls)
        a._buf = buf
        a._off = off
        a._shape = shape
        a._strides = strides
        a._dtype = dt
        return a

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def ndim(self):
        return len(self._shape)

    @property
    def size(self):
        n = 1
        for d in self._shape:
            n *= d
        return n

    def _positions(self):
        """Flat positions of the elements in C order."""
        shape, strides, off = self._shape, self._strides, self._off
        if not shape:
            return [off]
        if len(shape) == 1:
            s = strides[0]
            return range(off, off + shape[0] * s, s) if s else [off] * shape[0]
        out = []
        _walk_positions(out, shape, strides, 0, off)
        return out

    def _flat(self):
        buf = self._buf
        if len(self._shape) == 1 and self._strides[0] == 1:
            return buf[self._off:self._off + self._shape[0]]
        return [buf[p] for p in self._positions()]

    def tolist(self):
        shape = self._shape
        if not shape:
            return self._buf[self._off]
        if len(shape) == 1 and self._strides[0] == 1:
            return self._buf[self._off:self._off + shape[0]]
        width = shape[-1]
        if len(shape) == 2 and width and self._strides == (width, 1):
            # A matrix stored row after row: its rows are slices of the buffer.
            buf, off = self._buf, self._off
            return [buf[start:start + width] for start in range(off, off + shape[0] * width, width)]
        return _nest(self._flat(), shape, 0, 0)

    def item(self):
        if self.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return self._flat()[0]

    def copy(self):
        shape = self._shape
        return ndarray._make(list(self._flat()), 0, shape, _c_strides(shape), self._dtype)

    def __len__(self):
        if not self._shape:
            raise TypeError("len() of unsized object")
        return self._shape[0]

    def __iter__(self):
        if not self._shape:
            raise TypeError("iteration over a 0-d array")
        for i in range(self._shape[0]):
            yield self[i]

    def __contains__(self, value):
        return bool((self == value).any())

    def _box(self, position):
        v = self._buf[position]
        box = BOX.get(self._dtype.kind)
        return v if box is None else box(v)

    def _resolve(self, key):
        """(offset, shape, strides, is-one-element) selected by a basic index."""
        if type(key) is not tuple:
            key = (key,)
        parts = []
        for k in key:
            if isinstance(k, slice) or k is None or k is Ellipsis:
                parts.append(k)
            elif isinstance(k, (bool, bool_)) or not hasattr(type(k), "__index__"):
                raise IndexError(_VALID_INDICES)
            else:
                parts.append(operator.index(k))
        ndim = len(self._shape)
        consuming = sum(1 for k in parts if k is not None and k is not Ellipsis)
        ellipses = parts.count(Ellipsis)
        if ellipses > 1:
            raise IndexError("an index can only have a single ellipsis ('...')")
        if consuming > ndim:
            raise IndexError(f"too many indices for array: array is {ndim}-dimensional, "
                             f"but {consuming} were indexed")
        element = consuming == ndim and all(type(k) is int for k in parts)
        if ellipses:
            at = parts.index(Ellipsis)
            parts[at:at + 1] = [slice(None)] * (ndim - consuming)
        off = self._off
        shape, strides = [], []
        axis = 0
        for k in parts:
            if k is None:
                shape.append(1)
                strides.append(0)
                continue
            n, s = self._shape[axis], self._strides[axis]
            if isinstance(k, slice):
                start, stop, step = k.indices(n)
                shape.append(len(range(start, stop, step)))
                strides.append(s * step)
                off += start * s
            else:
                if k < -n or k >= n:
                    raise IndexError(f"index {k} is out of bounds for axis {axis} with size {n}")
                off += (k + n if k < 0 else k) * s
            axis += 1
        shape.extend(self._shape[axis:])
        strides.extend(self._strides[axis:])
        return off, tuple(shape), tuple(strides), element

    def _element_at(self, key):
        """Where in the buffer the element is that a tuple of in-range ints, one per axis,
        selects (what _resolve finds for it, quicker); None for any other tuple."""
        if len(key) != len(self._shape):
            return None
        at = self._off
        for k, n, step in zip(key, self._shape, self._strides):
            if type(k) is not int or not -n <= k < n:
                return None
            at += (k + n if k < 0 else k) * step
        return at

    def _fancy(self, key):
        rows = []
        n = self._shape[0] if self._shape else 0
        if not self._shape:
            raise IndexError("too many indices for array: array is 0-dimensional, but 1 were indexed")
        for k in key:
            if isinstance(k, (bool, bool_)) or not hasattr(type(k), "__index__"):
                raise IndexError("arrays used as indices must be of integer (or boolean) type")
            k = operator.index(k)
            if k < -n or k >= n:
                raise IndexError(f"index {k} is out of bounds for axis 0 with size {n}")
            rows.append(k + n if k < 0 else k)
        return rows

    def __getitem__(self, key):
        if type(key) is int and len(self._shape) == 1:
            # The common case (an element of a 1-D array), without the general index machinery.
            n = self._shape[0]
            if -n <= key < n:
                v = self._buf[self._off + (key + n if key < 0 else key) * self._strides[0]]
                box = BOX.get(self._dtype.kind)
                return v if box is None else box(v)
        elif type(key) is tuple:
            at = self._element_at(key)
            if at is not None:
                v = self._buf[at]
                box = BOX.get(self._dtype.kind)
                return v if box is None else box(v)
        if isinstance(key, list):
            rows = self._fancy(key)
            shape = (len(rows),) + self._shape[1:]
            buf = []
            for r in rows:
                sub = self[r]
                buf.extend(sub._flat() if isinstance(sub, ndarray) else [self._buf[self._resolve(r)[0]]])
            return ndarray._make(buf, 0, shape, _c_strides(shape), self._dtype)
        if isinstance(key, (bool, bool_)):
            # numpy reads a lone boolean as a mask over a new first axis, which copies.
            shape = ((1,) if key else (0,)) + self._shape
            return ndarray._make(list(self._flat()) if key else [], 0, shape, _c_strides(shape), self._dtype)
        off, shape, strides, element = self._resolve(key)
        if element:
            return self._box(off)
        return ndarray._make(self._buf, off, shape, strides, self._dtype)

    def __setitem__(self, key, value):
        if type(key) is int and len(self._shape) == 1:
            n = self._shape[0]
            if -n <= key < n:
                self._buf[self._off + (key + n if key < 0 else key) * self._strides[0]] = coerce(self._dtype, value)
                return
        elif type(key) is tuple:
            at = self._element_at(key)
            if at is not None:
                self._buf[at] = coerce(self._dtype, value)
                return
        if isinstance(key, list):
            rows = self._fancy(key)
            values = _source(value, self._dtype, (len(rows),) + self._shape[1:])
            inner = len(values) // len(rows) if rows else 0
            for i, r in enumerate(rows):
                off, shape, strides, _ = self._resolve(r)
                target = ndarray._make(self._buf, off, shape, strides, self._dtype)
                target._write(values[i * inner:(i + 1) * inner])
            return
        if isinstance(key, (bool, bool_)):
            target = ndarray._make(self._buf, self._off, ((1,) if key else (0,)) + self._shape,
                                   (0,) + self._strides, self._dtype)
            target._write(_source(value, self._dtype, target._shape))
            return
        off, shape, strides, element = self._resolve(key)
        if element:
            self._buf[off] = coerce(self._dtype, value)
            return
        target = ndarray._make(self._buf, off, shape, strides, self._dtype)
        target._write(_source(value, self._dtype, shape))

    def _write(self, values):
        buf = self._buf
        for p, v in zip(self._positions(), values):
            buf[p] = v

    # -- elementwise arithmetic and comparison, as numpy gives them

    def _elementwise(self, other, fn, compares=False):
        if isinstance(other, ndarray) or isinstance(other, (list, tuple)):
            other_arr = other if isinstance(other, ndarray) else array(other)
            a_shape, b_shape = self._shape, other_arr._shape
            shape = _broadcast_shape(a_shape, b_shape)
            left = _broadcast_values([self._box_value(v) for v in self._flat()], a_shape, shape)
            right = _broadcast_values([other_arr._box_value(v) for v in other_arr._flat()], b_shape, shape)
            results = [fn(x, y) for x, y in zip(left, right)]
        elif isinstance(other, (str, bytes)) and self._dtype.kind not in "UO":
            raise UFuncTypeError("ufunc did not contain a loop with signature matching types")
        else:
            shape = self._shape
            results = [fn(self._box_value(v), other) for v in self._flat()]
        if any(r is NotImplemented for r in results):
            return NotImplemented
        if not shape:
            return results[0]
        empty_type = BOOL if compares else self._dtype
        out = array(results) if results else ndarray._make([], 0, shape, _c_strides(shape), empty_type)
        out._shape = shape
        out._strides = _c_strides(shape)
        return out

    def _box_value(self, v):
        box = BOX.get(self._dtype.kind)
        return v if box is None else box(v)

    def __bool__(self):
        n = self.size
        if n == 1:
            return bool(self._flat()[0])
        if n == 0:
            return False
        raise ValueError("The truth value of an array with more than one element is ambiguous. "
                         "Use a.any() or a.all()")

    def all(self, axis=None, out=None, **kwargs):
        return bool_(all(self._flat()))

    def any(self, axis=None, out=None, **kwargs):
        return bool_(any(self._flat()))

    def __repr__(self):
        return _format_repr(self)

    def __str__(self):
        return _format_str(self)


def _broadcast_shape(a, b):
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            raise ValueError(f"operands could not be broadcast together with shapes {_shape_text(a)} "
                             f"{_shape_text(b)} ")
        out.append(max(x, y))
    return tuple(out)


def _source(value, dt, shape):
    """The flat values written into a region of `shape` of an array of type `dt`."""
    size = 1
    for n in shape:
        size *= n
    if isinstance(value, ndarray):
        src_shape = value._shape
        values = [cast(value._dtype, dt, v) for v in value._flat()]
    elif isinstance(value, (list, tuple)):
        src_shape, leaves = _discover(value)
        values = [coerce(dt, x) for x in leaves]
    else:
        return [coerce(dt, value)] * size
    if not _broadcast_to(src_shape, shape):
        raise ValueError(f"could not broadcast input array from shape {_shape_text(src_shape)} "
                         f"into shape {_shape_text(shape)}")
    return list(_broadcast_values(values, src_shape, shape))


def _make_op(fn):
    fn = _ufunc(fn)

    def forward(self, other):
        return self._elementwise(other, fn)

    def reflected(self, other):
        return self._elementwise(other, lambda a, b: fn(b, a))

    return forward, reflected


def _ufunc(fn):
    def apply(a, b):
        try:
            return fn(a, b)
        except TypeError as e:
            raise UFuncTypeError(str(e)) from None
    return apply


for _name, _fn in (("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
                   ("truediv", operator.truediv), ("floordiv", operator.floordiv), ("mod", operator.mod),
                   ("pow", operator.pow), ("and", operator.and_), ("or", operator.or_), ("xor", operator.xor)):
    _f, _r = _make_op(_fn)
    setattr(ndarray, f"__{_name}__", _f)
    setattr(ndarray, f"__r{_name}__", _r)
for _name, _fn in (("eq", operator.eq), ("ne", operator.ne), ("lt", operator.lt), ("le", operator.le),
                   ("gt", operator.gt), ("ge", operator.ge)):
    setattr(ndarray, f"__{_name}__", (lambda fn: lambda self, other: self._elementwise(other, fn, True))(_fn))
ndarray.__neg__ = lambda self: self._elementwise(0, lambda a, b: -a)
ndarray.__abs__ = lambda self: self._elementwise(0, lambda a, b: abs(a))
ndarray.__invert__ = lambda self: self._elementwise(0, lambda a, b: ~a)
del _name, _fn, _f, _r


# ---------------------------------------------------------------- printing like numpy

def _element_texts(a, for_repr):
    kind = a._dtype.kind
    values = a._flat()
    if kind == "U":
        return [repr(v) for v in values], False
    if kind == "b":
        return [repr(v) for v in values], True
    if kind == "f":
        return _float_texts(values), True
    if kind == "O":
        return [repr(v) for v in values], False
    if kind == "c":
        return [repr(v).strip("()") for v in values], True
    return [str(v) for v in values], True


def _float_texts(values):
    finite = [abs(v) for v in values if v == v and v not in (float("inf"), float("-inf"))]
    texts = []
    if finite and (max(finite) >= 1e16 or min((v for v in finite if v), default=1) < 1e-4):
        return _scientific(values)
    for v in values:
        if v != v:
            texts.append("nan")
        elif v in (float("inf"), float("-inf")):
            texts.append("inf" if v > 0 else "-inf")
        else:
            r = repr(float(v))
            if r.endswith(".0"):
                r = r[:-1]
            texts.append(r)
    fracs = [len(t.split(".")[1]) if "." in t else 0 for t in texts]
    width = max(fracs) if fracs else 0
    out = []
    for t, f in zip(texts, fracs):
        out.append(t + " " * (width - f) if "." in t else t)
    return out


def _scientific(values):
    # numpy: the fewest digits (at most 8) that tell each value apart, then the same number
    # of digits for all.
    parts = []
    for v in values:
        if v != v or v in (float("inf"), float("-inf")):
            parts.append((None, "nan" if v != v else ("inf" if v > 0 else "-inf")))
            continue
        mantissa, exponent = f"{v:.8e}".split("e")
        head, _, frac = mantissa.partition(".")
        frac = frac.rstrip("0")
        exp = int(exponent)
        parts.append(((head, frac, f"e{'-' if exp < 0 else '+'}{abs(exp):02d}"), None))
    digits = max((len(p[0][1]) for p in parts if p[0]), default=0)
    return [text if p is None else p[0] + "." + p[1].ljust(digits, "0") + p[2] for p, text in parts]


def _layout(a, texts, pad, sep, indent):
    shape = a._shape
    if pad and texts:
        width = max(len(t) for t in texts)
        texts = [t.rjust(width) for t in texts]
    if not shape:
        return texts[0]
    return _nest_texts(texts, shape, sep, 0, 0, indent)


def _nest_texts(texts, shape, sep, axis, start, level_indent):
    n = shape[axis]
    if axis == len(shape) - 1:
        return "[" + sep.join(texts[start:start + n]) + "]"
    inner = 1
    for d in shape[axis + 1:]:
        inner *= d
    rows = [_nest_texts(texts, shape, sep, axis + 1, start + i * inner, level_indent + " ") for i in range(n)]
    newlines = "\n" * (len(shape) - axis - 1)
    joiner = sep.rstrip() + newlines + level_indent + " "
    return "[" + joiner.join(rows) + "]"


def _format_str(a):
    if not a._shape:
        return str(a._box(a._off))
    if a.size == 0:
        return "[]"
    texts, pad = _element_texts(a, False)
    return _layout(a, texts, pad, " ", "")


def _format_repr(a):
    dt = a._dtype
    suffix = ""
    if dt.kind == "U":
        suffix = f", dtype='{dt}'"
    elif dt.kind == "O":
        suffix = ", dtype=object"
    elif dt.kind == "u":
        suffix = ", dtype=uint64"
    if a.size == 0:
        shape = f", shape={a._shape}" if len(a._shape) != 1 else ""
        return f"array([]{shape}, dtype={dt})" if dt.kind not in "UO" else f"array([]{shape}{suffix})"
    texts, pad = _element_texts(a, True)
    body = _layout(a, texts, pad, ", ", "      ")
    return f"array({body}{suffix})"
