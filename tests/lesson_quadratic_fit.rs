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
