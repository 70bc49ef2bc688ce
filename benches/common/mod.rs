//! The workload and the contenders shared by the `mlp` (criterion) and
//! `summary` benches.
//!
//! Workload: the 2-4-3-1 ReLU MLP, MSE loss, plain SGD with learning rate
//! 0.01, `f32`, on the 404 Boston training rows (rm, lstat → medv, every
//! column standardised with the training rows' mean and population standard
//! deviation), 200 epochs in the file's row order, from one set of initial
//! weights (He normal, seed 0) shared by every contender.
//!
//! Contenders:
//! 1. [`HeapMlp`]: `Vec<f32>` weights with sizes known at run time and a new
//!    `Vec` for every layer output and gradient on every step, as most
//!    hand-written Rust MLPs do.
//! 2. [`PreallocMlp`]: the same with every buffer allocated once.
//! 3. [`NdMlp`]: `ndarray`, batch-major matrix products.
//!
//! and stacknet: the per-sample [`Layer`] path, and the batched
//! [`BatchLayer`] path.

#![allow(dead_code)]

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use stacknet::batch::{BatchLayer, forward_rows, load_batch};
use stacknet::fused::SgdStep;
use stacknet::prelude::*;

/// The network every contender trains.
pub type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
/// Epochs of training.
pub const EPOCHS: usize = 200;
/// Learning rate.
pub const LR: f32 = 0.01;
/// Mini-batch size for the batched workloads.
pub const BATCH: usize = 32;
/// Samples per [`BatchLayer`] call: a mini-batch is `BATCH / BLOCK` blocks,
/// and a block's arrays stay in SIMD registers.
pub const BLOCK: usize = 8;
/// Largest allowed difference between two contenders' final training MSE.
pub const LOSS_TOLERANCE: f32 = 1e-3;

/// Training rows: standardised inputs and targets.
pub struct Data {
    /// `[rm, lstat]`, standardised.
    pub x: Vec<[f32; 2]>,
    /// medv, standardised.
    pub y: Vec<f32>,
}

/// The 404 Boston training rows, in the order of `boston_split.csv`.
pub fn boston_train() -> Data {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
    let mut rows =
        csv::Reader::from_path(format!("{dir}/boston_islp.csv")).expect("boston_islp.csv");
    let headers = rows.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (rm, lstat, medv) = (col("rm"), col("lstat"), col("medv"));
    let all: Vec<[f64; 3]> = rows
        .records()
        .map(|r| {
            let r = r.expect("record");
            let v = |i: usize| r[i].parse::<f64>().expect("number");
            [v(rm), v(lstat), v(medv)]
        })
        .collect();
    let mut split =
        csv::Reader::from_path(format!("{dir}/boston_split.csv")).expect("boston_split.csv");
    let train: Vec<[f64; 3]> = split
        .records()
        .map(|r| r.expect("record"))
        .filter(|r| &r[1] == "train")
        .map(|r| all[r[0].parse::<usize>().expect("index")])
        .collect();
    assert_eq!(train.len(), 404);
    let n = train.len() as f64;
    let mut z = [(0.0, 1.0); 3];
    for (j, z) in z.iter_mut().enumerate() {
        let mean = train.iter().map(|r| r[j]).sum::<f64>() / n;
        let var = train.iter().map(|r| (r[j] - mean).powi(2)).sum::<f64>() / n;
        *z = (mean, var.sqrt());
    }
    let s = |r: &[f64; 3], j: usize| ((r[j] - z[j].0) / z[j].1) as f32;
    Data {
        x: train.iter().map(|r| [s(r, 0), s(r, 1)]).collect(),
        y: train.iter().map(|r| s(r, 2)).collect(),
    }
}

/// The initial weights every contender starts from.
pub fn initial_net() -> Net {
    Net::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(0))
}

/// Mean squared error of `predict` over the data.
pub fn mse(data: &Data, mut predict: impl FnMut(&[f32; 2]) -> f32) -> f32 {
    let sum: f64 = data
        .x
        .iter()
        .zip(&data.y)
        .map(|(x, y)| f64::from(predict(x) - y).powi(2))
        .sum();
    (sum / data.x.len() as f64) as f32
}

// ---------------------------------------------------------------- stacknet

/// One epoch with batch 1 through the per-sample [`Layer`] path.
#[inline(never)]
pub fn stacknet_epoch_b1(net: &mut Net, data: &Data) {
    let mut cache = <Net as Layer>::Cache::ZERO;
    let mut grads = Net::ZERO;
    for (x, y) in data.x.iter().zip(&data.y) {
        let p = net.forward_train(x, &mut cache);
        grads.fill(0.0);
        net.backward(&cache, &[p[0] - y], &mut grads);
        net.sgd_step(&grads, LR);
    }
}

/// One epoch with batch 1 through [`SgdStep`] (backward and step fused).
#[inline(never)]
pub fn stacknet_epoch_b1_fused(net: &mut Net, data: &Data) {
    let mut cache = <Net as Layer>::Cache::ZERO;
    for (x, y) in data.x.iter().zip(&data.y) {
        let p = net.forward_train(x, &mut cache);
        net.backward_sgd(&cache, &[p[0] - y], LR);
    }
}

/// One epoch of mini-batches of [`BATCH`] through the per-sample [`Layer`]
/// path: gradients accumulated sample by sample, then one step.
#[inline(never)]
pub fn stacknet_epoch_per_sample_minibatch(net: &mut Net, data: &Data) {
    let mut cache = <Net as Layer>::Cache::ZERO;
    let mut grads = Net::ZERO;
    for (xs, ys) in data.x.chunks(BATCH).zip(data.y.chunks(BATCH)) {
        let n = xs.len() as f32;
        grads.fill(0.0);
        for (x, y) in xs.iter().zip(ys) {
            let p = net.forward_train(x, &mut cache);
            net.backward(&cache, &[(p[0] - y) / n], &mut grads);
        }
        net.sgd_step(&grads, LR);
    }
}

/// One epoch of mini-batches of [`BATCH`] through [`BatchLayer`], in blocks
/// of [`BLOCK`] samples: rows are transposed into the batch layout as they
/// are used (that copy is timed).
#[inline(never)]
pub fn stacknet_epoch_batched(net: &mut Net, data: &Data) {
    let mut cache = <Net as BatchLayer<BLOCK>>::BatchCache::ZERO;
    let mut grads = Net::ZERO;
    let mut x = [[0.0; BLOCK]; 2];
    for (xs, ys) in data.x.chunks(BATCH).zip(data.y.chunks(BATCH)) {
        let n = xs.len() as f32;
        grads.fill(0.0);
        for (xs, ys) in xs.chunks(BLOCK).zip(ys.chunks(BLOCK)) {
            load_batch(xs, &mut x);
            let p = net.forward_batch_train(&x, &mut cache);
            // lanes past the end of the data keep a zero gradient
            let mut g = [[0.0; BLOCK]; 1];
            for ((g, p), y) in g[0].iter_mut().zip(&p[0]).zip(ys) {
                *g = (p - y) / n;
            }
            net.backward_batch(&cache, &g, &mut grads);
        }
        net.sgd_step(&grads, LR);
    }
}

/// Predicts every row, one [`Layer::forward`] per row.
#[inline(never)]
pub fn stacknet_predict_each(net: &Net, xs: &[[f32; 2]], out: &mut [f32]) {
    for (x, o) in xs.iter().zip(out) {
        *o = net.forward(x)[0];
    }
}

/// Predicts every row with [`forward_rows`], [`BLOCK`] rows at a time.
#[inline(never)]
pub fn stacknet_predict_batched(net: &Net, xs: &[[f32; 2]], out: &mut [[f32; 1]]) {
    forward_rows::<BLOCK, 2, 1, Net>(net, xs, out).expect("as many outputs as inputs");
}

// ------------------------------------------------- contenders 1 and 2: Vec

/// One fully connected layer with sizes known at run time.
#[derive(Clone)]
pub struct VecDense {
    /// `n_out` rows of `n_in` weights, row-major.
    pub w: Vec<f32>,
    /// One bias per output.
    pub b: Vec<f32>,
    /// Inputs.
    pub n_in: usize,
    /// Outputs.
    pub n_out: usize,
}

/// Layers of a `Vec` MLP: ReLU after every layer but the last.
fn vec_layers(net: &Net) -> Vec<VecDense> {
    let mut flat = vec![0.0; Net::NUM_PARAMS];
    net.copy_to_slice(&mut flat).expect("length");
    let mut layers = Vec::new();
    let mut rest = &flat[..];
    for (n_in, n_out) in [(2, 4), (4, 3), (3, 1)] {
        let (w, r) = rest.split_at(n_in * n_out);
        let (b, r) = r.split_at(n_out);
        rest = r;
        layers.push(VecDense {
            w: w.to_vec(),
            b: b.to_vec(),
            n_in,
            n_out,
        });
    }
    layers
}

/// Contender 1: a new `Vec` for each layer output and gradient on every step.
#[derive(Clone)]
pub struct HeapMlp {
    /// The layers.
    pub layers: Vec<VecDense>,
}

// Index loops, as in most hand-written MLPs.
#[allow(clippy::needless_range_loop)]
impl HeapMlp {
    /// The same weights as `net`.
    pub fn new(net: &Net) -> Self {
        Self {
            layers: vec_layers(net),
        }
    }

    /// The activations of every layer, input first.
    fn forward_all(&self, x: &[f32]) -> Vec<Vec<f32>> {
        let mut acts = vec![x.to_vec()];
        let last = self.layers.len() - 1;
        for (k, l) in self.layers.iter().enumerate() {
            let a = acts.last().unwrap();
            let mut z = vec![0.0; l.n_out];
            for o in 0..l.n_out {
                let mut acc = l.b[o];
                for i in 0..l.n_in {
                    acc += l.w[o * l.n_in + i] * a[i];
                }
                z[o] = if k < last && acc <= 0.0 { 0.0 } else { acc };
            }
            acts.push(z);
        }
        acts
    }

    /// Prediction.
    pub fn predict(&self, x: &[f32]) -> f32 {
        self.forward_all(x).last().unwrap()[0]
    }

    /// One SGD step on the mean loss of the rows.
    pub fn train_batch(&mut self, xs: &[[f32; 2]], ys: &[f32], lr: f32) {
        let n = xs.len() as f32;
        let mut gw: Vec<Vec<f32>> = self.layers.iter().map(|l| vec![0.0; l.w.len()]).collect();
        let mut gb: Vec<Vec<f32>> = self.layers.iter().map(|l| vec![0.0; l.b.len()]).collect();
        for (x, y) in xs.iter().zip(ys) {
            let acts = self.forward_all(x);
            let mut delta = vec![(acts.last().unwrap()[0] - y) / n];
            for k in (0..self.layers.len()).rev() {
                let l = &self.layers[k];
                let a = &acts[k];
                let mut prev = vec![0.0; l.n_in];
                for o in 0..l.n_out {
                    gb[k][o] += delta[o];
                    for i in 0..l.n_in {
                        gw[k][o * l.n_in + i] += delta[o] * a[i];
                        prev[i] += l.w[o * l.n_in + i] * delta[o];
                    }
                }
                if k > 0 {
                    for i in 0..l.n_in {
                        prev[i] *= if a[i] > 0.0 { 1.0 } else { 0.0 };
                    }
                }
                delta = prev;
            }
        }
        for (l, (gw, gb)) in self.layers.iter_mut().zip(gw.iter().zip(&gb)) {
            for (w, g) in l.w.iter_mut().zip(gw) {
                *w -= lr * g;
            }
            for (b, g) in l.b.iter_mut().zip(gb) {
                *b -= lr * g;
            }
        }
    }
}

/// Contender 2: like [`HeapMlp`], every buffer allocated once.
#[derive(Clone)]
pub struct PreallocMlp {
    /// The layers.
    pub layers: Vec<VecDense>,
    /// Activations, input first.
    acts: Vec<Vec<f32>>,
    /// ∂loss/∂(pre-activation) of each layer's output, and one for the input.
    deltas: Vec<Vec<f32>>,
    /// Weight gradients.
    gw: Vec<Vec<f32>>,
    /// Bias gradients.
    gb: Vec<Vec<f32>>,
}

impl PreallocMlp {
    /// The same weights as `net`, with every buffer allocated.
    pub fn new(net: &Net) -> Self {
        let layers = vec_layers(net);
        let mut acts = vec![vec![0.0; layers[0].n_in]];
        acts.extend(layers.iter().map(|l| vec![0.0; l.n_out]));
        Self {
            deltas: acts.clone(),
            gw: layers.iter().map(|l| vec![0.0; l.w.len()]).collect(),
            gb: layers.iter().map(|l| vec![0.0; l.b.len()]).collect(),
            acts,
            layers,
        }
    }

    fn forward_in_place(&mut self, x: &[f32]) {
        self.acts[0].copy_from_slice(x);
        let last = self.layers.len() - 1;
        for (k, l) in self.layers.iter().enumerate() {
            let (before, after) = self.acts.split_at_mut(k + 1);
            let a = &before[k];
            let z = &mut after[0];
            for ((z, row), &b) in z.iter_mut().zip(l.w.chunks_exact(l.n_in)).zip(&l.b) {
                let mut acc = b;
                for (w, x) in row.iter().zip(a) {
                    acc += w * x;
                }
                *z = if k < last && acc <= 0.0 { 0.0 } else { acc };
            }
        }
    }

    /// Prediction.
    pub fn predict(&mut self, x: &[f32]) -> f32 {
        self.forward_in_place(x);
        self.acts.last().unwrap()[0]
    }

    /// One SGD step on the mean loss of the rows.
    pub fn train_batch(&mut self, xs: &[[f32; 2]], ys: &[f32], lr: f32) {
        let n = xs.len() as f32;
        self.gw.iter_mut().flatten().for_each(|g| *g = 0.0);
        self.gb.iter_mut().flatten().for_each(|g| *g = 0.0);
        let layers = self.layers.len();
        for (x, y) in xs.iter().zip(ys) {
            self.forward_in_place(x);
            self.deltas[layers][0] = (self.acts[layers][0] - y) / n;
            for k in (0..layers).rev() {
                let l = &self.layers[k];
                let a = &self.acts[k];
                let (before, after) = self.deltas.split_at_mut(k + 1);
                let (prev, delta) = (&mut before[k], &after[0]);
                prev.iter_mut().for_each(|p| *p = 0.0);
                let rows = l.w.chunks_exact(l.n_in);
                let grads = self.gw[k].chunks_exact_mut(l.n_in).zip(&mut self.gb[k]);
                for ((row, (grow, gb)), &d) in rows.zip(grads).zip(delta.iter()) {
                    *gb += d;
                    for (((w, gw), p), x) in row.iter().zip(grow).zip(prev.iter_mut()).zip(a) {
                        *gw += d * x;
                        *p += w * d;
                    }
                }
                if k > 0 {
                    for (p, a) in prev.iter_mut().zip(a) {
                        *p *= if *a > 0.0 { 1.0 } else { 0.0 };
                    }
                }
            }
        }
        for (l, (gw, gb)) in self.layers.iter_mut().zip(self.gw.iter().zip(&self.gb)) {
            for (w, g) in l.w.iter_mut().zip(gw) {
                *w -= lr * g;
            }
            for (b, g) in l.b.iter_mut().zip(gb) {
                *b -= lr * g;
            }
        }
    }
}

/// One epoch of contender 1 in batches of `batch` rows.
#[inline(never)]
pub fn heap_epoch(net: &mut HeapMlp, data: &Data, batch: usize) {
    for (xs, ys) in data.x.chunks(batch).zip(data.y.chunks(batch)) {
        net.train_batch(xs, ys, LR);
    }
}

/// One epoch of contender 2 in batches of `batch` rows.
#[inline(never)]
pub fn prealloc_epoch(net: &mut PreallocMlp, data: &Data, batch: usize) {
    for (xs, ys) in data.x.chunks(batch).zip(data.y.chunks(batch)) {
        net.train_batch(xs, ys, LR);
    }
}

/// Contender 1 prediction of every row.
#[inline(never)]
pub fn heap_predict_each(net: &HeapMlp, xs: &[[f32; 2]], out: &mut [f32]) {
    for (x, o) in xs.iter().zip(out) {
        *o = net.predict(x);
    }
}

/// Contender 2 prediction of every row.
#[inline(never)]
pub fn prealloc_predict_each(net: &mut PreallocMlp, xs: &[[f32; 2]], out: &mut [f32]) {
    for (x, o) in xs.iter().zip(out) {
        *o = net.predict(x);
    }
}

// -------------------------------------------------- contender 3: ndarray

/// Contender 3: `ndarray`, one row per sample, matrix products per layer.
#[derive(Clone)]
pub struct NdMlp {
    /// Weights, `n_out × n_in`.
    pub w: Vec<Array2<f32>>,
    /// Biases.
    pub b: Vec<Array1<f32>>,
}

impl NdMlp {
    /// The same weights as `net`.
    pub fn new(net: &Net) -> Self {
        let layers = vec_layers(net);
        Self {
            w: layers
                .iter()
                .map(|l| Array2::from_shape_vec((l.n_out, l.n_in), l.w.clone()).expect("shape"))
                .collect(),
            b: layers
                .iter()
                .map(|l| Array1::from_vec(l.b.clone()))
                .collect(),
        }
    }

    /// Activations of every layer for a batch of rows, input first.
    fn forward_all(&self, x: ArrayView2<f32>) -> Vec<Array2<f32>> {
        let mut acts = vec![x.to_owned()];
        let last = self.w.len() - 1;
        for (k, (w, b)) in self.w.iter().zip(&self.b).enumerate() {
            let mut z = acts[k].dot(&w.t()) + b;
            if k < last {
                z.mapv_inplace(|v| if v > 0.0 { v } else { 0.0 });
            }
            acts.push(z);
        }
        acts
    }

    /// Predictions for a batch of rows (`n × 2`), `n × 1`.
    pub fn predict(&self, x: ArrayView2<f32>) -> Array2<f32> {
        let mut a = x.dot(&self.w[0].t()) + &self.b[0];
        let last = self.w.len() - 1;
        if last > 0 {
            a.mapv_inplace(|v| if v > 0.0 { v } else { 0.0 });
        }
        for (k, (w, b)) in self.w.iter().zip(&self.b).enumerate().skip(1) {
            a = a.dot(&w.t()) + b;
            if k < last {
                a.mapv_inplace(|v| if v > 0.0 { v } else { 0.0 });
            }
        }
        a
    }

    /// One SGD step on the mean loss of the rows.
    pub fn train_batch(&mut self, x: ArrayView2<f32>, y: ArrayView1<f32>, lr: f32) {
        let n = x.nrows() as f32;
        let acts = self.forward_all(x);
        let out = acts.last().expect("output");
        let mut delta = (out - &y.insert_axis(Axis(1))) / n;
        for k in (0..self.w.len()).rev() {
            let gw = delta.t().dot(&acts[k]);
            let gb = delta.sum_axis(Axis(0));
            if k > 0 {
                let relu_grad = acts[k].mapv(|a| if a > 0.0 { 1.0 } else { 0.0 });
                delta = delta.dot(&self.w[k]) * relu_grad;
            }
            self.w[k].scaled_add(-lr, &gw);
            self.b[k].scaled_add(-lr, &gb);
        }
    }
}

/// The data as `ndarray` matrices.
pub struct NdData {
    /// `404 × 2`.
    pub x: Array2<f32>,
    /// `404`.
    pub y: Array1<f32>,
}

impl NdData {
    /// The same rows as `data`.
    pub fn new(data: &Data) -> Self {
        Self {
            x: Array2::from_shape_vec((data.x.len(), 2), data.x.as_flattened().to_vec())
                .expect("shape"),
            y: Array1::from_vec(data.y.clone()),
        }
    }
}

/// One epoch of contender 3 in batches of `batch` rows.
#[inline(never)]
pub fn nd_epoch(net: &mut NdMlp, data: &NdData, batch: usize) {
    for (x, y) in data
        .x
        .axis_chunks_iter(Axis(0), batch)
        .zip(data.y.axis_chunks_iter(Axis(0), batch))
    {
        net.train_batch(x, y, LR);
    }
}

/// Contender 3 prediction of every row, one `1 × 2` matrix at a time.
#[inline(never)]
pub fn nd_predict_each(net: &NdMlp, data: &NdData, out: &mut [f32]) {
    for (x, o) in data.x.axis_chunks_iter(Axis(0), 1).zip(out) {
        *o = net.predict(x)[[0, 0]];
    }
}

/// Contender 3 prediction of all rows as one matrix.
#[inline(never)]
pub fn nd_predict_all(net: &NdMlp, data: &NdData) -> Array2<f32> {
    net.predict(data.x.view())
}

// ------------------------------------------------------- the learning check

/// Final training MSE of every contender after [`EPOCHS`] from the same
/// start, for batch 1 and for batch [`BATCH`].
pub struct Losses {
    /// Before training.
    pub initial: f32,
    /// `(name, batch 1, batch 32)` for each trainer.
    pub trained: Vec<(&'static str, f32, f32)>,
}

/// Trains every contender for [`EPOCHS`] from [`initial_net`] and checks
/// that all reach the same loss (to [`LOSS_TOLERANCE`]) and that the loss
/// fell, so no contender is timed doing less work. Also checks that the
/// `Vec` contenders and stacknet end with the same bits.
pub fn check_learning(data: &Data) -> Losses {
    let start = initial_net();
    let nd_data = NdData::new(data);
    let initial = mse(data, |x| start.forward(x)[0]);
    let mut trained = Vec::new();

    let stacknet_loss = |epoch: fn(&mut Net, &Data)| {
        let mut net = start;
        (0..EPOCHS).for_each(|_| epoch(&mut net, data));
        (net, mse(data, |x| net.forward(x)[0]))
    };
    let (net_b1, loss_b1) = stacknet_loss(stacknet_epoch_b1);
    let (net_fused, _) = stacknet_loss(stacknet_epoch_b1_fused);
    assert_eq!(flat(&net_b1), flat(&net_fused), "fused != plain bits");
    let (net_ps, loss_ps) = stacknet_loss(stacknet_epoch_per_sample_minibatch);
    let (net_bt, loss_bt) = stacknet_loss(stacknet_epoch_batched);
    trained.push(("stacknet, per-sample `Layer`", loss_b1, loss_ps));
    trained.push(("stacknet, `SgdStep` and `BatchLayer`", loss_b1, loss_bt));
    assert_eq!(flat(&net_ps), flat(&net_bt), "batched != per-sample bits");

    let mut heap = [HeapMlp::new(&start), HeapMlp::new(&start)];
    let mut pre = [PreallocMlp::new(&start), PreallocMlp::new(&start)];
    let mut nd = [NdMlp::new(&start), NdMlp::new(&start)];
    for (k, batch) in [1, BATCH].into_iter().enumerate() {
        for _ in 0..EPOCHS {
            heap_epoch(&mut heap[k], data, batch);
            prealloc_epoch(&mut pre[k], data, batch);
            nd_epoch(&mut nd[k], &nd_data, batch);
        }
    }
    let heap_loss = |n: &HeapMlp| mse(data, |x| n.predict(x));
    let pre_loss = |n: &PreallocMlp| {
        let mut n = n.clone();
        mse(data, |x| n.predict(x))
    };
    let nd_loss = |n: &NdMlp| {
        let p = n.predict(nd_data.x.view());
        let mut rows = p.iter();
        mse(data, |_| *rows.next().expect("row"))
    };
    trained.push((
        "1: Vec, new buffers",
        heap_loss(&heap[0]),
        heap_loss(&heap[1]),
    ));
    trained.push(("2: Vec, buffers once", pre_loss(&pre[0]), pre_loss(&pre[1])));
    trained.push(("3: ndarray", nd_loss(&nd[0]), nd_loss(&nd[1])));

    // Same operations in the same order: the Vec contenders give stacknet's bits.
    for (name, layers, reference) in [
        ("1, batch 1", &heap[0].layers, &net_b1),
        ("1, batch 32", &heap[1].layers, &net_ps),
        ("2, batch 1", &pre[0].layers, &net_b1),
        ("2, batch 32", &pre[1].layers, &net_ps),
    ] {
        let bits: Vec<u32> = layers
            .iter()
            .flat_map(|l| l.w.iter().chain(&l.b))
            .map(|v| v.to_bits())
            .collect();
        assert_eq!(bits, flat(reference), "contender {name} != stacknet bits");
    }

    for &(name, b1, b32) in &trained {
        for (loss, reference, what) in [(b1, loss_b1, "batch 1"), (b32, loss_ps, "batch 32")] {
            assert!(
                (loss - reference).abs() <= LOSS_TOLERANCE,
                "{name}, {what}: loss {loss} vs stacknet {reference}"
            );
            assert!(loss < 0.5 * initial, "{name}, {what}: did not learn");
        }
    }
    Losses { initial, trained }
}

fn flat(net: &Net) -> Vec<u32> {
    let mut v = vec![0.0; Net::NUM_PARAMS];
    net.copy_to_slice(&mut v).expect("length");
    v.iter().map(|v| v.to_bits()).collect()
}
