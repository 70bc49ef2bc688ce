//! Mini-batches in SIMD lanes: a batched forward and backward beside
//! [`Layer`], with the same parameter and gradient types.
//!
//! A batch of `B` samples of `N` features is laid out *feature-major*,
//! `[[f32; B]; N]`: for each feature, the `B` samples side by side. Every
//! inner loop then runs over samples, so plain safe loops vectorise on any
//! target with SIMD, and the per-sample arithmetic is unchanged.
//!
//! `B` is best kept to a SIMD block or two (4 to 16): a block's arrays then
//! stay in registers. A mini-batch of any size is several blocks: call
//! [`backward_batch_lanes`](BatchLayer::backward_batch_lanes) on each block
//! in turn into the same [lanes](BatchLayer::LaneGrads), then
//! [`sum_lanes`](BatchLayer::sum_lanes) and step once (as `Trainer` does);
//! or [`backward_batch`](BatchLayer::backward_batch), which adds one block's
//! gradient. (For the 2-4-3-1 MLP on x86-64, blocks of 8 train a mini-batch
//! of 32 several times faster than one call with `B = 32`, whose arrays
//! spill to memory.)
//!
//! [`to_batch`], [`from_batch`], [`load_batch`] and [`store_batch`] move
//! samples between the usual `[[f32; N]]` rows and this layout;
//! [`forward_rows`] predicts any number of rows `B` at a time.
//!
//! ```
//! use stacknet::batch::{BatchLayer, load_batch};
//! use stacknet::prelude::*;
//!
//! type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
//! let mut rng = XorShiftRng::seed_from_u64(0);
//! let mut net = Net::random(Init::HeNormal, &mut rng);
//! let rows = [[0.5, -1.0], [1.0, 0.25], [-0.5, 2.0]];
//! let targets = [2.0, 1.0, -1.0];
//!
//! // one mini-batch step: the batch has room for 4 samples, 3 are used
//! let mut x = [[0.0; 4]; 2];
//! let n = load_batch(&rows, &mut x);
//! let (mut cache, mut grads) = (<Net as BatchLayer<4>>::BatchCache::ZERO, Net::ZERO);
//! let y = net.forward_batch_train(&x, &mut cache);
//! let mut g = [[0.0; 4]; 1]; // unused lanes keep a zero gradient
//! for s in 0..n {
//!     g[0][s] = (y[0][s] - targets[s]) / n as f32; // ∂ of the batch-mean ½(y − t)²
//! }
//! net.backward_batch(&cache, &g, &mut grads);
//! net.sgd_step(&grads, 0.01);
//! ```
//!
//! ## Which bits
//!
//! For every layer, each output of [`forward_batch`](BatchLayer::forward_batch)
//! and [`forward_batch_train`](BatchLayer::forward_batch_train), and each input
//! gradient of [`backward_batch`](BatchLayer::backward_batch), is computed with
//! the same operations in the same order as [`Layer::forward`] and
//! [`Layer::backward`] on that sample alone, so the results are bit for bit
//! equal. Parameter gradients are summed in [`GRAD_LANES`] lanes: sample `k`
//! of a mini-batch adds into lane `k % 4`, in sample order, and the lanes
//! are added up once, `(l0 + l1) + (l2 + l3)`. On SIMD targets a parameter's
//! lanes are one vector, so a block adds into them with vector instructions
//! instead of a chain of scalar additions; a target that runs blocks of one
//! sample keeps the same lanes, so every target gets the same bits. These are
//! not the bits of summing the samples in order, [`Layer::backward`]'s: the
//! tests check the lanes against per-sample gradients added into four
//! separate gradients.
//!
//! A lane starts at `+0.0`, and adding `±0.0` to a sum that is not `−0.0`
//! changes nothing, so a lane can never become `−0.0`, and lanes whose output
//! gradient is zero (the unused lanes of a partly filled batch) add nothing.

use rand_core::RngCore;

use crate::model::layer::Layer;
use crate::model::params::Zero;
use crate::num::Scalar;

/// Running sums per parameter in a mini-batch's gradient: sample `k` of the
/// mini-batch adds into lane `k % GRAD_LANES`, and the lanes are added up
/// once, `(l0 + l1) + (l2 + l3)`. On SIMD targets a lane set is one vector,
/// so a block of samples adds into it with vector instructions; other
/// targets keep the same lanes one sample at a time, so every target sums
/// in the same order and gets the same bits.
pub const GRAD_LANES: usize = 4;

/// A [`Layer`] that also runs `B` samples at once, laid out feature-major.
///
/// `BatchInput` is `[[S; B]; I]` for a layer with `I` inputs and
/// `BatchOutput` is `[[S; B]; O]`. Gradients go into a value of the
/// layer's own type, as with [`Layer::backward`], so optimizers and
/// [`Params`](crate::model::params::Params) work unchanged.
pub trait BatchLayer<const B: usize, S: Scalar = f32>: Layer<S> {
    /// `B` inputs, feature-major: `[[f32; B]; I]`.
    type BatchInput: Copy + Zero;
    /// `B` outputs, feature-major: `[[f32; B]; O]`.
    type BatchOutput: Copy + Zero;
    /// What [`backward_batch`](BatchLayer::backward_batch) needs from the
    /// forward pass of the batch.
    type BatchCache: Copy + Zero;

    /// Prediction for `B` samples: output `[o][s]` is
    /// [`Layer::forward`] of sample `s`, bit for bit.
    fn forward_batch(&self, input: &Self::BatchInput) -> Self::BatchOutput;

    /// The outputs for `B` samples, saving in `cache` what
    /// [`backward_batch`](BatchLayer::backward_batch) needs.
    fn forward_batch_train(
        &self,
        input: &Self::BatchInput,
        cache: &mut Self::BatchCache,
    ) -> Self::BatchOutput;

    /// The parameter gradients in [`GRAD_LANES`] lanes: for each parameter,
    /// `GRAD_LANES` running sums side by side. `()` for a layer without
    /// parameters.
    type LaneGrads: Copy + Zero;

    /// Back-propagates `grad_output` (∂loss/∂output of each sample) through
    /// the layer: *adds* the block's ∂loss/∂parameters into `grads` (the
    /// block's [lane sums](BatchLayer::backward_batch_lanes), added up by
    /// [`sum_lanes`](BatchLayer::sum_lanes)), and returns ∂loss/∂input of
    /// each sample. `cache` must come from the `forward_batch_train` of the
    /// same batch.
    #[inline(always)]
    fn backward_batch(
        &self,
        cache: &Self::BatchCache,
        grad_output: &Self::BatchOutput,
        grads: &mut Self,
    ) -> Self::BatchInput {
        let mut lanes = Self::LaneGrads::ZERO;
        let dx = self.backward_batch_lanes(cache, grad_output, &mut lanes, 0);
        let mut block = Self::ZERO;
        Self::sum_lanes(&lanes, &mut block);
        grads.add_assign(&block);
        dx
    }

    /// [`backward_batch`](BatchLayer::backward_batch) into lanes: sample `s`
    /// of the block adds its ∂loss/∂parameters into lane
    /// `(first_lane + s) % GRAD_LANES`, after what that lane holds. A
    /// mini-batch of several blocks keeps one set of lanes, so lane `l`
    /// sums the samples `l, l + 4, l + 8, …` in that order, whatever the
    /// block size.
    fn backward_batch_lanes(
        &self,
        cache: &Self::BatchCache,
        grad_output: &Self::BatchOutput,
        lanes: &mut Self::LaneGrads,
        first_lane: usize,
    ) -> Self::BatchInput;

    /// Sets each parameter of `grads` to its lanes added up, `(l0 + l1) +
    /// (l2 + l3)`. Nothing for a layer without parameters.
    #[inline(always)]
    fn sum_lanes(lanes: &Self::LaneGrads, grads: &mut Self) {
        let _ = (lanes, grads);
    }

    /// Adds one sample's gradient `grads` (from [`Layer::backward`] into a
    /// zero gradient) into lane `lane` (`< GRAD_LANES`): the same sum as
    /// [`backward_batch_lanes`](BatchLayer::backward_batch_lanes) for that
    /// sample.
    #[inline(always)]
    fn add_to_lane(lanes: &mut Self::LaneGrads, grads: &Self, lane: usize) {
        let _ = (lanes, grads, lane);
    }

    /// Draws the masks of sample `lane` into `cache`, as
    /// [`Layer::draw_masks`] draws them for one sample, so that drawing
    /// lane after lane takes the same values from `rng` as the per-sample
    /// path (whatever `B` is). Layers without masks draw nothing.
    #[inline]
    fn draw_lane_masks<R: RngCore + ?Sized>(
        &self,
        cache: &mut Self::BatchCache,
        lane: usize,
        rng: &mut R,
    ) {
        let _ = (cache, lane, rng);
    }
}

/// `B` samples into the batch layout: `to_batch(s)[n][k] == s[k][n]`.
///
/// ```
/// let batch = stacknet::batch::to_batch(&[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
/// assert_eq!(batch, [[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]);
/// ```
#[inline]
pub fn to_batch<S: Scalar, const N: usize, const B: usize>(samples: &[[S; N]; B]) -> [[S; B]; N] {
    let mut batch = [[S::ZERO; B]; N];
    load_batch(samples, &mut batch);
    batch
}

/// The batch layout back into `B` samples: the inverse of [`to_batch`].
#[inline]
pub fn from_batch<S: Scalar, const N: usize, const B: usize>(batch: &[[S; B]; N]) -> [[S; N]; B] {
    let mut samples = [[S::ZERO; N]; B];
    store_batch(batch, &mut samples);
    samples
}

/// Copies up to `B` samples from `samples` into `batch` and sets the lanes
/// after them to zero. Returns how many samples were loaded
/// (`min(samples.len(), B)`).
///
/// ```
/// use stacknet::batch::load_batch;
/// let mut batch = [[9.0; 4]; 2];
/// assert_eq!(load_batch(&[[1.0, 2.0], [3.0, 4.0]], &mut batch), 2);
/// assert_eq!(batch, [[1.0, 3.0, 0.0, 0.0], [2.0, 4.0, 0.0, 0.0]]);
/// ```
#[inline]
pub fn load_batch<S: Scalar, const N: usize, const B: usize>(
    samples: &[[S; N]],
    batch: &mut [[S; B]; N],
) -> usize {
    let count = samples.len().min(B);
    *batch = [[S::ZERO; B]; N];
    for (s, sample) in samples.iter().take(B).enumerate() {
        for (feature, &v) in batch.iter_mut().zip(sample) {
            feature[s] = v;
        }
    }
    count
}

/// Copies the first samples of `batch` into `samples`, as many as fit
/// (`min(samples.len(), B)`), and returns that count.
#[inline]
pub fn store_batch<S: Scalar, const N: usize, const B: usize>(
    batch: &[[S; B]; N],
    samples: &mut [[S; N]],
) -> usize {
    let count = samples.len().min(B);
    for (s, sample) in samples.iter_mut().take(B).enumerate() {
        for (v, feature) in sample.iter_mut().zip(batch) {
            *v = feature[s];
        }
    }
    count
}

/// Error from [`forward_rows`] when there are not as many output rows as
/// input rows. Nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RowCountMismatch {
    /// The number of input rows.
    pub inputs: usize,
    /// The number of output rows.
    pub outputs: usize,
}

impl core::fmt::Display for RowCountMismatch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{} input rows but {} output rows",
            self.inputs, self.outputs
        )
    }
}

impl core::error::Error for RowCountMismatch {}

/// Predicts every row of `inputs` into the same row of `outputs`, running
/// `B` rows at a time through [`forward_batch`](BatchLayer::forward_batch)
/// (the last batch zero-padded). Each output is [`Layer::forward`] of its
/// row, bit for bit.
///
/// ```
/// use stacknet::batch::forward_rows;
/// use stacknet::prelude::*;
/// type Net = (Dense<2, 3>, Tanh<3>, Dense<3, 1>);
/// let net = Net::random(Init::XavierUniform, &mut XorShiftRng::seed_from_u64(1));
/// let rows = [[0.5, 1.0]; 10];
/// let mut out = [[0.0; 1]; 10];
/// forward_rows::<8, 2, 1, Net, f32>(&net, &rows, &mut out).unwrap();
/// assert_eq!(out[9], net.forward(&rows[9]));
/// ```
pub fn forward_rows<const B: usize, const I: usize, const O: usize, L, S: Scalar>(
    net: &L,
    inputs: &[[S; I]],
    outputs: &mut [[S; O]],
) -> Result<(), RowCountMismatch>
where
    L: BatchLayer<B, S, BatchInput = [[S; B]; I], BatchOutput = [[S; B]; O]>,
{
    const { assert!(B > 0, "a batch holds at least one sample") };
    if inputs.len() != outputs.len() {
        return Err(RowCountMismatch {
            inputs: inputs.len(),
            outputs: outputs.len(),
        });
    }
    let mut inputs = inputs.chunks_exact(B);
    let mut outputs = outputs.chunks_exact_mut(B);
    for (rows, out) in (&mut inputs).zip(&mut outputs) {
        if let Ok(rows) = <&[[S; I]; B]>::try_from(rows) {
            let y = from_batch(&net.forward_batch(&to_batch(rows)));
            for (out, y) in out.iter_mut().zip(&y) {
                *out = *y;
            }
        }
    }
    let mut x = [[S::ZERO; B]; I];
    load_batch(inputs.remainder(), &mut x);
    store_batch(&net.forward_batch(&x), outputs.into_remainder());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::init::{Init, uniform01};
    use crate::model::layers::{
        Dense, Elu, Gelu, HardSigmoid, HardTanh, Identity, LeakyRelu, Relu, Sigmoid, Silu, Softmax,
        Softplus, Tanh,
    };
    use crate::model::params::Params;
    use rand_core::SeedableRng;
    use rand_xorshift::XorShiftRng;

    type Mlp = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
    /// Every layer type, with sizes that are not powers of two.
    type Mixed = (
        Dense<3, 5>,
        LeakyRelu<5>,
        Dense<5, 6>,
        Sigmoid<6>,
        Dense<6, 4>,
        Tanh<4>,
        Dense<4, 3>,
        Identity<3>,
        Dense<3, 7>,
        Relu<7>,
        Dense<7, 3>,
        Softmax<3>,
    );

    fn random_array<const N: usize>(rng: &mut XorShiftRng, scale: f32) -> [f32; N] {
        let mut a = [0.0; N];
        for v in &mut a {
            *v = scale * (2.0 * uniform01(rng) - 1.0);
        }
        a
    }

    fn bits<P: Params>(p: &P) -> [u32; 512] {
        let mut out = [0u32; 512];
        let mut k = 0;
        p.for_each_block(|b| {
            for v in b {
                out[k] = v.to_bits();
                k += 1;
            }
        });
        out
    }

    /// `start + ((l0 + l1) + (l2 + l3))`, parameter by parameter.
    fn lane_sums<P: Params + Copy>(start: &P, lanes: &[P; GRAD_LANES]) -> P {
        let mut sum = *start;
        let mut k = 0;
        let values = |p: &P| {
            let mut out = [0.0f32; 512];
            let mut n = 0;
            p.for_each_block(|b| {
                out[n..n + b.len()].copy_from_slice(b);
                n += b.len();
            });
            out
        };
        let l = lanes.each_ref().map(values);
        sum.for_each_block_mut(|b| {
            for v in b {
                *v += (l[0][k] + l[1][k]) + (l[2][k] + l[3][k]);
                k += 1;
            }
        });
        sum
    }

    fn same_bits<const N: usize>(a: &[f32; N], b: &[f32; N]) -> bool {
        a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits())
    }

    /// Batched forward, forward_train and backward against `B` per-sample
    /// calls, bit for bit, at random parameters, inputs and output
    /// gradients: the parameter gradients summed in lanes as
    /// [`BatchLayer::backward_batch_lanes`] says.
    fn check_against_per_sample<L, const B: usize, const I: usize, const O: usize>(seed: u64)
    where
        L: Layer<Input = [f32; I], Output = [f32; O]>
            + BatchLayer<B, BatchInput = [[f32; B]; I], BatchOutput = [[f32; B]; O]>
            + Copy,
    {
        let mut rng = XorShiftRng::seed_from_u64(seed);
        let mut net = L::random(Init::XavierUniform, &mut rng);
        net.for_each_block_mut(|b| b.iter_mut().for_each(|p| *p += uniform01(&mut rng) - 0.5));
        let mut xs = [[0.0; I]; B];
        let mut gs = [[0.0; O]; B];
        for (x, g) in xs.iter_mut().zip(&mut gs) {
            *x = random_array(&mut rng, 3.0);
            *g = random_array(&mut rng, 1.0);
        }
        // start from non-zero gradients to check that both paths add
        let mut start = L::ZERO;
        start.for_each_block_mut(|b| b.iter_mut().for_each(|p| *p = uniform01(&mut rng)));

        // sample s into lane s % 4, from zero; then start + ((l0 + l1) + (l2 + l3))
        let mut lanes = [L::ZERO; GRAD_LANES];
        let mut per_sample_dx = [[0.0; I]; B];
        let mut cache = L::Cache::ZERO;
        for s in 0..B {
            assert!(same_bits(
                &net.forward(&xs[s]),
                &net.forward_train(&xs[s], &mut cache)
            ));
            per_sample_dx[s] = net.backward(&cache, &gs[s], &mut lanes[s % GRAD_LANES]);
        }
        let per_sample_grads = lane_sums(&start, &lanes);

        let x = to_batch(&xs);
        let mut batch_cache = L::BatchCache::ZERO;
        let mut batch_grads = start;
        let y = net.forward_batch(&x);
        let y_train = net.forward_batch_train(&x, &mut batch_cache);
        let dx = net.backward_batch(&batch_cache, &to_batch(&gs), &mut batch_grads);
        for (s, (y, y_train)) in from_batch(&y).iter().zip(&from_batch(&y_train)).enumerate() {
            let want = net.forward(&xs[s]);
            assert!(same_bits(y, &want), "forward_batch, sample {s}");
            assert!(same_bits(y_train, &want), "forward_batch_train, sample {s}");
        }
        for (s, dx) in from_batch(&dx).iter().enumerate() {
            assert!(
                same_bits(dx, &per_sample_dx[s]),
                "input gradient, sample {s}"
            );
        }
        assert_eq!(
            bits(&batch_grads),
            bits(&per_sample_grads),
            "parameter gradients"
        );
    }

    #[test]
    fn every_layer_matches_the_per_sample_lanes_bit_for_bit() {
        for seed in 0..20 {
            check_against_per_sample::<Dense<3, 5>, 8, 3, 5>(seed);
            // sums side by side (4 at a time off Cortex-M) and the rest one
            // by one, over a lane block of 8 and 5 single samples
            check_against_per_sample::<Dense<9, 6>, 13, 9, 6>(seed);
            check_against_per_sample::<Dense<1, 1>, 1, 1, 1>(seed);
            check_against_per_sample::<Relu<6>, 5, 6, 6>(seed);
            check_against_per_sample::<LeakyRelu<6>, 5, 6, 6>(seed);
            check_against_per_sample::<Sigmoid<6>, 5, 6, 6>(seed);
            check_against_per_sample::<Tanh<6>, 5, 6, 6>(seed);
            check_against_per_sample::<Identity<6>, 5, 6, 6>(seed);
            check_against_per_sample::<Softmax<6>, 5, 6, 6>(seed);
            check_against_per_sample::<Elu<6>, 5, 6, 6>(seed);
            check_against_per_sample::<Silu<6>, 5, 6, 6>(seed);
            check_against_per_sample::<Gelu<6>, 5, 6, 6>(seed);
            check_against_per_sample::<Softplus<6>, 5, 6, 6>(seed);
            check_against_per_sample::<HardSigmoid<6>, 5, 6, 6>(seed);
            check_against_per_sample::<HardTanh<6>, 5, 6, 6>(seed);
        }
    }

    #[test]
    fn networks_match_the_per_sample_lanes_bit_for_bit() {
        for seed in 0..20 {
            check_against_per_sample::<Mlp, 32, 2, 1>(seed);
            check_against_per_sample::<Mlp, 7, 2, 1>(seed);
            check_against_per_sample::<Mixed, 16, 3, 3>(seed);
            check_against_per_sample::<(Dense<4, 2>,), 3, 4, 2>(seed);
        }
    }

    /// The lanes a mini-batch ends with do not depend on how it was cut:
    /// blocks of 8, blocks of 1 from any lane (the Cortex-M path), or
    /// per-sample gradients added into their lanes (the trainer's tail).
    #[test]
    fn lanes_do_not_depend_on_the_block_size() {
        let mut rng = XorShiftRng::seed_from_u64(11);
        let net = Mlp::random(Init::HeNormal, &mut rng);
        let xs: [[f32; 2]; 13] = core::array::from_fn(|_| random_array(&mut rng, 2.0));
        let gs: [[f32; 1]; 13] = core::array::from_fn(|_| random_array(&mut rng, 1.0));
        type Lanes = <Mlp as BatchLayer<8>>::LaneGrads;

        let one_by_one = |lanes: &mut Lanes, k: usize| {
            let mut cache = <Mlp as BatchLayer<1>>::BatchCache::ZERO;
            net.forward_batch_train(&to_batch(&[xs[k]]), &mut cache);
            net.backward_batch_lanes(&cache, &to_batch(&[gs[k]]), lanes, k % GRAD_LANES);
        };
        let mut blocked = Lanes::ZERO;
        let mut cache = <Mlp as BatchLayer<8>>::BatchCache::ZERO;
        let first: [[f32; 2]; 8] = core::array::from_fn(|k| xs[k]);
        let first_g: [[f32; 1]; 8] = core::array::from_fn(|k| gs[k]);
        net.forward_batch_train(&to_batch(&first), &mut cache);
        net.backward_batch_lanes(&cache, &to_batch(&first_g), &mut blocked, 0);
        (8..13).for_each(|k| one_by_one(&mut blocked, k));

        let mut singles = Lanes::ZERO;
        (0..13).for_each(|k| one_by_one(&mut singles, k));

        let mut added = Lanes::ZERO;
        let mut c = <Mlp as Layer>::Cache::ZERO;
        for k in 0..13 {
            let mut grads = Mlp::ZERO;
            net.forward_train(&xs[k], &mut c);
            net.backward(&c, &gs[k], &mut grads);
            <Mlp as BatchLayer<8>>::add_to_lane(&mut added, &grads, k % GRAD_LANES);
        }

        let summed = |lanes: &Lanes| {
            let mut grads = Mlp::ZERO;
            <Mlp as BatchLayer<8>>::sum_lanes(lanes, &mut grads);
            bits(&grads)
        };
        assert_eq!(summed(&blocked), summed(&singles));
        assert_eq!(summed(&blocked), summed(&added));
        assert_eq!(blocked, singles);
        assert_eq!(blocked, added);
    }

    #[test]
    fn layout_helpers_round_trip() {
        let samples = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
        let batch = to_batch(&samples);
        assert_eq!(batch, [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]);
        assert_eq!(from_batch(&batch), samples);

        let mut batch = [[7.0; 3]; 2];
        assert_eq!(load_batch(&[[1.0, 2.0]; 5], &mut batch), 3);
        assert_eq!(batch, [[1.0; 3], [2.0; 3]]);
        let mut out = [[0.0; 2]; 2];
        assert_eq!(store_batch(&batch, &mut out), 2);
        assert_eq!(out, [[1.0, 2.0]; 2]);
        let mut out = [[0.0; 2]; 5];
        assert_eq!(store_batch(&batch, &mut out), 3);
        assert_eq!(out[3], [0.0; 2]);
    }

    #[test]
    fn forward_rows_matches_forward_and_checks_lengths() {
        let mut rng = XorShiftRng::seed_from_u64(9);
        let net = Mlp::random(Init::HeNormal, &mut rng);
        let mut rows = [[0.0; 2]; 37];
        for r in &mut rows {
            *r = random_array(&mut rng, 2.0);
        }
        let mut out = [[0.0; 1]; 37];
        forward_rows::<8, 2, 1, Mlp, _>(&net, &rows, &mut out).unwrap();
        for (r, o) in rows.iter().zip(&out) {
            assert!(same_bits(o, &net.forward(r)));
        }
        assert_eq!(
            forward_rows::<8, 2, 1, Mlp, _>(&net, &rows, &mut out[..3]),
            Err(RowCountMismatch {
                inputs: 37,
                outputs: 3
            })
        );
    }

    #[test]
    fn zero_gradient_lanes_add_nothing() {
        let mut rng = XorShiftRng::seed_from_u64(4);
        let net = Mlp::random(Init::HeNormal, &mut rng);
        let mut x = [[0.0; 8]; 2];
        load_batch(&[[0.5, -0.25], [1.0, 2.0], [-1.5, 0.75]], &mut x);
        let mut cache = <Mlp as BatchLayer<8>>::BatchCache::ZERO;
        net.forward_batch_train(&x, &mut cache);
        let mut g = [[0.0; 8]; 1];
        g[0][..3].copy_from_slice(&[0.5, -1.0, 0.25]);
        let mut batch_grads = Mlp::ZERO;
        net.backward_batch(&cache, &g, &mut batch_grads);

        let mut lanes = [Mlp::ZERO; GRAD_LANES];
        let mut c = <Mlp as Layer>::Cache::ZERO;
        for s in 0..3 {
            net.forward_train(&[x[0][s], x[1][s]], &mut c);
            net.backward(&c, &[g[0][s]], &mut lanes[s]);
        }
        assert_eq!(bits(&batch_grads), bits(&lane_sums(&Mlp::ZERO, &lanes)));
    }
}
