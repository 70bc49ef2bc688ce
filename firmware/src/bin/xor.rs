//! XOR on a Cortex-M0 with 16 KB of RAM and no FPU: trains a 2-4-1
//! tanh/sigmoid MLP to 4/4 in soft-float `f32`, prints the figures and
//! exits 0 only if the result is the host's, bit for bit.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use panic_semihosting as _;
use stacknet_firmware::expected;
use stacknet_firmware::xor_image::{self, Expected};

#[entry]
fn main() -> ! {
    let expected = Expected {
        epochs: expected::XOR_EPOCHS,
        loss: expected::XOR_LOSS,
        correct: expected::XOR_CORRECT,
        weights: expected::XOR_WEIGHTS,
    };
    xor_image::run::<f32>("xor", |net| net, |loss| (loss * 1e6) as u64, expected)
}
