//! XOR on a Cortex-M0 in Q16.16 fixed point: the `xor` image's 2-4-1
//! tanh/sigmoid MLP, settings and initial weights (drawn in `f32`, then
//! converted), trained with integer arithmetic only; prints the figures and
//! exits 0 only if the result is the host's, bit for bit.
#![no_std]
#![no_main]

use core::hint::black_box;
use core::mem::size_of;

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use panic_semihosting as _;
use stacknet::num::{Scalar, Q16_16};
use stacknet::train::{FitSummary, TrainError};
use stacknet_firmware::board::{self, Clock, StackProbe};
use stacknet_firmware::expected;
use stacknet_firmware::reference::{xor, xor_q16, FitCall};

type Call<'a, 'd> =
    FitCall<'a, 'd, xor_q16::Net, stacknet::optim::Momentum, xor_q16::Cost, xor::Fit, Q16_16>;

#[entry]
fn main() -> ! {
    let mut clock = Clock::start();
    let mut stack = None;
    let outcome = xor_q16::run(|call| {
        let probe = StackProbe::start();
        let fit: fn(Call<'_, '_>, &mut Clock) -> Result<FitSummary, TrainError> =
            black_box(|call, clock| call.call(clock));
        let result = fit(call, &mut clock);
        stack = Some(probe);
        result
    });
    let Ok(outcome) = outcome else {
        hprintln!("error: training failed");
        board::exit(2)
    };
    let Some(stack) = stack else { board::exit(2) };
    let (fit_stack, program_stack) = (stack.call_peak(), stack.program_peak());
    let instructions = clock.instructions();
    let epochs = u64::from(outcome.epochs.max(1));
    let correct = (outcome.test_score.to_raw() >> 16) as u32;
    let loss = outcome.train_loss.to_bits() as u32;

    hprintln!("machine: {}", board::MACHINE);
    hprintln!("xor_q16.epochs={}", outcome.epochs);
    hprintln!("xor_q16.loss={:#010x}", loss);
    hprintln!("xor_q16.correct={}", correct);
    hprintln!("xor_q16.weights={:#010x}", outcome.weights);
    // the loss is positive: raw / 2^16, in millionths, in integers
    hprintln!("loss_micro={}", (u64::from(loss) * 1_000_000) >> 16);
    hprintln!("instructions_per_epoch={}", instructions / epochs);
    hprintln!("instructions_per_sample={}", instructions / epochs / 4);
    hprintln!("flash_bytes={}", board::flash_bytes());
    hprintln!("static_ram_bytes={}", board::static_ram_bytes());
    hprintln!("stack_peak_fit_bytes={}", fit_stack);
    hprintln!("stack_peak_program_bytes={}", program_stack);
    hprintln!("net_bytes={}", size_of::<xor_q16::Net>());
    hprintln!("trainer_bytes={}", size_of::<xor_q16::Train>());
    hprintln!(
        "training_state_bytes={}",
        size_of::<xor_q16::Net>() + size_of::<xor_q16::Train>()
    );

    let same = outcome.epochs == expected::XOR_Q16_EPOCHS
        && loss == expected::XOR_Q16_LOSS
        && correct == expected::XOR_Q16_CORRECT
        && outcome.weights == expected::XOR_Q16_WEIGHTS;
    hprintln!("matches_host={}", same);
    hprintln!("all_four_right={}", correct == 4);
    board::exit(if same && correct == 4 { 0 } else { 1 })
}
