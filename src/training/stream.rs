//! Streaming learning: samples learned as they arrive, with no data set in
//! RAM.
//!
//! A sensor gives one sample at a time. [`Trainer::learn`] takes it
//! directly (the fused batch-1 kernel with `Sgd` or `Momentum`),
//! checking the settings on every call; a [`Stream`] checks them once for a
//! run of samples and so costs per sample what `fit` does at batch 1. A
//! [`Replay`] buffer keeps the last `CAP` samples so that mini-batches drawn
//! from it can be stepped through the batched kernel with
//! [`Trainer::step`]: the network keeps seeing older samples while it adapts
//! to new ones.
//!
//! ```
//! use stacknet::prelude::*;
//! use stacknet::stream::Replay;
//!
//! type Line = (Dense<1, 1>, Identity<1>);
//! let mut net: Line = (Dense::from_arrays([[0.0]], [0.0]), Identity);
//! let mut trainer = Trainer::new(Sgd::default(), HalfMeanSquaredError);
//! let mut replay = Replay::<1, 1, 16>::new();
//! let mut rng = XorShiftRng::seed_from_u64(7);
//! let mut rows = [0u32; 4];
//! for i in 0..1000 {
//!     let x = [(i % 5) as f32 / 4.0];
//!     let y = [2.0 * x[0] + 1.0]; // the sensor's reading
//!     trainer.learn(&mut net, &x, &y, 0.1).unwrap();
//!     replay.push(&x, &y).unwrap();
//!     let batch = replay.draw(&mut rng, &mut rows).unwrap();
//!     trainer.step(&mut net, &batch, &rows, 0.1).unwrap();
//! }
//! assert!((net.forward(&[0.5])[0] - 2.0).abs() < 1e-3); // 2·0.5 + 1
//! ```
//!
//! [`Trainer::step`]: crate::training::train::Trainer::step

use rand_core::RngCore;

use crate::model::layer::Layer;
use crate::model::network::Network;
use crate::model::params::Zero;
use crate::num::Scalar;
use crate::training::loss::Loss;
use crate::training::optim::{NonFiniteStep, Optimizer, StepBounds};
use crate::training::train::{
    BestWeights, DataError, Dataset, NoMasks, TrainError, Trainer, below, check_rows, no_masks,
};

impl<S, N, Opt, L, B, const I: usize, const O: usize> Trainer<N, Opt, L, B, S>
where
    S: Scalar,
    N: Layer<S, Input = [S; I], Output = [S; O]> + Network<I, O, S>,
    Opt: Optimizer<N, S>,
    L: Loss<O, S>,
    B: BestWeights<N, S>,
{
    /// One step on one sample as it arrives, with no dataset in RAM: the
    /// call of streaming learning. Returns the sample's loss before the
    /// step.
    ///
    /// It is [`step`](Trainer::step) on a dataset of this one row, to the
    /// bit: with [`Sgd`](crate::training::optim::Sgd) or
    /// [`Momentum`](crate::training::optim::Momentum) the fused kernel,
    /// otherwise the batched kernel and [`Optimizer::step`]. So a stream of
    /// samples learned one by one gives the weights of
    /// [`fit`](Trainer::fit) with `Batch::Size(1)` and no shuffling over the
    /// same rows in the same order.
    ///
    /// The settings are checked first, then the sample (a NaN or infinite
    /// value is [`TrainError::Data`]); a step that would make a parameter,
    /// the optimizer state or the loss non-finite is
    /// [`TrainError::NonFinite`]. A refused call changes nothing.
    ///
    /// Every call checks the settings and measures every weight and
    /// optimizer value to prove the step finite, which costs a few times
    /// the instructions of the step itself; for a run of samples,
    /// [`stream`](Trainer::stream) does both once.
    ///
    /// ```
    /// use stacknet::prelude::*;
    /// type Line = (Dense<1, 1>, Identity<1>);
    /// let mut net: Line = (Dense::from_arrays([[0.0]], [0.0]), Identity);
    /// let mut trainer = Trainer::new(Sgd::default(), HalfMeanSquaredError);
    /// // the loss of ŷ = 0 against y = 2 is ½·2² = 2; then w = b = 0.1·2
    /// assert_eq!(trainer.learn(&mut net, &[1.0], &[2.0], 0.1), Ok(2.0));
    /// assert_eq!(net.forward(&[1.0]), [0.4]);
    /// ```
    pub fn learn(
        &mut self,
        net: &mut N,
        x: &[S; I],
        y: &[S; O],
        learning_rate: f32,
    ) -> Result<S, TrainError> {
        let learning_rate = self.check(net, learning_rate)?;
        no_masks::<S, N>()?;
        let sample = Dataset::new(core::slice::from_ref(x), core::slice::from_ref(y))?;
        self.checked_step(net, &sample, &[0], learning_rate)
    }

    /// Starts a [`Stream`]: the trainer and `net` borrowed together for a
    /// run of samples, the settings checked once here (as
    /// [`learn`](Trainer::learn) checks them, and the weights and optimizer
    /// state finite: [`TrainError::NonFiniteWeights`]), not per sample.
    ///
    /// With `Sgd` or `Momentum` it carries the fused kernel's magnitude
    /// bounds from sample to sample as [`fit`](Trainer::fit) does, instead
    /// of measuring every weight per call: a sample costs what it costs in
    /// `fit` at batch 1, plus the finiteness check of its `I + O` values.
    pub fn stream<'a>(
        &'a mut self,
        net: &'a mut N,
        learning_rate: f32,
    ) -> Result<Stream<'a, N, Opt, L, B, S>, TrainError> {
        let rate = self.check(net, learning_rate)?;
        no_masks::<S, N>()?;
        let bounds = StepBounds::measure::<N, Opt>(net, &self.state);
        if !(bounds.params.is_finite() && bounds.state.is_finite()) {
            return Err(TrainError::NonFiniteWeights);
        }
        Ok(Stream {
            trainer: self,
            net,
            rate,
            bounds,
            cache: N::Cache::ZERO,
        })
    }
}

/// A trainer and a network borrowed together to learn a run of samples
/// one at a time ([`Trainer::stream`]). While it lives nothing else can
/// change the weights, the optimizer state or the settings, so what was
/// checked when it started stays true.
pub struct Stream<'a, N: Layer<S>, Opt: Optimizer<N, S>, L, B = N, S: Scalar = f32> {
    trainer: &'a mut Trainer<N, Opt, L, B, S>,
    net: &'a mut N,
    rate: S,
    /// Bounds on the magnitudes of the weights and the optimizer state.
    bounds: StepBounds<S>,
    cache: N::Cache,
}

impl<S, N, Opt, L, B, const I: usize, const O: usize> Stream<'_, N, Opt, L, B, S>
where
    S: Scalar,
    N: Layer<S, Input = [S; I], Output = [S; O]> + Network<I, O, S>,
    Opt: Optimizer<N, S>,
    L: Loss<O, S>,
    B: BestWeights<N, S>,
{
    /// One step on one sample, the bits of [`Trainer::learn`]; returns the
    /// sample's loss before the step. A non-finite value in the sample is
    /// [`TrainError::Data`], a step that would make a value non-finite
    /// [`TrainError::NonFinite`]; either changes nothing.
    #[inline]
    pub fn learn(&mut self, x: &[S; I], y: &[S; O]) -> Result<S, TrainError> {
        check_rows(core::slice::from_ref(x), 1, y)?;
        if Opt::FUSED {
            let sample = (x, y);
            let cache = &mut self.cache;
            let limits = (&mut self.bounds, S::MAX);
            return self
                .trainer
                .fused_sample(self.net, cache, sample, self.rate, limits, &mut NoMasks)
                .map_err(|NonFiniteStep| TrainError::NonFinite);
        }
        let sample = Dataset::from_checked(core::slice::from_ref(x), core::slice::from_ref(y));
        self.trainer
            .checked_step(self.net, &sample, &[0], self.rate)
    }

    /// The network as it is now, to predict with between samples.
    pub fn net(&self) -> &N {
        self.net
    }
}

/// The last `CAP` samples of a stream, in two plain arrays: a ring that
/// overwrites the oldest sample once full. `size_of::<Replay<I, O, CAP, S>>()`
/// is `CAP · (I + O)` numbers and two counters, and `new` is a `const fn`,
/// so it can live in a `static`.
///
/// Every sample is checked as it is pushed, so the mini-batches drawn from
/// it are training data that cannot fail.
#[derive(Debug, Clone)]
pub struct Replay<const I: usize, const O: usize, const CAP: usize, S = f32> {
    inputs: [[S; I]; CAP],
    targets: [[S; O]; CAP],
    /// Samples held, up to `CAP`.
    len: usize,
    /// The slot the next push writes: the oldest sample once full.
    next: usize,
}

impl<S: Scalar, const I: usize, const O: usize, const CAP: usize> Default for Replay<I, O, CAP, S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Scalar, const I: usize, const O: usize, const CAP: usize> Replay<I, O, CAP, S> {
    /// An empty buffer. `CAP` must be at least 1 and fit a `u32` row
    /// number (a compile-time check).
    pub const fn new() -> Self {
        const {
            assert!(
                CAP > 0 && CAP <= u32::MAX as usize,
                "a replay buffer holds 1 to u32::MAX samples"
            )
        };
        Replay {
            inputs: [[S::ZERO; I]; CAP],
            targets: [[S::ZERO; O]; CAP],
            len: 0,
            next: 0,
        }
    }

    /// Keeps a sample, overwriting the oldest when full. A NaN or infinite
    /// value is refused (as row 0 of a [`DataError`]) and the buffer is left
    /// as it was.
    pub fn push(&mut self, x: &[S; I], y: &[S; O]) -> Result<(), DataError> {
        check_rows(core::slice::from_ref(x), 1, y)?;
        if let (Some(input), Some(target)) = (
            self.inputs.get_mut(self.next),
            self.targets.get_mut(self.next),
        ) {
            *input = *x;
            *target = *y;
            self.next = if self.next + 1 == CAP {
                0
            } else {
                self.next + 1
            };
            self.len = (self.len + 1).min(CAP);
        }
        Ok(())
    }

    /// Samples held: the pushes so far, at most `CAP`.
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` before the first push.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The samples held, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = (&[S; I], &[S; O])> {
        // full, the oldest is at `next`; not yet full, at slot 0
        let start = if self.len == CAP { self.next } else { 0 };
        let (inputs, targets) = self.held();
        let (newer, older) = inputs.split_at_checked(start).unwrap_or_default();
        let (newer_targets, older_targets) = targets.split_at_checked(start).unwrap_or_default();
        older
            .iter()
            .zip(older_targets)
            .chain(newer.iter().zip(newer_targets))
    }

    /// Fills `rows` with a mini-batch of uniformly drawn row numbers (with
    /// replacement: one [`below`] draw from `rng` each, in order, so a seed
    /// gives the same batches on every target) and returns the data they
    /// index, to pass to [`Trainer::step`](crate::training::train::Trainer::step)
    /// with `rows`. The rows are in slot order, not age order.
    ///
    /// An empty buffer is `TrainError::Data(DataError::Empty)`, an empty
    /// `rows` [`TrainError::NoRows`]; then nothing is drawn.
    pub fn draw<R: RngCore + ?Sized>(
        &self,
        rng: &mut R,
        rows: &mut [u32],
    ) -> Result<Dataset<'_, I, O, S>, TrainError> {
        if self.is_empty() {
            return Err(TrainError::Data(DataError::Empty));
        }
        if rows.is_empty() {
            return Err(TrainError::NoRows);
        }
        // `len` ≤ CAP ≤ u32::MAX, checked in `new`
        let len = u32::try_from(self.len).unwrap_or(u32::MAX);
        for row in rows.iter_mut() {
            *row = below(rng, len);
        }
        Ok(self.dataset())
    }

    /// The samples held as a [`Dataset`], in slot order (empty before the
    /// first push: check [`is_empty`](Replay::is_empty)).
    fn dataset(&self) -> Dataset<'_, I, O, S> {
        let (inputs, targets) = self.held();
        Dataset::from_checked(inputs, targets)
    }

    /// The filled slots (`len` ≤ `CAP` always holds).
    fn held(&self) -> (&[[S; I]], &[[S; O]]) {
        let inputs = self.inputs.get(..self.len).unwrap_or_default();
        let targets = self.targets.get(..self.len).unwrap_or_default();
        (inputs, targets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng;
    use rand_xorshift::XorShiftRng;

    #[test]
    fn the_ring_keeps_the_last_cap_samples_oldest_first() {
        let mut replay = Replay::<1, 1, 3>::new();
        assert!(replay.is_empty());
        assert_eq!(replay.iter().count(), 0);
        for i in 0..2 {
            replay.push(&[i as f32], &[10.0 * i as f32]).unwrap();
        }
        let held: heapless::Vec<(f32, f32), 3> = replay.iter().map(|(x, y)| (x[0], y[0])).collect();
        assert_eq!(held, [(0.0, 0.0), (1.0, 10.0)]);
        for i in 2..5 {
            replay.push(&[i as f32], &[10.0 * i as f32]).unwrap();
        }
        // five pushes into three slots: samples 2, 3, 4 remain, in order
        let held: heapless::Vec<(f32, f32), 3> = replay.iter().map(|(x, y)| (x[0], y[0])).collect();
        assert_eq!(held, [(2.0, 20.0), (3.0, 30.0), (4.0, 40.0)]);
        assert_eq!(replay.len(), 3);
    }

    #[test]
    fn a_non_finite_sample_is_refused_and_changes_nothing() {
        let mut replay = Replay::<2, 1, 2>::new();
        replay.push(&[1.0, 2.0], &[3.0]).unwrap();
        let before = replay.clone();
        assert_eq!(
            replay.push(&[f32::NAN, 0.0], &[0.0]),
            Err(DataError::NonFiniteInput { row: 0 })
        );
        assert_eq!(
            replay.push(&[0.0, 0.0], &[f32::INFINITY]),
            Err(DataError::NonFiniteTarget { row: 0 })
        );
        assert_eq!((replay.len, replay.next), (before.len, before.next));
        assert_eq!(replay.inputs, before.inputs);
        assert_eq!(replay.targets, before.targets);
    }

    #[test]
    fn draws_are_the_seeded_below_draws_in_range() {
        let mut replay = Replay::<1, 1, 8>::new();
        let mut rows = [0u32; 5];
        let mut rng = XorShiftRng::seed_from_u64(3);
        assert_eq!(
            replay.draw(&mut rng, &mut rows).unwrap_err(),
            TrainError::Data(DataError::Empty)
        );
        for i in 0..5 {
            replay.push(&[i as f32], &[0.0]).unwrap();
        }
        assert_eq!(
            replay.draw(&mut rng, &mut []).unwrap_err(),
            TrainError::NoRows
        );
        let mut rng = XorShiftRng::seed_from_u64(3);
        let data = replay.draw(&mut rng, &mut rows).unwrap();
        assert_eq!(data.len(), 5);
        let mut again = XorShiftRng::seed_from_u64(3);
        let expected: [u32; 5] = core::array::from_fn(|_| below(&mut again, 5));
        assert_eq!(rows, expected);
        assert!(rows.iter().all(|&r| r < 5));
    }
}
