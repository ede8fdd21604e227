//! Validation failures as data: which field is wrong and why, in words a client can show.

use std::fmt;

/// One rejected field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The field's name as the client sent it (camelCase).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// Every problem found in one input; never empty when returned as an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct ValidationErrors {
    errors: Vec<FieldError>,
}

impl ValidationErrors {
    /// Records that `field` is invalid.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// A single-field failure.
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }

    /// Records every failure of `other` too.
    pub fn extend(&mut self, other: ValidationErrors) {
        self.errors.extend(other.errors);
    }

    /// Records that `field` is invalid unless `value` has 1 to `max_chars` characters and no
    /// control characters: the one rule for names, labels and client ids.
    pub fn check_text(&mut self, field: &str, value: &str, max_chars: usize) {
        let chars = value.chars().count();
        if chars == 0 || chars > max_chars || value.chars().any(char::is_control) {
            self.add(
                field,
                format!("must be 1 to {max_chars} characters without control characters"),
            );
        }
    }

    /// Records that `field` is invalid if any key or string inside `value` holds U+0000, which
    /// PostgreSQL cannot store (in `text` or `jsonb`); the message names where it is.
    pub fn check_json_text(&mut self, field: &str, value: &serde_json::Value) {
        if let Some(path) = nul_path(value, String::new()) {
            let at = if path.is_empty() {
                "the value".to_owned()
            } else {
                path
            };
            self.add(
                field,
                format!("{at} contains U+0000, which cannot be stored"),
            );
        }
    }

    /// The recorded failures, in the order they were found.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// `Ok(value)` when nothing was recorded, the failures otherwise.
    pub fn into_result<T>(self, value: T) -> Result<T, Self> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// The JSON path (`.key`, `[3]`) of the first key or string holding U+0000, if any.
fn nul_path(value: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(text) => text.contains('\0').then_some(path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_path(item, format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            if key.contains('\0') {
                Some(format!("{path} key {key:?}"))
            } else {
                nul_path(item, format!("{path}.{key}"))
            }
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for error in &self.errors {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            write!(f, "{}: {}", error.field, error.message)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn messages(value: &serde_json::Value) -> Vec<String> {
        let mut errors = ValidationErrors::default();
        errors.check_json_text("metadata", value);
        errors.errors().iter().map(|e| e.message.clone()).collect()
    }

    #[test]
    fn a_nul_anywhere_in_json_is_found_and_located() {
        assert!(messages(&json!({"a": "fine\u{1}", "b": [1, "x"], "c": null})).is_empty());
        assert_eq!(
            messages(&json!({"a": {"b": ["ok", "bad\0"]}})),
            vec![".a.b[1] contains U+0000, which cannot be stored"]
        );
        assert_eq!(messages(&json!({"k\0": 1})).len(), 1);
        assert_eq!(messages(&json!("\0")).len(), 1);
    }

    #[test]
    fn text_with_control_characters_is_rejected() {
        let mut errors = ValidationErrors::default();
        errors.check_text("name", "ok name", 10);
        assert!(errors.errors().is_empty());
        errors.check_text("name", "nul\0", 10);
        errors.check_text("name", "", 10);
        assert_eq!(errors.errors().len(), 2);
    }
}
