//! Plotting helpers for the examples: line and scatter charts, side-by-side
//! panels and two-class decision regions, written as SVG with `plotters`.
//!
//! Pictures go to `target/plots/<example>/` (under `CARGO_TARGET_DIR` when it
//! is set).

use std::error::Error;
use std::ops::Range;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

pub use plotters::chart::SeriesLabelPosition as LegendAt;
pub use plotters::style::RGBColor;

/// What drawing a picture can fail with.
pub type PlotResult = Result<(), Box<dyn Error>>;

/// Ten distinguishable colours (matplotlib's "tab10").
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Colour `i` of [`PALETTE`], cycling.
pub fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// `target/plots/<example>/` (or `$CARGO_TARGET_DIR/plots/<example>/`),
/// created if needed.
pub fn plot_dir(example: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("plots").join(example);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mark {
    /// A polyline through the points in order.
    Line,
    /// Small filled dots.
    Dots,
    /// Large crosses, for a few highlighted points.
    Crosses,
}

/// One series of a chart.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend text; empty for no legend entry.
    pub label: String,
    /// The points, in data units.
    pub points: Vec<(f64, f64)>,
    /// How to draw them.
    pub mark: Mark,
    /// Their colour.
    pub color: RGBColor,
    /// Line width or dot radius in pixels.
    pub size: u32,
}

impl Series {
    fn new(label: &str, points: impl IntoIterator<Item = (f32, f32)>, mark: Mark) -> Self {
        let size = match mark {
            Mark::Line => 2,
            Mark::Dots => 3,
            Mark::Crosses => 7,
        };
        Series {
            label: label.to_string(),
            points: points
                .into_iter()
                .map(|(x, y)| (f64::from(x), f64::from(y)))
                .collect(),
            mark,
            color: color(0),
            size,
        }
    }

    /// A line through `points` in order.
    pub fn line(label: &str, points: impl IntoIterator<Item = (f32, f32)>) -> Self {
        Self::new(label, points, Mark::Line)
    }

    /// A scatter of small dots.
    pub fn dots(label: &str, points: impl IntoIterator<Item = (f32, f32)>) -> Self {
        Self::new(label, points, Mark::Dots)
    }

    /// A few large crosses.
    pub fn crosses(label: &str, points: impl IntoIterator<Item = (f32, f32)>) -> Self {
        Self::new(label, points, Mark::Crosses)
    }

    /// The same series in another colour.
    pub fn color(mut self, color: RGBColor) -> Self {
        self.color = color;
        self
    }

    /// The same series with another line width or dot radius.
    pub fn size(mut self, size: u32) -> Self {
        self.size = size;
        self
    }
}

/// Title, axis names and scale of a chart.
#[derive(Debug, Clone)]
pub struct Axes {
    /// Caption above the chart.
    pub title: String,
    /// Name of the x axis.
    pub x_label: String,
    /// Name of the y axis.
    pub y_label: String,
    /// A logarithmic y axis (for losses spanning decades).
    pub log_y: bool,
    /// Where the legend goes.
    pub legend: LegendAt,
}

impl Axes {
    /// Linear axes.
    pub fn new(title: &str, x_label: &str, y_label: &str) -> Self {
        Axes {
            title: title.to_string(),
            x_label: x_label.to_string(),
            y_label: y_label.to_string(),
            log_y: false,
            legend: LegendAt::UpperLeft,
        }
    }

    /// The same axes with the legend elsewhere.
    pub fn legend(mut self, at: LegendAt) -> Self {
        self.legend = at;
        self
    }

    /// The same axes with a logarithmic y axis.
    pub fn log_y(mut self) -> Self {
        self.log_y = true;
        self
    }
}

/// One chart of `series` in an 800 × 560 SVG at `path`.
pub fn xy_chart(path: &Path, axes: &Axes, series: &[Series]) -> PlotResult {
    let root = SVGBackend::new(path, (800, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    draw_xy(&root, axes, series)?;
    root.present()?;
    Ok(())
}

/// Charts side by side in one SVG at `path`, each 560 × 480.
pub fn xy_panels(path: &Path, panels: &[(Axes, Vec<Series>)]) -> PlotResult {
    let width = 560 * panels.len().max(1) as u32;
    let root = SVGBackend::new(path, (width, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    for (area, (axes, series)) in root.split_evenly((1, panels.len())).iter().zip(panels) {
        draw_xy(area, axes, series)?;
    }
    root.present()?;
    Ok(())
}

/// The bounding box of every point, padded by 5 % (and made non-empty).
fn bounds(series: &[Series], log_y: bool) -> (Range<f64>, Range<f64>) {
    let points = series.iter().flat_map(|s| &s.points);
    let points = points.filter(|(x, y)| x.is_finite() && y.is_finite() && (!log_y || *y > 0.0));
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in points {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    if x0 > x1 {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.1, 1.0);
    }
    let pad = |lo: f64, hi: f64| {
        let d = if hi > lo { 0.05 * (hi - lo) } else { 0.5 };
        (lo - d)..(hi + d)
    };
    let y = if log_y {
        (y0 / 1.5)..(y1 * 1.5)
    } else {
        pad(y0, y1)
    };
    (pad(x0, x1), y)
}

fn draw_xy<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    axes: &Axes,
    series: &[Series],
) -> PlotResult
where
    DB::ErrorType: 'static,
{
    let (x, y) = bounds(series, axes.log_y);
    if axes.log_y {
        draw_in(area, axes, series, x, y.log_scale())
    } else {
        draw_in(area, axes, series, x, y)
    }
}

fn draw_in<DB: DrawingBackend, Y>(
    area: &DrawingArea<DB, Shift>,
    axes: &Axes,
    series: &[Series],
    x: Range<f64>,
    y: Y,
) -> PlotResult
where
    DB::ErrorType: 'static,
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let mut chart = ChartBuilder::on(area)
        .caption(&axes.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x, y)?;
    chart
        .configure_mesh()
        .x_desc(axes.x_label.as_str())
        .y_desc(axes.y_label.as_str())
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    let mut legend = false;
    for s in series {
        let (c, size) = (s.color, s.size);
        let points = s.points.iter().copied();
        let drawn = match s.mark {
            Mark::Line => chart.draw_series(LineSeries::new(points, c.stroke_width(size)))?,
            Mark::Dots => chart.draw_series(points.map(|p| Circle::new(p, size, c.filled())))?,
            Mark::Crosses => {
                chart.draw_series(points.map(|p| Cross::new(p, size as i32, c.stroke_width(3))))?
            }
        };
        if !s.label.is_empty() {
            legend = true;
            let mark = s.mark;
            drawn
                .label(s.label.as_str())
                .legend(move |(x, y)| match mark {
                    Mark::Line => {
                        PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(size)).into_dyn()
                    }
                    Mark::Dots => Circle::new((x + 9, y), 4, c.filled()).into_dyn(),
                    Mark::Crosses => Cross::new((x + 9, y), 5, c.stroke_width(2)).into_dyn(),
                });
        }
    }
    if legend {
        chart
            .configure_series_labels()
            .position(axes.legend.clone())
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .draw()?;
    }
    Ok(())
}

/// A tick label: no "-0.0", no trailing zeros past what the value needs.
fn tick(v: f64) -> String {
    let v = if v.abs() < 1e-9 { 0.0 } else { v };
    let text = format!("{v:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

/// A classifier's regions over a rectangle of the plane, with the samples
/// on top; class `k` is drawn in [`color`]`(k)`.
pub struct Regions<'a> {
    /// Caption above the panel.
    pub title: String,
    /// Names of the two axes.
    pub labels: (String, String),
    /// The x range shown.
    pub x: Range<f32>,
    /// The y range shown.
    pub y: Range<f32>,
    /// The class the classifier gives a point.
    pub classify: &'a dyn Fn(f32, f32) -> usize,
    /// Samples and their classes.
    pub samples: &'a [([f32; 2], usize)],
    /// Extra series drawn on top (a boundary line, say).
    pub extra: Vec<Series>,
}

/// Decision-region panels side by side in one SVG at `path`, each 520 × 480.
/// Regions are evaluated on a 160 × 160 grid; runs of one class along a row
/// become one rectangle, so the file stays small.
pub fn decision_regions(path: &Path, panels: &[Regions<'_>]) -> PlotResult {
    let width = 520 * panels.len().max(1) as u32;
    let root = SVGBackend::new(path, (width, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    for (area, panel) in root.split_evenly((1, panels.len())).iter().zip(panels) {
        draw_regions(area, panel)?;
    }
    root.present()?;
    Ok(())
}

fn draw_regions<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, r: &Regions<'_>) -> PlotResult
where
    DB::ErrorType: 'static,
{
    let (x, y) = (r.x.clone(), r.y.clone());
    let xr = f64::from(x.start)..f64::from(x.end);
    let yr = f64::from(y.start)..f64::from(y.end);
    let mut chart = ChartBuilder::on(area)
        .caption(&r.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(xr, yr)?;
    chart
        .configure_mesh()
        .x_desc(r.labels.0.as_str())
        .y_desc(r.labels.1.as_str())
        .disable_mesh()
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| tick(*v))
        .draw()?;
    const GRID: usize = 160;
    let dx = (x.end - x.start) / GRID as f32;
    let dy = (y.end - y.start) / GRID as f32;
    let mut cells = Vec::new();
    for row in 0..GRID {
        let (y0, y1) = (y.start + row as f32 * dy, y.start + (row + 1) as f32 * dy);
        let yc = y0 + 0.5 * dy;
        let mut start = 0;
        let mut class = (r.classify)(x.start + 0.5 * dx, yc);
        for col in 1..=GRID {
            let next = (col < GRID).then(|| (r.classify)(x.start + (col as f32 + 0.5) * dx, yc));
            if next != Some(class) {
                let (x0, x1) = (x.start + start as f32 * dx, x.start + col as f32 * dx);
                cells.push(([(x0, y0), (x1, y1)], class));
                start = col;
                class = next.unwrap_or(class);
            }
        }
    }
    chart.draw_series(cells.iter().map(|&([(x0, y0), (x1, y1)], class)| {
        let corners = [
            (f64::from(x0), f64::from(y0)),
            (f64::from(x1), f64::from(y1)),
        ];
        Rectangle::new(corners, color(class).mix(0.22).filled())
    }))?;
    let mut classes: Vec<usize> = r.samples.iter().map(|s| s.1).collect();
    classes.sort_unstable();
    classes.dedup();
    for class in classes {
        let c = color(class);
        let points = r.samples.iter().filter(|s| s.1 == class);
        chart.draw_series(points.map(|(p, _)| {
            let p = (f64::from(p[0]), f64::from(p[1]));
            Circle::new(p, 5, c.filled())
        }))?;
        let points = r.samples.iter().filter(|s| s.1 == class);
        chart.draw_series(points.map(|(p, _)| {
            let p = (f64::from(p[0]), f64::from(p[1]));
            Circle::new(p, 5, BLACK.mix(0.6).stroke_width(1))
        }))?;
    }
    for s in &r.extra {
        let points = s.points.iter().copied();
        chart.draw_series(LineSeries::new(points, s.color.stroke_width(s.size)))?;
    }
    Ok(())
}
