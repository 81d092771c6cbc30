//! In-process cost of one Python run: a fresh instance of the runtime's snapshot from the
//! pooling allocator, the legacy-form bubblesort on 10 elements (101 states), and the trace.
//! Baselines measured in the same run: a Python program that returns an empty StateSet (the
//! fixed cost of a fresh Python instance), and the WebAssembly bubblesort on the same input.
//! Then the same bubblesort asked for its lines (where each state was made, for the player's
//! code pane), against the run without them, interleaved in one loop so that both see the same
//! machine.
//!
//!     cargo bench -p sandbox --bench python_run
use sandbox::testing::{guest_wasm, measure, python_example, python_setup, require_python};
use sandbox::{Limits, RunOptions, Sandbox};
use std::time::Instant;

fn main() {
    let iterations = std::env::var("BENCH_ITERATIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(2_000);
    let started = Instant::now();
    let sandbox = Sandbox::with_python(Limits::default(), &python_setup()).unwrap();
    require_python(&sandbox);
    println!("runtime loaded in {:.1} ms (compiled at this start: {:?})", started.elapsed().as_secs_f64() * 1e3, sandbox.python_status());

    let (source, _) = python_example("bubblesort");
    let started = Instant::now();
    let bubblesort = sandbox.compile_file("bubblesort.py", &source, "run").unwrap();
    println!("upload check of bubblesort.py: {:.2} ms", started.elapsed().as_secs_f64() * 1e3);
    let empty = "import ARgorithmToolkit\n\ndef run(**kwargs):\n    return ARgorithmToolkit.StateSet()\n";
    let empty = sandbox.compile_file("empty.py", empty.as_bytes(), "run").unwrap();
    let wasm = sandbox.compile(&guest_wasm("bubblesort"), "run").unwrap();
    let params = br#"{"array":[9,8,7,6,5,4,3,2,1,0]}"#;
    let trace = sandbox.run(&bubblesort, "run", params).unwrap();
    println!("{iterations} iterations each; bubblesort.py on 10 elements emits {} states, {} bytes", trace.len(), trace.to_json_array().len());

    let base = measure("baseline: empty Python program (fresh instance)", iterations, || {
        sandbox.run(&empty, "run", b"{}").unwrap();
    });
    let wasm = measure("baseline: WebAssembly bubblesort, 10 elements", iterations, || {
        sandbox.run(&wasm, "run", params).unwrap();
    });
    let python = measure("bubblesort.py, 10 elements (fresh instance)", iterations, || {
        sandbox.run(&bubblesort, "run", params).unwrap();
    });
    if let (Some(base), Some(python)) = (base, python) {
        println!("bubblesort.py / empty Python run (p50): {:.2}", python.as_secs_f64() / base.as_secs_f64());
    }
    if let (Some(wasm), Some(python)) = (wasm, python) {
        println!("bubblesort.py / WebAssembly bubblesort (p50): {:.0}", python.as_secs_f64() / wasm.as_secs_f64());
    }

    // With and without lines, alternating, so that drift on a noisy machine hits both alike.
    let lined = RunOptions { lines: true, ..RunOptions::default() };
    let (mut plain, mut with_lines) = (Vec::with_capacity(iterations), Vec::with_capacity(iterations));
    for _ in 0..iterations {
        let t = Instant::now();
        sandbox.run(&bubblesort, "run", params).unwrap();
        plain.push(t.elapsed());
        let t = Instant::now();
        let trace = sandbox.run_with(&bubblesort, "run", params, &lined).unwrap();
        with_lines.push(t.elapsed());
        assert_eq!(trace.line_count(), trace.len());
    }
    plain.sort();
    with_lines.sort();
    let p50 = |v: &[std::time::Duration]| v[v.len() / 2].as_secs_f64() * 1e3;
    println!(
        "bubblesort.py with lines: p50 {:.3} ms against {:.3} ms without, interleaved: {:.2}x",
        p50(&with_lines),
        p50(&plain),
        p50(&with_lines) / p50(&plain)
    );
}
