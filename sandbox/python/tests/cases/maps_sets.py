"""Map and Set."""
from cases.build import case

KEYS = ["'k'", "1", "2.5", "True", "0", "''", "T.String('sk', algo, 'key')", "T.Variable('vk', algo, 1)",
        "None", "[1]", "(1, 2)", "T.Stack('stk', algo)", "T.Array('ak', algo, data=[1])[0]"]
VALUES = ["5", "'v'", "0.5", "False", "T.Vector('vv', algo, [1])", "T.Variable('var', algo, 2)",
          "None", "[1, 2]", "T.Map('inner', algo)", "T.Array('av', algo, data=[1.5])[0]",
          "T.Array('ai', algo, data=[1])[0]"]
DEFAULTS = ["None", "0", "False", "''", "-1", "'x'", "[]", "0.0", "T.Stack('d', algo)"]


def _maps():
    out = []
    for i, key in enumerate(KEYS):
        out.append(case(f"map/key{i}", f"""
            m = T.Map('m', algo, comments='map')
            k = {key}
            attempt(algo, 'set', lambda: m.__setitem__(k, 1))
            attempt(algo, 'set again', lambda: m.set(k, 2, comments='again'))
            attempt(algo, 'get', lambda: m[k])
            attempt(algo, 'get method', lambda: m.get(k, 'dflt', comments='g'))
            attempt(algo, 'len', lambda: len(m))
            attempt(algo, 'remove', lambda: m.remove(k, comments='r'))
            attempt(algo, 'remove again', lambda: m.remove(k))
            attempt(algo, 'set 3', lambda: m.__setitem__(k, 3))
            attempt(algo, 'del', lambda: m.__delitem__(k))
            attempt(algo, 'del again', lambda: m.__delitem__(k))
        """))
    for i, value in enumerate(VALUES):
        out.append(case(f"map/value{i}", f"""
            m = T.Map('m', algo)
            val = {value}
            attempt(algo, 'set', lambda: m.__setitem__('a', val))
            attempt(algo, 'set int key', lambda: m.set(7, val))
            attempt(algo, 'get', lambda: m['a'] is val)
            attempt(algo, 'get', lambda: m.get(7) is val)
            attempt(algo, 'overwrite', lambda: m.__setitem__('a', 1))
            show(algo, 'str', str(len(m)))
        """))
    for i, default in enumerate(DEFAULTS):
        out.append(case(f"map/default{i}", f"""
            m = T.Map('m', algo)
            m['x'] = 1
            attempt(algo, 'get', lambda: m.get('missing', {default}))
            attempt(algo, 'get kw', lambda: m.get('missing', default={default}, comments='c'))
        """))
    out += [
        case("map/collisions", """
            m = T.Map('m', algo)
            m[1] = 'int'
            m[True] = 'bool'
            m[1.0] = 'float'
            m['1'] = 'str'
            show(algo, 'len', len(m)); show(algo, 'str', str(m))
            m.remove(True)
            show(algo, 'repr', repr(m))
        """),
        case("map/iteration", """
            m = T.Map('m', algo)
            s = T.String('s', algo, 'key')
            for k, v in [('a', 1), (2, 'b'), (s, 3)]:
                m[k] = v
            for k, v in m:
                algo.add_comment(f'{type(k).__name__} {v!r}')
            show(algo, 'keys', len(list(m.keys()))); show(algo, 'values', list(m.values()))
            it = iter(m)
            m['late'] = 4
            show(algo, 'pairs', len([p for p in it]))
        """),
        case("map/errors", """
            m = T.Map('m', algo)
            attempt(algo, 'missing', lambda: m['nope'])
            attempt(algo, 'unhashable get', lambda: m.get([1]))
            attempt(algo, 'unhashable item', lambda: m[[1]])
            attempt(algo, 'unhashable remove', lambda: m.remove([1]))
            attempt(algo, 'bad name', lambda: T.Map(1, algo))
            attempt(algo, 'bad algo', lambda: T.Map('m', 1))
        """),
        case("map/nested", """
            outer = T.Map('outer', algo)
            inner = T.Map('inner', algo)
            vec = T.Vector('vec', algo, [1, 2])
            outer['inner'] = inner
            outer['vec'] = vec
            inner['x'] = 1
            vec.insert(3)
            key = T.String('key', algo, 'k')
            outer[key] = vec
            outer.get(key)
            outer[key]
            outer.remove(key)
            show(algo, 'same', outer['vec'] is vec)
        """),
    ]
    return out


def _sets():
    out = []
    for name, data in {"none": "None", "list": "[3, 1, 2, 3]", "tuple": "(1, 'a', 2.5)", "empty": "[]",
                       "array": "T.Array('a', algo, data=[1, 2, 2])", "vector": "T.Vector('v', algo, [4, 5])",
                       "generator": "(x for x in [1, 2])", "string": "'abca'", "invalid": "[1, [2]]",
                       "none_elem": "[None]", "structures": "[T.String('s', algo, 'x'), 1]",
                       "variable": "[T.Variable('v', algo, 1)]", "bools": "[True, 1, 1.0, False, 0]"}.items():
        out.append(case(f"set/data/{name}", f"""
            s = attempt(algo, 'make', lambda: T.Set('s', algo, {data}, comments='set'), quiet=True)
            if s is not None:
                show(algo, 'len', len(s))
                show(algo, 'find 1', s.find(1, comments='f'))
                attempt(algo, 'repr', lambda: len(repr(s)))
        """, compare="set"))
    out += [
        case("set/add_remove", """
            s = T.Set('s', algo)
            for x in [3, 3, 'a', 2.5, True, 1, T.String('st', algo, 'x')]:
                s.add(x, comments=f'add')
            for bad in [None, [1], (1,), T.Array('a', algo, data=[1])[0], algo]:
                attempt(algo, 'bad add', lambda: s.add(bad))
            s.remove(3, comments='r')
            attempt(algo, 'missing', lambda: s.remove(3))
            attempt(algo, 'missing str', lambda: s.remove('zz'))
            show(algo, 'find', s.find('a')); show(algo, 'not', s.find(99))
            show(algo, 'len', len(s)); show(algo, 'str', str(len(str(s))))
            attempt(algo, 'variable', lambda: s.add(T.Variable('v', algo, 0)))
        """, compare="set"),
        case("set/operations", """
            a = T.Set('a', algo, [1, 2, 3])
            b = T.Set('b', algo, [2, 4, 5])
            u = a.union(b)
            i = a.intersection(b, comments='both')
            d = a.difference(b)
            e = T.Set('e', algo).union(T.Set('f', algo))
            show(algo, 'sizes', [len(u), len(i), len(d), len(e)])
            show(algo, 'empty repr', repr(e))
        """, compare="set"),
        case("set/bad", """
            attempt(algo, 'name', lambda: T.Set(None, algo))
            attempt(algo, 'algo', lambda: T.Set('s', None))
        """),
    ]
    return out


def cases():
    return _maps() + _sets()
