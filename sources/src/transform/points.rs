//! What a transformer's outputs must be: point objects `{timestamp, value, dimensions?}` or
//! arrays of them. Each output is checked as it comes (so a runaway program meets the point
//! limit early), and the whole set once more at the end (no two points at one time, since the
//! store keys points by source and time).

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use jaq_json::{Num, Val};
use serde_json::{Map, Value};

use super::TransformError;

/// One point of a source's series.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub timestamp: DateTime<Utc>,
    pub value: f64,
    /// Extra numbers or labels next to the value.
    pub dimensions: Map<String, Value>,
}

impl Point {
    pub fn view(&self) -> protocol::sources::PointView {
        protocol::sources::PointView {
            timestamp: self.timestamp,
            value: self.value,
            dimensions: self.dimensions.clone(),
        }
    }

    /// The point as the program could have output it (timestamps in RFC 3339), e.g. for a
    /// transformer's output example.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert(
            "timestamp".into(),
            Value::String(self.timestamp.to_rfc3339()),
        );
        map.insert("value".into(), number(self.value));
        map.insert("dimensions".into(), Value::Object(self.dimensions.clone()));
        Value::Object(map)
    }
}

fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// Checks one output (`index` counts outputs from 0) and appends its points.
pub(crate) fn collect(
    output: &Val,
    index: usize,
    max_points: usize,
    out: &mut Vec<Point>,
) -> Result<(), TransformError> {
    let invalid = |reason: String| TransformError::InvalidOutput { index, reason };
    if let Val::Arr(items) = output {
        if out.len().saturating_add(items.len()) > max_points {
            return Err(TransformError::TooManyPoints(max_points));
        }
    }
    let value = to_json(output).map_err(invalid)?;
    let pushed = match value {
        Value::Array(items) => items
            .iter()
            .try_for_each(|item| push(item, max_points, out)),
        other => push(&other, max_points, out),
    };
    pushed.map_err(|reason| {
        if reason == TOO_MANY {
            TransformError::TooManyPoints(max_points)
        } else {
            invalid(reason)
        }
    })
}

const TOO_MANY: &str = "too many points";

/// What a point costs of the output budget: its dimensions as JSON and a fixed 64 bytes (its
/// time and value, as stored and sent).
pub(crate) fn size(point: &Point) -> usize {
    let dimensions = serde_json::to_vec(&point.dimensions).map_or(usize::MAX, |v| v.len());
    dimensions.saturating_add(64)
}

fn push(value: &Value, max_points: usize, out: &mut Vec<Point>) -> Result<(), String> {
    if out.len() >= max_points {
        return Err(TOO_MANY.into());
    }
    out.push(point(value)?);
    Ok(())
}

/// One point object.
pub(crate) fn point(value: &Value) -> Result<Point, String> {
    let Value::Object(map) = value else {
        return Err(format!(
            "expected an object {{timestamp, value, dimensions}}, got {}",
            short(value)
        ));
    };
    if let Some(key) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "timestamp" | "value" | "dimensions"))
    {
        return Err(format!(
            "unknown key {key:?} (extra values go in \"dimensions\")"
        ));
    }
    let timestamp = match map.get("timestamp") {
        Some(t) => timestamp(t)?,
        None => return Err("\"timestamp\" is missing".into()),
    };
    let value = match map.get("value") {
        Some(Value::Number(n)) => n.as_f64().filter(|x| x.is_finite()),
        Some(other) => return Err(format!("\"value\" must be a number, got {}", short(other))),
        None => return Err("\"value\" is missing".into()),
    }
    .ok_or("\"value\" is not a finite number")?;
    let dimensions = match map.get("dimensions") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(d)) => d.clone(),
        Some(other) => {
            return Err(format!(
                "\"dimensions\" must be an object, got {}",
                short(other)
            ))
        }
    };
    Ok(Point {
        timestamp,
        value,
        dimensions,
    })
}

/// RFC 3339, a date (midnight UTC), a date and time without offset (UTC), or unix seconds.
fn timestamp(value: &Value) -> Result<DateTime<Utc>, String> {
    let parsed = match value {
        Value::String(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .ok()
            .or_else(|| {
                NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                    .ok()
                    .map(|t| t.and_utc())
            })
            .or_else(|| {
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|t| t.and_utc())
            }),
        Value::Number(n) => n.as_f64().and_then(|secs| {
            // Unix seconds from 1970 to 9999 (milliseconds would land far beyond).
            if !(0.0..=253_402_300_799.0).contains(&secs) {
                return None;
            }
            let whole = secs.trunc();
            let nanos = ((secs - whole) * 1e9).round().clamp(0.0, 999_999_999.0);
            Utc.timestamp_opt(whole as i64, nanos as u32).single()
        }),
        _ => None,
    };
    parsed.ok_or_else(|| {
        format!(
            "\"timestamp\" must be an RFC 3339 time or unix seconds, got {}",
            short(value)
        )
    })
}

/// The whole set: sorted by time, one point per time.
pub(crate) fn finish(mut points: Vec<Point>) -> Result<Vec<Point>, TransformError> {
    points.sort_by_key(|p| p.timestamp);
    if let Some(pair) = points.windows(2).find(|w| w[0].timestamp == w[1].timestamp) {
        return Err(TransformError::DuplicateTimestamp(pair[0].timestamp));
    }
    Ok(points)
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

/// A jaq value as JSON; NaN and infinities are refused rather than turned into null.
pub(crate) fn to_json(v: &Val) -> Result<Value, String> {
    Ok(match v {
        Val::Null => Value::Null,
        Val::Bool(b) => Value::Bool(*b),
        Val::Num(n) => num(n)?,
        Val::TStr(b) | Val::BStr(b) => Value::String(String::from_utf8_lossy(b).into_owned()),
        Val::Arr(items) => Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        Val::Obj(map) => {
            let mut out = Map::new();
            for (k, v) in map.iter() {
                let key = match k {
                    Val::TStr(b) | Val::BStr(b) => String::from_utf8_lossy(b).into_owned(),
                    other => return Err(format!("an object key is not a string: {other}")),
                };
                out.insert(key, to_json(v)?);
            }
            Value::Object(out)
        }
    })
}

fn num(n: &Num) -> Result<Value, String> {
    let float = match n {
        Num::Int(i) => return Ok(Value::from(*i as i64)),
        Num::Float(f) => *f,
        Num::BigInt(_) | Num::Dec(_) => n.to_string().parse::<f64>().unwrap_or(f64::NAN),
    };
    if let Num::Dec(text) = n {
        if let Ok(parsed) = serde_json::from_str::<Value>(text) {
            return Ok(parsed);
        }
    }
    serde_json::Number::from_f64(float)
        .map(Value::Number)
        .ok_or_else(|| "the output contains NaN or an infinite number".to_owned())
}
