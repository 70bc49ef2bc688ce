//! RMSprop and AdamW against PyTorch's update equations, written out here
//! in `f64` as `torch.optim.RMSprop` and `torch.optim.AdamW` document them,
//! over several steps with changing gradients.
//!
//! The settings are `f32` in the API, so they are chosen exact in `f32`
//! (powers of two and short binary fractions); the network is `f64`, and
//! every parameter must agree with the reference to 1e-12.

use stacknet::optim::{Adam, AdamW, Optimizer, RmsProp};
use stacknet::{Dense, Zero};

type Layer = Dense<2, 1, f64>;

const START: [f64; 3] = [0.75, -1.25, 0.5];
const LR: f64 = 0.0625;

/// The gradient of step `t` (from 1) for parameter `k`: changing sign and
/// size, so the moment estimates are exercised.
fn gradient(t: usize, k: usize) -> f64 {
    let base = [0.5, -2.0, 0.125][k];
    base * (1.0 + 0.25 * t as f64) * if (t + k).is_multiple_of(3) { -1.0 } else { 1.0 }
}

fn layer(p: [f64; 3]) -> Layer {
    Dense::new([[p[0], p[1]]], [p[2]])
}

fn flat(l: &Layer) -> [f64; 3] {
    [l.weights[0][0], l.weights[0][1], l.biases[0]]
}

fn close(got: [f64; 3], want: [f64; 3], what: &str) {
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= 1e-12 * w.abs().max(1.0),
            "{what}: {got:?} vs PyTorch's {want:?}"
        );
    }
}

#[test]
fn rmsprop_is_pytorchs_over_six_steps() {
    let (alpha, eps): (f64, f64) = (0.96875, 1.0 / 1048576.0);
    let rms = RmsProp {
        alpha: alpha as f32,
        epsilon: eps as f32,
        ..RmsProp::default()
    };
    let (mut net, mut state) = (layer(START), Layer::ZERO);
    let (mut p, mut v) = (START, [0.0; 3]);
    for t in 1..=6 {
        let g: [f64; 3] = core::array::from_fn(|k| gradient(t, k));
        Optimizer::<Layer, f64>::step(&rms, &mut net, &layer(g), &mut state, LR).unwrap();
        // square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        // param.addcdiv_(grad, square_avg.sqrt().add_(eps), value=-lr)
        for k in 0..3 {
            v[k] = alpha * v[k] + (1.0 - alpha) * g[k] * g[k];
            p[k] -= LR * g[k] / (v[k].sqrt() + eps);
        }
        close(flat(&net), p, &format!("RMSprop step {t}"));
    }
}

#[test]
fn adamw_is_pytorchs_over_six_steps() {
    let (beta1, beta2, eps, decay): (f64, f64, f64, f64) =
        (0.875, 0.998046875, 1.0 / 1048576.0, 0.25);
    let adamw = AdamW {
        adam: Adam {
            beta1: beta1 as f32,
            beta2: beta2 as f32,
            epsilon: eps as f32,
            ..Adam::default()
        },
        weight_decay: decay as f32,
    };
    let (mut net, mut state) = (layer(START), Zero::ZERO);
    let (mut p, mut m, mut v) = (START, [0.0; 3], [0.0; 3]);
    for t in 1..=6 {
        let g: [f64; 3] = core::array::from_fn(|k| gradient(t, k));
        Optimizer::<Layer, f64>::step(&adamw, &mut net, &layer(g), &mut state, LR).unwrap();
        let (c1, c2) = (1.0 - beta1.powi(t as i32), 1.0 - beta2.powi(t as i32));
        for k in 0..3 {
            // param.mul_(1 - lr * weight_decay), then Adam with
            // denom = exp_avg_sq.sqrt() / sqrt(bias_correction2) + eps
            p[k] *= 1.0 - LR * decay;
            m[k] = beta1 * m[k] + (1.0 - beta1) * g[k];
            v[k] = beta2 * v[k] + (1.0 - beta2) * g[k] * g[k];
            let denom = v[k].sqrt() / c2.sqrt() + eps;
            p[k] -= LR / c1 * m[k] / denom;
        }
        close(flat(&net), p, &format!("AdamW step {t}"));
    }
}

#[test]
fn bad_settings_are_refused() {
    use stacknet::optim::SettingsError;
    let bad_alpha = RmsProp {
        alpha: 1.0,
        ..RmsProp::default()
    };
    assert_eq!(
        Optimizer::<Layer, f64>::check(&bad_alpha),
        Err(SettingsError::Alpha)
    );
    let bad_decay = AdamW {
        weight_decay: -0.1,
        ..AdamW::default()
    };
    assert_eq!(
        Optimizer::<Layer, f64>::check(&bad_decay),
        Err(SettingsError::WeightDecay)
    );
    let bad_beta = AdamW {
        adam: Adam {
            beta1: f32::NAN,
            ..Adam::default()
        },
        ..AdamW::default()
    };
    assert_eq!(
        Optimizer::<Layer, f64>::check(&bad_beta),
        Err(SettingsError::Beta1)
    );
}
