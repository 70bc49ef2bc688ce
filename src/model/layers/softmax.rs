//! The softmax over a vector, for class probabilities.

use super::{kind, no_params};
use crate::model::batch::BatchLayer;
use crate::model::fused::no_params_fused;
use crate::model::layer::{Layer, LayerShape, leaf_signature};
use crate::model::output::Probabilities;
use crate::model::params::Zero;
use crate::num::Scalar;
use crate::storage::bake::bake_unit;

/// `y_i = e^(x_i) / Σ_j e^(x_j)`, computed as `e^(x_i − max x)` so that large
/// inputs do not overflow. For training a classifier, prefer a linear output
/// and the fused softmax cross-entropy loss, which is more stable still (a
/// `Softmax` output with [`SoftmaxCrossEntropy`](crate::training::loss::SoftmaxCrossEntropy)
/// would take the softmax twice, and does not compile: see
/// [`output`](crate::model::output)).
///
/// ```
/// use stacknet::{Layer, Softmax};
/// let p = Softmax.forward(&[1000.0, 1000.0]);
/// assert_eq!(p, [0.5, 0.5]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Softmax<const N: usize>;

impl<const N: usize> Zero for Softmax<N> {
    const ZERO: Self = Softmax;
}
no_params!(Softmax);

impl<S: Scalar, const N: usize> Layer<S> for Softmax<N> {
    type Input = [S; N];
    type Output = [S; N];
    type Cache = [S; N];
    type OutputKind = Probabilities;
    const SIGNATURE: u32 = leaf_signature(kind::SOFTMAX, N, N);
    const LAYERS: usize = 1;
    const HAS_SETTINGS: bool = false;

    #[inline]
    fn layer_shape(&self, k: usize) -> LayerShape {
        if k == 0 {
            const { LayerShape::leaf(kind::SOFTMAX, N, N) }
        } else {
            LayerShape::NONE
        }
    }

    #[inline(always)]
    fn forward(&self, x: &[S; N]) -> [S; N] {
        let max = x.iter().fold(-S::MAX, |m, &v| m.max(v));
        let mut y = [S::ZERO; N];
        let mut sum = S::ZERO;
        for (y, &x) in y.iter_mut().zip(x) {
            *y = (x - max).exp();
            sum += *y;
        }
        for y in &mut y {
            *y /= sum;
        }
        y
    }

    /// The input: softmax's logits.
    #[inline]
    fn forward_logits(&self, x: &[S; N]) -> [S; N] {
        *x
    }

    #[inline(always)]
    fn forward_train(&self, x: &[S; N], cache: &mut [S; N]) -> [S; N] {
        *cache = self.forward(x);
        *cache
    }

    /// `∂x_i = y_i (∂y_i − Σ_j ∂y_j y_j)`.
    #[inline(always)]
    fn backward(&self, y: &[S; N], g: &[S; N], _grads: &mut Self) -> [S; N] {
        let dot = y.iter().zip(g).fold(-S::ZERO, |dot, (&y, &g)| dot + y * g);
        let mut dx = [S::ZERO; N];
        for ((dx, &y), &g) in dx.iter_mut().zip(y).zip(g) {
            *dx = y * (g - dot);
        }
        dx
    }
}

impl<S: Scalar, const N: usize, const B: usize> BatchLayer<B, S> for Softmax<N> {
    type BatchInput = [[S; B]; N];
    type BatchOutput = [[S; B]; N];
    /// The outputs.
    type BatchCache = [[S; B]; N];
    type LaneGrads = ();

    /// The per-sample max, exponentials and sum, in order of the features,
    /// vectorised over samples.
    #[inline(always)]
    fn forward_batch(&self, x: &[[S; B]; N]) -> [[S; B]; N] {
        let mut max = [-S::MAX; B];
        for x in x {
            for (m, &v) in max.iter_mut().zip(x) {
                *m = m.max(v);
            }
        }
        let mut y = [[S::ZERO; B]; N];
        let mut sum = [S::ZERO; B];
        for (y, x) in y.iter_mut().zip(x) {
            for (((y, &x), &m), sum) in y.iter_mut().zip(x).zip(&max).zip(&mut sum) {
                *y = (x - m).exp();
                *sum += *y;
            }
        }
        for y in &mut y {
            for (y, &sum) in y.iter_mut().zip(&sum) {
                *y /= sum;
            }
        }
        y
    }

    #[inline(always)]
    fn forward_batch_train(&self, x: &[[S; B]; N], cache: &mut [[S; B]; N]) -> [[S; B]; N] {
        *cache = self.forward_batch(x);
        *cache
    }

    /// `∂x_i = y_i (∂y_i − Σ_j ∂y_j y_j)` for each sample, the sum taken
    /// exactly as [`Layer::backward`] takes it.
    #[inline(always)]
    fn backward_batch_lanes(
        &self,
        y: &[[S; B]; N],
        g: &[[S; B]; N],
        _: &mut (),
        _: usize,
    ) -> [[S; B]; N] {
        let mut dot = [S::ZERO; B];
        for (s, dot) in dot.iter_mut().enumerate() {
            *dot = y
                .iter()
                .zip(g)
                .fold(-S::ZERO, |dot, (y, g)| dot + y[s] * g[s]);
        }
        let mut dx = [[S::ZERO; B]; N];
        for ((dx, y), g) in dx.iter_mut().zip(y).zip(g) {
            for (((dx, &y), &g), &dot) in dx.iter_mut().zip(y).zip(g).zip(&dot) {
                *dx = y * (g - dot);
            }
        }
        dx
    }
}

no_params_fused!(Softmax);
bake_unit!(Softmax);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_to_one_and_orders_like_the_input() {
        let p = Softmax.forward(&[1.0, 2.0, 3.0]);
        // e^k / (e + e² + e³)
        let e = core::f32::consts::E;
        let sum = e + e * e + e * e * e;
        for (p, k) in p.iter().zip([1, 2, 3]) {
            assert!((p - e.powi(k) / sum).abs() < 1e-6);
        }
    }

    #[test]
    fn gradient_of_one_output_is_the_jacobian_row() {
        let mut y = [0.0; 3];
        Softmax.forward_train(&[0.5, -1.0, 2.0], &mut y);
        let dx = Softmax.backward(&y, &[1.0, 0.0, 0.0], &mut Softmax);
        // ∂y0/∂x = [y0(1 − y0), −y0 y1, −y0 y2]
        let want = [y[0] * (1.0 - y[0]), -y[0] * y[1], -y[0] * y[2]];
        for (a, b) in dx.iter().zip(want) {
            assert!((a - b).abs() < 1e-7);
        }
    }
}
