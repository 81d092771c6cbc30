//! In-process cost of one run: a fresh instance of bubblesort (10 elements) from the pooling
//! allocator, the run, and the trace. The baseline, measured in the same run, is a module whose
//! entry emits one state: the fixed cost of a sandboxed call.
//!
//!     cargo bench -p sandbox --bench sandbox_run
use sandbox::testing::{abi_module_wat, guest_wasm, measure};
use sandbox::{Limits, Sandbox};

fn main() {
    let iterations = std::env::var("BENCH_ITERATIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let sandbox = Sandbox::new(Limits::default()).unwrap();

    let state = r#"{"state_type":"comment","state_def":null,"comments":"x"}"#;
    let body = format!("(call $emit (i32.const 0) (i32.const {})) (i32.const 0)", state.len());
    let minimal = wat::parse_str(abi_module_wat("", state, &body)).unwrap();
    let baseline = sandbox.compile(&minimal, "run").unwrap();
    // BENCH_WASM=<path> runs another build of bubblesort, e.g. one with a name section
    // (`CARGO_PROFILE_RELEASE_STRIP=false`), so that a profiler names the guest's functions.
    let bytes = match std::env::var("BENCH_WASM") {
        Ok(path) => std::fs::read(path).unwrap(),
        Err(_) => guest_wasm("bubblesort"),
    };
    let bubblesort = sandbox.compile(&bytes, "run").unwrap();
    let params = br#"{"array":[9,3,7,1,8,2,6,4,10,5]}"#;
    let trace = sandbox.run(&bubblesort, "run", params).unwrap();

    println!(
        "{iterations} iterations each; bubblesort emits {} states, {} bytes",
        trace.len(),
        trace.to_json_array().len()
    );
    let base = measure("baseline: one-state module", iterations, || {
        sandbox.run(&baseline, "run", b"{}").unwrap();
    });
    measure("bubblesort, empty array (1 state)", iterations, || {
        sandbox.run(&bubblesort, "run", br#"{"array":[]}"#).unwrap();
    });
    let bubble = measure("bubblesort, 10 elements", iterations, || {
        sandbox.run(&bubblesort, "run", params).unwrap();
    });
    if let (Some(base), Some(bubble)) = (base, bubble) {
        println!("bubblesort / baseline (p50): {:.1}x", bubble.as_secs_f64() / base.as_secs_f64());
    }
}
