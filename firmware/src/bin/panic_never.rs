//! Panic-freedom proof: the same training and prediction as the `housing`,
//! `xor`, `xor_q16` and `housing_q16` images (f32 and Q16.16 fixed point), linked with `panic-never`, whose panic handler is an
//! undefined symbol. The link succeeds only if the optimiser removed every
//! panic path from the library's `Trainer::fit`, `forward`, `backward`,
//! optimizer step and loss, and from the shared setup code. Runnable too:
//! exits 0 when both results match the host's.
#![no_std]
#![no_main]

use core::ptr::addr_of_mut;

use cortex_m_rt::entry;
use panic_never as _;
use stacknet::num::{Convert, Q16_16};
use stacknet_firmware::board;
use stacknet_firmware::reference::{housing, housing_m0, xor};
use stacknet_firmware::{boston, expected};

static mut TRAIN_X: [[f32; 2]; housing::TRAIN_ROWS] = [[0.0; 2]; housing::TRAIN_ROWS];
static mut TEST_X: [[f32; 2]; housing::TEST_ROWS] = [[0.0; 2]; housing::TEST_ROWS];
static mut ORDER: [u32; housing::TRAIN_ROWS] = [0; housing::TRAIN_ROWS];
const Q0: Q16_16 = Q16_16::from_raw(0);
static mut TRAIN_X_Q16: [[Q16_16; 2]; housing::TRAIN_ROWS] = [[Q0; 2]; housing::TRAIN_ROWS];
static mut TEST_X_Q16: [[Q16_16; 2]; housing::TEST_ROWS] = [[Q0; 2]; housing::TEST_ROWS];

#[entry]
fn main() -> ! {
    // SAFETY: main runs once; nothing else touches these statics.
    let (train_x, test_x, order, train_x_q16, test_x_q16) = unsafe {
        (
            &mut *addr_of_mut!(TRAIN_X),
            &mut *addr_of_mut!(TEST_X),
            &mut *addr_of_mut!(ORDER),
            &mut *addr_of_mut!(TRAIN_X_Q16),
            &mut *addr_of_mut!(TEST_X_Q16),
        )
    };
    let housing = housing::run(
        &boston::TRAIN_X,
        &boston::TRAIN_Y,
        &boston::TEST_X,
        &boston::TEST_Y,
        train_x,
        test_x,
        order,
        |call| call.call(&mut ()),
    );
    let xor = xor::run(|net| net, |call| call.call(&mut ()));
    let xor_q16 = xor::run(|net| net.convert::<Q16_16>().net, |call| call.call(&mut ()));
    let housing_q16 = housing_m0::run(
        |net| net.convert::<Q16_16>().net,
        &boston::TRAIN_X_Q16,
        &boston::TRAIN_Y_Q16,
        &boston::TEST_X_Q16,
        &boston::TEST_Y_Q16,
        train_x_q16,
        test_x_q16,
        order,
        |call| call.call(&mut ()),
    );
    let ok = matches!(housing, Ok(h) if h.weights == expected::HOUSING_WEIGHTS
            && h.test_score.to_bits() == expected::HOUSING_TEST_MSE)
        && matches!(xor, Ok(x) if x.weights == expected::XOR_WEIGHTS)
        && matches!(xor_q16, Ok(x) if x.weights == expected::XOR_Q16_WEIGHTS)
        && matches!(housing_q16, Ok(h) if h.weights == expected::HOUSING_Q16_WEIGHTS);
    board::exit(if ok { 0 } else { 1 })
}
