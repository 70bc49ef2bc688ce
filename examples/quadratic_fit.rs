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
//! Then the opposite problem: a network far too large for its data. On 20
//! points, 4,353 weights (two hidden layers of 64 tanh units) drive the
//! training error below the noise while the error on 200 fresh points
//! rises: overfitting. Dropout and gradient clipping are tried on it, and
//! a plot shows the training and validation error epoch by epoch.
//!
//! Run: `cargo run --release --example quadratic_fit`

#[path = "common/mod.rs"]
mod common;

use stacknet::init::{standard_normal, uniform01};
use stacknet::metrics::{mean_squared_error, r2_score};
use stacknet::optim::{Clip, Optimizer};
use stacknet::prelude::*;
use stacknet::train::TrainError;

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

/// Inputs and targets, a row each.
pub type Points = (Vec<[f32; 1]>, Vec<[f32; 1]>);

/// `n` points on `y = 2x² + N(0, noise²)`, `x` uniform in [−2, 2).
pub fn make_data(n: usize, noise: f32, seed: u64) -> Points {
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

/// The over-parameterised network: 1 → 64 tanh → 64 tanh → 1, 4,353
/// weights for 20 points.
pub type Big = (
    Dense<1, 64>,
    Tanh<64>,
    Dense<64, 64>,
    Tanh<64>,
    Dense<64, 1>,
);
/// [`Big`] with dropout after each hidden layer.
pub type BigDropout = (
    Dense<1, 64>,
    Tanh<64>,
    Dropout<64>,
    Dense<64, 64>,
    Tanh<64>,
    Dropout<64>,
    Dense<64, 1>,
);

/// The dropout probability of [`BigDropout`].
pub const DROPOUT: f32 = 0.1;
/// The norm the clipped run's gradients are clipped to.
pub const CLIP_NORM: f32 = 1.0;

/// One run of the overfitting part: the error after every epoch.
pub struct Curves {
    /// What was trained, and how.
    pub setting: String,
    /// MSE on the 20 training points after each epoch, predicted without
    /// dropout (as the network is used).
    pub train: Vec<f32>,
    /// MSE on the 200 validation points after each epoch.
    pub validation: Vec<f32>,
    /// The epoch in which training diverged, if it did (the curves stop
    /// before it).
    pub diverged: Option<u32>,
}

/// The training and validation points of the overfitting part: 20 and 200
/// points on `y = 2x² + N(0, 0.5²)`, from two seeds.
pub fn overfit_data() -> [Points; 2] {
    [make_data(20, 0.5, 11), make_data(200, 0.5, 12)]
}

/// Trains `net` one epoch per `fit` call (each continuing the last,
/// `start_epoch`, so the calls give the bits of one run), measuring both
/// errors between epochs. Shuffles every epoch; dropout masks and the
/// shuffle come from one seeded generator.
pub fn overfit_run<N, O>(
    setting: &str,
    mut net: N,
    optimizer: O,
    (learning_rate, batch, clip): (f32, Batch, Option<Clip>),
    epochs: u32,
) -> Curves
where
    N: Network<1, 1>,
    O: Optimizer<N>,
{
    let [(x, y), (vx, vy)] = overfit_data();
    let data = Dataset::new(&x, &y).expect("finite data");
    let mse = |net: &N, x: &[[f32; 1]], y: &[[f32; 1]]| {
        let predictions: Vec<f32> = x.iter().map(|x| net.forward(x)[0]).collect();
        mean_squared_error(&predictions, y.as_flattened()).expect("same length")
    };
    let mut trainer = Trainer::new(optimizer, MeanSquaredError);
    let mut order = vec![0; x.len()];
    let mut rng = XorShiftRng::seed_from_u64(3);
    let mut curves = Curves {
        setting: setting.to_string(),
        train: Vec::new(),
        validation: Vec::new(),
        diverged: None,
    };
    for epoch in 0..epochs {
        let config = FitConfig {
            epochs: 1,
            start_epoch: epoch,
            batch,
            learning_rate,
            clip,
            ..FitConfig::DEFAULT
        };
        match trainer.fit(&mut net, &data, &config, &mut order, &mut rng, &mut ()) {
            Ok(_) => {
                curves.train.push(mse(&net, &x, &y));
                curves.validation.push(mse(&net, &vx, &vy));
            }
            Err(TrainError::Diverged { epoch }) => {
                curves.diverged = Some(epoch);
                break;
            }
            Err(e) => panic!("{setting}: {e}"),
        }
    }
    curves
}

/// The overfitting part: Adam on [`Big`] without and with dropout (full
/// batch), then SGD at a rate too large for batches of 4, without and
/// with clipping by norm. Every run starts from the same weights.
pub fn overfitting(epochs: u32) -> Vec<Curves> {
    let start = Big::random(Init::XavierUniform, &mut XorShiftRng::seed_from_u64(5));
    // the same weights, with dropout layers between
    let dropout = Dropout::with_rate(DROPOUT);
    let (d1, t1, d2, t2, d3) = start;
    let with_dropout: BigDropout = (d1, t1, dropout, d2, t2, dropout, d3);
    let adam = (0.01, Batch::Full, None);
    let sgd = (0.1, Batch::Size(4), None);
    let clipped = (0.1, Batch::Size(4), Some(Clip::Norm(CLIP_NORM)));
    let (adam_opt, sgd_opt) = (Adam::default(), Sgd::default());
    vec![
        overfit_run("Adam, full batch", start, adam_opt, adam, epochs),
        overfit_run("Adam, dropout 0.1", with_dropout, adam_opt, adam, epochs),
        overfit_run("SGD lr 0.1, batches of 4", start, sgd_opt, sgd, epochs),
        overfit_run("SGD, clipped to norm 1", start, sgd_opt, clipped, epochs),
    ]
}

/// Epochs of the overfitting part.
pub const OVERFIT_EPOCHS: u32 = 2000;

/// The lowest value of `curve` and its epoch.
pub fn lowest(curve: &[f32]) -> (f32, usize) {
    curve.iter().enumerate().fold(
        (f32::INFINITY, 0),
        |best, (k, &v)| if v < best.0 { (v, k) } else { best },
    )
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

    let runs = overfitting(OVERFIT_EPOCHS);
    println!();
    println!(
        "Overfitting: 1-64-64-1 tanh (4,353 weights), 20 training points, 200 validation points"
    );
    println!(
        "{:<26} {:>11} {:>11} {:>16}",
        "setting", "train MSE", "valid. MSE", "best valid. MSE"
    );
    for r in &runs {
        match r.diverged {
            Some(epoch) => println!("{:<26} diverged in epoch {epoch}", r.setting),
            None => {
                let (best, at) = lowest(&r.validation);
                println!(
                    "{:<26} {:>11.3} {:>11.3} {:>9.3} (ep. {at})",
                    r.setting,
                    r.train.last().copied().unwrap_or(f32::NAN),
                    r.validation.last().copied().unwrap_or(f32::NAN),
                    best
                );
            }
        }
    }
    let overfit_path = dir.join("overfitting.svg");
    let epoch_curve = |c: &[f32]| -> Vec<(f32, f32)> {
        c.iter()
            .enumerate()
            .map(|(k, &v)| ((k + 1) as f32, v))
            .collect()
    };
    let panel = |title: &str, runs: &[Curves]| {
        let mut series = Vec::new();
        for (k, r) in runs.iter().enumerate() {
            let label = |what: &str| format!("{}: {what}", r.setting);
            series.push(
                Series::line(&label("training"), epoch_curve(&r.train)).color(plot::color(2 * k)),
            );
            series.push(
                Series::line(&label("validation"), epoch_curve(&r.validation))
                    .color(plot::color(2 * k + 1)),
            );
        }
        let noise = [(1.0, 0.25), (OVERFIT_EPOCHS as f32, 0.25)];
        series.push(Series::line("the noise, σ² = 0.25", noise).color(plot::RGBColor(0, 0, 0)));
        (
            Axes::new(title, "epoch", "MSE")
                .log_y()
                .legend(plot::LegendAt::UpperRight),
            series,
        )
    };
    plot::xy_panels(
        &overfit_path,
        &[
            panel("Adam, full batch: with and without dropout", &runs[..2]),
            panel(
                "SGD lr 0.1, batches of 4, clipped (unclipped diverges)",
                &runs[3..],
            ),
        ],
    )
    .expect("plot written");
    println!("plot: {}", overfit_path.display());

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
