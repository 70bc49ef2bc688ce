//! Analytic gradients against central finite differences, for every layer
//! and for composed networks, on random inputs and parameters.
//!
//! The loss is a random linear functional of the output, `L = Σ c_k y_k`, so
//! `∂L/∂y = c` and backward must return `∂L/∂x` and `∂L/∂θ` that agree with
//! `(L(v + h) − L(v − h)) / 2h` for every input and parameter `v`.

//!
//! Every check runs in `f32` (step 1e-3, tolerance 2e-3 + 2% of the
//! difference) and the networks also in `f64` (step 1e-6, tolerance
//! 1e-8 + 1e-6 of the difference: the truncation error of a central
//! difference is O(h²), its rounding error O(ε/h)).

use proptest::prelude::*;
use rand_xorshift::XorShiftRng;
use stacknet::num::Scalar;
use stacknet::prelude::*;

/// The finite-difference step and the tolerance `(absolute, relative)` in `S`.
fn step_and_tolerance<S: Scalar>() -> (f64, f64, f64) {
    if S::BYTES == 4 {
        (1e-3, 2e-3, 2e-2)
    } else {
        (1e-6, 1e-8, 1e-6)
    }
}

fn loss<S: Scalar, N: Layer<S>>(net: &N, x: &N::Input, c: &N::Output) -> f64 {
    let y = net.forward(x);
    let sum = y
        .as_ref()
        .iter()
        .zip(c.as_ref())
        .fold(S::ZERO, |sum, (&y, &c)| sum + y * c);
    sum.to_f64()
}

fn close<S: Scalar>(analytic: S, numeric: f64, what: &str) -> Result<(), TestCaseError> {
    let (_, absolute, relative) = step_and_tolerance::<S>();
    let analytic = analytic.to_f64();
    let tolerance = absolute + relative * numeric.abs();
    prop_assert!(
        (analytic - numeric).abs() <= tolerance,
        "{what}: analytic {analytic} vs finite difference {numeric}"
    );
    Ok(())
}

/// Checks input and parameter gradients of `N` at random parameters drawn
/// from `seed`, the input `x` and the output weights `c`.
fn check<N: Layer>(seed: u64, x: &[f32], c: &[f32]) -> Result<(), TestCaseError> {
    check_in::<f32, N>(seed, x, c)
}

/// [`check`] in number type `S`.
fn check_in<S: Scalar, N: Layer<S>>(seed: u64, x: &[f32], c: &[f32]) -> Result<(), TestCaseError> {
    let (h, _, _) = step_and_tolerance::<S>();
    let h_s = S::from_f64(h);
    let mut rng = XorShiftRng::seed_from_u64(seed);
    let mut net = N::random(
        Init::Uniform {
            low: -1.0,
            high: 1.0,
        },
        &mut rng,
    );
    net.for_each_block_mut(|b| {
        for (k, p) in b.iter_mut().enumerate() {
            // biases get values too, away from zero
            if *p == S::ZERO {
                *p = S::from_f64(0.3 - 0.1 * (k % 5) as f64);
            }
        }
    });
    let mut input = N::Input::ZERO;
    for (i, &x) in input.as_mut().iter_mut().zip(x) {
        *i = S::from_f32(x);
    }
    let mut weights = N::Output::ZERO;
    for (w, &c) in weights.as_mut().iter_mut().zip(c) {
        *w = S::from_f32(c);
    }

    let mut cache = N::Cache::ZERO;
    let mut grads = N::ZERO;
    net.forward_train(&input, &mut cache);
    let dx = net.backward(&cache, &weights, &mut grads);

    for i in 0..x.len() {
        let (mut plus, mut minus) = (input, input);
        plus.as_mut()[i] += h_s;
        minus.as_mut()[i] -= h_s;
        let numeric = (loss(&net, &plus, &weights) - loss(&net, &minus, &weights)) / (2.0 * h);
        close(dx.as_ref()[i], numeric, &format!("dL/dx[{i}]"))?;
    }
    for k in 0..N::NUM_BLOCKS {
        for j in 0..net.block(k).len() {
            let original = net.block(k)[j];
            net.block_mut(k)[j] = original + h_s;
            let up = loss(&net, &input, &weights);
            net.block_mut(k)[j] = original - h_s;
            let down = loss(&net, &input, &weights);
            net.block_mut(k)[j] = original;
            let numeric = (up - down) / (2.0 * h);
            close(
                grads.block(k)[j],
                numeric,
                &format!("dL/dθ block {k} [{j}]"),
            )?;
        }
    }
    Ok(())
}

/// Inputs kept away from the kink of ReLU-like layers, where a finite
/// difference of width 2h would straddle it.
fn away_from_zero(n: usize) -> impl Strategy<Value = Vec<f32>> {
    prop::collection::vec(prop_oneof![-2.0f32..-0.05, 0.05f32..2.0], n..=n)
}

fn weights(n: usize) -> impl Strategy<Value = Vec<f32>> {
    prop::collection::vec(-1.0f32..1.0, n..=n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn dense(seed: u64, x in weights(3), c in weights(4)) {
        check::<Dense<3, 4>>(seed, &x, &c)?;
    }

    #[test]
    fn identity(x in weights(3), c in weights(3)) {
        check::<Identity<3>>(0, &x, &c)?;
    }

    #[test]
    fn relu(x in away_from_zero(4), c in weights(4)) {
        check::<Relu<4>>(0, &x, &c)?;
    }

    #[test]
    fn leaky_relu(x in away_from_zero(4), c in weights(4)) {
        check::<LeakyRelu<4>>(0, &x, &c)?;
    }

    #[test]
    fn sigmoid(x in prop::collection::vec(-6.0f32..6.0, 4..=4), c in weights(4)) {
        check::<Sigmoid<4>>(0, &x, &c)?;
    }

    #[test]
    fn tanh(x in prop::collection::vec(-3.0f32..3.0, 4..=4), c in weights(4)) {
        check::<Tanh<4>>(0, &x, &c)?;
    }

    #[test]
    fn softmax(x in prop::collection::vec(-4.0f32..4.0, 5..=5), c in weights(5)) {
        check::<Softmax<5>>(0, &x, &c)?;
    }

    #[test]
    fn elu(x in away_from_zero(4), c in weights(4)) {
        check::<Elu<4>>(0, &x, &c)?;
        check::<(Dense<4, 3>, Elu<3>)>(7, &x, &c[..3])?;
    }

    #[test]
    fn silu(x in prop::collection::vec(-6.0f32..6.0, 4..=4), c in weights(4)) {
        check::<Silu<4>>(0, &x, &c)?;
    }

    #[test]
    fn gelu(x in prop::collection::vec(-5.0f32..5.0, 4..=4), c in weights(4)) {
        check::<Gelu<4>>(0, &x, &c)?;
    }

    #[test]
    fn softplus(x in prop::collection::vec(-8.0f32..8.0, 4..=4), c in weights(4)) {
        check::<Softplus<4>>(0, &x, &c)?;
    }

    /// Away from the kinks at ±3.
    #[test]
    fn hard_sigmoid(
        x in prop::collection::vec(prop_oneof![-5.0f32..-3.05, -2.95f32..2.95, 3.05f32..5.0], 4..=4),
        c in weights(4),
    ) {
        check::<HardSigmoid<4>>(0, &x, &c)?;
    }

    /// Away from the kinks at ±1.
    #[test]
    fn hard_tanh(
        x in prop::collection::vec(prop_oneof![-3.0f32..-1.05, -0.95f32..0.95, 1.05f32..3.0], 4..=4),
        c in weights(4),
    ) {
        check::<HardTanh<4>>(0, &x, &c)?;
    }

    #[test]
    fn smooth_mlp(seed: u64, x in weights(3), c in weights(2)) {
        check::<(Dense<3, 5>, Tanh<5>, Dense<5, 4>, Sigmoid<4>, Dense<4, 2>, Softmax<2>)>(
            seed, &x, &c,
        )?;
    }

    #[test]
    fn smooth_mlp_in_f64(seed: u64, x in weights(3), c in weights(2)) {
        type Net = (
            Dense<3, 5, f64>,
            Tanh<5>,
            Dense<5, 4, f64>,
            Sigmoid<4>,
            Dense<4, 3, f64>,
            Gelu<3>,
            Dense<3, 3, f64>,
            Silu<3>,
            Dense<3, 2, f64>,
            Softmax<2>,
        );
        check_in::<f64, Net>(seed, &x, &c)?;
    }
}

/// The ReLU networks use fixed seeds: a random draw could put a hidden
/// pre-activation within h of zero, where no finite difference is valid.
#[test]
fn housing_mlp_2_4_3_1() {
    type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
    for seed in 0..8 {
        check::<Net>(seed, &[0.7, -1.3], &[1.0]).unwrap();
    }
}

#[test]
fn housing_mlp_2_4_3_1_in_f64() {
    type Net = (
        Dense<2, 4, f64>,
        Relu<4>,
        Dense<4, 3, f64>,
        Relu<3>,
        Dense<3, 1, f64>,
    );
    for seed in 0..8 {
        check_in::<f64, Net>(seed, &[0.7, -1.3], &[1.0]).unwrap();
    }
}

#[test]
fn leaky_relu_mlp() {
    type Net = (Dense<3, 6>, LeakyRelu<6>, Dense<6, 2>, Identity<2>);
    for seed in 0..8 {
        check::<Net>(seed, &[0.4, -0.9, 1.7], &[0.5, -1.0]).unwrap();
    }
}
