//! What every board example runs, for any number type and any NOR flash:
//! resume from the newest checkpoint, learn online from a sensor stand-in
//! whose mapping drifts, and checkpoint to flash every [`CHECKPOINT_EVERY`]
//! samples.
#![no_std]

use embedded_storage::nor_flash::NorFlash;
use stacknet::checkpoint::Checkpoints;
use stacknet::layer::Layer;
use stacknet::network::Network;
use stacknet::num::Scalar;
use stacknet::prelude::*;
use stacknet::stream::Replay;
use stacknet::train::below;

/// The network: one input, eight ReLU units, one output.
pub type Net<S> = (Dense<1, 8, S>, Relu<8>, Dense<8, 1, S>);
/// Samples between two checkpoints.
pub const CHECKPOINT_EVERY: u32 = 1024;
/// The sample at which the sensor's mapping changes.
pub const DRIFT_AT: u32 = 2048;
/// Bytes of the record buffer: at least the network's `ENCODED_LEN`
/// (172 bytes in f32 or Q16.16).
pub const RECORD_BYTES: usize = 176;
/// Learning rate of every step.
const RATE: f32 = 0.05;

/// A sensor stand-in: a reading `x` in [−1, 1] from a seeded generator, and
/// the quantity it should map to, `0.5·x + 0.25` until sample [`DRIFT_AT`]
/// and `−0.5·x + 0.5` after it (the sensor was recalibrated).
pub struct Sensor {
    rng: XorShiftRng,
    count: u32,
}

impl Sensor {
    /// A sensor that has given `count` samples.
    pub fn new(count: u32) -> Self {
        Sensor {
            rng: XorShiftRng::seed_from_u64(u64::from(count)),
            count,
        }
    }

    /// The next reading and its target.
    pub fn read<S: Scalar>(&mut self) -> ([S; 1], [S; 1]) {
        let x = below(&mut self.rng, 2001) as f32 / 1000.0 - 1.0;
        let y = if self.count < DRIFT_AT {
            0.5 * x + 0.25
        } else {
            -0.5 * x + 0.5
        };
        self.count = self.count.wrapping_add(1);
        ([S::from_f32(x)], [S::from_f32(y)])
    }
}

/// How a run went.
#[derive(Debug, Clone, Copy, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Outcome {
    /// The sequence number of the checkpoint resumed from, if any.
    pub resumed: Option<u32>,
    /// The sequence number of the last checkpoint written, if any.
    pub saved: Option<u32>,
    /// Steps refused (non-finite); none are expected.
    pub refused: u32,
    /// The mean loss of the last [`CHECKPOINT_EVERY`] samples.
    pub recent_loss: f32,
}

/// Runs `samples` samples: resumes `Net<S>` from the flash's checkpoint
/// (two slots of `slot_len` bytes from its offset 0), or starts from seeded
/// weights, then learns each sample as it arrives and a mini-batch of four
/// from a 32-sample replay buffer every eighth sample, checkpointing every
/// [`CHECKPOINT_EVERY`].
pub fn run<S, F>(flash: F, slot_len: u32, samples: u32) -> Outcome
where
    S: Scalar,
    F: NorFlash,
    Net<S>: Layer<S, Input = [S; 1], Output = [S; 1]> + Network<1, 1, S>,
{
    let mut outcome = Outcome::default();
    let Ok(mut store) = Checkpoints::new(flash, 0, slot_len) else {
        return outcome;
    };
    let mut record = [0u8; RECORD_BYTES];
    let mut net = Net::<S>::random(Init::HeUniform, &mut XorShiftRng::seed_from_u64(1));
    outcome.resumed = store.load(&mut net, &mut record).ok();
    let resumed_at = outcome
        .resumed
        .map_or(0, |s| (s + 1).wrapping_mul(CHECKPOINT_EVERY));
    let mut sensor = Sensor::new(resumed_at);
    let mut trainer = Trainer::without_best_weights(Sgd::default(), HalfMeanSquaredError);
    let mut replay = Replay::<1, 1, 32, S>::new();
    let mut rng = XorShiftRng::seed_from_u64(7);
    let mut rows = [0u32; 4];
    let mut recent = 0.0;
    for k in 1..=samples {
        let (x, y) = sensor.read::<S>();
        match trainer.learn(&mut net, &x, &y, RATE) {
            Ok(loss) => recent += loss.to_f32(),
            Err(_error) => {
                #[cfg(feature = "defmt")]
                defmt::warn!("sample {=u32} refused: {}", k, _error);
                outcome.refused += 1;
            }
        }
        let _ = replay.push(&x, &y);
        if k % 8 == 0 {
            if let Ok(batch) = replay.draw(&mut rng, &mut rows) {
                if trainer.step(&mut net, &batch, &rows, RATE).is_err() {
                    outcome.refused += 1;
                }
            }
        }
        if k % CHECKPOINT_EVERY == 0 {
            outcome.saved = store.save(&net, &mut record).ok().or(outcome.saved);
            outcome.recent_loss = recent / CHECKPOINT_EVERY as f32;
            recent = 0.0;
            #[cfg(feature = "defmt")]
            defmt::info!("sample {=u32}: {}", k, outcome);
        }
    }
    outcome
}
