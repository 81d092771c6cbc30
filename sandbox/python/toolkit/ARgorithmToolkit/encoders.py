"""JSON for states: toolkit objects nested in a state are written as references,
`$ARgorithmToolkit.<Class>:<id>`, with the id the object's states carry.

`StateEncoder` is what the server serializes a run's states with, once, after the program has
finished, so each state shows the objects it refers to as they are at the end (as in 0.2.3).
"""
from json import JSONEncoder

from ARgorithmToolkit._ids import id_of
from ARgorithmToolkit._ndarray import ndarray
from ARgorithmToolkit._scalars import NumpyScalar, bool_, complex128


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
    return _toolkit_classes


class StateEncoder(JSONEncoder):
    """Encoder for state contents (use as `json.dumps(..., cls=StateEncoder)`)."""

    def default(self, o):
        if isinstance(o, _classes()):
            try:
                return o.to_json()
            except Exception as ex:
                raise TypeError("Unserializable ARgorithm class") from ex
        if isinstance(o, NumpyScalar):
            if isinstance(o, bool_):
                return bool(o)
            if isinstance(o, complex128):
                return {"real": o.real, "imag": o.imag}
            return o.item()
        if isinstance(o, ndarray):
            return o.tolist()
        return super().default(o)
