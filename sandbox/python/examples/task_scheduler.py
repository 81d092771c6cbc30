import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    durations = ARgorithmToolkit.Vector('durations', algo, list(kwargs['durations']), comments="how long each job takes")
    waiting = ARgorithmToolkit.PriorityQueue('waiting', algo, comments="jobs by duration, shortest first")
    finished = ARgorithmToolkit.Queue('finished', algo, comments="jobs in the order they finish")
    clock = ARgorithmToolkit.Variable('clock', algo, 0, comments="time so far")
    for job, duration in enumerate(durations):
        waiting.offer((duration, job), comments=f"job {job} takes {duration}")
    total_wait = 0
    while not waiting.empty():
        duration, job = waiting.poll(comments="the shortest job runs next")
        total_wait += clock.value
        clock.value = clock.value + duration
        finished.push(job, comments=f"job {job} finishes at {clock.value}")
    if len(finished):
        algo.add_comment(f"average waiting time {total_wait / len(finished):.2f}")
    return algo
