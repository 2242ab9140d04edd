//! Percentiles of repeated runs, and the process's peak memory.

use std::time::Duration;

use serde::Serialize;

/// One timed operation: its runs' median, 95th percentile and maximum.
#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    pub runs: usize,
    pub median_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn summarise(mut times: Vec<f64>) -> Timing {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times.get(((times.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
    Timing { runs: times.len(), median_ms: at(0.5), p95_ms: at(0.95), max_ms: at(1.0) }
}

/// The process's peak resident memory so far (Linux: `VmHWM`), in MiB.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Starts a new peak (Linux: writing 5 to `clear_refs` resets `VmHWM`), so the encrypted
/// and the plain run each get their own figure.
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[cfg(test)]
mod tests {
    use super::summarise;

    #[test]
    fn percentiles_pick_the_nearest_rank() {
        let t = summarise((1..=20).rev().map(f64::from).collect());
        assert_eq!((t.runs, t.median_ms, t.p95_ms, t.max_ms), (20, 11.0, 19.0, 20.0));
    }
}
