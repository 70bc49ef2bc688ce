//! Q16.16 saturation is counted: every overflow, division by zero and
//! out-of-range conversion adds one. The counter is global, so this test has
//! a test binary to itself: no other test can saturate or reset it meanwhile.

use stacknet::Zero;
use stacknet::num::Q16_16;
use stacknet::num::Scalar;
use stacknet::num::fixed::{reset_saturations, saturations};

/// Every kind of event counts once, and exact results count nothing.
#[test]
fn saturations_are_counted() {
    let one = Q16_16::ONE;
    reset_saturations();
    // Exact results, even ones that land on MAX, and in-range rounding.
    let _ = Q16_16::SATURATED - Q16_16::EPSILON + Q16_16::EPSILON;
    let _ = Q16_16::from_f64(Q16_16::SATURATED.to_f64());
    let _ = (one / Q16_16::from_usize(3), one.exp(), one.ln(), one.sqrt());
    let _ = (
        Q16_16::from_f32(-40.0).exp(),
        Q16_16::from_f32(40.0).sigmoid(),
    );
    let _ = (
        Q16_16::SATURATED.ln(),
        Q16_16::SATURATED.sqrt(),
        Q16_16::ZERO.sqrt(),
    );
    assert_eq!(saturations(), 0);

    let events: [fn() -> Q16_16; 16] = [
        || Q16_16::SATURATED + Q16_16::EPSILON,
        || Q16_16::NEG_SATURATED - Q16_16::EPSILON,
        || Q16_16::NEG_SATURATED + Q16_16::NEG_SATURATED,
        || Q16_16::from_usize(200) * Q16_16::from_usize(200),
        || Q16_16::SATURATED / Q16_16::from_f32(0.5),
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
    let mut x = Q16_16::SATURATED;
    x += Q16_16::ONE;
    x *= Q16_16::from_usize(2);
    assert!(!x.is_finite());
    assert_eq!(saturations(), 18);
    reset_saturations();
    assert_eq!(saturations(), 0);
}
