//! The worked backpropagation example as the example prints it
//! (`examples/worked_backprop.rs`): every printed number within 1e-6 of the
//! float64 reference.

#[allow(dead_code)]
#[path = "../examples/worked_backprop.rs"]
mod worked_backprop;

use worked_backprop::{NAMES, num, reference, run};

fn close(got: f32, r: &serde_json::Value, path: &str) {
    let want = num(r, path);
    assert!(
        (f64::from(got) - want).abs() <= 1e-6,
        "{path}: got {got}, reference {want}"
    );
}

#[test]
fn every_step_matches_the_reference() {
    let r = reference();
    let s = run(&r);
    assert_eq!(s.x, [1.0, 4.0, 5.0]);
    assert_eq!(s.learning_rate, 0.01);
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
    assert!((s.gradients[10] - 0.0008).abs() > 1e-3);
}
