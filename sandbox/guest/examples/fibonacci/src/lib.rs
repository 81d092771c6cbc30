//! The n-th Fibonacci number with two variables.
use argorithm_toolkit::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Params {
    n: i64,
}

fn fibonacci(algo: &mut StateSet, p: Params) -> Result<()> {
    let n = p.n;
    if n <= 0 {
        return Err(Error::from("n has to be a natural number"));
    }
    let mut first = Variable::new("first", algo, 1i64, "The first fibonacci number");
    if n == 1 {
        algo.add_comment("1 is the first fibonacci number");
        return Ok(());
    }
    let mut second = Variable::new("second", algo, 1i64, "The second fibonacci number");
    for _ in 2..n {
        let (a, b) = (first.value(), second.value());
        let next = a.checked_add(b).ok_or_else(|| Error::from("the number no longer fits in 64 bits"))?;
        algo.add_comment(&format!("adding {a} and {b} and we get next fibonacci number {next}"));
        first.set(b);
        second.set(next);
    }
    algo.add_comment(&format!("{} is the {n}th fibonacci number", second.value()));
    Ok(())
}

argorithm_toolkit::export!(run => fibonacci);
