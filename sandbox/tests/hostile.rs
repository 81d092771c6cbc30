//! One test per limit: each hostile module gets its documented error within its limit, and a
//! normal run on the same sandbox succeeds right after.
use sandbox::testing::{abi_module_wat, state_of_depth};
use sandbox::{Cancel, Limits, ModuleError, RunError, Sandbox};
use std::time::{Duration, Instant};

const COMMENT: &str = r#"{"state_type":"comment","state_def":null,"comments":"hi"}"#;

fn limits() -> Limits {
    Limits {
        timeout: Duration::from_millis(300),
        memory_bytes: 16 << 20,
        max_states: 1000,
        max_output_bytes: 64 << 10,
        concurrency: 2,
        ..Limits::default()
    }
}

/// A module with the ABI's imports, memory and allocator; `body` is the entry function's body.
fn module(extra: &str, body: &str) -> Vec<u8> {
    wat::parse_str(abi_module_wat(extra, COMMENT, body)).expect("test WAT parses")
}

fn good_module() -> Vec<u8> {
    module("", &format!("(call $emit (i32.const 0) (i32.const {})) (i32.const 0)", COMMENT.len()))
}

fn run(sandbox: &Sandbox, wasm: &[u8]) -> Result<Vec<String>, RunError> {
    let compiled = sandbox.compile(wasm, "run").expect("module compiles");
    sandbox.run(&compiled, "run", b"{}").map(|t| t.states().into_iter().map(str::to_owned).collect())
}

/// The sandbox still works after whatever the hostile module did.
fn assert_healthy(sandbox: &Sandbox) {
    let states = run(sandbox, &good_module()).expect("a normal run succeeds");
    assert_eq!(states, vec![COMMENT.to_owned()]);
}

#[test]
fn a_well_behaved_module_emits_its_state() {
    assert_healthy(&Sandbox::new(limits()).unwrap());
}

#[test]
fn an_endless_loop_is_stopped_by_the_time_limit() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let start = Instant::now();
    let err = run(&sandbox, &module("", "(loop $l (br $l)) (i32.const 0)")).unwrap_err();
    let took = start.elapsed();
    assert_eq!(err, RunError::TimeLimitExceeded { limit_ms: 300 });
    assert!(took >= Duration::from_millis(290), "stopped too early: {took:?}");
    assert!(took < Duration::from_millis(300 + 200), "stopped too late: {took:?}");
    assert_healthy(&sandbox);
}

#[test]
fn a_run_nobody_waits_for_stops_at_the_next_tick() {
    let sandbox = Sandbox::new(Limits { timeout: Duration::from_secs(10), ..limits() }).unwrap();
    let compiled = sandbox.compile(&module("", "(loop $l (br $l)) (i32.const 0)"), "run").unwrap();
    let cancel = Cancel::default();
    let canceller = cancel.clone();
    let start = Instant::now();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        canceller.cancel();
    });
    let err = sandbox.run_until_cancelled(&compiled, "run", b"{}", &cancel).unwrap_err();
    assert_eq!(err, RunError::Cancelled);
    assert!(start.elapsed() < Duration::from_millis(300), "stopped at {:?}, not at the next tick", start.elapsed());
    assert_healthy(&sandbox);
}

#[test]
fn a_state_may_nest_128_levels_and_no_more() {
    let sandbox = Sandbox::new(limits()).unwrap();
    for (depth, ok) in [(128, true), (129, false)] {
        let state = state_of_depth(depth);
        let wasm = wat::parse_str(abi_module_wat("", &state, &format!("(call $emit (i32.const 0) (i32.const {})) (i32.const 0)", state.len()))).unwrap();
        let compiled = sandbox.compile(&wasm, "run").unwrap();
        match sandbox.run(&compiled, "run", b"{}") {
            Ok(trace) => assert!(ok, "depth {depth} was accepted: {} states", trace.len()),
            Err(RunError::InvalidState { reason, .. }) => {
                assert!(!ok, "depth {depth} was refused: {reason}");
                assert!(reason.contains("deeper than 128 levels"), "{reason}");
            }
            Err(e) => panic!("depth {depth}: {e}"),
        }
    }
    assert_healthy(&sandbox);
}

#[test]
fn a_memory_grow_bomb_hits_the_memory_limit() {
    let sandbox = Sandbox::new(limits()).unwrap();
    // Grows until refused, then aborts, as a Rust guest's allocator would.
    let body = "(loop $l (br_if $l (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) unreachable";
    let err = run(&sandbox, &module("", body)).unwrap_err();
    assert_eq!(err, RunError::MemoryLimitExceeded { limit_mib: 16 });
    assert_eq!(err.kind(), "memory_limit_exceeded");
    assert_healthy(&sandbox);
}

#[test]
fn a_module_that_declares_too_much_memory_is_refused_at_upload() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let wat = r#"(module (memory (export "memory") 1000)
        (func (export "argorithm_alloc") (param i32) (result i32) (i32.const 0))
        (func (export "run") (param i32 i32) (result i32) (i32.const 0)))"#;
    let err = sandbox.compile(&wat::parse_str(wat).unwrap(), "run").err().unwrap();
    // The pooling allocator's own check runs while compiling and names both sizes.
    assert!(matches!(err, ModuleError::InvalidModule(ref m) if m.contains("minimum byte size of 65536000")), "{err}");
}

#[test]
fn unbounded_recursion_is_a_stack_overflow() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let extra = "(func $deep (param i64) (result i64) (i64.add (call $deep (local.get 0)) (i64.const 1)))";
    let err = run(&sandbox, &module(extra, "(drop (call $deep (i64.const 0))) (i32.const 0)")).unwrap_err();
    assert_eq!(err, RunError::StackOverflow);
    assert_healthy(&sandbox);
}

#[test]
fn an_emit_flood_hits_the_state_limit() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let body = format!("(loop $l (call $emit (i32.const 0) (i32.const {})) (br $l)) (i32.const 0)", COMMENT.len());
    let err = run(&sandbox, &module("", &body)).unwrap_err();
    assert_eq!(err, RunError::OutputLimitExceeded("more than 1000 states".into()));
    assert_healthy(&sandbox);
}

#[test]
fn one_giant_state_hits_the_byte_limit() {
    let sandbox = Sandbox::new(limits()).unwrap();
    // A valid state whose comment is 100 KiB of 'a', over the 64 KiB limit.
    let prefix = r#"{"state_type":"c","state_def":null,"comments":""#;
    let n = 100 << 10;
    let extra = format!(r#"(data (i32.const 8192) "{}")"#, prefix.replace('"', "\\\""));
    let start = 8192 + prefix.len();
    let body = format!(
        "(drop (memory.grow (i32.const 2)))
         (memory.fill (i32.const {start}) (i32.const 97) (i32.const {n}))
         (i32.store16 (i32.const {end}) (i32.const 0x7d22))
         (call $emit (i32.const 8192) (i32.const {len}))
         (i32.const 0)",
        end = start + n,
        len = prefix.len() + n + 2
    );
    let err = run(&sandbox, &module(&extra, &body)).unwrap_err();
    assert_eq!(err.kind(), "output_limit_exceeded");
    assert!(err.to_string().contains("65536 bytes"), "{err}");
    assert_healthy(&sandbox);
}

#[test]
fn a_malformed_state_is_an_invalid_state() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let extra = r#"(data (i32.const 8192) "{\"state_type\": 5}")"#;
    let err = run(&sandbox, &module(extra, "(call $emit (i32.const 8192) (i32.const 16)) (i32.const 0)")).unwrap_err();
    assert!(matches!(err, RunError::InvalidState { index: 0, .. }), "{err:?}");
    assert_eq!(err.kind(), "invalid_state");
    assert_healthy(&sandbox);
}

#[test]
fn a_state_pointer_outside_memory_is_an_invalid_state() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let err = run(&sandbox, &module("", "(call $emit (i32.const -16) (i32.const 64)) (i32.const 0)")).unwrap_err();
    assert!(matches!(err, RunError::InvalidState { ref reason, .. } if reason.contains("outside")), "{err:?}");
    assert_healthy(&sandbox);
}

#[test]
fn a_trap_is_a_runtime_error_with_its_message() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let err = run(&sandbox, &module("", "unreachable")).unwrap_err();
    assert!(matches!(err, RunError::RuntimeError { ref message, .. } if message.contains("unreachable")), "{err:?}");
    assert_healthy(&sandbox);
}

#[test]
fn a_nonzero_return_code_is_a_runtime_error() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let err = run(&sandbox, &module("", "(i32.const 7)")).unwrap_err();
    assert!(err.to_string().contains("returned 7"), "{err}");
}

#[test]
fn fail_rejects_the_input_with_the_programs_message() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let extra = r#"(data (i32.const 8192) "n must be positive")"#;
    let err = run(&sandbox, &module(extra, "(call $fail (i32.const 8192) (i32.const 18)) (i32.const 0)")).unwrap_err();
    assert_eq!(err, RunError::Rejected("n must be positive".into()));
}

#[test]
fn a_module_cannot_open_a_file_through_wasi() {
    let sandbox = Sandbox::new(limits()).unwrap();
    // path_open on fd 3 (the first preopen, if any were granted) of "/etc/passwd"; the errno
    // decides which message the module fails with.
    let extra = r#"(import "wasi_snapshot_preview1" "path_open"
          (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
        (data (i32.const 8192) "/etc/passwd")
        (data (i32.const 8300) "badf")
        (data (i32.const 8310) "opened")
        (data (i32.const 8320) "other")"#;
    let body = "(local $errno i32)
        (local.set $errno (call $open (i32.const 3) (i32.const 0) (i32.const 8192) (i32.const 11)
            (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 8400)))
        (if (i32.eqz (local.get $errno)) (then (call $fail (i32.const 8310) (i32.const 6))))
        (if (i32.eq (local.get $errno) (i32.const 8)) (then (call $fail (i32.const 8300) (i32.const 4))))
        (call $fail (i32.const 8320) (i32.const 5))
        (i32.const 0)";
    let err = run(&sandbox, &module(extra, body)).unwrap_err();
    assert_eq!(err, RunError::Rejected("badf".into()), "the file must not open (errno 8, EBADF)");
    assert_healthy(&sandbox);
}

#[test]
fn stderr_of_a_wasi_module_is_shown_when_it_fails() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let extra = r#"(import "wasi_snapshot_preview1" "fd_write"
          (func $write (param i32 i32 i32 i32) (result i32)))
        (data (i32.const 8192) "something broke")"#;
    // One iovec at 8300: {ptr 8192, len 15}.
    let body = "(i32.store (i32.const 8300) (i32.const 8192))
        (i32.store (i32.const 8304) (i32.const 15))
        (drop (call $write (i32.const 2) (i32.const 8300) (i32.const 1) (i32.const 8400)))
        unreachable";
    let err = run(&sandbox, &module(extra, body)).unwrap_err();
    assert!(matches!(err, RunError::RuntimeError { ref stderr, .. } if stderr == "something broke"), "{err:?}");
}

#[test]
fn an_unknown_import_is_refused_at_upload() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let err = sandbox.compile(&module(r#"(import "env" "system" (func (param i32)))"#, "(i32.const 0)"), "run").err().unwrap();
    assert!(err.to_string().contains("`env.system` is not allowed"), "{err}");
}

#[test]
fn an_unknown_wasi_function_is_refused_at_upload() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let extra = r#"(import "wasi_snapshot_preview1" "launch_missiles" (func))"#;
    let err = sandbox.compile(&module(extra, "(i32.const 0)"), "run").err().unwrap();
    assert!(err.to_string().contains("launch_missiles"), "{err}");
}

#[test]
fn a_missing_export_is_refused_at_upload() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let wat = r#"(module (memory (export "memory") 1)
        (func (export "run") (param i32 i32) (result i32) (i32.const 0)))"#;
    let err = sandbox.compile(&wat::parse_str(wat).unwrap(), "run").err().unwrap();
    assert!(err.to_string().contains("does not export the function `argorithm_alloc`"), "{err}");
}

#[test]
fn an_entry_that_is_not_exported_is_refused_at_upload() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let err = sandbox.compile(&good_module(), "main").err().unwrap();
    assert!(err.to_string().contains("`main`"), "{err}");
}

#[test]
fn a_wrong_entry_signature_is_refused_at_upload() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let wat = r#"(module (memory (export "memory") 1)
        (func (export "argorithm_alloc") (param i32) (result i32) (i32.const 0))
        (func (export "run") (param i32) (result i32) (i32.const 0)))"#;
    let err = sandbox.compile(&wat::parse_str(wat).unwrap(), "run").err().unwrap();
    assert!(err.to_string().contains("signature (i32) -> (i32), expected (i32, i32) -> (i32)"), "{err}");
}

#[test]
fn a_file_that_is_not_wasm_is_refused_at_upload() {
    let sandbox = Sandbox::new(limits()).unwrap();
    let err = sandbox.compile(b"print('hello')", "run").err().unwrap();
    assert!(err.to_string().contains("not a WebAssembly binary"), "{err}");
    let mut truncated = good_module();
    truncated.truncate(20);
    assert!(matches!(sandbox.compile(&truncated, "run"), Err(ModuleError::InvalidModule(_))));
}

#[test]
fn runs_beyond_the_pool_get_busy_not_a_crash() {
    // Two slots per unit of concurrency plus two: hold them all with endless loops.
    let sandbox = std::sync::Arc::new(Sandbox::new(Limits { concurrency: 1, ..limits() }).unwrap());
    let looping = sandbox.compile(&module("", "(loop $l (br $l)) (i32.const 0)"), "run").unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (s, c) = (sandbox.clone(), looping.clone());
            std::thread::spawn(move || s.run(&c, "run", b"{}"))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let extra = sandbox.run(&looping, "run", b"{}");
    assert_eq!(extra.unwrap_err(), RunError::Busy);
    for h in handles {
        assert_eq!(h.join().unwrap().unwrap_err().kind(), "time_limit_exceeded");
    }
    assert_healthy(&sandbox);
}
