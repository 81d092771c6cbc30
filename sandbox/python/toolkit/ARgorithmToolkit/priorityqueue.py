"""PriorityQueue: a binary min-heap (`priorityqueue_*` states; the body is the heap's list)."""
import heapq

from ARgorithmToolkit._ids import next_id
from ARgorithmToolkit.encoders import serialize
from ARgorithmToolkit.utils import ARgorithmError, ARgorithmStructure, StateSet, _state


class PriorityQueueState:
    """Builds the states of one PriorityQueue."""

    def __init__(self, name, _id):
        self.name = name
        self._id = _id

    def priorityqueue_declare(self, comments=""):
        return _state("priorityqueue_declare",
                      {"id": self._id, "variable_name": self.name, "body": []},
                      comments)

    def priorityqueue_offer(self, body, element, comments=""):
        return _state("priorityqueue_offer",
                      {"id": self._id, "variable_name": self.name, "body": list(body), "element": element},
                      comments)

    def priorityqueue_poll(self, body, element, comments=""):
        return _state("priorityqueue_poll",
                      {"id": self._id, "variable_name": self.name, "body": list(body), "element": element},
                      comments)

    def priorityqueue_peek(self, body, comments=""):
        return _state("priorityqueue_peek",
                      {"id": self._id, "variable_name": self.name, "body": list(body)},
                      comments)


@serialize
class PriorityQueue(ARgorithmStructure):
    """A priority queue; the smallest element comes out first."""

    def __init__(self, name: str, algo: StateSet, comments: str = ""):
        try:
            assert isinstance(name, str)
            self._id = next_id()
            self.state_generator = PriorityQueueState(name, self._id)
        except AssertionError as e:
            raise ARgorithmError("Give valid name to data structure") from e
        try:
            assert isinstance(algo, StateSet)
            self.algo = algo
        except AssertionError as e:
            raise ARgorithmError("Queue structure needs a reference of template to store states") from e
        self.body = []
        self.algo.add_state(self.state_generator.priorityqueue_declare(comments))

    def __len__(self):
        return len(self.body)

    def empty(self):
        return len(self) == 0

    def offer(self, element, comments=""):
        # heapq, as 0.2.3: the body's order (what the app shows) is heapq's heap order.
        heapq.heappush(self.body, element)
        self.algo.add_state(self.state_generator.priorityqueue_offer(self.body, element, comments))

    def poll(self, comments=""):
        if self.empty():
            raise ARgorithmError("queue is empty")
        item = heapq.heappop(self.body)
        self.algo.add_state(self.state_generator.priorityqueue_poll(body=self.body, element=item, comments=comments))
        return item

    def peek(self, comments=""):
        if self.empty():
            raise ARgorithmError("queue is empty")
        item = self.body[0]
        self.algo.add_state(self.state_generator.priorityqueue_peek(self.body, comments))
        return item

    def __str__(self):
        return f"PriorityQueue({self.body.__str__()})"

    def __repr__(self):
        return f"PriorityQueue({self.body.__repr__()})"
