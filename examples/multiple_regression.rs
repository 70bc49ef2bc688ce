//! Multiple linear regression with a one-neuron network: living area
//! (GrLivArea, sq ft) and overall quality (OverallQual, 1–10) → sale price
//! (SalePrice, $) for the 1460 houses of the Ames training set
//! (`data/ames_train_small.csv`).
//!
//! The same procedure as `linear_regression`: z-score every column, cost
//! `1/(2m) Σ (ŷ − y)²`, full-batch gradient descent with learning rate 1.2,
//! here for 100 iterations. The predictions for three houses are shown
//! beside the exact least-squares answer of the normal equation.
//!
//! Run: `cargo run --release --example multiple_regression`

#[path = "common/mod.rs"]
mod common;

use stacknet::prelude::*;
use stacknet::{LinearFit, StandardScaler};

use common::lesson;
use common::plot::{self, Axes, Series};

/// Two inputs, one output, no activation: `ŷ = w₁ x₁ + w₂ x₂ + b`.
pub type Net = (Dense<2, 1>, Identity<1>);

/// The houses the lesson prices: (GrLivArea, OverallQual).
pub const HOUSES: [[f32; 2]; 3] = [[1710.0, 7.0], [1200.0, 6.0], [2200.0, 8.0]];

/// Everything the lesson shows.
pub struct Results {
    /// (GrLivArea, OverallQual) per house.
    pub x: Vec<[f32; 2]>,
    /// SalePrice per house ($).
    pub y: Vec<f32>,
    /// The cost before each iteration's step.
    pub costs: Vec<f32>,
    /// The trained network (in z-space).
    pub net: Net,
    /// Scalers of the inputs and of the price.
    pub scalers: (StandardScaler<2>, StandardScaler<1>),
    /// The normal-equation fit in original units.
    pub normal: LinearFit<2>,
    /// Prices the network predicts for [`HOUSES`] ($).
    pub predictions: [f32; 3],
}

impl Results {
    /// The network's price for one house, in dollars.
    pub fn predict(&self, x: &[f32; 2]) -> f32 {
        let (sx, sy) = self.scalers;
        sy.inverse_transform(&self.net.forward(&sx.transform(x)))[0]
    }
}

/// Trains for `iterations` full-batch steps of learning rate `learning_rate`.
pub fn run(iterations: u32, learning_rate: f32) -> Results {
    let rows = common::read_columns(
        "ames_train_small.csv",
        ["GrLivArea", "OverallQual", "SalePrice"],
    );
    let x: Vec<[f32; 2]> = rows.iter().map(|r| [r[0], r[1]]).collect();
    let price: Vec<[f32; 1]> = rows.iter().map(|r| [r[2]]).collect();
    let fit = lesson::zscored_regression::<Net, 2>(&x, &price, iterations, learning_rate);
    let normal = LinearFit::fit_normal_equation(&x, price.as_flattened()).expect("non-singular");
    let mut results = Results {
        x,
        y: price.as_flattened().to_vec(),
        costs: fit.costs,
        net: fit.net,
        scalers: fit.scalers,
        normal,
        predictions: [0.0; 3],
    };
    results.predictions = HOUSES.map(|h| results.predict(&h));
    results
}

fn main() {
    let r = run(100, 1.2);
    lesson::print_costs(&r.costs, 10);
    let w = r.net.0.weights[0];
    println!(
        "W = [[{:.8} {:.8}]], b = [{:.8}] (z-scored units)",
        w[0], w[1], r.net.0.biases[0]
    );
    println!(
        "least squares: SalePrice = {:.2} + {:.4} · GrLivArea + {:.2} · OverallQual",
        r.normal.intercept, r.normal.weights[0], r.normal.weights[1]
    );
    println!("GrLivArea  OverallQual  network ($)  normal equation ($)");
    for (h, p) in HOUSES.iter().zip(r.predictions) {
        println!(
            "{:>9}  {:>11}  {:>11.0}  {:>19.0}",
            h[0],
            h[1],
            p,
            r.normal.predict(h)
        );
    }

    let dir = plot::plot_dir("multiple_regression");
    let cost_path = dir.join("cost.svg");
    plot::xy_chart(
        &cost_path,
        &Axes::new(
            "Ames: cost per iteration (learning rate 1.2)",
            "iteration",
            "cost 1/(2m) Σ(ŷ − y)² (z-scores)",
        ),
        &[lesson::cost_line(&r.costs)],
    )
    .expect("plot written");
    println!("plot: {}", cost_path.display());

    let k = 1000.0;
    let pairs: Vec<(f32, f32)> =
        r.x.iter()
            .zip(&r.y)
            .map(|(x, &y)| (y / k, r.predict(x) / k))
            .collect();
    let max = r.y.iter().copied().fold(0.0f32, f32::max) / k;
    let scatter_path = dir.join("predicted_vs_actual.svg");
    plot::xy_chart(
        &scatter_path,
        &Axes::new(
            "Ames: predicted vs actual sale price",
            "actual price (k$)",
            "predicted price (k$)",
        ),
        &[
            Series::dots("houses", pairs).size(2),
            Series::line("predicted = actual", [(0.0, 0.0), (max, max)]).color(plot::color(3)),
        ],
    )
    .expect("plot written");
    println!("plot: {}", scatter_path.display());

    println!(
        "lesson=multiple_regression iterations={} cost={:.6} pred_1710_7={:.0} pred_1200_6={:.0} pred_2200_8={:.0} normal_1710_7={:.0} normal_1200_6={:.0} normal_2200_8={:.0}",
        r.costs.len(),
        r.costs.last().copied().unwrap_or(f32::NAN),
        r.predictions[0],
        r.predictions[1],
        r.predictions[2],
        r.normal.predict(&HOUSES[0]),
        r.normal.predict(&HOUSES[1]),
        r.normal.predict(&HOUSES[2])
    );
}
