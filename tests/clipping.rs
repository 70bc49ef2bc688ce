//! Gradient clipping against PyTorch's definitions, written out here:
//! `clip_grad_norm_` (`total_norm = ‖g‖₂` over every parameter; when it
//! exceeds `max_norm`, every gradient times `max_norm / (total_norm + 1e-6)`)
//! and `clip_grad_value_` (every gradient clamped to `±clip_value`), then
//! the optimizer's first step from zero state:
//! SGD `θ − lr g`; scikit-learn's Nesterov momentum `v = −lr g`,
//! `θ + μ v − lr g`; Adam `θ − lr m̂ / (√v̂ + ε)` with `m̂ = g`, `v̂ = g²`.
//!
//! The gradient is built by hand from the chain rule in `f64`, not by the
//! crate. A clipped step runs the batched kernel at every batch size, one
//! row included.

use stacknet::optim::{Adam, Clip, Momentum, Optimizer, SettingsError, Sgd};
use stacknet::prelude::*;
use stacknet::train::TrainError;

/// 2-3-1 with tanh: `y = W₂ tanh(W₁ x + b₁) + b₂`.
type Net<S> = (Dense<2, 3, S>, Tanh<3>, Dense<3, 1, S>);

const X: [[f64; 2]; 2] = [[1.5, -2.0], [-0.5, 3.0]];
const T: [[f64; 1]; 2] = [[4.0], [-3.0]];
const LR: f64 = 0.125;

fn start<S: stacknet::num::Scalar>() -> Net<S> {
    let s = S::from_f64;
    let w1 = [[0.5, -0.25], [0.75, 0.5], [-1.0, 0.25]];
    let w2 = [[1.25, -0.5, 0.75]];
    (
        Dense::new(w1.map(|r| r.map(s)), [0.125, -0.25, 0.5].map(s)),
        Tanh,
        Dense::new(w2.map(|r| r.map(s)), [0.25].map(s)),
    )
}

/// The start's parameters in the flat order (W₁ row-major, b₁, W₂, b₂).
fn start_params() -> Vec<f64> {
    flat(&start::<f64>())
}

fn flat<S: stacknet::num::Scalar>(net: &Net<S>) -> Vec<f64> {
    let mut out = vec![];
    for k in 0..<Net<S> as Params<S>>::NUM_BLOCKS {
        out.extend(net.block(k).iter().map(|v| v.to_f64()));
    }
    out
}

/// ∂(½(y − t)²)/∂θ by the chain rule, averaged over `rows`.
fn hand_gradient(rows: &[usize]) -> Vec<f64> {
    let p = start_params();
    let (w1, b1, w2) = (&p[0..6], &p[6..9], &p[9..12]);
    let mut grad = vec![0.0; 13];
    for &r in rows {
        let x = X[r];
        let h: Vec<f64> = (0..3)
            .map(|o| (w1[2 * o] * x[0] + w1[2 * o + 1] * x[1] + b1[o]).tanh())
            .collect();
        let y = (0..3).map(|o| w2[o] * h[o]).sum::<f64>() + p[12];
        let e = (y - T[r][0]) / rows.len() as f64;
        for o in 0..3 {
            let dz = e * w2[o] * (1.0 - h[o] * h[o]);
            grad[2 * o] += dz * x[0];
            grad[2 * o + 1] += dz * x[1];
            grad[6 + o] += dz;
            grad[9 + o] += e * h[o];
        }
        grad[12] += e;
    }
    grad
}

/// PyTorch's clipping of `g`.
fn clipped(mut g: Vec<f64>, clip: Clip) -> Vec<f64> {
    match clip {
        Clip::Norm(max) => {
            let (max, norm) = (max as f64, g.iter().map(|g| g * g).sum::<f64>().sqrt());
            if norm > max {
                g.iter_mut().for_each(|g| *g *= max / (norm + 1e-6));
            }
        }
        Clip::Value(max) => g
            .iter_mut()
            .for_each(|g| *g = g.clamp(-max as f64, max as f64)),
        _ => unreachable!(),
    }
    g
}

#[derive(Clone, Copy, Debug)]
enum Rule {
    Sgd,
    Momentum,
    Adam,
}

/// The first step of `rule` from zero state on gradient `g`.
fn reference_step(rule: Rule, g: &[f64]) -> Vec<f64> {
    let (mu, eps) = (0.9f32 as f64, 1e-8f32 as f64);
    start_params()
        .iter()
        .zip(g)
        .map(|(&p, &g)| match rule {
            Rule::Sgd => p - LR * g,
            Rule::Momentum => p + mu * (-LR * g) - LR * g,
            Rule::Adam => p - LR * g / (g.abs() + eps),
        })
        .collect()
}

/// One `step_clipped` of `rule` on `rows` from the start.
fn trained<S: stacknet::num::Scalar, O: Optimizer<Net<S>, S>>(
    optimizer: O,
    rows: &[u32],
    clip: Clip,
) -> Vec<f64> {
    let x = X.map(|r| r.map(S::from_f64));
    let t = T.map(|r| r.map(S::from_f64));
    let data = Dataset::new(&x, &t).unwrap();
    let mut net = start::<S>();
    let mut trainer = Trainer::new(optimizer, HalfMeanSquaredError);
    trainer
        .step_clipped(&mut net, &data, rows, LR as f32, clip)
        .unwrap();
    flat(&net)
}

fn assert_close(got: &[f64], want: &[f64], tolerance: f64, what: &str) {
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= tolerance * w.abs().max(1.0),
            "{what}:\n got {got:?}\nwant {want:?}"
        );
    }
}

fn check<S: stacknet::num::Scalar>(tolerance: f64)
where
    Adam: Optimizer<Net<S>, S>,
{
    // the gradient's norm is about 4.1 for row 0, 2.7 for both rows
    for clip in [
        Clip::Norm(1.0),
        Clip::Norm(2.5),
        Clip::Norm(100.0),
        Clip::Value(0.5),
    ] {
        for rows in [&[0u32][..], &[0, 1]] {
            let rows_usize: Vec<usize> = rows.iter().map(|&r| r as usize).collect();
            let g = clipped(hand_gradient(&rows_usize), clip);
            for rule in [Rule::Sgd, Rule::Momentum, Rule::Adam] {
                let got = match rule {
                    Rule::Sgd => trained::<S, _>(Sgd::default(), rows, clip),
                    Rule::Momentum => trained::<S, _>(Momentum::default(), rows, clip),
                    Rule::Adam => trained::<S, _>(Adam::default(), rows, clip),
                };
                let what = format!("{} {rule:?} {clip:?} rows {rows:?}", S::RUST_TYPE);
                assert_close(&got, &reference_step(rule, &g), tolerance, &what);
            }
        }
    }
}

#[test]
fn the_clipped_step_is_pytorchs_in_f64() {
    check::<f64>(1e-12);
}

#[test]
fn the_clipped_step_is_pytorchs_in_f32() {
    check::<f32>(2e-6);
}

#[test]
fn the_hand_gradient_is_large_enough_to_clip() {
    let norm = |g: Vec<f64>| g.iter().map(|g| g * g).sum::<f64>().sqrt();
    let one = norm(hand_gradient(&[0]));
    let both = norm(hand_gradient(&[0, 1]));
    assert!(one > 2.5 && both > 2.5 && one < 100.0, "{one} {both}");
    assert!(hand_gradient(&[0]).iter().any(|g| g.abs() > 0.5));
}

/// Clipping in Q16.16: the same step to the resolution of the type
/// (values of a few units, 2⁻¹⁶ ≈ 1.5e-5 per rounding).
#[test]
fn the_clipped_step_in_fixed_point() {
    use stacknet::num::Q16_16;
    for clip in [Clip::Norm(1.0), Clip::Value(0.5)] {
        for rows in [&[0u32][..], &[0, 1]] {
            let rows_usize: Vec<usize> = rows.iter().map(|&r| r as usize).collect();
            let g = clipped(hand_gradient(&rows_usize), clip);
            let got = trained::<Q16_16, _>(Sgd::default(), rows, clip);
            assert_close(&got, &reference_step(Rule::Sgd, &g), 2e-4, "Q16.16");
        }
    }
}

#[test]
fn a_bad_limit_is_refused_and_nothing_changes() {
    let data = Dataset::new(&X, &T).unwrap();
    for bad in [-1.0, 0.0, f32::NAN, f32::INFINITY] {
        for (clip, error) in [
            (Clip::Norm(bad), SettingsError::ClipNorm),
            (Clip::Value(bad), SettingsError::ClipValue),
        ] {
            let mut net = start::<f64>();
            let mut trainer = Trainer::new(Momentum::default(), HalfMeanSquaredError);
            let step = trainer.step_clipped(&mut net, &data, &[0], 0.1, clip);
            assert_eq!(step, Err(TrainError::Settings(error)));
            let config = FitConfig {
                clip: Some(clip),
                epochs: 3,
                batch: Batch::Size(1),
                ..FitConfig::default()
            };
            let mut rng = XorShiftRng::seed_from_u64(0);
            let fit = trainer.fit(&mut net, &data, &config, &mut [0; 2], &mut rng, &mut ());
            assert_eq!(fit, Err(TrainError::Settings(error)));
            assert_eq!(flat(&net), start_params());
            assert_eq!(trainer.state, Zero::ZERO);
        }
    }
}

/// `fit` with clipping is the same as the steps it takes, by hand: one
/// epoch in data order at batch 1 and at batch 2.
#[test]
fn fit_clips_every_step() {
    let data = Dataset::new(&X, &T).unwrap();
    for batch in [1usize, 2] {
        for clip in [Clip::Norm(1.0), Clip::Value(0.5)] {
            let config = FitConfig {
                epochs: 1,
                batch: Batch::Size(batch),
                learning_rate: LR as f32,
                shuffle: false,
                clip: Some(clip),
                ..FitConfig::default()
            };
            let mut rng = XorShiftRng::seed_from_u64(0);
            let mut fitted = start::<f64>();
            let mut trainer = Trainer::new(Momentum::default(), HalfMeanSquaredError);
            trainer
                .fit(&mut fitted, &data, &config, &mut [0; 2], &mut rng, &mut ())
                .unwrap();

            let mut stepped = start::<f64>();
            let mut by_hand = Trainer::new(Momentum::default(), HalfMeanSquaredError);
            for rows in [[0u32, 1]].concat().chunks(batch) {
                by_hand
                    .step_clipped(&mut stepped, &data, rows, LR as f32, clip)
                    .unwrap();
            }
            assert_eq!(flat(&fitted), flat(&stepped), "batch {batch} {clip:?}");
            // and clipping changed the result
            let mut unclipped = start::<f64>();
            let mut plain = Trainer::new(Momentum::default(), HalfMeanSquaredError);
            let config = FitConfig {
                clip: None,
                ..config
            };
            plain
                .fit(
                    &mut unclipped,
                    &data,
                    &config,
                    &mut [0; 2],
                    &mut rng,
                    &mut (),
                )
                .unwrap();
            assert_ne!(flat(&fitted), flat(&unclipped));
        }
    }
}
