//! Shared by the integration tests: the networks they build and a way to
//! compare parameters bit for bit. Include with `mod common;`.
#![allow(dead_code)]

use stacknet::prelude::*;

/// The 2-4-3-1 house-price MLP.
pub type Housing = HousingIn<f32>;

/// The 2-4-3-1 house-price MLP in number type `S`.
pub type HousingIn<S> = (
    Dense<2, 4, S>,
    Relu<4>,
    Dense<4, 3, S>,
    Relu<3>,
    Dense<3, 1, S>,
);

/// Every layer type in one network.
pub type AllLayers = (
    Dense<3, 4>,
    LeakyRelu<4>,
    Dense<4, 4>,
    Tanh<4>,
    Dense<4, 3>,
    Sigmoid<3>,
    Identity<3>,
    Dense<3, 3>,
    Relu<3>,
    Dense<3, 2>,
    Softmax<2>,
);

/// The parameters of `net` as bit patterns, so that `-0.0`, subnormals and
/// NaN payloads compare exactly.
pub fn bits<P: Params>(net: &P) -> Vec<u32> {
    let mut flat = vec![0.0f32; P::NUM_PARAMS];
    net.copy_to_slice(&mut flat).unwrap();
    flat.iter().map(|p| p.to_bits()).collect()
}

/// The gradient a mini-batch step takes from per-sample gradients kept in
/// four lanes (sample `k` added into `lanes[k % 4]`, from zero): each
/// parameter's `(l0 + l1) + (l2 + l3)`.
pub fn lane_sums<P: Params + Zero>(lanes: &[P; 4]) -> P {
    let flat = lanes.each_ref().map(|l| {
        let mut flat = vec![0.0f32; P::NUM_PARAMS];
        l.copy_to_slice(&mut flat).unwrap();
        flat
    });
    let sums: Vec<f32> = (0..P::NUM_PARAMS)
        .map(|k| (flat[0][k] + flat[1][k]) + (flat[2][k] + flat[3][k]))
        .collect();
    let mut sum = P::ZERO;
    sum.copy_from_slice(&sums).unwrap();
    sum
}
