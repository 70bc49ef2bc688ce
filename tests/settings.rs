//! Every setting is checked before anything changes, and a diverging run
//! ends in an error with weights whose loss is finite.

use stacknet::init::InitError;
use stacknet::layer::LayerError;
use stacknet::loss::Loss;
use stacknet::loss::{BinaryCrossEntropyWithLogits, HalfMeanSquaredError, MeanSquaredError};
use stacknet::optim::{Adam, Momentum, Optimizer, Penalty, Schedule, SettingsError, Sgd};
use stacknet::prelude::*;
use stacknet::train::{FitSummary, TrainError, TrainLossStopping};

/// 20 rows of `y = x0 − 2 x1`.
fn data() -> (Vec<[f32; 2]>, Vec<[f32; 1]>) {
    let x: Vec<[f32; 2]> = (0..20)
        .map(|i| [i as f32 / 10.0, 1.0 - i as f32 / 20.0])
        .collect();
    let y = x.iter().map(|x| [x[0] - 2.0 * x[1]]).collect();
    (x, y)
}

type Net = (Dense<2, 3>, LeakyRelu<3>, Dense<3, 1>);

fn net() -> Net {
    Net::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(1))
}

/// `fit` on the 20 rows, shuffled from `seed`, with no reporter.
fn fit_rows<N, O, L>(
    trainer: &mut Trainer<N, O, L>,
    net: &mut N,
    data: &Dataset<'_, 2, 1>,
    config: &FitConfig,
    seed: u64,
) -> Result<FitSummary, TrainError>
where
    N: Layer<Input = [f32; 2], Output = [f32; 1]> + Network<2, 1>,
    O: Optimizer<N>,
    L: Loss<1>,
{
    let mut rng = XorShiftRng::seed_from_u64(seed);
    trainer.fit(net, data, config, &mut [0; 20], &mut rng, &mut ())
}

/// Every parameter's bits, in the flat order.
fn bits<P: Params>(p: &P) -> Vec<u32> {
    let mut out = Vec::new();
    p.for_each_block(|b| out.extend(b.iter().map(|v| v.to_bits())));
    out
}

/// The optimizer state is compared through `Debug`, which prints every
/// `f32` so that it reads back to the same bits (NaN aside).
/// `fit` and `step` with `optimizer` and `config` on `net`: both must fail
/// with `expected`, leaving the weights and the optimizer state as they were.
fn refused<O: Optimizer<Net>>(optimizer: O, config: FitConfig, net: &mut Net, expected: TrainError)
where
    O::State: core::fmt::Debug,
{
    let (x, y) = data();
    let data = Dataset::new(&x, &y).unwrap();
    let mut trainer = Trainer::new(optimizer, MeanSquaredError);
    let before = (bits(net), format!("{:?}", trainer.state));
    let err = fit_rows(&mut trainer, net, &data, &config, 2).unwrap_err();
    assert_eq!(err, expected);
    assert_eq!(
        (bits(net), format!("{:?}", trainer.state)),
        before,
        "{expected:?}: fit changed something"
    );
    if matches!(config.schedule, Schedule::Constant) {
        for rows in [&[3][..], &[0, 1, 2]] {
            let err = trainer.step(net, &data, rows, 0.1).unwrap_err();
            // step does not measure the weights first: its check refuses the step
            if expected == TrainError::NonFiniteWeights {
                assert_eq!(err, TrainError::NonFinite);
            } else {
                assert_eq!(err, expected);
            }
            assert_eq!(
                (bits(net), format!("{:?}", trainer.state)),
                before,
                "{expected:?}: step"
            );
        }
    }
}

fn config() -> FitConfig {
    FitConfig {
        epochs: 5,
        batch: Batch::Size(4),
        ..FitConfig::default()
    }
}

#[test]
fn optimizer_settings_out_of_range_are_refused() {
    let adam = Adam::default();
    for (bad, expected) in [
        (Adam { beta1: 1.5, ..adam }, SettingsError::Beta1),
        (Adam { beta1: 1.0, ..adam }, SettingsError::Beta1),
        (
            Adam {
                beta1: -0.1,
                ..adam
            },
            SettingsError::Beta1,
        ),
        (
            Adam {
                beta1: f32::NAN,
                ..adam
            },
            SettingsError::Beta1,
        ),
        (Adam { beta2: 1.0, ..adam }, SettingsError::Beta2),
        (
            Adam {
                beta2: f32::NAN,
                ..adam
            },
            SettingsError::Beta2,
        ),
        (
            Adam {
                epsilon: 0.0,
                ..adam
            },
            SettingsError::Epsilon,
        ),
        (
            Adam {
                epsilon: -1e-8,
                ..adam
            },
            SettingsError::Epsilon,
        ),
        (
            Adam {
                epsilon: f32::INFINITY,
                ..adam
            },
            SettingsError::Epsilon,
        ),
        (
            Adam {
                penalty: Penalty::l1(-1.0),
                ..adam
            },
            SettingsError::L1,
        ),
    ] {
        assert_eq!(Optimizer::<Net>::check(&bad), Err(expected));
        refused(bad, config(), &mut net(), TrainError::Settings(expected));
    }
    // β = 0 is in range: Adam without a moment average
    let edge = Adam {
        beta1: 0.0,
        beta2: 0.0,
        ..adam
    };
    assert_eq!(Optimizer::<Net>::check(&edge), Ok(()));

    let momentum = Momentum::default();
    for (bad, expected) in [
        (
            Momentum {
                momentum: 1.0,
                ..momentum
            },
            SettingsError::Momentum,
        ),
        (
            Momentum {
                momentum: -0.5,
                ..momentum
            },
            SettingsError::Momentum,
        ),
        (
            Momentum {
                momentum: f32::NAN,
                ..momentum
            },
            SettingsError::Momentum,
        ),
        (
            Momentum {
                penalty: Penalty::l2(f32::NAN),
                ..momentum
            },
            SettingsError::L2,
        ),
    ] {
        assert_eq!(Optimizer::<Net>::check(&bad), Err(expected));
        refused(bad, config(), &mut net(), TrainError::Settings(expected));
    }

    for (penalty, expected) in [
        (Penalty::l1(-1.0), SettingsError::L1),
        (Penalty::l1(f32::INFINITY), SettingsError::L1),
        (Penalty::l2(-0.1), SettingsError::L2),
        (Penalty::l2(f32::NAN), SettingsError::L2),
    ] {
        assert_eq!(penalty.check(), Err(expected));
        refused(
            Sgd { penalty },
            config(),
            &mut net(),
            TrainError::Settings(expected),
        );
    }
    assert_eq!(Penalty::l2(0.0).check(), Ok(()));
}

#[test]
fn schedules_that_could_give_a_bad_rate_are_refused() {
    for (schedule, expected) in [
        (
            Schedule::StepDecay {
                gamma: -1.0,
                every: 1,
            },
            SettingsError::DecayFactor,
        ),
        (
            Schedule::StepDecay {
                gamma: 1.5,
                every: 1,
            },
            SettingsError::DecayFactor,
        ),
        (
            Schedule::StepDecay {
                gamma: f32::NAN,
                every: 3,
            },
            SettingsError::DecayFactor,
        ),
        (
            Schedule::InverseScaling { power: -0.5 },
            SettingsError::DecayPower,
        ),
        (
            Schedule::InverseScaling { power: f32::NAN },
            SettingsError::DecayPower,
        ),
        (
            Schedule::InverseScaling {
                power: f32::INFINITY,
            },
            SettingsError::DecayPower,
        ),
    ] {
        assert_eq!(schedule.check(), Err(expected));
        let config = FitConfig {
            schedule,
            ..config()
        };
        refused(
            Sgd::default(),
            config,
            &mut net(),
            TrainError::Settings(expected),
        );
    }
    // checked schedules stay within [0, base]: 0.1 · 0.5^⌊25/10⌋, 0.1 / √100
    let decay = Schedule::StepDecay {
        gamma: 0.5,
        every: 10,
    };
    assert_eq!(decay.check(), Ok(()));
    assert_eq!(decay.rate(0.1, 25), 0.025);
    let inverse = Schedule::InverseScaling { power: 0.5 };
    assert_eq!(inverse.rate(0.1, 99), 0.01);
}

#[test]
fn the_learning_rate_is_checked_by_step_too() {
    let (x, y) = data();
    let data = Dataset::new(&x, &y).unwrap();
    let mut net = net();
    let before = bits(&net);
    let mut trainer = Trainer::new(Sgd::default(), MeanSquaredError);
    for lr in [-0.1, f32::NAN, f32::INFINITY] {
        assert_eq!(
            trainer.step(&mut net, &data, &[1], lr),
            Err(TrainError::InvalidLearningRate)
        );
        assert_eq!(
            trainer.step_all(&mut net, &data, lr),
            Err(TrainError::InvalidLearningRate)
        );
        assert_eq!(bits(&net), before);
    }
}

#[test]
fn initialiser_parameters_are_checked() {
    for (init, expected) in [
        (
            Init::Uniform {
                low: -3e38,
                high: 3e38,
            },
            InitError::UniformBounds,
        ),
        (
            Init::Uniform {
                low: f32::NAN,
                high: 1.0,
            },
            InitError::UniformBounds,
        ),
        (
            Init::Uniform {
                low: 0.0,
                high: f32::NAN,
            },
            InitError::UniformBounds,
        ),
        (
            Init::Uniform {
                low: 1.0,
                high: 1.0,
            },
            InitError::UniformBounds,
        ),
        (
            Init::Uniform {
                low: 2.0,
                high: -2.0,
            },
            InitError::UniformBounds,
        ),
        (
            Init::Uniform {
                low: f32::NEG_INFINITY,
                high: 0.0,
            },
            InitError::UniformBounds,
        ),
        (Init::Normal { std: f32::NAN }, InitError::NormalStd),
        (Init::Normal { std: -1.0 }, InitError::NormalStd),
        (Init::Normal { std: 1e38 }, InitError::NormalStd),
        (Init::Normal { std: f32::INFINITY }, InitError::NormalStd),
    ] {
        assert_eq!(init.check(), Err(expected), "{init:?}");
        let mut net = net();
        let before = bits(&net);
        let mut rng = XorShiftRng::seed_from_u64(3);
        assert_eq!(net.try_init(init, &mut rng), Err(expected));
        assert_eq!(bits(&net), before, "{init:?}");
        // nothing was drawn: the generator is where it was
        assert_eq!(rng, XorShiftRng::seed_from_u64(3));
        assert_eq!(Net::try_random(init, &mut rng).unwrap_err(), expected);
    }
    for init in [
        Init::Uniform {
            low: -1e38,
            high: 1e38,
        },
        Init::Normal { std: 0.0 },
        Init::Normal { std: 1e37 },
        Init::HeNormal,
        Init::XavierUniform,
    ] {
        assert_eq!(init.check(), Ok(()));
        let net = Net::try_random(init, &mut XorShiftRng::seed_from_u64(4)).unwrap();
        assert!(net.is_finite(), "{init:?}");
    }
}

#[test]
fn non_finite_weights_are_refused_by_fit() {
    // what an unchecked `Init::Uniform { low: -3e38, high: 3e38 }` gives
    let mut wide = net();
    wide.0.weights[1][0] = f32::INFINITY;
    refused(
        Sgd::default(),
        config(),
        &mut wide,
        TrainError::NonFiniteWeights,
    );
    let mut nan = net();
    nan.2.biases[0] = f32::NAN;
    refused(
        Adam::default(),
        config(),
        &mut nan,
        TrainError::NonFiniteWeights,
    );
}

#[test]
fn a_leaky_relu_slope_out_of_range_is_refused() {
    for slope in [-0.5, f32::NAN, f32::INFINITY] {
        assert_eq!(LeakyRelu::<3>::new(slope), Err(LayerError::LeakyReluSlope));
        let mut net = net();
        net.1 = LeakyRelu::with_slope(slope);
        assert_eq!(net.check(), Err(LayerError::LeakyReluSlope));
        let expected = TrainError::LayerSettings(LayerError::LeakyReluSlope);
        refused(Sgd::default(), config(), &mut net, expected);
        refused(Adam::default(), config(), &mut net, expected);
    }
    // 0 is a plain ReLU, and slopes above 1 keep the sign
    assert_eq!(LeakyRelu::<3>::new(0.0), Ok(LeakyRelu::with_slope(0.0)));
    assert_eq!(LeakyRelu::<3>::new(2.0), Ok(LeakyRelu::with_slope(2.0)));
}

#[test]
fn zero_epochs_give_the_loss_of_the_unchanged_network() {
    let (x, y) = data();
    let data = Dataset::new(&x, &y).unwrap();
    // a zero network predicts 0: its mean squared error is the mean of y²
    let mut net = <Dense<2, 1>>::ZERO;
    let mut trainer = Trainer::new(Sgd::default(), MeanSquaredError);
    let config = FitConfig {
        epochs: 0,
        ..config()
    };
    let summary = fit_rows(&mut trainer, &mut net, &data, &config, 0).unwrap();
    let mean_y2 = y.iter().map(|y| f64::from(y[0]).powi(2)).sum::<f64>() / 20.0;
    assert!((f64::from(summary.final_train_loss) - mean_y2).abs() < 1e-5 * mean_y2);
    assert_eq!(summary.epochs_run, 0);
    assert_eq!(summary.best_validation, None);
    assert!(!summary.stopped_early);
    assert_eq!(bits(&net), bits(&<Dense<2, 1>>::ZERO));
}

fn rows_checked<O: Optimizer<Dense<2, 1>>>(optimizer: O) {
    let (x, y) = data();
    let data = Dataset::new(&x, &y).unwrap();
    let mut net = <Dense<2, 1>>::ZERO;
    let before = bits(&net);
    let mut trainer = Trainer::new(optimizer, MeanSquaredError);
    assert_eq!(trainer.evaluate(&net, &data, &[]), Err(TrainError::NoRows));
    let past = TrainError::RowOutOfRange {
        row: 99,
        samples: 20,
    };
    assert_eq!(trainer.evaluate(&net, &data, &[0, 99]), Err(past));
    // a lone row past the data (the fused path) and one among others
    for rows in [&[99][..], &[0, 1, 99], &[]] {
        let expected = if rows.is_empty() {
            TrainError::NoRows
        } else {
            past
        };
        assert_eq!(trainer.step(&mut net, &data, rows, 0.1), Err(expected));
        assert_eq!(bits(&net), before);
    }
    // in range: the mean of y² for the zero network
    let (a, b) = (y[0][0], y[1][0]);
    assert_eq!(
        trainer.evaluate(&net, &data, &[0, 1]),
        Ok((a * a + b * b) * 0.5)
    );
}

#[test]
fn rows_are_checked_by_evaluate_and_step() {
    rows_checked(Sgd::default());
    rows_checked(Momentum::default());
    rows_checked(Adam::default());
}

#[test]
fn a_huge_learning_rate_ends_in_diverged_with_finite_loss_weights() {
    let (x, y) = data();
    let data = Dataset::new(&x, &y).unwrap();
    for (batch, early_stopping) in [
        (Batch::Size(1), None),
        (Batch::Size(4), None),
        (Batch::Size(1), Some(EarlyStopping::default())),
        (Batch::Size(4), Some(EarlyStopping::default())),
    ] {
        let mut net = net();
        let start = bits(&net);
        let mut trainer = Trainer::new(Sgd::default(), HalfMeanSquaredError);
        let config = FitConfig {
            epochs: 50,
            batch,
            learning_rate: 1e15,
            early_stopping,
            ..FitConfig::default()
        };
        let err = fit_rows(&mut trainer, &mut net, &data, &config, 2).unwrap_err();
        let TrainError::Diverged { epoch } = err else {
            panic!("{batch:?}: {err:?}")
        };
        assert!(net.is_finite());
        let all: Vec<u32> = (0..20).collect();
        let loss = trainer.evaluate(&net, &data, &all).unwrap();
        assert!(loss.is_finite(), "{batch:?}: kept weights give loss {loss}");
        assert!(x.iter().all(|x| net.forward(x)[0].is_finite()));
        if epoch == 0 {
            // diverged before any epoch ended: the weights fit was given
            assert_eq!(bits(&net), start, "{batch:?} {early_stopping:?}");
        }
    }
}

#[test]
fn an_exploding_classifier_loss_ends_in_diverged() {
    // two classes split by x0 + x1 > 1.1; logits, lr 1e6: the weights stay
    // finite (about 1e6) while the loss explodes
    let (x, _) = data();
    let y: Vec<[f32; 1]> = x
        .iter()
        .map(|x| [f32::from(u8::from(x[0] + x[1] > 1.1))])
        .collect();
    let data = Dataset::new(&x, &y).unwrap();
    type Classifier = (Dense<2, 4>, Relu<4>, Dense<4, 1>);
    for batch in [Batch::Size(1), Batch::Size(5)] {
        let mut net = Classifier::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(7));
        let mut trainer = Trainer::new(Sgd::default(), BinaryCrossEntropyWithLogits);
        let config = FitConfig {
            epochs: 200,
            batch,
            learning_rate: 1e6,
            ..FitConfig::default()
        };
        let err = fit_rows(&mut trainer, &mut net, &data, &config, 2).unwrap_err();
        assert!(
            matches!(err, TrainError::Diverged { .. }),
            "{batch:?}: {err:?}"
        );
        assert!(net.is_finite());
    }
}

#[test]
fn an_elu_alpha_out_of_range_is_refused() {
    type WithElu = (Dense<2, 3>, Elu<3>, Dense<3, 1>);
    let (x, y) = data();
    let data = Dataset::new(&x, &y).unwrap();
    for alpha in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        assert_eq!(Elu::<3>::new(alpha), Err(LayerError::EluAlpha));
        let mut net = WithElu::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(1));
        net.1 = Elu::with_alpha(alpha);
        let before = bits(&net);
        let mut trainer = Trainer::new(Sgd::default(), MeanSquaredError);
        let config = config();
        let err = fit_rows(&mut trainer, &mut net, &data, &config, 2);
        assert_eq!(err, Err(TrainError::LayerSettings(LayerError::EluAlpha)));
        assert_eq!(bits(&net), before);
    }
}

#[test]
fn stopping_tolerances_and_the_epoch_range_are_checked() {
    let (x, y) = data();
    let data = Dataset::new(&x, &y).unwrap();
    let mut cases = Vec::new();
    for tolerance in [f32::NAN, -1e-4, f32::INFINITY, f32::NEG_INFINITY] {
        let on_validation = Some(EarlyStopping {
            tolerance,
            ..EarlyStopping::default()
        });
        let on_training = Some(TrainLossStopping {
            tolerance,
            ..TrainLossStopping::default()
        });
        cases.push((
            FitConfig {
                early_stopping: on_validation,
                ..config()
            },
            TrainError::InvalidTolerance,
        ));
        cases.push((
            FitConfig {
                train_loss_stopping: on_training,
                ..config()
            },
            TrainError::InvalidTolerance,
        ));
    }
    cases.push((
        FitConfig {
            start_epoch: u32::MAX - 4,
            ..config()
        },
        TrainError::EpochOverflow,
    ));
    for (config, expected) in cases {
        let mut net = net();
        let mut trainer = Trainer::new(Adam::default(), MeanSquaredError);
        let before = (bits(&net), format!("{:?}", trainer.state));
        let err = fit_rows(&mut trainer, &mut net, &data, &config, 2).unwrap_err();
        assert_eq!(err, expected, "{config:?}");
        assert_eq!((bits(&net), format!("{:?}", trainer.state)), before);
    }
    // a tolerance of 0 and the last epoch number that fits are accepted
    let edge = FitConfig {
        start_epoch: u32::MAX - 5,
        train_loss_stopping: Some(TrainLossStopping {
            tolerance: 0.0,
            patience: 0,
        }),
        ..config()
    };
    let mut trainer = Trainer::new(Adam::default(), MeanSquaredError);
    // a continued run: the order fit_rows gives, all zeros, is refused
    assert_eq!(
        fit_rows(&mut trainer, &mut net(), &data, &edge, 2),
        Err(TrainError::OrderNotPermutation)
    );
    let mut order: [u32; 20] = core::array::from_fn(|i| i as u32);
    let mut rng = XorShiftRng::seed_from_u64(2);
    let summary = trainer
        .fit(&mut net(), &data, &edge, &mut order, &mut rng, &mut ())
        .unwrap();
    assert!(summary.epochs_run >= 1);
}

#[test]
fn a_leaky_relu_slope_survives_drawing_the_weights() {
    type Net = (Dense<2, 3>, LeakyRelu<3>, Dense<3, 1>);
    let mut rng = XorShiftRng::seed_from_u64(4);
    // a fresh draw has the default slope; drawing again keeps a set one
    let mut net = Net::random(Init::HeNormal, &mut rng);
    assert_eq!(net.1.slope, 0.01);
    net.1 = LeakyRelu::with_slope(0.2);
    net.init(Init::HeNormal, &mut rng);
    assert_eq!(net.1.slope, 0.2);
    assert!(net.0.weights.as_flattened().iter().any(|&w| w != 0.0));
    net.try_init(Init::XavierUniform, &mut rng).unwrap();
    assert_eq!(net.1.slope, 0.2);
}
