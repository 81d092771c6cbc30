"""Stand-ins for the numpy scalars (numpy 1.26) that 0.2.3's Array handed to ARgorithms.

An element read from an Array was a numpy scalar, and programs see it: `np.int64` is not an
`int` (so `isinstance` checks and Map's type assertions reject it, and Array's own indexing
refuses it), arithmetic on it wraps at 64 bits, divides by zero without raising, and `np.bool_`
adds like `or`. These classes reproduce that arithmetic for the operands an ARgorithm can have
(Python numbers and these scalars). They print, compare, hash and convert like numpy's.
numpy's RuntimeWarnings (overflow, division by zero) are not reproduced: they reach no state.
"""
import math
import operator

_I_MIN, _I_MAX = -(1 << 63), (1 << 63) - 1
_U_MAX = (1 << 64) - 1
_NAN = float("nan")
_INF = float("inf")


class UFuncTypeError(TypeError):
    """numpy's error for an operation its element types do not support."""


def type_name(obj):
    """The name Python's own error messages give `type(obj)`; numpy's types carry their module."""
    cls = type(obj)
    if isinstance(obj, NumpyScalar):
        return "numpy." + cls.__name__
    return cls.__name__


def _wrap_i(v):
    return ((v - _I_MIN) & _U_MAX) + _I_MIN


def _classify(o):
    """(kind, value) of an arithmetic operand, or None when numpy would not treat it as a number
    here. Python scalars are kinds of their own: numpy 1.26 casts them by value."""
    cls = type(o)
    if cls is int:
        return "py", o
    if cls is float:
        return "pf", o
    if cls is bool:
        return "b", o
    if isinstance(o, NumpyScalar):
        return o._kind, o.item()
    if isinstance(o, bool):
        return "b", bool(o)
    if isinstance(o, int):
        return "py", int(o)
    if isinstance(o, float):
        return "pf", float(o)
    if isinstance(o, complex):
        return "c", complex(o)
    return None


def _result_kind(mine, other_kind, other_value):
    """numpy's result type for `mine op other` (mine is one of 'b', 'i', 'u', 'f')."""
    if other_kind == "py":
        if mine == "b":
            return "i" if _I_MIN <= other_value <= _I_MAX else ("f" if 0 <= other_value <= _U_MAX else "O")
        if mine == "f":
            return "f" if _I_MIN <= other_value <= _U_MAX else "O"
        if mine == "u":
            return "u" if 0 <= other_value <= _U_MAX else ("f" if other_value >= _I_MIN else "O")
        return "i" if _I_MIN <= other_value <= _I_MAX else ("f" if 0 <= other_value <= _U_MAX else "O")
    if other_kind == "pf":
        return "f"
    if other_kind == "c" or mine == "c":
        return "c"
    order = "biuf"
    if {mine, other_kind} == {"i", "u"}:
        return "f"
    return max(mine, other_kind, key=order.index)


def _float_div(a, b):
    if b:
        return a / b
    if a != a or a == 0:
        return _NAN
    return math.copysign(_INF, a) * math.copysign(1.0, b)


def _float_floordiv(a, b):
    if b:
        try:
            return a // b
        except ZeroDivisionError:
            return _NAN
    return _float_div(a, b)


def _float_mod(a, b):
    if b:
        return a % b
    return _NAN


def _float_pow(a, b):
    try:
        r = a ** b
    except OverflowError:
        return _INF
    except ZeroDivisionError:
        return _INF
    if isinstance(r, complex):
        return _NAN
    return r


def _int_pow(a, b):
    if b < 0:
        raise ValueError("Integers to negative integer powers are not allowed.")
    return pow(a, b, 1 << 64)


def _int_shift_left(a, b):
    return a << b if 0 <= b < 64 else 0


def _int_shift_right(a, b):
    if 0 <= b < 64:
        return a >> b
    return -1 if a < 0 else 0


_INT_OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "floordiv": lambda a, b: a // b if b else 0,
    "mod": lambda a, b: a % b if b else 0,
    "pow": _int_pow,
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
    "lshift": _int_shift_left,
    "rshift": _int_shift_right,
}

_PY_OPS = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "truediv": lambda a, b: a / b, "floordiv": lambda a, b: a // b, "mod": lambda a, b: a % b,
    "pow": lambda a, b: a ** b, "and": lambda a, b: a & b, "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b, "lshift": lambda a, b: a << b, "rshift": lambda a, b: a >> b,
}

_FLOAT_OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "truediv": _float_div,
    "floordiv": _float_floordiv,
    "mod": _float_mod,
    "pow": _float_pow,
}


def _complex_op(op, a, b):
    try:
        return {
            "add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b,
            "truediv": lambda: a / b, "pow": lambda: a ** b,
        }[op]()
    except ZeroDivisionError:
        return complex(_NAN, _NAN)
    except KeyError:
        return None


def _binary(op, left, right, swapped):
    """`left op right` with left a numpy scalar; `swapped` when Python called the reflected
    method (so the numpy scalar is really the right operand)."""
    other = _classify(right)
    if other is None:
        if isinstance(right, str) and op in _STR_UFUNCS:
            raise UFuncTypeError(f"ufunc '{_STR_UFUNCS[op]}' did not contain a loop with signature matching types")
        return NotImplemented
    okind, ovalue = other
    mine, mvalue = left._kind, left.item()
    a, b = (ovalue, mvalue) if swapped else (mvalue, ovalue)
    if okind == "b" and mine == "b":
        return _bool_op(op, a, b)
    kind = _result_kind(mine, okind, ovalue)
    if op == "truediv" and kind in "biu":
        kind = "f"
    if kind == "O":
        # numpy hands Python ints beyond 64 bits to Python's own arithmetic.
        try:
            return _PY_OPS[op](a, b)
        except KeyError:
            return NotImplemented
    if kind in "iu":
        fn = _INT_OPS.get(op)
        if fn is None:
            return NotImplemented
        r = fn(int(a), int(b))
        if kind == "i":
            return int64(_wrap_i(r))
        return uint64(r & _U_MAX)
    if kind == "f":
        fn = _FLOAT_OPS.get(op)
        if fn is None:
            raise TypeError(f"ufunc '{_UFUNC_NAMES.get(op, op)}' not supported for the input types, and the "
                            "inputs could not be safely coerced to any supported types according to the "
                            "casting rule ''safe''")
        return float64(fn(float(a), float(b)))
    if kind == "c":
        r = _complex_op(op, complex(a), complex(b))
        if r is None:
            return NotImplemented
        return complex128(r)
    return NotImplemented


_UFUNC_NAMES = {"and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor",
                "lshift": "left_shift", "rshift": "right_shift"}


def _bool_op(op, a, b):
    a, b = bool(a), bool(b)
    if op in ("add", "or"):
        return bool_(a or b)
    if op in ("mul", "and"):
        return bool_(a and b)
    if op == "xor":
        return bool_(a != b)
    if op == "sub":
        raise TypeError("numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, "
                        "the `^` operator, or the logical_xor function instead.")
    if op == "truediv":
        return float64(_float_div(float(a), float(b)))
    if op in ("floordiv", "mod", "pow", "lshift", "rshift"):
        # numpy computes these on booleans as its smallest integer type.
        return int8(_INT_OPS[op](int(a), int(b)))
    return NotImplemented


def _compare(op, left, right):
    if type(right) is type(left) and type(left) is int64:
        a, b = left._v, right._v
        return _TRUE if _PY_COMPARE[op](a, b) else _FALSE
    other = _classify(right)
    if other is None:
        if op == "eq":
            return False
        if op == "ne":
            return True
        if isinstance(right, str):
            raise UFuncTypeError(f"ufunc '{_COMPARE_NAMES[op]}' did not contain a loop with signature matching types")
        return NotImplemented
    a, b = left.item(), other[1]
    if op == "eq":
        return bool_(a == b)
    if op == "ne":
        return bool_(a != b)
    if op == "lt":
        return bool_(a < b)
    if op == "le":
        return bool_(a <= b)
    if op == "gt":
        return bool_(a > b)
    return bool_(a >= b)


# With a str operand numpy tries these ufuncs (and fails); other operators fall back to
# Python's (so `n * 'ab'` repeats the string, as for an int).
_STR_UFUNCS = {"add": "add", "sub": "subtract"}
_PY_COMPARE = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b, "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
}
_COMPARE_NAMES = {"lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal"}


class NumpyScalar:
    """Base of the stand-ins; `item()` and `tolist()` give the plain Python value, as numpy's do."""

    __slots__ = ()
    _kind = "O"

    def tolist(self):
        return self.item()

    def __divmod__(self, other):
        q = self // other
        return NotImplemented if q is NotImplemented else (q, self % other)

    def __rdivmod__(self, other):
        return (other // self, other % self)


def _arith(name):
    def forward(self, other):
        return _binary(name, self, other, False)

    def reflected(self, other):
        return _binary(name, self, other, True)

    return forward, reflected


def _comparisons(cls):
    for op in ("eq", "ne", "lt", "le", "gt", "ge"):
        setattr(cls, f"__{op}__", _comparison(cls, op))
    return cls


def _comparison(cls, op):
    # int64 and float64 compared with each other's kind or a Python number (what ARgorithms
    # compare nearly always) go straight to the result _compare would give them.
    fn = getattr(operator, op)
    if cls is int64:
        def compare(self, other):
            kind = type(other)
            if kind is int64:
                return _TRUE if fn(self._v, other._v) else _FALSE
            if kind is int or kind is float:
                return _TRUE if fn(self._v, other) else _FALSE
            return _compare(op, self, other)
    elif cls is float64:
        def compare(self, other):
            kind = type(other)
            if kind is float or kind is int:
                return _TRUE if fn(float(self), other) else _FALSE
            if kind is float64:
                return _TRUE if fn(float(self), float(other)) else _FALSE
            return _compare(op, self, other)
    else:
        def compare(self, other):
            return _compare(op, self, other)
    return compare


def _arithmetic(cls, ops):
    for op in ops:
        forward, reflected = _arith(op)
        setattr(cls, f"__{op}__", forward)
        setattr(cls, f"__r{op}__", reflected)
    return cls


_ALL_OPS = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "and", "or", "xor", "lshift", "rshift")
_FLOAT_ONLY = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow")


class _Integer(NumpyScalar):
    __slots__ = ("_v",)

    def __init__(self, value=0):
        self._v = value

    def item(self):
        return self._v

    def __index__(self):
        return self._v

    def __int__(self):
        return self._v

    def __float__(self):
        return float(self._v)

    def __complex__(self):
        return complex(self._v)

    def __bool__(self):
        return self._v != 0

    def __hash__(self):
        return hash(self._v)

    def __repr__(self):
        return repr(self._v)

    def __str__(self):
        return str(self._v)

    def __format__(self, spec):
        return format(self._v, spec)

    def __round__(self, ndigits=None):
        if ndigits is None:
            return self._v
        return type(self)(round(self._v, ndigits))

    def __trunc__(self):
        return self._v

    def __floor__(self):
        return self._v

    def __ceil__(self):
        return self._v

    def __pos__(self):
        return self

    def __divmod__(self, other):
        q = self // other
        return NotImplemented if q is NotImplemented else (q, self % other)

    def __rdivmod__(self, other):
        q = other // self
        return (q, other % self)

    def is_integer(self):
        return True

    @property
    def real(self):
        return self

    @property
    def imag(self):
        return type(self)(0)


class int64(_Integer):
    __slots__ = ()
    _kind = "i"

    def __neg__(self):
        return int64(_wrap_i(-self._v))

    def __abs__(self):
        return int64(_wrap_i(abs(self._v)))

    def __invert__(self):
        return int64(~self._v)


class int8(_Integer):
    __slots__ = ()
    _kind = "i"

    def __neg__(self):
        return int8(((-self._v + 128) & 255) - 128)


class uint64(_Integer):
    __slots__ = ()
    _kind = "u"

    def __neg__(self):
        return uint64((-self._v) & _U_MAX)

    def __abs__(self):
        return self

    def __invert__(self):
        return uint64(~self._v & _U_MAX)


class float64(float, NumpyScalar):
    __slots__ = ()
    _kind = "f"

    def item(self):
        return float(self)

    def __hash__(self):
        return float.__hash__(self)

    def __neg__(self):
        return float64(-float(self))

    def __pos__(self):
        return self

    def __abs__(self):
        return float64(abs(float(self)))

    def __round__(self, ndigits=None):
        if ndigits is None:
            return round(float(self))
        return float64(round(float(self), ndigits))

    @property
    def real(self):
        return self

    @property
    def imag(self):
        return float64(0.0)

    def __divmod__(self, other):
        q = self // other
        return NotImplemented if q is NotImplemented else (q, self % other)

    def __rdivmod__(self, other):
        q = other // self
        return (q, other % self)


class complex128(complex, NumpyScalar):
    __slots__ = ()
    _kind = "c"

    def item(self):
        return complex(self)

    def __hash__(self):
        return complex.__hash__(self)


class bool_(NumpyScalar):
    """numpy's boolean scalar; like numpy's, there are just two of them (`bool_(1) is bool_(True)`)."""

    __slots__ = ("_v",)
    _kind = "b"

    def __new__(cls, value=False):
        return _TRUE if value else _FALSE

    def __reduce__(self):
        # copy and pickle must hand back the singleton, not refill one.
        return (bool_, (self._v,))

    def item(self):
        return self._v

    def __bool__(self):
        return self._v

    def __index__(self):
        return int(self._v)

    def __int__(self):
        return int(self._v)

    def __float__(self):
        return float(self._v)

    def __hash__(self):
        return hash(self._v)

    def __repr__(self):
        return repr(self._v)

    def __str__(self):
        return str(self._v)

    def __format__(self, spec):
        return format(self._v, spec)

    def __invert__(self):
        return bool_(not self._v)

    def __neg__(self):
        raise TypeError("The numpy boolean negative, the `-` operator, is not supported, use the `~` "
                        "operator or the logical_not function instead.")

    def __pos__(self):
        raise UFuncTypeError("ufunc 'positive' did not contain a loop with signature matching types")

    def __abs__(self):
        return self

    @property
    def real(self):
        return self


_TRUE = object.__new__(bool_)
_TRUE._v = True
_FALSE = object.__new__(bool_)
_FALSE._v = False


class str_(str, NumpyScalar):
    __slots__ = ()
    _kind = "U"

    def item(self):
        return str(self)

    @property
    def real(self):
        return self

    def __sub__(self, other):
        raise TypeError(f"unsupported operand type(s) for -: 'numpy.str_' and '{type_name(other)}'")

    def __rsub__(self, other):
        raise TypeError(f"unsupported operand type(s) for -: '{type_name(other)}' and 'numpy.str_'")


for _cls in (int64, int8, uint64, float64, bool_):
    _comparisons(_cls)
for _cls in (int64, int8, uint64, bool_):
    _arithmetic(_cls, _ALL_OPS)
_arithmetic(float64, _FLOAT_ONLY)
_arithmetic(complex128, ("add", "sub", "mul", "truediv", "pow"))
del _cls


def _int64_arithmetic(op, fn):
    # int64 with int64, or with a Python int in its range (what ARgorithms compute with nearly
    # always), straight to the 64-bit result _binary gives them.
    def forward(self, other):
        kind = type(other)
        if kind is int64:
            r = fn(self._v, other._v)
        elif kind is int and _I_MIN <= other <= _I_MAX:
            r = fn(self._v, other)
        else:
            return _binary(op, self, other, False)
        return int64(r if _I_MIN <= r <= _I_MAX else _wrap_i(r))

    def reflected(self, other):
        if type(other) is int and _I_MIN <= other <= _I_MAX:
            r = fn(other, self._v)
            return int64(r if _I_MIN <= r <= _I_MAX else _wrap_i(r))
        return _binary(op, self, other, True)

    setattr(int64, f"__{op}__", forward)
    setattr(int64, f"__r{op}__", reflected)


for _op in ("add", "sub", "mul"):
    _int64_arithmetic(_op, getattr(operator, _op))
del _op

BOX = {"b": bool_, "i": int64, "u": uint64, "f": float64, "c": complex128, "U": str_}
