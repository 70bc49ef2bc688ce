//! Panic-freedom proof: the same training and prediction as the `housing`
//! and `xor` images, linked with `panic-never`, whose panic handler is an
//! undefined symbol. The link succeeds only if the optimiser removed every
//! panic path from the library's `Trainer::fit`, `forward`, `backward`,
//! optimizer step and loss, and from the shared setup code. Runnable too:
//! exits 0 when both results match the host's.
#![no_std]
#![no_main]

use core::ptr::addr_of_mut;

use cortex_m_rt::entry;
use panic_never as _;
use stacknet_firmware::board;
use stacknet_firmware::reference::{housing, xor};
use stacknet_firmware::{boston, expected};

static mut TRAIN_X: [[f32; 2]; housing::TRAIN_ROWS] = [[0.0; 2]; housing::TRAIN_ROWS];
static mut TEST_X: [[f32; 2]; housing::TEST_ROWS] = [[0.0; 2]; housing::TEST_ROWS];
static mut ORDER: [u32; housing::TRAIN_ROWS] = [0; housing::TRAIN_ROWS];

#[entry]
fn main() -> ! {
    // SAFETY: main runs once; nothing else touches these statics.
    let (train_x, test_x, order) = unsafe {
        (
            &mut *addr_of_mut!(TRAIN_X),
            &mut *addr_of_mut!(TEST_X),
            &mut *addr_of_mut!(ORDER),
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
    let ok = matches!(housing, Ok(h) if h.weights == expected::HOUSING_WEIGHTS
            && h.test_score.to_bits() == expected::HOUSING_TEST_MSE)
        && matches!(xor, Ok(x) if x.weights == expected::XOR_WEIGHTS);
    board::exit(if ok { 0 } else { 1 })
}
