"""Stack: last in, first out (`stack_*` states)."""
from ARgorithmToolkit._ids import next_id
from ARgorithmToolkit.encoders import serialize
from ARgorithmToolkit.utils import ARgorithmError, ARgorithmStructure, StateSet, _state


class StackState:
    """Builds the states of one Stack."""

    def __init__(self, name, _id):
        self.name = name
        self._id = _id

    def stack_declare(self, comments=""):
        return _state("stack_declare",
                      {"id": self._id, "variable_name": self.name, "body": []},
                      comments)

    def stack_push(self, body, element, comments=""):
        return _state("stack_push",
                      {"id": self._id, "variable_name": self.name, "body": list(body), "element": element},
                      comments)

    def stack_pop(self, body, element, comments=""):
        return _state("stack_pop",
                      {"id": self._id, "variable_name": self.name, "body": list(body), "element": element},
                      comments)

    def stack_top(self, body, comments=""):
        return _state("stack_top",
                      {"id": self._id, "variable_name": self.name, "body": list(body)},
                      comments)


@serialize
class Stack(ARgorithmStructure):
    """A stack."""

    def __init__(self, name: str, algo: StateSet, comments=""):
        try:
            assert isinstance(name, str)
            self._id = next_id()
            self.state_generator = StackState(name, self._id)
        except AssertionError as e:
            raise ARgorithmError("Give valid name to data structure") from e
        try:
            assert isinstance(algo, StateSet)
            self.algo = algo
        except AssertionError as e:
            raise ARgorithmError("Stack structure needs a reference of template to store states") from e
        self.body = []
        self.algo.add_state(self.state_generator.stack_declare(comments))

    def __len__(self):
        return len(self.body)

    def empty(self):
        return len(self) == 0

    def push(self, element, comments=""):
        self.body.append(element)
        self.algo.add_state(self.state_generator.stack_push(self.body, element, comments))

    def pop(self, comments=""):
        if self.empty():
            raise ARgorithmError("Stack is empty")
        item = self.body.pop()
        self.algo.add_state(self.state_generator.stack_pop(body=self.body, element=item, comments=comments))
        return item

    def top(self, comments=""):
        if self.empty():
            raise ARgorithmError("Stack is empty")
        item = self.body[-1]
        self.algo.add_state(self.state_generator.stack_top(self.body, comments))
        return item

    def __str__(self):
        return f"Stack({self.body.__str__()})"

    def __repr__(self):
        return f"Stack({self.body.__repr__()})"
