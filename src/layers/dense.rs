//! Fully connected layer: `y = W x + b`.

use rand_core::RngCore;

use super::kind;
use crate::layer::leaf_signature;
use crate::{Init, Layer, Params, Zero};

/// A fully connected layer from `I` inputs to `O` outputs: `y = W x + b`.
///
/// `weights[o]` is the row of output `o`, so `weights[o][i]` connects input
/// `i` to output `o` (row-major, as in `W x`). Fields are public, so weights
/// can be set from plain arrays, for worked examples or baked constants.
///
/// ```
/// use stacknet::{Dense, Layer};
/// const LAYER: Dense<2, 1> = Dense::from_arrays([[2.0, -1.0]], [0.5]);
/// assert_eq!(LAYER.forward(&[3.0, 4.0]), [2.5]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dense<const I: usize, const O: usize> {
    /// `O` rows of `I` weights.
    pub weights: [[f32; I]; O],
    /// One bias per output.
    pub biases: [f32; O],
}

impl<const I: usize, const O: usize> Dense<I, O> {
    /// A layer with the given weights (one row per output) and biases.
    pub const fn from_arrays(weights: [[f32; I]; O], biases: [f32; O]) -> Self {
        Self { weights, biases }
    }
}

impl<const I: usize, const O: usize> Zero for Dense<I, O> {
    const ZERO: Self = Self::from_arrays([[0.0; I]; O], [0.0; O]);
}

impl<const I: usize, const O: usize> Params for Dense<I, O> {
    const NUM_PARAMS: usize = I * O + O;
    const NUM_BLOCKS: usize = 2;

    #[inline]
    fn block(&self, k: usize) -> &[f32] {
        match k {
            0 => self.weights.as_flattened(),
            1 => &self.biases,
            _ => &[],
        }
    }

    #[inline]
    fn is_bias_block(k: usize) -> bool {
        k == 1
    }

    #[inline]
    fn block_mut(&mut self, k: usize) -> &mut [f32] {
        match k {
            0 => self.weights.as_flattened_mut(),
            1 => &mut self.biases,
            _ => &mut [],
        }
    }
}

impl<const I: usize, const O: usize> Layer for Dense<I, O> {
    type Input = [f32; I];
    type Output = [f32; O];
    /// The input, needed for the weight gradient.
    type Cache = [f32; I];

    const SIGNATURE: u32 = leaf_signature(kind::DENSE, I, O);

    /// `y[o] = b[o] + Σ_i W[o][i] x[i]`, summed in order of `i`.
    #[inline]
    fn forward(&self, x: &[f32; I]) -> [f32; O] {
        let mut y = self.biases;
        for (y, row) in y.iter_mut().zip(&self.weights) {
            for (w, x) in row.iter().zip(x) {
                *y += w * x;
            }
        }
        y
    }

    #[inline]
    fn forward_train(&self, x: &[f32; I], cache: &mut [f32; I]) -> [f32; O] {
        *cache = *x;
        self.forward(x)
    }

    /// `∂W[o][i] += g[o] x[i]`, `∂b[o] += g[o]`, returns `∂x[i] = Σ_o W[o][i] g[o]`.
    #[inline]
    fn backward(&self, x: &[f32; I], g: &[f32; O], grads: &mut Self) -> [f32; I] {
        let mut dx = [0.0; I];
        let rows = self.weights.iter().zip(grads.weights.iter_mut());
        for (((row, grad_row), grad_b), &g) in rows.zip(grads.biases.iter_mut()).zip(g) {
            *grad_b += g;
            for (((w, gw), dx), x) in row.iter().zip(grad_row).zip(&mut dx).zip(x) {
                *gw += g * x;
                *dx += w * g;
            }
        }
        dx
    }

    fn init<R: RngCore + ?Sized>(&mut self, init: Init, rng: &mut R) {
        for w in self.weights.as_flattened_mut() {
            *w = init.sample(I, O, rng);
        }
        self.biases = [0.0; O];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_is_w_x_plus_b() {
        let d = Dense::from_arrays([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]], [0.25, -2.0]);
        assert_eq!(d.forward(&[1.0, 1.0, 2.0]), [9.25, -2.5]);
    }

    #[test]
    fn backward_gives_outer_product_and_transpose() {
        let d = Dense::from_arrays([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [0.0; 3]);
        let mut grads = Dense::ZERO;
        let mut cache = [0.0; 2];
        d.forward_train(&[0.5, -1.0], &mut cache);
        let dx = d.backward(&cache, &[1.0, 0.0, -2.0], &mut grads);
        assert_eq!(dx, [1.0 - 10.0, 2.0 - 12.0]);
        assert_eq!(grads.weights, [[0.5, -1.0], [0.0, 0.0], [-1.0, 2.0]]);
        assert_eq!(grads.biases, [1.0, 0.0, -2.0]);
        // gradients accumulate over samples
        d.backward(&cache, &[1.0, 0.0, -2.0], &mut grads);
        assert_eq!(grads.biases, [2.0, 0.0, -4.0]);
    }

    #[test]
    fn flat_view_is_weights_row_major_then_biases() {
        let d = Dense::from_arrays([[1.0, 2.0], [3.0, 4.0]], [5.0, 6.0]);
        let mut flat = [0.0; 6];
        d.copy_to_slice(&mut flat).unwrap();
        assert_eq!(flat, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(Dense::<2, 2>::NUM_PARAMS, 6);
    }

    #[test]
    fn init_draws_weights_and_zeroes_biases() {
        use rand_core::SeedableRng;
        let mut rng = rand_xorshift::XorShiftRng::seed_from_u64(3);
        let mut d = Dense::<4, 3>::ZERO;
        d.biases = [1.0; 3];
        d.init(Init::HeUniform, &mut rng);
        let limit = (6.0f32 / 4.0).sqrt();
        assert!(
            d.weights
                .as_flattened()
                .iter()
                .all(|w| w.abs() < limit && *w != 0.0)
        );
        assert_eq!(d.biases, [0.0; 3]);
    }
}
