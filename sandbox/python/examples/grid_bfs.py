import ARgorithmToolkit


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    grid = ARgorithmToolkit.Array('grid', algo, data=kwargs['grid'], comments="0 is open ground, 1 is a wall")
    rows, cols = grid.shape()
    distance = ARgorithmToolkit.Map('distance', algo, comments="steps from the top left corner to each cell reached")
    frontier = ARgorithmToolkit.Queue('frontier', algo, comments="cells reached whose neighbours are still to look at")
    if grid[0, 0] != 0:
        algo.add_comment("the start is a wall: nothing is reachable")
        return algo
    distance['0,0'] = 0
    frontier.push('0,0')
    while not frontier.empty():
        cell = frontier.pop(comments="the oldest cell in the queue is expanded next")
        r, c = (int(part) for part in cell.split(','))
        for dr, dc in ((1, 0), (0, 1), (-1, 0), (0, -1)):
            nr, nc = r + dr, c + dc
            if 0 <= nr < rows and 0 <= nc < cols and grid[nr, nc] == 0:
                neighbour = f"{nr},{nc}"
                if distance.get(neighbour, -1, comments=f"has {neighbour} been reached?") == -1:
                    distance[neighbour] = distance[cell] + 1
                    frontier.push(neighbour, comments=f"{neighbour} is reached in {distance[cell] + 1} steps")
    goal = f"{rows - 1},{cols - 1}"
    steps = distance.get(goal, -1)
    if steps == -1:
        algo.add_comment("the bottom right corner cannot be reached")
    else:
        algo.add_comment(f"the bottom right corner is {steps} steps away")
    return algo
