"""LinkedListNode, LinkedList, ForwardList, DoublyLinkedListNode, DoublyLinkedList, List; node
deletion (shown when a node is garbage collected) included."""
from cases.build import case

FORWARD = {
    "push_pop": "for x in [1, 2, 3]:\n    fl.push_front(x)\nshow(algo, 'front', fl.front())\nshow(algo, 'pop', fl.pop_front())\nshow(algo, 'list', fl.tolist())",
    "insert": "for x, i in [(1, 0), (2, 5), (3, 1), (4, 2), (5, -3), (6, 3), (7, 100)]:\n    fl.insert(x, i)\nshow(algo, 'list', fl.tolist())",
    "insert_default": "fl.insert(1)\nfl.insert(2)\nshow(algo, 'l', fl.tolist()); show(algo, 'len', len(fl))",
    "remove_head_run": "for x in [1, 2, 1, 1]:\n    fl.push_front(x)\nfl.remove(1)\nshow(algo, 'l', fl.tolist())",
    "remove_all": "for x in [2, 2, 2]:\n    fl.push_front(x)\nfl.remove(2)\nshow(algo, 'l', fl.tolist()); show(algo, 'len', len(fl))",
    "remove_middle": "for x in [1, 2, 3, 2, 4]:\n    fl.push_front(x)\nfl.remove(2)\nfl.remove(9)\nshow(algo, 'l', fl.tolist())",
    "empty_errors": "for name in ('pop_front', 'front'):\n    attempt(algo, name, lambda: getattr(fl, name)())\nattempt(algo, 'remove', lambda: fl.remove(1))",
    "iterate": "for x in [3, 1, 2]:\n    fl.push_front(x)\nfor x in fl:\n    algo.add_comment(str(x))\nshow(algo, 'str', str(fl)); show(algo, 'repr', repr(fl))",
    "pop_all": "for x in range(4):\n    fl.push_front(x)\nwhile len(fl):\n    fl.pop_front()\nattempt(algo, 'again', lambda: fl.pop_front())",
    "hold_node": "fl.push_front(1)\nfl.push_front(2)\nkept = fl.head\nfl.pop_front()\nalgo.add_comment('popped')\ndel kept\nalgo.add_comment('released')",
    "values": "for x in [None, 'a', [1], 2.5]:\n    fl.push_front(x)\nfl.head.value = 7\nfl.head.value = None\nfl.head.value = 8",
}

DOUBLY = {
    "push": "dl.push_back(1)\ndl.push_front(0)\ndl.push_back(2)\nshow(algo, 'l', dl.tolist())\nshow(algo, 'f', dl.front()); show(algo, 'b', dl.back())",
    "insert": "for x, i in [(1, None), (2, 0), (3, 1), (4, 2), (5, 10), (6, -1), (7, 3)]:\n    dl.insert(x, i)\nshow(algo, 'l', dl.tolist())",
    "pop_front": "for x in [1, 2, 3]:\n    dl.push_back(x)\nwhile len(dl):\n    show(algo, 'pop', dl.pop_front())\nattempt(algo, 'again', lambda: dl.pop_front())",
    "pop_back": "for x in [1, 2, 3]:\n    dl.push_back(x)\nwhile len(dl):\n    show(algo, 'pop', dl.pop_back())\nattempt(algo, 'again', lambda: dl.pop_back())",
    "remove_middle": "for x in [1, 2, 3, 4]:\n    dl.push_back(x)\ndl.remove(3)\nshow(algo, 'l', dl.tolist())",
    "remove_head": "for x in [1, 2, 3]:\n    dl.push_back(x)\ndl.remove(1)\nshow(algo, 'l', dl.tolist())",
    "remove_tail": "for x in [1, 2, 3]:\n    dl.push_back(x)\ndl.remove(3)\nshow(algo, 'l', dl.tolist())",
    "remove_to_one": "dl.push_back(1)\ndl.push_back(2)\ndl.remove(2)\nshow(algo, 'l', dl.tolist()); show(algo, 'len', len(dl))",
    "remove_only": "dl.push_back(1)\nattempt(algo, 'only', lambda: dl.remove(1))",
    "remove_missing": "for x in [1, 2, 3]:\n    dl.push_back(x)\ndl.remove(9)\nattempt(algo, 'empty', lambda: T.List('e', algo).remove(1))",
    "remove_repeats": "for x in [1, 2, 2, 3, 2]:\n    dl.push_back(x)\ndl.remove(2)\nshow(algo, 'l', dl.tolist())",
    "empty_errors": "for name in ('pop_front', 'pop_back', 'front', 'back'):\n    attempt(algo, name, lambda: getattr(dl, name)())",
    "iterate": "for x in [3, 1, 2]:\n    dl.push_back(x)\nshow(algo, 'items', [x for x in dl]); show(algo, 'str', str(dl))",
}


def cases():
    out = []
    for name, op in FORWARD.items():
        out.append(case(f"forwardlist/{name}", "fl = T.ForwardList('fl', algo, comments='dropped')\n" + op))
    for name, op in DOUBLY.items():
        out.append(case(f"list/{name}", "dl = T.List('dl', algo, comments='dropped')\n" + op))
    out += [
        case("llnode/manual", """
            a = T.LinkedListNode(algo, 1, comments='a')
            b = T.LinkedListNode(algo, comments='b')
            a.next = b
            a.next = b
            b.value = 2
            b.value = None
            a.next = None
            a.next = None
            attempt(algo, 'bad next', lambda: setattr(a, 'next', 5))
            attempt(algo, 'bad algo', lambda: T.LinkedListNode(None, 1))
            del b
            algo.add_comment('b released')
            show(algo, 'next', a.next)
        """),
        case("llnode/list", """
            n = T.LinkedListNode(algo, 1)
            ll = T.LinkedList('ll', algo, n, comments='given head')
            m = T.LinkedListNode(algo, 2)
            ll.head = m
            ll.head = None
            attempt(algo, 'bad head', lambda: setattr(ll, 'head', 'x'))
            attempt(algo, 'other algo', lambda: T.LinkedList('x', algo, T.LinkedListNode(T.StateSet(), 1)))
            attempt(algo, 'bad name', lambda: T.LinkedList(3, algo))
            empty = T.LinkedList('e', algo)
        """),
        case("dllnode/manual", """
            a = T.DoublyLinkedListNode(algo, 1, comments='a')
            b = T.DoublyLinkedListNode(algo, 2)
            a.next = b
            b.prev = a
            a.value = 5
            b.prev = None
            a.next = None
            attempt(algo, 'bad prev', lambda: setattr(a, 'prev', 1))
            del b
            algo.add_comment('b released')
        """),
        case("dllnode/list", """
            n = T.DoublyLinkedListNode(algo, 1)
            dll = T.DoublyLinkedList('dll', algo, n, comments='given head')
            m = T.DoublyLinkedListNode(algo, 2)
            dll.head = m
            dll.tail = m
            del n
            algo.add_comment('n released')
            attempt(algo, 'bad tail', lambda: setattr(dll, 'tail', 3))
            attempt(algo, 'other algo', lambda: T.DoublyLinkedList('x', algo, T.DoublyLinkedListNode(T.StateSet(), 1)))
            show(algo, 'str', str(T.List('l', algo)))
        """),
        case("llnode/refs_in_states", """
            fl = T.ForwardList('fl', algo)
            fl.push_front(1)
            st = T.Stack('st', algo)
            st.push(fl)
            st.push(fl.head)
            dl = T.List('dl', algo)
            dl.push_back(2)
            st.push(dl)
            st.push(dl.head)
        """),
    ]
    return out
