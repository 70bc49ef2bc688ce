//! `Dropout<N>`: the identity in prediction, inverted dropout in training
//! (a kept unit is `x / (1 − p)`, a dropped one 0), gradients only through
//! kept units (checked against finite differences), masks with the
//! frequency the binomial predicts, the same masks from the same seed on
//! either kernel, reproducible `fit`, its `p` in the shape tag and the
//! baked source, and bad settings refused.

use stacknet::bake::write_rust_source;
use stacknet::layer::LayerError;
use stacknet::persist::{LoadError, Persist};
use stacknet::prelude::*;
use stacknet::train::TrainError;

type Net = (Dense<3, 6, f64>, Tanh<6>, Dropout<6>, Dense<6, 1, f64>);

fn net(p: f32, seed: u64) -> Net {
    let mut net = Net::random(Init::XavierUniform, &mut XorShiftRng::seed_from_u64(seed));
    net.2 = Dropout::with_rate(p);
    net
}

#[test]
fn prediction_is_the_identity() {
    let x = [1.5f32, -2.0, 0.0, 7.25];
    assert_eq!(Dropout::<4>::with_rate(0.9).forward(&x), x);
    let n = net(0.5, 1);
    let without: (Dense<3, 6, f64>, Tanh<6>, Dense<6, 1, f64>) = (n.0, n.1, n.3);
    assert_eq!(
        n.forward(&[0.5, -1.0, 2.0]),
        without.forward(&[0.5, -1.0, 2.0])
    );
}

/// ½(y − t)² with the cache's mask held fixed.
fn loss(net: &Net, mask: &<Net as Layer<f64>>::Cache, x: &[f64; 3], t: f64) -> f64 {
    let mut cache = *mask;
    let y = net.forward_train(x, &mut cache)[0];
    0.5 * (y - t) * (y - t)
}

#[test]
fn backward_matches_finite_differences_with_a_fixed_mask() {
    let mut rng = XorShiftRng::seed_from_u64(11);
    let (x, t) = ([0.8, -1.1, 0.4], 0.3);
    for seed in 0..5 {
        let net = net(0.5, seed);
        let mut cache = <Net as Layer<f64>>::Cache::ZERO;
        net.draw_masks(&mut cache, &mut rng);
        let mask = cache.2;
        assert!(mask.contains(&0.0) && mask.contains(&2.0), "{mask:?}");
        let y = net.forward_train(&x, &mut cache)[0];
        let mut grads = Net::ZERO;
        let dx = net.backward(&cache, &[y - t], &mut grads);
        let h = 1e-6;
        for k in 0..Net::NUM_BLOCKS {
            for j in 0..net.block(k).len() {
                let (mut up, mut down) = (net, net);
                up.block_mut(k)[j] += h;
                down.block_mut(k)[j] -= h;
                let numeric = (loss(&up, &cache, &x, t) - loss(&down, &cache, &x, t)) / (2.0 * h);
                let analytic = grads.block(k)[j];
                assert!(
                    (numeric - analytic).abs() < 1e-7,
                    "{k}/{j}: {numeric} {analytic}"
                );
            }
        }
        // the first layer's rows feeding a dropped unit get no gradient
        for (o, &m) in mask.iter().enumerate() {
            if m == 0.0 {
                assert_eq!(grads.0.weights[o], [0.0; 3]);
                assert_eq!(grads.0.biases[o], 0.0);
                assert_eq!(grads.3.weights[0][o], 0.0);
            }
        }
        for i in 0..3 {
            let (mut up, mut down) = (x, x);
            up[i] += h;
            down[i] -= h;
            let numeric = (loss(&net, &cache, &up, t) - loss(&net, &cache, &down, t)) / (2.0 * h);
            assert!((numeric - dx[i]).abs() < 1e-7);
        }
    }
}

/// Kept units over `n` draws are Binomial(n, 1 − p): the share kept lies
/// within 5 standard deviations, `5 √(p(1 − p)/n)`, of `1 − p` (a bound a
/// correct draw misses with probability below 6e-7).
#[test]
fn masks_keep_units_with_probability_one_minus_p() {
    for p in [0.1f32, 0.3, 0.5, 0.8] {
        let layer = Dropout::<50>::with_rate(p);
        let mut rng = XorShiftRng::seed_from_u64(u64::from(p.to_bits()));
        let (mut kept, mut n) = (0u64, 0u64);
        let mut mask = [0.0f32; 50];
        for _ in 0..4000 {
            layer.draw_masks(&mut mask, &mut rng);
            kept += mask.iter().filter(|&&m| m != 0.0).count() as u64;
            n += 50;
        }
        let (p, share) = (f64::from(p), kept as f64 / n as f64);
        let bound = 5.0 * (p * (1.0 - p) / n as f64).sqrt();
        assert!(
            (share - (1.0 - p)).abs() < bound,
            "p {p}: kept {share}, bound {bound}"
        );
    }
}

#[test]
fn the_same_seed_draws_the_same_masks() {
    let layer = Dropout::<32>::with_rate(0.5);
    let draw = |seed| {
        let mut rng = XorShiftRng::seed_from_u64(seed);
        let mut masks = [[0.0f32; 32]; 4];
        for m in &mut masks {
            layer.draw_masks(m, &mut rng);
        }
        masks
    };
    assert_eq!(draw(7), draw(7));
    assert_ne!(draw(7), draw(8));
}

fn data() -> (Vec<[f64; 3]>, Vec<[f64; 1]>) {
    let x: Vec<[f64; 3]> = (0..20)
        .map(|i| {
            let v = i as f64 / 10.0 - 1.0;
            [v, v * v, 0.5 - v]
        })
        .collect();
    let y = x.iter().map(|x| [x[0] - 2.0 * x[1] + 0.25]).collect();
    (x, y)
}

/// One `step_with_rng` on `rows` against the per-sample computation by
/// hand: masks drawn row by row from the same seed, gradients weighted by
/// 1/n, then plain SGD. Ten rows run one batched block of 8 (on hosts) and
/// two single rows; one row runs the fused kernel.
#[test]
fn a_step_with_dropout_is_the_per_sample_computation() {
    let (x, y) = data();
    let data = Dataset::new(&x, &y).unwrap();
    for rows in [&[3u32][..], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]] {
        let start = net(0.5, 4);
        let mut stepped = start;
        let mut trainer = Trainer::new(Sgd::default(), HalfMeanSquaredError);
        let mut rng = XorShiftRng::seed_from_u64(21);
        trainer
            .step_with_rng(&mut stepped, &data, rows, 0.1, &mut rng)
            .unwrap();

        let mut rng = XorShiftRng::seed_from_u64(21);
        let mut grads = Net::ZERO;
        let mut cache = <Net as Layer<f64>>::Cache::ZERO;
        for &r in rows {
            let (x, t) = data.get(r as usize).unwrap();
            start.draw_masks(&mut cache, &mut rng);
            let out = start.forward_train(x, &mut cache)[0];
            start.backward(&cache, &[(out - t[0]) / rows.len() as f64], &mut grads);
        }
        let mut by_hand = start;
        by_hand.sgd_step(&grads, f64::from(0.1f32));
        for k in 0..Net::NUM_BLOCKS {
            for (a, b) in stepped.block(k).iter().zip(by_hand.block(k)) {
                assert!(
                    (a - b).abs() <= 1e-15 * (1.0 + b.abs()),
                    "{rows:?}: {a} {b}"
                );
            }
        }
        assert_ne!(stepped, start);
    }
}

#[test]
fn fit_with_dropout_is_reproducible() {
    let (x, y) = data();
    let data = Dataset::new(&x, &y).unwrap();
    for batch in [1, 6] {
        let run = |seed| {
            let mut n = net(0.25, 3);
            let mut trainer = Trainer::new(Momentum::default(), HalfMeanSquaredError);
            let config = FitConfig {
                epochs: 30,
                batch: Batch::Size(batch),
                learning_rate: 0.02,
                ..FitConfig::default()
            };
            let mut rng = XorShiftRng::seed_from_u64(seed);
            trainer
                .fit(&mut n, &data, &config, &mut [0; 20], &mut rng, &mut ())
                .unwrap();
            n
        };
        assert_eq!(run(5), run(5), "batch {batch}");
        assert_ne!(
            run(5),
            run(6),
            "batch {batch}: the masks come from the seed"
        );
    }
}

#[test]
fn bad_settings_and_missing_random_source_are_refused() {
    let (x, y) = data();
    let data = Dataset::new(&x, &y).unwrap();
    let mut trainer = Trainer::new(Sgd::default(), HalfMeanSquaredError);
    let mut good = net(0.5, 0);
    assert_eq!(
        trainer.step(&mut good, &data, &[0], 0.1),
        Err(TrainError::MasksNeedRng)
    );
    assert_eq!(
        trainer.step_all(&mut good, &data, 0.1),
        Err(TrainError::MasksNeedRng)
    );
    assert_eq!(
        trainer.learn(&mut good, &x[0], &y[0], 0.1),
        Err(TrainError::MasksNeedRng)
    );
    assert!(matches!(
        trainer.stream(&mut good, 0.1),
        Err(TrainError::MasksNeedRng)
    ));
    assert_eq!(good, net(0.5, 0));
    for bad in [1.0, -0.5, f32::NAN] {
        let mut n = net(bad, 0);
        let start = n;
        let mut rng = XorShiftRng::seed_from_u64(0);
        let fit = trainer.fit(
            &mut n,
            &data,
            &FitConfig::default(),
            &mut [0; 20],
            &mut rng,
            &mut (),
        );
        assert_eq!(fit, Err(TrainError::LayerSettings(LayerError::DropoutRate)));
        let step = trainer.step_with_rng(&mut n, &data, &[0], 0.1, &mut rng);
        assert_eq!(
            step,
            Err(TrainError::LayerSettings(LayerError::DropoutRate))
        );
        assert_eq!(format!("{n:?}"), format!("{start:?}"));
    }
}

#[test]
fn p_is_in_the_shape_tag_and_the_baked_source() {
    let n = net(0.25, 2);
    assert_eq!(n.layer_shape(2).words(), [14, 6, 6, 0.25f32.to_bits()]);
    let mut bytes = [0u8; Net::ENCODED_LEN];
    n.save(&mut bytes).unwrap();
    let mut same = net(0.25, 9);
    assert_eq!(same.load(&bytes), Ok(bytes.len()));
    assert_eq!(same, n);
    let mut other = net(0.5, 9);
    assert!(
        matches!(other.load(&bytes), Err(LoadError::ShapeMismatch { .. })),
        "{:?}",
        other.load(&bytes)
    );
    let mut source = String::new();
    write_rust_source(&n, "NET", &mut source).unwrap();
    assert!(source.contains("::stacknet::Dropout<6>"), "{source}");
    assert!(
        source.contains("::stacknet::Dropout::with_rate(0.25"),
        "{source}"
    );
}
