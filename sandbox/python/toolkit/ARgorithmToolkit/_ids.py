"""Object ids for states and `$ARgorithmToolkit.<Class>:<id>` references.

0.2.3 used memory addresses (`id(self)`), which differ between runs and get reused once an object
dies. Here every toolkit object takes the next value of one process-wide counter instead, as a
decimal string, so the same program on the same input always gives the same trace. The counter
is never reset: within one process every object keeps a distinct id.
"""
from itertools import count

_counter = count(1)


def next_id():
    return str(next(_counter))


def id_of(obj):
    """The id an object is referenced by; objects the toolkit did not create (a class of the
    author's own decorated with `serialize`) are given one the first time they are referenced."""
    try:
        return obj.__dict__["_id"]
    except (AttributeError, KeyError):
        pass
    generator = getattr(obj, "state_generator", None)
    if generator is not None and isinstance(getattr(generator, "_id", None), str):
        return generator._id
    new = next_id()
    object.__setattr__(obj, "_id", new)
    return new
