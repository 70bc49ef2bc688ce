//! Streaming learning: `Trainer::learn` one sample at a time, the `Replay`
//! ring, refused samples and steps, and a stream whose mapping drifts.

mod common;

use common::{Housing, HousingIn, bits};
use stacknet::network::Network;
use stacknet::num::{Q16_16, Scalar};
use stacknet::optim::Optimizer;
use stacknet::prelude::*;
use stacknet::stream::Replay;
use stacknet::train::{DataError, TrainError, below};

const ROWS: usize = 20;

/// A smooth 2-input target the 2-4-3-1 network can follow.
fn rows() -> ([[f32; 2]; ROWS], [[f32; 1]; ROWS]) {
    let x: [[f32; 2]; ROWS] =
        core::array::from_fn(|i| [i as f32 / 10.0 - 1.0, (i % 7) as f32 / 7.0]);
    let y = x.map(|[a, b]| [0.5 * a - b + 0.25 * a * b]);
    (x, y)
}

/// Every value of `params` as bits, for any number type.
fn all_bits<S: Scalar, P: Params<S>>(params: &P) -> Vec<u64> {
    let mut out = Vec::new();
    params.for_each_block(|block| out.extend(block.iter().map(|v| v.to_bits())));
    out
}

/// `fit` with `Batch::Size(1)` and no shuffling for `epochs`, `learn` on
/// the same rows in the same order, and a `Stream` session on them: the
/// same weights and optimizer state, bit for bit.
fn learn_equals_fit<S, N, Opt>(start: N, rows: (&[[S; 2]], &[[S; 1]]), optimizer: Opt, epochs: u32)
where
    S: Scalar,
    N: Layer<S, Input = [S; 2], Output = [S; 1]> + Network<2, 1, S> + Copy,
    Opt: Optimizer<N, S> + Clone,
    Opt::State: core::fmt::Debug,
{
    let (x, y) = rows;
    let data = Dataset::new(x, y).unwrap();
    let rate = 0.02;
    let config = FitConfig {
        epochs,
        batch: Batch::Size(1),
        learning_rate: rate,
        shuffle: false,
        ..FitConfig::default()
    };
    let mut fitted = start;
    let mut fitter = Trainer::new(optimizer.clone(), HalfMeanSquaredError);
    let mut rng = XorShiftRng::seed_from_u64(0);
    let mut order = vec![0; x.len()];
    fitter
        .fit(&mut fitted, &data, &config, &mut order, &mut rng, &mut ())
        .unwrap();
    let expected = (all_bits(&fitted), format!("{:?}", fitter.state));

    let mut streamed = start;
    let mut learner = Trainer::new(optimizer.clone(), HalfMeanSquaredError);
    for _ in 0..epochs {
        for (x, y) in x.iter().zip(y) {
            learner.learn(&mut streamed, x, y, rate).unwrap();
        }
    }
    let learned = (all_bits(&streamed), format!("{:?}", learner.state));
    assert_eq!(learned, expected);

    // a session, checked once, carrying the kernel's bounds
    let mut session_net = start;
    let mut session = Trainer::new(optimizer, HalfMeanSquaredError);
    {
        let mut stream = session.stream(&mut session_net, rate).unwrap();
        for _ in 0..epochs {
            for (x, y) in x.iter().zip(y) {
                stream.learn(x, y).unwrap();
            }
        }
    }
    let in_session = (all_bits(&session_net), format!("{:?}", session.state));
    assert_eq!(in_session, expected);
}

#[test]
fn learning_one_sample_at_a_time_is_fit_at_batch_one() {
    let (x, y) = rows();
    let start = Housing::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(5));
    learn_equals_fit(start, (&x, &y), Sgd::default(), 3); // the fused kernel
    learn_equals_fit(start, (&x, &y), Momentum::default(), 3); // fused, with state
    learn_equals_fit(start, (&x, &y), Adam::default(), 3); // the batched kernel
}

#[test]
fn learning_in_q16_16_is_fit_at_batch_one() {
    type Fixed = HousingIn<Q16_16>;
    let (x, y) = rows();
    let x = x.map(|r| r.map(Q16_16::from_f32));
    let y = y.map(|r| r.map(Q16_16::from_f32));
    let start = Fixed::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(5));
    learn_equals_fit(start, (&x, &y), Momentum::default(), 2);
    learn_equals_fit(start, (&x, &y), Sgd::default(), 2);
}

/// A refused `learn` leaves the network and the optimizer state as they
/// were, bit for bit.
fn refused_changes_nothing<Opt>(optimizer: Opt, plain_update: bool)
where
    Opt: Optimizer<Housing> + Clone,
    Opt::State: core::fmt::Debug,
{
    let (x, y) = rows();
    let mut net = Housing::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(2));
    let mut trainer = Trainer::new(optimizer, HalfMeanSquaredError);
    for (x, y) in x.iter().zip(&y).take(5) {
        trainer.learn(&mut net, x, y, 0.01).unwrap();
    }
    let (before, state) = (bits(&net), format!("{:?}", trainer.state));
    let unchanged = |net: &Housing, trainer: &Trainer<Housing, Opt, HalfMeanSquaredError>| {
        assert_eq!(bits(net), before);
        assert_eq!(format!("{:?}", trainer.state), state);
    };
    let nan = trainer.learn(&mut net, &[f32::NAN, 0.0], &[1.0], 0.01);
    assert_eq!(
        nan,
        Err(TrainError::Data(DataError::NonFiniteInput { row: 0 }))
    );
    unchanged(&net, &trainer);
    let inf = trainer.learn(&mut net, &[0.0, 0.0], &[f32::NEG_INFINITY], 0.01);
    assert_eq!(
        inf,
        Err(TrainError::Data(DataError::NonFiniteTarget { row: 0 }))
    );
    unchanged(&net, &trainer);
    // settings come first: a bad rate is reported even with a bad sample
    let rate = trainer.learn(&mut net, &[f32::NAN, 0.0], &[1.0], -1.0);
    assert_eq!(rate, Err(TrainError::InvalidLearningRate));
    unchanged(&net, &trainer);
    // finite inputs whose step overflows: the loss (ŷ − y)² alone is
    // beyond f32 for a target of 1e30
    let overflow = trainer.learn(&mut net, &[1e30, 1e30], &[-1e30], 1e30);
    assert_eq!(overflow, Err(TrainError::NonFinite));
    unchanged(&net, &trainer);
    if plain_update {
        // a finite loss (ŷ is a few units) whose update θ − η·g, with η
        // near f32::MAX and gradients of a few units, overflows
        let step = trainer.learn(&mut net, &[10.0, 10.0], &[0.0], f32::MAX / 2.0);
        let loss = HalfMeanSquaredError.loss(&net.forward(&[10.0, 10.0]), &[0.0]);
        assert!(loss.is_finite());
        assert_eq!(step, Err(TrainError::NonFinite));
        unchanged(&net, &trainer);
    }
    // the same refusals inside a session, which then goes on learning
    {
        let mut stream = trainer.stream(&mut net, 0.01).unwrap();
        assert_eq!(
            stream.learn(&[0.0, f32::NAN], &[1.0]),
            Err(TrainError::Data(DataError::NonFiniteInput { row: 0 }))
        );
        assert_eq!(
            stream.learn(&[1e30, 1e30], &[-1e30]),
            Err(TrainError::NonFinite)
        );
        assert_eq!(bits(stream.net()), before);
    }
    unchanged(&net, &trainer);
    if plain_update {
        let mut stream = trainer.stream(&mut net, f32::MAX / 2.0).unwrap();
        assert_eq!(
            stream.learn(&[10.0, 10.0], &[0.0]),
            Err(TrainError::NonFinite)
        );
    }
    unchanged(&net, &trainer);
    assert!(matches!(
        trainer.stream(&mut net, f32::NAN),
        Err(TrainError::InvalidLearningRate)
    ));
    // and the trainer still learns afterwards
    assert!(trainer.learn(&mut net, &x[0], &y[0], 0.01).is_ok());
    assert_ne!(bits(&net), before);
}

#[test]
fn a_session_refuses_non_finite_weights() {
    let mut net = Housing::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(2));
    net.2.biases[0] = f32::INFINITY;
    let mut trainer = Trainer::new(Momentum::default(), HalfMeanSquaredError);
    assert!(matches!(
        trainer.stream(&mut net, 0.01),
        Err(TrainError::NonFiniteWeights)
    ));
}

#[test]
fn a_refused_sample_or_step_changes_nothing() {
    refused_changes_nothing(Sgd::default(), true);
    refused_changes_nothing(Momentum::default(), true);
    refused_changes_nothing(Adam::default(), false);
}

#[test]
fn a_replay_step_is_a_step_on_the_drawn_rows() {
    let (x, y) = rows();
    let mut replay = Replay::<2, 1, 8>::new();
    for (x, y) in x.iter().zip(&y) {
        replay.push(x, y).unwrap();
    }
    // twenty pushes into eight slots: the last eight samples, oldest first
    let held: Vec<_> = replay.iter().map(|(x, y)| (*x, *y)).collect();
    let expected: Vec<_> = x[12..]
        .iter()
        .copied()
        .zip(y[12..].iter().copied())
        .collect();
    assert_eq!(held, expected);

    let start = Housing::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(9));
    let mut net = start;
    let mut trainer = Trainer::new(Adam::default(), HalfMeanSquaredError);
    let mut rows = [0u32; 4];
    let mut rng = XorShiftRng::seed_from_u64(11);
    let drawn = replay.draw(&mut rng, &mut rows).unwrap();
    let loss = trainer.step(&mut net, &drawn, &rows, 0.01).unwrap();

    // the same draws by hand: one `below(rng, 8)` per row, indexing the
    // slots, where slot s holds sample 16 + s for s < 4 and 8 + s after
    let mut by_hand = XorShiftRng::seed_from_u64(11);
    let slots: [u32; 4] = core::array::from_fn(|_| below(&mut by_hand, 8));
    assert_eq!(rows, slots);
    let sample = |s: u32| {
        if s < 4 {
            16 + s as usize
        } else {
            8 + s as usize
        }
    };
    let bx: Vec<[f32; 2]> = slots.iter().map(|&s| x[sample(s)]).collect();
    let by: Vec<[f32; 1]> = slots.iter().map(|&s| y[sample(s)]).collect();
    let batch = Dataset::new(&bx, &by).unwrap();
    let mut reference = start;
    let mut other = Trainer::new(Adam::default(), HalfMeanSquaredError);
    let reference_loss = other
        .step(&mut reference, &batch, &[0, 1, 2, 3], 0.01)
        .unwrap();
    assert_eq!(loss.to_bits(), reference_loss.to_bits());
    assert_eq!(bits(&net), bits(&reference));

    // the same seed draws the same batch again; another seed another one
    let mut again = [0u32; 4];
    replay
        .draw(&mut XorShiftRng::seed_from_u64(11), &mut again)
        .unwrap();
    assert_eq!(again, rows);
    let mut other_rows = [0u32; 16];
    replay
        .draw(&mut XorShiftRng::seed_from_u64(12), &mut other_rows)
        .unwrap();
    assert_ne!(other_rows[..4], rows);
}

/// A linear model on a stream read at two operating points, x = −1 and
/// x = 1, alternately, with SGD on ½(ŷ − y)² at rate 1/4.
///
/// A step on sample x moves (w, b) by −η·e·(x, 1), so the error at x
/// becomes e·(1 − η(x² + 1)) = e/2, and the error at −x changes by
/// −η·e·(x·(−x) + 1) = 0: the two points are orthogonal directions, each
/// step halves the error at its own point and leaves the other's alone.
/// After k visits to each point its error is 2^−k times its error when the
/// stream began (or drifted), up to f32 rounding.
#[test]
fn a_drifting_stream_is_followed() {
    type Line = (Dense<1, 1>, Identity<1>);
    let mut net: Line = (Dense::from_arrays([[0.0]], [0.0]), Identity);
    let mut trainer = Trainer::new(Sgd::default(), HalfMeanSquaredError);
    let error = |net: &Line, x: f32, target: fn(f32) -> f32| net.forward(&[x])[0] - target(x);
    let before: fn(f32) -> f32 = |x| 2.0 * x + 1.0;
    let after: fn(f32) -> f32 = |x| -x + 3.0;
    // from w = b = 0 the errors at −1 and 1 start at 1 and −3
    let starts = [(-1.0, 1.0), (1.0, -3.0)];
    for &(x, e) in &starts {
        assert_eq!(error(&net, x, before), e);
    }
    for k in 1..=30 {
        for x in [-1.0, 1.0] {
            trainer.learn(&mut net, &[x], &[before(x)], 0.25).unwrap();
        }
        for &(x, e) in &starts {
            let bound = libm::ldexpf(e.abs(), -k) + 1e-6;
            assert!(error(&net, x, before).abs() <= bound, "k={k} x={x}");
        }
    }
    // the drift: the old line (w, b) = (2, 1) misses the new one by
    // 2·(−1) + 1 − 4 = −5 at x = −1 and 3 − 2 = 1 at x = 1
    let drifted = [(-1.0, -5.0), (1.0, 1.0)];
    for &(x, e) in &drifted {
        assert!((error(&net, x, after) - e).abs() < 1e-5);
    }
    for k in 1..=20 {
        for x in [-1.0, 1.0] {
            trainer.learn(&mut net, &[x], &[after(x)], 0.25).unwrap();
        }
        for &(x, e) in &drifted {
            let bound = libm::ldexpf(e.abs(), -k) + 1e-5;
            assert!(error(&net, x, after).abs() <= bound, "k={k} x={x}");
        }
    }
    // recovered: within 5·2^−20 + rounding of the new line at both points
    assert!(error(&net, -1.0, after).abs() < 2e-5);
    assert!(error(&net, 1.0, after).abs() < 2e-5);
}
