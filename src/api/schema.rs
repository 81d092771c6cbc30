//! Types whose schemas say what the handlers enforce, while the handlers, not the parser, do
//! the enforcing: so a bad value gets the handler's own answer (a 422 naming the rule, for an
//! email or a password; a 400 naming the field, for a config) instead of a generic parse error.
use poem::web::Field as PoemField;
use poem_openapi::registry::{MetaSchema, MetaSchemaRef, Registry};
use poem_openapi::types::multipart::Upload;
use poem_openapi::types::{ParseError, ParseFromJSON, ParseFromMultipartField, ParseResult, ToJSON, Type};
use poem_openapi::Object;
use serde_json::Value;
use std::borrow::Cow;

/// A string documented with constraints it is not parsed against.
macro_rules! documented_string {
    ($name:ident, $doc:literal, $schema:expr) => {
        #[doc = $doc]
        #[derive(Debug, Clone, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl Type for $name {
            const IS_REQUIRED: bool = true;
            type RawValueType = String;
            type RawElementValueType = String;

            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }

            fn schema_ref() -> MetaSchemaRef {
                MetaSchemaRef::Inline(Box::new($schema))
            }

            fn as_raw_value(&self) -> Option<&String> {
                Some(&self.0)
            }

            fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a String> + 'a> {
                Box::new(std::iter::once(&self.0))
            }
        }

        impl ParseFromJSON for $name {
            fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
                match value {
                    Some(Value::String(s)) => Ok($name(s)),
                    _ => Err(ParseError::expected_type(Value::Null)),
                }
            }
        }

        impl ToJSON for $name {
            fn to_json(&self) -> Option<Value> {
                Some(Value::String(self.0.clone()))
            }
        }
    };
}

documented_string!(
    EmailAddress,
    "An email address: checked (a dot in its domain, at most 254 bytes, no spaces) and lower-cased; 422 otherwise.",
    MetaSchema {
        format: Some("email"),
        max_length: Some(254),
        description: Some("An email address (lower-cased; a domain with a dot; at most 254 bytes)."),
        ..MetaSchema::new("string")
    }
);

documented_string!(
    Password,
    "A password of at least 8 characters and at most 72 bytes (bcrypt reads no more); 422 otherwise.",
    MetaSchema {
        min_length: Some(8),
        max_length: Some(72),
        description: Some("At least 8 characters and at most 72 bytes of UTF-8 (bcrypt reads no more): up to 72 ASCII characters, fewer of others."),
        ..MetaSchema::new("string")
    }
);

/// One declared parameter of an ARgorithm, as the toolkit's config schema has it.
#[derive(Object)]
#[oai(rename = "ParameterDeclaration")]
pub struct ParameterDoc {
    description: String,
    /// `INT`, `FLOAT`, `STRING`, `ARRAY` or `MATRIX`.
    #[oai(rename = "type")]
    ty: String,
    /// INT and FLOAT: the exclusive lower bound.
    start: Option<f64>,
    /// INT and FLOAT: the exclusive upper bound.
    end: Option<f64>,
    /// STRING and ARRAY: a length, or the name of an INT parameter that gives it.
    size: Option<Value>,
    /// ARRAY and MATRIX: the items' type (`INT`, `FLOAT`, `STRING`).
    #[oai(rename = "item-type")]
    item_type: Option<String>,
    /// MATRIX: rows, or the name of an INT parameter.
    row: Option<Value>,
    /// MATRIX: columns, or the name of an INT parameter.
    col: Option<Value>,
}

/// The config uploaded beside a program (the `data` part), parsed and checked by the handler.
#[derive(Object)]
#[oai(rename = "ArgorithmConfig")]
pub struct ConfigDoc {
    /// Letters, digits and underscores, not starting with a digit, at most 64 characters.
    #[oai(rename = "argorithmID")]
    argorithm_id: String,
    /// The uploaded file's name: `NAME.wasm` or `NAME.py` (at most 128 bytes).
    file: String,
    /// The entry function (`run` in legacy configs).
    function: String,
    /// At most 4 KiB.
    description: String,
    /// At most 32 declarations, 16 KiB of JSON.
    parameters: std::collections::BTreeMap<String, ParameterDoc>,
    /// A value for each declared parameter that fits it (at most 64 KiB of JSON).
    example: Value,
}

/// The `data` part: a config's JSON, documented as `ArgorithmConfig`, read as bytes.
pub struct ConfigPart(pub Upload);

impl Type for ConfigPart {
    const IS_REQUIRED: bool = true;
    type RawValueType = ();
    type RawElementValueType = ();

    fn name() -> Cow<'static, str> {
        ConfigDoc::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        ConfigDoc::schema_ref()
    }

    fn register(registry: &mut Registry) {
        ConfigDoc::register(registry);
    }

    fn as_raw_value(&self) -> Option<&()> {
        None
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a ()> + 'a> {
        Box::new(std::iter::empty())
    }
}

impl ParseFromMultipartField for ConfigPart {
    async fn parse_from_multipart(field: Option<PoemField>) -> ParseResult<Self> {
        Upload::parse_from_multipart(field).await.map(ConfigPart).map_err(ParseError::propagate)
    }
}
