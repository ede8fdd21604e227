//! Progress bars on the terminal, one per phase, so a long run shows where it is.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar for `total` units of one phase, labelled `what`.
pub fn bar(total: usize, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{msg:<28} [{bar:40}] {pos}/{len} {per_sec} ({elapsed})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
