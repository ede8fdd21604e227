//! Integers in JSON bodies as JSON Schema defines them: any number without a fractional part.
//! `"type": "integer"` in the OpenAPI document accepts `284.0` (JSON has one number type), so
//! the server does too, instead of refusing what its own document allows; `284.5` is still
//! refused. Use with `#[serde(deserialize_with = ...)]`.

use serde::de::{Error, Unexpected};
use serde::{Deserialize, Deserializer};
use serde_json::Number;

fn to_i64<E: Error>(number: &Number) -> Result<i64, E> {
    if let Some(value) = number.as_i64() {
        return Ok(value);
    }
    if let Some(value) = number.as_u64() {
        return Err(E::invalid_value(
            Unexpected::Unsigned(value),
            &"an i64 integer",
        ));
    }
    let value = number.as_f64().unwrap_or(f64::NAN);
    // i64::MAX as f64 rounds up to 2^63, which is out of range: hence `<`.
    if value.fract() != 0.0 || !value.is_finite() {
        // The same words serde uses for a fraction where an integer is expected.
        Err(E::invalid_type(Unexpected::Float(value), &"i64"))
    } else if value >= i64::MIN as f64 && value < i64::MAX as f64 {
        #[expect(clippy::cast_possible_truncation, reason = "integral and in range")]
        Ok(value as i64)
    } else {
        Err(E::invalid_value(
            Unexpected::Float(value),
            &"an i64 integer",
        ))
    }
}

/// An `i64` written as any integral JSON number.
pub fn integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    to_i64(&Number::deserialize(deserializer)?)
}

/// An optional `i64` written as any integral JSON number (or `null`); use with
/// `#[serde(default)]` so an absent field is `None`.
pub fn optional_integer<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    Option::<Number>::deserialize(deserializer)?
        .map(|n| to_i64(&n))
        .transpose()
}

/// An optional list of `i64`s, each written as any integral JSON number (or `null` for the
/// whole list); use with `#[serde(default)]` so an absent field is `None`.
pub fn optional_integers<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<i64>>, D::Error> {
    Option::<Vec<Number>>::deserialize(deserializer)?
        .map(|list| list.iter().map(to_i64).collect())
        .transpose()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Body {
        #[serde(deserialize_with = "super::integer")]
        n: i64,
        #[serde(default, deserialize_with = "super::optional_integer")]
        o: Option<i64>,
    }

    fn parse(text: &str) -> Result<Body, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn integral_numbers_are_integers() {
        assert_eq!(
            parse(r#"{"n": 284.0, "o": 3}"#),
            Ok(Body { n: 284, o: Some(3) })
        );
        assert_eq!(
            parse(r#"{"n": -7, "o": null}"#),
            Ok(Body { n: -7, o: None })
        );
        assert_eq!(parse(r#"{"n": 1e3}"#), Ok(Body { n: 1000, o: None }));
    }

    #[test]
    fn fractions_strings_and_huge_numbers_are_not() {
        for text in [
            r#"{"n": 284.5}"#,
            r#"{"n": "284"}"#,
            r#"{"n": 1e300}"#,
            r#"{"n": 18446744073709551615}"#,
            r#"{"n": 1, "o": 0.5}"#,
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
    }
}
