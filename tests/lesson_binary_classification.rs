//! The binary-classification exercise (`examples/binary_classification.rs`)
//! and its experiments.

#[allow(dead_code)]
#[path = "../examples/binary_classification.rs"]
mod binary_classification;

use binary_classification::{Budget, LESSON, run};

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
