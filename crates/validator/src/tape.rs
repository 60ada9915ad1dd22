//! A flat, borrowed JSON document for validating bodies with `jsonschema`'s custom
//! representation support (`jsonschema::options_for`).
//!
//! Bodies are parsed by `serde_json` (same grammar, same recursion limit, same error messages as
//! `serde_json::Value`), but into one vector of items instead of a tree of maps: strings without
//! escapes borrow from the body text, objects are runs of key/value items, numbers are
//! `serde_json::Number`s. That skips the per-object hash maps and most per-string allocations
//! of `Value`, which is where the time of parsing a body into `Value` goes. Validation semantics
//! are those of `serde_json::Value` (the numbers are the same type; the differential test holds
//! both representations to the same verdicts).

use std::borrow::Cow;
use std::fmt;

use jsonschema::json::{Array, Json, Node, NodeIdentity, Object};
use jsonschema::types::JsonType;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// One item of a document. Containers record how many children they have and the index just
/// past their last descendant.
#[derive(Debug, Clone, PartialEq)]
pub enum Item<'s> {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as `serde_json` reads it.
    Num(Number),
    /// A string value.
    Str(Cow<'s, str>),
    /// An object member's name; its value follows.
    Key(Cow<'s, str>),
    /// An array of `len` elements ending before `end`.
    Array {
        /// Elements.
        len: usize,
        /// Index past the last descendant.
        end: usize,
    },
    /// An object of `len` members ending before `end`.
    Object {
        /// Members.
        len: usize,
        /// Index past the last descendant.
        end: usize,
    },
}

/// A parsed document; item 0 is the root.
#[derive(Debug, Clone, Default)]
pub struct Tape<'s> {
    items: Vec<Item<'s>>,
}

impl<'s> Tape<'s> {
    /// Parses JSON text.
    pub fn parse(text: &'s str) -> Result<Self, serde_json::Error> {
        let mut items = Vec::with_capacity(text.len() / 16 + 4);
        let mut de = serde_json::Deserializer::from_str(text);
        Build { items: &mut items }.deserialize(&mut de)?;
        de.end()?;
        Ok(Self { items })
    }

    /// Parses JSON bytes (UTF-8 is checked inside strings by the parser, and any other byte
    /// outside ASCII is a syntax error).
    pub fn parse_slice(bytes: &'s [u8]) -> Result<Self, serde_json::Error> {
        let mut items = Vec::with_capacity(bytes.len() / 16 + 4);
        let mut de = serde_json::Deserializer::from_slice(bytes);
        Build { items: &mut items }.deserialize(&mut de)?;
        de.end()?;
        Ok(Self { items })
    }

    /// The root value.
    pub fn root(&self) -> TapeNode<'_> {
        TapeNode {
            items: &self.items,
            at: 0,
        }
    }
}

struct Build<'t, 's> {
    items: &'t mut Vec<Item<'s>>,
}

impl<'de> DeserializeSeed<'de> for Build<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Build<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.items.push(Item::Bool(v));
        Ok(())
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.items.push(Item::Num(v.into()));
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.items.push(Item::Num(v.into()));
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.items
            .push(Number::from_f64(v).map_or(Item::Null, Item::Num));
        Ok(())
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<(), E> {
        self.items.push(Item::Str(Cow::Borrowed(v)));
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.items.push(Item::Str(Cow::Owned(v.to_owned())));
        Ok(())
    }
    fn visit_string<E>(self, v: String) -> Result<(), E> {
        self.items.push(Item::Str(Cow::Owned(v)));
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.items.push(Item::Null);
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        self.items.push(Item::Null);
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let at = self.items.len();
        self.items.push(Item::Array { len: 0, end: 0 });
        let mut len = 0;
        while seq
            .next_element_seed(Build {
                items: &mut *self.items,
            })?
            .is_some()
        {
            len += 1;
        }
        let end = self.items.len();
        self.items[at] = Item::Array { len, end };
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let at = self.items.len();
        self.items.push(Item::Object { len: 0, end: 0 });
        let mut len = 0;
        while map
            .next_key_seed(KeySeed {
                items: &mut *self.items,
            })?
            .is_some()
        {
            map.next_value_seed(Build {
                items: &mut *self.items,
            })?;
            len += 1;
        }
        let end = self.items.len();
        self.items[at] = Item::Object { len, end };
        Ok(())
    }
}

struct KeySeed<'t, 's> {
    items: &'t mut Vec<Item<'s>>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<(), E> {
        self.items.push(Item::Key(Cow::Borrowed(v)));
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.items.push(Item::Key(Cow::Owned(v.to_owned())));
        Ok(())
    }
    fn visit_string<E>(self, v: String) -> Result<(), E> {
        self.items.push(Item::Key(Cow::Owned(v)));
        Ok(())
    }
}

/// The representation, for `jsonschema::options_for::<TapeJson>()`.
pub struct TapeJson;

/// A value of a [`Tape`]: the items and an index. Copying it is free.
#[derive(Debug, Clone, Copy)]
pub struct TapeNode<'a> {
    items: &'a [Item<'a>],
    at: usize,
}

fn end_of(items: &[Item<'_>], at: usize) -> usize {
    match items[at] {
        Item::Array { end, .. } | Item::Object { end, .. } => end,
        _ => at + 1,
    }
}

impl<'a> TapeNode<'a> {
    fn item(&self) -> &'a Item<'a> {
        &self.items[self.at]
    }

    /// The member `name` of an object.
    pub fn get(&self, name: &str) -> Option<TapeNode<'a>> {
        self.as_object().and_then(|o| o.find(name))
    }

    /// An integer that fits `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self.item() {
            Item::Num(n) => n.as_i64(),
            _ => None,
        }
    }

    /// The number of elements of an array.
    pub fn array_len(&self) -> Option<usize> {
        match self.item() {
            Item::Array { len, .. } => Some(*len),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn null(&self) -> bool {
        matches!(self.item(), Item::Null)
    }

    /// The value as a `serde_json::Value` (for reports: builds a copy).
    pub fn value(&self) -> Value {
        match self.item() {
            Item::Null | Item::Key(_) => Value::Null,
            Item::Bool(b) => Value::Bool(*b),
            Item::Num(n) => Value::Number(n.clone()),
            Item::Str(s) => Value::String(s.to_string()),
            Item::Array { .. } => {
                Value::Array(TapeArray(*self).elements().map(|e| e.value()).collect())
            }
            Item::Object { .. } => {
                let mut map = Map::new();
                for (name, node) in TapeObject(*self).members() {
                    map.insert(name.to_string(), node.value());
                }
                Value::Object(map)
            }
        }
    }
}

/// An object node.
#[derive(Debug, Clone, Copy)]
pub struct TapeObject<'a>(TapeNode<'a>);

impl<'a> TapeObject<'a> {
    fn find(&self, name: &str) -> Option<TapeNode<'a>> {
        self.members().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

/// An array node.
#[derive(Debug, Clone, Copy)]
pub struct TapeArray<'a>(TapeNode<'a>);

/// Members of an object, in document order.
pub struct Members<'a> {
    items: &'a [Item<'a>],
    next: usize,
    end: usize,
}

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, TapeNode<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        let name = match &self.items[self.next] {
            Item::Key(k) => k.as_ref(),
            _ => return None,
        };
        let value = self.next + 1;
        self.next = end_of(self.items, value);
        Some((
            name,
            TapeNode {
                items: self.items,
                at: value,
            },
        ))
    }
}

/// Elements of an array, in order.
pub struct Elements<'a> {
    items: &'a [Item<'a>],
    next: usize,
    end: usize,
}

impl<'a> Iterator for Elements<'a> {
    type Item = TapeNode<'a>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        let at = self.next;
        self.next = end_of(self.items, at);
        Some(TapeNode {
            items: self.items,
            at,
        })
    }
}

impl Json for TapeJson {
    type Node<'a> = TapeNode<'a>;
    type PreparedKey = String;
    type StringBuffer = Vec<Item<'static>>;

    // A lookup scans the members, so a members pass is never the slower choice.
    const KEYS_PER_LOOKUP: usize = usize::MAX;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(
        buffer: &mut Vec<Item<'static>>,
        string: &str,
        f: impl FnOnce(TapeNode<'_>) -> T,
    ) -> T {
        buffer.clear();
        buffer.push(Item::Str(Cow::Owned(string.to_owned())));
        f(TapeNode {
            items: buffer,
            at: 0,
        })
    }
}

impl<'a> Node<'a, TapeJson> for TapeNode<'a> {
    type Object = TapeObject<'a>;
    type Array = TapeArray<'a>;
    type Number = &'a Number;

    fn as_object(&self) -> Option<TapeObject<'a>> {
        matches!(self.item(), Item::Object { .. }).then_some(TapeObject(*self))
    }
    fn as_array(&self) -> Option<TapeArray<'a>> {
        matches!(self.item(), Item::Array { .. }).then_some(TapeArray(*self))
    }
    fn as_string(&self) -> Option<Cow<'a, str>> {
        match self.item() {
            Item::Str(s) => Some(Cow::Borrowed(s.as_ref())),
            _ => None,
        }
    }
    fn as_number(&self) -> Option<&'a Number> {
        match self.item() {
            Item::Num(n) => Some(n),
            _ => None,
        }
    }
    fn as_boolean(&self) -> Option<bool> {
        match self.item() {
            Item::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn is_null(&self) -> bool {
        self.null()
    }
    fn json_type(&self) -> JsonType {
        match self.item() {
            Item::Null | Item::Key(_) => JsonType::Null,
            Item::Bool(_) => JsonType::Boolean,
            Item::Num(_) => JsonType::Number,
            Item::Str(_) => JsonType::String,
            Item::Array { .. } => JsonType::Array,
            Item::Object { .. } => JsonType::Object,
        }
    }
    fn equals_value(&self, expected: &Value) -> bool {
        match (self.item(), expected) {
            (Item::Str(s), Value::String(e)) => s == e,
            (Item::Str(_), _) | (_, Value::String(_)) => false,
            (Item::Null, Value::Null) => true,
            (Item::Bool(a), Value::Bool(b)) => a == b,
            _ => jsonschema::json::cmp::equal(&self.value(), expected),
        }
    }
    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(self.value())
    }
    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::tagged(
            self.items.as_ptr() as usize,
            u32::try_from(self.at).unwrap_or(u32::MAX),
        ))
    }
}

impl<'a> Object<'a, TapeJson> for TapeObject<'a> {
    type Node = TapeNode<'a>;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        match self.0.item() {
            Item::Object { len, .. } => *len,
            _ => 0,
        }
    }
    fn get(&self, key: &String) -> Option<TapeNode<'a>> {
        self.find(key)
    }
    fn members(&self) -> Members<'a> {
        Members {
            items: self.0.items,
            next: self.0.at + 1,
            end: end_of(self.0.items, self.0.at),
        }
    }
}

impl<'a> Array<'a, TapeJson> for TapeArray<'a> {
    type Node = TapeNode<'a>;
    type ElementsIter = Elements<'a>;

    fn len(&self) -> usize {
        self.0.array_len().unwrap_or(0)
    }
    fn elements(&self) -> Elements<'a> {
        Elements {
            items: self.0.items,
            next: self.0.at + 1,
            end: end_of(self.0.items, self.0.at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_through_value() {
        let text = r#"{"a": [1, -2, 3.5, "x\"y", null, true, {"b": {}}], "c": "", "d\n": []}"#;
        let tape = Tape::parse(text).unwrap();
        let expected: Value = serde_json::from_str(text).unwrap();
        assert_eq!(tape.root().value(), expected);
        assert_eq!(tape.root().get("a").and_then(|a| a.array_len()), Some(7));
        assert!(tape.root().get("zz").is_none());
    }

    #[test]
    fn errors_are_serde_json_errors() {
        assert!(
            Tape::parse("{\"a\": 1} x")
                .unwrap_err()
                .to_string()
                .contains("trailing")
        );
        assert!(
            Tape::parse(&"[".repeat(1000))
                .unwrap_err()
                .to_string()
                .contains("recursion limit")
        );
    }

    #[test]
    fn validates_like_serde_json() {
        let schema = json!({"type": "object", "properties": {"n": {"type": "integer", "minimum": 0}, "e": {"enum": ["A", 1]}}, "additionalProperties": false});
        let tape_validator = jsonschema::options_for::<TapeJson>()
            .build(&schema)
            .unwrap();
        let value_validator = jsonschema::validator_for(&schema).unwrap();
        for text in [
            r#"{"n": 1}"#,
            r#"{"n": 1.0}"#,
            r#"{"n": -1}"#,
            r#"{"n": "1"}"#,
            r#"{"e": "A"}"#,
            r#"{"e": 1.0}"#,
            r#"{"e": "B"}"#,
            r#"{"x": 1}"#,
            "[]",
        ] {
            let tape = Tape::parse(text).unwrap();
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                tape_validator.is_valid(tape.root()),
                value_validator.is_valid(&value),
                "{text}"
            );
            let a: Vec<String> = tape_validator
                .iter_errors(tape.root())
                .map(|e| format!("{} {}", e.instance_path(), e.masked()))
                .collect();
            let b: Vec<String> = value_validator
                .iter_errors(&value)
                .map(|e| format!("{} {}", e.instance_path(), e.masked()))
                .collect();
            assert_eq!(a, b, "{text}");
        }
    }
}
