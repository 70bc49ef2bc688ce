//! The Boston bar: the 2-4-3-1 ReLU MLP on the fixed Boston split, trained
//! with the recipe of `examples/common/housing.rs` (the same training as the
//! `boston_housing` example: 400 epochs, best of three runs).
//!
//! scikit-learn's `MLPRegressor` in the same setting reaches a test MSE of
//! 14.54; a from-scratch numpy version ranges from 14.0 to 16.0 over seeds
//! and about one seed in six collapses to predicting the mean (MSE ≈ 78).
//! Over seeds 0 to 9 (run in CI) the median must be at most 14.3, the best
//! at most 14.0 and the worst at most 15.5 (measured: 14.14, 13.46, 14.83).
//! The ignored test holds seeds 0 to 99 to the same median and worst
//! (measured: median 14.04, worst 15.23, none above 15.5; the recipe before
//! `fit_restarts`, one run with early stopping: 14.39, 78.7, 14 above).

#[path = "../examples/common/mod.rs"]
mod common;

use common::housing::{Recipe, median_best_worst, train_boston, train_with};

/// Trains seeds `seeds` with the default recipe; asserts the median, best
/// and worst test MSE and returns the summary line.
fn check_seeds(seeds: std::ops::Range<u64>, median_at_most: f32, best_at_most: f32) -> String {
    let mses: Vec<f32> = seeds
        .clone()
        .map(|seed| train_boston(seed).test_mse)
        .collect();
    let (median, best, worst) = median_best_worst(&mses);
    let above = mses.iter().filter(|&&m| m > 15.5).count();
    let table: Vec<String> = seeds
        .zip(&mses)
        .map(|(seed, mse)| format!("{seed}: {mse:.2}"))
        .collect();
    let summary = format!(
        "test MSEs [{}], median {median:.2}, best {best:.2}, worst {worst:.2}, {above} above 15.5",
        table.join(", ")
    );
    assert!(
        median <= median_at_most,
        "median above {median_at_most}: {summary}"
    );
    assert!(best <= best_at_most, "best above {best_at_most}: {summary}");
    assert!(worst <= 15.5, "a seed above 15.5: {summary}");
    format!("median {median:.2}, best {best:.2}, worst {worst:.2}, {above} above 15.5")
}

#[test]
fn ten_seeds_beat_the_scikit_learn_bar() {
    check_seeds(0..10, 14.3, 14.0);
}

/// `cargo test --release --test boston -- --ignored --nocapture`
#[test]
#[ignore = "100 seeds: the figures of the recipe's doc"]
fn hundred_seeds_none_above_15_5() {
    println!("seeds 0-99: {}", check_seeds(0..100, 14.3, 14.0));
}

#[test]
fn training_is_deterministic() {
    let (a, b) = (train_boston(3), train_boston(3));
    assert_eq!(a.test_mse.to_bits(), b.test_mse.to_bits());
    assert_eq!(a.summary, b.summary);
}

#[test]
fn the_kept_run_trains_better_than_the_first() {
    // seed 0's three runs, each on its own: the recipe keeps the best
    let recipe = Recipe::default();
    let kept = train_with(&recipe, 0);
    assert_eq!(kept.summary.run, 2);
    let first = train_with(&Recipe { runs: 1, ..recipe }, 0);
    assert!(kept.summary.loss < first.summary.loss);
    assert_eq!(kept.kept_history().len(), 400);
    assert_eq!(kept.history.len(), 3 * 400);
}
