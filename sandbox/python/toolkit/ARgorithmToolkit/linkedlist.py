"""Singly linked lists: LinkedListNode, LinkedList and ForwardList (`ll_*`, `llnode_*` states).

Every assignment to a node's `value` or `next`, or to a list's `head`, is shown. A node that is
garbage collected shows `llnode_delete` (0.2.3 did this in `__del__`), so when a node stops being
reachable matters: the code below holds nodes exactly where 0.2.3 held them.
"""
from ARgorithmToolkit._ids import next_id
from ARgorithmToolkit.encoders import serialize
from ARgorithmToolkit.utils import ARgorithmError, ARgorithmHashable, ARgorithmStructure, StateSet, _state


def _name(node):
    return node.name if node else "none"


class LinkedListNodeState:
    """Builds the states of one LinkedListNode."""

    def __init__(self, name: str, _id: str):
        self.name = name
        self._id = _id

    def llnode_declare(self, value, _next, comments=""):
        return _state("llnode_declare",
                      {"id": self._id, "variable_name": self.name, "value": value, "next": _name(_next)},
                      comments)

    def llnode_iter(self, value, _next, last_value=None, comments=""):
        state_def = {"id": self._id, "variable_name": self.name, "value": value, "next": _name(_next)}
        if last_value is not None:
            state_def["last_value"] = last_value
        return _state("llnode_iter", state_def, comments)

    def llnode_next(self, value, _next, last_next, comments=""):
        return _state("llnode_next",
                      {"id": self._id, "variable_name": self.name, "value": value,
                       "next": _name(_next), "last_next": _name(last_next)},
                      comments)

    def llnode_delete(self, comments=""):
        return _state("llnode_delete",
                      {"id": self._id, "variable_name": self.name},
                      comments)


@serialize
class LinkedListNode(ARgorithmStructure, ARgorithmHashable):
    """A node; its name in the states is its id."""

    def __init__(self, algo: StateSet, value=None, comments=""):
        # Attributes are set in 0.2.3's order: it decides which referenced node a dying node
        # releases first.
        self.name = next_id()
        self._id = self.name
        try:
            assert isinstance(algo, StateSet)
            self.algo = algo
        except AssertionError as e:
            raise ARgorithmError("algo should be of type StateSet") from e
        self.state_generator = LinkedListNodeState(self.name, self._id)
        self._flag = False
        self.value = value
        self.next = None
        self._flag = True
        self.algo.add_state(self.state_generator.llnode_declare(self.value, self.next, comments))

    def __setattr__(self, key, value):
        if key != "value" and key != "next":
            # Not shown (the other attributes, and __init__'s own).
            self.__dict__[key] = value
            return
        if key == "next" and value:
            assert isinstance(value, LinkedListNode), ARgorithmError("next should be of type None or LinkedListNode")
        shown = self._flag
        previous = self.__dict__[key] if shown else None
        self.__dict__[key] = value
        if not shown:
            return
        if key == "next":
            if previous or self.next:
                self.algo.add_state(self.state_generator.llnode_next(
                    value=self.value, _next=self.next, last_next=previous, comments="next pointer updated"))
        else:
            self.algo.add_state(self.state_generator.llnode_iter(
                value=self.value, _next=self.next, last_value=previous, comments="value updated"))

    def __del__(self):
        self.algo.add_state(self.state_generator.llnode_delete("Node was deleted"))

    def __str__(self):
        return f"LinkedListNode({self.value}) at {self.name}"

    def __repr__(self):
        return f"LinkedListNode({self.value}) at {self.name}"


class LinkedListState:
    """Builds the states of one LinkedList."""

    def __init__(self, name: str, _id: str):
        self.name = name
        self._id = _id

    def ll_declare(self, head, comments=""):
        return _state("ll_declare",
                      {"id": self._id, "variable_name": self.name, "head": _name(head)},
                      comments)

    def ll_head(self, head, last_head=None, comments=""):
        state_def = {"id": self._id, "variable_name": self.name, "head": _name(head)}
        if last_head is not None:
            state_def["last_head"] = last_head
        return _state("ll_head", state_def, comments)


@serialize
class LinkedList(ARgorithmStructure, ARgorithmHashable):
    """A list given by its head node; assigning `head` is shown."""

    def __init__(self, name: str, algo: StateSet, head=None, comments=""):
        assert isinstance(name, str), ARgorithmError("Name should be of type string")
        self.name = name
        self._id = next_id()
        try:
            assert isinstance(algo, StateSet)
            self.algo = algo
        except AssertionError as e:
            raise ARgorithmError("algo should be of type StateSet") from e
        self.state_generator = LinkedListState(self.name, self._id)
        self._flag = False
        if head:
            assert self.algo == head.algo, ARgorithmError("The head node belongs to a different StateSet")
        self.head = head
        self._flag = True
        self.algo.add_state(self.state_generator.ll_declare(self.head, comments))

    def __setattr__(self, key, value):
        if key != "head":
            self.__dict__[key] = value
            return
        if value:
            assert isinstance(value, LinkedListNode), ARgorithmError("next should be of type None or LinkedListNode")
        shown = self._flag
        # Only the old head's id is kept, so an old head nothing else holds dies right here.
        last_head = (self.head._id if self.head else "none") if shown else None
        self.__dict__[key] = value
        if shown:
            self.algo.add_state(self.state_generator.ll_head(self.head, last_head=last_head, comments="head pointer shifts"))

    def __str__(self):
        return f"LinkedList(head at {self.head})"

    def __repr__(self):
        return f"LinkedList(head at {self.head})"


class ForwardListIterator:
    """Iterates the values of a ForwardList (no states)."""

    def __init__(self, forwardlist):
        assert isinstance(forwardlist, ForwardList)
        self._curr = forwardlist.head

    def __next__(self):
        if self._curr:
            data = self._curr.value
            self._curr = self._curr.next
            return data
        raise StopIteration


class ForwardList(LinkedList):
    """A singly linked list with push/pop at the front. Its `comments` are not shown (0.2.3
    declared it with empty comments)."""

    def __init__(self, name: str, algo: StateSet, comments=""):
        super().__init__(name, algo, comments="")
        self.size = 0

    def __len__(self):
        return self.size

    def insert(self, value, index=0):
        if self.size == 0 or index == 0:
            self.push_front(value)
        elif self.size < index:
            temp = self.head
            while temp.next:
                temp = temp.next
            curr = LinkedListNode(self.algo, value)
            temp.next = curr
            self.size += 1
        else:
            # Counting from 1 puts the node after position `index`-1; an index below 1 puts it
            # after the head.
            count = 1
            temp = self.head
            while index > count:
                count += 1
                temp = temp.next
            curr = LinkedListNode(self.algo, value)
            curr.next = temp.next
            temp.next = curr
            self.size += 1

    def push_front(self, value):
        curr = LinkedListNode(self.algo, value)
        if self.head:
            curr.next = self.head
            self.head = curr
        else:
            curr.next = None
            self.head = curr
        self.size += 1

    def pop_front(self):
        if self.head is None:
            raise ARgorithmError("Empty list")
        data = self.head.value
        temp = self.head
        self.head = self.head.next
        del temp
        self.size -= 1
        return data

    def front(self):
        if self.head is None:
            raise ARgorithmError("Empty list")
        return self.head.value

    def __iter__(self):
        return ForwardListIterator(self)

    def remove(self, value):
        if self.head is None:
            raise ARgorithmError("Empty list")
        while value == self.head.value:
            temp = self.head
            self.head = self.head.next
            del temp
            self.size -= 1
            if self.head is None:
                return
        curr = self.head
        while curr:
            if curr.next:
                if curr.next.value == value:
                    temp = curr.next
                    curr.next = curr.next.next
                    del temp
                    self.size -= 1
                    continue
            curr = curr.next

    def tolist(self):
        values = []
        node = self.head
        while node:
            values.append(node.value)
            node = node.next
        return values

    def __repr__(self):
        return f"ForwardList({self.tolist()})"

    def __str__(self):
        return f"ForwardList({self.tolist()})"
