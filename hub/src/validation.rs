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
