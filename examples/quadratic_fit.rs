//! Fitting a parabola with one hidden layer, and what makes it work.
//!
//! 100 points on `y = 2x² + N(0, 0.5²)`, `x` uniform in [−2, 2), drawn from
//! a fixed seed. The lesson's network has one hidden layer of 10 sigmoid
//! units and a linear output, trained by full-batch gradient descent on the
//! mean squared error with learning rate 0.01 for 1000 iterations: it
//! barely bends. Then one change at a time: a wider layer, a larger
//! learning rate, more iterations, another activation, and Adam. Every
//! setting is the same generic function over the network's type.
//!
//! Run: `cargo run --release --example quadratic_fit`

#[path = "common/mod.rs"]
mod common;

use stacknet::init::{standard_normal, uniform01};
use stacknet::metrics::{mean_squared_error, r2_score};
use stacknet::optim::Optimizer;
use stacknet::prelude::*;

use common::lesson;
use common::plot::{self, Axes, Series};

/// The lesson's network: 1 → 10 sigmoid → 1.
pub type Lesson = (Dense<1, 10>, Sigmoid<10>, Dense<10, 1>);
/// A wider hidden layer.
pub type Wide = (Dense<1, 50>, Sigmoid<50>, Dense<50, 1>);
/// tanh instead of the sigmoid.
pub type TanhNet = (Dense<1, 10>, Tanh<10>, Dense<10, 1>);
/// ReLU instead of the sigmoid.
pub type ReluNet = (Dense<1, 10>, Relu<10>, Dense<10, 1>);

/// `n` points on `y = 2x² + N(0, noise²)`, `x` uniform in [−2, 2).
pub fn make_data(n: usize, noise: f32, seed: u64) -> (Vec<[f32; 1]>, Vec<[f32; 1]>) {
    let mut rng = XorShiftRng::seed_from_u64(seed);
    let x: Vec<[f32; 1]> = (0..n).map(|_| [4.0 * uniform01(&mut rng) - 2.0]).collect();
    let y = x
        .iter()
        .map(|x| [2.0 * x[0] * x[0] + noise * standard_normal(&mut rng)])
        .collect();
    (x, y)
}

/// One trained setting: a row of the table and a curve of the plot.
pub struct Row {
    /// What was changed.
    pub setting: String,
    /// Learning rate.
    pub learning_rate: f32,
    /// Iterations (full-batch steps).
    pub iterations: u32,
    /// MSE before each step.
    pub costs: Vec<f32>,
    /// MSE after training.
    pub mse: f32,
    /// R² after training.
    pub r2: f32,
    /// The network's curve on [−2, 2].
    pub curve: Vec<(f32, f32)>,
}

/// Trains `N` from seed `seed` (Xavier-uniform start) with `optimizer`, on
/// the mean squared error, full batch.
pub fn fit<N, O>(
    setting: &str,
    optimizer: O,
    learning_rate: f32,
    iterations: u32,
    (x, y): (&[[f32; 1]], &[[f32; 1]]),
    seed: u64,
) -> Row
where
    N: Network<1, 1>,
    O: Optimizer<N>,
{
    let data = Dataset::new(x, y).expect("finite data");
    let mut rng = XorShiftRng::seed_from_u64(seed);
    let mut net = N::random(Init::XavierUniform, &mut rng);
    let mut trainer = Trainer::new(optimizer, MeanSquaredError);
    let costs = lesson::full_batch(
        &mut trainer,
        &mut net,
        &data,
        (iterations, learning_rate),
        &mut rng,
    );
    let predictions: Vec<f32> = x.iter().map(|x| net.forward(x)[0]).collect();
    let targets = y.as_flattened();
    Row {
        setting: setting.to_string(),
        learning_rate,
        iterations,
        costs,
        mse: mean_squared_error(&predictions, targets).expect("same length"),
        r2: r2_score(&predictions, targets).expect("same length"),
        curve: lesson::curve(-2.0, 2.0, |x| net.forward(&[x])[0]),
    }
}

/// How long to train: the lesson's 1000 iterations, and the longer run.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// The lesson's iteration count.
    pub short: u32,
    /// The "more iterations" setting.
    pub long: u32,
}

/// The lesson's budget.
pub const LESSON: Budget = Budget {
    short: 1000,
    long: 20_000,
};

/// Every setting, the lesson's first.
pub fn run(budget: Budget) -> (Vec<[f32; 1]>, Vec<[f32; 1]>, Vec<Row>) {
    let (x, y) = make_data(100, 0.5, 11);
    let d = (&x[..], &y[..]);
    let (n, seed) = (budget.short, 5);
    let sgd = Sgd::default();
    let rows = vec![
        fit::<Lesson, _>("lesson: 10 sigmoid, SGD", sgd, 0.01, n, d, seed),
        fit::<Wide, _>("50 sigmoid units", sgd, 0.01, n, d, seed),
        fit::<Wide, _>("50 sigmoid units, lr 0.1", sgd, 0.1, n, d, seed),
        fit::<Lesson, _>("learning rate 0.1", sgd, 0.1, n, d, seed),
        fit::<Lesson, _>("lr 0.1, more iterations", sgd, 0.1, budget.long, d, seed),
        fit::<TanhNet, _>("tanh", sgd, 0.01, n, d, seed),
        fit::<ReluNet, _>("ReLU", sgd, 0.01, n, d, seed),
        fit::<Lesson, _>("Adam", Adam::default(), 0.01, n, d, seed),
        fit::<Lesson, _>("Adam, lr 0.05", Adam::default(), 0.05, n, d, seed),
    ];
    (x, y, rows)
}

/// `"lr 0.1, more iterations"` → `lr_0.1_more_iterations`.
fn slug(text: &str) -> String {
    let words = text.split(|c: char| !(c.is_alphanumeric() || c == '.'));
    let words: Vec<&str> = words.filter(|w| !w.is_empty()).collect();
    words.join("_").to_lowercase()
}

fn main() {
    let (x, y, rows) = run(LESSON);
    println!("y = 2x² + N(0, 0.5²), 100 points; the noise alone gives MSE ≈ 0.25");
    println!(
        "{:<26} {:>6} {:>10} {:>9} {:>7}",
        "setting", "lr", "iterations", "MSE", "R²"
    );
    for r in &rows {
        println!(
            "{:<26} {:>6} {:>10} {:>9.4} {:>7.3}",
            r.setting, r.learning_rate, r.iterations, r.mse, r.r2
        );
    }

    let dir = plot::plot_dir("quadratic_fit");
    let path = dir.join("fits.svg");
    let mut series = vec![
        Series::dots("data", x.iter().zip(&y).map(|(x, y)| (x[0], y[0])))
            .color(plot::RGBColor(150, 150, 150))
            .size(2),
        Series::line("2x²", lesson::curve(-2.0, 2.0, |x| 2.0 * x * x))
            .color(plot::RGBColor(0, 0, 0))
            .size(1),
    ];
    // the palette without its grey, which the data use
    let colors = [0, 1, 2, 3, 4, 5, 6, 8, 9].map(plot::color);
    for (r, &c) in rows.iter().zip(colors.iter().cycle()) {
        series.push(Series::line(&r.setting, r.curve.iter().copied()).color(c));
    }
    plot::xy_chart(
        &path,
        &Axes::new(
            "y = 2x² + noise: one hidden layer, several settings",
            "x",
            "y",
        )
        .legend(plot::LegendAt::UpperMiddle),
        &series,
    )
    .expect("plot written");
    println!("plot: {}", path.display());
    let cost_path = dir.join("cost.svg");
    // the first `short` iterations of each run; the long run starts as "lr 0.1"
    let curves: Vec<Series> = rows
        .iter()
        .zip(colors.iter().cycle())
        .filter(|(r, _)| r.iterations == LESSON.short)
        .map(|(r, &c)| {
            let points = r
                .costs
                .iter()
                .enumerate()
                .map(|(k, &c)| ((k + 1) as f32, c));
            Series::line(&r.setting, points).color(c)
        })
        .collect();
    plot::xy_chart(
        &cost_path,
        &Axes::new("Mean squared error per iteration", "iteration", "MSE")
            .log_y()
            .legend(plot::LegendAt::UpperRight),
        &curves,
    )
    .expect("plot written");
    println!("plot: {}", cost_path.display());

    let best = rows
        .iter()
        .min_by(|a, b| a.mse.total_cmp(&b.mse))
        .expect("settings");
    println!(
        "lesson=quadratic_fit lesson_mse={:.4} lesson_r2={:.3} best_mse={:.4} best_r2={:.3} best={}",
        rows[0].mse,
        rows[0].r2,
        best.mse,
        best.r2,
        slug(&best.setting)
    );
}
