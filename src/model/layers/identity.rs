//! The identity activation, for linear outputs.

use super::{kind, no_params};
use crate::model::batch::BatchLayer;
use crate::model::fused::no_params_fused;
use crate::model::layer::{Layer, LayerShape, leaf_signature};
use crate::model::output::Logits;
use crate::model::params::Zero;
use crate::num::Scalar;
use crate::storage::bake::bake_unit;

/// `y = x`: a linear output layer, or a placeholder in a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Identity<const N: usize>;

impl<const N: usize> Zero for Identity<N> {
    const ZERO: Self = Identity;
}
no_params!(Identity);

impl<S: Scalar, const N: usize> Layer<S> for Identity<N> {
    type Input = [S; N];
    type Output = [S; N];
    type Cache = ();
    type OutputKind = Logits;
    const SIGNATURE: u32 = leaf_signature(kind::IDENTITY, N, N);
    const LAYERS: usize = 1;
    const HAS_SETTINGS: bool = false;

    #[inline]
    fn layer_shape(&self, k: usize) -> LayerShape {
        if k == 0 {
            const { LayerShape::leaf(kind::IDENTITY, N, N) }
        } else {
            LayerShape::NONE
        }
    }

    #[inline(always)]
    fn forward(&self, x: &[S; N]) -> [S; N] {
        *x
    }

    #[inline(always)]
    fn forward_train(&self, x: &[S; N], _cache: &mut ()) -> [S; N] {
        *x
    }

    /// `∂x = ∂y`.
    #[inline(always)]
    fn backward(&self, _cache: &(), g: &[S; N], _grads: &mut Self) -> [S; N] {
        *g
    }
}

impl<S: Scalar, const N: usize, const B: usize> BatchLayer<B, S> for Identity<N> {
    type BatchInput = [[S; B]; N];
    type BatchOutput = [[S; B]; N];
    type BatchCache = ();
    type LaneGrads = ();

    #[inline(always)]
    fn forward_batch(&self, x: &[[S; B]; N]) -> [[S; B]; N] {
        *x
    }

    #[inline(always)]
    fn forward_batch_train(&self, x: &[[S; B]; N], _cache: &mut ()) -> [[S; B]; N] {
        *x
    }

    #[inline(always)]
    fn backward_batch_lanes(&self, _: &(), g: &[[S; B]; N], _: &mut (), _: usize) -> [[S; B]; N] {
        *g
    }
}

no_params_fused!(Identity);
bake_unit!(Identity);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_values_and_gradients_through() {
        let mut cache = ();
        assert_eq!(
            Identity.forward_train(&[1.5, -2.0], &mut cache),
            [1.5, -2.0]
        );
        assert_eq!(
            Identity.backward(&(), &[0.25, 4.0], &mut Identity),
            [0.25, 4.0]
        );
    }
}
