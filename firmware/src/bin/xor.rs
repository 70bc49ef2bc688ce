//! XOR on a Cortex-M0 with 16 KB of RAM and no FPU: trains a 2-4-1
//! tanh/sigmoid MLP to 4/4, prints the figures and exits 0 only if the
//! result is the host's, bit for bit.
#![no_std]
#![no_main]

use core::hint::black_box;
use core::mem::size_of;

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use panic_semihosting as _;
use stacknet::train::{FitSummary, TrainError};
use stacknet_firmware::board::{self, Clock, StackProbe};
use stacknet_firmware::expected;
use stacknet_firmware::reference::{xor, FitCall};

type Call<'a, 'd> = FitCall<'a, 'd, xor::Net, stacknet::optim::Momentum, xor::Cost, xor::Fit>;

#[entry]
fn main() -> ! {
    let mut clock = Clock::start();
    let mut stack = None;
    let outcome = xor::run(|call| {
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
    let correct = outcome.test_score as u32;

    hprintln!("machine: {}", board::MACHINE);
    hprintln!("xor.epochs={}", outcome.epochs);
    hprintln!("xor.loss={:#010x}", outcome.train_loss.to_bits());
    hprintln!("xor.correct={}", correct);
    hprintln!("xor.weights={:#010x}", outcome.weights);
    hprintln!("loss_micro={}", (outcome.train_loss * 1e6) as u32);
    hprintln!("instructions_per_epoch={}", instructions / epochs);
    hprintln!("instructions_per_sample={}", instructions / epochs / 4);
    hprintln!("flash_bytes={}", board::flash_bytes());
    hprintln!("static_ram_bytes={}", board::static_ram_bytes());
    hprintln!("stack_peak_fit_bytes={}", fit_stack);
    hprintln!("stack_peak_program_bytes={}", program_stack);
    hprintln!("net_bytes={}", size_of::<xor::Net>());
    hprintln!("trainer_bytes={}", size_of::<xor::Train>());
    hprintln!(
        "training_state_bytes={}",
        size_of::<xor::Net>() + size_of::<xor::Train>()
    );

    let same = outcome.epochs == expected::XOR_EPOCHS
        && outcome.train_loss.to_bits() == expected::XOR_LOSS
        && correct == expected::XOR_CORRECT
        && outcome.weights == expected::XOR_WEIGHTS;
    hprintln!("matches_host={}", same);
    hprintln!("all_four_right={}", correct == 4);
    board::exit(if same && correct == 4 { 0 } else { 1 })
}
