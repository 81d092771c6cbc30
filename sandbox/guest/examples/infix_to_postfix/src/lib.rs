//! Infix to postfix with an operator stack (the shunting-yard algorithm).
use argorithm_toolkit::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Params {
    expression: String,
}

fn precedence(op: char) -> u8 {
    match op {
        '^' => 3,
        '*' | '/' => 2,
        '+' | '-' => 1,
        _ => 0,
    }
}

fn infix_to_postfix(algo: &mut StateSet, p: Params) -> Result<()> {
    let expr: String = p.expression.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(bad) = expr.chars().find(|c| !(c.is_ascii_alphanumeric() || "+-*/^()".contains(*c))) {
        return Err(Error(format!("unexpected character '{bad}' in the expression")));
    }
    let input = ArString::new("infix", algo, &expr, "the infix expression");
    let mut output = ArString::new("postfix", algo, "", "the postfix expression is built here");
    let mut stack = Stack::new("operators", algo, "operators wait here");
    for c in input.iter() {
        if c.is_ascii_alphanumeric() {
            output.append(&c.to_string(), &format!("{c} is an operand, it goes to the output"));
        } else if c == '(' {
            stack.push(c, "an opening bracket waits on the stack");
        } else if c == ')' {
            loop {
                if stack.empty() {
                    return Err(Error::from("unbalanced brackets"));
                }
                let top = stack.pop("pop until the opening bracket")?;
                if top == '(' {
                    break;
                }
                output.append(&top.to_string(), "the operator goes to the output");
            }
        } else {
            while !stack.empty() {
                let top = stack.top(&format!("compare {c} with the operator on top"))?;
                let right_assoc = c == '^';
                let pops = top != '(' && (precedence(top) > precedence(c) || (precedence(top) == precedence(c) && !right_assoc));
                if !pops {
                    break;
                }
                stack.pop(&format!("{top} binds at least as tightly as {c}"))?;
                output.append(&top.to_string(), "the operator goes to the output");
            }
            stack.push(c, &format!("push {c}"));
        }
    }
    while !stack.empty() {
        let top = stack.pop("empty the stack")?;
        if top == '(' {
            return Err(Error::from("unbalanced brackets"));
        }
        output.append(&top.to_string(), "the operator goes to the output");
    }
    algo.add_comment(&format!("the postfix expression is {}", output.as_str()));
    Ok(())
}

argorithm_toolkit::export!(run => infix_to_postfix);
