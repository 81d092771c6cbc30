"""StateSet, State, Variable, the errors and the encoder."""
from cases.build import case, raw


def cases():
    return [
        case("variable/changes", """
            v = T.Variable('v', algo, 1, comments='one')
            v.value = 2
            v.value = None
            v.value = 3
            v.value += 1
            v.name = 'renamed'
            v.value = [1]
            v.value.append(2)
            show(algo, 'repr', repr(v))
            n = T.Variable('n', algo)
            n.value = 0
            n.value = False
        """),
        case("variable/in_state", """
            v = T.Variable('v', algo, 1)
            st = T.Stack('st', algo)
            st.push(v)
        """),
        case("variable/bad_algo", """
            attempt(algo, 'algo', lambda: T.Variable('v', None, 1))
        """),
        case("stateset/basics", """
            algo.add_comment('hello')
            attempt(algo, 'missing keys', lambda: T.State(state_def=None))
            attempt(algo, 'not a state', lambda: algo.add_state('x'))
            algo.add_state(T.State(state_type='custom', state_def={'a': [1, 2]}, comments='mine'))
            other = T.StateSet()
            other.add_comment('x')
            show(algo, 'str', str(other)); show(algo, 'empty', str(T.StateSet()))
            show(algo, 'state str', str(other.states[0]))
        """),
        case("stateset/nested_stateset", """
            st = T.Stack('st', algo)
            st.push(T.StateSet())
        """),
        case("errors/classes", """
            for cls in (T.ARgorithmError, T.ARgorithmClientError):
                show(algo, 'empty', str(cls())); show(algo, 'msg', str(cls('boom'))); show(algo, 'attr', cls('m').message)
                show(algo, 'falsy', str(cls('')))
        """),
        case("errors/client_error", """
            raise T.ARgorithmClientError('bad input')
        """),
        case("errors/raised_error", """
            T.Stack('s', algo).pop()
        """),
        case("encoder/subclass", """
            class MyArray(T.Array):
                pass
            class Marker(T.ARgorithmStructure):
                pass
            st = T.Stack('st', algo)
            st.push(MyArray('mine', algo, data=[1]))
        """),
        case("encoder/marker", """
            class Marker(T.ARgorithmStructure):
                pass
            st = T.Stack('st', algo)
            st.push(Marker())
        """),
        case("encoder/decorated", """
            @T.encoders.serialize
            class Thing(T.ARgorithmHashable):
                pass
            st = T.Stack('st', algo)
            t = Thing()
            st.push(t)
            st.push(t)
        """),
        case("encoder/plain_object", """
            class Plain:
                pass
            st = T.Stack('st', algo)
            st.push(Plain())
        """),
        case("encoder/all_refs", """
            items = [T.Array('a', algo, data=[1]), T.String('s', algo, 'x'), T.Stack('st', algo), T.Queue('q', algo),
                     T.PriorityQueue('pq', algo), T.Vector('v', algo), T.Map('m', algo), T.ForwardList('fl', algo),
                     T.List('l', algo), T.LinkedListNode(algo, 1), T.DoublyLinkedListNode(algo, 2),
                     T.LinkedList('ll', algo), T.DoublyLinkedList('dll', algo)]
            holder = T.Vector('holder', algo, items)
        """),
        raw("scalars/copied", '''
import copy
import ARgorithmToolkit as T


def run():
    algo = T.StateSet()
    values = [T.Array('a', algo, data=d)[0] for d in ([True], [False], [1.5], [3], ['x'])]
    for v, c in zip(values, copy.deepcopy(values) + [copy.copy(v) for v in values]):
        algo.add_comment(f"{c!r} {type(c).__name__} {c == v}")
    algo.add_comment(repr([T.Array('b', algo, data=[True])[0], T.Array('c', algo, data=[False])[0]]))
    return algo
'''),
        raw("imports/forms", '''
import ARgorithmToolkit
from ARgorithmToolkit import StateSet, Array
from ARgorithmToolkit.array import Array as A2, ArrayState, ArrayIterator, check_dimensions
from ARgorithmToolkit.utils import State, Variable, ARgorithmError
from ARgorithmToolkit.encoders import StateEncoder, serialize
from ARgorithmToolkit.stack import Stack, StackState
from ARgorithmToolkit.queue import QueueState
from ARgorithmToolkit.priorityqueue import PriorityQueueState
from ARgorithmToolkit.string import StringState, StringIterator
from ARgorithmToolkit.vector import VectorState, VectorIterator
from ARgorithmToolkit.linkedlist import LinkedListNodeState, LinkedListState, ForwardListIterator
from ARgorithmToolkit.doublylinkedlist import DoublyLinkedListNodeState, DoublyLinkedListState, ListIterator
from ARgorithmToolkit.map import MapState, MapIterator
from ARgorithmToolkit.set import SetState
from ARgorithmToolkit import *


def run():
    algo = ARgorithmToolkit.utils.StateSet()
    arr = A2('arr', algo, data=[1, 2])
    algo.add_state(ArrayState('manual', 'x').array_declare(arr.body, 'by hand'))
    algo.add_state(StackState('s', 'y').stack_push([1], 2))
    algo.add_comment(str(check_dimensions([[1], [2]])))
    algo.add_comment(str(A2 is Array and Stack is ARgorithmToolkit.Stack and isinstance(iter(arr), ArrayIterator)))
    return algo
'''),
    ]
