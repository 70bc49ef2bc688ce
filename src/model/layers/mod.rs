//! The layer types: one fully connected layer, the activations and
//! dropout.
//!
//! Each file holds one layer and every kernel of it: forward beside backward,
//! per sample ([`Layer`](crate::model::layer::Layer)), batched
//! ([`BatchLayer`](crate::model::batch::BatchLayer)), fused with the update
//! ([`FusedStep`](crate::model::fused::FusedStep)) and as Rust source
//! ([`Bake`](crate::storage::bake::Bake)). Element-wise activations define `f` and
//! `f′` once (a crate-private `Elementwise` trait) and get every kernel from one macro. They have
//! no parameters and cache their *output*: every derivative here is cheapest
//! written in terms of the output.

mod dense;
mod dropout;
mod elu;
mod gelu;
mod hard_sigmoid;
mod hard_tanh;
mod identity;
mod leaky_relu;
mod relu;
mod sigmoid;
mod silu;
mod softmax;
mod softplus;
mod tanh;

pub use dense::{Dense, DenseLanes};
pub use dropout::Dropout;
pub use elu::Elu;
pub use gelu::Gelu;
pub use hard_sigmoid::HardSigmoid;
pub use hard_tanh::HardTanh;
pub use identity::Identity;
pub use leaky_relu::LeakyRelu;
pub use relu::Relu;
pub use sigmoid::{Sigmoid, sigmoid};
pub use silu::Silu;
pub use softmax::Softmax;
pub use softplus::Softplus;
pub use tanh::Tanh;

use crate::num::Scalar;

/// An element-wise activation: `f` and its derivative, written once and
/// used by every path (per sample, batched, fused).
///
/// The derivative is taken from the *output* `y = f(x)`, which is what the
/// layer caches: every activation here has a cheap f′ in terms of y.
pub(crate) trait Elementwise: Copy {
    /// `true` when f′ is written in terms of the input `x` and the layer
    /// caches its input (SiLU, GELU); `false` (the default) when it is
    /// written in terms of the output and the layer caches its output.
    const FROM_INPUT: bool = false;
    /// `f(x)`. A NaN input gives a NaN output.
    fn f<S: Scalar>(&self, x: S) -> S;
    /// `f′` at the cached point: the output `y = f(x)`, or the input `x`
    /// when [`FROM_INPUT`](Elementwise::FROM_INPUT).
    fn df<S: Scalar>(&self, cached: S) -> S;
    /// `g · f′` at the cached point: the gradient through one value, which
    /// every backward path takes. A layer overrides it only with a cheaper
    /// form that gives the same bits.
    #[inline(always)]
    fn gradient<S: Scalar>(&self, cached: S, g: S) -> S {
        g * self.df(cached)
    }
    /// Whether the layer has a setting (see [`Layer::HAS_SETTINGS`](crate::model::layer::Layer::HAS_SETTINGS)).
    const HAS_SETTING: bool = false;
    /// The setting word of [`LayerShape`](crate::model::layer::LayerShape); 0 if none.
    #[inline]
    fn setting(&self) -> u32 {
        0
    }
    /// The layer's settings are in range ([`Layer::check`](crate::model::layer::Layer::check)).
    #[inline]
    fn check(&self) -> Result<(), crate::model::layer::LayerError> {
        Ok(())
    }
}

/// `Params`, `Layer`, `BatchLayer` and `FusedStep` for an element-wise
/// activation `$layer<N>` that implements [`Elementwise`] and caches its
/// output. Backward is `∂x = ∂y · f′(y)`: a product, so a NaN gradient stays
/// NaN. The output kind is [`Logits`](crate::model::output::Logits) unless
/// a third argument names another (`Probabilities` for the sigmoids, whose
/// logits are then their input).
macro_rules! elementwise_layer {
    ($layer:ident, $kind:expr) => {
        $crate::model::layers::elementwise_layer!($layer, $kind, $crate::model::output::Logits);
    };
    ($layer:ident, $kind:expr, $output:ty) => {
        $crate::model::layers::no_params!($layer);

        impl<S: $crate::num::Scalar, const N: usize> $crate::model::layer::Layer<S> for $layer<N> {
            type Input = [S; N];
            type Output = [S; N];
            /// The output (or the input, for an f′ written in terms of it).
            type Cache = [S; N];
            type OutputKind = $output;
            const SIGNATURE: u32 = $crate::model::layer::leaf_signature($kind, N, N);
            const LAYERS: usize = 1;
            const HAS_SETTINGS: bool = <Self as $crate::model::layers::Elementwise>::HAS_SETTING;

            #[inline]
            fn layer_shape(&self, k: usize) -> $crate::model::layer::LayerShape {
                if k == 0 {
                    const { $crate::model::layer::LayerShape::leaf($kind, N, N) }
                        .with_setting($crate::model::layers::Elementwise::setting(self))
                } else {
                    $crate::model::layer::LayerShape::NONE
                }
            }

            #[inline]
            fn check(&self) -> Result<(), $crate::model::layer::LayerError> {
                $crate::model::layers::Elementwise::check(self)
            }

            #[inline(always)]
            fn forward(&self, x: &[S; N]) -> [S; N] {
                x.map(|x| $crate::model::layers::Elementwise::f(self, x))
            }

            #[inline]
            fn forward_logits(&self, x: &[S; N]) -> [S; N] {
                if <$output as $crate::model::output::OutputKind>::PROBABILITIES {
                    *x
                } else {
                    <Self as $crate::model::layer::Layer<S>>::forward(self, x)
                }
            }

            #[inline(always)]
            fn forward_train(&self, x: &[S; N], cache: &mut [S; N]) -> [S; N] {
                let y = <Self as $crate::model::layer::Layer<S>>::forward(self, x);
                *cache = if <Self as $crate::model::layers::Elementwise>::FROM_INPUT {
                    *x
                } else {
                    y
                };
                y
            }

            // indexed: zipped slice iterators keep a pointer test per
            // value where the loop is not unrolled (opt "s")
            #[allow(clippy::needless_range_loop)]
            #[inline(always)]
            fn backward(&self, y: &[S; N], g: &[S; N], _grads: &mut Self) -> [S; N] {
                let mut dx = [S::ZERO; N];
                for n in 0..N {
                    dx[n] = $crate::model::layers::Elementwise::gradient(self, y[n], g[n]);
                }
                dx
            }
        }

        impl<S: $crate::num::Scalar, const N: usize, const B: usize>
            $crate::model::batch::BatchLayer<B, S> for $layer<N>
        {
            type BatchInput = [[S; B]; N];
            type BatchOutput = [[S; B]; N];
            /// The outputs.
            type BatchCache = [[S; B]; N];
            type LaneGrads = ();

            #[inline(always)]
            fn forward_batch(&self, x: &[[S; B]; N]) -> [[S; B]; N] {
                // a flat loop: nested `map`s were left as calls
                let mut y = *x;
                for v in y.as_flattened_mut() {
                    *v = $crate::model::layers::Elementwise::f(self, *v);
                }
                y
            }

            #[inline(always)]
            fn forward_batch_train(&self, x: &[[S; B]; N], cache: &mut [[S; B]; N]) -> [[S; B]; N] {
                let y = <Self as $crate::model::batch::BatchLayer<B, S>>::forward_batch(self, x);
                *cache = if <Self as $crate::model::layers::Elementwise>::FROM_INPUT {
                    *x
                } else {
                    y
                };
                y
            }

            #[inline(always)]
            fn backward_batch_lanes(
                &self,
                y: &[[S; B]; N],
                g: &[[S; B]; N],
                _: &mut (),
                _: usize,
            ) -> [[S; B]; N] {
                let mut dx = [[S::ZERO; B]; N];
                let pairs = y.as_flattened().iter().zip(g.as_flattened());
                for (dx, (&y, &g)) in dx.as_flattened_mut().iter_mut().zip(pairs) {
                    *dx = $crate::model::layers::Elementwise::gradient(self, y, g);
                }
                dx
            }
        }

        $crate::model::fused::no_params_fused!($layer);
    };
}
pub(crate) use elementwise_layer;

/// `Params` for a layer without trainable parameters.
macro_rules! no_params {
    ($layer:ident) => {
        impl<S: $crate::num::Scalar, const N: usize> $crate::model::params::Params<S>
            for $layer<N>
        {
            const NUM_PARAMS: usize = 0;
            const NUM_BLOCKS: usize = 0;
            #[inline]
            fn block(&self, _k: usize) -> &[S] {
                &[]
            }
            #[inline]
            fn block_mut(&mut self, _k: usize) -> &mut [S] {
                &mut []
            }
        }
    };
}
pub(crate) use no_params;

/// Kind tags: written into [`LayerShape::kind`](crate::model::layer::LayerShape::kind)
/// and hashed into [`Layer::SIGNATURE`](crate::model::layer::Layer::SIGNATURE).
/// They are part of the file format: never renumber them.
pub(crate) mod kind {
    pub const DENSE: u32 = 1;
    pub const IDENTITY: u32 = 2;
    pub const RELU: u32 = 3;
    pub const LEAKY_RELU: u32 = 4;
    pub const SIGMOID: u32 = 5;
    pub const TANH: u32 = 6;
    pub const SOFTMAX: u32 = 7;
    pub const ELU: u32 = 8;
    pub const GELU: u32 = 9;
    pub const SILU: u32 = 10;
    pub const SOFTPLUS: u32 = 11;
    pub const HARD_SIGMOID: u32 = 12;
    pub const HARD_TANH: u32 = 13;
    pub const DROPOUT: u32 = 14;
}
