//! The TV-advertising lesson (`examples/linear_regression.rs`): one neuron,
//! z-scored data, cost 1/(2m) Σ, 30 full-batch steps of learning rate 1.2.

#[allow(dead_code)]
#[path = "../examples/linear_regression.rs"]
mod linear_regression;

use linear_regression::{TV_BUDGETS, run};

#[test]
fn predictions_match_the_lesson() {
    let r = run(30, 1.2);
    // the lesson's float64 numpy values for TV = 50, 120, 280
    for ((tv, got), want) in TV_BUDGETS
        .iter()
        .zip(r.predictions)
        .zip([9.409, 12.737, 20.343])
    {
        let error = (got - want).abs() / want;
        assert!(error <= 1e-3, "TV {tv}: predicted {got}, lesson {want}");
    }
}

#[test]
fn weight_is_the_normal_equation_answer() {
    let r = run(30, 1.2);
    let (w, b) = (r.net.0.weights[0][0], r.net.0.biases[0]);
    assert!(
        (w - r.normal_z.weights[0]).abs() <= 1e-3,
        "w {w} vs {:?}",
        r.normal_z
    );
    assert!((b - r.normal_z.intercept).abs() <= 1e-3, "b {b}");
    // on z-scores the least-squares slope is the correlation, the intercept 0
    assert!((r.normal_z.weights[0] - 0.782_224).abs() < 1e-5);
    // ISLR's published fit in original units: 7.0326 + 0.0475 TV
    assert!((r.normal.intercept - 7.032_594).abs() < 1e-4);
    assert!((r.normal.weights[0] - 0.047_536_64).abs() < 1e-7);
}

#[test]
fn cost_falls_to_the_least_squares_cost() {
    let r = run(30, 1.2);
    assert_eq!(r.costs.len(), 30);
    // from a near-zero start the cost is ½ · mean(y_z²) = 0.5
    assert!((r.costs[0] - 0.5).abs() < 0.01, "{}", r.costs[0]);
    // least squares on z-scores: ½ (1 − r²)
    let floor = 0.5 * (1.0 - 0.782_224f32.powi(2));
    assert!(
        (r.costs[29] - floor).abs() < 1e-5,
        "{} vs {floor}",
        r.costs[29]
    );
    assert!(r.costs.windows(2).take(5).all(|w| w[1] < w[0]));
}
