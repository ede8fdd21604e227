//! `{NAME}` placeholders in a template's path, headers and body: finding them (to check a
//! template names only known ones) and replacing them (each value encoded for where it goes).

use std::collections::BTreeMap;

use serde_json::Value;

/// The `{NAME}` placeholders in a text.
pub(super) fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) if is_placeholder(&after[..end]) => {
                out.push(&after[..end]);
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

fn is_placeholder(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Replaces every known `{NAME}` with `encode(name, value)`; other braces stay.
pub(super) fn substitute(
    text: &str,
    values: &BTreeMap<String, String>,
    encode: impl Fn(&str, &str) -> String,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let known = after
            .find('}')
            .and_then(|end| values.get(&after[..end]).map(|v| (end, v)));
        match known {
            Some((end, value)) => {
                out.push_str(&encode(&after[..end], value));
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Substitutes in every string of a JSON body; escaping is serde_json's when it is sent.
pub(super) fn substitute_json(value: &Value, values: &BTreeMap<String, String>) -> Value {
    match value {
        Value::String(s) => Value::String(substitute(s, values, |_, v| v.to_owned())),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| substitute_json(v, values)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), substitute_json(v, values)))
                .collect(),
        ),
        other => other.clone(),
    }
}

pub(super) fn collect_strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}
