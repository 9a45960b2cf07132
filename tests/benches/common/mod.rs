//! What the harness's bench targets share: quick mode, memory readings from
//! /proc and a small line chart drawn as SVG with plotters.

#![allow(dead_code)] // each bench target uses its own part of this module

use std::ops::Range;
use std::path::{Path, PathBuf};

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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

/// One line of a [`Chart`], its points as (x, y); points with y of 0 or
/// less are left out.
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// A line chart: one line per series, a dot on each point, the legend on
/// the right.
pub struct Chart<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    /// Ticks on the x axis: position and label.
    pub x_ticks: Vec<(f64, String)>,
    pub log_y: bool,
    pub series: Vec<Series>,
}

/// matplotlib's first four colours, as the charts had before plotters.
const COLOURS: [RGBColor; 4] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0x94, 0x67, 0xbd),
];
const SIZE: (u32, u32) = (760, 420);
/// The strip on the right that holds the legend: plotters draws its own
/// legend inside the plot, over the lines.
const LEGEND: u32 = 200;
/// plotters' SVG backend writes a font's size divided by 1.24.
const TITLE_FONT: f64 = 15.0 * 1.24;
const FONT: f64 = 12.0 * 1.24;

impl Chart<'_> {
    /// Writes the chart to `plot_path(name)` and says where.
    pub fn write(&self, name: &str) {
        let path = plot_path(name);
        let (xs, ys): (Vec<f64>, Vec<f64>) = self.points().flat_map(|(_, p)| p).unzip();
        let x_ticks: Vec<f64> = self.x_ticks.iter().map(|t| t.0).collect();
        let (x0, x1) = bounds(xs.iter().chain(&x_ticks));
        let x = Ticked {
            axis: RangedCoordf64::from(x0..x1),
            ticks: x_ticks,
        };
        let (y0, y1) = bounds(&ys);
        let drawn = if self.log_y {
            let lo = y0.log10().floor() as i32;
            let hi = (y1.log10().ceil() as i32).max(lo + 1);
            let y = Ticked {
                axis: LogCoord::from((10f64.powi(lo)..10f64.powi(hi)).log_scale()),
                ticks: (lo..=hi).map(|e| 10f64.powi(e)).collect(),
            };
            self.draw(&path, x, y)
        } else {
            self.draw(&path, x, RangedCoordf64::from(0.0..y1 * 1.1))
        };
        drawn.expect("draw the plot");
        eprintln!("plot: {}", path.display());
    }

    fn draw<X, Y>(&self, path: &Path, x: X, y: Y) -> Result<(), Box<dyn std::error::Error>>
    where
        X: Ranged<ValueType = f64> + ValueFormatter<f64>,
        Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        let root = SVGBackend::new(path, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let (plot, legend) = root.split_horizontally(SIZE.0 - LEGEND);
        let mut chart = ChartBuilder::on(&plot)
            .caption(self.title, ("sans-serif", TITLE_FONT))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(x, y)?;
        let x_label = |x: &f64| {
            let tick = self.x_ticks.iter().find(|t| t.0 == *x);
            tick.map_or_else(String::new, |t| t.1.clone())
        };
        chart
            .configure_mesh()
            .x_desc(self.x_label)
            .y_desc(self.y_label)
            .x_label_formatter(&x_label)
            .y_label_formatter(&|y| tick_label(*y))
            .y_labels(6)
            .label_style(("sans-serif", FONT))
            .axis_desc_style(("sans-serif", FONT))
            .light_line_style(TRANSPARENT)
            .draw()?;
        let font = TextStyle::from(("sans-serif", FONT).into_font());
        let font = font.pos(Pos::new(HPos::Left, VPos::Center));
        for (i, (colour, (name, points))) in COLOURS.iter().cycle().zip(self.points()).enumerate() {
            let style = colour.filled().stroke_width(2);
            chart.draw_series(LineSeries::new(points, style).point_size(3))?;
            let y = 40 + 20 * i as i32;
            legend.draw(&PathElement::new([(0, y), (20, y)], style))?;
            legend.draw(&Text::new(name, (26, y), &font))?;
        }
        root.present()?;
        Ok(())
    }

    /// Each series' name and the points that can be drawn.
    fn points(&self) -> impl Iterator<Item = (&str, Vec<(f64, f64)>)> {
        self.series.iter().map(|s| {
            let points = s.points.iter().filter(|p| p.1 > 0.0).copied().collect();
            (s.name.as_str(), points)
        })
    }
}

/// An axis with ticks where the chart says. plotters' own
/// `with_key_points` has no `ValueFormatter`, which a mesh needs (0.3.7).
struct Ticked<A> {
    axis: A,
    ticks: Vec<f64>,
}

impl<A: Ranged<ValueType = f64>> Ranged for Ticked<A> {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.axis.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, _: Hint) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> Range<f64> {
        self.axis.range()
    }
}

fn bounds<'a>(values: impl IntoIterator<Item = &'a f64>) -> (f64, f64) {
    let (lo, hi) = values
        .into_iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if lo.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    }
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
