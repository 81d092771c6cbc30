import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    values = kwargs['values']
    chain = ARgorithmToolkit.ForwardList('chain', algo)
    for value in reversed(values):
        chain.push_front(value)
    algo.add_comment(f"the list is {chain.tolist()}: now each next pointer is turned around")
    previous = None
    current = chain.head
    while current:
        following = current.next
        current.next = previous
        previous = current
        current = following
    chain.head = previous
    algo.add_comment(f"reversed: {chain.tolist()}")
    return algo
