//! Binary search in a sorted array, with the bounds as variables.
use argorithm_toolkit::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Params {
    array: Vec<i64>,
    key: i64,
}

fn binary_search(algo: &mut StateSet, p: Params) -> Result<()> {
    if p.array.windows(2).any(|w| w[0] > w[1]) {
        return Err(Error::from("the array must be sorted"));
    }
    let arr = Array::new("arr", algo, p.array, "a sorted array");
    let mut low = Variable::new("low", algo, 0i64, "the lowest index still possible");
    let mut high = Variable::new("high", algo, arr.len() as i64 - 1, "the highest index still possible");
    while low.value() <= high.value() {
        let mid = (low.value() + high.value()) / 2;
        let value = arr.get(mid as usize)?;
        if value == p.key {
            algo.add_comment(&format!("found {} at index {mid}", p.key));
            return Ok(());
        } else if value < p.key {
            algo.add_comment(&format!("{value} < {}, search the right half", p.key));
            low.set(mid + 1);
        } else {
            algo.add_comment(&format!("{value} > {}, search the left half", p.key));
            high.set(mid - 1);
        }
    }
    algo.add_comment(&format!("{} is not in the array", p.key));
    Ok(())
}

argorithm_toolkit::export!(run => binary_search);
