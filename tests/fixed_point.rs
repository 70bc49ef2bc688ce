//! Q16.16 through the public API: the saturation counter (one test, as the
//! counter is global to the process) and a small computation that uses
//! only `Scalar`.

use stacknet::Zero;
use stacknet::num::fixed::{reset_saturations, saturations};
use stacknet::num::{Q16_16, Scalar};

/// Every kind of event counts once, and exact results count nothing.
#[test]
fn saturations_are_counted() {
    let one = Q16_16::ONE;
    reset_saturations();
    // Exact results, even ones that land on MAX, and in-range rounding.
    let _ = Q16_16::MAX - Q16_16::EPSILON + Q16_16::EPSILON;
    let _ = Q16_16::from_f64(Q16_16::MAX.to_f64());
    let _ = (one / Q16_16::from_usize(3), one.exp(), one.ln(), one.sqrt());
    let _ = (
        Q16_16::from_f32(-40.0).exp(),
        Q16_16::from_f32(40.0).sigmoid(),
    );
    let _ = (Q16_16::MAX.ln(), Q16_16::MAX.sqrt(), Q16_16::ZERO.sqrt());
    assert_eq!(saturations(), 0);

    let events: [fn() -> Q16_16; 16] = [
        || Q16_16::MAX + Q16_16::EPSILON,
        || Q16_16::MIN - Q16_16::EPSILON,
        || Q16_16::MIN + Q16_16::MIN,
        || Q16_16::from_usize(200) * Q16_16::from_usize(200),
        || Q16_16::MAX / Q16_16::from_f32(0.5),
        || Q16_16::ONE / Q16_16::ZERO,
        || -Q16_16::ONE / Q16_16::ZERO,
        || Q16_16::ZERO / Q16_16::ZERO,
        || Q16_16::from_f32(f32::NAN),
        || Q16_16::from_f64(-1e9),
        || Q16_16::from_f32(32768.0),
        || Q16_16::from_usize(40_000),
        || Q16_16::from_f32(10.5).exp(),
        || Q16_16::ZERO.ln(),
        || Q16_16::from_f32(-2.0).ln(),
        || Q16_16::from_f32(-2.0).sqrt(),
    ];
    for (k, event) in events.iter().enumerate() {
        let before = saturations();
        let _ = event();
        assert_eq!(saturations(), before + 1, "event {k}");
    }
    assert_eq!(saturations(), 16);
    let mut x = Q16_16::MAX;
    x += Q16_16::ONE;
    x *= Q16_16::from_usize(2);
    assert!(!x.is_finite());
    assert_eq!(saturations(), 18);
    reset_saturations();
    assert_eq!(saturations(), 0);
}

/// One gradient-descent step on ½(w·x − t)², written against `Scalar`,
/// gives the same value in Q16.16 as in f64 to within a few ulps.
#[test]
fn a_generic_step() {
    fn step<S: Scalar>(w: S, x: S, t: S, lr: f32) -> S {
        let y = w * x;
        let g = (y - t) * x;
        w - S::from_f32(lr) * g
    }
    let w = step(
        Q16_16::from_f32(0.5),
        Q16_16::from_f32(2.0),
        Q16_16::from_f32(3.0),
        0.125,
    );
    let f = step(0.5f64, 2.0, 3.0, 0.125);
    assert_eq!(w.to_f64(), f); // all values exact in Q16.16
    assert_eq!(w, Q16_16::from_f32(1.0));
    assert_eq!(
        Q16_16::ZERO.sigmoid() + Q16_16::ZERO.tanh(),
        Q16_16::from_f32(0.5)
    );
}
