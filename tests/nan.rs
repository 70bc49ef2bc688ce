//! NaN propagates: no layer turns a NaN into a finite number, forward or
//! backward, per sample or batched, in `f32` and `f64`, and a network's
//! prediction on a NaN input is NaN (the `Layer` docs promise it).

use stacknet::layers::{
    Dense, Elu, Gelu, HardSigmoid, HardTanh, Identity, LeakyRelu, Relu, Sigmoid, Silu, Softmax,
    Softplus, Tanh,
};
use stacknet::num::Scalar;
use stacknet::prelude::*;
use stacknet::{BatchLayer, Params};

/// Inputs around every kink and saturation of the activations, with a NaN
/// in lane `nan`.
fn input<S: Scalar, const N: usize>(nan: usize) -> [S; N] {
    core::array::from_fn(|k| {
        if k == nan {
            S::from_f64(f64::NAN)
        } else {
            S::from_f64([-40.0, -3.0, -1.0, -0.0, 0.0, 0.5, 3.0, 40.0][k % 8])
        }
    })
}

/// Every output that depends on the NaN input is NaN: `all` for layers that
/// mix their inputs (dense, softmax), the NaN's own lane for element-wise
/// ones. The batched forward agrees, lane by lane.
fn forward_keeps_nan<S: Scalar, L, const N: usize, const M: usize>(layer: &L, all: bool)
where
    L: Layer<S, Input = [S; N], Output = [S; M]>
        + BatchLayer<4, S, BatchInput = [[S; 4]; N], BatchOutput = [[S; 4]; M]>,
{
    for nan in 0..N {
        let x = input::<S, N>(nan);
        let y = layer.forward(&x);
        let mut cache = L::Cache::ZERO;
        assert_eq!(
            layer.forward_train(&x, &mut cache).map(S::to_bits),
            y.map(S::to_bits)
        );
        for (k, v) in y.iter().enumerate() {
            if all || k == nan {
                assert!(!v.is_finite(), "lane {k} of {y:?} from NaN in lane {nan}");
            }
        }
        // the same sample in lane 1 of a block of four finite others
        let batch: [[S; 4]; N] =
            core::array::from_fn(|i| [S::ONE, x[i], S::ZERO, S::from_f64(-2.0)]);
        let yb = layer.forward_batch(&batch);
        for (k, lanes) in yb.iter().enumerate() {
            assert_eq!(lanes[1].to_bits(), y[k].to_bits(), "batched lane {k}");
        }
    }
}

/// A NaN output gradient reaches every input gradient and every parameter
/// gradient (at inputs where an activation is flat too: `f′ = 0` times NaN).
fn backward_keeps_nan<S: Scalar, L, const N: usize, const M: usize>(layer: &L)
where
    L: Layer<S, Input = [S; N], Output = [S; M]> + Params<S>,
{
    let x = input::<S, N>(usize::MAX);
    let mut cache = L::Cache::ZERO;
    layer.forward_train(&x, &mut cache);
    let g: [S; M] = core::array::from_fn(|_| S::from_f64(f64::NAN));
    let mut grads = L::ZERO;
    let dx = layer.backward(&cache, &g, &mut grads);
    assert!(dx.iter().all(|v| !v.is_finite()), "{dx:?}");
    grads.for_each_block(|block| assert!(block.iter().all(|v| !v.is_finite())));
}

fn every_layer<S: Scalar>() {
    let dense = Dense::<8, 3, S>::new(
        core::array::from_fn(|o| core::array::from_fn(|i| S::from_f64((o + i) as f64 * 0.1))),
        [S::ZERO; 3],
    );
    forward_keeps_nan::<S, _, 8, 3>(&dense, true);
    backward_keeps_nan::<S, _, 8, 3>(&dense);
    macro_rules! element_wise {
        ($($layer:expr),*) => {$(
            forward_keeps_nan::<S, _, 8, 8>(&$layer, false);
            backward_keeps_nan::<S, _, 8, 8>(&$layer);
        )*};
    }
    element_wise!(
        Identity::<8>,
        Relu::<8>,
        LeakyRelu::<8>::default(),
        Elu::<8>::default(),
        Sigmoid::<8>,
        Tanh::<8>,
        Silu::<8>,
        Gelu::<8>,
        Softplus::<8>,
        HardSigmoid::<8>,
        HardTanh::<8>
    );
    forward_keeps_nan::<S, _, 8, 8>(&Softmax::<8>, true);
    backward_keeps_nan::<S, _, 8, 8>(&Softmax::<8>);
}

#[test]
fn no_layer_turns_nan_into_a_number() {
    every_layer::<f32>();
    every_layer::<f64>();
}

#[test]
fn a_prediction_on_a_nan_input_is_nan() {
    type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
    let net = Net::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(3));
    for x in [[f32::NAN, 1.0], [1.0, f32::NAN], [f32::NAN, f32::NAN]] {
        assert!(net.forward(&x)[0].is_nan(), "{x:?}");
    }
    type Classifier = (Dense<2, 4>, Tanh<4>, Dense<4, 3>, Softmax<3>);
    let net = Classifier::random(Init::XavierUniform, &mut XorShiftRng::seed_from_u64(3));
    assert!(net.forward(&[f32::NAN, 0.0]).iter().all(|p| p.is_nan()));
}
