//! The quadratic-fit lesson (`examples/quadratic_fit.rs`): the lesson's
//! setting fits poorly; learning rate, activation and Adam fix it.

#[allow(dead_code)]
#[path = "../examples/quadratic_fit.rs"]
mod quadratic_fit;

use quadratic_fit::{Budget, Row, run};

fn row<'a>(rows: &'a [Row], setting: &str) -> &'a Row {
    rows.iter()
        .find(|r| r.setting == setting)
        .unwrap_or_else(|| panic!("no row {setting}"))
}

#[test]
fn lesson_setting_is_poor_and_the_fixes_fix_it() {
    // a shorter "more iterations" run than the example's
    let (_, _, rows) = run(Budget {
        short: 1000,
        long: 3000,
    });
    let lesson = &rows[0];
    assert_eq!(lesson.setting, "lesson: 10 sigmoid, SGD");
    // barely better than predicting the mean
    assert!(
        lesson.r2 < 0.5 && lesson.mse > 2.0,
        "lesson {} {}",
        lesson.mse,
        lesson.r2
    );
    for fix in ["learning rate 0.1", "tanh", "ReLU", "Adam", "Adam, lr 0.05"] {
        let r = row(&rows, fix);
        assert!(
            r.mse < 0.2 * lesson.mse,
            "{fix}: {} vs {}",
            r.mse,
            lesson.mse
        );
        assert!(r.r2 > 0.9, "{fix}: R² {}", r.r2);
    }
    // the best fits come down to the noise (σ² = 0.25)
    let best = rows.iter().map(|r| r.mse).fold(f32::INFINITY, f32::min);
    assert!(best < 0.3, "best MSE {best}");
    // more iterations at lr 0.1 improve on 1000
    assert!(row(&rows, "lr 0.1, more iterations").mse <= row(&rows, "learning rate 0.1").mse);
}

/// The overfitting part: the large network memorises its 20 points,
/// dropout keeps it from memorising but costs more than it saves here, and
/// clipping lets a rate train that diverges without it.
#[test]
fn the_large_network_overfits_and_clipping_rescues_a_rate_too_large() {
    use quadratic_fit::{Curves, OVERFIT_EPOCHS, lowest, overfitting};
    let runs = overfitting(OVERFIT_EPOCHS);
    let find = |setting: &str| -> &Curves {
        runs.iter()
            .find(|r| r.setting == setting)
            .unwrap_or_else(|| panic!("no run {setting}"))
    };
    let last = |c: &[f32]| *c.last().expect("trained epochs");
    // the noise of the data has variance 0.5² = 0.25: a training error below
    // it is the network fitting the noise
    const NOISE: f32 = 0.25;
    let plain = find("Adam, full batch");
    assert_eq!(plain.diverged, None);
    assert_eq!(plain.train.len(), OVERFIT_EPOCHS as usize);
    let (best, at) = lowest(&plain.validation);
    assert!(last(&plain.train) < NOISE, "train {}", last(&plain.train));
    assert!(
        last(&plain.validation) > NOISE,
        "validation {}",
        last(&plain.validation)
    );
    // the validation error passed its best early and rose by a fifth since
    assert!(at < OVERFIT_EPOCHS as usize / 2, "best validation at {at}");
    assert!(
        last(&plain.validation) > 1.2 * best,
        "{} vs best {best}",
        last(&plain.validation)
    );

    let dropout = find("Adam, dropout 0.1");
    assert_eq!(dropout.diverged, None);
    // not memorising: its training error stays at the noise or above, and
    // well above the plain run's
    assert!(last(&dropout.train) > 1.2 * last(&plain.train));
    // and on 20 points its noise costs more than it saves: no better
    // validation error at any epoch than the plain run's best
    assert!(lowest(&dropout.validation).0 > best);

    // Var(2x²) for x ~ U[−2, 2) is 4 (16/5 − 16/9) ≈ 5.69: predicting the
    // mean scores that; a fit that learned the curve scores far below
    let unclipped = find("SGD lr 0.1, batches of 4");
    let diverged = unclipped
        .diverged
        .expect("lr 0.1 diverges without clipping");
    assert!(diverged < 10, "diverged in epoch {diverged}");
    let clipped = find("SGD, clipped to norm 1");
    assert_eq!(clipped.diverged, None);
    assert_eq!(clipped.validation.len(), OVERFIT_EPOCHS as usize);
    assert!(
        lowest(&clipped.validation).0 < 0.5,
        "{:?}",
        lowest(&clipped.validation)
    );
    assert!(last(&clipped.validation) < 1.0);
}
