//! Multi-class classification: three Gaussian blobs, a softmax classifier.
//!
//! The data (from a fixed seed): three classes of equal prior, each a
//! normal distribution of standard deviation 1 around one corner of an
//! equilateral triangle of side 3. The network ends in logits
//! (`Dense<16, 3>`) and trains with `SoftmaxCrossEntropy`, which applies
//! the softmax itself (ending the network in `Softmax<3>` as well would be
//! a compile error). `Classifier` gives the probabilities, the predicted
//! class, and the accuracy and log loss on a held-out test set.
//!
//! With equal priors and equal round covariances the best possible
//! classifier (Bayes') picks the nearest centre; it is printed beside the
//! network for comparison.
//!
//! Run: `cargo run --release --example multiclass`

#[path = "common/mod.rs"]
mod common;

use stacknet::classify::Classifier;
use stacknet::init::{standard_normal, uniform01};
use stacknet::metrics::one_hot;
use stacknet::prelude::*;

use common::lesson;
use common::plot::{self, Axes, Regions, Series};

/// Classes.
pub const CLASSES: usize = 3;
/// The standard deviation of every blob, in each coordinate.
pub const SIGMA: f32 = 1.0;
/// The blob centres: the corners of an equilateral triangle of side 3
/// around the origin (radius `3 / √3 = √3`).
pub const CENTERS: [[f32; 2]; CLASSES] = [
    [1.732_050_8, 0.0],
    [-0.866_025_4, 1.5],
    [-0.866_025_4, -1.5],
];

/// Two inputs, 16 ReLU units, three logits.
pub type Net = (Dense<2, 16>, Relu<16>, Dense<16, CLASSES>);

/// `n` points: each class drawn with probability ⅓, then its blob.
pub fn make_data(n: usize, rng: &mut XorShiftRng) -> (Vec<[f32; 2]>, Vec<usize>) {
    let mut x = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let class = ((uniform01(rng) * CLASSES as f32) as usize).min(CLASSES - 1);
        let [cx, cy] = CENTERS[class];
        x.push([
            cx + SIGMA * standard_normal(rng),
            cy + SIGMA * standard_normal(rng),
        ]);
        labels.push(class);
    }
    (x, labels)
}

/// What the example shows.
pub struct Results {
    /// The trained network.
    pub net: Net,
    /// Training loss per epoch.
    pub losses: Vec<f32>,
    /// Test inputs.
    pub test_x: Vec<[f32; 2]>,
    /// Test labels.
    pub test_labels: Vec<usize>,
    /// The network's test accuracy.
    pub accuracy: f64,
    /// The network's test log loss.
    pub log_loss: f64,
}

/// Draws `train` training and `test` test points from `seed`, trains the
/// network for `epochs` epochs with Adam on batches of 32 and scores it.
/// (On 600 points, 40 epochs: by 100 the test log loss has begun to rise
/// as the network fits the training points' noise.)
pub fn run(train: usize, test: usize, epochs: u32, seed: u64) -> Results {
    let mut rng = XorShiftRng::seed_from_u64(seed);
    let (x, labels) = make_data(train, &mut rng);
    let (test_x, test_labels) = make_data(test, &mut rng);
    let mut targets = vec![[0.0; CLASSES]; x.len()];
    one_hot(&labels, &mut targets).expect("labels below CLASSES");

    let data = Dataset::new(&x, &targets).expect("finite data");
    let mut net = Net::random(Init::HeNormal, &mut rng);
    let mut trainer = Trainer::new(Adam::default(), SoftmaxCrossEntropy);
    let config = FitConfig {
        epochs,
        batch: Batch::Size(32),
        learning_rate: 0.01,
        ..FitConfig::default()
    };
    let test = (&test_x[..], &test_labels[..]);
    let scored = lesson::fit_and_score((&mut trainer, &mut net), &data, &config, &mut rng, test);
    Results {
        net,
        losses: scored.reports.iter().map(|r| r.train_loss).collect(),
        test_x,
        test_labels,
        accuracy: scored.accuracy,
        log_loss: scored.log_loss,
    }
}

/// The nearest centre: Bayes' class for these blobs.
pub fn nearest_center(x: &[f32; 2]) -> usize {
    let distance = |c: &[f32; 2]| (x[0] - c[0]).powi(2) + (x[1] - c[1]).powi(2);
    (0..CLASSES)
        .min_by(|&a, &b| distance(&CENTERS[a]).total_cmp(&distance(&CENTERS[b])))
        .unwrap_or(0)
}

fn main() {
    let r = run(600, 3000, 40, 7);
    let n = r.test_x.len();
    let bayes = r
        .test_x
        .iter()
        .zip(&r.test_labels)
        .filter(|&(x, &label)| nearest_center(x) == label)
        .count() as f64
        / n as f64;
    println!("three blobs, side 3, sigma 1; 600 training points, {n} test points");
    println!(
        "epochs={} final_train_loss={:.4}",
        r.losses.len(),
        r.losses.last().copied().unwrap_or(f32::NAN)
    );
    println!(
        "test accuracy={:.4} log_loss={:.4} (nearest centre, Bayes' rule: accuracy={bayes:.4})",
        r.accuracy, r.log_loss
    );
    let x = [0.0, 0.0];
    println!(
        "at the centre of the triangle: probabilities={:?} class={:?}",
        r.net.probabilities(&x),
        r.net.predict_class(&x)
    );

    let dir = plot::plot_dir("multiclass");
    let regions = dir.join("regions.svg");
    let samples: Vec<([f32; 2], usize)> = r
        .test_x
        .iter()
        .zip(&r.test_labels)
        .take(300)
        .map(|(x, &label)| (*x, label))
        .collect();
    let by_net = |a: f32, b: f32| r.net.predict_class(&[a, b]).unwrap_or(0);
    plot::decision_regions(
        &regions,
        &[Regions {
            title: format!("2-16-3 softmax classifier: test accuracy {:.3}", r.accuracy),
            labels: ("x₁".to_string(), "x₂".to_string()),
            x: -4.0..4.5,
            y: -4.5..4.5,
            classify: &by_net,
            samples: &samples,
            extra: Vec::new(),
        }],
    )
    .expect("plot written");
    let loss = dir.join("loss.svg");
    let curve = r.losses.iter().enumerate().map(|(e, &l)| (e as f32, l));
    plot::xy_chart(
        &loss,
        &Axes::new(
            "softmax cross-entropy per epoch (Adam, batches of 32)",
            "epoch",
            "training loss",
        ),
        &[Series::line("training loss", curve).color(plot::color(0))],
    )
    .expect("plot written");
    println!("plots: {} {}", regions.display(), loss.display());
    println!(
        "lesson=multiclass test_accuracy={:.4} test_log_loss={:.4} bayes_accuracy={bayes:.4}",
        r.accuracy, r.log_loss
    );
}
