//! The multi-class example (`examples/multiclass.rs`) against Bayes' rule
//! for its three blobs, computed here from the distributions.

#[allow(dead_code)]
#[path = "../examples/multiclass.rs"]
mod multiclass;

use multiclass::{CENTERS, CLASSES, SIGMA, nearest_center, run};
use stacknet::classify::Classifier;

/// Φ, the standard normal distribution function.
fn normal_cdf(z: f64) -> f64 {
    0.5 * (1.0 + libm::erf(z / core::f64::consts::SQRT_2))
}

/// φ, the standard normal density.
fn normal_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * core::f64::consts::PI).sqrt()
}

/// Bayes' accuracy for three equal-prior blobs N(μ_k, σ²I) on an
/// equilateral triangle of side `s`: a point of class 0 is classified
/// right when it is nearer μ₀ than μ₁ and μ₂, that is when its
/// projections on the unit vectors towards μ₁ and μ₂ are both below
/// `h = s / 2σ` (in units of σ). The two projections are standard normals
/// with correlation cos 60° = ½, so the accuracy is
/// `P(Z₁ < h, Z₂ < h) = ∫_{−∞}^{h} φ(z) Φ((h − ρ z) / √(1 − ρ²)) dz`,
/// by Simpson's rule on [−12, h].
fn bayes_accuracy(side: f64, sigma: f64) -> f64 {
    let (h, rho) = (side / (2.0 * sigma), 0.5f64);
    let f = |z: f64| normal_pdf(z) * normal_cdf((h - rho * z) / (1.0 - rho * rho).sqrt());
    let (a, n) = (-12.0, 20_000);
    let step = (h - a) / f64::from(n);
    let inner: f64 = (1..n)
        .map(|i| {
            let weight = if i % 2 == 1 { 4.0 } else { 2.0 };
            weight * f(a + f64::from(i) * step)
        })
        .sum();
    (f(a) + inner + f(h)) * step / 3.0
}

/// The true posterior of class `k` at `x`: equal priors and equal round
/// covariances, so `softmax_k(−|x − μ_k|² / 2σ²)`.
fn posterior(x: &[f32; 2], k: usize) -> f64 {
    let score = |c: &[f32; 2]| {
        let d = (f64::from(x[0]) - f64::from(c[0])).powi(2)
            + (f64::from(x[1]) - f64::from(c[1])).powi(2);
        -d / (2.0 * f64::from(SIGMA).powi(2))
    };
    let scores = CENTERS.map(|c| score(&c));
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = scores.iter().map(|s| (s - max).exp()).sum();
    (scores[k] - max).exp() / sum
}

#[test]
fn softmax_classifier_comes_close_to_bayes() {
    let side =
        f64::from(CENTERS[0][0] - CENTERS[1][0]).hypot(f64::from(CENTERS[0][1] - CENTERS[1][1]));
    assert!((side - 3.0).abs() < 1e-6, "side {side}");
    let bayes = bayes_accuracy(side, f64::from(SIGMA));
    // a check of the integral: two classes at distance s would give Φ(s/2σ);
    // the third neighbour can only lower it
    assert!(bayes < normal_cdf(1.5) && bayes > 2.0 * normal_cdf(1.5) - 1.0);

    let r = run(600, 3000, 40, 7);
    let n = r.test_x.len() as f64;
    // one standard error of an accuracy near `bayes` measured on n points
    let se = (bayes * (1.0 - bayes) / n).sqrt();

    // the data are what the example says: Bayes' rule (nearest centre)
    // scores its analytic rate on the test points, within 4 standard errors
    let rule_hits = r
        .test_x
        .iter()
        .zip(&r.test_labels)
        .filter(|&(x, &label)| nearest_center(x) == label)
        .count() as f64;
    let rule = rule_hits / n;
    assert!(
        (rule - bayes).abs() < 4.0 * se,
        "rule {rule} vs Bayes {bayes}"
    );

    // No classifier beats Bayes' rule but by sampling noise; the network's
    // boundaries, learned from 600 points, are within 2 points of its
    // accuracy on the same test points (each boundary is a line fitted to
    // ~200 points per side: off by ~0.1σ, which moves under 1% of the mass).
    assert!(r.accuracy <= bayes + 4.0 * se, "{} vs {bayes}", r.accuracy);
    assert!(r.accuracy >= rule - 0.02, "{} vs rule {rule}", r.accuracy);

    // Log loss against the true posterior's on the same points: the
    // network's can be lower only by noise (the posterior minimises the
    // expected log loss) and is within 0.05 nats above it (40 epochs stop
    // before the 16 units fit the training points' noise).
    let bayes_loss = r
        .test_x
        .iter()
        .zip(&r.test_labels)
        .map(|(x, &label)| -posterior(x, label).ln())
        .sum::<f64>()
        / n;
    assert!(
        r.log_loss >= bayes_loss - 0.02,
        "{} vs {bayes_loss}",
        r.log_loss
    );
    assert!(
        r.log_loss <= bayes_loss + 0.05,
        "{} vs {bayes_loss}",
        r.log_loss
    );

    // training lowered the loss from about ln 3 (no information) at the start
    let first = f64::from(r.losses[0]);
    let last = f64::from(*r.losses.last().expect("epochs"));
    assert!(last < first && last < 3f64.ln());

    // probabilities sum to 1, and a NaN input has no class
    let p = r.net.probabilities(&[0.3, -0.2]);
    assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    assert_eq!(p.len(), CLASSES);
    assert_eq!(r.net.predict_class(&[f32::NAN, 0.0]), None);
}
