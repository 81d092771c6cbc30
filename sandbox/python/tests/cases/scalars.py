"""The numpy scalars read from an Array: arithmetic, comparisons, conversions, printing."""
from cases.build import case

SOURCES = {
    "int": "T.Array('a', algo, data=[7, -3, 0])",
    "float": "T.Array('a', algo, data=[7.5, -3.25, 0.0])",
    "bool": "T.Array('a', algo, data=[True, False, True])",
    "str": "T.Array('a', algo, data=['ab', 'c', ''])",
    "big": "T.Array('a', algo, data=[2 ** 62, -2 ** 62, 1])",
}

BINARY = ["+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "<<", ">>", "<", "<=", "==", "!=", ">", ">="]
OTHERS = ["y", "z", "2", "-2", "0", "2.5", "True", "False", "2 ** 70", "'s'", "None"]

UNARY = ["-x", "+x", "abs(x)", "~x", "int(x)", "float(x)", "bool(x)", "str(x)", "repr(x)", "hash(x)",
         "round(x)", "round(x, 1)", "f'{x}'", "f'{x:>6}'", "x.tolist()", "x.item()", "type(x).__name__",
         "isinstance(x, int)", "isinstance(x, float)", "isinstance(x, bool)", "isinstance(x, str)",
         "[1, 2, 3][x]", "divmod(x, 2)", "x in [7, 'ab', True, 7.5]", "{x: 1}", "sorted([x, z])",
         "len(x)", "x * [1]", "x.is_integer()", "x.real", "x == x", "x is True", "max(x, y)"]


def cases():
    out = []
    for kind, source in SOURCES.items():
        ops = []
        for op in BINARY:
            for other in OTHERS:
                if other == "2 ** 70" and op in ("**", "<<", "*"):
                    continue  # a Python int result this size takes forever or all memory
                expr = f"x {op} {other}"
                ops.append(f"attempt(algo, {expr!r}, lambda: {expr}, message=False)")
            ops.append(f"attempt(algo, '2 {op} x', lambda: 2 {op} x, message=False)")
            ops.append(f"attempt(algo, '2.5 {op} x', lambda: 2.5 {op} x, message=False)")
        # In chunks, so that one case stays readable when it fails.
        for i in range(0, len(ops), 24):
            out.append(case(f"scalar/{kind}/binary{i // 24}",
                            f"a = {source}\nx, y, z = a[0], a[1], a[2]\n" + "\n".join(ops[i:i + 24])))
        unary = [f"attempt(algo, {e!r}, lambda: {e}, message=False)" for e in UNARY]
        out.append(case(f"scalar/{kind}/unary",
                        f"a = {source}\nx, y, z = a[0], a[1], a[2]\n" + "\n".join(unary)))
        out.append(case(f"scalar/{kind}/into_states", f"""
a = {source}
x = a[0]
st = T.Stack('st', algo)
st.push(x)
st.push(x + x if not isinstance(x, str) else x)
v = T.Variable('v', algo, x)
v.value = a[1]
vec = T.Vector('vec', algo, [x])
vec[0] = a[2]
attempt(algo, 'map value', lambda: T.Map('m', algo).__setitem__('k', x))
attempt(algo, 'map key', lambda: T.Map('m2', algo).__setitem__(x, 1))
attempt(algo, 'set add', lambda: T.Set('s', algo).add(x))
attempt(algo, 'set data', lambda: T.Set('s2', algo, [x]).find(x))
""", compare="set"))
    out.append(case("scalar/overflow_and_zero", """
a = T.Array('a', algo, data=[2 ** 63 - 1, -2 ** 63, 5])
x, y, z = a[0], a[1], a[2]
for expr, fn in [('max+1', lambda: x + 1), ('min-1', lambda: y - 1), ('min*-1', lambda: y * -1),
                 ('-min', lambda: -y), ('abs(min)', lambda: abs(y)), ('z//0', lambda: z // 0),
                 ('z%0', lambda: z % 0), ('z/0', lambda: z / 0), ('-z/0', lambda: -z / 0),
                 ('0/0', lambda: (z - z) / 0), ('z**-1', lambda: z ** -1), ('z**40', lambda: z ** 40),
                 ('z<<64', lambda: z << 64), ('z>>64', lambda: (-z) >> 64), ('x+2**63', lambda: x + 2 ** 63),
                 ('x+2**64', lambda: z + 2 ** 64)]:
    attempt(algo, expr, fn, message=False)
f = T.Array('f', algo, data=[1.5, -8.0, 0.0])
p, q, r = f[0], f[1], f[2]
for expr, fn in [('p/0', lambda: p / 0), ('q/0', lambda: q / 0), ('r/r', lambda: r / r), ('p//0', lambda: p // 0),
                 ('p%0', lambda: p % 0), ('q**0.5', lambda: q ** 0.5), ('p**2000', lambda: p ** 2000),
                 ('p*1e308', lambda: p * 1e308), ('divmod', lambda: divmod(p, 0.5))]:
    attempt(algo, expr, fn, message=False)
"""))
    return out
