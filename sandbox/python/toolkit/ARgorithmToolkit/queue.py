"""Queue: first in, first out (`queue_*` states)."""
from ARgorithmToolkit._ids import next_id
from ARgorithmToolkit.encoders import serialize
from ARgorithmToolkit.utils import ARgorithmError, ARgorithmStructure, StateSet, _state


class QueueState:
    """Builds the states of one Queue."""

    def __init__(self, name, _id):
        self.name = name
        self._id = _id

    def queue_declare(self, comments=""):
        return _state("queue_declare",
                      {"id": self._id, "variable_name": self.name, "body": []},
                      comments)

    def queue_push(self, body, element, comments=""):
        return _state("queue_push",
                      {"id": self._id, "variable_name": self.name, "body": list(body), "element": element},
                      comments)

    def queue_pop(self, body, element, comments=""):
        return _state("queue_pop",
                      {"id": self._id, "variable_name": self.name, "body": list(body), "element": element},
                      comments)

    def queue_front(self, body, comments=""):
        return _state("queue_front",
                      {"id": self._id, "variable_name": self.name, "body": list(body)},
                      comments)

    def queue_back(self, body, comments=""):
        return _state("queue_back",
                      {"id": self._id, "variable_name": self.name, "body": list(body)},
                      comments)


@serialize
class Queue(ARgorithmStructure):
    """A queue."""

    def __init__(self, name: str, algo: StateSet, comments: str = ""):
        try:
            assert isinstance(name, str)
            self._id = next_id()
            self.state_generator = QueueState(name, self._id)
        except AssertionError as e:
            raise ARgorithmError("Give valid name to data structure") from e
        try:
            assert isinstance(algo, StateSet)
            self.algo = algo
        except AssertionError as e:
            raise ARgorithmError("Queue structure needs a reference of template to store states") from e
        self.body = []
        self.algo.add_state(self.state_generator.queue_declare(comments))

    def __len__(self):
        return len(self.body)

    def empty(self):
        return len(self) == 0

    def push(self, element, comments=""):
        self.body.append(element)
        self.algo.add_state(self.state_generator.queue_push(self.body, element, comments))

    def pop(self, comments=""):
        if self.empty():
            raise ARgorithmError("queue is empty")
        item = self.body[0]
        # A new list, not an in-place delete: code holding the old `body` keeps the old contents.
        self.body = self.body[1:]
        self.algo.add_state(self.state_generator.queue_pop(body=self.body, element=item, comments=comments))
        return item

    def front(self, comments=""):
        if self.empty():
            raise ARgorithmError("queue is empty")
        item = self.body[0]
        self.algo.add_state(self.state_generator.queue_front(self.body, comments))
        return item

    def back(self, comments=""):
        if self.empty():
            raise ARgorithmError("queue is empty")
        item = self.body[-1]
        self.algo.add_state(self.state_generator.queue_back(self.body, comments))
        return item

    def __str__(self):
        return f"Queue({self.body.__str__()})"

    def __repr__(self):
        return f"Queue({self.body.__repr__()})"
