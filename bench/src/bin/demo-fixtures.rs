//! `metrics-hub-demo-fixtures [ADDR]`: serves the GitHub stand-in of
//! [`metrics_hub_bench::fixtures`] on ADDR (default 127.0.0.1:9871) until stopped.

use std::net::SocketAddr;
use std::process::ExitCode;

const DEFAULT_ADDR: &str = "127.0.0.1:9871";

#[actix_rt::main]
async fn main() -> ExitCode {
    let _telemetry = web::telemetry::init();
    let text = std::env::args()
        .nth(1)
        .unwrap_or_else(|| DEFAULT_ADDR.to_owned());
    let addr: SocketAddr = match text.parse() {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!(
                "metrics-hub-demo-fixtures: {text:?} is not an address such as {DEFAULT_ADDR}: {e}"
            );
            return ExitCode::from(2);
        }
    };
    match metrics_hub_bench::fixtures::serve(addr).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("metrics-hub-demo-fixtures: {e}");
            ExitCode::FAILURE
        }
    }
}
