//! JSON objects only: serde's derived `Deserialize` of a struct also reads a JSON *array* of its
//! fields in order (`"settings": [null, 5]`), which the document (an `object`) does not allow and
//! no client means. Bodies and their nested structs go through [`object`] and friends, which ask
//! for a map, so that an array is refused as `malformed_request`. Field paths of errors inside
//! are kept (the map access is the caller's, path tracking included).

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// A `T` read from a JSON object only.
#[derive(Debug)]
pub struct Object<T>(pub T);

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor(PhantomData)).map(Object)
    }
}

/// `deserialize_with` of a struct field.
///
/// # Errors
/// When the value is not an object, or not a `T`.
pub fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<T, D::Error> {
    Object::deserialize(deserializer).map(|Object(t)| t)
}

/// `deserialize_with` of an optional struct field (with `#[serde(default)]`).
///
/// # Errors
/// When the value is neither null nor an object, or not a `T`.
pub fn optional_object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    Option::<Object<T>>::deserialize(deserializer).map(|o| o.map(|Object(t)| t))
}

/// `deserialize_with` of a list of structs.
///
/// # Errors
/// When the value is not an array of objects, each a `T`.
pub fn objects<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
    Vec::<Object<T>>::deserialize(deserializer).map(|items| items.into_iter().map(|Object(t)| t).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        a: Option<u8>,
        b: Option<u8>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        #[serde(default, deserialize_with = "optional_object")]
        one: Option<Inner>,
        #[serde(default, deserialize_with = "objects")]
        many: Vec<Inner>,
    }

    fn read(json: &str) -> Result<Outer, String> {
        let mut de = serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize::<_, Object<Outer>>(&mut de)
            .map(|Object(o)| o)
            .map_err(|e| format!("{} at {}", e.inner(), e.path()))
    }

    #[test]
    fn objects_are_read_and_arrays_in_their_place_refused() {
        let ok = read(r#"{"one": {"a": 1}, "many": [{"b": 2}]}"#).unwrap();
        assert_eq!(ok.one, Some(Inner { a: Some(1), b: None }));
        assert_eq!(ok.many, vec![Inner { a: None, b: Some(2) }]);
        assert!(read(r#"{"one": null}"#).unwrap().one.is_none());
        assert!(read("[null, []]").unwrap_err().contains("expected an object"));
        assert!(read(r#"{"one": [1, 2]}"#).unwrap_err().contains("expected an object"));
        assert!(read(r#"{"many": [[1, 2]]}"#).unwrap_err().contains("expected an object"));
        let nested = read(r#"{"many": [{"a": 1}, {"c": 1}]}"#).unwrap_err();
        assert!(nested.contains("unknown field `c`") && nested.ends_with("at many[1].c"), "{nested}");
    }
}
