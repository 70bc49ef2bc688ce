//! Fully connected layer: `y = W x + b`.

use core::fmt::{self, Write};

use rand_core::RngCore;

use super::kind;
use crate::model::batch::{BatchLayer, GRAD_LANES};
use crate::model::fused::{FusedStep, GradientBound, Update};
use crate::model::init::Init;
use crate::model::layer::{Layer, LayerShape, leaf_signature};
use crate::model::output::Logits;
use crate::model::params::{Params, Zero};
use crate::num::convert::{ConvertTo, convert_value};
use crate::num::{NO_WIDE_MULTIPLY, ONE_VALUE_AT_A_TIME, Scalar};
use crate::storage::bake::{Bake, newline, write_row};

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
pub struct Dense<const I: usize, const O: usize, S = f32> {
    /// `O` rows of `I` weights.
    pub weights: [[S; I]; O],
    /// One bias per output.
    pub biases: [S; O],
}

impl<const I: usize, const O: usize> Dense<I, O> {
    /// An `f32` layer with the given weights (one row per output) and
    /// biases. It is `f32` only, so that float literals need no suffix;
    /// [`new`](Dense::new) builds a layer of any number type.
    pub const fn from_arrays(weights: [[f32; I]; O], biases: [f32; O]) -> Self {
        Self { weights, biases }
    }
}

impl<const I: usize, const O: usize, S> Dense<I, O, S> {
    /// A layer of number type `S` with the given weights (one row per
    /// output) and biases.
    ///
    /// ```
    /// use stacknet::{Dense, Layer};
    /// let layer = Dense::<2, 1, f64>::new([[2.0, -1.0]], [0.5]);
    /// assert_eq!(layer.forward(&[3.0, 4.0]), [2.5]);
    /// ```
    pub const fn new(weights: [[S; I]; O], biases: [S; O]) -> Self {
        Self { weights, biases }
    }
}

impl<S: Scalar, const I: usize, const O: usize> Dense<I, O, S> {
    /// `∂x[i] = Σ_o W[o][i] g[o]`, summed in order of `o`: each sum to its
    /// end before the next where values go one at a time
    /// ([`ONE_VALUE_AT_A_TIME`]), all side by side over contiguous weights
    /// elsewhere; the same order of terms, so the same bits. The sums start from the
    /// first product, not from 0: `0 + x` is not `x` for `x = −0`, so the
    /// compiler could not drop that addition. Loops are indexed: zipped
    /// slice iterators keep a pointer test per term where the loop is not
    /// unrolled (opt `"s"`).
    #[inline(always)]
    fn input_gradient(&self, g: &[S; O]) -> [S; I] {
        if ONE_VALUE_AT_A_TIME {
            self.input_gradient_one_by_one(g)
        } else {
            self.input_gradient_side_by_side(g)
        }
    }

    /// [`input_gradient`](Dense::input_gradient) one sum at a time, two
    /// terms a loop turn.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn input_gradient_one_by_one(&self, g: &[S; O]) -> [S; I] {
        let mut dx = [S::ZERO; I];
        if O == 0 {
            return dx;
        }
        for i in 0..I {
            let mut sum = self.weights[0][i] * g[0];
            let mut o = 1;
            while o + 1 < O {
                sum += self.weights[o][i] * g[o];
                sum += self.weights[o + 1][i] * g[o + 1];
                o += 2;
            }
            if o < O {
                sum += self.weights[o][i] * g[o];
            }
            dx[i] = sum;
        }
        dx
    }

    /// [`input_gradient`](Dense::input_gradient) with the sums side by side
    /// over contiguous weights.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn input_gradient_side_by_side(&self, g: &[S; O]) -> [S; I] {
        let mut dx = [S::ZERO; I];
        if O == 0 {
            return dx;
        }
        for i in 0..I {
            dx[i] = self.weights[0][i] * g[0];
        }
        for o in 1..O {
            for i in 0..I {
                dx[i] += self.weights[o][i] * g[o];
            }
        }
        dx
    }

    /// [`Layer::forward`] one sum at a time, two terms a loop turn.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn forward_one_by_one(&self, x: &[S; I]) -> [S; O] {
        let mut y = self.biases;
        for o in 0..O {
            y[o] = sum_in_pairs(y[o], &self.weights[o], x);
        }
        y
    }

    /// [`Layer::forward`] with the sums side by side.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn forward_side_by_side(&self, x: &[S; I]) -> [S; O] {
        let mut y = self.biases;
        for i in 0..I {
            for o in 0..O {
                y[o] += self.weights[o][i] * x[i];
            }
        }
        y
    }
}

/// `start + Σ_i w[i] x[i]`, added in order of `i`, two terms a loop turn: a
/// loop that is not unrolled (opt `"s"`) pays its counter and branch once
/// per pair.
#[inline(always)]
fn sum_in_pairs<S: Scalar, const I: usize>(start: S, w: &[S; I], x: &[S; I]) -> S {
    let mut sum = start;
    let mut i = 0;
    while i + 1 < I {
        sum += w[i] * x[i];
        sum += w[i + 1] * x[i + 1];
        i += 2;
    }
    if i < I {
        sum += w[i] * x[i];
    }
    sum
}

impl<S: Scalar, const I: usize, const O: usize> Zero for Dense<I, O, S> {
    const ZERO: Self = Self::new([[S::ZERO; I]; O], [S::ZERO; O]);
}

impl<S: Scalar, const I: usize, const O: usize> Params<S> for Dense<I, O, S> {
    const NUM_PARAMS: usize = I * O + O;
    const NUM_BLOCKS: usize = 2;

    #[inline]
    fn block(&self, k: usize) -> &[S] {
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
    fn block_mut(&mut self, k: usize) -> &mut [S] {
        match k {
            0 => self.weights.as_flattened_mut(),
            1 => &mut self.biases,
            _ => &mut [],
        }
    }
}

impl<S: Scalar, const I: usize, const O: usize> Layer<S> for Dense<I, O, S> {
    type Input = [S; I];
    type Output = [S; O];
    /// The input, needed for the weight gradient.
    type Cache = [S; I];
    type OutputKind = Logits;

    const SIGNATURE: u32 = leaf_signature(kind::DENSE, I, O);
    const LAYERS: usize = 1;
    const HAS_SETTINGS: bool = false;

    #[inline]
    fn layer_shape(&self, k: usize) -> LayerShape {
        if k == 0 {
            const { LayerShape::leaf(kind::DENSE, I, O) }
        } else {
            LayerShape::NONE
        }
    }

    /// `y[o] = b[o] + Σ_i W[o][i] x[i]`, summed in order of `i`: one sum
    /// at a time on Cortex-M, all side by side elsewhere (same bits).
    #[inline(always)]
    fn forward(&self, x: &[S; I]) -> [S; O] {
        if ONE_VALUE_AT_A_TIME {
            self.forward_one_by_one(x)
        } else {
            self.forward_side_by_side(x)
        }
    }

    #[inline(always)]
    fn forward_train(&self, x: &[S; I], cache: &mut [S; I]) -> [S; O] {
        *cache = *x;
        self.forward(x)
    }

    /// `∂W[o][i] += g[o] x[i]`, `∂b[o] += g[o]`, returns `∂x[i] = Σ_o W[o][i] g[o]`.
    // indexed: zipped slice iterators keep a pointer test per term where
    // the loop is not unrolled (opt "s")
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn backward(&self, x: &[S; I], g: &[S; O], grads: &mut Self) -> [S; I] {
        for o in 0..O {
            grads.biases[o] += g[o];
            for i in 0..I {
                grads.weights[o][i] += g[o] * x[i];
            }
        }
        self.input_gradient(g)
    }

    fn init<R: RngCore + ?Sized>(&mut self, init: Init, rng: &mut R) {
        for w in self.weights.as_flattened_mut() {
            *w = S::from_f32(init.sample(I, O, rng));
        }
        self.biases = [S::ZERO; O];
    }
}

/// The output gradient is what the update needs besides the cached input.
impl<S: Scalar, const I: usize, const O: usize> FusedStep<S> for Dense<I, O, S> {
    type Pending = [S; O];

    /// Keeps `g`, adds `g` and `x` to `bound`, returns `∂x` as
    /// [`Layer::backward`] does.
    #[inline(always)]
    fn backward_pending(
        &self,
        x: &[S; I],
        g: &[S; O],
        pending: &mut [S; O],
        bound: &mut GradientBound<S>,
    ) -> [S; I] {
        *pending = *g;
        bound.add(g, x);
        self.input_gradient(g)
    }

    #[inline(always)]
    fn add_gradient_sizes(&self, x: &[S; I], g: &[S; O], size: &mut S) {
        *size += S::gradient_size(g, x);
    }

    /// `b[o]` gets `d = lr · g[o]`, `W[o][i]` gets `d = (lr · g[o]) · x[i]`.
    #[inline(always)]
    fn apply_pending<U: Update<S>>(
        &mut self,
        x: &[S; I],
        g: &[S; O],
        lr: S,
        slots: &mut Self,
        rule: U,
    ) {
        // indexed, not zipped: a zip of the parameter, slot and input
        // iterators kept a pointer test per weight on x86-64
        for (o, &g) in g.iter().enumerate() {
            let lg = lr * g;
            rule.bias(&mut self.biases[o], &mut slots.biases[o], lg);
            let (row, slot_row) = (&mut self.weights[o], &mut slots.weights[o]);
            if ONE_VALUE_AT_A_TIME {
                update_row_in_pairs(row, slot_row, lg, x, rule);
            } else {
                update_row(row, slot_row, lg, x, rule);
            }
        }
    }
}

/// `row[i]` gets `d = lg · x[i]` through `rule`, in order of `i`.
#[inline(always)]
fn update_row<S: Scalar, U: Update<S>, const I: usize>(
    row: &mut [S; I],
    slot_row: &mut [S; I],
    lg: S,
    x: &[S; I],
    rule: U,
) {
    for (i, &x) in x.iter().enumerate() {
        rule.weight(&mut row[i], &mut slot_row[i], lg * x);
    }
}

/// [`update_row`] two weights a loop turn, as in [`sum_in_pairs`].
#[inline(always)]
fn update_row_in_pairs<S: Scalar, U: Update<S>, const I: usize>(
    row: &mut [S; I],
    slot_row: &mut [S; I],
    lg: S,
    x: &[S; I],
    rule: U,
) {
    let mut i = 0;
    while i + 1 < I {
        rule.weight(&mut row[i], &mut slot_row[i], lg * x[i]);
        rule.weight(&mut row[i + 1], &mut slot_row[i + 1], lg * x[i + 1]);
        i += 2;
    }
    if i < I {
        rule.weight(&mut row[i], &mut slot_row[i], lg * x[i]);
    }
}

impl<S: Scalar, const I: usize, const O: usize, const B: usize> BatchLayer<B, S>
    for Dense<I, O, S>
{
    type BatchInput = [[S; B]; I];
    type BatchOutput = [[S; B]; O];
    /// The inputs, needed for the weight gradient.
    type BatchCache = [[S; B]; I];
    type LaneGrads = DenseLanes<I, O, S>;

    /// `y[o][s] = b[o] + Σ_i W[o][i] x[i][s]`, summed in order of `i` as in
    /// [`Layer::forward`]; vectorised over `s`.
    #[inline(always)]
    fn forward_batch(&self, x: &[[S; B]; I]) -> [[S; B]; O] {
        let mut y = [[S::ZERO; B]; O];
        let mut s = 0;
        while s + LANES <= B {
            dense_forward_lanes::<S, I, O, B, LANES>(self, x, &mut y, s);
            s += LANES;
        }
        while s < B {
            dense_forward_lanes::<S, I, O, B, 1>(self, x, &mut y, s);
            s += 1;
        }
        y
    }

    #[inline(always)]
    fn forward_batch_train(&self, x: &[[S; B]; I], cache: &mut [[S; B]; I]) -> [[S; B]; O] {
        *cache = *x;
        self.forward_batch(x)
    }

    /// `∂W[o][i] += g[o][s] x[i][s]` and `∂b[o] += g[o][s]` into lane
    /// `(first_lane + s) % GRAD_LANES` for `s = 0, 1, …` (a vector add per
    /// lane set on SIMD targets); returns `∂x[i][s] = Σ_o W[o][i] g[o][s]`,
    /// summed in order of `o` as in [`Layer::backward`].
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn backward_batch_lanes(
        &self,
        x: &[[S; B]; I],
        g: &[[S; B]; O],
        lanes: &mut DenseLanes<I, O, S>,
        first_lane: usize,
    ) -> [[S; B]; I] {
        if B.is_multiple_of(GRAD_LANES) && first_lane == 0 {
            // Whole lane sets: one loop over the (output, input) pairs, whose
            // index arithmetic keeps the loop vectoriser from vectorising
            // across outputs (strided gathers), so that each pair's lanes
            // become one vector instead.
            for (p, lw) in lanes.weights.as_flattened_mut().iter_mut().enumerate() {
                if let (Some(g), Some(x)) = (g.get(p / I), x.get(p % I)) {
                    add_lane_sets(lw, g, |s, g| g * x[s]);
                }
            }
            for (lb, g) in lanes.biases.iter_mut().zip(g) {
                add_lane_sets(lb, g, |_, g| g);
            }
        } else {
            // Sample by sample, each into its lane (blocks of 1 on Cortex-M).
            // Indexed: every index is below its array's length by the loop
            // bounds, and a loop that is not unrolled (opt "s") keeps one
            // counter instead of a chunk iterator's arithmetic per weight.
            for s in 0..B {
                let lane = (first_lane + s) % GRAD_LANES;
                for o in 0..O {
                    let g = g[o][s];
                    for i in 0..I {
                        lanes.weights[o][i][lane] += g * x[i][s];
                    }
                    lanes.biases[o][lane] += g;
                }
            }
        }

        // Input gradient: vectorised over samples.
        let mut dx = [[S::ZERO; B]; I];
        let mut s = 0;
        while s + LANES <= B {
            dense_input_grad_lanes::<S, I, O, B, LANES>(self, g, &mut dx, s);
            s += LANES;
        }
        while s < B {
            dense_input_grad_lanes::<S, I, O, B, 1>(self, g, &mut dx, s);
            s += 1;
        }
        dx
    }

    #[inline(always)]
    fn sum_lanes(lanes: &DenseLanes<I, O, S>, grads: &mut Self) {
        let sum = |l: &[S; GRAD_LANES]| (l[0] + l[1]) + (l[2] + l[3]);
        for (row, lanes) in grads.weights.iter_mut().zip(&lanes.weights) {
            for (p, l) in row.iter_mut().zip(lanes) {
                *p = sum(l);
            }
        }
        for (p, l) in grads.biases.iter_mut().zip(&lanes.biases) {
            *p = sum(l);
        }
    }

    #[inline(always)]
    fn add_to_lane(lanes: &mut DenseLanes<I, O, S>, grads: &Self, lane: usize) {
        let lane = lane % GRAD_LANES;
        let weights = lanes.weights.as_flattened_mut().iter_mut();
        weights
            .zip(grads.weights.as_flattened())
            .for_each(|(l, &p)| l[lane] += p);
        let biases = lanes.biases.iter_mut();
        biases.zip(&grads.biases).for_each(|(l, &p)| l[lane] += p);
    }
}

/// `lanes[s % GRAD_LANES] += term(s, g[s])` for `s = 0, 1, …`, lane set by
/// lane set (`B` a multiple of [`GRAD_LANES`]): vector adds.
#[inline(always)]
fn add_lane_sets<S: Scalar, const B: usize>(
    lanes: &mut [S; GRAD_LANES],
    g: &[S; B],
    term: impl Fn(usize, S) -> S,
) {
    for (k, set) in g.chunks_exact(GRAD_LANES).enumerate() {
        for (l, (sum, &g)) in lanes.iter_mut().zip(set).enumerate() {
            *sum += term(k * GRAD_LANES + l, g);
        }
    }
}

/// A [`Dense`] layer's gradient in [`GRAD_LANES`] lanes (see
/// [`BatchLayer::LaneGrads`]): `weights[o][i][l]` is lane `l` of `∂W[o][i]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DenseLanes<const I: usize, const O: usize, S = f32> {
    /// Lanes of the weight gradient, one row per output.
    pub weights: [[[S; GRAD_LANES]; I]; O],
    /// Lanes of the bias gradient.
    pub biases: [[S; GRAD_LANES]; O],
}

impl<S: Scalar, const I: usize, const O: usize> Zero for DenseLanes<I, O, S> {
    const ZERO: Self = DenseLanes {
        weights: [[[S::ZERO; GRAD_LANES]; I]; O],
        biases: [[S::ZERO; GRAD_LANES]; O],
    };
}

/// Samples per block in the [`Dense`] kernels: each output's accumulators
/// for a block stay in registers while the inputs stream past.
const LANES: usize = 8;

/// Sums computed side by side in the lane kernels off Cortex-M: each adds
/// one term a step in a fixed order, so one sum alone waits a full add
/// latency per term; [`SIDE_BY_SIDE`] of them (each `L` samples wide) keep
/// the adders busy. Same terms in the same order per sum, so the same bits.
const SIDE_BY_SIDE: usize = if ONE_VALUE_AT_A_TIME { 1 } else { 4 };

/// `y[o][s..s + L]` for every output `o`: [`Layer::forward`]'s sum for
/// each of the `L` samples from `s` (`s + L <= B`), [`SIDE_BY_SIDE`]
/// outputs at a time.
#[inline(always)]
fn dense_forward_lanes<
    S: Scalar,
    const I: usize,
    const O: usize,
    const B: usize,
    const L: usize,
>(
    layer: &Dense<I, O, S>,
    x: &[[S; B]; I],
    y: &mut [[S; B]; O],
    s: usize,
) {
    let mut done = 0;
    while SIDE_BY_SIDE > 1 && done + SIDE_BY_SIDE <= O {
        let acc: [[S; L]; SIDE_BY_SIDE] = core::array::from_fn(|r| [layer.biases[done + r]; L]);
        let weight = |i: usize, r: usize| layer.weights[done + r][i];
        sums_side_by_side(y, done, s, acc, 0..I, weight, |i| &x[i]);
        done += SIDE_BY_SIDE;
    }
    // the rest one output at a time (all of them on Cortex-M)
    let rows = y[done..].iter_mut().zip(&layer.weights[done..]);
    for ((y, row), &b) in rows.zip(&layer.biases[done..]) {
        let mut acc = [b; L];
        add_products(&mut acc, 0..I, s, |i| (row[i], &x[i]));
        for (l, acc) in acc.iter().enumerate() {
            y[s + l] = *acc;
        }
    }
}

/// `dx[i][s..s + L] = Σ_o W[o][i] g[o][s..s + L]`, in order of `o` as in
/// [`Layer::backward`] (`s + L <= B`), [`SIDE_BY_SIDE`] inputs at a time.
#[inline(always)]
fn dense_input_grad_lanes<
    S: Scalar,
    const I: usize,
    const O: usize,
    const B: usize,
    const L: usize,
>(
    layer: &Dense<I, O, S>,
    g: &[[S; B]; O],
    dx: &mut [[S; B]; I],
    s: usize,
) {
    let mut done = 0;
    while SIDE_BY_SIDE > 1 && done + SIDE_BY_SIDE <= I {
        let (Some(w), Some(g0)) = (layer.weights.first(), g.first()) else {
            break; // no outputs: the sums below are 0
        };
        // from the first product, as in the per-sample sum
        let acc: [[S; L]; SIDE_BY_SIDE] =
            core::array::from_fn(|r| core::array::from_fn(|l| w[done + r] * g0[s + l]));
        let weight = |o: usize, r: usize| layer.weights[o][done + r];
        sums_side_by_side(dx, done, s, acc, 1..O, weight, |o| &g[o]);
        done += SIDE_BY_SIDE;
    }
    // the rest one input at a time (all of them on Cortex-M)
    for (k, dx) in dx[done..].iter_mut().enumerate() {
        let i = done + k;
        // from the first product, as in the per-sample sum
        let mut acc = [S::ZERO; L];
        if let (Some(first), Some(g)) = (layer.weights.first(), g.first()) {
            let w = first[i];
            for (l, acc) in acc.iter_mut().enumerate() {
                *acc = w * g[s + l];
            }
        }
        add_products(&mut acc, 1..O, s, |o| (layer.weights[o][i], &g[o]));
        for (l, acc) in acc.iter().enumerate() {
            dx[s + l] = *acc;
        }
    }
}

/// `acc[l] += w · v[s + l]` for every lane `l`, with `(w, v) = term(k)`
/// for `k` in `range`, in order. Two terms a loop turn, so that a loop that
/// is not unrolled (opt `"s"`) pays its counter once per pair, as
/// [`sum_in_pairs`] does; one on ARMv6-M, where a product is a library call
/// or tens of instructions and a second copy of it only adds code.
#[inline(always)]
fn add_products<'a, S: Scalar, const B: usize, const L: usize>(
    acc: &mut [S; L],
    range: core::ops::Range<usize>,
    s: usize,
    term: impl Fn(usize) -> (S, &'a [S; B]),
) {
    let mut k = range.start;
    if !NO_WIDE_MULTIPLY {
        while k + 1 < range.end {
            let ((w0, v0), (w1, v1)) = (term(k), term(k + 1));
            for (l, acc) in acc.iter_mut().enumerate() {
                *acc += w0 * v0[s + l];
                *acc += w1 * v1[s + l];
            }
            k += 2;
        }
    }
    while k < range.end {
        let (w, v) = term(k);
        for (l, acc) in acc.iter_mut().enumerate() {
            *acc += w * v[s + l];
        }
        k += 1;
    }
}

/// `out[first + r][s + l] = acc[r][l] + Σ_k weight(k, r) · vector(k)[s +
/// l]` for the `R` sums `r` and lanes `l`, for `k` in `range`, in order:
/// each sum gets the same terms in the same order as alone
/// ([`add_products`]); only the interleaving of the sums differs. A
/// separate loop, not [`add_products`] with `R = 1` inside: that form
/// changed the Cortex-M code (the M0 Q16.16 XOR image ran 6 % more
/// instructions), and Cortex-M only ever takes the single sums.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn sums_side_by_side<
    'a,
    S: Scalar,
    const B: usize,
    const N: usize,
    const L: usize,
    const R: usize,
>(
    out: &mut [[S; B]; N],
    first: usize,
    s: usize,
    mut acc: [[S; L]; R],
    range: core::ops::Range<usize>,
    weight: impl Fn(usize, usize) -> S,
    vector: impl Fn(usize) -> &'a [S; B],
) {
    for k in range {
        let v = vector(k);
        for r in 0..R {
            let w = weight(k, r);
            for l in 0..L {
                acc[r][l] += w * v[s + l];
            }
        }
    }
    for r in 0..R {
        for l in 0..L {
            out[first + r][s + l] = acc[r][l];
        }
    }
}

/// Every weight and bias through [`convert_value`].
impl<S: Scalar, T: Scalar, const I: usize, const O: usize> ConvertTo<T> for Dense<I, O, S> {
    type Output = Dense<I, O, T>;

    fn convert_counting(&self, saturated: &mut usize) -> Dense<I, O, T> {
        Dense::new(
            self.weights
                .map(|row| row.map(|w| convert_value(w, saturated))),
            self.biases.map(|b| convert_value(b, saturated)),
        )
    }
}

/// `Dense<I, O>` for `f32`, `Dense<I, O, S>` for the other number types.
impl<S: Scalar, const I: usize, const O: usize> Bake for Dense<I, O, S> {
    fn write_type<W: Write>(out: &mut W, _indent: usize) -> fmt::Result {
        if S::TAG == <f32 as Scalar>::TAG {
            write!(out, "::stacknet::Dense<{I}, {O}>")
        } else {
            write!(out, "::stacknet::Dense<{I}, {O}, {}>", S::RUST_TYPE)
        }
    }

    fn write_value<W: Write>(&self, out: &mut W, indent: usize) -> fmt::Result {
        out.write_str(if S::TAG == <f32 as Scalar>::TAG {
            "::stacknet::Dense::from_arrays("
        } else {
            "::stacknet::Dense::new("
        })?;
        newline(out, indent + 1)?;
        out.write_char('[')?;
        for row in &self.weights {
            newline(out, indent + 2)?;
            write_row(out, row)?;
            out.write_char(',')?;
        }
        newline(out, indent + 1)?;
        out.write_str("],")?;
        newline(out, indent + 1)?;
        write_row(out, &self.biases)?;
        out.write_char(',')?;
        newline(out, indent)?;
        out.write_char(')')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::init::uniform01;
    use crate::num::Q16_16;
    use rand_core::SeedableRng;
    use rand_xorshift::XorShiftRng;

    /// Both loop orders, Cortex-M's and the vector targets', give the bits
    /// of the sums written out one term after another in order, for every
    /// shape up to 7 × 7, in `f32` and Q16.16 (each host test runs both,
    /// whichever the host itself uses).
    #[allow(clippy::needless_range_loop)]
    fn both_loop_orders_give_the_in_order_sums_in<S: Scalar, const I: usize, const O: usize>(
        rng: &mut XorShiftRng,
    ) {
        let mut value = || S::from_f32(8.0 * uniform01(rng) - 4.0);
        let weights: [[S; I]; O] = core::array::from_fn(|_| core::array::from_fn(|_| value()));
        let layer = Dense::<I, O, S>::new(weights, core::array::from_fn(|_| value()));
        let (x, g): ([S; I], [S; O]) = (
            core::array::from_fn(|_| value()),
            core::array::from_fn(|_| value()),
        );
        let mut y = layer.biases;
        for o in 0..O {
            for i in 0..I {
                y[o] += layer.weights[o][i] * x[i];
            }
        }
        assert_eq!(layer.forward_one_by_one(&x), y);
        assert_eq!(layer.forward_side_by_side(&x), y);
        let dx: [S; I] = core::array::from_fn(|i| {
            let mut sum = layer.weights[0][i] * g[0];
            for o in 1..O {
                sum += layer.weights[o][i] * g[o];
            }
            sum
        });
        assert_eq!(layer.input_gradient_one_by_one(&g), dx);
        assert_eq!(layer.input_gradient_side_by_side(&g), dx);
        // the write pass, with a rule that reads and writes its slot
        let lg = value();
        let (mut row, mut slots) = (layer.weights[0], x);
        let (mut paired, mut paired_slots) = (row, slots);
        update_row(&mut row, &mut slots, lg, &x, Drift);
        update_row_in_pairs(&mut paired, &mut paired_slots, lg, &x, Drift);
        let want: [S; I] =
            core::array::from_fn(|i| (layer.weights[0][i] - lg * x[i]) + x[i] * S::from_f32(0.5));
        assert_eq!(
            (row, slots),
            (want, core::array::from_fn(|i| x[i] - lg * x[i]))
        );
        assert_eq!((paired, paired_slots), (row, slots));
    }

    /// A rule with a slot: `v ← v − d`, `θ ← θ − d + v₀ / 2` (`v₀` the slot
    /// before), so that both the parameter and the slot are checked.
    #[derive(Clone, Copy)]
    struct Drift;

    impl<S: Scalar> Update<S> for Drift {
        fn weight(self, theta: &mut S, slot: &mut S, d: S) {
            *theta = (*theta - d) + *slot * S::from_f32(0.5);
            *slot -= d;
        }
        fn bias(self, theta: &mut S, slot: &mut S, d: S) {
            self.weight(theta, slot, d);
        }
    }

    macro_rules! every_shape {
        ($rng:expr, $S:ty; $($i:literal),+) => {
            $(every_shape!(@row $rng, $S, $i; 1, 2, 3, 4, 5, 6, 7);)+
        };
        (@row $rng:expr, $S:ty, $i:literal; $($o:literal),+) => {
            $(both_loop_orders_give_the_in_order_sums_in::<$S, $i, $o>($rng);)+
        };
    }

    #[test]
    fn both_loop_orders_give_the_in_order_sums() {
        let mut rng = XorShiftRng::seed_from_u64(12);
        for _ in 0..20 {
            every_shape!(&mut rng, f32; 1, 2, 3, 4, 5, 6, 7);
            every_shape!(&mut rng, Q16_16; 1, 2, 3, 4, 5, 6, 7);
        }
    }

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

    #[test]
    #[allow(clippy::needless_range_loop)]
    fn fused_update_is_theta_minus_lr_g_times_x() {
        let mut d = Dense::from_arrays([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [0.5, -0.5, 1.0]);
        let before = d;
        let (x, g, lr) = ([0.3, -1.7], [0.9, 0.0, -2.1], 0.07);
        let (mut pending, mut bound) = ([0.0; 3], GradientBound::START);
        let dx = d.backward_pending(&x, &g, &mut pending, &mut bound);
        let mut unused = Dense::ZERO;
        assert_eq!(dx, before.backward(&x, &g, &mut unused));
        assert_eq!(pending, g);
        // ‖g‖² + ‖x‖²; the step adds the 1 of the biases
        let mut size = 0.0;
        d.add_gradient_sizes(&x, &pending, &mut size);
        assert!((size - (0.81 + 4.41 + 0.09 + 2.89)).abs() < 1e-5);
        d.apply_pending(&x, &pending, lr, &mut unused, crate::model::fused::PlainSgd);
        for o in 0..3 {
            assert_eq!(d.biases[o], before.biases[o] - lr * g[o]);
            for i in 0..2 {
                assert_eq!(d.weights[o][i], before.weights[o][i] - (lr * g[o]) * x[i]);
            }
        }
    }
}
