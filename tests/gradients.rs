//! Analytic gradients against central finite differences, for every layer
//! and for composed networks, on random inputs and parameters.
//!
//! The loss is a random linear functional of the output, `L = Σ c_k y_k`, so
//! `∂L/∂y = c` and backward must return `∂L/∂x` and `∂L/∂θ` that agree with
//! `(L(v + h) − L(v − h)) / 2h` for every input and parameter `v`.

use proptest::prelude::*;
use rand_xorshift::XorShiftRng;
use stacknet::prelude::*;

const H: f32 = 1e-3;

fn loss<N: Layer>(net: &N, x: &N::Input, c: &N::Output) -> f32 {
    let y = net.forward(x);
    y.as_ref().iter().zip(c.as_ref()).map(|(y, c)| y * c).sum()
}

fn close(analytic: f32, numeric: f32, what: &str) -> Result<(), TestCaseError> {
    let tolerance = 2e-3 + 2e-2 * numeric.abs();
    prop_assert!(
        (analytic - numeric).abs() <= tolerance,
        "{what}: analytic {analytic} vs finite difference {numeric}"
    );
    Ok(())
}

/// Checks input and parameter gradients of `N` at random parameters drawn
/// from `seed`, the input `x` and the output weights `c`.
fn check<N: Layer>(seed: u64, x: &[f32], c: &[f32]) -> Result<(), TestCaseError> {
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
            if *p == 0.0 {
                *p = 0.3 - 0.1 * (k % 5) as f32;
            }
        }
    });
    let mut input = N::Input::ZERO;
    input.as_mut().copy_from_slice(x);
    let mut weights = N::Output::ZERO;
    weights.as_mut().copy_from_slice(c);

    let mut cache = N::Cache::ZERO;
    let mut grads = N::ZERO;
    net.forward_train(&input, &mut cache);
    let dx = net.backward(&cache, &weights, &mut grads);

    for i in 0..x.len() {
        let (mut plus, mut minus) = (input, input);
        plus.as_mut()[i] += H;
        minus.as_mut()[i] -= H;
        let numeric = (loss(&net, &plus, &weights) - loss(&net, &minus, &weights)) / (2.0 * H);
        close(dx.as_ref()[i], numeric, &format!("dL/dx[{i}]"))?;
    }
    for k in 0..N::NUM_BLOCKS {
        for j in 0..net.block(k).len() {
            let original = net.block(k)[j];
            net.block_mut(k)[j] = original + H;
            let up = loss(&net, &input, &weights);
            net.block_mut(k)[j] = original - H;
            let down = loss(&net, &input, &weights);
            net.block_mut(k)[j] = original;
            let numeric = (up - down) / (2.0 * H);
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
fn leaky_relu_mlp() {
    type Net = (Dense<3, 6>, LeakyRelu<6>, Dense<6, 2>, Identity<2>);
    for seed in 0..8 {
        check::<Net>(seed, &[0.4, -0.9, 1.7], &[0.5, -1.0]).unwrap();
    }
}
