//! Dropout: random units silenced in training, none in prediction.

use core::fmt::{self, Write};

use rand_core::RngCore;

use super::{kind, no_params};
use crate::model::batch::BatchLayer;
use crate::model::fused::no_params_fused;
use crate::model::layer::{Layer, LayerError, LayerShape, leaf_signature};
use crate::model::output::Logits;
use crate::model::params::Zero;
use crate::num::Scalar;
use crate::storage::bake::{Bake, write_f32};

/// Inverted dropout (Srivastava et al., 2014; PyTorch's `nn.Dropout`): in
/// training each unit is dropped (set to 0) with probability `p` and the
/// kept ones are scaled by `1 / (1 − p)`, so the expected output is the
/// input; in prediction ([`Layer::forward`]) the layer is the identity.
///
/// The mask is drawn per sample by [`Layer::draw_masks`] from the
/// trainer's seeded RNG into the cache, where `forward_train` and
/// `backward` read it: one `next_u32` per unit, kept when it is at least
/// `⌊p · 2³²⌋`, so the draw is integer arithmetic and gives the same mask
/// on every target. A cache that was never drawn drops every unit.
///
/// ```
/// use stacknet::{Dropout, Layer};
/// use stacknet::rand_core::SeedableRng;
/// let layer = Dropout::<4>::with_rate(0.5);
/// assert_eq!(layer.forward(&[1.0f32, 2.0, 3.0, 4.0]), [1.0, 2.0, 3.0, 4.0]);
/// let mut mask = [0.0f32; 4];
/// layer.draw_masks(&mut mask, &mut stacknet::rand_xorshift::XorShiftRng::seed_from_u64(1));
/// let y = layer.forward_train(&[1.0, 2.0, 3.0, 4.0], &mut mask);
/// for (y, x) in y.iter().zip([1.0, 2.0, 3.0, 4.0]) {
///     assert!(*y == 0.0 || *y == 2.0 * x); // dropped, or kept and doubled
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dropout<const N: usize> {
    /// The probability of dropping a unit, in `[0, 1)`;
    /// [`Layer::check`] (which `Trainer::fit` and `step` call) refuses any
    /// other value.
    pub p: f32,
}

impl<const N: usize> Dropout<N> {
    /// The default probability, 0.5 (PyTorch's).
    pub const DEFAULT_RATE: f32 = 0.5;

    /// Dropout with probability `p`, unchecked so that it can build
    /// constants; [`new`](Dropout::new) checks at once.
    pub const fn with_rate(p: f32) -> Self {
        Self { p }
    }

    /// Dropout with probability `p`, or [`LayerError::DropoutRate`] when
    /// `p` is not in `[0, 1)`.
    ///
    /// ```
    /// use stacknet::{layer::LayerError, Dropout};
    /// assert_eq!(Dropout::<2>::new(0.2), Ok(Dropout::with_rate(0.2)));
    /// assert_eq!(Dropout::<2>::new(1.0), Err(LayerError::DropoutRate));
    /// ```
    pub const fn new(p: f32) -> Result<Self, LayerError> {
        if p >= 0.0 && p < 1.0 {
            Ok(Self { p })
        } else {
            Err(LayerError::DropoutRate)
        }
    }

    /// The draw below which a unit is dropped: `⌊p · 2³²⌋`, exactly and in
    /// `f32` (a product by a power of two is exact, and the conversion
    /// truncates), with no double-precision arithmetic, which a Cortex-M4F
    /// would do in software; 0 for NaN or `p <= 0`.
    #[inline]
    fn threshold(&self) -> u32 {
        // saturating: a `p` of 1 or more (refused by `check`) drops all but
        // the draws of u32::MAX
        (self.p * 4_294_967_296.0) as u32
    }

    /// The factor of a kept unit, `1 / (1 − p)`, in `S`.
    #[inline]
    fn keep_scale<S: Scalar>(&self) -> S {
        S::from_f32(1.0 / (1.0 - self.p))
    }

    /// One unit's factor: 0 when dropped, `scale` when kept.
    #[inline(always)]
    fn draw_unit<S: Scalar, R: RngCore + ?Sized>(threshold: u32, scale: S, rng: &mut R) -> S {
        if rng.next_u32() >= threshold {
            scale
        } else {
            S::ZERO
        }
    }
}

impl<const N: usize> Default for Dropout<N> {
    fn default() -> Self {
        Self::ZERO
    }
}

impl<const N: usize> Zero for Dropout<N> {
    /// No trainable parameters; the probability keeps its default.
    const ZERO: Self = Self::with_rate(Self::DEFAULT_RATE);
}

no_params!(Dropout);

impl<S: Scalar, const N: usize> Layer<S> for Dropout<N> {
    type Input = [S; N];
    type Output = [S; N];
    /// The mask: each unit's factor, 0 (dropped) or `1 / (1 − p)` (kept).
    type Cache = [S; N];
    type OutputKind = Logits;

    const SIGNATURE: u32 = leaf_signature(kind::DROPOUT, N, N);
    const LAYERS: usize = 1;
    const HAS_SETTINGS: bool = true;
    const STOCHASTIC: bool = true;

    /// The probability is part of the shape: a record carries its bits.
    #[inline]
    fn layer_shape(&self, k: usize) -> LayerShape {
        if k == 0 {
            const { LayerShape::leaf(kind::DROPOUT, N, N) }.with_setting(self.p.to_bits())
        } else {
            LayerShape::NONE
        }
    }

    fn check(&self) -> Result<(), LayerError> {
        Self::new(self.p).map(|_| ())
    }

    /// Prediction: the identity.
    #[inline(always)]
    fn forward(&self, x: &[S; N]) -> [S; N] {
        *x
    }

    /// `y = m ⊙ x` with the mask `m` drawn into `cache`.
    #[inline(always)]
    fn forward_train(&self, x: &[S; N], mask: &mut [S; N]) -> [S; N] {
        core::array::from_fn(|i| x[i] * mask[i])
    }

    /// `∂x = m ⊙ ∂y`: gradient only through the kept units.
    #[inline(always)]
    fn backward(&self, mask: &[S; N], g: &[S; N], _grads: &mut Self) -> [S; N] {
        core::array::from_fn(|i| g[i] * mask[i])
    }

    fn draw_masks<R: RngCore + ?Sized>(&self, mask: &mut [S; N], rng: &mut R) {
        let (threshold, scale) = (self.threshold(), self.keep_scale::<S>());
        for m in mask {
            *m = Self::draw_unit(threshold, scale, rng);
        }
    }
}

impl<S: Scalar, const N: usize, const B: usize> BatchLayer<B, S> for Dropout<N> {
    type BatchInput = [[S; B]; N];
    type BatchOutput = [[S; B]; N];
    /// Each sample's mask, feature-major as the inputs.
    type BatchCache = [[S; B]; N];
    type LaneGrads = ();

    #[inline(always)]
    fn forward_batch(&self, x: &[[S; B]; N]) -> [[S; B]; N] {
        *x
    }

    #[inline(always)]
    fn forward_batch_train(&self, x: &[[S; B]; N], mask: &mut [[S; B]; N]) -> [[S; B]; N] {
        core::array::from_fn(|i| core::array::from_fn(|s| x[i][s] * mask[i][s]))
    }

    #[inline(always)]
    fn backward_batch_lanes(
        &self,
        mask: &[[S; B]; N],
        g: &[[S; B]; N],
        _: &mut (),
        _: usize,
    ) -> [[S; B]; N] {
        core::array::from_fn(|i| core::array::from_fn(|s| g[i][s] * mask[i][s]))
    }

    /// Sample `lane`'s units in order, as [`Layer::draw_masks`] draws them.
    fn draw_lane_masks<R: RngCore + ?Sized>(
        &self,
        mask: &mut [[S; B]; N],
        lane: usize,
        rng: &mut R,
    ) {
        let (threshold, scale) = (self.threshold(), self.keep_scale::<S>());
        for unit in mask {
            if let Some(m) = unit.get_mut(lane) {
                *m = Self::draw_unit(threshold, scale, rng);
            }
        }
    }
}

no_params_fused!(Dropout);

impl<const N: usize> Bake for Dropout<N> {
    fn write_type<W: Write>(out: &mut W, _indent: usize) -> fmt::Result {
        write!(out, "::stacknet::Dropout<{N}>")
    }

    fn write_value<W: Write>(&self, out: &mut W, _indent: usize) -> fmt::Result {
        out.write_str("::stacknet::Dropout::with_rate(")?;
        write_f32(out, self.p)?;
        out.write_char(')')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::SeedableRng;
    use rand_xorshift::XorShiftRng;

    #[test]
    fn kept_units_are_scaled_and_dropped_ones_are_zero() {
        let layer = Dropout::<64>::with_rate(0.25);
        let x: [f64; 64] = core::array::from_fn(|i| i as f64 - 20.5);
        let mut mask = [0.0f64; 64];
        layer.draw_masks(&mut mask, &mut XorShiftRng::seed_from_u64(3));
        let y = layer.forward_train(&x, &mut mask);
        let g: [f64; 64] = core::array::from_fn(|i| 0.5 + i as f64);
        let dx = layer.backward(&mask, &g, &mut Dropout::default());
        let (mut kept, mut dropped) = (0, 0);
        for i in 0..64 {
            if mask[i] == 0.0 {
                dropped += 1;
                assert_eq!((y[i], dx[i]), (0.0, 0.0));
            } else {
                kept += 1;
                let scale = f64::from(1.0f32 / 0.75f32);
                assert_eq!(mask[i], scale);
                assert_eq!((y[i], dx[i]), (x[i] * scale, g[i] * scale));
            }
        }
        assert!(kept > 0 && dropped > 0, "{kept} {dropped}");
    }

    #[test]
    fn the_threshold_is_p_times_two_to_the_32_for_every_kind_of_rate() {
        // the f64 product is exact (an f32 times a power of two)
        let by_f64 = |p: f32| (f64::from(p) * 4_294_967_296.0).floor() as u32;
        let mut rng = XorShiftRng::seed_from_u64(3);
        let random = (0..10_000).map(|_| f32::from_bits(rng.next_u32() & 0x3f7f_ffff));
        let special = [
            1e-45,
            1e-40,
            1.17e-38,
            2.3e-10,
            2.4e-10,
            0.1,
            0.2,
            0.999_999_94,
        ];
        for p in random.chain(special) {
            assert_eq!(
                Dropout::<1>::with_rate(p).threshold(),
                by_f64(p),
                "p = {p:e}"
            );
        }
        assert_eq!(Dropout::<1>::with_rate(-0.0).threshold(), 0);
        assert_eq!(Dropout::<1>::with_rate(-0.5).threshold(), 0);
        assert_eq!(Dropout::<1>::with_rate(1.0).threshold(), u32::MAX);
        assert_eq!(Dropout::<1>::with_rate(3.0e9).threshold(), u32::MAX);
        assert_eq!(Dropout::<1>::with_rate(f32::INFINITY).threshold(), u32::MAX);
    }

    #[test]
    fn the_threshold_is_p_times_two_to_the_32() {
        assert_eq!(Dropout::<1>::with_rate(0.0).threshold(), 0);
        assert_eq!(Dropout::<1>::with_rate(0.25).threshold(), 1 << 30);
        assert_eq!(Dropout::<1>::with_rate(0.5).threshold(), 1 << 31);
        assert_eq!(Dropout::<1>::with_rate(f32::NAN).threshold(), 0);
        // p = 0 keeps every unit, unscaled
        let mut mask = [0.0f32; 8];
        Dropout::<8>::with_rate(0.0).draw_masks(&mut mask, &mut XorShiftRng::seed_from_u64(1));
        assert_eq!(mask, [1.0; 8]);
    }

    #[test]
    fn bad_probabilities_are_refused() {
        for bad in [-0.1, 1.0, 1.5, f32::NAN, f32::INFINITY] {
            let layer = Dropout::<2>::with_rate(bad);
            assert_eq!(Layer::<f32>::check(&layer), Err(LayerError::DropoutRate));
        }
        assert_eq!(Layer::<f32>::check(&Dropout::<2>::with_rate(0.0)), Ok(()));
    }

    /// Lane by lane, the batched draw takes the per-sample draw's values.
    #[test]
    fn lanes_draw_what_samples_draw() {
        let layer = Dropout::<5>::with_rate(0.5);
        let mut per_sample = XorShiftRng::seed_from_u64(8);
        let mut batched = per_sample.clone();
        let mut lanes = [[0.0f32; 4]; 5];
        for lane in 0..4 {
            let mut mask = [0.0f32; 5];
            layer.draw_masks(&mut mask, &mut per_sample);
            layer.draw_lane_masks(&mut lanes, lane, &mut batched);
            for i in 0..5 {
                assert_eq!(lanes[i][lane], mask[i]);
            }
        }
    }
}
