//! What the harness's bench targets share: quick mode, memory readings from
//! /proc and a small line chart written as SVG by hand (no plotting tools).

#![allow(dead_code)] // each bench target uses its own part of this module

use std::fmt::Write;
use std::path::{Path, PathBuf};

/// `LIGERITO_BENCH_QUICK=1`: fewer sizes, runs and seconds, for a whole run
/// in under a minute.
pub fn quick() -> bool {
    std::env::var_os("LIGERITO_BENCH_QUICK").is_some()
}

/// The sizes to run: `LIGERITO_BENCH_SIZES` (comma-separated), else `quick`
/// in quick mode, else `full`.
pub fn sizes(quick_sizes: &[u32], full: &[u32]) -> Vec<u32> {
    match std::env::var("LIGERITO_BENCH_SIZES") {
        Ok(list) => list
            .split(',')
            .map(|n| {
                n.trim()
                    .parse()
                    .expect("LIGERITO_BENCH_SIZES: comma-separated sizes")
            })
            .collect(),
        Err(_) if quick() => quick_sizes.to_vec(),
        Err(_) => full.to_vec(),
    }
}

/// Where a plot goes: docs/ for a full run, the temp dir for a quick one or
/// one of chosen sizes, so that partial figures never replace the documented
/// ones.
pub fn plot_path(name: &str) -> PathBuf {
    if quick() || std::env::var_os("LIGERITO_BENCH_SIZES").is_some() {
        std::env::temp_dir().join(name)
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../docs")
            .join(name)
    }
}

/// A field of /proc/self/status in KiB (`VmRSS`, `VmHWM`), where Linux has it.
pub fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

/// Resets `VmHWM` to the current RSS (Linux 4.0 and later), so the next
/// reading is the peak of what follows rather than of the whole process.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

pub fn median(sorted: &[f64]) -> f64 {
    percentile(sorted, 50.0)
}

/// Nearest-rank percentile of sorted samples.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

pub struct Chart<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    /// Ticks on the x axis: position and label.
    pub x_ticks: Vec<(f64, String)>,
    pub log_y: bool,
    pub series: Vec<Series>,
}

const COLOURS: [&str; 4] = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
// Canvas and margins, in pixels; the right margin holds the legend.
const W: f64 = 720.0;
const H: f64 = 420.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 170.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 60.0;

impl Chart<'_> {
    pub fn to_svg(&self) -> String {
        let points = self.series.iter().flat_map(|s| s.points.iter());
        let (xs, ys): (Vec<f64>, Vec<f64>) = points.filter(|p| p.1 > 0.0).copied().unzip();
        let (x0, x1) = bounds(&xs);
        let scale_y = |y: f64| if self.log_y { y.log10() } else { y };
        let (y0, y1) = if self.log_y {
            let (lo, hi) = bounds(&ys);
            (
                lo.log10().floor(),
                hi.log10().ceil().max(lo.log10().floor() + 1.0),
            )
        } else {
            (0.0, nice_ceiling(bounds(&ys).1))
        };
        let px = |x: f64| LEFT + (x - x0) / (x1 - x0).max(f64::EPSILON) * (W - LEFT - RIGHT);
        let py = |y: f64| H - BOTTOM - (scale_y(y) - y0) / (y1 - y0) * (H - TOP - BOTTOM);

        let mut svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{}" y="22" text-anchor="middle" font-size="15">{}</text>
<text x="{}" y="{}" text-anchor="middle">{}</text>
<text transform="translate(18 {}) rotate(-90)" text-anchor="middle">{}</text>
"#,
            (LEFT + W - RIGHT) / 2.0,
            escape(self.title),
            (LEFT + W - RIGHT) / 2.0,
            H - 15.0,
            escape(self.x_label),
            (TOP + H - BOTTOM) / 2.0,
            escape(self.y_label),
        );
        let y_ticks: Vec<f64> = if self.log_y {
            (y0 as i32..=y1 as i32).map(|e| 10f64.powi(e)).collect()
        } else {
            (0..=5).map(|i| y1 * i as f64 / 5.0).collect()
        };
        for y in y_ticks {
            let (right, at, label_x) = (W - RIGHT, py(y), LEFT - 6.0);
            let _ = writeln!(
                svg,
                r##"<line x1="{LEFT}" x2="{right}" y1="{at:.1}" y2="{at:.1}" stroke="#ddd"/><text x="{label_x}" y="{:.1}" text-anchor="end">{}</text>"##,
                at + 4.0,
                tick_label(y),
            );
        }
        for (x, label) in &self.x_ticks {
            let _ = writeln!(
                svg,
                r##"<line x1="{0:.1}" x2="{0:.1}" y1="{TOP}" y2="{1}" stroke="#eee"/><text x="{0:.1}" y="{2}" text-anchor="middle">{3}</text>"##,
                px(*x),
                H - BOTTOM,
                H - BOTTOM + 18.0,
                escape(label),
            );
        }
        let _ = writeln!(
            svg,
            r#"<rect x="{LEFT}" y="{TOP}" width="{}" height="{}" fill="none" stroke="black"/>"#,
            W - LEFT - RIGHT,
            H - TOP - BOTTOM,
        );
        for (i, series) in self.series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            let path: Vec<String> = series
                .points
                .iter()
                .filter(|p| p.1 > 0.0)
                .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
                .collect();
            let _ = writeln!(
                svg,
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
                path.join(" ")
            );
            for point in &path {
                let (x, y) = point.split_once(',').expect("x,y");
                let _ = writeln!(svg, r#"<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>"#);
            }
            let ly = TOP + 10.0 + 20.0 * i as f64;
            let _ = writeln!(
                svg,
                r#"<line x1="{0}" x2="{1}" y1="{ly}" y2="{ly}" stroke="{colour}" stroke-width="2"/><text x="{2}" y="{3}">{4}</text>"#,
                W - RIGHT + 10.0,
                W - RIGHT + 30.0,
                W - RIGHT + 36.0,
                ly + 4.0,
                escape(&series.name),
            );
        }
        svg.push_str("</svg>\n");
        svg
    }

    /// Writes the chart to `plot_path(name)` and says where.
    pub fn write(&self, name: &str) {
        let path = plot_path(name);
        std::fs::write(&path, self.to_svg()).expect("write the plot");
        eprintln!("plot: {}", path.display());
    }
}

fn bounds(values: &[f64]) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if lo.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    }
}

/// The smallest 1, 2 or 5 times a power of ten at or above `y`.
fn nice_ceiling(y: f64) -> f64 {
    if y <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(y.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&c| c >= y)
        .unwrap_or(10.0 * power)
}

fn tick_label(y: f64) -> String {
    if y >= 1.0 || y == 0.0 {
        format!("{y}")
    } else {
        format!("{y:.3}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .into()
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
