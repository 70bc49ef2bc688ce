//! `Trainer::fit` and `Trainer::step` run the fused kernel at batch 1 and
//! the batched kernel for mini-batches: the same numbers as those kernels
//! (and as the update formulas) by hand, and no step that would make a value
//! non-finite is committed.

mod common;

use common::lane_sums;
use stacknet::fused::{FusedStep, GradientBound, Update, WithRule};
use stacknet::init::uniform01;
use stacknet::optim::{Optimizer, Penalty, StepBounds};
use stacknet::prelude::*;
use stacknet::train::TrainError;

type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);

fn data(n: usize, seed: u64) -> (Vec<[f32; 2]>, Vec<[f32; 1]>) {
    let mut rng = XorShiftRng::seed_from_u64(seed);
    let xs: Vec<[f32; 2]> = (0..n)
        .map(|_| {
            [
                4.0 * uniform01(&mut rng) - 2.0,
                4.0 * uniform01(&mut rng) - 2.0,
            ]
        })
        .collect();
    let ys = xs
        .iter()
        .map(|x| [x[0] * x[1] + 0.5 * x[0] - x[1]])
        .collect();
    (xs, ys)
}

/// 40 rows of `data` scaled by 1e5: inputs past the quick bound's 65,536.
fn large_data() -> (Vec<[f32; 2]>, Vec<[f32; 1]>) {
    let (xs, ys) = data(40, 3);
    let xs: Vec<[f32; 2]> = xs.iter().map(|x| [x[0] * 1e5, x[1] * 1e5]).collect();
    let ys: Vec<[f32; 1]> = ys.iter().map(|y| [y[0] * 1e5]).collect();
    assert!(xs.iter().flatten().any(|v| v.abs() > 65536.0));
    (xs, ys)
}

fn bits<P: Params>(p: &P) -> Vec<u32> {
    let mut flat = vec![0.0; P::NUM_PARAMS];
    p.copy_to_slice(&mut flat).unwrap();
    flat.iter().map(|v| v.to_bits()).collect()
}

fn in_order(epochs: u32, batch: Batch, learning_rate: f32) -> FitConfig {
    FitConfig {
        epochs,
        batch,
        learning_rate,
        shuffle: false,
        ..FitConfig::default()
    }
}

#[test]
fn fit_at_batch_one_is_the_fused_kernel() {
    let (xs, ys) = data(50, 1);
    let set = Dataset::new(&xs, &ys).unwrap();
    let start = Net::random(Init::XavierUniform, &mut XorShiftRng::seed_from_u64(2));

    let mut net = start;
    let mut trainer = Trainer::new(Sgd::default(), MeanSquaredError);
    let config = in_order(3, Batch::Size(1), 0.01);
    let mut rng = XorShiftRng::seed_from_u64(0);
    let summary = trainer
        .fit(&mut net, &set, &config, &mut [0; 50], &mut rng, &mut ())
        .unwrap();

    let mut by_hand = start;
    let mut cache = <Net as Layer>::Cache::ZERO;
    let mut last_epoch = 0.0;
    for _ in 0..3 {
        last_epoch = 0.0;
        for (x, y) in xs.iter().zip(&ys) {
            let p = by_hand.forward_train(x, &mut cache);
            last_epoch += (p[0] - y[0]) * (p[0] - y[0]);
            by_hand.backward_sgd(&cache, &[2.0 * (p[0] - y[0])], 0.01);
        }
    }
    assert_eq!(bits(&net), bits(&by_hand));
    let want = last_epoch / 50.0;
    assert!((summary.final_train_loss - want).abs() <= 1e-6 * want);
}

/// Inputs above the quick bound's limit (2¹⁶) send every step to the exact
/// bound, which takes them: the same bits as the fused kernel.
#[test]
fn fit_takes_steps_whose_values_exceed_the_quick_limit() {
    let (xs, ys) = large_data();
    let set = Dataset::new(&xs, &ys).unwrap();
    let start = Net::random(Init::XavierUniform, &mut XorShiftRng::seed_from_u64(4));

    let mut net = start;
    let mut trainer = Trainer::new(Sgd::default(), MeanSquaredError);
    let mut rng = XorShiftRng::seed_from_u64(0);
    let config = in_order(2, Batch::Size(1), 1e-12);
    trainer
        .fit(&mut net, &set, &config, &mut [0; 40], &mut rng, &mut ())
        .unwrap();

    let mut by_hand = start;
    let mut cache = <Net as Layer>::Cache::ZERO;
    for _ in 0..2 {
        for (x, y) in xs.iter().zip(&ys) {
            let p = by_hand.forward_train(x, &mut cache);
            by_hand.backward_sgd(&cache, &[2.0 * (p[0] - y[0])], 1e-12);
        }
    }
    assert_eq!(bits(&net), bits(&by_hand));
    assert_ne!(bits(&net), bits(&start));
}

/// The same at batch 8 with momentum: gradients past the quick limit send
/// the proof to the exact bound, and `fit` takes the steps the checked
/// `Trainer::step` takes, with the same bits.
#[test]
fn fit_takes_mini_batch_steps_whose_gradients_exceed_the_quick_limit() {
    let (xs, ys) = large_data();
    let set = Dataset::new(&xs, &ys).unwrap();
    let start = Net::random(Init::XavierUniform, &mut XorShiftRng::seed_from_u64(4));

    let mut net = start;
    let mut trainer = Trainer::new(Momentum::default(), MeanSquaredError);
    let mut rng = XorShiftRng::seed_from_u64(0);
    let config = in_order(2, Batch::Size(8), 1e-12);
    trainer
        .fit(&mut net, &set, &config, &mut [0; 40], &mut rng, &mut ())
        .unwrap();

    let mut by_hand = start;
    let mut replay = Trainer::new(Momentum::default(), MeanSquaredError);
    let rows: Vec<u32> = (0..40).collect();
    for _ in 0..2 {
        for batch in rows.chunks(8) {
            let loss = replay.step(&mut by_hand, &set, batch, 1e-12).unwrap();
            assert!(loss > 65536.0 * 65536.0, "gradients past the quick limit");
        }
    }
    assert_eq!(bits(&net), bits(&by_hand));
    assert_eq!(bits(&trainer.state), bits(&replay.state));
    assert_ne!(bits(&net), bits(&start));
}

/// Nesterov momentum with an L2 penalty through `fit` at batch 1, against
/// the update written out for a linear layer: `d = (lr·g)·x`,
/// `step = d + lr·l2·θ` (weights only), `v ← μv − step`, `θ ← θ + μv − step`.
#[test]
fn fused_momentum_is_the_nesterov_formula() {
    let (xs, ys) = data(40, 3);
    let set = Dataset::new(&xs, &ys).unwrap();
    let start = Dense::<2, 1>::from_arrays([[0.3, -0.2]], [0.1]);
    let (lr, mu, l2) = (0.05f32, 0.9f32, 0.01f32);
    let optimizer = Momentum {
        momentum: mu,
        nesterov: true,
        penalty: Penalty::l2(l2),
    };
    let mut net = (start,);
    let mut trainer = Trainer::new(optimizer, HalfMeanSquaredError);
    let mut rng = XorShiftRng::seed_from_u64(0);
    trainer
        .fit(
            &mut net,
            &set,
            &in_order(2, Batch::Size(1), lr),
            &mut [0; 40],
            &mut rng,
            &mut (),
        )
        .unwrap();

    let (mut w, mut b) = (start.weights[0], start.biases[0]);
    let (mut vw, mut vb) = ([0.0f32; 2], 0.0f32);
    for _ in 0..2 {
        for (x, y) in xs.iter().zip(&ys) {
            let out = b + w[0] * x[0] + w[1] * x[1];
            let lg = lr * (out - y[0]);
            for i in 0..2 {
                let step = lg * x[i] + (lr * l2 * w[i] + lr * 0.0 * 0.0);
                vw[i] = mu * vw[i] - step;
                w[i] = w[i] + mu * vw[i] - 1.0 * step;
            }
            let step = lg;
            vb = mu * vb - step;
            b = b + mu * vb - 1.0 * step;
        }
    }
    assert_eq!(net.0.weights[0].map(f32::to_bits), w.map(f32::to_bits));
    assert_eq!(net.0.biases[0].to_bits(), b.to_bits());
    assert_eq!(
        trainer.state.0.weights[0].map(f32::to_bits),
        vw.map(f32::to_bits)
    );
}

/// A mini-batch goes through `BatchLayer` into the gradient's lanes, then
/// one optimizer step: the same bits as accumulating per sample by hand,
/// sample `k` of the mini-batch into lane `k % 4`, the lanes added up as
/// `(l0 + l1) + (l2 + l3)`.
#[test]
fn fit_with_mini_batches_is_the_accumulated_step() {
    let (xs, ys) = data(45, 4);
    let set = Dataset::new(&xs, &ys).unwrap();
    let start = Net::random(Init::XavierUniform, &mut XorShiftRng::seed_from_u64(5));
    let optimizer = Momentum::default();

    let mut net = start;
    let mut trainer = Trainer::new(optimizer, MeanSquaredError);
    let mut rng = XorShiftRng::seed_from_u64(0);
    trainer
        .fit(
            &mut net,
            &set,
            &in_order(4, Batch::Size(20), 0.01),
            &mut [0; 45],
            &mut rng,
            &mut (),
        )
        .unwrap();

    let mut by_hand = start;
    let mut velocity = Net::ZERO;
    let mut cache = <Net as Layer>::Cache::ZERO;
    for _ in 0..4 {
        for (bx, by) in xs.chunks(20).zip(ys.chunks(20)) {
            let mut lanes = [Net::ZERO; 4];
            for (k, (x, y)) in bx.iter().zip(by).enumerate() {
                let p = by_hand.forward_train(x, &mut cache);
                let g = 2.0 * (p[0] - y[0]) * (1.0 / bx.len() as f32);
                by_hand.backward(&cache, &[g], &mut lanes[k % 4]);
            }
            let grads = lane_sums(&lanes);
            optimizer
                .step(&mut by_hand, &grads, &mut velocity, 0.01)
                .unwrap();
        }
    }
    assert_eq!(bits(&net), bits(&by_hand));
}

#[test]
fn step_on_one_row_is_the_fused_kernel() {
    let (xs, ys) = data(10, 6);
    let set = Dataset::new(&xs, &ys).unwrap();
    let start = Net::random(Init::XavierUniform, &mut XorShiftRng::seed_from_u64(7));
    let mut net = start;
    let mut trainer = Trainer::new(Sgd::default(), MeanSquaredError);
    let loss = trainer.step(&mut net, &set, &[3], 0.1).unwrap();

    let mut by_hand = start;
    let mut cache = <Net as Layer>::Cache::ZERO;
    let p = by_hand.forward_train(&xs[3], &mut cache);
    by_hand.backward_sgd(&cache, &[2.0 * (p[0] - ys[3][0])], 0.1);
    assert_eq!(bits(&net), bits(&by_hand));
    assert_eq!(loss, (p[0] - ys[3][0]) * (p[0] - ys[3][0]));
}

/// The third row would overflow the update (`lr · g · x` past `f32::MAX`):
/// `fit` stops with `Diverged` and keeps the weights from before the step
/// with that row, bit for bit those of the checked `Trainer::step`; the
/// momentum state is kept too. At batch 1 through the fused kernel; at
/// batch 2, where `fit` writes a step its carried bounds prove finite in
/// one pass, through the batched kernel.
#[test]
fn a_step_that_would_overflow_is_refused_and_nothing_changes() {
    let xs = [[0.5, -0.5], [1.0, 0.25], [3e18, 1.0], [0.0, 1.0]];
    let ys = [[1.0], [0.0], [0.0], [1.0]];
    let set = Dataset::new(&xs, &ys).unwrap();
    let start = (Dense::<2, 1>::from_arrays([[0.25, 0.5]], [0.0]),);
    for (batch, taken, refused) in [
        (1, &[&[0u32][..], &[1]][..], &[2u32][..]),
        (2, &[&[0, 1][..]][..], &[2, 3][..]),
    ] {
        for nesterov in [false, true] {
            let optimizer = Momentum {
                nesterov,
                ..Momentum::default()
            };
            let mut net = start;
            // no slot to go back to the epoch's start: the weights before
            // the refused step stay
            let mut trainer = Trainer::without_best_weights(optimizer, MeanSquaredError);
            let mut rng = XorShiftRng::seed_from_u64(0);
            let result = trainer.fit(
                &mut net,
                &set,
                &in_order(1, Batch::Size(batch), 1e3),
                &mut [0; 4],
                &mut rng,
                &mut (),
            );
            assert_eq!(result, Err(TrainError::Diverged { epoch: 0 }));

            let mut by_hand = start;
            let mut replay = Trainer::new(optimizer, MeanSquaredError);
            for rows in taken {
                replay.step(&mut by_hand, &set, rows, 1e3).unwrap();
            }
            assert_eq!(bits(&net), bits(&by_hand), "batch {batch}");
            assert_eq!(bits(&trainer.state), bits(&replay.state), "batch {batch}");
            assert!(net.is_finite() && trainer.state.is_finite());

            // the refused step by itself: nothing moves
            let before = (by_hand, replay.state);
            assert!(replay.step(&mut by_hand, &set, refused, 1e3).is_err());
            assert_eq!(bits(&by_hand), bits(&before.0));
            assert_eq!(bits(&replay.state), bits(&before.1));
        }
    }
}

/// A network that is already non-finite is never trained further.
#[test]
fn non_finite_weights_are_refused_before_any_step() {
    let (xs, ys) = data(8, 8);
    let set = Dataset::new(&xs, &ys).unwrap();
    let mut net = Net::random(Init::XavierUniform, &mut XorShiftRng::seed_from_u64(9));
    net.2.weights[1][2] = f32::INFINITY;
    let before = bits(&net);
    let mut trainer = Trainer::new(Sgd::default(), MeanSquaredError);
    assert!(trainer.step(&mut net, &set, &[0], 0.01).is_err());
    assert_eq!(bits(&net), before);
}

/// The write pass, for an optimizer to run with its rule.
struct Apply<'a> {
    net: &'a mut Net,
    cache: &'a <Net as Layer>::Cache,
    pending: &'a <Net as FusedStep>::Pending,
    lr: f32,
}

impl WithRule<Net> for Apply<'_> {
    type Output = ();
    fn run<U: Update>(self, rule: U, slots: &mut Net) {
        self.net
            .apply_pending(self.cache, self.pending, self.lr, slots, rule);
    }
}

/// The bounds the fused path carries hold: after every step the real
/// largest parameter and velocity are within what `fused_bounds` predicted.
#[test]
fn carried_bounds_cover_the_real_magnitudes() {
    let mut rng = XorShiftRng::seed_from_u64(10);
    let penalties = [
        Penalty::NONE,
        Penalty {
            l1: 0.01,
            l2: 0.1,
            biases: true,
        },
    ];
    for (nesterov, penalty) in [(false, penalties[0]), (true, penalties[1])] {
        let optimizer = Momentum {
            momentum: 0.9,
            nesterov,
            penalty,
        };
        let mut net = Net::random(Init::XavierUniform, &mut rng);
        let (mut velocity, mut spare) = (Net::ZERO, Net::ZERO);
        let mut bounds = StepBounds::measure::<Net, Momentum>(&net, &velocity);
        let mut cache = <Net as Layer>::Cache::ZERO;
        for _ in 0..2000 {
            let x = [
                6.0 * uniform01(&mut rng) - 3.0,
                6.0 * uniform01(&mut rng) - 3.0,
            ];
            let p = net.forward_train(&x, &mut cache);
            let g = [p[0] - (x[0] * x[1])];
            let (mut pending, mut bound) =
                (<Net as FusedStep>::Pending::ZERO, GradientBound::START);
            net.backward_pending(&cache, &g, &mut pending, &mut bound);
            // the exact bound, the tightest a step uses; the sum starts at
            // 1, as the trainer's step starts it
            let mut size = 1.0;
            net.add_gradient_sizes(&cache, &pending, &mut size);
            bounds = Optimizer::<Net>::fused_bounds(&optimizer, bounds, 0.02, size);
            let apply = Apply {
                net: &mut net,
                cache: &cache,
                pending: &pending,
                lr: 0.02,
            };
            optimizer.with_fused_rule(0.02, &mut velocity, &mut spare, apply);
            let real = StepBounds::measure::<Net, Momentum>(&net, &velocity);
            assert!(real.params <= bounds.params && real.state <= bounds.state);
            assert!(bounds.within_limit());
        }
    }
}

/// `NoPenalty` as a type trains as `Penalty::NONE` does, bit for bit, on
/// both kernels, for SGD and momentum: it only removes the penalised loops
/// from the image.
#[test]
fn no_penalty_as_a_type_gives_the_bits_of_penalty_none() {
    use stacknet::optim::{MomentumWith, NoPenalty, SgdWith};
    fn trained<O: Optimizer<Net>>(optimizer: O, batch: Batch) -> Vec<u32> {
        let (xs, ys) = data(60, 4);
        let set = Dataset::new(&xs, &ys).unwrap();
        let mut rng = XorShiftRng::seed_from_u64(8);
        let mut net = Net::random(Init::XavierUniform, &mut rng);
        let mut trainer = Trainer::new(optimizer, MeanSquaredError);
        let config = FitConfig {
            shuffle: true,
            ..in_order(5, batch, 0.02)
        };
        let mut order = [0; 60];
        trainer
            .fit(&mut net, &set, &config, &mut order, &mut rng, &mut ())
            .unwrap();
        bits(&net)
    }
    for batch in [Batch::Size(1), Batch::Size(8)] {
        let plain = trained(Sgd::default(), batch);
        assert_eq!(plain, trained(SgdWith { penalty: NoPenalty }, batch));
        assert_ne!(
            plain,
            trained(
                Sgd {
                    penalty: Penalty::l2(0.1)
                },
                batch
            )
        );
        let momentum = trained(Momentum::default(), batch);
        assert_eq!(
            momentum,
            trained(MomentumWith::<NoPenalty>::default(), batch)
        );
    }
}
