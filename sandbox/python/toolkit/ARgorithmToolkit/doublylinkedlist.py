"""Doubly linked lists: DoublyLinkedListNode, DoublyLinkedList and List (`dll_*`, `dllnode_*`).

As with the singly linked ones, every pointer and value assignment is shown and a node that is
garbage collected shows `dllnode_delete`. Nodes still linked both ways form reference cycles, so
those die only when Python's cycle collector runs, as they did in 0.2.3.
"""
from ARgorithmToolkit._ids import next_id
from ARgorithmToolkit.encoders import serialize
from ARgorithmToolkit.utils import ARgorithmError, ARgorithmHashable, ARgorithmStructure, StateSet, _state


def _name(node):
    return node.name if node else "none"


class DoublyLinkedListNodeState:
    """Builds the states of one DoublyLinkedListNode."""

    def __init__(self, name: str, _id: str):
        self.name = name
        self._id = _id

    def _def(self, value, next_node, prev_node):
        return {"id": self._id, "variable_name": self.name, "value": value,
                "next": _name(next_node), "prev": _name(prev_node)}

    def dllnode_declare(self, value, next_node, prev_node, comments=""):
        return _state("dllnode_declare", self._def(value, next_node, prev_node), comments)

    def dllnode_iter(self, value, next_node, prev_node, last_value=None, comments=""):
        if last_value is None:
            return _state("dllnode_iter", self._def(value, next_node, prev_node), comments)
        # Written out whole, so that the sixth key finds room (see ArrayState).
        return _state("dllnode_iter", {"id": self._id, "variable_name": self.name, "value": value,
                                       "next": _name(next_node), "prev": _name(prev_node),
                                       "last_value": last_value}, comments)

    def dllnode_next(self, value, next_node, prev_node, last_next, comments=""):
        return _state("dllnode_next", {"id": self._id, "variable_name": self.name, "value": value,
                                       "next": _name(next_node), "prev": _name(prev_node),
                                       "last_next": _name(last_next)}, comments)

    def dllnode_prev(self, value, next_node, prev_node, last_prev, comments=""):
        return _state("dllnode_prev", {"id": self._id, "variable_name": self.name, "value": value,
                                       "next": _name(next_node), "prev": _name(prev_node),
                                       "last_prev": _name(last_prev)}, comments)

    def dllnode_delete(self, comments=""):
        return _state("dllnode_delete",
                      {"id": self._id, "variable_name": self.name},
                      comments)


@serialize
class DoublyLinkedListNode(ARgorithmStructure, ARgorithmHashable):
    """A node with `prev` and `next`; its name in the states is its id."""

    def __init__(self, algo: StateSet, value=None, comments=""):
        # 0.2.3's attribute order (it decides which neighbour a dying node releases first).
        self.name = next_id()
        self._id = self.name
        try:
            assert isinstance(algo, StateSet)
            self.algo = algo
        except AssertionError as e:
            raise ARgorithmError("algo should be of type StateSet") from e
        self.state_generator = DoublyLinkedListNodeState(self.name, self._id)
        self._flag = False
        self.value = value
        self.prev = None
        self.next = None
        self._flag = True
        self.algo.add_state(self.state_generator.dllnode_declare(self.value, self.next, self.prev, comments))

    def __setattr__(self, key, value):
        if key != "value" and key != "next" and key != "prev":
            # Not shown (the other attributes, and __init__'s own).
            self.__dict__[key] = value
            return
        if key in ("next", "prev") and value:
            assert isinstance(value, DoublyLinkedListNode), \
                ARgorithmError("next should be of type None or DoublyLinkedListNode")
        shown = self._flag
        previous = self.__dict__[key] if shown else None
        self.__dict__[key] = value
        if not shown:
            return
        generator = self.state_generator
        if key == "prev":
            if previous or self.prev:
                self.algo.add_state(generator.dllnode_prev(value=self.value, next_node=self.next, prev_node=self.prev,
                                                           last_prev=previous, comments="prev pointer updated"))
        elif key == "next":
            if previous or self.next:
                self.algo.add_state(generator.dllnode_next(value=self.value, next_node=self.next, prev_node=self.prev,
                                                           last_next=previous, comments="next pointer updated"))
        else:
            self.algo.add_state(generator.dllnode_iter(value=self.value, next_node=self.next, prev_node=self.prev,
                                                       last_value=previous, comments="value updated"))

    def __del__(self):
        self.algo.add_state(self.state_generator.dllnode_delete("Node was deleted"))

    def __str__(self):
        return f"DoublyLinkedListNode({self.value}) at {self.name}"

    def __repr__(self):
        return f"DoublyLinkedListNode({self.value}) at {self.name}"


class DoublyLinkedListState:
    """Builds the states of one DoublyLinkedList."""

    def __init__(self, name: str, _id: str):
        self.name = name
        self._id = _id

    def _def(self, head, tail):
        return {"id": self._id, "variable_name": self.name, "head": _name(head), "tail": _name(tail)}

    def dll_declare(self, head, tail, comments=""):
        return _state("dll_declare", self._def(head, tail), comments)

    def dll_head(self, head, tail, last_head=None, comments=""):
        state_def = self._def(head, tail)
        if last_head is not None:
            state_def["last_head"] = last_head
        return _state("dll_head", state_def, comments)

    def dll_tail(self, head, tail, last_tail=None, comments=""):
        state_def = self._def(head, tail)
        if last_tail is not None:
            state_def["last_tail"] = last_tail
        return _state("dll_tail", state_def, comments)


@serialize
class DoublyLinkedList(ARgorithmStructure, ARgorithmHashable):
    """A list given by its head and tail nodes; assigning either is shown."""

    def __init__(self, name: str, algo: StateSet, head=None, comments=""):
        assert isinstance(name, str), ARgorithmError("Name should be of type string")
        self.name = name
        self._id = next_id()
        try:
            assert isinstance(algo, StateSet)
            self.algo = algo
        except AssertionError as e:
            raise ARgorithmError("algo should be of type StateSet") from e
        self.state_generator = DoublyLinkedListState(self.name, self._id)
        if head:
            assert self.algo == head.algo, ARgorithmError("The head node belongs to a different StateSet")
        self._flag = False
        self.head = head
        self.tail = head
        self._flag = True
        self.algo.add_state(self.state_generator.dll_declare(self.head, self.tail, comments))

    def __setattr__(self, key, value):
        if key != "head" and key != "tail":
            self.__dict__[key] = value
            return
        if value:
            assert isinstance(value, DoublyLinkedListNode), \
                ARgorithmError("next should be of type None or DoublyLinkedListNode")
        shown = self._flag
        # Only the old end's id is kept, so an old end nothing else holds dies right here,
        # before the state for the new one.
        if shown:
            old = self.__dict__[key]
            last = old._id if old else "none"
            del old
        self.__dict__[key] = value
        if not shown:
            return
        if key == "head":
            self.algo.add_state(self.state_generator.dll_head(self.head, self.tail, last_head=last,
                                                              comments="head pointer shifts"))
        else:
            self.algo.add_state(self.state_generator.dll_tail(self.head, self.tail, last_tail=last,
                                                              comments="tail pointer shifts"))

    def __str__(self):
        return f"DoublyLinkedList(head at {self.head})"

    def __repr__(self):
        return f"DoublyLinkedList(head at {self.head})"


class ListIterator:
    """Iterates the values of a List (no states)."""

    def __init__(self, doublylist):
        assert isinstance(doublylist, List)
        self._curr = doublylist.head

    def __next__(self):
        if self._curr:
            data = self._curr.value
            self._curr = self._curr.next
            return data
        raise StopIteration


class List(DoublyLinkedList):
    """A doubly linked list with push/pop at both ends. Its `comments` are not shown (0.2.3
    declared it with empty comments)."""

    def __init__(self, name: str, algo: StateSet, comments=""):
        super().__init__(name, algo, comments="")
        self.size = 0

    def __len__(self):
        return self.size

    def insert(self, value, index=None):
        if self.size == 0 or index == 0:
            self.push_front(value)
        elif index is None or self.size < index:
            self.push_back(value)
        else:
            count = 1
            temp = self.head
            while index > count:
                count += 1
                temp = temp.next
            curr = DoublyLinkedListNode(self.algo, value)
            curr.next = temp.next
            curr.prev = temp
            if curr.next:
                curr.next.prev = curr
            if curr.prev:
                curr.prev.next = curr
            self.size += 1

    def push_front(self, value):
        curr = DoublyLinkedListNode(self.algo, value)
        if self.head:
            curr.next = self.head
            self.head.prev = curr
            self.head = curr
        else:
            curr.next = None
            curr.prev = None
            self.head = curr
            self.tail = curr
        self.size += 1

    def push_back(self, value):
        curr = DoublyLinkedListNode(self.algo, value)
        if self.tail:
            curr.prev = self.tail
            self.tail.next = curr
            self.tail = curr
        else:
            curr.next = None
            self.head = curr
            self.tail = curr
        self.size += 1

    def pop_front(self):
        if self.head is None:
            raise ARgorithmError("Empty list")
        data = self.head.value
        self.head = self.head.next
        if self.head:
            self.head.prev = None
        else:
            self.tail = None
        self.size -= 1
        return data

    def pop_back(self):
        if self.head is None:
            raise ARgorithmError("Empty list")
        data = self.tail.value
        self.tail = self.tail.prev
        if self.tail:
            self.tail.next = None
        else:
            self.head = None
        self.size -= 1
        return data

    def front(self):
        if self.head is None:
            raise ARgorithmError("Empty list")
        return self.head.value

    def back(self):
        if self.head is None:
            raise ARgorithmError("Empty list")
        return self.tail.value

    def __iter__(self):
        return ListIterator(self)

    def remove(self, value):
        if self.head is None:
            raise ARgorithmError("Empty list")
        curr = self.head
        while curr:
            if curr.value == value:
                self.size -= 1
                # 0.2.3 empties the whole list when one element is left after the removal.
                if self.size == 1:
                    self.head = None
                    self.tail = None
                    break
                if curr.prev:
                    curr.prev.next = curr.next
                else:
                    self.head = curr.next
                    self.head.prev = None
                if curr.next:
                    curr.next.prev = curr.prev
                else:
                    self.tail = curr.prev
                    self.tail.next = None
            curr = curr.next

    def tolist(self):
        values = []
        node = self.head
        while node:
            values.append(node.value)
            node = node.next
        return values

    def __repr__(self):
        return f"List({self.tolist()})"

    def __str__(self):
        return f"List({self.tolist()})"
