"""Stack, Queue, PriorityQueue, String and Vector."""
from cases.build import case

ELEMENTS = ["1", "'a'", "None", "2.5", "True", "[1, 2]", "(3, 'x')", "{'k': 1}", "T.Stack('inner', algo)",
            "T.Variable('v', algo, 1)", "T.Array('arr', algo, data=[1, 2])", "float('nan')"]


def _containers():
    out = []
    for i, element in enumerate(ELEMENTS):
        out.append(case(f"stack/element{i}", f"""
            st = T.Stack('st', algo, comments='c')
            e = {element}
            st.push(e, comments='pushed')
            st.push(e)
            show(algo, 'top', st.top(comments='peek'))
            show(algo, 'pop', st.pop())
            show(algo, 'len', len(st)); show(algo, 'str', str(st)); show(algo, 'repr', repr(st))
        """))
        out.append(case(f"queue/element{i}", f"""
            q = T.Queue('q', algo)
            e = {element}
            q.push(e)
            q.push(7, comments='seven')
            show(algo, 'front', q.front()); show(algo, 'back', q.back(comments='b'))
            show(algo, 'pop', q.pop(comments='p')); show(algo, 'str', str(q))
        """))
    out += [
        case("stack/empty_errors", """
            st = T.Stack('st', algo)
            attempt(algo, 'pop', lambda: st.pop()); attempt(algo, 'top', lambda: st.top())
            show(algo, 'empty', st.empty())
            attempt(algo, 'bad name', lambda: T.Stack(1, algo)); attempt(algo, 'bad algo', lambda: T.Stack('s', []))
        """),
        case("stack/mutated_element", """
            st = T.Stack('st', algo)
            e = [1]
            st.push(e)
            e.append(2)
            st.push(3)
            e.append(4)
        """),
        case("queue/empty_errors", """
            q = T.Queue('q', algo)
            for name in ('pop', 'front', 'back'):
                attempt(algo, name, lambda: getattr(q, name)())
            attempt(algo, 'bad algo', lambda: T.Queue('q', None)); show(algo, 'empty', q.empty())
        """),
        case("queue/body_replaced", """
            q = T.Queue('q', algo)
            for x in range(4):
                q.push(x)
            old = q.body
            q.pop()
            show(algo, 'old body', old); show(algo, 'body', q.body)
        """),
    ]
    for name, items in {"ints": "[5, 1, 4, 2, 8, 1]", "strs": "['m', 'c', 'x', 'a']",
                        "tuples": "[(2, 'b'), (1, 'z'), (1, 'a')]", "floats": "[2.5, -1.0, 2.5]",
                        "mixed": "[1, 'a']", "lists": "[[3], [1, 2], [1]]", "none": "[None, None]"}.items():
        out.append(case(f"pq/{name}", f"""
            pq = T.PriorityQueue('pq', algo, comments='heap')
            for it in {items}:
                attempt(algo, 'offer', lambda: pq.offer(it, comments=str(it)), message=False)
            show(algo, 'len', len(pq)); show(algo, 'str', str(pq))
            attempt(algo, 'peek', lambda: pq.peek(comments='peek'))
            while not pq.empty():
                attempt(algo, 'poll', lambda: pq.poll(comments='poll'))
            attempt(algo, 'poll empty', lambda: pq.poll()); attempt(algo, 'peek empty', lambda: pq.peek())
        """))
    return out


def _strings():
    out = []
    for i, key in enumerate(["0", "-1", "4", "10", "-10", "slice(1, 3)", "slice(None, None, -1)", "1.5", "'a'",
                             "True", "None", "(1,)"]):
        out.append(case(f"string/index{i}", f"""
            s = T.String('s', algo, 'hello')
            attempt(algo, 'get', lambda: s[{key}])
            attempt(algo, 'set', lambda: s.__setitem__({key}, 'x'))
        """))
    out += [
        case("string/basics", """
            s = T.String('s', algo, 'abc', comments='a string')
            show(algo, 'len', len(s)); show(algo, 'str', str(s)); show(algo, 'repr', repr(s))
            for ch in s:
                algo.add_comment(ch)
            s.append('de', comments='more')
            s.append(T.String('t', algo, 'fg'))
            t = s + 'hi'
            u = s + T.String('w', algo, '!')
            show(algo, 't', str(t)); show(algo, 'u', repr(u))
            show(algo, 'in', 'b' in s)
            show(algo, 'sorted', sorted(s))
        """),
        case("string/errors", """
            attempt(algo, 'body', lambda: T.String('s', algo, 5))
            attempt(algo, 'name', lambda: T.String(None, algo))
            attempt(algo, 'algo', lambda: T.String('s', None, 'x'))
            s = T.String('s', algo)
            attempt(algo, 'append int', lambda: s.append(5), message=False)
            attempt(algo, 'add int', lambda: s + 5, message=False)
            attempt(algo, 'empty index', lambda: s[0])
        """),
    ]
    return out


def _vectors():
    out = []
    for name, data in {"none": "None", "list": "[3, 1, 2]", "tuple": "(3, 1, 2)", "string": "'abc'",
                       "empty_tuple": "()", "empty_str": "''", "empty_list": "[]", "dict": "{'a': 1}",
                       "zero": "0", "int": "5", "nested": "[[1, 2], [3]]",
                       "structures": "[T.Stack('s', algo), T.Array('a', algo, data=[1])]"}.items():
        out.append(case(f"vector/data/{name}", f"""
            v = attempt(algo, 'make', lambda: T.Vector('v', algo, {data}, comments='vec'))
            if v is not None:
                attempt(algo, 'len', lambda: len(v))
                attempt(algo, 'first', lambda: v[0])
                attempt(algo, 'append', lambda: v.insert(9))
                attempt(algo, 'insert', lambda: v.insert(8, 1))
                attempt(algo, 'remove last', lambda: v.remove())
                attempt(algo, 'str', lambda: str(v))
        """))
    ops = {
        "insert_positions": "for idx in [None, 0, 2, 5, 100, -1, -100]:\n    v.insert('x', idx)",
        "remove_value": "v.remove(2)\nattempt(algo, 'missing', lambda: v.remove(42))\nv.remove(value=3)",
        "remove_index": "v.remove(index=0)\nattempt(algo, 'oob', lambda: v.remove(index=10))\nattempt(algo, 'neg', lambda: v.remove(index=-1))",
        "remove_both": "attempt(algo, 'both', lambda: v.remove(3, 1))\nattempt(algo, 'both kw', lambda: v.remove(value=3, index=0))",
        "remove_zero": "v.insert(0)\nv.remove(0)\nv.remove(value=0, index=None)",
        "remove_all": "while len(v):\n    v.remove()\nattempt(algo, 'empty', lambda: v.remove())",
        "get": "for k in [0, -1, 3, 10, -10]:\n    attempt(algo, 'get', lambda: v[k])\nattempt(algo, 'bad', lambda: v['a'])",
        "slices": "show(algo, 'sub', v[1:]); show(algo, 'rev', repr(v[::-1])); show(algo, 'empty', v[5:])",
        "set": "v[0] = 10\nv[-1] = None\nv[-1] = 5\nattempt(algo, 'oob', lambda: v.__setitem__(9, 1))\nv[1] = [1]",
        "set_slice": "attempt(algo, 'slice', lambda: v.__setitem__(slice(0, 2), [7, 7, 7]))",
        "compare": "show(algo, 'c', v.compare(0, 1)); show(algo, 'f', v.compare(1, 2, lambda a, b: a < b, comments='lt'))\nattempt(algo, 'oob', lambda: v.compare(0, 9))",
        "swap": "v.swap(0, 2, comments='swap'); v.swap(-1, 1)\nattempt(algo, 'oob', lambda: v.swap(0, 9))",
        "iterate": "for x in v:\n    algo.add_comment(str(x))\nshow(algo, 'list', list(v)); show(algo, 'in', 3 in v)",
        "aliasing": "data.append(99)\nv.insert(4)\nshow(algo, 'data', data)\nv.insert(5, 0)\ndata.append(100)\nv.insert(6)\nshow(algo, 'data', data)",
        "nested_mutation": "inner = [1]\nv.insert(inner)\ninner.append(2)\nv.insert(T.Vector('w', algo, [0]))",
    }
    for name, op in ops.items():
        out.append(case(f"vector/op/{name}", "data = [3, 1, 2, 5]\nv = T.Vector('v', algo, data)\n" + op))
    out.append(case("vector/param_aliasing", """
        v = T.Vector('v', algo, values)
        v.insert(4)
        v[0] = 0
        v.insert(5, 1)
        v.insert(6)
    """, params={"values": [1, 2, 3]}))
    return out


def cases():
    return _containers() + _strings() + _vectors()
