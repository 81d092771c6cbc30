"""Turning a few lines of ARgorithm code into a case."""
import textwrap

# Helpers every generated program has: `show` records a value and its type in a comment,
# `attempt` records either that or the exception raised (with its message unless told not to:
# some messages are numpy's and not worth reproducing word for word).
PRELUDE = '''\
import ARgorithmToolkit as T


def show(algo, label, value):
    algo.add_comment(f"{label} -> {value!r} [{type(value).__name__}]")


def without_ids(text):
    # Ids are addresses in 0.2.3 and counters here: references in messages lose theirs.
    head, *rest = text.split("$ARgorithmToolkit.")
    for part in rest:
        name, _, tail = part.partition(":")
        head += "$ARgorithmToolkit." + name + ":<id>" + tail.lstrip("0123456789")
    return head


def attempt(algo, label, fn, message=True, quiet=False):
    try:
        value = fn()
    except Exception as e:
        algo.add_comment(f"{label} !! {type(e).__name__}" + (f": {without_ids(str(e))}" if message else ""))
        return None
    if quiet:
        algo.add_comment(f"{label} -> [{type(value).__name__}]")
    else:
        show(algo, label, value)
    return value

'''


def program(body, params=()):
    """Source of `run(**params)`: `body` runs with `algo` defined and the StateSet returned."""
    args = ", ".join(params)
    return (PRELUDE + f"def run({args}):\n    algo = T.StateSet()\n"
            + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ") + "\n    return algo\n")


def case(name, body, params=None, compare="exact"):
    params = params or {}
    return {"name": name, "source": program(body, list(params)), "entry": "run",
            "params": params, "compare": compare}


def raw(name, source, entry="run", params=None, compare="exact"):
    return {"name": name, "source": source, "entry": entry, "params": params or {}, "compare": compare}
