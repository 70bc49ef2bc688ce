//! The training machinery on problems whose answers are known from the math.

use stacknet::loss::{
    BinaryCrossEntropy, BinaryCrossEntropyWithLogits, HalfMeanSquaredError, Loss, MeanSquaredError,
    SoftmaxCrossEntropy, SumSquaredError,
};
use stacknet::optim::{Adam, AdamState, Momentum, NonFiniteStep, Optimizer, Penalty, Sgd};
use stacknet::prelude::*;
use stacknet::train::{DataError, FitSummary, TrainError};

// ---------------------------------------------------------------- losses

/// ∂loss/∂prediction against central differences at a few points.
fn check_loss_gradient<L: Loss<3>>(loss: L, p: [f32; 3], y: [f32; 3]) {
    let g = loss.gradient(&p, &y);
    let h = 1e-3;
    for k in 0..3 {
        let (mut up, mut down) = (p, p);
        up[k] += h;
        down[k] -= h;
        let numeric = (loss.loss(&up, &y) - loss.loss(&down, &y)) / (2.0 * h);
        assert!(
            (g[k] - numeric).abs() <= 2e-3 + 1e-2 * numeric.abs(),
            "{k}: analytic {} vs numeric {numeric}",
            g[k]
        );
    }
}

#[test]
fn loss_gradients_match_finite_differences() {
    let p = [0.3, -1.2, 2.0];
    let y = [1.0, 0.5, -0.25];
    check_loss_gradient(MeanSquaredError, p, y);
    check_loss_gradient(HalfMeanSquaredError, p, y);
    check_loss_gradient(SumSquaredError, p, y);
    check_loss_gradient(BinaryCrossEntropy, [0.2, 0.7, 0.55], [1.0, 0.0, 1.0]);
    check_loss_gradient(BinaryCrossEntropyWithLogits, p, [1.0, 0.0, 1.0]);
    check_loss_gradient(SoftmaxCrossEntropy, p, [0.0, 1.0, 0.0]);
    check_loss_gradient(SoftmaxCrossEntropy, p, [0.2, 0.5, 0.3]);
}

#[test]
fn cross_entropies_stay_finite_for_logits_of_100() {
    for z in [-100.0f32, 100.0] {
        for y in [0.0, 1.0] {
            let l = BinaryCrossEntropyWithLogits.loss(&[z], &[y]);
            let g = BinaryCrossEntropyWithLogits.gradient(&[z], &[y]);
            assert!(l.is_finite() && g[0].is_finite());
            // the loss is |z| when the label is wrong, ~0 when right
            let wrong = (z > 0.0) != (y > 0.5);
            assert!(if wrong {
                (l - 100.0).abs() < 1e-3
            } else {
                l < 1e-30
            });
            // probabilities that saturate to 0 or 1 are clamped
            let p = stacknet::sigmoid(z);
            assert!(BinaryCrossEntropy.loss(&[p], &[y]).is_finite());
            assert!(BinaryCrossEntropy.gradient(&[p], &[y])[0].is_finite());
        }
    }
    let z: [f32; 3] = [100.0, -100.0, 0.0];
    for target in [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]] {
        let l = SoftmaxCrossEntropy.loss(&z, &target);
        let g = SoftmaxCrossEntropy.gradient(&z, &target);
        assert!(l.is_finite() && g.iter().all(|g| g.is_finite()));
    }
    assert_eq!(SoftmaxCrossEntropy.loss(&z, &[0.0, 1.0, 0.0]), 200.0);
}

// ------------------------------------------------------- line fitting (SSE)

/// `y = 3x + N(0, 0.1)`, 200 points: the sum-of-squares lesson's setup
/// (lr 0.001, 300 epochs of summed full-batch gradients) from a bad start
/// reaches the slope 3.
#[test]
fn sum_of_squares_line_fit_finds_slope_three() {
    let mut rng = XorShiftRng::seed_from_u64(2024);
    let xs: Vec<[f32; 1]> = (0..200)
        .map(|_| [stacknet::init::uniform01(&mut rng)])
        .collect();
    let ys: Vec<[f32; 1]> = xs
        .iter()
        .map(|x| [3.0 * x[0] + 0.1 * stacknet::init::standard_normal(&mut rng)])
        .collect();
    let data = Dataset::new(&xs, &ys).unwrap();

    type Line = (Dense<1, 1>, Identity<1>);
    let start = Init::Uniform {
        low: -3.0,
        high: -2.0,
    };
    let mut line = Line::random(start, &mut rng);
    assert!(line.0.weights[0][0] <= -2.0);
    let mut trainer = Trainer::new(Sgd::default(), SumSquaredError);
    let config = FitConfig {
        epochs: 300,
        batch: Batch::Full,
        learning_rate: 0.001,
        shuffle: false,
        ..FitConfig::default()
    };
    let mut sse = heapless::Vec::<EpochReport, 300>::new();
    trainer
        .fit(&mut line, &data, &config, &mut [0; 200], &mut rng, &mut sse)
        .unwrap();
    let slope = line.0.weights[0][0];
    assert!((slope - 3.0).abs() < 0.1, "slope {slope}");
    // SSE falls to the noise floor: ½ Σ ε² ≈ ½ · 200 · 0.01 = 1
    let last = sse.last().unwrap().train_loss;
    assert!(
        sse[0].train_loss > 100.0 * last && last < 2.0,
        "{} → {last}",
        sse[0].train_loss
    );
}

// ------------------------------------------------------------------- XOR

#[test]
fn mlp_learns_xor() {
    type Net = (Dense<2, 4>, Tanh<4>, Dense<4, 1>, Sigmoid<1>);
    let inputs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let targets = [[0.0], [1.0], [1.0], [0.0]];
    let data = Dataset::new(&inputs, &targets).unwrap();
    let mut rng = XorShiftRng::seed_from_u64(1);
    let mut net = Net::random(Init::XavierUniform, &mut rng);
    let mut trainer = Trainer::new(Sgd::default(), BinaryCrossEntropy);
    let config = FitConfig {
        epochs: 2000,
        batch: Batch::Full,
        learning_rate: 1.0,
        ..FitConfig::default()
    };
    trainer
        .fit(&mut net, &data, &config, &mut [0; 4], &mut rng, &mut ())
        .unwrap();
    let correct = data
        .iter()
        .filter(|(x, t)| (net.forward(x)[0] > 0.5) == (t[0] > 0.5))
        .count();
    assert_eq!(correct, 4);
}

// ---------------------------------------------------- logistic regression

#[test]
fn logistic_regression_separates_separable_data() {
    // two clusters either side of the line x0 + 2 x1 = 1
    let mut rng = XorShiftRng::seed_from_u64(77);
    let mut inputs = Vec::new();
    let mut labels = Vec::new();
    while inputs.len() < 100 {
        let x = [
            4.0 * stacknet::init::uniform01(&mut rng) - 2.0,
            4.0 * stacknet::init::uniform01(&mut rng) - 2.0,
        ];
        let side = x[0] + 2.0 * x[1] - 1.0;
        if side.abs() > 0.2 {
            inputs.push(x);
            labels.push([if side > 0.0 { 1.0 } else { 0.0 }]);
        }
    }
    let data = Dataset::new(&inputs, &labels).unwrap();
    type Logistic = (Dense<2, 1>, Identity<1>);
    let mut model = Logistic::ZERO;
    let mut trainer = Trainer::new(Sgd::default(), BinaryCrossEntropyWithLogits);
    let config = FitConfig {
        epochs: 500,
        batch: Batch::Size(10),
        learning_rate: 0.5,
        ..FitConfig::default()
    };
    trainer
        .fit(&mut model, &data, &config, &mut [0; 100], &mut rng, &mut ())
        .unwrap();
    let correct = data
        .iter()
        .filter(|(x, t)| (model.forward(x)[0] > 0.0) == (t[0] > 0.5))
        .count();
    assert_eq!(correct, 100);
    // the boundary found is the line x0 + 2 x1 = 1 (up to scale)
    let [[w0, w1]] = model.0.weights;
    let b = model.0.biases[0];
    assert!(
        (w1 / w0 - 2.0).abs() < 0.3 && (b / w0 + 1.0).abs() < 0.3,
        "{w0} {w1} {b}"
    );
}

// -------------------------------------------------------------- optimizers

/// f(θ) = ½ Σ a_i (θ_i − c_i)², minimum 0 at θ = c; gradient a (θ − c).
const A: [f32; 3] = [1.0, 4.0, 0.5];
const C: [f32; 3] = [2.0, -1.0, 0.5];

fn quadratic(theta: &Dense<3, 1>) -> f32 {
    (0..3)
        .map(|i| 0.5 * A[i] * (theta.weights[0][i] - C[i]).powi(2))
        .sum()
}

fn quadratic_grad(theta: &Dense<3, 1>) -> Dense<3, 1> {
    let mut g = Dense::ZERO;
    for i in 0..3 {
        g.weights[0][i] = A[i] * (theta.weights[0][i] - C[i]);
    }
    g
}

fn minimise<O: Optimizer<Dense<3, 1>>>(opt: O, lr: f32, steps: usize) -> Dense<3, 1> {
    let mut theta = Dense::<3, 1>::ZERO;
    let mut state = O::State::ZERO;
    for _ in 0..steps {
        let g = quadratic_grad(&theta);
        opt.step(&mut theta, &g, &mut state, lr).unwrap();
    }
    theta
}

#[test]
fn optimizers_minimise_a_convex_quadratic() {
    let heavy_ball = Momentum {
        nesterov: false,
        ..Momentum::default()
    };
    for (name, theta) in [
        ("sgd", minimise(Sgd::default(), 0.2, 500)),
        ("momentum", minimise(heavy_ball, 0.05, 500)),
        ("nesterov", minimise(Momentum::default(), 0.05, 500)),
        ("adam", minimise(Adam::default(), 0.01, 3000)),
    ] {
        let f = quadratic(&theta);
        assert!(f < 1e-4, "{name}: f = {f} at {:?}", theta.weights);
        for (w, c) in theta.weights[0].iter().zip(C) {
            assert!((w - c).abs() < 1e-2, "{name}");
        }
    }
}

#[test]
fn adam_first_three_steps_match_the_formula() {
    let adam = Adam::default();
    let mut theta = Dense::<1, 1>::from_arrays([[1.0]], [0.0]);
    let mut state = AdamState::<Dense<1, 1>>::ZERO;
    let grads = [0.5f64, -0.2, 0.1];
    let lr = 0.1f64;
    // by hand, in f64
    let (mut p, mut m, mut v) = (1.0f64, 0.0f64, 0.0f64);
    for (t, g) in grads.iter().enumerate() {
        let t = (t + 1) as i32;
        m = 0.9 * m + 0.1 * g;
        v = 0.999 * v + 0.001 * g * g;
        let m_hat = m / (1.0 - 0.9f64.powi(t));
        let v_hat = v / (1.0 - 0.999f64.powi(t));
        p -= lr * m_hat / (v_hat.sqrt() + 1e-8);

        let g = Dense::from_arrays([[*g as f32]], [0.0]);
        adam.step(&mut theta, &g, &mut state, lr as f32).unwrap();
        assert!((theta.weights[0][0] as f64 - p).abs() < 1e-6, "step {t}");
        assert!((state.m.weights[0][0] as f64 - m).abs() < 1e-7);
        // 1 − β2 is 0.00099998713 in f32: v carries that 1.3e-5 relative error
        assert!((state.v.weights[0][0] as f64 / v - 1.0).abs() < 2e-5);
        assert_eq!(state.t, t as u32);
        if t == 1 {
            // the first step moves by lr · sign(g): m̂ = g and v̂ = g²
            assert!((theta.weights[0][0] - 0.9).abs() < 1e-6);
        }
    }
}

#[test]
fn nesterov_first_three_steps_match_the_formula() {
    // v ← μ v − lr g, θ ← θ + μ v − lr g (μ = 0.9), in f64 by hand
    let nesterov = Momentum::default();
    let mut theta = Dense::<1, 1>::from_arrays([[1.0]], [0.0]);
    let mut velocity = Dense::<1, 1>::ZERO;
    let lr = 0.1f64;
    let (mut p, mut v) = (1.0f64, 0.0f64);
    for (t, g) in [0.5f64, -0.2, 0.1].into_iter().enumerate() {
        v = 0.9 * v - lr * g;
        p += 0.9 * v - lr * g;
        let grads = Dense::from_arrays([[g as f32]], [0.0]);
        nesterov
            .step(&mut theta, &grads, &mut velocity, lr as f32)
            .unwrap();
        assert!((theta.weights[0][0] as f64 - p).abs() < 1e-6, "step {t}");
        assert!((velocity.weights[0][0] as f64 - v).abs() < 1e-7, "step {t}");
    }
    // step 1: v = −0.05, θ = 1 − 0.045 − 0.05
    let mut first = Dense::<1, 1>::from_arrays([[1.0]], [0.0]);
    let mut v1 = Dense::<1, 1>::ZERO;
    let g = Dense::from_arrays([[0.5]], [0.0]);
    nesterov.step(&mut first, &g, &mut v1, 0.1).unwrap();
    assert!((first.weights[0][0] - 0.905).abs() < 1e-6);
}

#[test]
fn penalties_add_their_gradients_to_weights_only() {
    let mut layer = Dense::from_arrays([[2.0, -3.0]], [4.0]);
    let zero = Dense::ZERO;
    // l2 = 0.5: w ← w − lr · 0.5 w; l1 = 0.1: w ← w − lr · 0.1 sign(w)
    let sgd = Sgd {
        penalty: Penalty {
            l1: 0.1,
            l2: 0.5,
            biases: false,
        },
    };
    sgd.step(&mut layer, &zero, &mut (), 1.0).unwrap();
    assert_eq!(layer.weights, [[2.0 - 1.0 - 0.1, -3.0 + 1.5 + 0.1]]);
    assert_eq!(layer.biases, [4.0]);
    let with_biases = Sgd {
        penalty: Penalty {
            biases: true,
            ..Penalty::l2(0.5)
        },
    };
    with_biases.step(&mut layer, &zero, &mut (), 1.0).unwrap();
    assert_eq!(layer.biases, [2.0]);
    // value: l2/2 Σθ² + l1 Σ|θ| over weights
    let p = Penalty {
        l1: 1.0,
        l2: 2.0,
        biases: false,
    };
    let net = Dense::from_arrays([[1.0, -2.0]], [10.0]);
    assert_eq!(p.value(&net), (1.0 + 4.0) + 3.0);
}

#[test]
fn schedules_change_the_rate_per_epoch() {
    let mut rates = Vec::new();
    let config = FitConfig {
        epochs: 6,
        batch: Batch::Full,
        learning_rate: 0.8,
        schedule: Schedule::StepDecay {
            gamma: 0.5,
            every: 2,
        },
        ..FitConfig::default()
    };
    let data = Dataset::new(&[[1.0]], &[[1.0]]).unwrap();
    let mut net = <(Dense<1, 1>, Identity<1>)>::ZERO;
    let mut trainer = Trainer::new(Sgd::default(), HalfMeanSquaredError);
    let mut rng = XorShiftRng::seed_from_u64(0);
    trainer
        .fit(
            &mut net,
            &data,
            &config,
            &mut [0],
            &mut rng,
            &mut |r: &EpochReport| rates.push(r.learning_rate),
        )
        .unwrap();
    assert_eq!(rates, [0.8, 0.8, 0.4, 0.4, 0.2, 0.2]);
}

// ------------------------------------------------------------ the loop

#[test]
fn every_epoch_visits_each_sample_once() {
    // SumSquaredError with a zero learning rate: each epoch's loss is the sum
    // over the samples visited; batches of 3 over 10 samples (3+3+3+1).
    let inputs: Vec<[f32; 1]> = (0..10).map(|i| [i as f32]).collect();
    let targets: Vec<[f32; 1]> = (0..10).map(|i| [2.0 * i as f32]).collect();
    let data = Dataset::new(&inputs, &targets).unwrap();
    let mut net = <(Dense<1, 1>, Identity<1>)>::ZERO;
    let mut trainer = Trainer::new(Sgd::default(), SumSquaredError);
    let config = FitConfig {
        epochs: 5,
        batch: Batch::Size(3),
        learning_rate: 0.0,
        ..FitConfig::default()
    };
    let mut order = [0u32; 10];
    let mut losses = Vec::new();
    let mut rng = XorShiftRng::seed_from_u64(3);
    trainer
        .fit(
            &mut net,
            &data,
            &config,
            &mut order,
            &mut rng,
            &mut |r: &EpochReport| losses.push(r.train_loss),
        )
        .unwrap();
    // ½ Σ (2i)² for i in 0..10 = 2 · 285 = 570, whatever the order
    assert_eq!(losses, [570.0; 5]);
    let mut sorted = order;
    sorted.sort();
    assert_eq!(sorted, core::array::from_fn::<u32, 10, _>(|i| i as u32));
    assert_ne!(order, sorted, "shuffled");
}

fn tiny_data() -> (Vec<[f32; 2]>, Vec<[f32; 1]>) {
    let x: Vec<[f32; 2]> = (0..20)
        .map(|i| [i as f32 / 10.0, 1.0 - i as f32 / 20.0])
        .collect();
    let y: Vec<[f32; 1]> = x.iter().map(|x| [x[0] - 2.0 * x[1]]).collect();
    (x, y)
}

type Small = (Dense<2, 3>, Relu<3>, Dense<3, 1>);

fn fit_small(
    config: &FitConfig,
    order: &mut [u32],
    net: &mut Small,
) -> Result<FitSummary, TrainError> {
    let (x, y) = tiny_data();
    let data = Dataset::new(&x, &y).unwrap();
    let mut trainer = Trainer::new(Momentum::default(), HalfMeanSquaredError);
    trainer.fit(
        net,
        &data,
        config,
        order,
        &mut XorShiftRng::seed_from_u64(0),
        &mut (),
    )
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let x = [[1.0, 2.0], [3.0, 4.0]];
    let y = [[1.0], [2.0]];
    assert_eq!(
        Dataset::<2, 1>::new(&[], &[]).unwrap_err(),
        DataError::Empty
    );
    assert_eq!(
        Dataset::new(&x, &y[..1]).unwrap_err(),
        DataError::LengthMismatch {
            inputs: 2,
            targets: 1
        }
    );
    assert_eq!(
        Dataset::new(&[[1.0, f32::NAN], [0.0, 0.0]], &y).unwrap_err(),
        DataError::NonFiniteInput { row: 0 }
    );
    assert_eq!(
        Dataset::new(&x, &[[1.0], [f32::INFINITY]]).unwrap_err(),
        DataError::NonFiniteTarget { row: 1 }
    );

    let mut net = Small::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(1));
    let before = net;
    let mut order = [0u32; 20];
    let cases = [
        (
            FitConfig {
                batch: Batch::Size(0),
                ..FitConfig::default()
            },
            TrainError::BatchSizeZero,
        ),
        (
            FitConfig {
                early_stopping: Some(EarlyStopping {
                    validation_fraction: 1.0,
                    ..EarlyStopping::default()
                }),
                ..FitConfig::default()
            },
            TrainError::InvalidValidationFraction,
        ),
        (
            FitConfig {
                early_stopping: Some(EarlyStopping {
                    validation_fraction: 0.99,
                    ..EarlyStopping::default()
                }),
                ..FitConfig::default()
            },
            TrainError::NoTrainingData,
        ),
        (
            FitConfig {
                learning_rate: f32::NAN,
                ..FitConfig::default()
            },
            TrainError::InvalidLearningRate,
        ),
    ];
    for (config, expected) in cases {
        assert_eq!(
            fit_small(&config, &mut order, &mut net).unwrap_err(),
            expected
        );
        assert_eq!(net, before, "a refused fit changes nothing");
    }
    assert_eq!(
        fit_small(&FitConfig::default(), &mut [0; 19], &mut net).unwrap_err(),
        TrainError::OrderBufferTooSmall {
            needed: 20,
            found: 19
        }
    );
}

/// `fit_small` from the same start and seed: the weights and summary.
fn fit_small_from_start(config: &FitConfig) -> (Small, FitSummary) {
    let mut net = Small::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(1));
    let summary = fit_small(config, &mut [0; 20], &mut net).unwrap();
    (net, summary)
}

#[test]
fn a_batch_larger_than_the_training_rows_is_clipped_as_scikit_learn() {
    let epochs = |batch, early_stopping| FitConfig {
        epochs: 30,
        batch,
        early_stopping,
        ..FitConfig::default()
    };
    // np.clip(batch_size, 1, n_samples): 21 on 20 rows is full batch
    let (full, full_summary) = fit_small_from_start(&epochs(Batch::Full, None));
    let (clipped, summary) = fit_small_from_start(&epochs(Batch::Size(21), None));
    assert_eq!(clipped, full);
    assert_eq!((summary.batch_used, summary.batch_clipped), (20, true));
    assert_eq!(
        (full_summary.batch_used, full_summary.batch_clipped),
        (20, false)
    );

    // early stopping holds out ⌈0.1 · 20⌉ = 2 rows: 19 is clipped to 18
    let es = Some(EarlyStopping::default());
    let (full, _) = fit_small_from_start(&epochs(Batch::Full, es));
    let (clipped, summary) = fit_small_from_start(&epochs(Batch::Size(19), es));
    assert_eq!(clipped, full);
    assert_eq!((summary.batch_used, summary.batch_clipped), (18, true));
    let (_, fits) = fit_small_from_start(&epochs(Batch::Size(18), es));
    assert_eq!((fits.batch_used, fits.batch_clipped), (18, false));
}

#[test]
fn the_default_batch_is_min_200_n() {
    // 20 rows: the default batch is all 20, which is full batch
    let default = FitConfig {
        epochs: 30,
        ..FitConfig::default()
    };
    assert_eq!(default.batch, Batch::Auto);
    let (auto, summary) = fit_small_from_start(&default);
    let full = FitConfig {
        batch: Batch::Full,
        ..default
    };
    assert_eq!(auto, fit_small_from_start(&full).0);
    assert_eq!((summary.batch_used, summary.batch_clipped), (20, false));

    // 450 rows: batches of 200, 200 and 50, as Batch::Size(200)
    let x: Vec<[f32; 2]> = (0..450).map(|i| [i as f32 / 450.0, 0.5]).collect();
    let y: Vec<[f32; 1]> = x.iter().map(|x| [x[0] - 2.0 * x[1]]).collect();
    let data = Dataset::new(&x, &y).unwrap();
    let run = |config: &FitConfig| {
        let mut net = Small::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(1));
        let mut trainer = Trainer::new(Momentum::default(), HalfMeanSquaredError);
        let mut rng = XorShiftRng::seed_from_u64(0);
        let summary = trainer
            .fit(&mut net, &data, config, &mut [0; 450], &mut rng, &mut ())
            .unwrap();
        (net, summary)
    };
    let (auto, summary) = run(&FitConfig {
        epochs: 3,
        ..FitConfig::default()
    });
    let (sized, _) = run(&FitConfig {
        epochs: 3,
        batch: Batch::Size(200),
        ..FitConfig::default()
    });
    assert_eq!(auto, sized);
    assert_eq!((summary.batch_used, summary.batch_clipped), (200, false));
}

#[test]
fn fit_arrays_is_fit_with_an_order_buffer_and_no_reporter() {
    let (x, y) = tiny_data();
    let (x, y): ([[f32; 2]; 20], [[f32; 1]; 20]) = (x.try_into().unwrap(), y.try_into().unwrap());
    let config = FitConfig {
        epochs: 40,
        batch: Batch::Size(3),
        ..FitConfig::default()
    };
    let start = Small::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(1));
    let (mut long, mut short) = (start, start);
    let mut trainer = Trainer::new(Momentum::default(), HalfMeanSquaredError);
    let data = Dataset::new(&x, &y).unwrap();
    let mut rng = XorShiftRng::seed_from_u64(4);
    let expected = trainer
        .fit(&mut long, &data, &config, &mut [0; 20], &mut rng, &mut ())
        .unwrap();
    let mut trainer = Trainer::new(Momentum::default(), HalfMeanSquaredError);
    let mut rng = XorShiftRng::seed_from_u64(4);
    let summary = trainer
        .fit_arrays(&mut short, &x, &y, &config, &mut rng)
        .unwrap();
    assert_eq!((short, summary), (long, expected));

    // the data is checked first, nothing changes
    let mut bad = x;
    bad[7][1] = f32::NAN;
    let before = short;
    assert_eq!(
        trainer.fit_arrays(&mut short, &bad, &y, &config, &mut rng),
        Err(TrainError::Data(DataError::NonFiniteInput { row: 7 }))
    );
    assert_eq!(short, before);
}

#[test]
fn a_diverging_run_keeps_the_weights_before_the_failing_step() {
    let (x, y) = tiny_data();
    let data = Dataset::new(&x, &y).unwrap();
    let mut net = Small::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(1));
    // no slot to go back to: the net keeps the weights before the refused step
    let mut trainer = Trainer::without_best_weights(Sgd::default(), HalfMeanSquaredError);
    let config = FitConfig {
        epochs: 100,
        batch: Batch::Size(4),
        learning_rate: 1e6,
        ..FitConfig::default()
    };
    // record the weights after every successful step by re-running the same
    // seed step by step: fit and manual steps share the shuffle order
    let err = trainer
        .fit(
            &mut net,
            &data,
            &config,
            &mut [0; 20],
            &mut XorShiftRng::seed_from_u64(5),
            &mut (),
        )
        .unwrap_err();
    let TrainError::Diverged { epoch } = err else {
        panic!("{err:?}")
    };
    assert!(net.is_finite(), "weights stay finite");

    // replay with single steps: the last finite weights equal fit's result
    let mut replay = Small::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(1));
    let mut replay_trainer = Trainer::new(Sgd::default(), HalfMeanSquaredError);
    let mut rng = XorShiftRng::seed_from_u64(5);
    let mut order: Vec<u32> = (0..20).collect();
    let mut failed_in = None;
    'epochs: for e in 0..100 {
        stacknet::train::shuffle(&mut order, &mut rng);
        for rows in order.chunks(4) {
            let before = replay;
            if replay_trainer.step(&mut replay, &data, rows, 1e6).is_err() {
                assert_eq!(replay, before, "a failed step changes nothing");
                failed_in = Some(e);
                break 'epochs;
            }
        }
    }
    assert_eq!(failed_in, Some(epoch));
    assert_eq!(replay, net);
}

#[test]
fn a_non_finite_gradient_is_refused_before_the_step() {
    let mut layer = Dense::from_arrays([[1.0, 2.0]], [0.0]);
    let bad = Dense::from_arrays([[f32::NAN, 0.0]], [0.0]);
    let mut velocity = Dense::ZERO;
    assert_eq!(
        Momentum::default().step(&mut layer, &bad, &mut velocity, 0.1),
        Err(NonFiniteStep)
    );
    assert_eq!(layer, Dense::from_arrays([[1.0, 2.0]], [0.0]));
    let huge = Dense::from_arrays([[f32::MAX, 0.0]], [0.0]);
    assert_eq!(
        Sgd::default().step(&mut layer, &huge, &mut (), 1e10),
        Err(NonFiniteStep)
    );
    assert_eq!(layer.weights, [[1.0, 2.0]]);
}

#[test]
fn early_stopping_restores_the_best_weights() {
    let (x, y) = tiny_data();
    let data = Dataset::new(&x, &y).unwrap();
    let mut net = Small::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(4));
    let mut trainer = Trainer::new(Momentum::default(), HalfMeanSquaredError);
    let config = FitConfig {
        epochs: 5000,
        batch: Batch::Size(2),
        learning_rate: 0.01,
        early_stopping: Some(EarlyStopping {
            patience: 5,
            ..EarlyStopping::default()
        }),
        ..FitConfig::default()
    };
    let mut reports = heapless::Vec::<EpochReport, 5000>::new();
    let mut order = [0u32; 20];
    let summary = trainer
        .fit(
            &mut net,
            &data,
            &config,
            &mut order,
            &mut XorShiftRng::seed_from_u64(0),
            &mut reports,
        )
        .unwrap();
    assert!(summary.stopped_early && summary.epochs_run < 5000);
    let (best, best_epoch) = summary.best_validation.unwrap();
    let losses: Vec<f32> = reports.iter().map(|r| r.validation_loss.unwrap()).collect();
    let min = losses.iter().cloned().fold(f32::INFINITY, f32::min);
    assert_eq!(best, min);
    assert_eq!(losses[best_epoch as usize], best);
    // stopped after patience + 1 = 6 epochs that each failed to beat the
    // best loss before them by the tolerance 1e-4
    assert_eq!(losses.len() as u32, summary.epochs_run);
    for e in losses.len() - 6..losses.len() {
        let best_before = losses[..e].iter().cloned().fold(f32::INFINITY, f32::min);
        assert!(losses[e] > best_before - 1e-4, "epoch {e} improved");
    }
    // the network holds the best epoch's weights: its validation loss is `best`
    let validation = &order[..2];
    assert_eq!(trainer.evaluate(&net, &data, validation), Ok(best));
}

#[test]
fn a_trainer_without_best_weights_is_smaller_and_keeps_the_last_weights() {
    use stacknet::train::NoBestWeights;
    type Full = Trainer<Small, Momentum, HalfMeanSquaredError>;
    type Lean = Trainer<Small, Momentum, HalfMeanSquaredError, NoBestWeights>;
    assert_eq!(size_of::<Full>() - size_of::<Lean>(), size_of::<Small>());

    let (x, y) = tiny_data();
    let data = Dataset::new(&x, &y).unwrap();
    let config = FitConfig {
        epochs: 5000,
        batch: Batch::Size(2),
        early_stopping: Some(EarlyStopping {
            patience: 5,
            ..EarlyStopping::default()
        }),
        ..FitConfig::default()
    };
    let start = Small::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(4));
    let (mut kept, mut last) = (start, start);
    let mut full = Full::new(Momentum::default(), HalfMeanSquaredError);
    let mut lean = Lean::without_best_weights(Momentum::default(), HalfMeanSquaredError);
    let (mut order, mut reports) = ([0u32; 20], Vec::new());
    let a = full
        .fit(
            &mut kept,
            &data,
            &config,
            &mut order,
            &mut XorShiftRng::seed_from_u64(0),
            &mut (),
        )
        .unwrap();
    let b = lean
        .fit(
            &mut last,
            &data,
            &config,
            &mut order,
            &mut XorShiftRng::seed_from_u64(0),
            &mut |r: &EpochReport| reports.push(r.validation_loss.unwrap()),
        )
        .unwrap();
    // the same run; only the weights handed back differ
    assert_eq!(a, b);
    let (best, best_epoch) = b.best_validation.unwrap();
    assert!(
        best_epoch + 1 < b.epochs_run,
        "the best epoch is not the last"
    );
    let validation = &order[..2];
    assert_eq!(full.evaluate(&kept, &data, validation), Ok(best));
    assert_eq!(
        lean.evaluate(&last, &data, validation),
        Ok(*reports.last().unwrap())
    );
    assert_ne!(kept, last);
}

#[test]
fn decaying_optimizer_state_reaches_zero_not_a_subnormal() {
    // With a zero gradient (a dead unit) the velocity and Adam's moments
    // shrink by a factor each step; without flushing they would stop at the
    // smallest subnormal (0.9 · 1.4e-45 rounds back to 1.4e-45), which is
    // many times slower to compute with.
    let zero = Dense::<1, 1>::ZERO;
    let mut layer = Dense::from_arrays([[1.0]], [0.0]);
    let mut velocity = Dense::from_arrays([[1e-30]], [1e-30]);
    let mut adam = AdamState {
        m: Dense::from_arrays([[1e-30]], [1e-30]),
        v: Dense::from_arrays([[1e-30]], [1e-30]),
        t: 0,
    };
    for _ in 0..2000 {
        Momentum::default()
            .step(&mut layer, &zero, &mut velocity, 0.1)
            .unwrap();
    }
    // v shrinks by β2 = 0.999 a step: 1e-30 is subnormal after ~18,400 steps
    for _ in 0..30_000 {
        Adam::default()
            .step(&mut layer, &zero, &mut adam, 0.1)
            .unwrap();
    }
    assert_eq!(velocity, Dense::ZERO);
    assert_eq!((adam.m, adam.v), (Dense::ZERO, Dense::ZERO));
    // the state on the way down is untouched while it is normal
    let mut velocity = Dense::from_arrays([[1.0]], [0.0]);
    Momentum::default()
        .step(
            &mut Dense::from_arrays([[1.0]], [0.0]),
            &zero,
            &mut velocity,
            0.1,
        )
        .unwrap();
    assert_eq!(velocity.weights, [[0.9]]);
}
