//! `fit` continues a run where it stopped: k epochs then k more are one run
//! of 2k, bit for bit.

use stacknet::loss::HalfMeanSquaredError;
use stacknet::optim::{Adam, Momentum, Optimizer, Schedule};
use stacknet::prelude::*;
use stacknet::train::TrainError;

type Net = (Dense<1, 4>, Relu<4>, Dense<4, 1>);

/// y = |x| − 1 on 24 points of [−3, 2.75].
fn rows() -> (Vec<[f32; 1]>, Vec<[f32; 1]>) {
    let x: Vec<[f32; 1]> = (0..24).map(|i| [i as f32 / 4.0 - 3.0]).collect();
    let y = x.iter().map(|[x]| [x.abs() - 1.0]).collect();
    (x, y)
}

/// One run of `2k` epochs and the same run as `k` then `k` more, from the
/// same start, rng and trainer: the weights, the optimizer state and every
/// epoch's report must agree bit for bit.
fn resumed_equals_uninterrupted<O>(optimizer: O, config: FitConfig, k: u32)
where
    O: Optimizer<Net> + Clone,
    O::State: PartialEq + core::fmt::Debug,
{
    let (x, y) = rows();
    let data = Dataset::new(&x, &y).unwrap();
    let start = Net::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(3));

    let mut rng = XorShiftRng::seed_from_u64(11);
    let (mut net, mut order) = (start, [0; 24]);
    let mut trainer = Trainer::new(optimizer.clone(), HalfMeanSquaredError);
    let mut whole = Vec::new();
    let once = FitConfig {
        epochs: 2 * k,
        ..config
    };
    let summary = trainer
        .fit(
            &mut net,
            &data,
            &once,
            &mut order,
            &mut rng,
            &mut |r: &EpochReport| whole.push(*r),
        )
        .unwrap();
    assert_eq!(summary.epochs_run, 2 * k);

    let mut rng = XorShiftRng::seed_from_u64(11);
    let (mut parts, mut order) = (start, [0; 24]);
    let mut resumed = Trainer::new(optimizer, HalfMeanSquaredError);
    let mut heard = Vec::new();
    let mut hear = |r: &EpochReport| heard.push(*r);
    let first = FitConfig {
        epochs: k,
        ..config
    };
    let done = resumed
        .fit(&mut parts, &data, &first, &mut order, &mut rng, &mut hear)
        .unwrap()
        .epochs_run;
    assert_eq!(done, k);
    let rest = FitConfig {
        start_epoch: done,
        ..first
    };
    resumed
        .fit(&mut parts, &data, &rest, &mut order, &mut rng, &mut hear)
        .unwrap();

    assert_eq!(heard, whole, "epoch numbers, losses and learning rates");
    assert_eq!(parts, net);
    assert_eq!(resumed.state, trainer.state);
}

fn decay() -> Schedule {
    Schedule::StepDecay {
        gamma: 0.5,
        every: 3,
    }
}

#[test]
fn momentum_per_sample_with_a_step_decay() {
    let config = FitConfig {
        batch: Batch::Size(1),
        learning_rate: 0.02,
        schedule: decay(),
        ..FitConfig::default()
    };
    resumed_equals_uninterrupted(Momentum::default(), config, 5);
}

#[test]
fn adam_mini_batches_with_inverse_scaling() {
    let config = FitConfig {
        batch: Batch::Size(5),
        learning_rate: 0.02,
        schedule: Schedule::InverseScaling { power: 0.5 },
        ..FitConfig::default()
    };
    resumed_equals_uninterrupted(Adam::default(), config, 6);
}

#[test]
fn plain_momentum_full_batch_unshuffled() {
    let config = FitConfig {
        batch: Batch::Full,
        learning_rate: 0.05,
        schedule: decay(),
        shuffle: false,
        ..FitConfig::default()
    };
    resumed_equals_uninterrupted(
        Momentum {
            nesterov: false,
            ..Momentum::default()
        },
        config,
        7,
    );
}

#[test]
fn a_continued_run_needs_the_order_an_earlier_fit_left() {
    let (x, y) = rows();
    let data = Dataset::new(&x, &y).unwrap();
    let mut net = Net::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(3));
    let before = net;
    let mut trainer = Trainer::new(Momentum::default(), HalfMeanSquaredError);
    let config = FitConfig {
        epochs: 3,
        start_epoch: 3,
        ..FitConfig::default()
    };
    let mut rng = XorShiftRng::seed_from_u64(0);
    let identity: [u32; 24] = core::array::from_fn(|i| i as u32);
    let mut repeated = identity;
    repeated[5] = 4;
    let mut past_the_end = identity;
    past_the_end[0] = 24;
    for bad in [repeated, past_the_end] {
        let mut order = bad;
        let refused = trainer.fit(&mut net, &data, &config, &mut order, &mut rng, &mut ());
        assert_eq!(refused, Err(TrainError::OrderNotPermutation));
        assert_eq!(order, bad, "the check leaves the order as it was");
        assert_eq!(net, before);
        assert_eq!(trainer.state, Net::ZERO);
    }
    let overflow = FitConfig {
        start_epoch: u32::MAX,
        ..config
    };
    let refused = trainer.fit(&mut net, &data, &overflow, &mut [0; 24], &mut rng, &mut ());
    assert_eq!(refused, Err(TrainError::EpochOverflow));
    assert_eq!(net, before);
    // any permutation will do: the one given is the order continued from
    let mut order = identity;
    order.reverse();
    let summary = trainer
        .fit(&mut net, &data, &config, &mut order, &mut rng, &mut ())
        .unwrap();
    assert_eq!(summary.epochs_run, 3);
    let mut sorted = order;
    sorted.sort();
    assert_eq!(sorted, identity);
}
