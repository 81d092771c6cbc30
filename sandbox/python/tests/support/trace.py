"""Comparing traces: ids renamed by first appearance, as the golden files were made."""
import re

_REF = re.compile(r"^\$ARgorithmToolkit\.(\w+):(.+)$")
# Fields of linked-list states that hold a node's name (its id) or "none".
_POINTERS = {"next", "prev", "head", "tail", "last_next", "last_prev", "last_head", "last_tail"}


class _Names:
    def __init__(self):
        self.names = {}
        self.count = 0

    def get(self, raw):
        if raw not in self.names:
            self.count += 1
            self.names[raw] = f"id{self.count}"
        return self.names[raw]

    def renew(self, raw):
        # 0.2.3's ids are addresses, and a new object may get a dead one's. An object first
        # appears in its declare state, so a declare for a known id is a new object.
        self.names.pop(raw, None)
        return self.get(raw)


def _walk(value, names):
    if isinstance(value, str):
        m = _REF.match(value)
        return f"$ARgorithmToolkit.{m.group(1)}:{names.get(m.group(2))}" if m else value
    if isinstance(value, list):
        return [_walk(v, names) for v in value]
    if isinstance(value, dict):
        return {_walk(k, names): _walk(v, names) for k, v in value.items()}
    return value


def rename_ids(states):
    """The states (parsed JSON) with object ids replaced by id1, id2, ... in order of first
    appearance (document order), including inside `$ARgorithmToolkit.<Class>:<id>` references."""
    names = _Names()
    out = []
    for state in states:
        state_def = state.get("state_def")
        if not isinstance(state_def, dict):
            out.append(_walk(state, names))
            continue
        node_state = state["state_type"].startswith(("llnode_", "dllnode_"))
        new_def = {}
        for key, value in state_def.items():
            if key == "id" and isinstance(value, str):
                if state["state_type"].endswith("_declare"):
                    new_def[key] = names.renew(value)
                else:
                    new_def[key] = names.get(value)
            elif isinstance(value, str) and value != "none" and (
                    key in _POINTERS or (key == "variable_name" and node_state)):
                new_def[key] = names.get(value)
            else:
                new_def[key] = _walk(value, names)
        renamed = dict(state)
        renamed["state_def"] = new_def
        out.append(_walk_outer(renamed, names))
    return out


def _walk_outer(state, names):
    return {k: (v if k == "state_def" else _walk(v, names)) for k, v in state.items()}
