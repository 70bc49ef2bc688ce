//! The logistic-regression lesson (`examples/logistic_regression.rs`): will
//! the engine work, from temperature and hours since service.

#[allow(dead_code)]
#[path = "../examples/logistic_regression.rs"]
mod logistic_regression;

use logistic_regression::{ENGINES, run};

#[test]
fn classifies_about_as_well_as_the_generating_rule() {
    let r = run(200, 7, 1000, 1.0);
    let accuracy = r.confusion.accuracy();
    assert_eq!(r.confusion.total(), 200);
    assert!(accuracy >= 0.9, "accuracy {accuracy}");
    // the noise-free rule is the best a line can hope for, give or take
    assert!(
        accuracy >= r.rule_accuracy - 0.03,
        "{accuracy} vs {}",
        r.rule_accuracy
    );
}

#[test]
fn boundary_is_close_to_the_generating_line() {
    let r = run(200, 7, 1000, 1.0);
    // generating boundary: H = 1600 − 13.33 T
    let (intercept, slope) = r.boundary();
    assert!((slope + 13.33).abs() < 0.25 * 13.33, "slope {slope}");
    // at 90 °C the generating rule's boundary is at 400 h
    let at_90 = intercept + slope * 90.0;
    assert!((at_90 - 400.0).abs() < 50.0, "{at_90}");
    // cool, recently serviced engines work; hot, neglected ones fail
    assert!(r.probability(&ENGINES[0]) > 0.9);
    assert!(r.probability(&ENGINES[2]) < 0.1);
}

#[test]
fn cross_entropy_falls_from_ln_2() {
    let r = run(200, 7, 1000, 1.0);
    assert!((r.costs[0] - core::f32::consts::LN_2).abs() < 0.01);
    assert!(r.costs.windows(2).all(|w| w[1] <= w[0] + 1e-6));
    assert!(r.costs[999] < 0.25);
}
