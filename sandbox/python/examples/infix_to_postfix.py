import ARgorithmToolkit

PRECEDENCE = {'^': 3, '*': 2, '/': 2, '+': 1, '-': 1}


def run(**kwargs):
    algo = ARgorithmToolkit.StateSet()
    expression = ARgorithmToolkit.String('expression', algo, kwargs['expression'], comments="the infix expression")
    output = ARgorithmToolkit.String('postfix', algo, '', comments="the postfix expression, built left to right")
    operators = ARgorithmToolkit.Stack('operators', algo, comments="operators waiting for their operands")
    for token in expression:
        if token.isalnum():
            output.append(token, comments=f"{token} is an operand: straight to the output")
        elif token == '(':
            operators.push(token, comments="an opening bracket waits for its closing one")
        elif token == ')':
            while not operators.empty() and operators.top() != '(':
                output.append(operators.pop(), comments="moving an operator inside the brackets to the output")
            if operators.empty():
                raise ARgorithmToolkit.ARgorithmClientError("unbalanced brackets")
            operators.pop(comments="dropping the opening bracket")
        elif token in PRECEDENCE:
            while (not operators.empty() and operators.top() != '('
                   and (PRECEDENCE[operators.top()] > PRECEDENCE[token]
                        or (PRECEDENCE[operators.top()] == PRECEDENCE[token] and token != '^'))):
                output.append(operators.pop(), comments=f"an operator binding at least as tightly as {token} goes first")
            operators.push(token, comments=f"{token} waits for its right operand")
        elif token != ' ':
            raise ARgorithmToolkit.ARgorithmClientError(f"unexpected character {token!r}")
    while not operators.empty():
        top = operators.pop(comments="emptying the stack at the end")
        if top == '(':
            raise ARgorithmToolkit.ARgorithmClientError("unbalanced brackets")
        output.append(top)
    algo.add_comment(f"postfix: {output}")
    return algo
