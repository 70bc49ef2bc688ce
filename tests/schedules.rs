//! The cosine schedule and the linear warm-up inside `fit`: the rate each
//! epoch reports is PyTorch's closed form, written out here in `f64`
//! (`CosineAnnealingLR`: `η_min + (η₀ − η_min)(1 + cos(π t / T)) / 2`;
//! `LinearLR(start_factor = 1/(k+1), total_iters = k)` then the schedule, as
//! `SequentialLR` with milestone `k` hands over).

use stacknet::optim::SettingsError;
use stacknet::prelude::*;
use stacknet::train::TrainError;

type Net = (Dense<1, 2>, Tanh<2>, Dense<2, 1>);

fn reported_rates(schedule: Schedule, warmup_epochs: u32, epochs: u32) -> Vec<f64> {
    let x: Vec<[f32; 1]> = (0..8).map(|i| [i as f32 / 8.0]).collect();
    let y: Vec<[f32; 1]> = x.iter().map(|x| [x[0] * x[0]]).collect();
    let data = Dataset::new(&x, &y).unwrap();
    let mut rng = XorShiftRng::seed_from_u64(2);
    let mut net = Net::random(Init::XavierUniform, &mut rng);
    let mut trainer = Trainer::new(Sgd::default(), HalfMeanSquaredError);
    let config = FitConfig {
        epochs,
        batch: Batch::Size(4),
        learning_rate: 0.5,
        schedule,
        warmup_epochs,
        ..FitConfig::default()
    };
    let mut rates = vec![];
    let mut report = |r: &EpochReport| rates.push(r.learning_rate as f64);
    trainer
        .fit(&mut net, &data, &config, &mut [0; 8], &mut rng, &mut report)
        .unwrap();
    rates
}

fn close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= 1e-6, "{got:?}\n{want:?}");
    }
}

#[test]
fn cosine_after_a_warm_up() {
    let (base, min, t_max, k) = (0.5f64, 0.0625f64, 6u32, 3u32);
    let schedule = Schedule::Cosine {
        epochs: t_max,
        min_rate: min as f32,
    };
    let rates = reported_rates(schedule, k, 12);
    let want: Vec<f64> = (0..12)
        .map(|epoch| {
            if epoch < k {
                let start = 1.0 / f64::from(k + 1);
                base * (start + (1.0 - start) * f64::from(epoch) / f64::from(k))
            } else {
                let t = f64::from((epoch - k).min(t_max));
                min + (base - min) * (1.0 + (std::f64::consts::PI * t / f64::from(t_max)).cos())
                    / 2.0
            }
        })
        .collect();
    close(&rates, &want);
    assert!(rates.iter().all(|r| r.is_finite() && *r >= 0.0));
}

#[test]
fn warm_up_before_step_decay_and_alone() {
    let decay = Schedule::StepDecay {
        gamma: 0.5,
        every: 2,
    };
    let rates = reported_rates(decay, 2, 6);
    // ramp 0.5·1/3, 0.5·2/3, then 0.5·0.5^⌊t/2⌋ from t = 0
    close(&rates, &[0.5 / 3.0, 1.0 / 3.0, 0.5, 0.5, 0.25, 0.25]);
    let rates = reported_rates(Schedule::Constant, 1, 3);
    close(&rates, &[0.25, 0.5, 0.5]);
}

#[test]
fn a_bad_cosine_is_refused_before_anything_changes() {
    let x = [[0.0f32], [1.0]];
    let data = Dataset::new(&x, &x).unwrap();
    let mut rng = XorShiftRng::seed_from_u64(0);
    let start = Net::random(Init::XavierUniform, &mut rng);
    let mut net = start;
    let mut trainer = Trainer::new(Sgd::default(), HalfMeanSquaredError);
    for (schedule, error) in [
        (
            Schedule::Cosine {
                epochs: 0,
                min_rate: 0.0,
            },
            SettingsError::CosineEpochs,
        ),
        (
            Schedule::Cosine {
                epochs: 4,
                min_rate: -1.0,
            },
            SettingsError::MinRate,
        ),
    ] {
        let config = FitConfig {
            schedule,
            warmup_epochs: 2,
            ..FitConfig::default()
        };
        let fit = trainer.fit(&mut net, &data, &config, &mut [0; 2], &mut rng, &mut ());
        assert_eq!(fit, Err(TrainError::Settings(error)));
        assert_eq!(net, start);
    }
}
