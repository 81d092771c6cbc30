"""The guest side of Python ARgorithms (world `runner` in ../wit/runner.wit).

componentize-py snapshots the interpreter after this module is imported, so everything done at
import time (the standard modules below, the toolkit, a warm-up run) is already done in every
fresh instance, and every run starts from the same state: nothing one run changes is seen by
another, because each run gets a new instance of the snapshot.

A program runs the way the legacy server ran it: as a module named after its file, then
`entry(**params)`, then `[s.content for s in result.states]` serialized with the toolkit's
StateEncoder after the program has finished.
"""
import ast
import builtins
import gc
import importlib.util
import json
import marshal
import sys
import traceback
import types

import wit_world
from componentize_py_types import Err

# componentize-py keeps only the modules imported while it builds the component: these are the
# standard modules an ARgorithm may import (the author's guide lists them). Keep the list in
# step with AVAILABLE_MODULES below.
import abc, array, bisect, cmath, collections, collections.abc, contextlib, copy  # noqa: E401,F401
import dataclasses, datetime, decimal, enum, fractions, functools, heapq, itertools  # noqa: E401,F401
import math, numbers, operator, pprint, queue, random, re, statistics, string  # noqa: E401,F401
import textwrap, time, typing, unicodedata, weakref  # noqa: E401,F401

import ARgorithmToolkit
from ARgorithmToolkit import encoders
from ARgorithmToolkit import utils as toolkit_utils

AVAILABLE_MODULES = (
    "abc array bisect cmath collections contextlib copy dataclasses datetime decimal enum "
    "fractions functools heapq itertools json math numbers operator pprint queue random re "
    "statistics string textwrap time typing unicodedata weakref ARgorithmToolkit"
).split()

# Frames of the author's program are shown in a traceback; the runner's and toolkit's are not.
MAX_FRAMES = 8


class _TooManyStates(BaseException):
    """Raised where a program creates one state too many. A BaseException, so that an ARgorithm's
    `except Exception` cannot swallow it."""


# States created in this run, across every StateSet, counted as they are added, and how many
# may be. Module globals rather than class attributes: assigning a class attribute invalidates
# the interpreter's caches for the class, on every state.
_limit = 0
_created = 0


_State, _ARgorithmError = toolkit_utils.State, toolkit_utils.ARgorithmError

# Where each state of this run was made, by the state's id, when the run was asked for its lines
# (else None); and the author's file, whose frames are the ones that count.
_where = None
_author_file = None
# Frames kept of a state's call chain, the innermost ones: deep recursion stays bounded.
_MAX_CHAIN = 32
# Bound at import: a program may replace builtins for everyone.
_getframe, _id, _len, _tuple, _isinstance, _getattr = sys._getframe, id, len, tuple, isinstance, getattr
_quote = json.encoder.encode_basestring
_marshal_dumps = marshal.dumps


def _set_budget(limit):
    global _limit, _created
    _limit, _created = limit, 0


def _record_lines(filename, entry=None):
    """From now on, note where each state is made (None stops it). `entry`, the function the
    run calls, is watched for its returns: a state made once it has returned (a node that its
    locals held, deleted as its frame goes) has no author frame left on the stack, and is
    shown where the entry returned."""
    global _where, _author_file, _returned_at
    _where, _author_file, _returned_at = ({} if filename else None), filename, None
    code = _getattr(entry, "__code__", None)
    if filename and _isinstance(code, types.CodeType) and code.co_filename == filename:
        sys.monitoring.set_local_events(_MONITOR, code, sys.monitoring.events.PY_RETURN)


# Where the entry function last returned, as a chain of one frame.
_returned_at = None
# A sys.monitoring tool of the runner's own (0, 1, 2 and 5 are named for debuggers, coverage,
# profilers and optimizers).
_MONITOR = 4


def _on_return(code, offset, retval):
    global _returned_at
    for start, end, line in code.co_lines():
        if start <= offset < end and line is not None:
            _returned_at = ((code.co_name, line),)
            break


sys.monitoring.use_tool_id(_MONITOR, "argorithm-lines")
sys.monitoring.register_callback(_MONITOR, sys.monitoring.events.PY_RETURN, _on_return)


def _chain():
    """The author's frames on the stack, outermost first, as (function, line) pairs: where the
    state being added was made, whoever's method (the toolkit's, a helper's) made it. The walk
    stops at the runner's own frame: nothing below it is the author's."""
    frames = []
    frame = _getframe(2)
    while frame is not None:
        code = frame.f_code
        if code is _RUN_CODE:
            break
        if code.co_filename == _author_file:
            frames.append((code.co_name, frame.f_lineno))
            if _len(frames) == _MAX_CHAIN:
                break
        frame = frame.f_back
    if not frames:
        return _returned_at
    frames.reverse()
    return _tuple(frames)


def _counted_add_state(self, state):
    """StateSet.add_state with the count: the toolkit's own check and append, in one call."""
    global _created
    _created += 1
    if _created > _limit:
        raise _TooManyStates()
    # As the toolkit's add_state (0.2.3 asserts with an ARgorithmError as the message).
    if not isinstance(state, _State):
        raise AssertionError(_ARgorithmError("state should be of Type state"))
    self.states.append(state)
    if _where is not None:
        _where[_id(state)] = _chain()


class _CappedOutput:
    """Keeps the first `cap` characters a program prints; the rest is counted, not kept, so a
    print flood costs the program time but not the host memory."""

    def __init__(self, cap):
        self.cap = cap
        self.parts = []
        self.kept = 0
        self.dropped = 0

    def write(self, text):
        text = str(text)
        room = self.cap - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def text(self):
        out = "".join(self.parts)
        if self.dropped:
            out += f"\n[{self.dropped} more characters of output not kept]"
        return out


def _failure(kind, message, output=None, frames=()):
    return Err(wit_world.Failure(kind, message, output.text() if output else "", list(frames)))


def _module_for(filename):
    """A fresh module named after the file, as the legacy server imported it; registered in
    sys.modules because dataclasses, pickle and typing look classes' modules up there."""
    name = filename[:-3] if filename.endswith(".py") else filename
    module = types.ModuleType(name)
    module.__file__ = filename
    module.__builtins__ = builtins
    sys.modules[name] = module
    return module


def _author_frames(error, filename):
    """The frames of `error`'s traceback in the author's file, outermost first, the last
    MAX_FRAMES of them."""
    frames = [(frame, lineno) for frame, lineno in traceback.walk_tb(error.__traceback__) if frame.f_code.co_filename == filename]
    return frames[-MAX_FRAMES:]


def _exception(error, filename, source, output):
    """The failure of an exception: the author's traceback, and where it was raised."""
    frames = _author_frames(error, filename)
    at = [wit_world.Frame(frame.f_code.co_name, lineno or 0) for frame, lineno in frames]
    return _failure(wit_world.FailureKind.EXCEPTION, _author_traceback(error, filename, source, frames), output, at)


def _author_traceback(error, filename, source, frames):
    """The traceback of `error` through the author's file only, newest frame last. Lines come
    from the source itself: there are no files to read them from."""
    source_lines = source.splitlines()
    summaries = []
    for frame, lineno in frames:
        line = source_lines[lineno - 1].strip() if lineno and 0 < lineno <= len(source_lines) else ""
        summaries.append(traceback.FrameSummary(filename, lineno, frame.f_code.co_name, line=line, lookup_line=False))
    lines = traceback.StackSummary.from_list(summaries).format()
    lines += traceback.format_exception_only(type(error), error)
    head = "Traceback (most recent call last):\n" if frames else ""
    return head + "".join(lines).rstrip("\n")


def _missing_imports(tree):
    """Modules named by import statements (anywhere in the file) that the runtime lacks."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                yield "." * node.level + (node.module or ""), node.lineno
                continue
            names = [node.module]
        else:
            continue
        for name in names:
            try:
                found = importlib.util.find_spec(name) is not None
            except (ImportError, ValueError):
                found = False
            if not found:
                yield name, node.lineno


def _missing_module_message(name, filename, lineno=None):
    where = f" (line {lineno})" if lineno else ""
    return (
        f"{filename}{where} imports `{name}`, which the sandbox does not provide; available: "
        + ", ".join(AVAILABLE_MODULES)
    )


# States per emit: one encode() of a list costs about two thirds of encoding its states one by
# one, and a batch keeps what the host holds of a run's answer at any moment small.
_BATCH = 64


def _serialize(states, emit, emit_marshal, emit_lines=None):
    """Sends the states to the host in batches of up to _BATCH states; the host counts them and
    their bytes. A batch goes as marshal data, from which the host writes the JSON this encoder
    would (a tenth of the guest's time); what the host leaves to the encoder (a set, a NaN, a
    toolkit object) is encoded here and sent as JSON, or fails here as it always did. With
    `emit_lines`, where each state was made follows, in batches as well."""
    # Made for the first batch the host leaves to it: most runs never need one.
    encoder = None
    contents = []
    for index, state in enumerate(states):
        if index >= _limit:
            raise _TooManyStates()
        try:
            contents.append(state.content)
        except AttributeError:
            raise _InvalidResult(f"state {index} has no `content`: {state!r:.200}")
    # No builtins here: a run may have replaced them (`len`, `range`) for everyone.
    start = 0
    while True:
        batch = contents[start:start + _BATCH]
        if not batch:
            break
        try:
            data = _marshal_dumps(batch, 4)
        except ValueError:  # an object marshal does not write, or nesting too deep for it
            data = None
        if data is not None and emit_marshal(data):
            start += _BATCH
            continue
        if encoder is None:
            encoder = encoders.StateEncoder(allow_nan=False, separators=(",", ":"))
        try:
            text = encoder.encode(batch)
        except (TypeError, ValueError):
            _unserializable(encoder, batch, start)
            raise
        emit(text)
        start += _BATCH
    if emit_lines is not None:
        _serialize_lines(states, emit_lines)


def _serialize_lines(states, emit_lines):
    """One entry per state, `{"line": n, "frames": [[function, line], ...]}`: its line (the
    innermost of the author's frames) and the frames; a state appended to `states` by hand, not
    made through the toolkit, has none. Most states share their chain with others, so each
    distinct chain is written once."""
    written = {None: '{"line":null,"frames":[]}'}
    entries = []
    for state in states:
        frames = _where.get(_id(state))
        text = written.get(frames)
        if text is None:
            pairs = ",".join(["[%s,%d]" % (_quote(name), line) for name, line in frames])
            text = written[frames] = '{"line":%d,"frames":[%s]}' % (frames[-1][1], pairs)
        entries.append(text)
        if _len(entries) == _BATCH:
            emit_lines("[" + ",".join(entries) + "]")
            entries = []
    if entries:
        emit_lines("[" + ",".join(entries) + "]")


def _unserializable(encoder, batch, start):
    """Raises _InvalidResult naming the first state of `batch` that does not serialize."""
    for offset, content in enumerate(batch):
        try:
            encoder.encode(content)
        except (TypeError, ValueError) as e:
            raise _InvalidResult(f"state {start + offset} cannot be serialized: {e}")


class _InvalidResult(Exception):
    pass


class WitWorld(wit_world.WitWorld):
    def check(self, source: str, filename: str) -> wit_world.Checked:
        try:
            tree = compile(source, filename, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except SyntaxError as e:
            raise _failure(wit_world.FailureKind.SYNTAX_ERROR, f"{filename}, line {e.lineno}: {e.msg}")
        except ValueError as e:  # e.g. a NUL byte in the source
            raise _failure(wit_world.FailureKind.SYNTAX_ERROR, f"{filename}: {e}")
        for name, lineno in _missing_imports(tree):
            raise _failure(wit_world.FailureKind.MISSING_MODULE, _missing_module_message(name, filename, lineno))
        code = compile(tree, filename, "exec", dont_inherit=True)
        output = _CappedOutput(1 << 12)
        sys.stdout = sys.stderr = output
        _set_budget(1 << 30)
        module = _module_for(filename)
        try:
            exec(code, module.__dict__)
        except ModuleNotFoundError as e:
            raise _failure(wit_world.FailureKind.MISSING_MODULE, _missing_module_message(e.name, filename), output)
        except MemoryError:
            raise _failure(wit_world.FailureKind.OUT_OF_MEMORY, "MemoryError", output)
        except BaseException as e:
            raise _exception(e, filename, source, output)
        callables = [name for name, value in module.__dict__.items() if callable(value)]
        # The source travels with the code, for the lines of a traceback at run time.
        return wit_world.Checked(marshal.dumps((code, source)), callables)

    def run(self, code: bytes, filename: str, entry: str, params: str, max_states: int, max_output: int, lines: bool) -> None:
        emit_lines = wit_world.emit_lines if lines else None
        _run(code, filename, entry, params, max_states, max_output, wit_world.emit, wit_world.emit_marshal, emit_lines)


def _run(code, filename, entry, params, max_states, max_output, emit, emit_marshal, emit_lines=None):
    output = _CappedOutput(max_output)
    sys.stdout = sys.stderr = output
    _set_budget(max_states)
    _record_lines(filename if emit_lines is not None else None)
    source = ""
    try:
        program, source = marshal.loads(code)
        module = _module_for(filename)
        exec(program, module.__dict__)
        function = module.__dict__.get(entry)
        if not callable(function):
            raise _failure(wit_world.FailureKind.MISSING_FUNCTION, f"{filename} defines no function `{entry}`", output)
        if emit_lines is not None:
            _record_lines(filename, function)
        result = function(**json.loads(params))
        if _created > _limit:
            # The program caught the budget's exception and returned anyway.
            raise _TooManyStates()
        states = getattr(result, "states", None)
        if states is None:
            raise _InvalidResult(f"`{entry}` returned {type(result).__name__}, not a StateSet")
        _serialize(states, emit, emit_marshal, emit_lines)
    except Err:
        raise
    except _TooManyStates:
        raise _failure(wit_world.FailureKind.TOO_MANY_STATES, f"more than {max_states} states", output)
    except _InvalidResult as e:
        raise _failure(wit_world.FailureKind.INVALID_RESULT, str(e), output)
    except ARgorithmToolkit.ARgorithmClientError as e:
        raise _failure(wit_world.FailureKind.REJECTED, str(e), output)
    except MemoryError:
        raise _failure(wit_world.FailureKind.OUT_OF_MEMORY, "MemoryError", output)
    except BaseException as e:
        if _created > _limit:
            # The program caught the budget's exception and failed later.
            raise _failure(wit_world.FailureKind.TOO_MANY_STATES, f"more than {max_states} states", output)
        raise _exception(e, filename, source, output)

# Where the walk up from a state stops (`_chain`).
_RUN_CODE = _run.__code__

toolkit_utils.StateSet.add_state = _counted_add_state

def _warm_up():
    """Runs a program that uses every structure, so that the interpreter's caches (attribute
    lookups, specialized bytecode of the toolkit) are warm in the snapshot every run starts
    from. Its states go nowhere, and the toolkit's id counter starts again afterwards."""
    from itertools import count

    checked = WitWorld().check(_WARM_UP, "warm_up.py")
    for i in range(8):
        # Runs with lines too, so that their path is as warm as the plain one.
        lines = (lambda _: None) if i % 2 else None
        # And with the host taking the marshal batches, or leaving them to the JSON encoder.
        taken = i % 4 < 2
        _run(checked.code, "warm_up.py", "run", '{"array": [5, 3, 8, 1, 9, 2], "text": "warm"}', 1 << 20, 1 << 10,
             lambda _: None, lambda _, taken=taken: taken, lines)
    _record_lines(None)
    ARgorithmToolkit._ids._counter = count(1)
    sys.modules.pop("warm_up", None)
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__


_WARM_UP = """
import ARgorithmToolkit as T

def run(**kwargs):
    algo = T.StateSet()
    data = kwargs["array"]
    arr = T.Array("arr", algo, data=data, comments="warm")
    for i in range(len(arr)):
        for j in range(i + 1, len(arr)):
            if arr.compare(i, j, lambda a, b: a > b, comments=f"{i} {j}"):
                arr.swap(i, j, comments=f"swap {i} {j}")
        algo.add_comment(f"pass {i}")
    _ = arr[0]
    arr[1] = arr[0] + 1
    for _ in arr:
        pass
    grid = T.Array("grid", algo, shape=(2, 3), fill=0)
    grid[0, 1] = 4
    v = T.Variable("v", algo, 0)
    for x in data:
        v.value = v.value + x
    s = T.String("s", algo, kwargs["text"])
    s.append("!")
    _ = s[0]
    st = T.Stack("st", algo)
    q = T.Queue("q", algo)
    pq = T.PriorityQueue("pq", algo)
    vec = T.Vector("vec", algo, list(data))
    for x in data:
        st.push(x)
        q.push(x)
        pq.offer(x)
        vec.insert(x)
    st.top(); q.front(); q.back(); pq.peek()
    vec[0] = 1; _ = vec[1]; vec.compare(0, 1); vec.swap(0, 1); vec.remove(index=0)
    while not st.empty():
        st.pop()
    while not q.empty():
        q.pop()
    while not pq.empty():
        pq.poll()
    fl = T.ForwardList("fl", algo)
    dl = T.List("dl", algo)
    for x in data:
        fl.push_front(x)
        dl.push_back(x)
    fl.insert(7, 1); fl.front(); fl.remove(data[0]); fl.pop_front()
    dl.push_front(0); dl.insert(6, 2); dl.front(); dl.back(); dl.pop_back(); dl.pop_front()
    m = T.Map("m", algo)
    for i, x in enumerate(data):
        m[str(x)] = i
    _ = m[str(data[0])]
    m.get("missing", 0); m.remove(str(data[0]))
    t = T.Set("t", algo)
    for x in data:
        t.add(x)
    t.find(data[0]); t.remove(data[0])
    return algo
"""


# Every run starts from the snapshot, so the snapshot's state is what every run sees:
# `random` starts from seed 0 in every run (a program that wants other numbers seeds it itself).
_warm_up()
random.seed(0)
# Objects of the snapshot are never garbage: moving them out of the collector's reach keeps a
# collection from walking (and so copying, page by page) the whole snapshot heap.
gc.collect()
gc.freeze()
# No cyclic collection during runs: the toolkit's linked-list nodes emit a state when they are
# collected, so a collection at a moment that depends on allocation counts would make the trace
# differ between runs. Garbage is freed by reference counting; a run is short, its instance is
# dropped after it, and the memory limit bounds what cycles it leaves.
gc.disable()


def _compact_heap():
    """Fills the snapshot heap's free blocks, and leaves a free block at its top.

    What a run allocates lands in the allocator's free blocks first, wherever start-up left
    them, scattered over the 9 MiB of the snapshot's heap; each page a run writes is copied
    back from the snapshot after the run. Filled here (with bytes objects the snapshot keeps),
    they leave a run only the top block, so what it allocates is on a few pages in a row."""
    # Where the top block starts: a large request is carved from it.
    probe = bytes(1 << 20)
    top = _id(probe)
    del probe
    filler = []
    for size in (16384, 4096, 1024, 256, 64, 24, 8, 2):
        while True:
            block = b"\x01" * size
            if _id(block) >= top:
                break
            filler.append(block)
        del block
    # A top block the runs' allocations come from, inside the snapshot's memory, so that they
    # do not grow it.
    reserve = bytes(2 << 20)
    del reserve
    return filler


_FILLER = _compact_heap()
