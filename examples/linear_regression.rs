//! Linear regression with a one-neuron network: TV advertising budget →
//! sales (`data/tvmarketing.csv`, 200 markets).
//!
//! Both columns are z-scored (mean 0, population standard deviation 1), the
//! model is `ŷ = w x + b` (`Dense<1, 1>` then `Identity<1>`), the cost is
//! `1/(2m) Σ (ŷ − y)²` and every iteration is one full-batch gradient step
//! of learning rate 1.2. After 30 iterations the network predicts sales for
//! TV budgets of 50, 120 and 280 k$, back in the original units, and its
//! weight matches the least-squares (normal-equation) answer.
//!
//! Run: `cargo run --release --example linear_regression`

#[path = "common/mod.rs"]
mod common;

use stacknet::prelude::*;
use stacknet::{LinearFit, StandardScaler};

use common::lesson;
use common::plot::{self, Axes, Series};

/// One input, one output, no activation: `ŷ = w x + b`.
pub type Net = (Dense<1, 1>, Identity<1>);

/// The TV budgets (k$) the lesson predicts sales for.
pub const TV_BUDGETS: [f32; 3] = [50.0, 120.0, 280.0];

/// Everything the lesson shows.
pub struct Results {
    /// TV budgets (k$) and sales (k units) as read.
    pub data: Vec<(f32, f32)>,
    /// The cost before each iteration's step.
    pub costs: Vec<f32>,
    /// The trained network (in z-space).
    pub net: Net,
    /// Scalers of TV and of sales.
    pub scalers: (StandardScaler<1>, StandardScaler<1>),
    /// The normal-equation fit on the z-scored data.
    pub normal_z: LinearFit<1>,
    /// The normal-equation fit in original units.
    pub normal: LinearFit<1>,
    /// Predicted sales for [`TV_BUDGETS`], in k units.
    pub predictions: [f32; 3],
}

impl Results {
    /// Sales predicted by the network for a TV budget, in original units.
    pub fn predict(&self, tv: f32) -> f32 {
        let (sx, sy) = self.scalers;
        sy.inverse_transform(&self.net.forward(&sx.transform(&[tv])))[0]
    }
}

/// Trains for `iterations` full-batch steps of learning rate `learning_rate`.
pub fn run(iterations: u32, learning_rate: f32) -> Results {
    let rows = common::read_columns("tvmarketing.csv", ["TV", "Sales"]);
    let tv: Vec<[f32; 1]> = rows.iter().map(|r| [r[0]]).collect();
    let sales: Vec<[f32; 1]> = rows.iter().map(|r| [r[1]]).collect();
    let fit = lesson::zscored_regression::<Net, 1>(&tv, &sales, iterations, learning_rate);
    let normal_z =
        LinearFit::fit_normal_equation(&fit.x, fit.y.as_flattened()).expect("non-singular");
    let normal = LinearFit::fit_normal_equation(&tv, sales.as_flattened()).expect("non-singular");

    let mut results = Results {
        data: rows.iter().map(|r| (r[0], r[1])).collect(),
        costs: fit.costs,
        net: fit.net,
        scalers: fit.scalers,
        normal_z,
        normal,
        predictions: [0.0; 3],
    };
    results.predictions = TV_BUDGETS.map(|tv| results.predict(tv));
    results
}

fn main() {
    let r = run(30, 1.2);
    let (sx, sy) = r.scalers;
    println!(
        "TV: mean {:.4}, std {:.4}; Sales: mean {:.4}, std {:.4} (population std)",
        sx.mean()[0],
        sx.scale()[0],
        sy.mean()[0],
        sy.scale()[0]
    );
    lesson::print_costs(&r.costs, 1);
    let (w, b) = (r.net.0.weights[0][0], r.net.0.biases[0]);
    println!("W = [[{w:.8}]], b = [{b:.8}] (z-scored units)");
    println!(
        "normal equation on the z-scores: w = {:.8}, b = {:.8}",
        r.normal_z.weights[0], r.normal_z.intercept
    );
    println!(
        "in original units: Sales = {:.6} + {:.8} · TV (least squares: {:.6} + {:.8} · TV)",
        sy.mean()[0] + sy.scale()[0] * (b - w * sx.mean()[0] / sx.scale()[0]),
        w * sy.scale()[0] / sx.scale()[0],
        r.normal.intercept,
        r.normal.weights[0]
    );
    println!("TV (k$)  predicted sales (k units)  least squares");
    for (tv, p) in TV_BUDGETS.iter().zip(r.predictions) {
        println!("{tv:>7}  {p:>27.4}  {:>13.4}", r.normal.predict(&[*tv]));
    }

    let dir = plot::plot_dir("linear_regression");
    let path = dir.join("fit.svg");
    let line = [0.0, 300.0].map(|tv| (tv, r.predict(tv)));
    let predictions = TV_BUDGETS.iter().zip(r.predictions).map(|(&t, p)| (t, p));
    plot::xy_chart(
        &path,
        &Axes::new(
            "TV advertising → sales: one neuron, 30 gradient steps",
            "TV budget (k$)",
            "sales (k units)",
        ),
        &[
            Series::dots("markets", r.data.iter().copied()).color(plot::color(0)),
            Series::line("fitted line", line).color(plot::color(3)),
            Series::crosses("predictions for 50, 120, 280", predictions).color(plot::color(2)),
        ],
    )
    .expect("plot written");
    println!("plot: {}", path.display());
    let cost_path = dir.join("cost.svg");
    plot::xy_chart(
        &cost_path,
        &Axes::new("Cost per iteration", "iteration", "cost 1/(2m) Σ(ŷ − y)²"),
        &[lesson::cost_line(&r.costs)],
    )
    .expect("plot written");
    println!("plot: {}", cost_path.display());

    println!(
        "lesson=linear_regression iterations={} cost={:.6} w={w:.6} b={b:.6} w_normal={:.6} pred_50={:.4} pred_120={:.4} pred_280={:.4}",
        r.costs.len(),
        r.costs.last().copied().unwrap_or(f32::NAN),
        r.normal_z.weights[0],
        r.predictions[0],
        r.predictions[1],
        r.predictions[2]
    );
}
