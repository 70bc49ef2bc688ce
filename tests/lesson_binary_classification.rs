//! The binary-classification exercise (`examples/binary_classification.rs`)
//! and its experiments, and the noisy band trained with Adam and early
//! stopping, against Bayes' rule for its data.

#[allow(dead_code)]
#[path = "../examples/binary_classification.rs"]
mod binary_classification;

use binary_classification::{Budget, FLIP, LESSON, adam_early_stopping, run};
use stacknet::classify::Classifier;
use stacknet::train::EarlyStopping;

#[test]
fn exercise_and_experiments() {
    let rows = run(Budget {
        counts: [100, 500, 2000, 4000],
        ..LESSON
    });
    assert_eq!(rows.len(), 15);
    let exercise = &rows[0];
    assert_eq!((exercise.hidden, exercise.learning_rate), (4, 1.0));
    assert!(
        exercise.accuracy >= 0.99,
        "exercise accuracy {}",
        exercise.accuracy
    );

    // learning rates 0.01, 0.1, 1, 5: too small a rate has not learned yet
    let rates = &rows[1..5];
    assert!(rates[0].accuracy < 0.8, "lr 0.01: {}", rates[0].accuracy);
    assert!(rates.windows(2).all(|w| w[1].loss < w[0].loss));

    // more iterations, lower loss
    let counts = &rows[5..9];
    assert_eq!(
        counts.iter().map(|r| r.iterations).collect::<Vec<_>>(),
        [100, 500, 2000, 4000]
    );
    assert!(counts.windows(2).all(|w| w[1].loss < w[0].loss));
    assert!(counts[0].accuracy < 0.9);

    // widths 2, 4, 8, 16: two sigmoid units already make the band
    let widths = &rows[9..13];
    assert_eq!(
        widths.iter().map(|r| r.hidden).collect::<Vec<_>>(),
        [2, 4, 8, 16]
    );
    assert!(widths.iter().all(|r| r.accuracy >= 0.99));

    // same setting, same numbers: the exercise row and its repeats
    assert_eq!(rows[3].loss, exercise.loss);
    assert_eq!(rows[10].loss, exercise.loss);

    // tanh learns the band too
    assert_eq!(rows[13].activation, "tanh");
    assert!(rows[13].accuracy >= 0.99);
    assert_eq!(rows[14].activation, "relu");
}

#[test]
fn adam_with_early_stopping_comes_close_to_bayes() {
    let e = adam_early_stopping(2000, 4000, 5);
    let n = e.test_x.len() as f64;
    // Labels are the band |x| < 1.5 flipped with probability η: the best
    // rule is the band itself, right with probability 1 − η, and the true
    // posterior is 1 − η inside the band and η outside.
    let eta = f64::from(FLIP);
    let bayes = 1.0 - eta;
    let se = (bayes * (1.0 - bayes) / n).sqrt();
    let in_band = |x: &[f32; 1]| usize::from(x[0].abs() < 1.5);
    let rule = e
        .test_x
        .iter()
        .zip(&e.test_labels)
        .filter(|&(x, &label)| in_band(x) == label)
        .count() as f64
        / n;
    assert!((rule - bayes).abs() < 4.0 * se, "rule {rule} vs {bayes}");

    // Only noise lets a classifier beat the band. The network's errors
    // beyond the band's are where its edges miss ±1.5: an edge off by δ
    // costs δ/6 of the mass (x is uniform on a width of 6) times
    // (1 − η) − η = 0.8, so 3 points allow both edges off by 0.11.
    assert!(e.accuracy <= bayes + 4.0 * se, "{} vs {bayes}", e.accuracy);
    assert!(e.accuracy >= rule - 0.03, "{} vs rule {rule}", e.accuracy);

    // The true posterior's log loss on the same points (its expectation is
    // the entropy H(η) = 0.325 nats); the network's is above it but for
    // noise, and within 0.06 (the edges again: a smooth step instead of a
    // jump, and its levels a little off 0.9 and 0.1).
    let bayes_loss = e
        .test_x
        .iter()
        .zip(&e.test_labels)
        .map(|(x, &label)| {
            if in_band(x) == label {
                -(1.0 - eta).ln()
            } else {
                -eta.ln()
            }
        })
        .sum::<f64>()
        / n;
    let entropy = -eta * eta.ln() - (1.0 - eta) * (1.0 - eta).ln();
    assert!(
        (bayes_loss - entropy).abs() < 0.03,
        "{bayes_loss} vs H = {entropy}"
    );
    assert!(
        e.log_loss >= bayes_loss - 0.02,
        "{} vs {bayes_loss}",
        e.log_loss
    );
    assert!(
        e.log_loss <= bayes_loss + 0.06,
        "{} vs {bayes_loss}",
        e.log_loss
    );

    // Early stopping ended the run, more than `patience` epochs past its
    // best, and the best it names (whose weights the network holds) is the
    // lowest validation loss reported.
    let patience = EarlyStopping::default().patience;
    let s = e.summary;
    assert!(s.stopped_early && s.epochs_run < 1000);
    assert_eq!(e.losses.len() as u32, s.epochs_run);
    let (best_loss, best_epoch) = s.best_validation.expect("a validation split");
    assert!(best_epoch + patience < s.epochs_run);
    let lowest = e.losses.iter().map(|l| l.1).fold(f32::INFINITY, f32::min);
    assert_eq!(best_loss, lowest);
    assert_eq!(e.losses[best_epoch as usize].1, best_loss);

    // the class from logits agrees with the probability's side of ½
    for x in [-2.5f32, -1.0, 0.0, 1.0, 2.5] {
        let p = e.net.probabilities(&[x])[0];
        let class = e.net.predict_class(&[x]).expect("finite");
        assert_eq!(class, usize::from(p > 0.5), "x = {x}");
    }
    assert_eq!(e.net.predict_class(&[f32::NAN]), None);
}
