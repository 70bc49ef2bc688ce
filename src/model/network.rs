//! Networks: tuples of layers, checked at compile time.
//!
//! A tuple of up to 12 layers is itself a [`Layer`] when each layer's input
//! is the previous layer's output:
//!
//! ```
//! use stacknet::{Dense, Layer, Relu, Zero};
//! /// The 2-4-3-1 house-price MLP.
//! type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
//! let y: [f32; 1] = Net::ZERO.forward(&[6.5, 4.9]);
//! # assert_eq!(y, [0.0]);
//! ```
//!
//! A mismatch is a compile error that names both sizes:
//!
//! ```compile_fail,E0599
//! use stacknet::{Dense, Layer, Relu, Zero};
//! type Broken = (Dense<2, 4>, Relu<3>);
//! let _ = Broken::ZERO.forward(&[1.0, 2.0]);
//! // error[E0599]: the method `forward` exists for tuple `(Dense<2, 4>, Relu<3>)`,
//! //               but its trait bounds were not satisfied
//! //   = note: `<Relu<3> as Layer>::Input = [f32; 4]` ... required by `(Dense<2, 4>, Relu<3>): Layer`
//! ```
//!
//! The tuple's cache is the tuple of its layers' caches; its gradient, like
//! every gradient, has the network's own type. Forward runs the layers first
//! to last; backward runs them last to first.
//!
//! The implementations come from one macro. Written out for two layers, the
//! `Layer` part reads:
//!
//! ```text
//! impl<A, B> Layer for (A, B) where A: Layer, B: Layer<Input = A::Output> {
//!     type Input = A::Input;
//!     type Output = B::Output;
//!     type Cache = (A::Cache, B::Cache);
//!     fn forward(&self, x: &A::Input) -> B::Output {
//!         let x = *x;
//!         let x = self.0.forward(&x);
//!         let x = self.1.forward(&x);
//!         x
//!     }
//!     fn backward(&self, cache: &Self::Cache, g: &B::Output, grads: &mut Self) -> A::Input {
//!         let g = *g;
//!         let g = self.1.backward(&cache.1, &g, &mut grads.1);
//!         let g = self.0.backward(&cache.0, &g, &mut grads.0);
//!         g
//!     }
//!     // forward_train, init, SIGNATURE, LAYERS and layer_shape follow the
//!     // same pattern (layer_shape dispatches on k like Params::block).
//! }
//! ```
//!
//! The same macro gives tuples every other kernel the layers have, chained
//! the same way: [`BatchLayer`] (each layer's `BatchInput` is the previous
//! layer's `BatchOutput`), [`FusedStep`] (the backward sweep last to first,
//! the update sweep first to last) and [`Bake`] (each layer on its own
//! line). A new layer is written in its own file and composes at once.

use core::fmt::{Result, Write};

use rand_core::RngCore;

use crate::model::batch::BatchLayer;
use crate::model::fused::{FusedStep, GradientBound, Update};
use crate::model::init::Init;
use crate::model::layer::{Layer, LayerShape, chain_signature};
use crate::model::params::{Params, Zero};
use crate::num::Scalar;
use crate::num::convert::ConvertTo;
use crate::storage::bake::{Bake, newline};
use crate::training::train::BLOCK;

/// A network the [`Trainer`](crate::training::train::Trainer) can train: a [`Layer`]
/// from `[S; I]` to `[S; O]` (`S` is `f32` unless named) with the fused batch-1 kernel
/// ([`FusedStep`]) and the batched kernel in blocks of
/// [`BLOCK`] ([`BatchLayer`]). Every layer of the crate
/// and every tuple of them is one; the bound for generic code is
/// `N: Network<I, O>`.
///
/// ```
/// use stacknet::prelude::*;
/// fn trained_output<N: Network<2, 1>>(net: &N) -> f32 {
///     net.forward(&[0.5, 0.5])[0]
/// }
/// type Net = (Dense<2, 4>, Relu<4>, Dense<4, 1>);
/// assert_eq!(trained_output(&Net::ZERO), 0.0);
/// ```
pub trait Network<const I: usize, const O: usize, S: Scalar = f32>:
    Layer<S, Input = [S; I], Output = [S; O]>
    + FusedStep<S>
    + BatchLayer<BLOCK, S, BatchInput = [[S; BLOCK]; I], BatchOutput = [[S; BLOCK]; O]>
{
}

impl<T, S: Scalar, const I: usize, const O: usize> Network<I, O, S> for T where
    T: Layer<S, Input = [S; I], Output = [S; O]>
        + FusedStep<S>
        + BatchLayer<BLOCK, S, BatchInput = [[S; BLOCK]; I], BatchOutput = [[S; BLOCK]; O]>
{
}

macro_rules! tuple_impls {
    (
        $($T:ident $i:tt),+ ;
        first $First:ident ; last $Last:ident ;
        links $($Next:ident : $Prev:ident),* ;
        reversed $($r:tt)+
    ) => {
        impl<$($T: Zero),+> Zero for ($($T,)+) {
            const ZERO: Self = ($($T::ZERO,)+);
        }

        impl<S: Scalar, $($T: Params<S>),+> Params<S> for ($($T,)+) {
            const NUM_PARAMS: usize = 0 $(+ <$T as Params<S>>::NUM_PARAMS)+;
            const NUM_BLOCKS: usize = 0 $(+ <$T as Params<S>>::NUM_BLOCKS)+;

            #[inline]
            fn block(&self, k: usize) -> &[S] {
                let mut k = k;
                $(
                    if k < <$T as Params<S>>::NUM_BLOCKS {
                        return self.$i.block(k);
                    }
                    k = k.wrapping_sub(<$T as Params<S>>::NUM_BLOCKS);
                )+
                let _ = k;
                &[]
            }

            #[inline]
            fn is_bias_block(k: usize) -> bool {
                let mut k = k;
                $(
                    if k < <$T as Params<S>>::NUM_BLOCKS {
                        return <$T as Params<S>>::is_bias_block(k);
                    }
                    k = k.wrapping_sub(<$T as Params<S>>::NUM_BLOCKS);
                )+
                let _ = k;
                false
            }

            #[inline]
            fn block_mut(&mut self, k: usize) -> &mut [S] {
                let mut k = k;
                $(
                    if k < <$T as Params<S>>::NUM_BLOCKS {
                        return self.$i.block_mut(k);
                    }
                    k = k.wrapping_sub(<$T as Params<S>>::NUM_BLOCKS);
                )+
                let _ = k;
                &mut []
            }

            /// Each layer's blocks in turn, with no search for block `k`:
            /// straight code the compiler inlines, so that the fused step's
            /// rare path (which measures the weights) puts no call in the
            /// sample loop. Not on Cortex-M, where the default's one loop
            /// over the blocks is 1.7 KB smaller in the TinyMind image.
            #[cfg(not(target_arch = "arm"))]
            #[inline]
            fn for_each_block(&self, mut f: impl FnMut(&[S])) {
                $(self.$i.for_each_block(&mut f);)+
            }

            #[cfg(not(target_arch = "arm"))]
            #[inline]
            fn for_each_block_mut(&mut self, mut f: impl FnMut(&mut [S])) {
                $(self.$i.for_each_block_mut(&mut f);)+
            }
        }

        impl<S: Scalar, $($T),+> Layer<S> for ($($T,)+)
        where
            $First: Layer<S>,
            $($Next: Layer<S, Input = <$Prev as Layer<S>>::Output>,)*
        {
            type Input = <$First as Layer<S>>::Input;
            type Output = <$Last as Layer<S>>::Output;
            type Cache = ($(<$T as Layer<S>>::Cache,)+);
            type OutputKind = <$Last as Layer<S>>::OutputKind;

            const SIGNATURE: u32 = {
                let s = 0;
                $(let s = chain_signature(s, <$T as Layer<S>>::SIGNATURE);)+
                s
            };
            const LAYERS: usize = 0 $(+ <$T as Layer<S>>::LAYERS)+;
            const HAS_SETTINGS: bool = false $(|| <$T as Layer<S>>::HAS_SETTINGS)+;
            const STOCHASTIC: bool = false $(|| <$T as Layer<S>>::STOCHASTIC)+;

            #[inline]
            fn layer_shape(&self, k: usize) -> LayerShape {
                let mut k = k;
                $(
                    if k < <$T as Layer<S>>::LAYERS {
                        return self.$i.layer_shape(k);
                    }
                    k = k.wrapping_sub(<$T as Layer<S>>::LAYERS);
                )+
                let _ = k;
                LayerShape::NONE
            }

            #[inline(always)]
            fn forward(&self, x: &Self::Input) -> Self::Output {
                let x = *x;
                $(let x = self.$i.forward(&x);)+
                x
            }

            /// Every layer's forward but the last's, which gives its logits.
            #[inline]
            fn forward_logits(&self, x: &Self::Input) -> Self::Output {
                let last = [$($i),+].len() - 1;
                let x = *x;
                $(let x = if $i == last {
                    self.$i.forward_logits(&x)
                } else {
                    self.$i.forward(&x)
                };)+
                x
            }

            #[inline(always)]
            fn forward_train(&self, x: &Self::Input, cache: &mut Self::Cache) -> Self::Output {
                let x = *x;
                $(let x = self.$i.forward_train(&x, &mut cache.$i);)+
                x
            }

            #[inline(always)]
            fn backward(
                &self,
                cache: &Self::Cache,
                g: &Self::Output,
                grads: &mut Self,
            ) -> Self::Input {
                let g = *g;
                $(let g = self.$r.backward(&cache.$r, &g, &mut grads.$r);)+
                g
            }

            #[inline]
            fn check(&self) -> core::result::Result<(), $crate::model::layer::LayerError> {
                $(self.$i.check()?;)+
                Ok(())
            }

            #[inline]
            fn init<R: RngCore + ?Sized>(&mut self, init: Init, rng: &mut R) {
                $(self.$i.init(init, rng);)+
            }

            #[inline(always)]
            fn draw_masks<R: RngCore + ?Sized>(&self, cache: &mut Self::Cache, rng: &mut R) {
                $(self.$i.draw_masks(&mut cache.$i, rng);)+
            }
        }

        impl<const BATCH: usize, S: Scalar, $($T),+> BatchLayer<BATCH, S> for ($($T,)+)
        where
            $First: BatchLayer<BATCH, S>,
            $(
                $Next: Layer<S, Input = <$Prev as Layer<S>>::Output>
                    + BatchLayer<BATCH, S, BatchInput = <$Prev as BatchLayer<BATCH, S>>::BatchOutput>,
            )*
        {
            type BatchInput = <$First as BatchLayer<BATCH, S>>::BatchInput;
            type BatchOutput = <$Last as BatchLayer<BATCH, S>>::BatchOutput;
            type BatchCache = ($(<$T as BatchLayer<BATCH, S>>::BatchCache,)+);
            type LaneGrads = ($(<$T as BatchLayer<BATCH, S>>::LaneGrads,)+);

            #[inline(always)]
            fn forward_batch(&self, x: &Self::BatchInput) -> Self::BatchOutput {
                $(let x = &self.$i.forward_batch(x);)+
                *x
            }

            #[inline(always)]
            fn forward_batch_train(
                &self,
                x: &Self::BatchInput,
                cache: &mut Self::BatchCache,
            ) -> Self::BatchOutput {
                $(let x = &self.$i.forward_batch_train(x, &mut cache.$i);)+
                *x
            }

            #[inline(always)]
            fn backward_batch_lanes(
                &self,
                cache: &Self::BatchCache,
                g: &Self::BatchOutput,
                lanes: &mut Self::LaneGrads,
                first_lane: usize,
            ) -> Self::BatchInput {
                $(let g = &self.$r.backward_batch_lanes(&cache.$r, g, &mut lanes.$r, first_lane);)+
                *g
            }

            #[inline(always)]
            fn sum_lanes(lanes: &Self::LaneGrads, grads: &mut Self) {
                $(<$T as BatchLayer<BATCH, S>>::sum_lanes(&lanes.$i, &mut grads.$i);)+
            }

            #[inline(always)]
            fn add_to_lane(lanes: &mut Self::LaneGrads, grads: &Self, lane: usize) {
                $(<$T as BatchLayer<BATCH, S>>::add_to_lane(&mut lanes.$i, &grads.$i, lane);)+
            }

            #[inline(always)]
            fn draw_lane_masks<R: RngCore + ?Sized>(
                &self,
                cache: &mut Self::BatchCache,
                lane: usize,
                rng: &mut R,
            ) {
                $(self.$i.draw_lane_masks(&mut cache.$i, lane, rng);)+
            }
        }

        impl<S: Scalar, $($T),+> FusedStep<S> for ($($T,)+)
        where
            $First: FusedStep<S>,
            $($Next: FusedStep<S> + Layer<S, Input = <$Prev as Layer<S>>::Output>,)*
        {
            type Pending = ($(<$T as FusedStep<S>>::Pending,)+);

            #[inline(always)]
            fn backward_pending(
                &self,
                cache: &Self::Cache,
                g: &Self::Output,
                pending: &mut Self::Pending,
                bound: &mut GradientBound<S>,
            ) -> Self::Input {
                $(let g = &self.$r.backward_pending(&cache.$r, g, &mut pending.$r, bound);)+
                *g
            }

            #[inline(always)]
            fn add_gradient_sizes(&self, cache: &Self::Cache, pending: &Self::Pending, size: &mut S) {
                // in the order of the backward sweep, whose exact sum this is
                $(self.$r.add_gradient_sizes(&cache.$r, &pending.$r, size);)+
            }

            #[inline(always)]
            fn apply_pending<U: Update<S>>(
                &mut self,
                cache: &Self::Cache,
                pending: &Self::Pending,
                lr: S,
                slots: &mut Self,
                rule: U,
            ) {
                $(self.$i.apply_pending(&cache.$i, &pending.$i, lr, &mut slots.$i, rule);)+
            }
        }

        impl<T: Scalar, $($T: ConvertTo<T>),+> ConvertTo<T> for ($($T,)+) {
            type Output = ($(<$T as ConvertTo<T>>::Output,)+);

            fn convert_counting(&self, saturated: &mut usize) -> Self::Output {
                ($(self.$i.convert_counting(saturated),)+)
            }
        }

        impl<$($T: Bake),+> Bake for ($($T,)+) {
            fn write_type<W: Write>(out: &mut W, indent: usize) -> Result {
                out.write_char('(')?;
                $(
                    newline(out, indent + 1)?;
                    $T::write_type(out, indent + 1)?;
                    out.write_char(',')?;
                )+
                newline(out, indent)?;
                out.write_char(')')
            }

            fn write_value<W: Write>(&self, out: &mut W, indent: usize) -> Result {
                out.write_char('(')?;
                $(
                    newline(out, indent + 1)?;
                    self.$i.write_value(out, indent + 1)?;
                    out.write_char(',')?;
                )+
                newline(out, indent)?;
                out.write_char(')')
            }
        }
    };
}

tuple_impls!(A 0; first A; last A; links; reversed 0);
tuple_impls!(A 0, B 1; first A; last B; links B: A; reversed 1 0);
tuple_impls!(A 0, B 1, C 2; first A; last C; links B: A, C: B; reversed 2 1 0);
tuple_impls!(A 0, B 1, C 2, D 3; first A; last D; links B: A, C: B, D: C; reversed 3 2 1 0);
tuple_impls!(
    A 0, B 1, C 2, D 3, E 4; first A; last E;
    links B: A, C: B, D: C, E: D; reversed 4 3 2 1 0
);
tuple_impls!(
    A 0, B 1, C 2, D 3, E 4, F 5; first A; last F;
    links B: A, C: B, D: C, E: D, F: E; reversed 5 4 3 2 1 0
);
tuple_impls!(
    A 0, B 1, C 2, D 3, E 4, F 5, G 6; first A; last G;
    links B: A, C: B, D: C, E: D, F: E, G: F; reversed 6 5 4 3 2 1 0
);
tuple_impls!(
    A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7; first A; last H;
    links B: A, C: B, D: C, E: D, F: E, G: F, H: G; reversed 7 6 5 4 3 2 1 0
);
tuple_impls!(
    A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8; first A; last J;
    links B: A, C: B, D: C, E: D, F: E, G: F, H: G, J: H; reversed 8 7 6 5 4 3 2 1 0
);
tuple_impls!(
    A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8, K 9; first A; last K;
    links B: A, C: B, D: C, E: D, F: E, G: F, H: G, J: H, K: J;
    reversed 9 8 7 6 5 4 3 2 1 0
);
tuple_impls!(
    A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8, K 9, L 10; first A; last L;
    links B: A, C: B, D: C, E: D, F: E, G: F, H: G, J: H, K: J, L: K;
    reversed 10 9 8 7 6 5 4 3 2 1 0
);
tuple_impls!(
    A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8, K 9, L 10, M 11; first A; last M;
    links B: A, C: B, D: C, E: D, F: E, G: F, H: G, J: H, K: J, L: K, M: L;
    reversed 11 10 9 8 7 6 5 4 3 2 1 0
);

#[cfg(test)]
mod tests {
    use crate::model::layer::Layer;
    use crate::model::layers::{Dense, Identity, Relu, Sigmoid, Tanh};
    use crate::model::params::{Params, Zero};

    type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);

    #[test]
    fn counts_parameters_and_blocks() {
        assert_eq!(Net::NUM_PARAMS, (2 * 4 + 4) + (4 * 3 + 3) + (3 + 1));
        assert_eq!(Net::NUM_BLOCKS, 6);
        // activations take no space: the network is its 31 parameters
        assert_eq!(core::mem::size_of::<Net>(), 31 * 4);
        let mut net = Net::ZERO;
        net.4.biases = [7.0];
        assert_eq!(net.block(5), &[7.0]);
        assert!(net.block(6).is_empty());
        let bias_blocks: [bool; 7] = core::array::from_fn(Net::is_bias_block);
        assert_eq!(bias_blocks, [false, true, false, true, false, true, false]);
    }

    #[test]
    fn block_walks_visit_every_block_k_in_order() {
        let mut net = Net::ZERO;
        // the mutable walk numbers the parameters in the flat order:
        // each layer's weights row by row, then its biases
        let mut n = 0.0;
        net.for_each_block_mut(|b| {
            for p in b {
                *p = n;
                n += 1.0;
            }
        });
        assert_eq!(n, 31.0);
        assert_eq!(net.0.weights[3], [6.0, 7.0]);
        assert_eq!(net.0.biases, [8.0, 9.0, 10.0, 11.0]);
        assert_eq!(net.2.weights[0], [12.0, 13.0, 14.0, 15.0]);
        assert_eq!(net.2.biases, [24.0, 25.0, 26.0]);
        assert_eq!(net.4.weights, [[27.0, 28.0, 29.0]]);
        assert_eq!(net.4.biases, [30.0]);
        // the shared walk hands over exactly the slices `block(k)` gives
        let mut visited = [(core::ptr::null::<f32>(), 0); 6];
        let mut k = 0;
        net.for_each_block(|b| {
            visited[k] = (b.as_ptr(), b.len());
            k += 1;
        });
        assert_eq!(k, Net::NUM_BLOCKS);
        for (k, &slice) in visited.iter().enumerate() {
            let block = net.block(k);
            assert_eq!(slice, (block.as_ptr(), block.len()), "block {k}");
        }
    }

    #[test]
    fn forward_runs_layers_in_order() {
        let mut net = Net::ZERO;
        net.0 = Dense::from_arrays([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]], [0.0; 4]);
        net.2 = Dense::from_arrays([[1.0, 1.0, 1.0, 1.0]; 3], [0.0, -1.0, -10.0]);
        net.4 = Dense::from_arrays([[1.0, 2.0, 4.0]], [0.5]);
        // relu([2, -3, -2, 3]) = [2, 0, 0, 3]; sums 5 + [0, -1, -10] → relu [5, 4, 0]
        assert_eq!(net.forward(&[2.0, -3.0]), [0.5 + 5.0 + 8.0]);
    }

    #[test]
    fn twelve_layers_compose() {
        type Deep = (
            Dense<3, 5>,
            Tanh<5>,
            Dense<5, 5>,
            Sigmoid<5>,
            Dense<5, 4>,
            Relu<4>,
            Dense<4, 4>,
            Identity<4>,
            Dense<4, 3>,
            Tanh<3>,
            Dense<3, 2>,
            Identity<2>,
        );
        assert_eq!(Deep::NUM_BLOCKS, 12);
        assert_eq!(Deep::ZERO.forward(&[1.0, 2.0, 3.0]), [0.0, 0.0]);
    }

    #[test]
    fn signatures_tell_shapes_apart() {
        assert_ne!(Dense::<2, 4>::SIGNATURE, Dense::<4, 2>::SIGNATURE);
        assert_ne!(
            <Relu<4> as Layer>::SIGNATURE,
            <Sigmoid<4> as Layer>::SIGNATURE
        );
        assert_ne!(
            <(Dense<2, 4>, Relu<4>)>::SIGNATURE,
            <(Dense<2, 4>, Sigmoid<4>)>::SIGNATURE
        );
    }
}
