"""Whole ARgorithms in the legacy style (`def run(**kwargs)` returning the StateSet), each on a
few inputs."""
from cases.build import raw

PROGRAMS = {}

PROGRAMS["selection_sort"] = ('''
import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    arr = ARgorithmToolkit.Array('arr', algo, data=kwargs['array'], comments='unsorted')
    n = len(arr)
    for i in range(n):
        smallest = ARgorithmToolkit.Variable('smallest', algo, i)
        for j in range(i + 1, n):
            if arr.compare(j, smallest.value, lambda a, b: a < b):
                smallest.value = j
        if smallest.value != i:
            arr.swap(i, smallest.value, comments=f'moving {arr[smallest.value]} to {i}')
    return algo
''', [{"array": [5, 2, 9, 1, 5, 6]}, {"array": [1.5, -2, 3]}, {"array": ["pear", "apple", "fig"]}, {"array": []}])

PROGRAMS["insertion_sort"] = ('''
import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    arr = ARgorithmToolkit.Array('arr', algo, data=kwargs['array'])
    for i in range(1, len(arr)):
        key = arr[i]
        j = i - 1
        while j >= 0 and arr[j] > key:
            arr[j + 1] = arr[j]
            j -= 1
        arr[j + 1] = key
    algo.add_comment(f'sorted: {arr.tolist()}')
    return algo
''', [{"array": [4, 3, 2, 10, 12, 1, 5, 6]}, {"array": [2.5, 1, 0.5]}, {"array": [1]}])

PROGRAMS["counting_sort"] = ('''
import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    arr = ARgorithmToolkit.Array('arr', algo, data=kwargs['array'])
    counts = ARgorithmToolkit.Array('counts', algo, shape=max(kwargs['array']) + 1, fill=0)
    for x in arr:
        counts[int(x)] = counts[int(x)] + 1
    try:
        counts[arr[0]] = counts[arr[0]] + 1
    except ARgorithmToolkit.ARgorithmError as e:
        algo.add_comment(f'indexing with an element: {e}')
    return algo
''', [{"array": [3, 1, 2, 3, 0]}, {"array": [1]}])

PROGRAMS["binary_search"] = ('''
import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    arr = ARgorithmToolkit.Array('arr', algo, data=kwargs['array'])
    key = kwargs['key']
    low = ARgorithmToolkit.Variable('low', algo, 0)
    high = ARgorithmToolkit.Variable('high', algo, len(arr) - 1)
    while low.value <= high.value:
        mid = (low.value + high.value) // 2
        if arr[mid] == key:
            algo.add_comment(f'found {key} at {mid}')
            return algo
        if arr[mid] < key:
            low.value = mid + 1
        else:
            high.value = mid - 1
    algo.add_comment(f'{key} not found')
    return algo
''', [{"array": [1, 3, 4, 7, 9, 11, 15], "key": 9}, {"array": [1, 3], "key": 2}, {"array": [], "key": 1}])

PROGRAMS["matrix_transpose"] = ('''
import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    m = ARgorithmToolkit.Array('m', algo, data=kwargs['matrix'])
    rows, cols = m.shape()
    t = ARgorithmToolkit.Array('t', algo, shape=(cols, rows), fill=0, dtype=type(kwargs['matrix'][0][0]))
    for i in range(rows):
        for j in range(cols):
            t[j, i] = m[i, j]
    for row in t:
        algo.add_comment(str(row))
    return algo
''', [{"matrix": [[1, 2, 3], [4, 5, 6]]}, {"matrix": [[1.5, 2], [3, 4]]}, {"matrix": [["a", "bc"], ["d", "e"]]}])

PROGRAMS["bfs_grid"] = ('''
import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    grid = ARgorithmToolkit.Array('grid', algo, data=kwargs['grid'])
    rows, cols = grid.shape()
    dist = ARgorithmToolkit.Map('dist', algo)
    q = ARgorithmToolkit.Queue('q', algo)
    q.push((0, 0))
    dist['0,0'] = 0
    while not q.empty():
        r, c = q.pop()
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            nr, nc = r + dr, c + dc
            if 0 <= nr < rows and 0 <= nc < cols and grid[nr, nc] == 0:
                label = f'{nr},{nc}'
                if dist.get(label) is None:
                    dist[label] = dist[f'{r},{c}'] + 1
                    q.push((nr, nc))
    algo.add_comment(f'reached {len(dist)} cells')
    return algo
''', [{"grid": [[0, 0, 1], [1, 0, 0], [0, 0, 0]]}, {"grid": [[0]]}])

PROGRAMS["dfs_stack"] = ('''
import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    edges = kwargs['edges']
    seen = ARgorithmToolkit.Set('seen', algo)
    st = ARgorithmToolkit.Stack('st', algo)
    order = ARgorithmToolkit.Vector('order', algo)
    st.push(0)
    while not st.empty():
        node = st.pop()
        if seen.find(node):
            continue
        seen.add(node)
        order.insert(node)
        for a, b in edges:
            if a == node:
                st.push(b)
    return algo
''', [{"edges": [[0, 1], [0, 2], [1, 3], [2, 3], [3, 0]]}, {"edges": []}])

PROGRAMS["reverse_forward_list"] = ('''
import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    fl = ARgorithmToolkit.ForwardList('fl', algo)
    for v in reversed(kwargs['values']):
        fl.push_front(v)
    prev = None
    curr = fl.head
    while curr:
        nxt = curr.next
        curr.next = prev
        prev = curr
        curr = nxt
    fl.head = prev
    algo.add_comment(str(fl.tolist()))
    return algo
''', [{"values": [1, 2, 3, 4]}, {"values": [7]}, {"values": []}])

PROGRAMS["list_editor"] = ('''
import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    dl = ARgorithmToolkit.List('dl', algo)
    for v in kwargs['values']:
        if v % 2:
            dl.push_back(v)
        else:
            dl.push_front(v)
    dl.insert(100, 2)
    if len(dl) > 2:
        dl.pop_back()
        dl.remove(100)
    algo.add_comment(str(dl))
    return algo
''', [{"values": [1, 2, 3, 4, 5]}, {"values": [2, 4]}, {"values": [1]}])

PROGRAMS["word_frequency"] = ('''
import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    counts = ARgorithmToolkit.Map('counts', algo)
    text = ARgorithmToolkit.String('text', algo, kwargs['text'])
    word = ''
    for ch in text:
        if ch == ' ':
            if word:
                counts[word] = counts.get(word, 0) + 1
            word = ''
        else:
            word += ch
    if word:
        counts[word] = counts.get(word, 0) + 1
    for k, v in counts:
        algo.add_comment(f'{k}: {v}')
    return algo
''', [{"text": "the cat and the hat"}, {"text": ""}, {"text": "a a a"}])

PROGRAMS["dijkstra"] = ('''
import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    graph = kwargs['graph']
    dist = ARgorithmToolkit.Map('dist', algo)
    pq = ARgorithmToolkit.PriorityQueue('pq', algo)
    pq.offer((0, 'a'))
    dist['a'] = 0
    while not pq.empty():
        d, node = pq.poll()
        if d > dist[node]:
            continue
        for nxt, w in graph.get(node, []):
            if dist.get(nxt, 10 ** 9) > d + w:
                dist[nxt] = d + w
                pq.offer((d + w, nxt))
    return algo
''', [{"graph": {"a": [["b", 4], ["c", 1]], "c": [["b", 2], ["d", 7]], "b": [["d", 1]]}}, {"graph": {}}])

PROGRAMS["fibonacci_vector"] = ('''
import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    fib = ARgorithmToolkit.Vector('fib', algo, [0, 1])
    for i in range(2, kwargs['n']):
        fib.insert(fib[i - 1] + fib[i - 2])
    fib.swap(0, len(fib) - 1)
    fib.compare(0, 1)
    return algo
''', [{"n": 10}, {"n": 2}])

PROGRAMS["client_error"] = ('''
import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    if kwargs['n'] < 0:
        raise ARgorithmToolkit.ARgorithmClientError('n must not be negative')
    ARgorithmToolkit.Variable('n', algo, kwargs['n'])
    return algo
''', [{"n": -1}, {"n": 3}])


def cases():
    out = []
    for name, (source, params) in PROGRAMS.items():
        for i, p in enumerate(params):
            out.append(raw(f"program/{name}/{i}", source.lstrip("\n"), params=p,
                           compare="set" if "Set(" in source else "exact"))
    return out
