//! XOR on a Cortex-M0 in Q16.16 fixed point: the `xor` image's 2-4-1
//! tanh/sigmoid MLP, settings and initial weights (drawn in `f32`, then
//! converted), trained with integer arithmetic only; prints the figures and
//! exits 0 only if the result is the host's, bit for bit.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use panic_semihosting as _;
use stacknet::num::{Convert, Q16_16};
use stacknet_firmware::expected;
use stacknet_firmware::xor_image::{self, Expected};

#[entry]
fn main() -> ! {
    let expected = Expected {
        epochs: expected::XOR_Q16_EPOCHS,
        loss: expected::XOR_Q16_LOSS,
        correct: expected::XOR_Q16_CORRECT,
        weights: expected::XOR_Q16_WEIGHTS,
    };
    // the loss is positive: raw / 2^16, in millionths, in integers
    let micro = |loss: Q16_16| (loss.to_raw() as u64 * 1_000_000) >> 16;
    xor_image::run(
        "xor_q16",
        |net| net.convert::<Q16_16>().net,
        micro,
        expected,
    )
}
