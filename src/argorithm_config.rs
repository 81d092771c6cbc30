//! The toolkit's ARgorithm config (the `data` part of an upload) and the check that a set of
//! parameters fits it. Every error names the field at fault.
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct ArgorithmConfig {
    pub argorithm_id: String,
    pub file: String,
    pub function: String,
    pub description: String,
    /// Kept as sent, so `list` and `view` return what the author wrote.
    pub parameters: Value,
    pub example: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Int,
    Float,
    Str,
}

#[derive(Debug, Clone, PartialEq)]
enum Size {
    Fixed(u64),
    /// The value of another (INT) parameter.
    Ref(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Int { start: Option<f64>, end: Option<f64> },
    Float { start: Option<f64>, end: Option<f64> },
    Str { size: Option<Size> },
    Array { item: Item, size: Option<Size> },
    Matrix { item: Item, row: Size, col: Size },
}

fn err<T>(s: String) -> Result<T, String> {
    Err(s)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn string_field(obj: &Map<String, Value>, key: &str) -> Result<String, String> {
    match obj.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => err(format!("config field `{key}` must be a string")),
        None => err(format!("config field `{key}` is missing")),
    }
}

/// How large a config's fields may be, so that every record, and so the list of them every
/// client reads first, stays small.
pub const MAX_DESCRIPTION_BYTES: usize = 4 << 10;
pub const MAX_PARAMETERS: usize = 32;
pub const MAX_PARAMETERS_BYTES: usize = 16 << 10;
pub const MAX_EXAMPLE_BYTES: usize = 64 << 10;
pub const MAX_NAME_BYTES: usize = 128;

/// The first field of `config` over its bound, said for its author (the answer is a 422).
pub fn oversized_field(config: &ArgorithmConfig) -> Option<String> {
    let json_len = |v: &Value| serde_json::to_string(v).map_or(usize::MAX, |s| s.len());
    let declared = config.parameters.as_object().map_or(0, |p| p.len());
    if config.description.len() > MAX_DESCRIPTION_BYTES {
        Some(format!("config field `description` is {} bytes; at most {MAX_DESCRIPTION_BYTES} are allowed", config.description.len()))
    } else if declared > MAX_PARAMETERS {
        Some(format!("config field `parameters` declares {declared} parameters; at most {MAX_PARAMETERS} are allowed"))
    } else if json_len(&config.parameters) > MAX_PARAMETERS_BYTES {
        Some(format!("config field `parameters` is over {MAX_PARAMETERS_BYTES} bytes of JSON"))
    } else if json_len(&config.example) > MAX_EXAMPLE_BYTES {
        Some(format!("config field `example` is over {MAX_EXAMPLE_BYTES} bytes of JSON"))
    } else if config.file.len() > MAX_NAME_BYTES || config.function.len() > MAX_NAME_BYTES {
        Some(format!("config fields `file` and `function` may be at most {MAX_NAME_BYTES} bytes"))
    } else {
        None
    }
}

/// Parses and checks a config. The file-name rules are the caller's (they need the upload).
pub fn parse_config(bytes: &[u8]) -> Result<ArgorithmConfig, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| format!("the data part is not valid JSON: {e}"))?;
    let Value::Object(obj) = value else { return err("the data part must be a JSON object".into()) };
    const KEYS: [&str; 6] = ["argorithmID", "file", "function", "parameters", "example", "description"];
    if let Some(extra) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return err(format!("config field `{extra}` is not part of the ARgorithm config"));
    }
    let argorithm_id = string_field(&obj, "argorithmID")?;
    if !is_identifier(&argorithm_id) || argorithm_id.len() > 64 {
        return err(format!(
            "config field `argorithmID` ({argorithm_id:?}) must be letters, digits and underscores, \
             not starting with a digit, at most 64 characters"
        ));
    }
    let file = string_field(&obj, "file")?;
    let function = string_field(&obj, "function")?;
    if !is_identifier(&function) {
        return err(format!("config field `function` ({function:?}) must be the name of an exported function"));
    }
    let description = string_field(&obj, "description")?;
    let parameters = obj.get("parameters").cloned().ok_or("config field `parameters` is missing")?;
    let example = obj.get("example").cloned().ok_or("config field `example` is missing")?;
    let specs = parse_parameters(&parameters)?;
    check_fit(&specs, &example).map_err(|e| format!("config field `example` does not fit the parameters: {e}"))?;
    Ok(ArgorithmConfig { argorithm_id, file, function, description, parameters, example })
}

type Specs = Vec<(String, Kind)>;

fn parse_parameters(value: &Value) -> Result<Specs, String> {
    let Value::Object(params) = value else { return err("config field `parameters` must be an object".into()) };
    let mut specs = Vec::new();
    for (name, spec) in params {
        let at = format!("parameters.{name}");
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return err(format!("`{at}`: a parameter name must start with a letter"));
        }
        specs.push((name.clone(), parse_kind(&at, spec)?));
    }
    for (name, kind) in &specs {
        let refs: Vec<&Size> = match kind {
            Kind::Str { size: Some(s) } | Kind::Array { size: Some(s), .. } => vec![s],
            Kind::Matrix { row, col, .. } => vec![row, col],
            _ => vec![],
        };
        for r in refs {
            if let Size::Ref(target) = r {
                if !specs.iter().any(|(n, k)| n == target && matches!(k, Kind::Int { .. })) {
                    return err(format!("`parameters.{name}` refers to `{target}`, which is not an INT parameter"));
                }
            }
        }
    }
    Ok(specs)
}

fn parse_kind(at: &str, spec: &Value) -> Result<Kind, String> {
    let Value::Object(spec) = spec else { return err(format!("`{at}` must be an object")) };
    let ty = match spec.get("type") {
        Some(Value::String(t)) => t.as_str(),
        _ => return err(format!("`{at}.type` must be one of INT, FLOAT, STRING, ARRAY, MATRIX")),
    };
    if !matches!(spec.get("description"), Some(Value::String(_))) {
        return err(format!("`{at}.description` must be a string"));
    }
    let allowed: &[&str] = match ty {
        "INT" | "FLOAT" => &["type", "description", "start", "end"],
        "STRING" => &["type", "description", "size"],
        "ARRAY" => &["type", "description", "item-type", "size"],
        "MATRIX" => &["type", "description", "item-type", "row", "col"],
        other => return err(format!("`{at}.type` is {other:?}; it must be one of INT, FLOAT, STRING, ARRAY, MATRIX")),
    };
    if let Some(extra) = spec.keys().find(|k| !allowed.contains(&k.as_str())) {
        return err(format!("`{at}.{extra}` is not allowed for a {ty} parameter"));
    }
    let bound = |key: &str| -> Result<Option<f64>, String> {
        match spec.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) if ty == "FLOAT" || n.is_i64() => Ok(n.as_f64()),
            Some(_) => err(format!("`{at}.{key}` must be {}", if ty == "INT" { "an integer" } else { "a number" })),
        }
    };
    let size = |key: &str| -> Result<Option<Size>, String> {
        match spec.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) if n.as_u64().is_some() => Ok(Some(Size::Fixed(n.as_u64().unwrap_or(0)))),
            Some(Value::String(s)) => Ok(Some(Size::Ref(s.clone()))),
            Some(_) => err(format!("`{at}.{key}` must be a non-negative integer or the name of an INT parameter")),
        }
    };
    let item = || -> Result<Item, String> {
        match spec.get("item-type").and_then(Value::as_str) {
            Some("INT") => Ok(Item::Int),
            Some("FLOAT") => Ok(Item::Float),
            Some("STRING") => Ok(Item::Str),
            _ => err(format!("`{at}.item-type` must be one of INT, FLOAT, STRING")),
        }
    };
    Ok(match ty {
        "INT" => Kind::Int { start: bound("start")?, end: bound("end")? },
        "FLOAT" => Kind::Float { start: bound("start")?, end: bound("end")? },
        "STRING" => Kind::Str { size: size("size")? },
        "ARRAY" => Kind::Array { item: item()?, size: size("size")? },
        _ => Kind::Matrix {
            item: item()?,
            row: size("row")?.ok_or(format!("`{at}.row` is missing"))?,
            col: size("col")?.ok_or(format!("`{at}.col` is missing"))?,
        },
    })
}

/// Whether `values` fits the declared `parameters` (both as stored with a record).
pub fn parameters_fit(parameters: &Value, values: &Value) -> Result<(), String> {
    check_fit(&parse_parameters(parameters)?, values)
}

fn check_fit(specs: &Specs, values: &Value) -> Result<(), String> {
    let Value::Object(values) = values else { return err("parameters must be a JSON object".into()) };
    if let Some(extra) = values.keys().find(|k| !specs.iter().any(|(n, _)| n == *k)) {
        return err(format!("`{extra}` is not a declared parameter"));
    }
    // A size naming a parameter takes that parameter's value, negative ones included: the
    // toolkit's form then accepts no string or array (no length is negative) and only a matrix
    // of no rows (it asks for `range(n)` rows). A named value that is not an integer fails on
    // its own.
    let resolve = |size: &Size| -> Option<i64> {
        match size {
            Size::Fixed(n) => i64::try_from(*n).ok(),
            Size::Ref(name) => values.get(name).and_then(Value::as_i64),
        }
    };
    let len = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    for (name, kind) in specs {
        let v = values.get(name).ok_or_else(|| format!("`{name}` is missing"))?;
        match kind {
            Kind::Int { start, end } => {
                if !v.is_i64() {
                    return err(format!("`{name}` must be an integer"));
                }
                check_bounds(name, v.as_f64().unwrap_or(0.0), *start, *end)?;
            }
            Kind::Float { start, end } => {
                let x = v.as_f64().ok_or_else(|| format!("`{name}` must be a number"))?;
                check_bounds(name, x, *start, *end)?;
            }
            Kind::Str { size } => {
                let s = v.as_str().ok_or_else(|| format!("`{name}` must be a string"))?;
                if let Some(want) = size.as_ref().and_then(resolve) {
                    if len(s.chars().count()) != want {
                        return err(format!("`{name}` must be {want} characters long"));
                    }
                }
            }
            Kind::Array { item, size } => {
                let items = v.as_array().ok_or_else(|| format!("`{name}` must be an array"))?;
                check_items(name, items, *item)?;
                if let Some(want) = size.as_ref().and_then(resolve) {
                    if len(items.len()) != want {
                        return err(format!("`{name}` must have {want} elements"));
                    }
                }
            }
            Kind::Matrix { item, row, col } => {
                let rows = v.as_array().ok_or_else(|| format!("`{name}` must be an array of rows"))?;
                if let Some(want) = resolve(row).map(|n| n.max(0)) {
                    if len(rows.len()) != want {
                        return err(format!("`{name}` must have {want} rows"));
                    }
                }
                let cols = resolve(col);
                for (i, r) in rows.iter().enumerate() {
                    let r = r.as_array().ok_or_else(|| format!("row {i} of `{name}` must be an array"))?;
                    if cols.is_some_and(|c| len(r.len()) != c) {
                        return err(format!("row {i} of `{name}` must have {} elements", cols.unwrap_or(0)));
                    }
                    check_items(name, r, *item)?;
                }
            }
        }
    }
    Ok(())
}

fn check_bounds(name: &str, x: f64, start: Option<f64>, end: Option<f64>) -> Result<(), String> {
    // Inclusive, as the toolkit's input form treats them (`value < start`, `value > end`).
    if let Some(start) = start.filter(|&s| x < s) {
        return err(format!("`{name}` must be at least {start}"));
    }
    if let Some(end) = end.filter(|&e| x > e) {
        return err(format!("`{name}` must be at most {end}"));
    }
    Ok(())
}

fn check_items(name: &str, items: &[Value], item: Item) -> Result<(), String> {
    let ok = |v: &Value| match item {
        Item::Int => v.is_i64(),
        Item::Float => v.is_number(),
        Item::Str => v.is_string(),
    };
    match items.iter().position(|v| !ok(v)) {
        Some(i) => err(format!("element {i} of `{name}` must be {}", match item {
            Item::Int => "an integer",
            Item::Float => "a number",
            Item::Str => "a string",
        })),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(parameters: Value, example: Value) -> Vec<u8> {
        json!({"argorithmID": "bubblesort", "file": "bubblesort.wasm", "function": "run",
               "description": "d", "parameters": parameters, "example": example})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn a_legacy_style_config_parses() {
        let c = parse_config(&config(
            json!({"array": {"description": "a", "type": "ARRAY", "item-type": "INT", "size": "n"},
                   "n": {"description": "n", "type": "INT", "start": 0}}),
            json!({"array": [3, 1], "n": 2}),
        ))
        .unwrap();
        assert_eq!(c.argorithm_id, "bubblesort");
    }

    #[test]
    fn an_unknown_parameter_type_names_the_field() {
        let e = parse_config(&config(json!({"x": {"description": "", "type": "LIST"}}), json!({"x": 1}))).unwrap_err();
        assert!(e.contains("parameters.x.type"), "{e}");
    }

    #[test]
    fn an_example_that_does_not_fit_is_refused() {
        let e = parse_config(&config(
            json!({"n": {"description": "", "type": "INT", "end": 10}}),
            json!({"n": 11}),
        ))
        .unwrap_err();
        assert!(e.contains("example") && e.contains("at most 10"), "{e}");
    }

    #[test]
    fn an_id_starting_with_a_digit_is_refused() {
        let mut c: Value = serde_json::from_slice(&config(json!({}), json!({}))).unwrap();
        c["argorithmID"] = json!("9lives");
        assert!(parse_config(c.to_string().as_bytes()).unwrap_err().contains("argorithmID"));
    }

    #[test]
    fn a_size_must_refer_to_an_int_parameter() {
        let e = parse_config(&config(
            json!({"s": {"description": "", "type": "STRING", "size": "t"},
                   "t": {"description": "", "type": "STRING"}}),
            json!({"s": "ab", "t": "x"}),
        ))
        .unwrap_err();
        assert!(e.contains("not an INT parameter"), "{e}");
    }

    #[test]
    fn matrices_check_rows_columns_and_items() {
        let params = json!({"m": {"description": "", "type": "MATRIX", "item-type": "INT", "row": 2, "col": 2}});
        assert!(parameters_fit(&params, &json!({"m": [[1, 2], [3, 4]]})).is_ok());
        assert!(parameters_fit(&params, &json!({"m": [[1, 2], [3]]})).unwrap_err().contains("row 1"));
        assert!(parameters_fit(&params, &json!({"m": [[1, 2], [3, "x"]]})).unwrap_err().contains("element 1"));
    }

    #[test]
    fn missing_and_extra_parameters_do_not_fit() {
        let params = json!({"n": {"description": "", "type": "INT"}});
        assert!(parameters_fit(&params, &json!({})).unwrap_err().contains("missing"));
        assert!(parameters_fit(&params, &json!({"n": 1, "m": 2})).unwrap_err().contains("not a declared"));
        assert!(parameters_fit(&params, &json!({"n": 1.5})).unwrap_err().contains("integer"));
    }

    fn fits(parameters: Value, values: Value) -> bool {
        parameters_fit(&parameters, &values).is_ok()
    }

    #[test]
    fn an_int_at_its_start_fits_and_one_below_does_not() {
        let p = json!({"n": {"description": "", "type": "INT", "start": 1}});
        assert!(fits(p.clone(), json!({"n": 1})), "the first Fibonacci number");
        assert!(!fits(p, json!({"n": 0})));
    }

    #[test]
    fn an_int_at_its_end_fits_and_one_above_does_not() {
        let p = json!({"n": {"description": "", "type": "INT", "end": 10}});
        assert!(fits(p.clone(), json!({"n": 10})));
        assert!(!fits(p, json!({"n": 11})));
    }

    #[test]
    fn a_float_at_its_start_fits_and_just_below_does_not() {
        let p = json!({"x": {"description": "", "type": "FLOAT", "start": 0.5}});
        assert!(fits(p.clone(), json!({"x": 0.5})));
        assert!(!fits(p, json!({"x": 0.49})));
    }

    #[test]
    fn a_float_at_its_end_fits_and_just_above_does_not() {
        let p = json!({"x": {"description": "", "type": "FLOAT", "end": 2}});
        assert!(fits(p.clone(), json!({"x": 2})));
        assert!(fits(p.clone(), json!({"x": 2.0})));
        assert!(!fits(p, json!({"x": 2.01})));
    }

    #[test]
    fn a_size_naming_a_parameter_takes_its_value_negative_ones_included() {
        let p = json!({"a": {"description": "", "type": "ARRAY", "item-type": "INT", "size": "n"},
                       "n": {"description": "", "type": "INT"}});
        assert!(fits(p.clone(), json!({"a": [1, 2], "n": 2})));
        assert!(!fits(p.clone(), json!({"a": [1, 2], "n": 3})));
        assert!(!fits(p.clone(), json!({"a": [], "n": -1})), "no array has a negative length");
        let m = json!({"m": {"description": "", "type": "MATRIX", "item-type": "INT", "row": "r", "col": 2},
                       "r": {"description": "", "type": "INT"}});
        assert!(fits(m.clone(), json!({"m": [], "r": -2})), "the toolkit asks for range(-2) rows: none");
        assert!(!fits(m, json!({"m": [[1, 2]], "r": -2})));
    }
}
