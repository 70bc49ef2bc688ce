//! The worked backpropagation example of `data/technion_backprop_example.json`:
//! a 3-2-2 network, sigmoid hidden and output units, `E = ½ Σ (o − t)²`, one
//! gradient step of lr 0.01. Each layer's bias is shared by its neurons; a
//! `Dense` layer has one bias per neuron, so the shared bias's gradient is the
//! sum of the per-neuron bias gradients.

use serde_json::Value;
use stacknet::prelude::*;

type Net = (Dense<3, 2>, Sigmoid<2>, Dense<2, 2>, Sigmoid<2>);

fn reference() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/technion_backprop_example.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn num(v: &Value, path: &str) -> f32 {
    let mut v = v;
    for key in path.split('.') {
        v = &v[key];
    }
    v.as_f64().unwrap_or_else(|| panic!("{path} missing")) as f32
}

fn item(v: &Value, key: &str, i: usize) -> f32 {
    v[key][i].as_f64().unwrap() as f32
}

/// `h1 = s(w1 x1 + w3 x2 + w5 x3 + b1)`, `h2 = s(w2 x1 + w4 x2 + w6 x3 + b1)`,
/// `o1 = s(w7 h1 + w9 h2 + b2)`, `o2 = s(w8 h1 + w10 h2 + b2)`.
fn network(r: &Value, set: &str) -> Net {
    let w = |k: u32| num(r, &format!("{set}.w{k}"));
    let (b1, b2) = (num(r, &format!("{set}.b1")), num(r, &format!("{set}.b2")));
    (
        Dense::from_arrays([[w(1), w(3), w(5)], [w(2), w(4), w(6)]], [b1, b1]),
        Sigmoid,
        Dense::from_arrays([[w(7), w(9)], [w(8), w(10)]], [b2, b2]),
        Sigmoid,
    )
}

fn assert_close(got: f32, want: f32, what: &str) {
    assert!(
        (got - want).abs() <= 1e-6,
        "{what}: got {got}, reference {want}"
    );
}

#[test]
fn forward_gradients_and_step_match_the_reference() {
    let r = reference();
    let mut net = network(&r, "initial");
    let x = [item(&r, "x", 0), item(&r, "x", 1), item(&r, "x", 2)];
    let t = [item(&r, "target", 0), item(&r, "target", 1)];

    let mut cache = <Net as Layer>::Cache::ZERO;
    let o = net.forward_train(&x, &mut cache);
    let (z_h, h) = (net.0.forward(&x), cache.2);
    assert_close(z_h[0], num(&r, "forward.z_h1"), "z_h1");
    assert_close(z_h[1], num(&r, "forward.z_h2"), "z_h2");
    assert_close(h[0], num(&r, "forward.h1"), "h1");
    assert_close(h[1], num(&r, "forward.h2"), "h2");
    let z_o = net.2.forward(&h);
    assert_close(z_o[0], num(&r, "forward.z_o1"), "z_o1");
    assert_close(z_o[1], num(&r, "forward.z_o2"), "z_o2");
    assert_close(o[0], num(&r, "forward.o1"), "o1");
    assert_close(o[1], num(&r, "forward.o2"), "o2");
    let error = |o: [f32; 2]| 0.5 * ((o[0] - t[0]).powi(2) + (o[1] - t[1]).powi(2));
    assert_close(error(o), num(&r, "forward.E"), "E");

    let mut grads = Net::ZERO;
    net.backward(&cache, &[o[0] - t[0], o[1] - t[1]], &mut grads);
    // per-neuron bias gradients are the deltas dE/dz
    assert_close(grads.2.biases[0], num(&r, "deltas.dE_dz_o1"), "dE/dz_o1");
    assert_close(grads.2.biases[1], num(&r, "deltas.dE_dz_o2"), "dE/dz_o2");
    assert_close(grads.0.biases[0], num(&r, "deltas.dE_dz_h1"), "dE/dz_h1");
    assert_close(grads.0.biases[1], num(&r, "deltas.dE_dz_h2"), "dE/dz_h2");

    let g = |k: u32| num(&r, &format!("gradients.w{k}"));
    let hidden = grads.0.weights;
    let output = grads.2.weights;
    for (got, k) in [
        (hidden[0][0], 1),
        (hidden[1][0], 2),
        (hidden[0][1], 3),
        (hidden[1][1], 4),
        (hidden[0][2], 5),
        (hidden[1][2], 6),
        (output[0][0], 7),
        (output[1][0], 8),
        (output[0][1], 9),
        (output[1][1], 10),
    ] {
        assert_close(got, g(k), &format!("dE/dw{k}"));
    }
    let db1 = grads.0.biases[0] + grads.0.biases[1];
    let db2 = grads.2.biases[0] + grads.2.biases[1];
    assert_close(db1, num(&r, "gradients.b1"), "dE/db1");
    assert_close(db2, num(&r, "gradients.b2"), "dE/db2");
    // the lecture's published 0.0008 for dE/db1 is wrong; the sum is right
    assert!((db1 - 0.0008).abs() > 1e-3);

    // one step of lr 0.01; a shared bias moves by its summed gradient
    let lr = num(&r, "learning_rate");
    net.sgd_step(&grads, lr);
    let (b1, b2) = (
        num(&r, "initial.b1") - lr * db1,
        num(&r, "initial.b2") - lr * db2,
    );
    net.0.biases = [b1, b1];
    net.2.biases = [b2, b2];
    let want = network(&r, "updated");
    let (mut got_flat, mut want_flat) = ([0.0; Net::NUM_PARAMS], [0.0; Net::NUM_PARAMS]);
    net.copy_to_slice(&mut got_flat).unwrap();
    want.copy_to_slice(&mut want_flat).unwrap();
    for (i, (got, want)) in got_flat.iter().zip(want_flat).enumerate() {
        assert_close(*got, want, &format!("updated parameter {i}"));
    }
    assert_close(
        error(net.forward(&x)),
        num(&r, "E_after_step"),
        "E after step",
    );
}
