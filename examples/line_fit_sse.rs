//! Fitting a line by gradient descent on the sum of squared errors
//! `E = ½ Σ (y − ŷ)²`, the "linear regression from scratch" lesson.
//!
//! 200 points on `y = 3x` with Gaussian noise (σ = 0.1), `x` uniform in
//! [0, 2), all drawn from a fixed seed. The model `ŷ = w x + b` starts from a
//! deliberately bad slope (`w` uniform in [−3, −2], `b = 0`); the error is
//! summed, not averaged, over the points, so the learning rate is small
//! (0.001). 300 full-batch epochs bring the slope to 3.
//!
//! Run: `cargo run --release --example line_fit_sse`

#[path = "common/mod.rs"]
mod common;

use stacknet::init::{standard_normal, uniform01};
use stacknet::prelude::*;
use stacknet::{LinearFit, Params};

use common::lesson;
use common::plot::{self, Axes, Series};

/// `ŷ = w x + b`.
pub type Net = (Dense<1, 1>, Identity<1>);

/// Settings of the lesson.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Number of points.
    pub points: usize,
    /// Standard deviation of the noise.
    pub noise: f32,
    /// Learning rate.
    pub learning_rate: f32,
    /// Full-batch epochs.
    pub epochs: u32,
    /// Keep the line every this many epochs.
    pub snapshot_every: u32,
    /// Seed of the data and of the start.
    pub seed: u64,
}

/// The lesson's settings.
pub const LESSON: Settings = Settings {
    points: 200,
    noise: 0.1,
    learning_rate: 0.001,
    epochs: 300,
    snapshot_every: 20,
    seed: 42,
};

/// What the lesson shows.
pub struct Results {
    /// The points.
    pub x: Vec<[f32; 1]>,
    /// Their targets.
    pub y: Vec<[f32; 1]>,
    /// (w, b) at the start.
    pub start: (f32, f32),
    /// SSE before each epoch's step.
    pub sse: Vec<f32>,
    /// (epoch, w, b) every `snapshot_every` epochs, and after the last.
    pub lines: Vec<(u32, f32, f32)>,
    /// The trained model.
    pub net: Net,
    /// SSE after training.
    pub final_sse: f32,
    /// The least-squares line.
    pub normal: LinearFit<1>,
}

/// `n` points on `y = 3x + N(0, noise²)`, `x` uniform in [0, 2).
pub fn make_data(n: usize, noise: f32, rng: &mut XorShiftRng) -> (Vec<[f32; 1]>, Vec<[f32; 1]>) {
    let x: Vec<[f32; 1]> = (0..n).map(|_| [2.0 * uniform01(rng)]).collect();
    let y = x
        .iter()
        .map(|x| [3.0 * x[0] + noise * standard_normal(rng)])
        .collect();
    (x, y)
}

/// Runs the lesson with `s`.
pub fn run(s: &Settings) -> Results {
    let mut rng = XorShiftRng::seed_from_u64(s.seed);
    let (x, y) = make_data(s.points, s.noise, &mut rng);
    let data = Dataset::new(&x, &y).expect("finite data");
    let mut net = Net::random(
        Init::Uniform {
            low: -3.0,
            high: -2.0,
        },
        &mut rng,
    );
    let line = |net: &Net| (net.0.weights[0][0], net.0.biases[0]);
    let start = line(&net);
    let mut trainer = Trainer::new(Sgd::default(), SumSquaredError);
    let mut sse = Vec::new();
    let mut lines = Vec::new();
    for epoch in 0..s.epochs {
        if epoch % s.snapshot_every == 0 {
            let (w, b) = line(&net);
            lines.push((epoch, w, b));
        }
        let loss = trainer
            .step_all(&mut net, &data, s.learning_rate)
            .expect("finite step");
        sse.push(loss);
    }
    let (w, b) = line(&net);
    lines.push((s.epochs, w, b));
    let all: Vec<u32> = (0..x.len() as u32).collect();
    let final_sse = trainer.evaluate(&net, &data, &all).expect("rows in range");
    let targets: Vec<f32> = y.iter().map(|t| t[0]).collect();
    let normal = LinearFit::fit_normal_equation(&x, &targets).expect("non-singular");
    Results {
        x,
        y,
        start,
        sse,
        lines,
        net,
        final_sse,
        normal,
    }
}

fn main() {
    let r = run(&LESSON);
    println!(
        "{} points on y = 3x + N(0, {}²); start: w = {:.4}, b = {:.4}",
        LESSON.points, LESSON.noise, r.start.0, r.start.1
    );
    for &(epoch, w, b) in &r.lines {
        let sse = r.sse.get(epoch as usize).copied().unwrap_or(r.final_sse);
        println!("epoch {epoch:>3}: w = {w:>8.4}, b = {b:>8.4}, SSE = {sse:>10.4}");
    }
    let (w, b) = (r.net.0.weights[0][0], r.net.0.biases[0]);
    println!(
        "least squares: w = {:.4}, b = {:.4}",
        r.normal.weights[0], r.normal.intercept
    );
    println!(
        "parameters: {} ({} bytes)",
        Net::NUM_PARAMS,
        core::mem::size_of::<Net>()
    );

    let dir = plot::plot_dir("line_fit_sse");
    let lines_path = dir.join("lines.svg");
    let mut series = vec![
        Series::dots("data", r.x.iter().zip(&r.y).map(|(x, y)| (x[0], y[0])))
            .color(plot::color(7))
            .size(2),
    ];
    let last = r.lines.len() - 1;
    for (i, &(epoch, w, b)) in r.lines.iter().enumerate() {
        let label = if i == 0 || i == last {
            format!("epoch {epoch}")
        } else {
            String::new()
        };
        // from red (start) to blue (end)
        let t = i as f32 / last as f32;
        let c = plot::RGBColor(
            (214.0 * (1.0 - t) + 31.0 * t) as u8,
            60,
            (40.0 * (1.0 - t) + 180.0 * t) as u8,
        );
        series.push(Series::line(&label, [0.0, 2.0].map(|x| (x, w * x + b))).color(c));
    }
    plot::xy_chart(
        &lines_path,
        &Axes::new(
            "Gradient descent on ½Σ(y − ŷ)²: the line every 20 epochs",
            "x",
            "y",
        ),
        &series,
    )
    .expect("plot written");
    println!("plot: {}", lines_path.display());
    let sse_path = dir.join("sse.svg");
    plot::xy_chart(
        &sse_path,
        &Axes::new("Sum of squared errors per epoch", "epoch", "SSE ½Σ(y − ŷ)²").log_y(),
        &[lesson::cost_line(&r.sse)],
    )
    .expect("plot written");
    println!("plot: {}", sse_path.display());

    println!(
        "lesson=line_fit_sse epochs={} w={w:.4} b={b:.4} sse_start={:.4} sse={:.4} w_normal={:.4}",
        LESSON.epochs, r.sse[0], r.final_sse, r.normal.weights[0]
    );
}
