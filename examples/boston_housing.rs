//! Boston housing: rooms (RM) and lower-status share (LSTAT) → median value
//! (MEDV) with the 2-4-3-1 ReLU MLP, on the fixed 404/102 split of
//! `data/boston_split.csv`.
//!
//! The setting of scikit-learn's `MLPRegressor(hidden_layer_sizes=(4, 3))`
//! with the `sgd` solver: mini-batches of 32, Nesterov momentum 0.9, inputs
//! standardised on the training rows. On top of that, the library's recipe
//! for such a small ReLU network (`examples/common/housing.rs`): Glorot init
//! with ReLU biases starting at 0.2, a standardised target, weight decay on
//! the weights, and in place of early stopping 400 epochs, best of three
//! runs (`Trainer::fit_restarts`).
//!
//! Trains seed 0, prints its test error and a few predictions in dollars,
//! plots its loss curve and its predictions, then trains seeds FROM to TO
//! (default 0 to 10) and prints their test errors.
//!
//! Run: `cargo run --release --example boston_housing [-- FROM TO]`
//! (`-- 0 100` prints the figures of the README's 100 seeds)

#[path = "common/mod.rs"]
mod common;

use std::error::Error;
use std::path::{Path, PathBuf};

use common::housing::{BATCH, Outcome, Recipe, median_best_worst, train_boston};
use plotters::prelude::*;
use stacknet::metrics::r2_score;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().map_err(|e| format!("seed {a:?}: {e}")))
        .collect::<Result<_, _>>()?;
    let (from, to) = match args[..] {
        [] => (0, 10),
        [from, to] if from < to => (from, to),
        _ => return Err("usage: boston_housing [FROM TO] (seeds FROM..TO, FROM < TO)".into()),
    };
    let recipe = Recipe::default();
    println!("Boston housing: RM, LSTAT -> MEDV, 2-4-3-1 ReLU MLP");
    println!(
        "recipe: {:?} init, ReLU biases {}, standardised inputs and target, \
         batch {BATCH}, Nesterov momentum 0.9, learning rate {}, L2 {} on weights, \
         {} epochs, early stopping {:?}, best of {} runs by loss on the training rows",
        recipe.init,
        recipe.relu_bias,
        recipe.learning_rate,
        recipe.l2,
        recipe.epochs,
        recipe.early_stopping,
        recipe.runs
    );

    let run = train_boston(0);
    let data = &run.data;
    println!(
        "\nseed 0: {} training rows, {} test rows",
        data.train_x.len(),
        data.test_x.len()
    );
    let kept = run.summary;
    println!(
        "kept run {} of {} (training loss {:.4}, half-MSE of the standardised target), \
         {} epochs{}",
        kept.run,
        recipe.runs,
        kept.loss,
        kept.fit.epochs_run,
        kept.fit
            .best_validation
            .map_or(String::new(), |(l, e)| format!(
                ", best validation epoch {e} (loss {l:.4})"
            ))
    );
    let r2 = r2_score(&run.test_predictions, data.test_y.as_flattened())?;
    println!(
        "test MSE {:.2} (k$)^2, RMSE ${:.0}, R^2 {r2:.3}; training MSE {:.2}",
        run.test_mse,
        run.test_mse.sqrt() * 1000.0,
        run.train_mse
    );

    println!("\nfirst test rows:");
    for ((x, y), p) in data
        .test_x
        .iter()
        .zip(&data.test_y)
        .zip(&run.test_predictions)
        .take(5)
    {
        println!(
            "  RM {:.2}, LSTAT {:5.2}%: predicted ${:>7.0}, actual ${:>7.0}",
            x[0],
            x[1],
            p * 1000.0,
            y[0] * 1000.0
        );
    }
    println!(
        "  a 6-room house with 10% lower status: ${:.0}",
        run.predict(6.0, 10.0) * 1000.0
    );

    let dir = plot_dir("boston_housing");
    let loss_svg = dir.join("loss.svg");
    let predictions_svg = dir.join("predictions.svg");
    plot_losses(&run, &loss_svg)?;
    plot_predictions(&run, &predictions_svg)?;
    println!(
        "\nplots:\n  {}\n  {}",
        loss_svg.display(),
        predictions_svg.display()
    );

    println!(
        "\nseeds {from} to {}: initial weights, shuffling, and which run is kept",
        to - 1
    );
    println!("  seed  kept run  test MSE");
    let mut mses = Vec::new();
    for seed in from..to {
        let o = if seed == 0 {
            None
        } else {
            Some(train_boston(seed))
        };
        let o = o.as_ref().unwrap_or(&run);
        println!("  {seed:>4}  {:>8}  {:>8.2}", o.summary.run, o.test_mse);
        mses.push(o.test_mse);
    }
    let (median, best, worst) = median_best_worst(&mses);
    let above = mses.iter().filter(|&&m| m > 15.5).count();
    println!("  median {median:.2}, best {best:.2}, worst {worst:.2}, {above} above 15.5");

    println!(
        "\nseed=0 kept_run={} test_mse={:.3} test_rmse={:.3} r2={r2:.3} \
         seeds={from}..{to} median_mse={median:.3} best_mse={best:.3} worst_mse={worst:.3} \
         above_15_5={above}",
        kept.run,
        run.test_mse,
        run.test_mse.sqrt()
    );
    Ok(())
}

/// `target/plots/<name>/` under `CARGO_TARGET_DIR` when it is set, else under
/// the package's `target/`; created if needed.
fn plot_dir(name: &str) -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| manifest.join("target"), |t| manifest.join(t));
    let dir = target.join("plots").join(name);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// The kept run's training (and, with early stopping, validation) loss per
/// epoch, as MSE in (k$)².
fn plot_losses(run: &Outcome, path: &Path) -> Result<(), Box<dyn Error>> {
    // The losses are half-MSEs of the standardised target: back to (k$)².
    let to_mse = |loss: f32| 2.0 * loss * run.target.scale()[0].powi(2);
    let history = run.kept_history();
    let train: Vec<(f32, f32)> = history
        .iter()
        .map(|r| (r.epoch as f32, to_mse(r.train_loss)))
        .collect();
    let validation: Vec<(f32, f32)> = history
        .iter()
        .filter_map(|r| Some((r.epoch as f32, to_mse(r.validation_loss?))))
        .collect();
    let epochs = history.len().max(2) as f32;
    let top = train
        .iter()
        .chain(&validation)
        .map(|p| p.1)
        .fold(0.0, f32::max)
        * 1.05;

    let root = SVGBackend::new(path, (800, 500)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!(
                "Boston housing, seed 0: loss per epoch of run {}",
                run.summary.run
            ),
            ("sans-serif", 22),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(0f32..epochs - 1.0, 0f32..top)?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc("MSE, (k$)²")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()?;
    let blue = RGBColor(31, 119, 180);
    let orange = RGBColor(255, 127, 14);
    chart
        .draw_series(LineSeries::new(train, blue.stroke_width(2)))?
        .label("training (over the epoch's steps)")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], blue.stroke_width(2)));
    if !validation.is_empty() {
        chart
            .draw_series(LineSeries::new(validation, orange.stroke_width(2)))?
            .label("validation (after the epoch)")
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], orange.stroke_width(2)));
    }
    if let Some((_, best)) = run.summary.fit.best_validation {
        let red = RGBColor(214, 39, 40);
        chart
            .draw_series(LineSeries::new(
                [(best as f32, 0.0), (best as f32, top)],
                red.stroke_width(1),
            ))?
            .label("best validation epoch (weights kept)")
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], red));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// Predicted against actual MEDV on the test rows, with the diagonal.
fn plot_predictions(run: &Outcome, path: &Path) -> Result<(), Box<dyn Error>> {
    let points: Vec<(f32, f32)> = run
        .data
        .test_y
        .iter()
        .zip(&run.test_predictions)
        .map(|(y, p)| (y[0], *p))
        .collect();
    let hi = points.iter().map(|p| p.0.max(p.1)).fold(0.0f32, f32::max) + 2.0;

    let root = SVGBackend::new(path, (600, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let caption = format!("Boston test rows, seed 0: MSE {:.2} (k$)²", run.test_mse);
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(55)
        .build_cartesian_2d(0f32..hi, 0f32..hi)?;
    chart
        .configure_mesh()
        .x_desc("actual MEDV (k$)")
        .y_desc("predicted MEDV (k$)")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()?;
    let grey = RGBColor(127, 127, 127);
    chart
        .draw_series(LineSeries::new([(0.0, 0.0), (hi, hi)], grey))?
        .label("perfect prediction")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], grey));
    let blue = RGBColor(31, 119, 180);
    chart
        .draw_series(
            points
                .iter()
                .map(|&(x, y)| Circle::new((x, y), 3, blue.filled())),
        )?
        .label("test row")
        .legend(move |(x, y)| Circle::new((x + 10, y), 3, blue.filled()));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
