//! Shortest job first: jobs wait in a priority queue by length and finish in a queue.
use argorithm_toolkit::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Params {
    durations: Vec<i64>,
}

fn task_scheduler(algo: &mut StateSet, p: Params) -> Result<()> {
    if p.durations.iter().any(|&d| d <= 0) {
        return Err(Error::from("every duration must be positive"));
    }
    let mut waiting = PriorityQueue::new("waiting", algo, "jobs waiting, shortest first");
    for d in &p.durations {
        waiting.offer(*d, &format!("a job of {d} units arrives"));
    }
    let mut done = Queue::new("done", algo, "jobs in the order they finish");
    let mut clock = Variable::new("clock", algo, 0i64, "time so far");
    while !waiting.empty() {
        let job = waiting.poll("run the shortest job")?;
        clock.set(clock.value() + job);
        done.push(job, &format!("the job of {job} units finishes at {}", clock.value()));
    }
    algo.add_comment(&format!("all jobs done at time {}", clock.value()));
    Ok(())
}

argorithm_toolkit::export!(run => task_scheduler);
