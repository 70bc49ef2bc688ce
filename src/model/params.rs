//! Parameters as one flat, ordered view.
//!
//! Optimizers, saving, checksums and bit-exact comparisons all walk every
//! parameter of a network in one fixed order. A layer exposes its parameters
//! as a few contiguous *blocks* of its number type ([`Scalar`]); a
//! network's blocks are its layers'
//! blocks, first layer first. For [`Dense`](crate::model::layers::Dense) the blocks are the
//! weights, row-major (`weights[o][i]`, one row per output), then the biases.
//! That order is also the order of the file format.
//!
//! Gradients and optimizer state have the same type as the network itself, so
//! zipping a network with its gradient is a walk over two values of one type.

use crate::num::Scalar;

/// A value with a compile-time constant "all zeros" form.
///
/// Used for gradients, caches and optimizer state, which can then live in a
/// `static` or be declared on the stack without any runtime setup. Layers with
/// hyperparameters (such as [`LeakyRelu`](crate::model::layers::LeakyRelu)'s slope) keep their
/// default hyperparameters in `ZERO`; only trainable parameters are zero.
pub trait Zero: Sized {
    /// The value with every parameter (or cached number) equal to `0.0`.
    const ZERO: Self;
}

impl Zero for f32 {
    const ZERO: Self = 0.0;
}

impl Zero for f64 {
    const ZERO: Self = 0.0;
}

impl Zero for () {
    const ZERO: Self = ();
}

impl<T: Zero + Copy, const N: usize> Zero for [T; N] {
    const ZERO: Self = [T::ZERO; N];
}

/// Error from copying parameters between a network and a flat slice whose
/// length is not the network's parameter count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LengthMismatch {
    /// The parameter count of the network.
    pub expected: usize,
    /// The length of the slice that was given.
    pub found: usize,
}

impl core::fmt::Display for LengthMismatch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "expected {} parameters, found a slice of {}",
            self.expected, self.found
        )
    }
}

impl core::error::Error for LengthMismatch {}

/// Trainable parameters, visited as an ordered list of contiguous blocks.
///
/// Implementors provide [`block`](Params::block) and
/// [`block_mut`](Params::block_mut); everything else is derived from them.
///
/// ```
/// use stacknet::{Dense, Params, Relu, Zero};
/// type Net = (Dense<2, 4>, Relu<4>, Dense<4, 1>);
/// assert_eq!(Net::NUM_PARAMS, 2 * 4 + 4 + 4 + 1);
/// let mut flat = [0.0f32; Net::NUM_PARAMS];
/// let mut net = Net::ZERO;
/// net.fill(0.5);
/// net.copy_to_slice(&mut flat).unwrap();
/// assert!(flat.iter().all(|&p| p == 0.5));
/// ```
pub trait Params<S: Scalar = f32>: Zero {
    /// Number of trainable parameters.
    const NUM_PARAMS: usize;
    /// Number of contiguous blocks the parameters are stored in.
    const NUM_BLOCKS: usize;

    /// Block `k` (`0 <= k < NUM_BLOCKS`); an empty slice for any other `k`.
    fn block(&self, k: usize) -> &[S];
    /// Block `k` mutably; an empty slice for any other `k`.
    fn block_mut(&mut self, k: usize) -> &mut [S];

    /// `true` when block `k` holds biases (regularisation leaves them out
    /// unless asked to penalise them).
    #[inline]
    fn is_bias_block(k: usize) -> bool {
        let _ = k;
        false
    }

    /// Calls `f` on every block, in order.
    #[inline]
    fn for_each_block(&self, mut f: impl FnMut(&[S])) {
        for k in 0..Self::NUM_BLOCKS {
            f(self.block(k));
        }
    }

    /// Calls `f` on every block mutably, in order.
    #[inline]
    fn for_each_block_mut(&mut self, mut f: impl FnMut(&mut [S])) {
        for k in 0..Self::NUM_BLOCKS {
            f(self.block_mut(k));
        }
    }

    /// Calls `f` on every block of `self` beside the same block of `other`.
    #[inline]
    fn zip_blocks_mut(&mut self, other: &Self, mut f: impl FnMut(&mut [S], &[S])) {
        for k in 0..Self::NUM_BLOCKS {
            f(self.block_mut(k), other.block(k));
        }
    }

    /// Sets every parameter to `value` (`fill(0.0)` clears a gradient).
    #[inline]
    fn fill(&mut self, value: S) {
        self.for_each_block_mut(|b| b.iter_mut().for_each(|p| *p = value));
    }

    /// Copies every parameter of `other` into `self` (for keeping the best
    /// weights seen so far without requiring `Copy`).
    #[inline]
    fn assign(&mut self, other: &Self) {
        self.zip_blocks_mut(other, |a, b| a.iter_mut().zip(b).for_each(|(a, b)| *a = *b));
    }

    /// Adds `other` to `self`, parameter by parameter.
    #[inline]
    fn add_assign(&mut self, other: &Self) {
        self.zip_blocks_mut(other, |a, b| {
            a.iter_mut().zip(b).for_each(|(a, b)| *a += *b)
        });
    }

    /// Multiplies every parameter by `factor`.
    #[inline]
    fn scale(&mut self, factor: S) {
        self.for_each_block_mut(|b| b.iter_mut().for_each(|p| *p *= factor));
    }

    /// One plain gradient-descent step: `θ ← θ − lr · g`.
    #[inline]
    fn sgd_step(&mut self, grads: &Self, lr: S) {
        self.zip_blocks_mut(grads, |p, g| {
            p.iter_mut().zip(g).for_each(|(p, g)| *p -= lr * *g)
        });
    }

    /// `true` when no parameter is NaN or infinite.
    #[inline]
    fn is_finite(&self) -> bool {
        let mut finite = true;
        self.for_each_block(|b| finite &= b.iter().all(|p| p.is_finite()));
        finite
    }

    /// Sum of squares of all parameters (for norms and L2 penalties).
    #[inline]
    fn sum_squares(&self) -> S {
        let mut s = S::ZERO;
        self.for_each_block(|b| b.iter().for_each(|&p| s += p * p));
        s
    }

    /// Writes the parameters, in order, into `out`, whose length must be
    /// [`NUM_PARAMS`](Params::NUM_PARAMS).
    fn copy_to_slice(&self, out: &mut [S]) -> Result<(), LengthMismatch> {
        check_len::<S, Self>(out.len())?;
        let mut dst = out.iter_mut();
        self.for_each_block(|b| b.iter().zip(&mut dst).for_each(|(p, o)| *o = *p));
        Ok(())
    }

    /// Reads the parameters, in order, from `src`, whose length must be
    /// [`NUM_PARAMS`](Params::NUM_PARAMS). On error `self` is unchanged.
    fn copy_from_slice(&mut self, src: &[S]) -> Result<(), LengthMismatch> {
        check_len::<S, Self>(src.len())?;
        let mut values = src.iter();
        self.for_each_block_mut(|b| b.iter_mut().zip(&mut values).for_each(|(p, v)| *p = *v));
        Ok(())
    }
}

fn check_len<S: Scalar, P: Params<S>>(found: usize) -> Result<(), LengthMismatch> {
    if found == P::NUM_PARAMS {
        Ok(())
    } else {
        Err(LengthMismatch {
            expected: P::NUM_PARAMS,
            found,
        })
    }
}
