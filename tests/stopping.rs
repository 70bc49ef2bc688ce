//! What ends a run: the epochs, a reporter, the training-loss rule.

use core::ops::ControlFlow;

use stacknet::loss::HalfMeanSquaredError;
use stacknet::optim::Momentum;
use stacknet::prelude::*;
use stacknet::train::{FitSummary, TrainLossStopping};

type Net = (Dense<1, 4>, Relu<4>, Dense<4, 1>);

/// y = |x| − 1 on 24 points of [−3, 2.75].
fn rows() -> (Vec<[f32; 1]>, Vec<[f32; 1]>) {
    let x: Vec<[f32; 1]> = (0..24).map(|i| [i as f32 / 4.0 - 3.0]).collect();
    let y = x.iter().map(|[x]| [x.abs() - 1.0]).collect();
    (x, y)
}

/// `fit` from the same start and seed, with `reporter`.
fn run(config: &FitConfig, reporter: &mut impl stacknet::train::Reporter) -> (Net, FitSummary) {
    let (x, y) = rows();
    let data = Dataset::new(&x, &y).unwrap();
    let mut rng = XorShiftRng::seed_from_u64(7);
    let mut net = Net::random(Init::HeNormal, &mut rng);
    let mut trainer = Trainer::new(Momentum::default(), HalfMeanSquaredError);
    let summary = trainer
        .fit(&mut net, &data, config, &mut [0; 24], &mut rng, reporter)
        .unwrap();
    (net, summary)
}

fn config(epochs: u32) -> FitConfig {
    FitConfig {
        epochs,
        batch: Batch::Size(6),
        learning_rate: 0.02,
        ..FitConfig::default()
    }
}

#[test]
fn a_reporter_stops_after_exactly_k_epochs() {
    let mut heard = Vec::new();
    let mut stop_after_7 = |r: &EpochReport| {
        heard.push(r.epoch);
        if r.epoch == 6 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let (stopped, summary) = run(&config(50), &mut stop_after_7);
    assert_eq!(heard, [0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(summary.epochs_run, 7);
    assert!(summary.stopped_by_reporter && !summary.stopped_early);

    // the weights of a run of 7 epochs, heard by a closure returning ()
    let mut count = 0;
    let (seven, summary) = run(&config(7), &mut |_: &EpochReport| count += 1);
    assert_eq!(stopped, seven);
    assert_eq!(count, 7);
    assert!(!summary.stopped_by_reporter);
}

/// scikit-learn's `_update_no_improvement_count` (early_stopping=False) and
/// the check in `_fit_stochastic`, written out: the number of epochs run
/// over a loss curve before the rule stops, or `None`.
fn sklearn_stop(loss_curve: &[f32], tol: f32, n_iter_no_change: u32) -> Option<usize> {
    let (mut best_loss, mut no_improvement_count) = (f32::INFINITY, 0);
    for (it, &loss) in loss_curve.iter().enumerate() {
        if loss > best_loss - tol {
            no_improvement_count += 1;
        } else {
            no_improvement_count = 0;
        }
        if loss < best_loss {
            best_loss = loss;
        }
        if no_improvement_count > n_iter_no_change {
            return Some(it + 1);
        }
    }
    None
}

#[test]
fn the_training_loss_rule_counts_as_scikit_learn() {
    // the loss curve of 300 epochs, heard by a reporter
    let mut curve = heapless::Vec::<EpochReport, 300>::new();
    run(&config(300), &mut curve);
    let losses: Vec<f32> = curve.iter().map(|r| r.train_loss).collect();
    for (tolerance, patience) in [(1e-4, 10), (1e-3, 2), (1e-2, 0), (5e-3, 4)] {
        let expected = sklearn_stop(&losses, tolerance, patience).expect("stops within 300");
        let rule = FitConfig {
            train_loss_stopping: Some(TrainLossStopping {
                tolerance,
                patience,
            }),
            ..config(300)
        };
        let (stopped, summary) = run(&rule, &mut ());
        assert_eq!(summary.epochs_run as usize, expected, "tol {tolerance}");
        assert!(summary.stopped_early && !summary.stopped_by_reporter);
        assert_eq!(summary.final_train_loss, losses[expected - 1]);
        // the weights are the last epoch's
        assert_eq!(stopped, run(&config(expected as u32), &mut ()).0);
    }
}

#[test]
fn a_constant_loss_stops_after_patience_plus_two_epochs() {
    // learning rate 0 and no shuffle (which would change the order of the
    // epoch's sum): every epoch has the same loss L. Epoch 0 sets the
    // best (count 0); each later one is not below L − tol (count + 1); the
    // count exceeds the patience p at epoch p + 1, the (p + 2)-th.
    let frozen = FitConfig {
        learning_rate: 0.0,
        shuffle: false,
        train_loss_stopping: Some(TrainLossStopping {
            tolerance: 1e-4,
            patience: 3,
        }),
        ..config(100)
    };
    let (_, summary) = run(&frozen, &mut ());
    assert_eq!(summary.epochs_run, 5);
    assert!(summary.stopped_early);
    // tol 0: L > L − 0 is false, so the count never grows
    let patient = FitConfig {
        train_loss_stopping: Some(TrainLossStopping {
            tolerance: 0.0,
            patience: 3,
        }),
        ..frozen
    };
    let (_, summary) = run(&patient, &mut ());
    assert_eq!(summary.epochs_run, 100);
    assert!(!summary.stopped_early);
}
