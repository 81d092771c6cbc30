"""JSON for states: toolkit objects nested in a state are written as references,
`$ARgorithmToolkit.<Class>:<id>`, with the id the object's states carry.

`StateEncoder` is what the server serializes a run's states with, once, after the program has
finished, so each state shows the objects it refers to as they are at the end (as in 0.2.3).
"""
from json import JSONEncoder
from json import encoder as _json

from ARgorithmToolkit._ids import id_of
from ARgorithmToolkit._ndarray import ndarray
from ARgorithmToolkit._scalars import NumpyScalar, bool_, complex128, float64, int8, int64, str_, uint64


def serialize(cls):
    """Class decorator giving instances a `to_json()` that returns their reference string."""
    def to_json(self):
        return f"$ARgorithmToolkit.{type(self).__name__}:{id_of(self)}"
    cls.to_json = to_json
    return cls


_toolkit_classes = None


def _classes():
    # 0.2.3 treats an instance of any class the package exports as a toolkit object (and fails
    # on those without to_json, e.g. Variable and StateSet). Worked out once, on first use: the
    # package is fully imported by then.
    global _toolkit_classes
    if _toolkit_classes is None:
        import ARgorithmToolkit
        _toolkit_classes = tuple(
            value for name, value in vars(ARgorithmToolkit).items()
            if isinstance(value, type) and not name.startswith("_")
        )
        _HOW.update(dict.fromkeys(_toolkit_classes, _REFERENCE))
    return _toolkit_classes


# How an object of one of the toolkit's own classes is written, by its exact type, so that
# the usual objects skip the isinstance chain below. Other types (subclasses an ARgorithm
# defines among them) take the chain.
_REFERENCE, _ITEM, _BOOL, _COMPLEX, _LIST = range(5)
_HOW = {int64: _ITEM, uint64: _ITEM, int8: _ITEM, float64: _ITEM, str_: _ITEM, bool_: _BOOL,
        complex128: _COMPLEX, ndarray: _LIST}
_UNKNOWN = object()


def _encodable(o):
    """What `o` is written as, or _UNKNOWN if it is none of the toolkit's."""
    how = _HOW.get(type(o))
    if how is None:
        if isinstance(o, _classes()):
            how = _REFERENCE
        elif isinstance(o, NumpyScalar):
            how = _BOOL if isinstance(o, bool_) else _COMPLEX if isinstance(o, complex128) else _ITEM
        elif isinstance(o, ndarray):
            how = _LIST
        else:
            return _UNKNOWN
    if how == _REFERENCE:
        try:
            return o.to_json()
        except Exception as ex:
            raise TypeError("Unserializable ARgorithm class") from ex
    if how == _ITEM:
        return o.item()
    if how == _BOOL:
        return bool(o)
    if how == _COMPLEX:
        return {"real": o.real, "imag": o.imag}
    return o.tolist()


def _default(o):
    # StateEncoder.default for the C encoders below, which only serve StateEncoder itself,
    # whose base's default (raising the TypeError) does not look at self.
    found = _encodable(o)
    if found is _UNKNOWN:
        JSONEncoder.default(None, o)
    return found


class StateEncoder(JSONEncoder):
    """Encoder for state contents (use as `json.dumps(..., cls=StateEncoder)`).

    JSONEncoder.encode makes a new C encoder from the settings on every call, which adds about a
    third to the cost of encoding a small state; this one makes it on the first call and keeps
    it (with its circular-reference markers) until an attribute is set or deleted.
    """

    # A slot, not an attribute in __dict__: vars() of an encoder shows what JSONEncoder's does.
    __slots__ = ("_c_encoder",)

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        object.__setattr__(self, "_c_encoder", None)

    def __delattr__(self, name):
        object.__delattr__(self, name)
        object.__setattr__(self, "_c_encoder", None)

    def __getstate__(self):
        # Copies and pickles carry the settings, as JSONEncoder's do, not the C encoder.
        return self.__dict__ or None

    def default(self, o):
        found = _encodable(o)
        if found is _UNKNOWN:
            return super().default(o)
        return found

    def encode(self, o):
        try:
            kept = self._c_encoder
        except AttributeError:  # a copy, whose attributes were not set through __setattr__
            kept = None
        if kept is None:
            if isinstance(o, str):
                return super().encode(o)
            kept = self._make_c_encoder()
        if kept is False:
            return super().encode(o)
        c_encoder, markers = kept
        if markers or isinstance(o, str):
            # Markers mean the C encoder is in use: a default() encoding again, inside its call.
            return super().encode(o)
        try:
            chunks = c_encoder(o, 0)
        except BaseException:
            # The C encoder leaves the markers of the containers it was in when it failed.
            if markers is not None:
                markers.clear()
            raise
        if not isinstance(chunks, (list, tuple)):
            chunks = list(chunks)
        return "".join(chunks)

    def _make_c_encoder(self):
        """(C encoder, markers) as JSONEncoder.iterencode makes them, or False where encode()
        is to do what JSONEncoder's does: for a subclass, a default= function, an indent (not
        given to the C encoder before Python 3.13), no C encoder, or settings json refuses
        (it will say why)."""
        make = _json.c_make_encoder
        kept = False
        if type(self) is StateEncoder and make is not None and self.indent is None and "default" not in self.__dict__:
            markers = {} if self.check_circular else None
            text_encoder = _json.encode_basestring_ascii if self.ensure_ascii else _json.encode_basestring
            try:
                kept = (make(markers, _default, text_encoder, None, self.key_separator, self.item_separator,
                             self.sort_keys, self.skipkeys, self.allow_nan), markers)
            except TypeError:
                pass
        object.__setattr__(self, "_c_encoder", kept)
        return kept
