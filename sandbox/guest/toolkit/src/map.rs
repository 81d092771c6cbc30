use crate::emit::{json, next_id, py_str, py_truthy, Def, StateSet};
use crate::{Error, Result};
use serde::Serialize;

/// A key-value map (`map_*` states). The body keeps insertion order and shows every key as a
/// string, as the Python toolkit's JSON encoding of a dict does.
pub struct Map<K, V> {
    id: String,
    name: String,
    entries: Vec<(K, V)>,
}

impl<K: Serialize + Clone + PartialEq, V: Serialize + Clone> Map<K, V> {
    pub fn new(name: &str, _algo: &StateSet, comments: &str) -> Self {
        let m = Map { id: next_id(), name: name.to_owned(), entries: Vec::new() };
        m.def().emit("map_declare", comments);
        m
    }

    fn def(&self) -> Def {
        // Written by hand: serde_json's map would sort the keys; the app expects insertion order.
        Def::new(&self.id, &self.name).with("body", |out| {
            out.push('{');
            for (i, (k, v)) in self.entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json(out, &py_str(k));
                out.push(':');
                json(out, v);
            }
            out.push('}');
        })
    }

    fn position(&self, key: &K) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k == key)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.position(key).is_some()
    }

    /// Python's `m[key] = value`.
    pub fn insert(&mut self, key: K, value: V) {
        self.set(key, value, "");
    }

    /// Sets `key` to `value` (`map_set`; `last_value` is `"none"` for a new key).
    pub fn set(&mut self, key: K, value: V, comments: &str) {
        let last = match self.position(&key) {
            Some(i) => Some(std::mem::replace(&mut self.entries[i].1, value.clone())),
            None => {
                self.entries.push((key.clone(), value.clone()));
                None
            }
        };
        let def = self.def().field("key", &key).field("value", &value);
        match last {
            Some(last) => def.field("last_value", &last),
            None => def.field("last_value", "none"),
        }
        .emit("map_set", comments);
    }

    /// Python's `m[key]`: the value, or an error for a missing key.
    pub fn get(&self, key: &K) -> Result<V> {
        let i = self.position(key).ok_or_else(|| Error(format!("key {} not found", py_str(key))))?;
        let value = self.entries[i].1.clone();
        self.def().field("key", key).field("value", &value).emit("map_get", "");
        Ok(value)
    }

    /// Python's `m.get(key, default)`.
    pub fn get_or(&self, key: &K, default: V) -> V {
        match self.position(key) {
            Some(_) => self.get(key).expect("present"),
            None => {
                // "efaulted" is the Python toolkit's spelling; clients display it as it is.
                let comments = format!("key not found. value efaulted to {}", py_str(&default));
                // 0.2.3 shows a falsy default (None, 0, False, "", an empty list) as "none".
                if py_truthy(&default) {
                    self.def().field("key", key).field("value", &default).emit("map_get", &comments);
                } else {
                    self.def().field("key", key).field("value", "none").emit("map_get", &comments);
                }
                default
            }
        }
    }

    /// Removes `key` (`map_remove`); a missing key is shown, not an error.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        match self.position(key) {
            Some(i) => {
                let (_, value) = self.entries.remove(i);
                self.def().field("key", key).field("value", &value).emit("map_remove", "");
                Some(value)
            }
            None => {
                self.def()
                    .field("key", key)
                    .field("value", "none")
                    .emit("map_remove", "key not found, nothing removed.");
                None
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::Map;
    use crate::emit::{take_emitted, StateSet};

    fn value_of_last_get() -> serde_json::Value {
        let states = take_emitted();
        let last: serde_json::Value = serde_json::from_str(states.last().unwrap()).unwrap();
        assert_eq!(last["state_type"], "map_get");
        last["state_def"]["value"].clone()
    }

    #[test]
    fn a_missing_key_shows_a_falsy_default_as_none_as_the_python_toolkit_does() {
        let algo = StateSet::new();
        let m: Map<String, i64> = Map::new("m", &algo, "");
        assert_eq!(m.get_or(&"x".to_owned(), 0), 0);
        assert_eq!(value_of_last_get(), "none");
        assert_eq!(m.get_or(&"x".to_owned(), -1), -1);
        assert_eq!(value_of_last_get(), -1);
        let s: Map<String, String> = Map::new("s", &algo, "");
        s.get_or(&"x".to_owned(), String::new());
        assert_eq!(value_of_last_get(), "none");
        let b: Map<String, bool> = Map::new("b", &algo, "");
        b.get_or(&"x".to_owned(), false);
        assert_eq!(value_of_last_get(), "none");
        b.get_or(&"x".to_owned(), true);
        assert_eq!(value_of_last_get(), true);
        let o: Map<String, Option<i64>> = Map::new("o", &algo, "");
        o.get_or(&"x".to_owned(), None);
        assert_eq!(value_of_last_get(), "none");
    }
}
