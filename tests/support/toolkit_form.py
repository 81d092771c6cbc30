"""The real ARgorithmToolkit 0.2.3's input form (`ARgorithmToolkit.parser.input_data`, what
`ARgorithm test` asks a programmer) as a judge of parameter values.

Prints a JSON list of cases, `{"config": i, "values": {...}, "fits": bool}`, after the configs
(`{"configs": [...], "cases": [...]}`). Each case's values are typed into the form as a person
would (one line per number, string or array, one line per matrix row); the form accepts them
(`fits`) when it returns without asking again and has read every line it was given. Values the
form cannot express (empty strings and elements, JSON numbers as STRING elements) are not made.

Run it with the Python of the venv where argorithmtoolkit==0.2.3 is installed.
"""
import contextlib
import io
import json
import random
import sys

from ARgorithmToolkit import parser

try:  # typer >= 0.25 prompts through its own copy of click
    from typer._click import termui
except ImportError:
    from click import termui


def p(kind, **rest):
    return {"description": "", "type": kind, **rest}


CONFIGS = [
    ({"n": p("INT", start=1)}, {"n": 1}),
    ({"n": p("INT", start=0, end=90)}, {"n": 10}),
    ({"x": p("FLOAT", start=-1.5, end=2.5)}, {"x": 0.0}),
    ({"x": p("FLOAT", start=0)}, {"x": 1.0}),
    ({"s": p("STRING", size=3)}, {"s": "abc"}),
    ({"s": p("STRING", size="n"), "n": p("INT")}, {"s": "ab", "n": 2}),
    ({"a": p("ARRAY", **{"item-type": "INT", "size": "n"}), "n": p("INT", start=-2, end=5)}, {"a": [1, 2], "n": 2}),
    ({"a": p("ARRAY", **{"item-type": "FLOAT", "size": 2})}, {"a": [1.5, 2]}),
    ({"a": p("ARRAY", **{"item-type": "STRING"})}, {"a": ["x"]}),
    ({"m": p("MATRIX", **{"item-type": "INT", "row": "r", "col": "c"}), "r": p("INT"), "c": p("INT")}, {"m": [[1]], "r": 1, "c": 1}),
    ({"m": p("MATRIX", **{"item-type": "FLOAT", "row": 2, "col": 3})}, {"m": [[1, 2, 3], [4, 5, 6]]}),
    ({"m": p("MATRIX", **{"item-type": "STRING", "row": "r", "col": 1}), "r": p("INT", end=3)}, {"m": [["a"]], "r": 1}),
]


def word(rng):
    return "".join(rng.choice("abcxyz") for _ in range(rng.randint(1, 4)))


def near(rng, bound, step):
    return rng.choice([bound - step, bound, bound + step])


def number(rng, spec, integral):
    bounds = [b for b in (spec.get("start"), spec.get("end")) if b is not None]
    if bounds and rng.random() < 0.6:
        return near(rng, rng.choice(bounds), 1 if integral else rng.choice([0.5, 0.01]))
    if integral:
        # Not 2.0: whether the form takes "2.0" for an integer is up to the typer release it
        # runs on (0.29 does), not parser.py; the server takes JSON integers only.
        return rng.choice([rng.randint(-3, 100), rng.randint(-3, 100), 1.5])
    return rng.choice([round(rng.uniform(-3, 4), 2), rng.randint(-3, 4)])


def item(rng, kind):
    """Mostly of the declared type, sometimes not (as far as the form can type it)."""
    if kind == "INT":
        return rng.choice([rng.randint(-9, 99)] * 5 + [2.5])
    if kind == "FLOAT":
        return rng.choice([round(rng.uniform(-9, 9), 2), rng.randint(-9, 9)])
    return word(rng)


def value(rng, spec):
    kind = spec["type"]
    if kind in ("INT", "FLOAT"):
        return number(rng, spec, kind == "INT")
    if kind == "STRING":
        return word(rng)
    if kind == "ARRAY":
        size = spec.get("size")
        length = size if isinstance(size, int) and rng.random() < 0.6 else rng.randint(1, 4)
        return [item(rng, spec["item-type"]) for _ in range(length)]
    def count(key, low):
        fixed = spec[key]
        return fixed if isinstance(fixed, int) and rng.random() < 0.6 else rng.randint(low, 3)

    rows, cols = count("row", 0), count("col", 1)
    return [[item(rng, spec["item-type"]) for _ in range(cols + (rng.random() < 0.15))] for _ in range(rows)]


def values_for(rng, params):
    values = {name: value(rng, spec) for name, spec in params.items()}
    # Sizes named by another parameter: often the length the values have, sometimes not.
    for name, spec in params.items():
        for key in ("size", "row", "col"):
            ref = spec.get(key)
            if isinstance(ref, str) and rng.random() < 0.7:
                v = values[name]
                length = len(v) if key != "col" else (len(v[0]) if v else rng.randint(-1, 2))
                values[ref] = rng.choice([length, length, -1, 0]) if key == "row" and not v else length
    r = rng.random()
    if r < 0.04:
        values.pop(rng.choice(list(values)))
    elif r < 0.08:
        values["extra"] = 1
    return values


def lines(spec, v):
    """What a person types for `v`, one entry per prompt."""
    if spec["type"] == "ARRAY":
        return [" ".join(map(str, v))]
    if spec["type"] == "MATRIX":
        return [" ".join(map(str, row)) for row in v]
    return [str(v)]


class AskedAgain(Exception):
    pass


def form_accepts(params, values):
    typed = {name: lines(spec, values[name]) for name, spec in params.items() if name in values}
    current = {"key": None}

    def info(message, data):
        if message.strip() == "input keyword":
            current["key"] = data

    def prompt(_):
        left = typed.get(current["key"])
        if not left:
            raise AskedAgain()
        return left.pop(0)

    parser.info, termui.visible_prompt_func = info, prompt
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            made = parser.input_data(params)
    except AskedAgain:
        return False
    if any(typed.values()) or set(values) != set(made):
        return False
    if made != values:
        raise SystemExit(f"the form made {made!r} of {values!r}")
    return True


def main():
    rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 20261204)
    cases = []
    for i, (params, example) in enumerate(CONFIGS):
        assert form_accepts(params, example), f"config {i}'s example does not fit its own form"
        for _ in range(40):
            values = values_for(rng, params)
            cases.append({"config": i, "values": values, "fits": form_accepts(params, values)})
    configs = [{"parameters": params, "example": example} for params, example in CONFIGS]
    json.dump({"configs": configs, "cases": cases}, sys.stdout)


main()
