//! Steps the lesson examples share: z-scoring columns, full-batch gradient
//! descent that records the cost, training a classifier and scoring it on
//! test rows, printing the cost, and sampling a one-input function for a
//! plot.

use stacknet::StandardScaler;
use stacknet::prelude::*;
use stacknet::train::FitSummary;

use super::plot::Series;

/// A z-scored copy of `columns` (mean 0, population standard deviation 1)
/// and the scaler that maps between the two.
pub fn zscore<const N: usize>(columns: &[[f32; N]]) -> (Vec<[f32; N]>, StandardScaler<N>) {
    let mut z = columns.to_vec();
    let scaler = StandardScaler::fit_transform(&mut z).expect("finite columns");
    (z, scaler)
}

/// Full-batch gradient descent in data order: `iterations` steps of
/// `learning_rate` on all of `data`. Returns the cost before each step.
pub fn full_batch<N, Opt, L, const I: usize, const O: usize>(
    trainer: &mut Trainer<N, Opt, L>,
    net: &mut N,
    data: &Dataset<'_, I, O>,
    (iterations, learning_rate): (u32, f32),
    rng: &mut XorShiftRng,
) -> Vec<f32>
where
    N: Network<I, O>,
    Opt: Optimizer<N>,
    L: Loss<O>,
{
    let config = FitConfig {
        epochs: iterations,
        batch: Batch::Full,
        learning_rate,
        shuffle: false,
        ..FitConfig::default()
    };
    let mut costs = Vec::new();
    let mut record = |r: &EpochReport| costs.push(r.train_loss);
    trainer
        .fit(
            net,
            data,
            &config,
            &mut vec![0; data.len()],
            rng,
            &mut record,
        )
        .expect("training runs");
    costs
}

/// A classifier trained by [`fit_and_score`].
pub struct Scored {
    /// What `fit` returned.
    pub summary: FitSummary,
    /// Every epoch's report.
    pub reports: Vec<EpochReport>,
    /// Accuracy on the test rows.
    pub accuracy: f64,
    /// Log loss on the test rows.
    pub log_loss: f64,
}

/// Trains `net` on `data` with `config`, recording every epoch, then scores
/// it on the labelled test rows with `Classifier::accuracy` and `log_loss`.
pub fn fit_and_score<N, Opt, L, const I: usize, const O: usize>(
    (trainer, net): (&mut Trainer<N, Opt, L>, &mut N),
    data: &Dataset<'_, I, O>,
    config: &FitConfig,
    rng: &mut XorShiftRng,
    (test_x, test_labels): (&[[f32; I]], &[usize]),
) -> Scored
where
    N: Network<I, O>,
    Opt: Optimizer<N>,
    L: Loss<O>,
{
    let mut reports = Vec::new();
    let mut record = |r: &EpochReport| reports.push(*r);
    let summary = trainer
        .fit(
            net,
            data,
            config,
            &mut vec![0; data.len()],
            rng,
            &mut record,
        )
        .expect("training runs");
    Scored {
        summary,
        reports,
        accuracy: net.accuracy(test_x, test_labels).expect("labelled rows"),
        log_loss: net.log_loss(test_x, test_labels).expect("labelled rows"),
    }
}

/// A one-neuron regression trained on z-scores by [`zscored_regression`].
pub struct ZFit<N, const I: usize> {
    /// The z-scored inputs.
    pub x: Vec<[f32; I]>,
    /// The z-scored targets.
    pub y: Vec<[f32; 1]>,
    /// Scalers of the inputs and of the targets.
    pub scalers: (StandardScaler<I>, StandardScaler<1>),
    /// The trained network (in z-space).
    pub net: N,
    /// The cost before each iteration's step.
    pub costs: Vec<f32>,
}

/// The regression lessons' procedure: z-score inputs and targets, start
/// from weights ~ N(0, 0.01²) and bias 0 (seed 3), then `iterations`
/// full-batch steps of `learning_rate` on the cost `1/(2m) Σ (ŷ − y)²`.
pub fn zscored_regression<N, const I: usize>(
    x: &[[f32; I]],
    y: &[[f32; 1]],
    iterations: u32,
    learning_rate: f32,
) -> ZFit<N, I>
where
    N: Network<I, 1>,
{
    let (xz, sx) = zscore(x);
    let (yz, sy) = zscore(y);
    let data = Dataset::new(&xz, &yz).expect("valid data");
    let mut rng = XorShiftRng::seed_from_u64(3);
    let mut net = N::random(Init::SMALL_NORMAL, &mut rng);
    let mut trainer = Trainer::new(Sgd::default(), HalfMeanSquaredError);
    let costs = full_batch(
        &mut trainer,
        &mut net,
        &data,
        (iterations, learning_rate),
        &mut rng,
    );
    ZFit {
        x: xz,
        y: yz,
        scalers: (sx, sy),
        net,
        costs,
    }
}

/// Prints the cost of every `every`-th iteration, and of the last.
pub fn print_costs(costs: &[f32], every: usize) {
    for (i, cost) in costs.iter().enumerate() {
        if i % every == 0 || i + 1 == costs.len() {
            println!("Cost after iteration {i}: {cost:.6}");
        }
    }
}

/// The cost per iteration as an unlabelled line.
pub fn cost_line(costs: &[f32]) -> Series {
    Series::line("", costs.iter().enumerate().map(|(i, &c)| (i as f32, c)))
}

/// `(x, f(x))` for `x` from `from` to `to` in steps of 0.05.
pub fn curve(from: f32, to: f32, f: impl Fn(f32) -> f32) -> Vec<(f32, f32)> {
    const STEP: f32 = 0.05;
    let steps = ((to - from) / STEP).round() as usize;
    (0..=steps)
        .map(|i| {
            let x = from + i as f32 * STEP;
            (x, f(x))
        })
        .collect()
}
