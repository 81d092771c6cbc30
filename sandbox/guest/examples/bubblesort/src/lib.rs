//! Bubble sort, the legacy server's first example.
use argorithm_toolkit::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Params {
    array: Vec<i64>,
}

fn bubblesort(algo: &mut StateSet, p: Params) -> Result<()> {
    let mut arr = Array::new("arr", algo, p.array, "This is our unsorted array");
    for i in 0..arr.len() {
        algo.add_comment(&format!("Iterating the array starting from the {i}th index"));
        for j in i + 1..arr.len() {
            if arr.compare(i, j, |a, b| a > b, &format!("comparing the {i}th and {j}th element"))? {
                arr.swap(i, j, &format!("as arr[{i}] > arr[{j}] , we swap them"))?;
            }
        }
    }
    Ok(())
}

argorithm_toolkit::export!(run => bubblesort);
