//! The toolkit's allocator serves a run from the module's initial memory and falls back to the
//! standard allocator past it; runs on either side of that line must give the same states.
use sandbox::testing::guest_wasm;
use sandbox::{Limits, Sandbox};
use serde_json::{json, Value};

fn run(sandbox: &Sandbox, module: &str, params: &Value) -> Vec<Value> {
    let compiled = sandbox.compile(&guest_wasm(module), "run").unwrap();
    let trace = sandbox.run(&compiled, "run", params.to_string().as_bytes()).unwrap();
    serde_json::from_str(&trace.to_json_array()).unwrap()
}

#[test]
fn parameters_larger_than_the_initial_memory_arrive_whole() {
    let sandbox = Sandbox::new(Limits::default()).unwrap();
    // 20 000 numbers: the decoded vector alone (160 KB) outgrows the module's 128 KiB start.
    let array: Vec<i64> = (0..20_000).map(|i| i * 3).collect();
    let states = run(&sandbox, "binary_search", &json!({"array": array, "key": 3 * 12_345}));
    assert_eq!(states[0]["state_type"], "array_declare");
    assert_eq!(states[0]["state_def"]["body"], json!(array));
    assert_eq!(states.last().unwrap()["comments"], "found 37035 at index 12345");
}

#[test]
fn a_long_run_that_frees_out_of_order_matches_a_short_one_step_for_step() {
    let sandbox = Sandbox::new(Limits::default()).unwrap();
    // Bubble sort of 60 descending numbers: thousands of comments built and dropped, and the
    // array's body rewritten after every swap.
    let array: Vec<i64> = (0..60).rev().collect();
    let states = run(&sandbox, "bubblesort", &json!({ "array": array }));
    let swaps = states.iter().filter(|s| s["state_type"] == "array_swap").count();
    assert_eq!(swaps, 60 * 59 / 2);
    let last = states.iter().rev().find(|s| s["state_type"] == "array_swap").unwrap();
    assert_eq!(last["state_def"]["body"], json!((0..60).collect::<Vec<i64>>()));
    // The same program, run again in a recycled instance, says the same thing.
    assert_eq!(run(&sandbox, "bubblesort", &json!({ "array": array })), states);
}
