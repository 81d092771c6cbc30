"""StateSet, State, the two error classes, the marker interfaces and Variable: the classes every
ARgorithm needs, importable both as `ARgorithmToolkit.utils.X` and as `ARgorithmToolkit.X`.
"""
from ARgorithmToolkit._ids import next_id

__all__ = [
    "ARgorithmError", "ARgorithmClientError", "State", "StateSet",
    "ARgorithmHashable", "ARgorithmStructure", "Variable",
]


class ARgorithmError(Exception):
    """Raised by the toolkit when it is used wrongly (bad index, empty structure, ...)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.message = args[0] if args else None

    def __str__(self):
        return f"{self.message}" if self.message else "There's an error within ARgorithm"


class ARgorithmClientError(Exception):
    """For ARgorithm authors to raise when the user's input is unusable."""

    def __init__(self, *args):
        super().__init__(*args)
        self.message = args[0] if args else None

    def __str__(self):
        return f"{self.message}" if self.message else "User has entered faulty data"


class State:
    """One step of the visualization: `content` is what is sent to the app."""

    def __init__(self, **kwargs):
        self.content = {}
        for key in ("state_type", "state_def", "comments"):
            if key not in kwargs:
                raise ARgorithmError(f"{key} should be present in State arguments")
            self.content[key] = kwargs[key]

    def __str__(self):
        return str(self.content)


_new = object.__new__


def _state(state_type, state_def, comments):
    """`State(state_type=..., state_def=..., comments=...)`, for the toolkit's own states (which
    always have all three): without the keyword dictionary and the checks, on every state."""
    state = _new(State)
    state.content = {"state_type": state_type, "state_def": state_def, "comments": comments}
    return state


class StateSet:
    """The ordered states of one run; an ARgorithm returns it."""

    def __init__(self):
        self.states = []

    def add_state(self, state):
        # 0.2.3 asserts with an ARgorithmError as the assertion's message; kept as an assert.
        assert isinstance(state, State), ARgorithmError("state should be of Type state")
        self.states.append(state)

    def __str__(self):
        return "\n".join(str(state) for state in self.states)

    def add_comment(self, comments: str):
        self.add_state(_state("comment", None, comments))


class ARgorithmHashable:
    """Marker: instances may be Map keys and Set elements (stored by reference)."""


class ARgorithmStructure:
    """Marker: instances may be Map values (stored by reference)."""


class Variable(ARgorithmStructure, ARgorithmHashable):
    """A watched primitive: every assignment to `value` after the first emits a state."""

    def __init__(self, name: str, algo: StateSet, value=None, comments=""):
        self.algo = algo
        self.name = name
        self._Variable__flag = False
        self.value = value
        self._id = next_id()
        self.algo.add_state(_state(
            "variable_declare", {"id": self._id, "variable_name": name, "value": value}, comments))

    def __setattr__(self, key, value):
        if key != "value":
            self.__dict__[key] = value
            return
        if not self._Variable__flag:
            # The first assignment, in __init__, shows nothing.
            self.__dict__[key] = value
            self.__dict__["_Variable__flag"] = True
            return
        last_value = self.value
        self.__dict__[key] = value
        # A previous value of None is indistinguishable from "no previous value" in 0.2.3.
        if last_value is None:
            state_def = {"id": self._id, "variable_name": self.name, "value": self.value}
        else:
            state_def = {"id": self._id, "variable_name": self.name, "value": self.value, "last_value": last_value}
        self.algo.add_state(_state("variable_highlight", state_def, ""))

    def __repr__(self):
        return f"Variable({self.value!r})"
