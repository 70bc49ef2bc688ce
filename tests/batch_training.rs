//! Whole training runs through the batched and fused paths: mini-batches of
//! 10 samples as blocks of 4 (the last block of each mini-batch half empty)
//! give the bits of the per-sample path summed in the gradient's lanes
//! (sample `k` of a mini-batch into lane `k % 4`, then `(l0 + l1) + (l2 +
//! l3)`), and batch-1 SGD with backward and step fused follows backward
//! then step to rounding.

mod common;

use common::lane_sums;
use stacknet::batch::{BatchLayer, GRAD_LANES, forward_rows, load_batch};
use stacknet::fused::SgdStep;
use stacknet::init::uniform01;
use stacknet::prelude::*;

type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
const BLOCK: usize = 4;
const MINI_BATCH: usize = 10;

fn data() -> (Vec<[f32; 2]>, Vec<f32>) {
    let mut rng = XorShiftRng::seed_from_u64(11);
    let x: Vec<[f32; 2]> = (0..57)
        .map(|_| {
            [
                4.0 * uniform01(&mut rng) - 2.0,
                4.0 * uniform01(&mut rng) - 2.0,
            ]
        })
        .collect();
    let y = x.iter().map(|x| x[0] * x[0] - 0.5 * x[1] + 0.25).collect();
    (x, y)
}

fn bits(net: &Net) -> Vec<u32> {
    let mut flat = [0.0; Net::NUM_PARAMS];
    net.copy_to_slice(&mut flat).unwrap();
    flat.iter().map(|v| v.to_bits()).collect()
}

fn mse(net: &Net, xs: &[[f32; 2]], ys: &[f32]) -> f32 {
    let sum: f32 = xs
        .iter()
        .zip(ys)
        .map(|(x, y)| (net.forward(x)[0] - y).powi(2))
        .sum();
    sum / xs.len() as f32
}

#[test]
fn mini_batches_in_blocks_match_per_sample_training() {
    let (xs, ys) = data();
    let start = Net::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(3));

    let mut plain = start;
    let mut cache = <Net as Layer>::Cache::ZERO;
    let mut batched = start;
    let mut batch_cache = <Net as BatchLayer<BLOCK>>::BatchCache::ZERO;
    let mut batch_grads = Net::ZERO;
    for _epoch in 0..30 {
        for (bx, by) in xs.chunks(MINI_BATCH).zip(ys.chunks(MINI_BATCH)) {
            let n = bx.len() as f32;
            let mut lanes = [Net::ZERO; GRAD_LANES];
            for (k, (x, y)) in bx.iter().zip(by).enumerate() {
                let p = plain.forward_train(x, &mut cache);
                plain.backward(&cache, &[(p[0] - y) / n], &mut lanes[k % GRAD_LANES]);
            }
            plain.sgd_step(&lane_sums(&lanes), 0.05);

            let mut batch_lanes = <Net as BatchLayer<BLOCK>>::LaneGrads::ZERO;
            for (bx, by) in bx.chunks(BLOCK).zip(by.chunks(BLOCK)) {
                let mut x = [[0.0; BLOCK]; 2];
                load_batch(bx, &mut x);
                let p = batched.forward_batch_train(&x, &mut batch_cache);
                let mut g = [[0.0; BLOCK]; 1];
                for ((g, p), y) in g[0].iter_mut().zip(&p[0]).zip(by) {
                    *g = (p - y) / n;
                }
                // blocks of 4 start at lane 0
                batched.backward_batch_lanes(&batch_cache, &g, &mut batch_lanes, 0);
            }
            <Net as BatchLayer<BLOCK>>::sum_lanes(&batch_lanes, &mut batch_grads);
            batched.sgd_step(&batch_grads, 0.05);
        }
        assert_eq!(bits(&plain), bits(&batched));
    }
    assert!(
        mse(&plain, &xs, &ys) < 0.5 * mse(&start, &xs, &ys),
        "it learns"
    );

    let mut rows = vec![[0.0; 1]; xs.len()];
    forward_rows::<BLOCK, 2, 1, Net, _>(&batched, &xs, &mut rows).unwrap();
    for (x, r) in xs.iter().zip(&rows) {
        assert_eq!(r[0].to_bits(), plain.forward(x)[0].to_bits());
    }
}

/// The fused step applies the learning rate once per output, `θ − (lr·g)·x`
/// instead of `θ − lr·(g·x)`: the two trajectories differ by rounding only.
#[test]
fn fused_batch_one_training_follows_backward_then_step() {
    let (xs, ys) = data();
    let start = Net::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(5));
    let (mut plain, mut fused) = (start, start);
    let (mut cache, mut grads) = (<Net as Layer>::Cache::ZERO, Net::ZERO);
    for _epoch in 0..30 {
        for (x, y) in xs.iter().zip(&ys) {
            let p = plain.forward_train(x, &mut cache);
            grads.fill(0.0);
            plain.backward(&cache, &[p[0] - y], &mut grads);
            plain.sgd_step(&grads, 0.01);

            let p = fused.forward_train(x, &mut cache);
            fused.backward_sgd(&cache, &[p[0] - y], 0.01);
        }
        let (mut a, mut b) = ([0.0; Net::NUM_PARAMS], [0.0; Net::NUM_PARAMS]);
        plain.copy_to_slice(&mut a).unwrap();
        fused.copy_to_slice(&mut b).unwrap();
        for (a, b) in a.iter().zip(&b) {
            assert!((a - b).abs() < 1e-4 * (1.0 + a.abs()), "{a} vs {b}");
        }
    }
    assert!(
        mse(&fused, &xs, &ys) < 0.5 * mse(&start, &xs, &ys),
        "it learns"
    );
}
