import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    n = kwargs['n']
    if n <= 0:
        algo.add_comment("n has to be natural number, try again")
        return algo
    first = ARgorithmToolkit.Variable("first", algo, 1, comments="The first fibonacci number")
    if n == 1:
        algo.add_comment("1 is the first fibonacci number")
        return algo
    second = ARgorithmToolkit.Variable("second", algo, 1, comments="The second fibonacci number")
    for _ in range(2, n):
        a, b = first.value, second.value
        algo.add_comment(f"adding {a} and {b} and we get next fibonacci number {a + b}")
        first.value = b
        second.value = a + b
    algo.add_comment(f"{second.value} is the {n}th fibonacci number")
    return algo
