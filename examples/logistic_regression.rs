//! Logistic regression: will the engine work? A sigmoid neuron trained with
//! binary cross-entropy on two measurements of 200 engines.
//!
//! The data are generated from a fixed seed: oil temperature `T` uniform in
//! 60–120 °C, hours since the last service `H` uniform in 0–800, and the
//! engine works when `(90 − T)/15 + (400 − H)/200 + 0.4·N(0, 1) > 0`: hot
//! and long-unserviced engines tend to fail, with some noise near the
//! boundary. The inputs are z-scored; the model is
//! `p = σ(w₁ z_T + w₂ z_H + b)` (`Dense<2, 1>` then `Sigmoid<1>`) with the
//! cost `−1/m Σ [y ln p + (1 − y) ln(1 − p)]`, trained by full-batch
//! gradient descent. The decision boundary `p = 0.5` is a straight line.
//!
//! Run: `cargo run --release --example logistic_regression`

#[path = "common/mod.rs"]
mod common;

use stacknet::StandardScaler;
use stacknet::init::{standard_normal, uniform01};
use stacknet::metrics::BinaryConfusion;
use stacknet::prelude::*;

use common::lesson;
use common::plot::{self, Regions, Series};

/// `p = σ(wᵀz + b)`.
pub type Net = (Dense<2, 1>, Sigmoid<1>);

/// Engines whose chances the lesson asks for: (°C, hours).
pub const ENGINES: [[f32; 2]; 3] = [[75.0, 200.0], [95.0, 450.0], [110.0, 700.0]];

/// The generating rule's score (without noise): positive means "works".
pub fn true_score(x: &[f32; 2]) -> f32 {
    (90.0 - x[0]) / 15.0 + (400.0 - x[1]) / 200.0
}

/// `n` engines: ([temperature °C, hours], works ∈ {0, 1}).
pub fn make_data(n: usize, seed: u64) -> (Vec<[f32; 2]>, Vec<[f32; 1]>) {
    let mut rng = XorShiftRng::seed_from_u64(seed);
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    for _ in 0..n {
        let engine = [
            60.0 + 60.0 * uniform01(&mut rng),
            800.0 * uniform01(&mut rng),
        ];
        let works = true_score(&engine) + 0.4 * standard_normal(&mut rng) > 0.0;
        x.push(engine);
        y.push([f32::from(u8::from(works))]);
    }
    (x, y)
}

/// What the lesson shows.
pub struct Results {
    /// Engines in original units.
    pub x: Vec<[f32; 2]>,
    /// 1 = works.
    pub y: Vec<[f32; 1]>,
    /// Cross-entropy before each step.
    pub costs: Vec<f32>,
    /// The trained neuron (on z-scores).
    pub net: Net,
    /// The input scaler.
    pub scaler: StandardScaler<2>,
    /// Counts on the training data.
    pub confusion: BinaryConfusion,
    /// Accuracy of the noise-free generating rule on the same data.
    pub rule_accuracy: f32,
}

impl Results {
    /// Probability that an engine works.
    pub fn probability(&self, x: &[f32; 2]) -> f32 {
        self.net.forward(&self.scaler.transform(x))[0]
    }

    /// The boundary `p = 0.5` as hours `H = a + s·T`: `(a, s)`.
    pub fn boundary(&self) -> (f32, f32) {
        let (w, b) = (self.net.0.weights[0], self.net.0.biases[0]);
        let (m, s) = (self.scaler.mean(), self.scaler.scale());
        // w₀ (T − m₀)/s₀ + w₁ (H − m₁)/s₁ + b = 0
        let slope = -w[0] * s[1] / (w[1] * s[0]);
        let intercept = m[1] - s[1] * (b - w[0] * m[0] / s[0]) / w[1];
        (intercept, slope)
    }
}

/// Trains on `n` engines from `seed` for `iterations` steps of `learning_rate`.
pub fn run(n: usize, seed: u64, iterations: u32, learning_rate: f32) -> Results {
    let (x, y) = make_data(n, seed);
    let (z, scaler) = lesson::zscore(&x);
    let data = Dataset::new(&z, &y).expect("valid data");
    let mut rng = XorShiftRng::seed_from_u64(seed);
    let mut net = Net::random(Init::SMALL_NORMAL, &mut rng);
    let mut trainer = Trainer::new(Sgd::default(), BinaryCrossEntropy);
    let costs = lesson::full_batch(
        &mut trainer,
        &mut net,
        &data,
        (iterations, learning_rate),
        &mut rng,
    );
    let probabilities: Vec<f32> = z.iter().map(|z| net.forward(z)[0]).collect();
    let confusion = BinaryConfusion::from_probabilities(&probabilities, y.as_flattened())
        .expect("equal lengths");
    let rule_right = x
        .iter()
        .zip(&y)
        .filter(|(x, y)| (true_score(x) > 0.0) == (y[0] > 0.5))
        .count();
    Results {
        rule_accuracy: rule_right as f32 / n as f32,
        x,
        y,
        costs,
        net,
        scaler,
        confusion,
    }
}

fn main() {
    let r = run(200, 7, 1000, 1.0);
    lesson::print_costs(&r.costs, 100);
    let (w, b) = (r.net.0.weights[0], r.net.0.biases[0]);
    println!(
        "W = [[{:.4} {:.4}]], b = [{:.4}] (on z-scores)",
        w[0], w[1], b
    );
    let (a, s) = r.boundary();
    println!("decision boundary p = 0.5: hours = {a:.1} {s:+.2} · temperature");
    println!("generating rule (no noise): hours = 1600.0 -13.33 · temperature");
    let c = r.confusion;
    println!(
        "accuracy {:.3} ({} of {}); the noise-free rule gets {:.3}",
        c.accuracy(),
        c.true_positives + c.true_negatives,
        c.total(),
        r.rule_accuracy
    );
    println!(
        "confusion: {} works/predicted works, {} fails/predicted works, {} fails/predicted fails, {} works/predicted fails",
        c.true_positives, c.false_positives, c.true_negatives, c.false_negatives
    );
    for e in &ENGINES {
        println!(
            "engine at {:.0} °C, {:.0} h since service: P(works) = {:.3}",
            e[0],
            e[1],
            r.probability(e)
        );
    }

    let dir = plot::plot_dir("logistic_regression");
    let path = dir.join("boundary.svg");
    let samples: Vec<([f32; 2], usize)> =
        r.x.iter()
            .zip(&r.y)
            .map(|(x, y)| (*x, usize::from(y[0] > 0.5)))
            .collect();
    let classify = |t: f32, h: f32| usize::from(r.probability(&[t, h]) > 0.5);
    plot::decision_regions(
        &path,
        &[Regions {
            title: "Will the engine work? (orange: works)".to_string(),
            labels: (
                "oil temperature (°C)".to_string(),
                "hours since service".to_string(),
            ),
            x: 60.0..120.0,
            y: 0.0..800.0,
            classify: &classify,
            samples: &samples,
            extra: vec![
                Series::line("", [60.0, 120.0].map(|t| (t, a + s * t)))
                    .color(plot::RGBColor(0, 0, 0)),
            ],
        }],
    )
    .expect("plot written");
    println!("plot: {}", path.display());

    println!(
        "lesson=logistic_regression iterations={} cost={:.6} accuracy={:.3} rule_accuracy={:.3} boundary_slope={s:.3} boundary_intercept={a:.1}",
        r.costs.len(),
        r.costs.last().copied().unwrap_or(f32::NAN),
        c.accuracy(),
        r.rule_accuracy
    );
}
