"""Array: element types inferred from data, shape and fill, indexing, writes, views."""
from cases.build import case

# Data of every element-type combination numpy 1.26 distinguishes, and malformed data.
DATA = {
    "ints": "[5, 8, 1, 3]",
    "floats": "[1.5, 2.25, -3.0]",
    "int_float": "[1, 2.5, 3]",
    "bools": "[True, False, True]",
    "bool_int": "[True, 2, 0]",
    "bool_float": "[True, 2.5]",
    "int_str": "[1, 'ab', 3]",
    "float_str": "[1.5, 'x']",
    "bool_str": "[True, 'xy']",
    "strs": "['pear', 'fig', 'kiwi']",
    "chars": "['a', 'b', 'c']",
    "empty_str": "['', 'a']",
    "none_int": "[None, 1, 2]",
    "dicts": "[{'a': 1}, {'b': 2}]",
    "empty": "[]",
    "tuple": "(4, 5, 6)",
    "big_u64": "[2 ** 63, 1]",
    "big_mixed": "[2 ** 63, -1]",
    "huge": "[2 ** 64, 1]",
    "negative": "[-3, -1, -2]",
    "single": "[7]",
    "complex": "[1, 2j]",
    "matrix": "[[1, 2, 3], [4, 5, 6]]",
    "matrix_float": "[[1, 2.5], [3, 4]]",
    "matrix_str": "[['a', 'bb'], ['c', 'd']]",
    "cube": "[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]",
    "ragged": "[[1, 2], [3]]",
    "ragged_deep": "[[[1, 2]], [[1, 2, 3]]]",
    "mixed_depth": "[[1], 5]",
    "empty_rows": "[[], []]",
    "tuple_rows": "((1, 2), (3, 4))",
    "string_data": "'abc'",
    "scalar_data": "5",
}

# Operations on an array `arr` built from each data set.
OPS = {
    "declare": "show(algo, 'dtype', str(arr.dtype)); show(algo, 'repr dtype', repr(arr.dtype))",
    "len_shape": "attempt(algo, 'len', lambda: len(arr)); show(algo, 'shape', arr.shape())",
    "first_last": "attempt(algo, 'first', lambda: arr[0]); attempt(algo, 'last', lambda: arr[-1])",
    "iterate": "attempt(algo, 'items', lambda: [x for x in arr])",
    "out_of_range": "attempt(algo, 'oob', lambda: arr[10]); attempt(algo, 'neg oob', lambda: arr[-10])",
    "compare_default": "attempt(algo, 'compare', lambda: arr.compare(0, -1), message=False)",
    "compare_func": "attempt(algo, 'compare', lambda: arr.compare(0, 1, lambda a, b: a > b), message=False)",
    "swap": "attempt(algo, 'swap', lambda: arr.swap(0, -1)); show(algo, 'after', arr.tolist())",
    "write_float": "attempt(algo, 'w', lambda: arr.__setitem__(0, 2.7)); show(algo, 'after', arr.tolist())",
    "write_str_digit": "attempt(algo, 'w', lambda: arr.__setitem__(0, '5')); show(algo, 'after', arr.tolist())",
    "write_word": "attempt(algo, 'w', lambda: arr.__setitem__(-1, 'hello')); show(algo, 'after', arr.tolist())",
    "write_none": "attempt(algo, 'w', lambda: arr.__setitem__(0, None)); show(algo, 'after', arr.tolist())",
    "write_bool": "attempt(algo, 'w', lambda: arr.__setitem__(0, True)); show(algo, 'after', arr.tolist())",
    "write_list": "attempt(algo, 'w', lambda: arr.__setitem__(0, [9, 9, 9])); show(algo, 'after', arr.tolist())",
    "write_neg_float": "attempt(algo, 'w', lambda: arr.__setitem__(1, -2.7)); show(algo, 'after', arr.tolist())",
    "slice": "attempt(algo, 'slice', lambda: arr[1:3]); attempt(algo, 'rev', lambda: arr[::-1])",
    "str_repr": "show(algo, 'str', str(arr)); show(algo, 'repr', repr(arr)); show(algo, 'tolist', arr.tolist())",
    "body_text": "show(algo, 'body', repr(arr.body)); show(algo, 'body str', str(arr.body))",
    "contains": "attempt(algo, 'in', lambda: 1 in arr)",
    "sorted": "attempt(algo, 'sorted', lambda: sorted(arr), message=False)",
}

# Arrays from a shape and a fill value (np.full), including conversions and errors.
FULL = {
    "zeros": "shape=(2, 3)",
    "fill7": "shape=(2, 2), fill=7",
    "int_shape": "shape=4, fill=1",
    "float_fill_int": "shape=3, fill=2.7",
    "str_digit_fill": "shape=2, fill='5'",
    "str_fill_int": "shape=2, fill='a'",
    "none_fill": "shape=2, fill=None",
    "nan_fill": "shape=2, fill=float('nan')",
    "huge_fill": "shape=2, fill=1e20",
    "float_dtype": "shape=3, fill=1, dtype=float",
    "float_none": "shape=2, fill=None, dtype=float",
    "bool_dtype": "shape=3, fill=2, dtype=bool",
    "bool_str": "shape=2, fill='abc', dtype=bool",
    "str_dtype": "shape=3, fill='hello', dtype=str",
    "str_zero": "shape=2, dtype=str",
    "dtype_none": "shape=2, fill='ab', dtype=None",
    "object_dtype": "shape=2, fill=None, dtype=object",
    "dtype_name": "shape=2, fill=3, dtype='float'",
    "dtype_bad": "shape=2, dtype='xyz'",
    "no_shape": "",
    "negative_shape": "shape=-1",
    "empty_shape": "shape=(2, 0)",
    "list_shape": "shape=[2, 1], fill=3",
    "float_shape": "shape=2.0",
    "row_fill": "shape=(2, 2), fill=[1, 2]",
    "bad_row_fill": "shape=(2, 2), fill=[1, 2, 3]",
    "cube": "shape=(2, 2, 2), fill=1",
}

MATRIX_OPS = {
    "row": "attempt(algo, 'row', lambda: m[0])",
    "row_then_item": "attempt(algo, 'item', lambda: m[1][2])",
    "item": "attempt(algo, 'item', lambda: m[1, 2]); attempt(algo, 'neg', lambda: m[-1, -1])",
    "tuple_partial": "attempt(algo, 'partial', lambda: m[(1,)])",
    "oob_col": "attempt(algo, 'oob', lambda: m[0, 5])",
    "oob_row": "attempt(algo, 'oob', lambda: m[2])",
    "too_many": "attempt(algo, 'many', lambda: m[0, 1, 2])",
    "column_slice": "attempt(algo, 'col', lambda: m[:, 1])",
    "row_slice": "attempt(algo, 'rows', lambda: m[0:1])",
    "write_row_scalar": "m[0] = 5\nshow(algo, 'after', m.tolist())",
    "write_row_list": "m[0] = [7.5, 8, 9]\nshow(algo, 'after', m.tolist())\nm[1, 1] = 0",
    "write_row_short": "attempt(algo, 'w', lambda: m.__setitem__(0, [1, 2]))",
    "write_row_one": "m[1] = [4]\nshow(algo, 'after', m.tolist())",
    "write_item": "m[1, 1] = 2.5\nm[(0, 0)] = -1\nshow(algo, 'after', m.tolist())",
    "write_then_more": "m[0] = 1\nm[0, 1] = 42\nm[0] = [3, 3, 3]",
    "swap_rows": "m.swap(0, 1)\nshow(algo, 'after', m.tolist())",
    "swap_items": "m.swap((0, 0), (1, 2))\nm.swap((0, 1), (-1, -1))",
    "compare_rows": "attempt(algo, 'cmp', lambda: m.compare(0, 1), message=False)",
    "compare_rows_if": "attempt(algo, 'cmp', lambda: bool(m.compare(0, 1, lambda a, b: a > b)), message=False)",
    "compare_items": "attempt(algo, 'cmp', lambda: m.compare((0, 1), (1, 0)))",
    "nested_loops": "for row in m:\n    for x in row:\n        pass",
    "len_shape": "show(algo, 'len', len(m)); show(algo, 'shape', m.shape())",
    "str_body": "show(algo, 'str', str(m)); show(algo, 'body', repr(m.body)); show(algo, 'bodystr', str(m.body))",
    "row_ops": "r = m[0]\nr[1] = 50\nshow(algo, 'r', r.tolist()); show(algo, 'm', m.tolist())",
    "list_index": "attempt(algo, 'fancy', lambda: m[[0]])",
}

INDEX_KEYS = ["0", "-1", "3", "-4", "4", "1.0", "'0'", "None", "True", "False", "(0,)", "(0, 1)",
              "slice(1, 3)", "slice(None, None, -1)", "slice(0, 0)", "[0, 2]", "[5]", "()"]


def cases():
    out = []
    for dname, data in DATA.items():
        for oname, op in OPS.items():
            body = (f"arr = attempt(algo, 'make', lambda: T.Array('arr', algo, data={data}, comments='made'))\n"
                    "if arr is not None:\n" + _indent(op))
            out.append(case(f"array/{dname}/{oname}", body))
    for fname, args in FULL.items():
        out.append(case(f"array_full/{fname}", f"""
            arr = attempt(algo, 'make', lambda: T.Array('grid', algo, {args}))
            if arr is not None:
                show(algo, 'dtype', str(arr.dtype)); show(algo, 'list', arr.tolist())
                attempt(algo, 'first', lambda: arr[0])
                attempt(algo, 'write', lambda: arr.__setitem__(0, 1))
        """))
    for source in ("[[1, 2, 3], [4, 5, 6]]", "[[1.5, 2, 3], [4, 5, 6]]", "[['a', 'b', 'c'], ['d', 'e', 'f']]"):
        kind = {"[[1,": "int", "[[1.": "float", "[['a": "str"}[source[:4]]
        for oname, op in MATRIX_OPS.items():
            out.append(case(f"matrix/{kind}/{oname}", f"m = T.Array('m', algo, data={source})\n" + op))
    for i, key in enumerate(INDEX_KEYS):
        out.append(case(f"array_key/{i}", f"""
            arr = T.Array('arr', algo, data=[10, 20, 30, 40])
            attempt(algo, 'read {key}', lambda: arr[{key}])
            attempt(algo, 'write {key}', lambda: arr.__setitem__({key}, 1))
            show(algo, 'after', arr.tolist())
        """))
    out += [
        case("array_key/scalar_from_array", """
            arr = T.Array('arr', algo, data=[2, 0, 1])
            i = arr[0]
            attempt(algo, 'index by element', lambda: arr[i])
            attempt(algo, 'write by element', lambda: arr.__setitem__(i, 9))
            attempt(algo, 'index by int()', lambda: arr[int(i)])
            counts = T.Array('counts', algo, shape=3, fill=0)
            for x in arr:
                attempt(algo, 'count', lambda: counts.__setitem__(x, counts[x] + 1))
        """),
        case("array_key/bool_scalar", """
            arr = T.Array('flags', algo, data=[True, False])
            f = arr[1]
            attempt(algo, 'index by bool_', lambda: arr[f])
        """),
        case("array/from_structures", """
            src = T.Array('src', algo, data=[3, 1, 2])
            vec = T.Vector('vec', algo, [4, 5])
            word = T.String('word', algo, 'hi')
            attempt(algo, 'from array', lambda: T.Array('a', algo, data=src).tolist())
            attempt(algo, 'from vector', lambda: T.Array('b', algo, data=vec).tolist())
            attempt(algo, 'from string', lambda: T.Array('c', algo, data=word).tolist())
            attempt(algo, 'from list of arrays', lambda: T.Array('d', algo, data=[src, src]).tolist())
            attempt(algo, 'from row', lambda: T.Array('e', algo, data=src.body[0:2]).tolist())
        """),
        case("array/bad_name_algo", """
            attempt(algo, 'name', lambda: T.Array(5, algo, data=[1]))
            attempt(algo, 'algo', lambda: T.Array('a', None, data=[1]))
            attempt(algo, 'nothing', lambda: T.Array('a', algo).tolist())
        """),
        case("array/nan_in_state", """
            arr = T.Array('arr', algo, data=[1.0, 2.0])
            arr[0] = float('nan')
        """),
        case("array/object_elements", """
            inner = T.Stack('inner', algo)
            arr = T.Array('arr', algo, data=[None, 'x', 3])
            arr[0] = inner
            arr[1] = None
            arr[1] = 4
            show(algo, 'elem', arr[2])
        """),
        case("array/sub_array_chain", """
            m = T.Array('m', algo, data=[[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
            a = m[1]
            b = a[0]
            c = b[1]
            show(algo, 'c', c)
            m[1, 0] = [0, 0]
            m[0, 1, 1] = 99
        """),
        case("array/write_value_kinds", """
            arr = T.Array('arr', algo, data=[1, 2, 3])
            f = T.Array('f', algo, data=[0.5, 1.5])
            arr[0] = f[1]
            arr[1] = arr[0] + 10
            f[0] = arr[2]
            f[1] = True
            for v in ['7', ' 8 ', '9.5', 'x', 2 ** 70, float('inf'), 1 + 2j, [1], (2,)]:
                attempt(algo, f'int <- {v!r}', lambda: arr.__setitem__(2, v))
                attempt(algo, f'float <- {v!r}', lambda: f.__setitem__(0, v))
            show(algo, 'arr', arr.tolist()); show(algo, 'f', f.tolist())
        """),
        case("array/bool_writes", """
            arr = T.Array('arr', algo, data=[True, True, True])
            for v in [0, 5, '', 'abc', None, [], [1], 0.0]:
                attempt(algo, f'bool <- {v!r}', lambda: arr.__setitem__(1, v))
                show(algo, 'now', arr.tolist())
        """),
        case("array/str_writes", """
            arr = T.Array('arr', algo, data=['ab', 'c'])
            for v in ['xyz', 5, 2.5, True, None, [1], 12345]:
                attempt(algo, f'str <- {v!r}', lambda: arr.__setitem__(0, v))
                show(algo, 'now', arr.tolist())
        """),
        case("array/dtype_compare", """
            arr = T.Array('arr', algo, data=[1, 2])
            f = T.Array('f', algo, data=[1.0])
            s = T.Array('s', algo, data=['ab'])
            g = T.Array('g', algo, shape=2, dtype=float)
            show(algo, 'int', arr.dtype == int); show(algo, 'int64', arr.dtype == 'int64')
            show(algo, 'float', f.dtype == float); show(algo, 'str', s.dtype == str)
            show(algo, 'U2', s.dtype == '<U2'); show(algo, 'given', g.dtype)
        """),
    ]
    return out


def _indent(op):
    return "\n".join("    " + line for line in op.split("\n"))
