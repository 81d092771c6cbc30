//! In-process cost of one run: a fresh instance of bubblesort (10 elements) from the pooling
//! allocator, the run, and the trace. The baseline, measured in the same run, is a module whose
//! entry emits one state: the fixed cost of a sandboxed call.
//!
//!     cargo bench -p sandbox --bench sandbox_run
use sandbox::testing::{abi_module_wat, guest_wasm};
use sandbox::{Limits, Sandbox};
use std::time::{Duration, Instant};

/// The p50 of `f`, or `None` when `BENCH_CASE=<part of a label>` leaves this case out (for a
/// profiler).
fn measure(label: &str, iterations: usize, mut f: impl FnMut()) -> Option<Duration> {
    if std::env::var("BENCH_CASE").is_ok_and(|c| !label.contains(c.as_str())) {
        return None;
    }
    for _ in 0..iterations / 10 {
        f();
    }
    let mut times: Vec<Duration> = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    let p50 = times[times.len() / 2];
    let p99 = times[times.len() * 99 / 100];
    println!("{label:<40} p50 {:>8.1} µs   p99 {:>8.1} µs", p50.as_secs_f64() * 1e6, p99.as_secs_f64() * 1e6);
    Some(p50)
}

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
