//! XOR: a perceptron cannot learn it, a network with one hidden layer can.
//!
//! No straight line puts (0, 1) and (1, 0) on one side and (0, 0) and (1, 1)
//! on the other, so Rosenblatt's perceptron keeps making mistakes however
//! long it trains. A 2-4-1 network (tanh hidden layer, sigmoid output,
//! binary cross-entropy, full-batch gradient descent) bends its boundary
//! and gets all four right.
//!
//! Run: `cargo run --release --example xor`

#[path = "common/mod.rs"]
mod common;

use stacknet::Perceptron;
use stacknet::perceptron::PerceptronFit;
use stacknet::prelude::*;

use common::plot::{self, Regions};

/// The four inputs.
pub const INPUTS: [[f32; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
/// XOR of each input, as 0/1.
pub const TARGETS: [[f32; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];

/// Two inputs, four tanh hidden units, one sigmoid output.
pub type Mlp = (Dense<2, 4>, Tanh<4>, Dense<4, 1>, Sigmoid<1>);

/// What the lesson shows.
pub struct Results {
    /// The perceptron after training.
    pub perceptron: Perceptron<2>,
    /// How its training ended.
    pub perceptron_fit: PerceptronFit,
    /// Inputs it classifies right (of 4).
    pub perceptron_correct: usize,
    /// The trained network.
    pub mlp: Mlp,
    /// Its cross-entropy per epoch.
    pub mlp_losses: Vec<f32>,
    /// Inputs it classifies right (of 4).
    pub mlp_correct: usize,
}

/// Trains the perceptron for `perceptron_epochs` and the network for
/// `mlp_epochs` (seed `seed`).
pub fn run(perceptron_epochs: usize, mlp_epochs: u32, seed: u64) -> Results {
    let labels = TARGETS.map(|t| if t[0] > 0.5 { 1.0 } else { -1.0 });
    let mut perceptron = Perceptron::<2>::ZERO;
    let perceptron_fit = perceptron
        .fit(&INPUTS, &labels, 0.1, perceptron_epochs)
        .expect("valid data");
    let perceptron_correct = INPUTS
        .iter()
        .zip(labels)
        .filter(|(x, y)| perceptron.predict(x) == *y)
        .count();

    let data = Dataset::new(&INPUTS, &TARGETS).expect("valid data");
    let mut rng = XorShiftRng::seed_from_u64(seed);
    let mut mlp = Mlp::random(Init::XavierUniform, &mut rng);
    let mut trainer = Trainer::new(Sgd::default(), BinaryCrossEntropy);
    let config = FitConfig {
        epochs: mlp_epochs,
        batch: Batch::Full,
        learning_rate: 1.0,
        shuffle: false,
        ..FitConfig::default()
    };
    let mut mlp_losses = Vec::new();
    let mut record = |r: &EpochReport| mlp_losses.push(r.train_loss);
    trainer
        .fit(&mut mlp, &data, &config, &mut [0; 4], &mut rng, &mut record)
        .expect("training runs");
    let mlp_correct = INPUTS
        .iter()
        .zip(&TARGETS)
        .filter(|(x, t)| (mlp.forward(x)[0] > 0.5) == (t[0] > 0.5))
        .count();
    Results {
        perceptron,
        perceptron_fit,
        perceptron_correct,
        mlp,
        mlp_losses,
        mlp_correct,
    }
}

fn main() {
    let r = run(1000, 3000, 1);
    let p = r.perceptron;
    println!(
        "perceptron after {} epochs: w = [{:.2}, {:.2}], b = {:.2}, {} mistakes in the last epoch",
        r.perceptron_fit.epochs, p.weights[0], p.weights[1], p.bias, r.perceptron_fit.mistakes
    );
    for (x, t) in INPUTS.iter().zip(&TARGETS) {
        let class = u8::from(p.predict(x) > 0.0);
        println!("  {x:?} → class {class} (XOR {:.0})", t[0]);
    }
    println!("perceptron: {}/4 right", r.perceptron_correct);
    for (epoch, loss) in r.mlp_losses.iter().enumerate() {
        if epoch % 500 == 0 || epoch + 1 == r.mlp_losses.len() {
            println!("2-4-1 network, epoch {epoch:>4}: cross-entropy {loss:.6}");
        }
    }
    for (x, t) in INPUTS.iter().zip(&TARGETS) {
        println!("  {x:?} → {:.4} (XOR {:.0})", r.mlp.forward(x)[0], t[0]);
    }
    println!("2-4-1 network: {}/4 right", r.mlp_correct);

    let dir = plot::plot_dir("xor");
    let path = dir.join("regions.svg");
    let samples: Vec<([f32; 2], usize)> = INPUTS
        .iter()
        .zip(&TARGETS)
        .map(|(x, t)| (*x, usize::from(t[0] > 0.5)))
        .collect();
    let by_perceptron = |a: f32, b: f32| usize::from(p.predict(&[a, b]) > 0.0);
    let by_mlp = |a: f32, b: f32| usize::from(r.mlp.forward(&[a, b])[0] > 0.5);
    let panels = [
        Regions {
            title: format!("perceptron: {}/4 right", r.perceptron_correct),
            labels: ("x₁".to_string(), "x₂".to_string()),
            x: -0.5..1.5,
            y: -0.5..1.5,
            classify: &by_perceptron,
            samples: &samples,
            extra: Vec::new(),
        },
        Regions {
            title: format!("2-4-1 tanh network: {}/4 right", r.mlp_correct),
            labels: ("x₁".to_string(), "x₂".to_string()),
            x: -0.5..1.5,
            y: -0.5..1.5,
            classify: &by_mlp,
            samples: &samples,
            extra: Vec::new(),
        },
    ];
    plot::decision_regions(&path, &panels).expect("plot written");
    println!("plot: {}", path.display());

    println!(
        "lesson=xor perceptron_epochs={} perceptron_correct={} mlp_epochs={} mlp_loss={:.6} mlp_correct={}",
        r.perceptron_fit.epochs,
        r.perceptron_correct,
        r.mlp_losses.len(),
        r.mlp_losses.last().copied().unwrap_or(f32::NAN),
        r.mlp_correct
    );
}
