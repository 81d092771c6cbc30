//! States sent as marshal data and written out as JSON by the host, against the JSON that
//! CPython's own encoder (the runner's `StateEncoder`, in the same interpreter) writes for the
//! same values: random values of every kind the encoder takes, byte for byte, and the values
//! the host must leave to the encoder.
use sandbox::testing::{python_setup, require_python};
use sandbox::{Limits, RunError, Sandbox, Trace};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::sync::OnceLock;

fn shared() -> &'static Sandbox {
    static SANDBOX: OnceLock<Sandbox> = OnceLock::new();
    SANDBOX.get_or_init(|| {
        let limits = Limits { max_states: 20_000, concurrency: 2, ..Limits::default() };
        let sandbox = Sandbox::with_python(limits, &python_setup()).expect("sandbox starts");
        require_python(&sandbox);
        sandbox
    })
}

fn run(source: &str, params: &str) -> Result<Trace, RunError> {
    let sandbox = shared();
    let compiled = sandbox.compile_file("prog.py", source.as_bytes(), "run").unwrap_or_else(|e| panic!("accepted: {e}"));
    sandbox.run(&compiled, "run", params.as_bytes())
}

/// Every state is `{"state_type": "check", "state_def": V, "comments": J}` where J is what the
/// encoder writes for V, in the guest. The last state tallies the batches the host took as
/// marshal data and those it left to the encoder (counted by wrapping the runner's own
/// `_serialize`, whose `emit_marshal` answers whether the host took a batch).
const DIFFERENTIAL: &str = r#"
import array
import math
import random
import sys
import ARgorithmToolkit
from ARgorithmToolkit import encoders
from ARgorithmToolkit.utils import State

runner = sys.modules["argorithm_runner"]
_serialize = runner._serialize

def tallied(states, emit, emit_marshal, emit_lines=None):
    taken = left = 0
    def counted(data):
        nonlocal taken, left
        ok = emit_marshal(data)
        if ok:
            taken += 1
        else:
            left += 1
        return ok
    _serialize(states, emit, counted, emit_lines)
    emit('[{"state_type":"tally","state_def":{"taken":%d,"left":%d},"comments":""}]' % (taken, left))

runner._serialize = tallied

SPECIAL_FLOATS = [0.0, -0.0, 1.0, 0.1, 1e16, 1e-5, 1e-4, 9999999999999998.0, 1e15, 123456789012345.67,
                  5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.30000000000000004, 1 / 3]
SPECIAL_INTS = [0, 1, -1, 2**31 - 1, -2**31, 2**31, -2**31 - 1, 2**63, -2**63 - 1, 2**119, 2**120 - 1, -(2**120 - 1)]
# Past 120 bits, integers are left to the encoder (which knows the interpreter's digit limit).
HUGE_INTS = [2**120, -2**120, 2**200, 10**4300 - 1]
huge = 0.0
CHARS = ['a', 'Z', ' ', '~', '"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\x00', '\x1f', '\x7f', '\x80',
         '\xe9', '\u0100', '\u20ac', '\ud7ff', '\ue000', '\uffff', '\U00010000', '\U0001f600', '\U0010ffff',
         '\ud800', '\udbff', '\udc00', '\udfff']

def a_float(rng):
    pick = rng.random()
    if pick < 0.3:
        return rng.choice(SPECIAL_FLOATS) * rng.choice([1, -1])
    if pick < 0.6:
        return rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30)
    while True:
        value = array.array("d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        if math.isfinite(value):
            return value

def an_int(rng):
    pick = rng.random()
    if pick < huge:
        return rng.choice(HUGE_INTS)
    if pick < 0.3:
        return rng.choice(SPECIAL_INTS)
    if pick < 0.7:
        return rng.randint(-1000, 1000)
    return rng.getrandbits(rng.randint(1, 120)) * rng.choice([1, -1])

def a_str(rng):
    if rng.random() < 0.3:
        return "".join(rng.choice("abcxyz_0123456789") for _ in range(rng.randint(0, 12)))
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(0, 8)))

def a_key(rng, shared):
    pick = rng.random()
    if pick < 0.6:
        return a_str(rng)
    if pick < 0.75:
        return an_int(rng)
    if pick < 0.85:
        return a_float(rng)
    if pick < 0.9 and shared:
        keys = [s for s in shared if isinstance(s, (str, int, float)) and not isinstance(s, bool)]
        if keys:
            return rng.choice(keys)
    return rng.choice([True, False, None])

def a_value(rng, depth, shared):
    pick = rng.random()
    if shared and pick < 0.1:
        return rng.choice(shared)
    if depth < 4 and pick < 0.35:
        kind = rng.random()
        items = [a_value(rng, depth + 1, shared) for _ in range(rng.randint(0, 5))]
        if kind < 0.4:
            value = items
        elif kind < 0.55:
            value = tuple(items)
        else:
            value = {a_key(rng, shared): v for v in items}
        if rng.random() < 0.2:
            shared.append(value)
        return value
    scalar = rng.random()
    if scalar < 0.25:
        value = an_int(rng)
    elif scalar < 0.45:
        value = a_float(rng)
    elif scalar < 0.8:
        value = a_str(rng)
    else:
        value = rng.choice([True, False, None])
    if rng.random() < 0.2:
        shared.append(value)
    return value

def run(**kwargs):
    global huge
    huge = kwargs.get("huge", 0.0)
    rng = random.Random(kwargs["seed"])
    algo = ARgorithmToolkit.StateSet()
    encoder = encoders.StateEncoder(allow_nan=False, separators=(",", ":"))
    shared = []
    for _ in range(kwargs["count"]):
        value = {"v": a_value(rng, 0, shared)}
        algo.add_state(State(state_type="check", state_def=value, comments=encoder.encode(value)))
    if kwargs.get("toolkit_object"):
        # A toolkit object inside a state: only the encoder knows how to write it.
        arr = ARgorithmToolkit.Array("arr", algo, data=[1, 2])
        algo.add_state(State(state_type="check", state_def={"ref": arr}, comments=encoder.encode({"ref": arr})))
    return algo
"#;

#[derive(Deserialize)]
struct Check<'a> {
    state_type: String,
    #[serde(borrow)]
    state_def: &'a RawValue,
    comments: String,
}

/// Checks every state's value against the encoder's text, and answers the tally.
fn checked(trace: &Trace) -> (usize, u64, u64) {
    let states = trace.states();
    let (tally, checks) = states.split_last().expect("the tally is there");
    let mut compared = 0;
    for state in checks {
        let check: Check = serde_json::from_str(state).unwrap();
        if check.state_type != "check" {
            continue;
        }
        assert_eq!(check.state_def.get(), check.comments, "the host's JSON is the encoder's");
        compared += 1;
    }
    let tally: serde_json::Value = serde_json::from_str(tally).unwrap();
    assert_eq!(tally["state_type"], "tally");
    (compared, tally["state_def"]["taken"].as_u64().unwrap(), tally["state_def"]["left"].as_u64().unwrap())
}

#[test]
fn the_json_the_host_writes_from_marshal_data_is_the_encoders_byte_for_byte() {
    let mut total = (0, 0, 0);
    for seed in 0..10 {
        let huge = if seed == 9 { 0.05 } else { 0.0 };
        let trace = run(DIFFERENTIAL, &format!(r#"{{"seed": {seed}, "count": 1000, "huge": {huge}}}"#)).unwrap();
        let (compared, taken, left) = checked(&trace);
        total = (total.0 + compared, total.1 + taken, total.2 + left);
    }
    let (compared, taken, left) = total;
    assert_eq!(compared, 10_000);
    // Nine runs of 16 batches without integers past 120 bits, and one with some: both ways.
    assert!(taken >= 9 * 16, "batches of plain values are taken as marshal data ({taken} taken, {left} left)");
    assert!(left >= 3, "batches with what only the encoder writes are left to it ({taken} taken, {left} left)");
}

#[test]
fn a_run_of_plain_states_sends_every_batch_as_marshal_data() {
    let trace = run(DIFFERENTIAL, r#"{"seed": 7, "count": 300}"#).unwrap();
    assert_eq!(checked(&trace), (300, 5, 0));
}

#[test]
fn a_toolkit_object_in_a_state_is_written_by_the_encoder() {
    let trace = run(DIFFERENTIAL, r#"{"seed": 8, "count": 10, "toolkit_object": true}"#).unwrap();
    // marshal itself refuses the object, so the host is not even asked.
    assert_eq!(checked(&trace), (11, 0, 0));
    assert!(trace.states()[11].contains(r#""$ARgorithmToolkit.Array:"#), "{}", trace.states()[11]);
}

#[test]
fn what_the_encoder_refuses_fails_the_run_as_it_did_before() {
    // NaN, a set, a cycle: marshal writes them, the host leaves them, the encoder refuses them.
    for (value, expected) in [("float('nan')", "Out of range float values"), ("{1, 2}", "not JSON serializable"), ("cyclic()", "Circular reference")] {
        let source = format!(
            "import ARgorithmToolkit\nfrom ARgorithmToolkit.utils import State\n\ndef cyclic():\n    a = []\n    a.append(a)\n    return a\n\n\
             def run(**kwargs):\n    algo = ARgorithmToolkit.StateSet()\n    algo.add_state(State(state_type='check', state_def={{'v': {value}}}, comments=''))\n    return algo\n"
        );
        match run(&source, "{}") {
            Err(RunError::RuntimeError { message, .. }) => assert!(message.contains(expected), "{value}: {message}"),
            other => panic!("{value}: {other:?}"),
        }
    }
}

#[test]
fn marshal_data_a_program_forges_is_refused_and_the_run_goes_on() {
    // The runner's import is within any program's reach: junk, a batch that claims four
    // billion states, and five million shared objects (more than the host's table takes).
    let source = r#"
import sys
import ARgorithmToolkit
from ARgorithmToolkit.utils import State

def run(**kwargs):
    host = sys.modules["wit_world"]
    answers = [
        host.emit_marshal(b"\xff" * 10_000_000),
        host.emit_marshal(b"[\xff\xff\xff\xff" + b"N" * 10),
        host.emit_marshal(b"[" + (5_000_000).to_bytes(4, "little") + b"\xce" * 5_000_000),
    ]
    algo = ARgorithmToolkit.StateSet()
    algo.add_state(State(state_type="answers", state_def=None, comments=repr(answers)))
    return algo
"#;
    let trace = run(source, "{}").unwrap();
    assert_eq!(trace.len(), 1, "nothing forged was taken as a state");
    let state: serde_json::Value = serde_json::from_str(trace.states()[0]).unwrap();
    assert_eq!(state["comments"], "[False, False, False]");
}

#[test]
fn a_state_nested_past_what_marshal_writes_fails_as_it_did_through_the_encoder() {
    // Past the host's 200 levels, then past marshal's own limit, the batch goes the JSON way:
    // the host refuses what the encoder writes; deeper still, the encoder exhausts the stack.
    // (Measured the same with the marshal path switched off.)
    for (depth, kind) in [(300, "invalid_state"), (2500, "invalid_state"), (50_000, "stack_overflow")] {
        let source = format!(
            "import ARgorithmToolkit\nfrom ARgorithmToolkit.utils import State\n\ndef run(**kwargs):\n    algo = ARgorithmToolkit.StateSet()\n    d = None\n    for _ in range({depth}):\n        d = [d]\n    algo.add_state(State(state_type='deep', state_def={{'v': d}}, comments=''))\n    return algo\n"
        );
        let err = run(&source, "{}").unwrap_err();
        assert_eq!(err.kind(), kind, "{depth} levels: {err}");
    }
    let trace = run(DIFFERENTIAL, r#"{"seed": 1, "count": 10}"#).unwrap();
    assert_eq!(checked(&trace).0, 10, "the sandbox runs the next program as usual");
}
