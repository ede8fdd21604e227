//! The file formats of an export (CSV, a JSON array, NDJSON), written a page at a time: the one
//! place both the HTTP export and `metrics-hub export` encode calls and daily records, so a file
//! from either is the same byte for byte. A kind of row says how it is written
//! ([`ExportRow`]); [`encode_page`] joins rows into documents.

use hub::units::{ms_to_minutes, nanos_to_usd};
use persistence::postgres::queries::daily_records::DailyRecord;
use persistence::postgres::queries::runs::Run;
use protocol::runs::DailyRecordView;
use utoipa::ToSchema;

use crate::routes::runs::run_view;

/// A kind of exported row: its CSV header and line, and its JSON object.
pub trait ExportRow {
    /// The CSV header line (with its newline).
    const CSV_HEADER: &'static str;
    /// The row as one CSV line (with its newline); client text through [`csv_field`].
    fn csv_line(&self) -> String;
    /// The row as the API shows it.
    fn json(&self) -> String;
}

/// Encoding of an export (the `format` parameter; its parsing and its schema in one place).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ToSchema, clap::ValueEnum)]
#[schema(as = ExportFormat, rename_all = "lowercase")]
pub enum Format {
    /// A header line, then one line per call.
    Csv,
    /// One JSON array of calls.
    Json,
    /// One JSON object per line.
    #[value(name = "ndjson")]
    NdJson,
}

impl Format {
    /// The `format` parameter (default CSV), or a problem naming it.
    pub fn parse(text: Option<&str>) -> Result<Self, hub::ValidationErrors> {
        match text {
            None | Some("csv") => Ok(Self::Csv),
            Some("json") => Ok(Self::Json),
            Some("ndjson") => Ok(Self::NdJson),
            Some(other) => Err(hub::ValidationErrors::single(
                "format",
                format!("{other:?} is not one of \"csv\", \"json\", \"ndjson\""),
            )),
        }
    }

    /// The media type of an export in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
            Self::NdJson => "application/x-ndjson",
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
            Self::NdJson => "ndjson",
        }
    }
}

/// One CSV cell of client-supplied text: quoted when needed, and defused when a spreadsheet
/// would read it as a formula (a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'`
/// in front, as OWASP recommends), so an export is safe to open.
fn csv_field(value: Option<&str>) -> String {
    let Some(value) = value else {
        return String::new();
    };
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

impl ExportRow for Run {
    const CSV_HEADER: &'static str = "id,assistant_id,ts,model,status,status_code,latency_ms,duration_ms,tokens_in,tokens_out,cost_usd,country,domain,metadata\n";

    fn csv_line(&self) -> String {
        let run = self;
        let opt = |v: Option<String>| v.unwrap_or_default();
        format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            run.id,
            run.assistant_id,
            run.ts.to_rfc3339(),
            csv_field(run.model.as_deref()),
            csv_field(run.status.as_deref()),
            opt(run.status_code.map(|c| c.to_string())),
            opt(run.latency_ms.map(|c| c.to_string())),
            run.duration_ms,
            run.tokens_in,
            run.tokens_out,
            nanos_to_usd(run.cost_nanos),
            csv_field(run.country.as_deref()),
            csv_field(run.domain.as_deref()),
            csv_field(run.metadata.as_ref().map(ToString::to_string).as_deref()),
        )
    }

    fn json(&self) -> String {
        serde_json::to_string(&run_view(self.clone())).unwrap_or_default()
    }
}

/// A stored daily record as the API shows it (US dollars, minutes, the average derived).
pub fn daily_record_view(r: &DailyRecord) -> DailyRecordView {
    let total_cost = nanos_to_usd(r.cost_nanos);
    DailyRecordView {
        id: r.id,
        assistant_id: r.assistant_id,
        date: r.ts.date_naive(),
        call_count: r.calls,
        total_minutes: ms_to_minutes(r.duration_ms),
        total_cost,
        avg_call_cost: if r.calls > 0 {
            total_cost / r.calls as f64
        } else {
            0.0
        },
        client_id: r.client_id.clone(),
    }
}

impl ExportRow for DailyRecord {
    const CSV_HEADER: &'static str =
        "id,assistant_id,date,call_count,total_minutes,total_cost_usd,avg_call_cost_usd,client_id\n";

    fn csv_line(&self) -> String {
        let v = daily_record_view(self);
        format!(
            "{},{},{},{},{},{},{},{}\n",
            v.id,
            v.assistant_id,
            v.date,
            v.call_count,
            v.total_minutes,
            v.total_cost,
            v.avg_call_cost,
            csv_field(v.client_id.as_deref()),
        )
    }

    fn json(&self) -> String {
        serde_json::to_string(&daily_record_view(self)).unwrap_or_default()
    }
}

/// The text of one page of rows; `first` says whether nothing was written before it, `last`
/// whether the export ends with it. Pages joined in order make one valid document.
pub fn encode_page<R: ExportRow>(format: Format, page: &[R], first: bool, last: bool) -> String {
    let mut out = String::new();
    if first {
        out.push_str(match format {
            Format::Csv => R::CSV_HEADER,
            Format::Json => "[",
            Format::NdJson => "",
        });
    }
    for (i, run) in page.iter().enumerate() {
        match format {
            Format::Csv => out.push_str(&run.csv_line()),
            Format::Json | Format::NdJson => {
                if format == Format::Json && !(first && i == 0) {
                    out.push(',');
                }
                out.push_str(&run.json());
                if format == Format::NdJson {
                    out.push('\n');
                }
            }
        }
    }
    if last && format == Format::Json {
        out.push(']');
    }
    out
}

/// What an export that fails midway writes before the connection is cut (see docs/streaming.md):
/// a CSV gets a last line starting with `#`, NDJSON a last object with `error`; a JSON array is
/// left unclosed, so every parser rejects it.
pub fn failure_trailer(format: Format) -> &'static str {
    match format {
        Format::Csv => "#error: the export stopped early; this file is incomplete\n",
        Format::NdJson => "{\"error\":\"the export stopped early; this file is incomplete\"}\n",
        Format::Json => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn run(id: i64, model: &str) -> Run {
        Run {
            id,
            assistant_id: 1,
            ts: DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default(),
            model: Some(model.to_owned()),
            status: Some("success".to_owned()),
            status_code: Some(200),
            latency_ms: Some(120),
            duration_ms: 1000,
            tokens_in: 10,
            tokens_out: 5,
            cost_nanos: 1_500_000_000,
            country: None,
            domain: Some("support".to_owned()),
            metadata: None,
            session_id: None,
            ..Run::default()
        }
    }

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_as_formulas_are_defused() {
        for formula in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"] {
            let cell = csv_field(Some(formula));
            let unquoted = cell.trim_start_matches('"');
            assert!(unquoted.starts_with('\''), "{formula:?} became {cell:?}");
        }
        assert_eq!(
            csv_field(Some("=HYPERLINK(\"x\")")),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(csv_field(Some("gpt-4o")), "gpt-4o");
        assert_eq!(csv_field(Some("a,b")), "\"a,b\"");
        assert_eq!(csv_field(None), "");
    }

    #[test]
    fn pages_join_into_one_valid_document_in_every_format() {
        let pages = [vec![run(1, "a"), run(2, "b")], vec![run(3, "c")]];
        let text = |format| {
            encode_page(format, &pages[0], true, false)
                + &encode_page(format, &pages[1], false, true)
        };
        let json: Vec<serde_json::Value> =
            serde_json::from_str(&text(Format::Json)).unwrap_or_default();
        assert_eq!(json.len(), 3);
        let ndjson = text(Format::NdJson);
        let lines: Vec<&str> = ndjson.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines
            .iter()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
        let csv = text(Format::Csv);
        assert_eq!(csv.lines().count(), 4);
        assert!(csv.starts_with("id,assistant_id"));
        assert_eq!(encode_page::<Run>(Format::Json, &[], true, true), "[]");
    }

    #[test]
    fn an_export_cut_short_can_be_told_from_a_complete_one() {
        let head = encode_page(Format::Json, &[run(1, "a")], true, false);
        let cut = head + failure_trailer(Format::Json);
        assert!(serde_json::from_str::<serde_json::Value>(&cut).is_err());
        assert!(failure_trailer(Format::Csv).starts_with('#'));
        let last = failure_trailer(Format::NdJson);
        let value: serde_json::Value = serde_json::from_str(last).unwrap_or_default();
        assert!(value.get("error").is_some());
    }
}
