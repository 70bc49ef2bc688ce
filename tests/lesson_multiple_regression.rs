//! The Ames lesson (`examples/multiple_regression.rs`): living area and
//! quality → price, z-scored, cost 1/(2m) Σ, 100 steps of learning rate 1.2.

#[allow(dead_code)]
#[path = "../examples/multiple_regression.rs"]
mod multiple_regression;

use multiple_regression::{HOUSES, run};

/// The lesson's float64 predictions after 100 iterations.
const LESSON: [f32; 3] = [221_372.0, 160_039.0, 281_587.0];

#[test]
fn predictions_match_the_lesson_within_50_dollars() {
    let r = run(100, 1.2);
    for ((house, got), want) in HOUSES.iter().zip(r.predictions).zip(LESSON) {
        assert!(
            (got - want).abs() <= 50.0,
            "{house:?}: predicted {got}, lesson {want}"
        );
    }
}

#[test]
fn gradient_descent_lands_near_the_normal_equation() {
    let r = run(100, 1.2);
    for (house, got) in HOUSES.iter().zip(r.predictions) {
        let exact = r.normal.predict(house);
        assert!((got - exact).abs() <= 50.0, "{house:?}: {got} vs {exact}");
    }
    // the exact least-squares answers (float64): 221 375, 160 036, 281 597
    for (house, want) in HOUSES.iter().zip([221_375.0, 160_036.0, 281_597.0]) {
        let exact = r.normal.predict(house);
        assert!((exact - want).abs() <= 2.0, "{house:?}: {exact} vs {want}");
    }
}

#[test]
fn cost_falls_every_iteration() {
    let r = run(100, 1.2);
    assert_eq!(r.costs.len(), 100);
    assert!((r.costs[0] - 0.5).abs() < 0.01);
    assert!(
        r.costs.windows(2).all(|w| w[1] <= w[0] + 1e-6),
        "{:?}",
        r.costs
    );
    // float64 reference: 0.142913 after 100 iterations
    assert!((r.costs[99] - 0.142_913).abs() < 1e-5, "{}", r.costs[99]);
}
