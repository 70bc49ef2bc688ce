//! Boston housing on a Cortex-M0 in soft-float `f32`: the 2-4-3-1 MLP
//! trained sample by sample on the 404 training rows in flash, standardised
//! in `f32`, tested on the 102 others; beside `housing_q16`, the same run in
//! Q16.16. Exits 0 only if the result is the host's, bit for bit.
#![no_std]
#![no_main]

use core::ptr::addr_of_mut;

use cortex_m_rt::entry;
use panic_semihosting as _;
use stacknet_firmware::housing_m0::{self, Buffers, Expected, Rows};
use stacknet_firmware::reference::housing::{TEST_ROWS, TRAIN_ROWS};
use stacknet_firmware::{boston, expected};

// Standardised inputs and the shuffle order: the only data-sized RAM.
static mut TRAIN_X: [[f32; 2]; TRAIN_ROWS] = [[0.0; 2]; TRAIN_ROWS];
static mut TEST_X: [[f32; 2]; TEST_ROWS] = [[0.0; 2]; TEST_ROWS];
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
        train_x: &boston::TRAIN_X,
        train_y: &boston::TRAIN_Y,
        test_x: &boston::TEST_X,
        test_y: &boston::TEST_Y,
    };
    let expected = Expected {
        inputs: expected::HOUSING_M0_INPUTS,
        epochs: expected::HOUSING_M0_EPOCHS,
        train_mse: expected::HOUSING_M0_TRAIN_MSE,
        test_mse: expected::HOUSING_M0_TEST_MSE,
        weights: expected::HOUSING_M0_WEIGHTS,
    };
    housing_m0::run(
        "housing_m0",
        |net| net,
        rows,
        buffers,
        |x| (x * 1000.0) as u32,
        expected,
    )
}
