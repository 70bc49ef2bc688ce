//! Boston housing: rooms (RM) and lower-status share (LSTAT) → median value
//! (MEDV) with the 2-4-3-1 ReLU MLP, on the fixed 404/102 split.
//!
//! Run: `cargo run --release --example boston_housing`

#[path = "common/mod.rs"]
mod common;

use stacknet::prelude::*;

type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);

fn main() {
    let boston = common::boston();
    let train: Vec<([f32; 2], f32)> = boston
        .train_x
        .iter()
        .zip(&boston.train_y)
        .map(|(x, y)| (*x, y[0]))
        .collect();
    let test: Vec<([f32; 2], f32)> = boston
        .test_x
        .iter()
        .zip(&boston.test_y)
        .map(|(x, y)| (*x, y[0]))
        .collect();

    // z-score the inputs with the training rows' mean and population std
    let mut mean = [0.0f32; 2];
    let mut std = [0.0f32; 2];
    for j in 0..2 {
        mean[j] = train.iter().map(|(x, _)| x[j]).sum::<f32>() / train.len() as f32;
        let var = train
            .iter()
            .map(|(x, _)| (x[j] - mean[j]).powi(2))
            .sum::<f32>()
            / train.len() as f32;
        std[j] = var.sqrt();
    }
    let scale = |x: [f32; 2]| [(x[0] - mean[0]) / std[0], (x[1] - mean[1]) / std[1]];

    let mut rng = XorShiftRng::seed_from_u64(0);
    let mut net = Net::random(Init::HeNormal, &mut rng);
    let mut cache = <Net as Layer>::Cache::ZERO;
    let mut grads = Net::ZERO;
    for _epoch in 0..300 {
        for batch in train.chunks(32) {
            grads.fill(0.0);
            for (x, y) in batch {
                let p = net.forward_train(&scale(*x), &mut cache);
                // d/dp of the batch-mean of ½(p − y)²
                net.backward(&cache, &[(p[0] - y) / batch.len() as f32], &mut grads);
            }
            net.sgd_step(&grads, 0.01);
        }
    }
    let mse = test
        .iter()
        .map(|(x, y)| (net.forward(&scale(*x))[0] - y).powi(2))
        .sum::<f32>()
        / test.len() as f32;
    for (x, y) in test.iter().take(3) {
        let p = net.forward(&scale(*x))[0];
        println!(
            "RM {:.2}, LSTAT {:5.2}%: predicted ${:>6.0}, actual ${:>6.0}",
            x[0],
            x[1],
            p * 1000.0,
            y * 1000.0
        );
    }
    println!("test_mse={mse:.3}");
}
