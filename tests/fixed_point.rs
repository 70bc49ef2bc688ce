//! Q16.16 through the public API: a small computation that uses only
//! `Scalar`, and training (the saturation counter has its own test binary,
//! `tests/saturations.rs`, as it is global to the process).

use stacknet::Zero;
use stacknet::num::{Q16_16, Scalar};

/// One gradient-descent step on ½(w·x − t)², written against `Scalar`,
/// gives the same value in Q16.16 as in f64 to within a few ulps.
#[test]
fn a_generic_step() {
    fn step<S: Scalar>(w: S, x: S, t: S, lr: f32) -> S {
        let y = w * x;
        let g = (y - t) * x;
        w - S::from_f32(lr) * g
    }
    let w = step(
        Q16_16::from_f32(0.5),
        Q16_16::from_f32(2.0),
        Q16_16::from_f32(3.0),
        0.125,
    );
    let f = step(0.5f64, 2.0, 3.0, 0.125);
    assert_eq!(w.to_f64(), f); // all values exact in Q16.16
    assert_eq!(w, Q16_16::from_f32(1.0));
    assert_eq!(
        Q16_16::ZERO.sigmoid() + Q16_16::ZERO.tanh(),
        Q16_16::from_f32(0.5)
    );
}

/// The TinyMind workload's target, `y = x0·x1 + 0.5·x0 − x1`, on a fixed
/// 20 × 20 grid of `[−2, 2]²`.
fn grid() -> (Vec<[f32; 2]>, Vec<[f32; 1]>) {
    let x: Vec<[f32; 2]> = (0..400)
        .map(|k| [(k % 20) as f32 / 5.0 - 1.9, (k / 20) as f32 / 5.0 - 1.9])
        .collect();
    let y = x.iter().map(|&[a, b]| [a * b + 0.5 * a - b]).collect();
    (x, y)
}

/// Trains the 2-4-3-1 ReLU network from the same f32 start, in `S`, with
/// SGD at batch 1 (the fused kernel), rows shuffled each epoch from one
/// seed, for `epochs` epochs; the training MSE after.
fn trained_mse<S: Scalar>(epochs: u32) -> f64
where
    (
        stacknet::Dense<2, 4>,
        stacknet::Relu<4>,
        stacknet::Dense<4, 3>,
        stacknet::Relu<3>,
        stacknet::Dense<3, 1>,
    ): stacknet::num::ConvertTo<
            S,
            Output = (
                stacknet::Dense<2, 4, S>,
                stacknet::Relu<4>,
                stacknet::Dense<4, 3, S>,
                stacknet::Relu<3>,
                stacknet::Dense<3, 1, S>,
            ),
        >,
{
    use stacknet::num::Convert;
    use stacknet::prelude::*;
    type Start = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
    type Net<S> = (
        Dense<2, 4, S>,
        Relu<4>,
        Dense<4, 3, S>,
        Relu<3>,
        Dense<3, 1, S>,
    );
    let start = Start::random(Init::XavierUniform, &mut XorShiftRng::seed_from_u64(3));
    let conversion = start.convert::<S>();
    assert_eq!(conversion.saturated, 0);
    let mut net: Net<S> = conversion.net;
    let (x, y) = grid();
    let x: Vec<[S; 2]> = x.iter().map(|r| r.map(S::from_f32)).collect();
    let y: Vec<[S; 1]> = y.iter().map(|r| r.map(S::from_f32)).collect();
    let data = Dataset::new(&x, &y).unwrap();
    let mut trainer: Trainer<Net<S>, Sgd, MeanSquaredError, Net<S>, S> =
        Trainer::new(Sgd::default(), MeanSquaredError);
    let config = FitConfig {
        epochs,
        batch: Batch::Size(1),
        learning_rate: 0.01,
        shuffle: true,
        early_stopping: None,
        clip: None,
        ..FitConfig::default()
    };
    let mut order = vec![0; x.len()];
    let mut rng = XorShiftRng::seed_from_u64(0);
    trainer
        .fit(&mut net, &data, &config, &mut order, &mut rng, &mut ())
        .unwrap();
    let rows: Vec<u32> = (0..x.len() as u32).collect();
    trainer.evaluate(&net, &data, &rows).unwrap().to_f64()
}

/// The same network, start and training in Q16.16 and in f32: the
/// fixed-point run trains as well, to within 3 % of the f32 training MSE.
#[test]
fn q16_16_trains_the_2_4_3_1_network_as_f32_does() {
    let (fixed, float) = (trained_mse::<Q16_16>(20), trained_mse::<f32>(20));
    let untrained = trained_mse::<f32>(0);
    assert!(untrained > 1.0, "the start is already good: {untrained}");
    assert!(float < 0.5, "f32 did not train: {float}");
    assert!(
        (fixed - float).abs() <= 0.03 * float,
        "Q16.16 MSE {fixed}, f32 {float}"
    );
}

/// A learning rate below Q16.16's resolution (2⁻¹⁶ ≈ 1.5e-5) would round to
/// 0 and train nothing: it is refused before anything changes.
#[test]
fn a_rate_that_rounds_to_zero_in_q16_16_is_refused() {
    use stacknet::prelude::*;
    type Net = (Dense<2, 1, Q16_16>, Identity<1>);
    let mut net: Net = (
        Dense::new([[Q16_16::ONE, -Q16_16::ONE]], [Q16_16::ZERO]),
        Identity,
    );
    let before = net;
    let x = [[Q16_16::ONE, Q16_16::ZERO]];
    let y = [[Q16_16::ZERO]];
    let data = Dataset::new(&x, &y).unwrap();
    let mut trainer: Trainer<Net, Sgd, MeanSquaredError, Net, Q16_16> =
        Trainer::new(Sgd::default(), MeanSquaredError);
    assert_eq!(
        trainer.step(&mut net, &data, &[0], 1e-6),
        Err(stacknet::train::TrainError::InvalidLearningRate)
    );
    assert_eq!(net, before);
    // 2⁻¹⁰ is representable: the step is taken, θ ← θ − lr · 2(ŷ − y) x
    let loss = trainer.step(&mut net, &data, &[0], 1.0 / 1024.0).unwrap();
    assert_eq!(loss, Q16_16::ONE);
    assert_eq!(net.0.weights[0][0].to_raw(), 65536 - 128);
}
