"""ARgorithmToolkit 0.2.3, in pure Python: the library legacy ARgorithms are written with.

A re-implementation of the 0.2.3 API and observable behaviour (the states each call emits,
in order, with the same keys and values; the values returned; the exceptions raised) for the
server, which runs ARgorithms in CPython compiled to WebAssembly, where numpy does not exist.
What 0.2.3 got from numpy (Array's element types, conversions, views and errors, and the numpy
scalars read from an Array) is reproduced by the private modules `_ndarray` and `_scalars`.
Importing the package has no side effects beyond defining its classes.

Differences from 0.2.3, on purpose:

* Object ids are not memory addresses. Every toolkit object takes the next value of a
  process-wide counter, as a decimal string ("1", "2", ...), in creation order; that id is both
  the `id` in its states and the `<id>` of its `$ARgorithmToolkit.<Class>:<id>` references (and
  a linked-list node's name). A program's trace is the same on every run, and an object's id is
  never reused by a later one. Nothing here uses randomness or the clock.
* Set states have a form (0.2.3 could not serialize its Set): see `ARgorithmToolkit.set`.
* `StateEncoder` finds the toolkit's classes once, not on every call, and keeps the C encoder
  json makes from its settings (JSONEncoder makes one per `encode()` call); the text is the same.
* The modules 0.2.3 had for its command line (`cli`, `parser`, `security`, `__main__`) are left
  out: they need typer, requests and jsonschema, and ARgorithms do not use them.

Both import styles work: `ARgorithmToolkit.StateSet()` and `ARgorithmToolkit.utils.StateSet()`.
"""
from ARgorithmToolkit.utils import *
from ARgorithmToolkit.vector import Vector
from ARgorithmToolkit.stack import Stack
from ARgorithmToolkit.queue import Queue
from ARgorithmToolkit.priorityqueue import PriorityQueue
from ARgorithmToolkit.array import Array
from ARgorithmToolkit.string import String
from ARgorithmToolkit.linkedlist import LinkedList, LinkedListNode, ForwardList
from ARgorithmToolkit.doublylinkedlist import DoublyLinkedList, DoublyLinkedListNode, List
from ARgorithmToolkit.map import Map
from ARgorithmToolkit.set import Set
