//! Learning on the device, and surviving a reset: the `drift` image (M4F).
//!
//! First boot: the 1-8-1 network starts from the weights trained on the
//! host and baked into flash (`shared/drift_start.rs`), the simulated
//! sensor drifts, the network adapts sample by sample, is checkpointed
//! (`stacknet::checkpoint`, two slots in emulated NOR flash:
//! `ram_flash.rs`), and the image resets the core. Second boot: the
//! checkpoint is found and loaded, its CRC and weights are printed and
//! checked, and the network predicts fresh readings as well as before the
//! reset. Exits 0 only if every figure is the host's, bit for bit.
#![no_std]
#![no_main]

use core::ptr::addr_of_mut;

use cortex_m::peripheral::SCB;
use cortex_m_rt::entry;
use embedded_storage::nor_flash::ErrorType;
use panic_semihosting as _;
use stacknet::checkpoint::{CheckpointError, Checkpoints};
use stacknet::persist::Persist;
use stacknet_firmware::board::Hex;
use stacknet_firmware::board::{self, Clock, StackProbe};
use stacknet_firmware::ram_flash::{RamFlash, CAPACITY};
use stacknet_firmware::reference::{drift, weights_checksum};
use stacknet_firmware::say;
use stacknet_firmware::{drift_start, expected};

// The readings of the cost comparison, and fit's order buffer.
static mut XS: [[f32; 1]; drift::COMPARED] = [[0.0]; drift::COMPARED];
static mut YS: [[f32; 1]; drift::COMPARED] = [[0.0]; drift::COMPARED];
static mut ORDER: [u32; drift::COMPARED] = [0; drift::COMPARED];

/// The record buffer checkpoints go through.
const RECORD: usize = <drift::Net as Persist>::ENCODED_LEN;

#[entry]
fn main() -> ! {
    let (flash, blank) = RamFlash::take();
    let Ok(mut checkpoints) = Checkpoints::new(flash, 0, (CAPACITY / 2) as u32) else {
        board::exit(2)
    };
    let mut buffer = [0u8; RECORD];
    let mut net = drift_start::START;
    match checkpoints.load(&mut net, &mut buffer) {
        Err(CheckpointError::NoCheckpoint) => first_boot(blank, &mut checkpoints, &mut buffer),
        Ok(sequence) => resume(sequence, &net, &buffer),
        Err(_) => {
            say!("error: the checkpoint could not be read");
            board::exit(2)
        }
    }
}

/// From the baked weights: adapt to the drift, checkpoint, reset.
fn first_boot(blank: bool, checkpoints: &mut Checkpoints<RamFlash>, buffer: &mut [u8]) -> ! {
    say!("boot=1 flash_blank=", blank);
    let mut net = drift_start::START;
    let mut trainer = drift::Train::without_best_weights(drift::OPTIMIZER, drift::Cost::default());
    let Ok(d) = drift::adapt(&mut net, &mut trainer) else {
        say!("error: adapting failed");
        board::exit(2)
    };
    say!("drift.before=", Hex(d.before.to_bits()));
    say!("drift.after_drift=", Hex(d.after_drift.to_bits()));
    say!("drift.adapted=", Hex(d.adapted.to_bits()));
    say!("drift.weights=", Hex(d.weights));
    say!("before_micro=", micro(d.before));
    say!("after_drift_micro=", micro(d.after_drift));
    say!("adapted_micro=", micro(d.adapted));
    let same = d.before.to_bits() == expected::DRIFT_BEFORE
        && d.after_drift.to_bits() == expected::DRIFT_AFTER_DRIFT
        && d.adapted.to_bits() == expected::DRIFT_ADAPTED
        && d.weights == expected::DRIFT_WEIGHTS;
    say!("boot1_matches_host=", same);
    if !same {
        board::exit(1)
    }
    // through a pointer the optimiser cannot see through, so the save is a
    // real call whose stack the probe measures
    let save: Save = core::hint::black_box(save);
    let probe = StackProbe::start();
    let saved = save(checkpoints, &net, buffer);
    let stack = probe.call_peak();
    let Ok(sequence) = saved else {
        say!("error: the checkpoint could not be written");
        board::exit(2)
    };
    say!("checkpoint_record_bytes=", RECORD);
    say!("checkpoint_stack_bytes=", stack);
    say!(
        "checkpoint.sequence=",
        sequence,
        " checkpoint.crc=",
        Hex(crc(buffer))
    );
    say!("resetting");
    SCB::sys_reset()
}

/// From the checkpoint: prove the weights are the checkpoint's, predict.
fn resume(sequence: u32, net: &drift::Net, buffer: &[u8]) -> ! {
    say!("boot=2");
    let weights = weights_checksum(net);
    say!(
        "resumed.sequence=",
        sequence,
        " resumed.crc=",
        Hex(crc(buffer))
    );
    say!("resumed.weights=", Hex(weights));
    let resumed = drift::resumed_error(net);
    say!("drift.resumed=", Hex(resumed.to_bits()));
    say!("resumed_micro=", micro(resumed));
    // the cost of a streamed sample against a sample of `fit` at batch 1
    // (SAFETY: main runs once; nothing else touches these statics)
    let (xs, ys, order) = unsafe {
        (
            &mut *addr_of_mut!(XS),
            &mut *addr_of_mut!(YS),
            &mut *addr_of_mut!(ORDER),
        )
    };
    let mut counts = [0u64; 2];
    let mut runs = counts.iter_mut();
    let compared = drift::stream_against_fit(net, xs, ys, order, &mut |run| {
        let mut clock = Clock::start();
        let result = run();
        clock.lap();
        if let Some(count) = runs.next() {
            *count = clock.instructions();
        }
        result
    });
    let Ok((streamed, fitted)) = compared else {
        board::exit(2)
    };
    let per_sample = counts.map(|c| board::div_rem(c, drift::COMPARED as u64).0);
    say!("drift.compared=", Hex(streamed));
    say!("stream_instructions_per_sample=", per_sample[0]);
    say!("fit_instructions_per_sample=", per_sample[1]);
    let same = weights == expected::DRIFT_WEIGHTS
        && resumed.to_bits() == expected::DRIFT_RESUMED
        && streamed == expected::DRIFT_COMPARED
        && fitted == streamed;
    say!("flash_bytes=", board::flash_bytes());
    say!("static_ram_bytes=", board::static_ram_bytes());
    say!("resumed_matches_host=", same);
    board::exit(if same { 0 } else { 1 })
}

type Save = fn(&mut Checkpoints<RamFlash>, &drift::Net, &mut [u8]) -> Result<u32, Error>;
type Error = CheckpointError<<RamFlash as ErrorType>::Error>;

/// Writes a checkpoint of `net`.
fn save(
    checkpoints: &mut Checkpoints<RamFlash>,
    net: &drift::Net,
    buffer: &mut [u8],
) -> Result<u32, Error> {
    checkpoints.save(net, buffer)
}

/// The record's CRC-32: its last four bytes.
fn crc(record: &[u8]) -> u32 {
    match record {
        [.., a, b, c, d] => u32::from_le_bytes([*a, *b, *c, *d]),
        _ => 0,
    }
}

/// `x × 10⁶` as an integer (printing an `f32` costs ~20 KB of flash).
fn micro(x: f32) -> u32 {
    (x * 1e6) as u32
}
