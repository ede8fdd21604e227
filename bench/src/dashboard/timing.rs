//! Timing `GET /api/v1/dashboard` for `metrics-hub-bench dashboard`: every range uncached
//! (`Cache-Control: no-cache`), then one range cached, each after an untimed warm-up request.

use std::time::{Duration, Instant};

use serde_json::json;

use super::{DashboardArgs, EMAIL, PASSWORD};
use crate::BenchError;

/// p50 and p95 of one measurement, milliseconds.
pub(super) struct Timing {
    pub p50: f64,
    pub p95: f64,
}

/// The nearest-rank `q` quantile of `sorted` (NaN when empty).
fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Times the dashboard: every range uncached, then 7d cached.
pub(super) async fn measure(
    args: &DashboardArgs,
    base: &str,
) -> Result<Vec<(String, Timing)>, BenchError> {
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(60))
        .finish();
    let mut login = client
        .post(format!("{base}/api/v1/auth/login"))
        .send_json(&json!({"email": EMAIL, "password": PASSWORD}))
        .await
        .map_err(|e| BenchError::Run(format!("login: {e}")))?;
    let body: serde_json::Value = login
        .json()
        .await
        .map_err(|e| BenchError::Run(format!("login: {e}")))?;
    let token = body["accessToken"]
        .as_str()
        .ok_or_else(|| BenchError::Run(format!("login failed: {body}")))?
        .to_owned();
    let time = |range: &'static str, cached: bool| {
        let client = client.clone();
        let token = token.clone();
        let url = format!("{base}/api/v1/dashboard?range={range}");
        async move {
            let mut samples = Vec::with_capacity(args.requests);
            // One untimed request first: warms PostgreSQL's buffers (and fills the cache).
            for i in 0..=args.requests {
                let mut request = client.get(&url).bearer_auth(&token);
                if !cached {
                    request = request.insert_header(("Cache-Control", "no-cache"));
                }
                let started = Instant::now();
                let mut response = request
                    .send()
                    .await
                    .map_err(|e| BenchError::Run(format!("GET {url}: {e}")))?;
                let body = response
                    .body()
                    .limit(64 * 1024 * 1024)
                    .await
                    .map_err(|e| BenchError::Run(format!("GET {url}: {e}")))?;
                let elapsed = started.elapsed().as_secs_f64() * 1_000.0;
                if !response.status().is_success() {
                    return Err(BenchError::Run(format!(
                        "GET {url}: {} {}",
                        response.status(),
                        String::from_utf8_lossy(&body)
                    )));
                }
                let hit = response
                    .headers()
                    .get("x-cache")
                    .is_some_and(|v| v.as_bytes() == b"hit");
                if cached && i > 0 && !hit {
                    return Err(BenchError::Run(format!("GET {url}: expected a cache hit")));
                }
                if i > 0 {
                    samples.push(elapsed);
                }
            }
            samples.sort_by(f64::total_cmp);
            Ok::<Timing, BenchError>(Timing {
                p50: percentile(&samples, 0.50),
                p95: percentile(&samples, 0.95),
            })
        }
    };
    let mut rows = Vec::new();
    for range in ["24h", "7d", "1m", "3m"] {
        rows.push((
            format!("/dashboard?range={range} uncached"),
            time(range, false).await?,
        ));
    }
    rows.push((
        "/dashboard?range=7d cached".to_owned(),
        time("7d", true).await?,
    ));
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_are_nearest_rank() {
        let sorted: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&sorted, 0.50), 10.0);
        assert_eq!(percentile(&sorted, 0.95), 19.0);
        assert_eq!(percentile(&sorted[..1], 0.95), 1.0);
        assert!(percentile(&[], 0.5).is_nan());
    }
}
