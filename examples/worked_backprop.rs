//! The worked backpropagation example, step by step, as a lecture shows it:
//! a 3-2-2 network with sigmoid units (`data/technion_backprop_example.json`).
//!
//! ```text
//! h1 = σ(w1 x1 + w3 x2 + w5 x3 + b1)     o1 = σ(w7 h1 + w9 h2 + b2)
//! h2 = σ(w2 x1 + w4 x2 + w6 x3 + b1)     o2 = σ(w8 h1 + w10 h2 + b2)
//! E  = ½ [(o1 − t1)² + (o2 − t2)²]
//! ```
//!
//! Each layer's bias is shared by its units. In stacknet the layers are
//! `Dense<3, 2>` (rows `[w1 w3 w5]`, `[w2 w4 w6]`) and `Dense<2, 2>` (rows
//! `[w7 w9]`, `[w8 w10]`), each with one bias per unit set to the shared
//! value; the shared bias's gradient is the sum of the per-unit bias
//! gradients, which are the deltas `∂E/∂z`. One step of learning rate 0.01
//! follows, and every number is compared with the float64 reference.
//!
//! Run: `cargo run --release --example worked_backprop`

#[path = "common/mod.rs"]
mod common;

use serde_json::Value;
use stacknet::num::Scalar;
use stacknet::prelude::*;

/// 3 inputs → 2 sigmoid → 2 sigmoid, in number type `S`.
pub type Net<S = f32> = (Dense<3, 2, S>, Sigmoid<2>, Dense<2, 2, S>, Sigmoid<2>);

/// The reference JSON.
pub fn reference() -> Value {
    let path = common::data_path("technion_backprop_example.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("valid JSON")
}

/// The float64 reference value at a dotted `path`, e.g. `forward.h1`.
pub fn num(r: &Value, path: &str) -> f64 {
    path.split('.')
        .fold(r, |v, key| &v[key])
        .as_f64()
        .unwrap_or_else(|| panic!("{path} missing"))
}

/// The network of parameter set `set` (`initial` or `updated`).
pub fn network<S: Scalar>(r: &Value, set: &str) -> Net<S> {
    let w = |k: u32| S::from_f64(num(r, &format!("{set}.w{k}")));
    let b1 = S::from_f64(num(r, &format!("{set}.b1")));
    let b2 = S::from_f64(num(r, &format!("{set}.b2")));
    (
        Dense::new([[w(1), w(3), w(5)], [w(2), w(4), w(6)]], [b1, b1]),
        Sigmoid,
        Dense::new([[w(7), w(9)], [w(8), w(10)]], [b2, b2]),
        Sigmoid,
    )
}

/// The lecture's twelve parameters `w1..w10, b1, b2` of a network.
pub fn lecture_parameters<S: Scalar>(net: &Net<S>) -> [S; 12] {
    let (h, o) = (net.0.weights, net.2.weights);
    [
        h[0][0],
        h[1][0],
        h[0][1],
        h[1][1],
        h[0][2],
        h[1][2],
        o[0][0],
        o[1][0],
        o[0][1],
        o[1][1],
        // a shared bias: both units hold the same value
        net.0.biases[0],
        net.2.biases[0],
    ]
}

/// Names of [`lecture_parameters`], in order.
pub const NAMES: [&str; 12] = [
    "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9", "w10", "b1", "b2",
];

/// Every number of the worked example, computed by stacknet in `S`.
pub struct Results<S = f32> {
    /// Input.
    pub x: [S; 3],
    /// Target.
    pub t: [S; 2],
    /// Learning rate.
    pub learning_rate: S,
    /// Net inputs of the hidden units.
    pub z_h: [S; 2],
    /// Hidden outputs.
    pub h: [S; 2],
    /// Net inputs of the output units.
    pub z_o: [S; 2],
    /// Outputs.
    pub o: [S; 2],
    /// Error before the step.
    pub error: S,
    /// `∂E/∂z` of the output units.
    pub delta_o: [S; 2],
    /// `∂E/∂z` of the hidden units.
    pub delta_h: [S; 2],
    /// Gradients of `w1..w10, b1, b2`.
    pub gradients: [S; 12],
    /// Parameters before the step.
    pub before: [S; 12],
    /// Parameters after the step.
    pub after: [S; 12],
    /// Error after the step.
    pub error_after: S,
}

/// Half the squared error of outputs `o` against `t`.
fn half_squared_error<S: Scalar>(o: [S; 2], t: [S; 2]) -> S {
    S::from_f32(0.5) * ((o[0] - t[0]) * (o[0] - t[0]) + (o[1] - t[1]) * (o[1] - t[1]))
}

/// Forward, backward and one step on the reference's network, in `S`
/// (`run::<f32>` is what the example prints; `run::<f64>` agrees with the
/// float64 reference to 1e-12).
pub fn run<S: Scalar>(r: &Value) -> Results<S> {
    let mut net = network::<S>(r, "initial");
    let item = |key: &str, i: usize| S::from_f64(r[key][i].as_f64().expect("a number"));
    let x = [item("x", 0), item("x", 1), item("x", 2)];
    let t = [item("target", 0), item("target", 1)];
    let learning_rate = S::from_f64(num(r, "learning_rate"));

    let mut cache = <Net<S> as Layer<S>>::Cache::ZERO;
    let o = net.forward_train(&x, &mut cache);
    // the cache holds each layer's input: cache.2 is the hidden output
    let (z_h, h) = (net.0.forward(&x), cache.2);
    let z_o = net.2.forward(&h);
    let error = half_squared_error(o, t);

    let mut grads = Net::<S>::ZERO;
    net.backward(&cache, &[o[0] - t[0], o[1] - t[1]], &mut grads);
    let (delta_o, delta_h) = (grads.2.biases, grads.0.biases);
    let mut gradients = lecture_parameters(&grads);
    gradients[10] = delta_h[0] + delta_h[1];
    gradients[11] = delta_o[0] + delta_o[1];

    let before = lecture_parameters(&net);
    net.sgd_step(&grads, learning_rate);
    // a shared bias moves by its summed gradient
    let b1 = before[10] - learning_rate * gradients[10];
    let b2 = before[11] - learning_rate * gradients[11];
    net.0.biases = [b1, b1];
    net.2.biases = [b2, b2];
    let after = lecture_parameters(&net);
    Results {
        x,
        t,
        learning_rate,
        z_h,
        h,
        z_o,
        o,
        error,
        delta_o,
        delta_h,
        gradients,
        before,
        after,
        error_after: half_squared_error(net.forward(&x), t),
    }
}

/// `value  (reference ref, difference d)`.
fn check(value: f32, reference: f64) -> String {
    format!(
        "{value:>11.7}   reference {reference:>11.7}   |Δ| {:.1e}",
        (f64::from(value) - reference).abs()
    )
}

fn main() {
    let r = reference();
    let s = run::<f32>(&r);
    let p = s.before;
    let [x1, x2, x3] = s.x;
    println!("Network 3-2-2, sigmoid units σ(z) = 1/(1 + e^-z), shared biases b1, b2");
    println!(
        "x = ({x1}, {x2}, {x3}), t = ({}, {}), η = {}",
        s.t[0], s.t[1], s.learning_rate
    );
    for (name, v) in NAMES.iter().zip(p) {
        print!("{name} = {v}  ");
    }
    println!("\n");

    println!("1. Forward pass");
    println!(
        "z_h1 = w1·x1 + w3·x2 + w5·x3 + b1 = {}·{x1} + {}·{x2} + {}·{x3} + {} = {}",
        p[0],
        p[2],
        p[4],
        p[10],
        check(s.z_h[0], num(&r, "forward.z_h1"))
    );
    println!(
        "z_h2 = w2·x1 + w4·x2 + w6·x3 + b1 = {}·{x1} + {}·{x2} + {}·{x3} + {} = {}",
        p[1],
        p[3],
        p[5],
        p[10],
        check(s.z_h[1], num(&r, "forward.z_h2"))
    );
    println!("h1 = σ(z_h1) = {}", check(s.h[0], num(&r, "forward.h1")));
    println!("h2 = σ(z_h2) = {}", check(s.h[1], num(&r, "forward.h2")));
    println!(
        "z_o1 = w7·h1 + w9·h2 + b2 = {}",
        check(s.z_o[0], num(&r, "forward.z_o1"))
    );
    println!(
        "z_o2 = w8·h1 + w10·h2 + b2 = {}",
        check(s.z_o[1], num(&r, "forward.z_o2"))
    );
    println!("o1 = σ(z_o1) = {}", check(s.o[0], num(&r, "forward.o1")));
    println!("o2 = σ(z_o2) = {}", check(s.o[1], num(&r, "forward.o2")));
    println!(
        "E = ½[(o1 − t1)² + (o2 − t2)²] = {}\n",
        check(s.error, num(&r, "forward.E"))
    );

    println!("2. Backward pass: deltas δ = ∂E/∂z");
    println!(
        "δo1 = (o1 − t1)·o1·(1 − o1) = {}",
        check(s.delta_o[0], num(&r, "deltas.dE_dz_o1"))
    );
    println!(
        "δo2 = (o2 − t2)·o2·(1 − o2) = {}",
        check(s.delta_o[1], num(&r, "deltas.dE_dz_o2"))
    );
    println!(
        "δh1 = (w7·δo1 + w8·δo2)·h1·(1 − h1) = {}",
        check(s.delta_h[0], num(&r, "deltas.dE_dz_h1"))
    );
    println!(
        "δh2 = (w9·δo1 + w10·δo2)·h2·(1 − h2) = {}\n",
        check(s.delta_h[1], num(&r, "deltas.dE_dz_h2"))
    );

    println!("3. Gradients");
    let formulas = [
        "δh1·x1",
        "δh2·x1",
        "δh1·x2",
        "δh2·x2",
        "δh1·x3",
        "δh2·x3",
        "δo1·h1",
        "δo2·h1",
        "δo1·h2",
        "δo2·h2",
        "δh1 + δh2",
        "δo1 + δo2",
    ];
    for ((name, formula), g) in NAMES.iter().zip(formulas).zip(s.gradients) {
        let reference = num(&r, &format!("gradients.{name}"));
        println!("∂E/∂{name:<3} = {formula:<9} = {}", check(g, reference));
    }
    println!("(the published ∂E/∂b1 = 0.0008 counts δh2 twice; the shared bias gets δh1 + δh2)\n");

    println!("4. Update θ ← θ − η·∂E/∂θ");
    for (i, name) in NAMES.iter().enumerate() {
        let reference = num(&r, &format!("updated.{name}"));
        println!(
            "{name:<3} = {:.7} − {}·{:.7} = {}",
            s.before[i],
            s.learning_rate,
            s.gradients[i],
            check(s.after[i], reference)
        );
    }
    println!(
        "E after the step = {}  (before: {:.7})",
        check(s.error_after, num(&r, "E_after_step")),
        s.error
    );

    let mut max_error = 0.0f64;
    let mut compare =
        |got: f32, want: f64| max_error = max_error.max((f64::from(got) - want).abs());
    for (name, (g, a)) in NAMES.iter().zip(s.gradients.iter().zip(s.after)) {
        compare(*g, num(&r, &format!("gradients.{name}")));
        compare(a, num(&r, &format!("updated.{name}")));
    }
    compare(s.error, num(&r, "forward.E"));
    compare(s.error_after, num(&r, "E_after_step"));
    println!(
        "lesson=worked_backprop E={:.7} E_after={:.7} grad_b1={:.7} grad_b2={:.7} max_abs_error={max_error:.2e}",
        s.error, s.error_after, s.gradients[10], s.gradients[11]
    );
}
