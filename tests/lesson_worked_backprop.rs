//! The worked backpropagation example as the example prints it
//! (`examples/worked_backprop.rs`): every printed number within 1e-6 of the
//! float64 reference in `f32`, and within 1e-12 of it in `f64`.

#[allow(dead_code)]
#[path = "../examples/worked_backprop.rs"]
mod worked_backprop;

use worked_backprop::{NAMES, num, reference, run};

use stacknet::num::Scalar;

fn close<S: Scalar>(got: S, r: &serde_json::Value, path: &str) {
    let want = num(r, path);
    // f32 carries about 7 digits, f64 about 16
    let tolerance = if S::BYTES == 4 { 1e-6 } else { 1e-12 };
    assert!(
        (got.to_f64() - want).abs() <= tolerance,
        "{path}: got {got:?}, reference {want}"
    );
}

#[test]
fn every_step_matches_the_reference() {
    every_step_matches::<f32>();
}

#[test]
fn every_step_matches_the_reference_to_1e_12_in_f64() {
    every_step_matches::<f64>();
}

fn every_step_matches<S: Scalar>() {
    let r = reference();
    let s = run::<S>(&r);
    assert_eq!(s.x.map(S::to_f64), [1.0, 4.0, 5.0]);
    assert_eq!(s.learning_rate, S::from_f64(0.01));
    close(s.z_h[0], &r, "forward.z_h1");
    close(s.z_h[1], &r, "forward.z_h2");
    close(s.h[0], &r, "forward.h1");
    close(s.h[1], &r, "forward.h2");
    close(s.z_o[0], &r, "forward.z_o1");
    close(s.z_o[1], &r, "forward.z_o2");
    close(s.o[0], &r, "forward.o1");
    close(s.o[1], &r, "forward.o2");
    close(s.error, &r, "forward.E");
    close(s.delta_o[0], &r, "deltas.dE_dz_o1");
    close(s.delta_o[1], &r, "deltas.dE_dz_o2");
    close(s.delta_h[0], &r, "deltas.dE_dz_h1");
    close(s.delta_h[1], &r, "deltas.dE_dz_h2");
    for (i, name) in NAMES.iter().enumerate() {
        close(s.before[i], &r, &format!("initial.{name}"));
        close(s.gradients[i], &r, &format!("gradients.{name}"));
        close(s.after[i], &r, &format!("updated.{name}"));
    }
    close(s.error_after, &r, "E_after_step");
    // the published dE/db1 = 0.0008 is wrong
    assert!((s.gradients[10].to_f64() - 0.0008).abs() > 1e-3);
}
