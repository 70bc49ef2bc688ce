//! The sum-of-squares lesson (`examples/line_fit_sse.rs`): y = 3x + noise,
//! a bad start, ½ Σ (y − ŷ)², learning rate 0.001, 300 epochs.

#[allow(dead_code)]
#[path = "../examples/line_fit_sse.rs"]
mod line_fit_sse;

use line_fit_sse::{LESSON, run};

#[test]
fn slope_reaches_three() {
    let r = run(&LESSON);
    let (w, b) = (r.net.0.weights[0][0], r.net.0.biases[0]);
    assert!((w - 3.0).abs() <= 0.1, "slope {w}");
    assert!(b.abs() <= 0.1, "intercept {b}");
    // and it is the least-squares line of the noisy sample
    assert!((w - r.normal.weights[0]).abs() < 0.01);
    assert!((b - r.normal.intercept).abs() < 0.01);
}

#[test]
fn starts_badly_and_the_error_falls() {
    let r = run(&LESSON);
    assert!((-3.0..-2.0).contains(&r.start.0), "start {:?}", r.start);
    assert_eq!(r.start.1, 0.0);
    assert_eq!(r.sse.len(), 300);
    assert!(r.sse.windows(2).all(|w| w[1] <= w[0]));
    // noise σ = 0.1 on 200 points: ½ Σ ε² ≈ ½ · 200 · 0.01 = 1
    assert!(
        r.sse[0] > 1000.0 && (0.7..1.4).contains(&r.final_sse),
        "{}",
        r.final_sse
    );
    // a line every 20 epochs, and the last
    assert_eq!(r.lines.len(), 16);
    assert_eq!(r.lines.last().map(|l| l.0), Some(300));
}
