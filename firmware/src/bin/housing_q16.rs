//! Boston housing on a Cortex-M0 in Q16.16 fixed point: the `housing_m0`
//! run (same network, initial weights drawn in `f32` and converted, same
//! settings) on the rows baked into flash in Q16.16, standardised and
//! trained with integer arithmetic. Exits 0 only if the result is the
//! host's, bit for bit.
#![no_std]
#![no_main]

use core::ptr::addr_of_mut;

use cortex_m_rt::entry;
use panic_semihosting as _;
use stacknet::num::{Convert, Q16_16};
use stacknet_firmware::housing_m0::{self, Buffers, Expected, Rows};
use stacknet_firmware::reference::housing::{TEST_ROWS, TRAIN_ROWS};
use stacknet_firmware::{boston, expected};

// Standardised inputs and the shuffle order: the only data-sized RAM.
static mut TRAIN_X: [[Q16_16; 2]; TRAIN_ROWS] = [[Q16_16::from_raw(0); 2]; TRAIN_ROWS];
static mut TEST_X: [[Q16_16; 2]; TEST_ROWS] = [[Q16_16::from_raw(0); 2]; TEST_ROWS];
static mut ORDER: [u32; TRAIN_ROWS] = [0; TRAIN_ROWS];

#[entry]
fn main() -> ! {
    // SAFETY: main runs once; nothing else touches these statics.
    let buffers = unsafe {
        Buffers {
            train_x: &mut *addr_of_mut!(TRAIN_X),
            test_x: &mut *addr_of_mut!(TEST_X),
            order: &mut *addr_of_mut!(ORDER),
        }
    };
    let rows = Rows {
        train_x: &boston::TRAIN_X_Q16,
        train_y: &boston::TRAIN_Y_Q16,
        test_x: &boston::TEST_X_Q16,
        test_y: &boston::TEST_Y_Q16,
    };
    let expected = Expected {
        inputs: expected::HOUSING_Q16_INPUTS,
        epochs: expected::HOUSING_Q16_EPOCHS,
        train_mse: expected::HOUSING_Q16_TRAIN_MSE,
        test_mse: expected::HOUSING_Q16_TEST_MSE,
        weights: expected::HOUSING_Q16_WEIGHTS,
    };
    // the MSE is positive: raw / 2^16, in thousandths, in integers
    let milli = |mse: Q16_16| ((mse.to_raw() as u64 * 1000) >> 16) as u32;
    housing_m0::run(
        "housing_q16",
        |net| net.convert::<Q16_16>().net,
        rows,
        buffers,
        milli,
        expected,
    )
}
