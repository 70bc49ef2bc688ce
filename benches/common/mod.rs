//! The workloads and the contenders shared by the `mlp` (criterion) and
//! `summary` benches.
//!
//! Workloads, both MSE (`HalfMeanSquaredError`: gradient `ŷ − y`, the mean
//! over a batch), plain SGD with learning rate 0.01, `f32`, the rows in data
//! order, from one set of initial weights (He normal, seed 0) shared by every
//! contender:
//! - [`boston`]: the 2-4-3-1 ReLU MLP on the 404 Boston training rows (rm,
//!   lstat → medv, every column standardised with the training rows' mean
//!   and population standard deviation), 200 epochs.
//! - [`wide`]: the 16-64-64-4 ReLU MLP on [`WIDE_ROWS`] synthetic rows
//!   (uniform inputs, targets from a fixed random tanh network), generated
//!   deterministically here, [`WIDE_EPOCHS`] epochs.
//!
//! Contenders:
//! 1. [`HeapMlp`]: `Vec<f32>` weights with sizes known at run time and a new
//!    `Vec` for every layer output and gradient on every step, as most
//!    hand-written Rust MLPs do.
//! 2. [`PreallocMlp`]: the same with every buffer allocated once.
//! 3. [`NdMlp`]: `ndarray`, batch-major matrix products.
//!
//! and stacknet: `Trainer::fit` (what users call), the per-sample [`Layer`]
//! path, [`SgdStep`] for batch 1 and the batched [`BatchLayer`] path.

#![allow(dead_code)]

use ndarray::{Array2, ArrayView2, Axis};
use stacknet::batch::{BatchLayer, forward_rows, load_batch};
use stacknet::fused::SgdStep;
use stacknet::prelude::*;
use stacknet::rand_core::RngCore;

/// The network of the Boston workload.
pub type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
/// The network of the wide workload.
pub type WideNet = (
    Dense<16, 64>,
    Relu<64>,
    Dense<64, 64>,
    Relu<64>,
    Dense<64, 4>,
);
/// Epochs of training on the Boston rows.
pub const EPOCHS: usize = 200;
/// Rows of the wide workload.
pub const WIDE_ROWS: usize = 512;
/// Epochs of the wide workload.
pub const WIDE_EPOCHS: usize = 8;
/// Learning rate.
pub const LR: f32 = 0.01;
/// Mini-batch size for the batched workloads.
pub const BATCH: usize = 32;
/// Samples per [`BatchLayer`] call: a mini-batch is `BATCH / BLOCK` blocks,
/// and a block's arrays stay in SIMD registers.
pub const BLOCK: usize = 8;
/// Largest allowed difference between two contenders' final training MSE.
pub const LOSS_TOLERANCE: f32 = 1e-3;

/// Layer widths, input first, of a network of `Dense` layers with a ReLU
/// between each two: what the `Vec` and `ndarray` contenders build.
pub trait Shape {
    /// Widths, input first.
    const SIZES: &'static [usize];
}

impl Shape for Net {
    const SIZES: &'static [usize] = &[2, 4, 3, 1];
}

impl Shape for WideNet {
    const SIZES: &'static [usize] = &[16, 64, 64, 4];
}

/// What the generic stacknet contenders need of a network.
pub trait BenchNet<const I: usize, const O: usize>:
    Layer<Input = [f32; I], Output = [f32; O]>
    + BatchLayer<BLOCK, BatchInput = [[f32; BLOCK]; I], BatchOutput = [[f32; BLOCK]; O]>
    + SgdStep
    + Copy
    + Shape
{
}

impl<T, const I: usize, const O: usize> BenchNet<I, O> for T where
    T: Layer<Input = [f32; I], Output = [f32; O]>
        + BatchLayer<BLOCK, BatchInput = [[f32; BLOCK]; I], BatchOutput = [[f32; BLOCK]; O]>
        + SgdStep
        + Copy
        + Shape
{
}

/// Training rows: inputs and targets.
pub struct Data<const I: usize, const O: usize> {
    /// Inputs.
    pub x: Vec<[f32; I]>,
    /// Targets.
    pub y: Vec<[f32; O]>,
}

/// `Trainer::fit` on a workload: `(net, data, batch, epochs, order buffer)`.
pub type FitFn<N, const I: usize, const O: usize> =
    fn(&mut N, &Dataset<'_, I, O>, usize, usize, &mut [u32]);

/// One workload: data, initial weights, epochs, and how `fit` is called.
pub struct Workload<N, const I: usize, const O: usize> {
    /// For the table heading.
    pub title: &'static str,
    /// Short name, for saved results.
    pub key: &'static str,
    /// The training rows.
    pub data: Data<I, O>,
    /// Initial weights every contender starts from.
    pub start: N,
    /// Epochs of one training run.
    pub epochs: usize,
    /// Every contender's final loss must be below this share of the
    /// initial loss.
    pub must_reach: f32,
    /// `Trainer::fit`, called with the concrete network type.
    pub fit: FitFn<N, I, O>,
}

/// `Trainer::fit` as a user calls it: `Sgd::default()`, the bench's MSE,
/// the rows in data order. (A function per network type, so it only needs
/// the bounds `fit` itself asks for.)
macro_rules! fit_fn {
    ($name:ident, $net:ty, $i:literal, $o:literal) => {
        /// `Trainer::fit` with `Sgd::default()` and `HalfMeanSquaredError`,
        /// no shuffling, learning rate [`LR`].
        #[inline(never)]
        pub fn $name(
            net: &mut $net,
            data: &Dataset<'_, $i, $o>,
            batch: usize,
            epochs: usize,
            order: &mut [u32],
        ) {
            let mut trainer = Trainer::new(Sgd::default(), HalfMeanSquaredError);
            let config = FitConfig {
                epochs: epochs as u32,
                batch: Batch::Size(batch),
                learning_rate: LR,
                shuffle: false,
                ..FitConfig::default()
            };
            let mut rng = XorShiftRng::seed_from_u64(0);
            trainer
                .fit(net, data, &config, order, &mut rng, &mut ())
                .expect("fit");
        }
    };
}

fit_fn!(fit_boston, Net, 2, 1);
fit_fn!(fit_wide, WideNet, 16, 4);

/// The Boston workload.
pub fn boston() -> Workload<Net, 2, 1> {
    Workload {
        title: "2-4-3-1 MLP, Boston",
        key: "boston",
        data: boston_train(),
        start: initial_net(),
        epochs: EPOCHS,
        must_reach: 0.5,
        fit: fit_boston,
    }
}

/// The wide workload.
pub fn wide() -> Workload<WideNet, 16, 4> {
    Workload {
        title: "16-64-64-4 MLP, synthetic",
        key: "wide",
        data: wide_data(),
        start: WideNet::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(0)),
        epochs: WIDE_EPOCHS,
        must_reach: 0.5,
        fit: fit_wide,
    }
}

/// [`WIDE_ROWS`] rows: inputs uniform in [-1, 1) (seed 1), targets the
/// outputs of a fixed 16-8-4 tanh network (Xavier uniform, seed 2).
pub fn wide_data() -> Data<16, 4> {
    let mut rng = XorShiftRng::seed_from_u64(1);
    let mut uniform = || (rng.next_u32() >> 8) as f32 / (1u32 << 23) as f32 - 1.0;
    let teacher = <(Dense<16, 8>, Tanh<8>, Dense<8, 4>)>::random(
        Init::XavierUniform,
        &mut XorShiftRng::seed_from_u64(2),
    );
    let x: Vec<[f32; 16]> = (0..WIDE_ROWS)
        .map(|_| core::array::from_fn(|_| uniform()))
        .collect();
    let y = x.iter().map(|x| teacher.forward(x)).collect();
    Data { x, y }
}

/// The 404 Boston training rows, in the order of `boston_split.csv`.
pub fn boston_train() -> Data<2, 1> {
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
        y: train.iter().map(|r| [s(r, 2)]).collect(),
    }
}

/// The initial weights of the Boston workload.
pub fn initial_net() -> Net {
    Net::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(0))
}

/// Mean over rows of the squared error summed over outputs.
pub fn mse<const I: usize, const O: usize>(
    data: &Data<I, O>,
    mut predict: impl FnMut(&[f32; I]) -> [f32; O],
) -> f32 {
    let sum: f64 = data
        .x
        .iter()
        .zip(&data.y)
        .map(|(x, y)| {
            let p = predict(x);
            p.iter()
                .zip(y)
                .map(|(p, y)| f64::from(p - y).powi(2))
                .sum::<f64>()
        })
        .sum();
    (sum / data.x.len() as f64) as f32
}

// ---------------------------------------------------------------- stacknet

/// One epoch with batch 1 through the per-sample [`Layer`] path.
#[inline(never)]
pub fn stacknet_epoch_b1<N: BenchNet<I, O>, const I: usize, const O: usize>(
    net: &mut N,
    data: &Data<I, O>,
) {
    let mut cache = <N as Layer>::Cache::ZERO;
    let mut grads = N::ZERO;
    for (x, y) in data.x.iter().zip(&data.y) {
        let p = net.forward_train(x, &mut cache);
        grads.fill(0.0);
        net.backward(&cache, &core::array::from_fn(|o| p[o] - y[o]), &mut grads);
        net.sgd_step(&grads, LR);
    }
}

/// One epoch with batch 1 through [`SgdStep`] (backward and step fused).
#[inline(never)]
pub fn stacknet_epoch_b1_fused<N: BenchNet<I, O>, const I: usize, const O: usize>(
    net: &mut N,
    data: &Data<I, O>,
) {
    let mut cache = <N as Layer>::Cache::ZERO;
    for (x, y) in data.x.iter().zip(&data.y) {
        let p = net.forward_train(x, &mut cache);
        net.backward_sgd(&cache, &core::array::from_fn(|o| p[o] - y[o]), LR);
    }
}

/// [`stacknet_epoch_b1_fused`] for two networks side by side, each taking
/// every other row: two independent chains of dependent operations where
/// one network has one. Not a contender (each network sees half the rows);
/// it shows how much of batch 1's time is waiting on that chain.
#[inline(never)]
pub fn stacknet_epoch_b1_fused_pair<N: BenchNet<I, O>, const I: usize, const O: usize>(
    nets: &mut [N; 2],
    data: &Data<I, O>,
) {
    let mut caches = [<N as Layer>::Cache::ZERO; 2];
    let [a, b] = nets;
    let [cache_a, cache_b] = &mut caches;
    for (x, y) in data.x.chunks_exact(2).zip(data.y.chunks_exact(2)) {
        let pa = a.forward_train(&x[0], cache_a);
        let pb = b.forward_train(&x[1], cache_b);
        a.backward_sgd(cache_a, &core::array::from_fn(|o| pa[o] - y[0][o]), LR);
        b.backward_sgd(cache_b, &core::array::from_fn(|o| pb[o] - y[1][o]), LR);
    }
}

/// One epoch of mini-batches of [`BATCH`] through the per-sample [`Layer`]
/// path: gradients accumulated sample by sample, then one step.
#[inline(never)]
pub fn stacknet_epoch_per_sample_minibatch<N: BenchNet<I, O>, const I: usize, const O: usize>(
    net: &mut N,
    data: &Data<I, O>,
) {
    let mut cache = <N as Layer>::Cache::ZERO;
    let mut grads = N::ZERO;
    for (xs, ys) in data.x.chunks(BATCH).zip(data.y.chunks(BATCH)) {
        let n = xs.len() as f32;
        grads.fill(0.0);
        for (x, y) in xs.iter().zip(ys) {
            let p = net.forward_train(x, &mut cache);
            let g = core::array::from_fn(|o| (p[o] - y[o]) / n);
            net.backward(&cache, &g, &mut grads);
        }
        net.sgd_step(&grads, LR);
    }
}

/// One epoch of mini-batches of [`BATCH`] through [`BatchLayer`], in blocks
/// of [`BLOCK`] samples into the gradient's lanes: rows are transposed into
/// the batch layout as they are used (that copy is timed).
#[inline(never)]
pub fn stacknet_epoch_batched<N: BenchNet<I, O>, const I: usize, const O: usize>(
    net: &mut N,
    data: &Data<I, O>,
) {
    let mut cache = <N as BatchLayer<BLOCK>>::BatchCache::ZERO;
    let mut grads = N::ZERO;
    let mut x = [[0.0; BLOCK]; I];
    for (xs, ys) in data.x.chunks(BATCH).zip(data.y.chunks(BATCH)) {
        let n = xs.len() as f32;
        let mut lanes = <N as BatchLayer<BLOCK>>::LaneGrads::ZERO;
        for (xs, ys) in xs.chunks(BLOCK).zip(ys.chunks(BLOCK)) {
            load_batch(xs, &mut x);
            let p = net.forward_batch_train(&x, &mut cache);
            // lanes past the end of the data keep a zero gradient
            let mut g = [[0.0; BLOCK]; O];
            for (o, (g, p)) in g.iter_mut().zip(&p).enumerate() {
                for ((g, p), y) in g.iter_mut().zip(p).zip(ys) {
                    *g = (p - y[o]) / n;
                }
            }
            // blocks start at multiples of BLOCK, a multiple of the lanes
            net.backward_batch_lanes(&cache, &g, &mut lanes, 0);
        }
        N::sum_lanes(&lanes, &mut grads);
        net.sgd_step(&grads, LR);
    }
}

/// Predicts every row, one [`Layer::forward`] per row.
#[inline(never)]
pub fn stacknet_predict_each<N: BenchNet<I, O>, const I: usize, const O: usize>(
    net: &N,
    xs: &[[f32; I]],
    out: &mut [[f32; O]],
) {
    for (x, o) in xs.iter().zip(out) {
        *o = net.forward(x);
    }
}

/// Predicts every row with [`forward_rows`], [`BLOCK`] rows at a time.
#[inline(never)]
pub fn stacknet_predict_batched<N: BenchNet<I, O>, const I: usize, const O: usize>(
    net: &N,
    xs: &[[f32; I]],
    out: &mut [[f32; O]],
) {
    forward_rows::<BLOCK, I, O, N, _>(net, xs, out).expect("as many outputs as inputs");
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
fn vec_layers<N: Params + Shape>(net: &N) -> Vec<VecDense> {
    let mut flat = vec![0.0; N::NUM_PARAMS];
    net.copy_to_slice(&mut flat).expect("length");
    let mut layers = Vec::new();
    let mut rest = &flat[..];
    for size in N::SIZES.windows(2) {
        let (n_in, n_out) = (size[0], size[1]);
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
    assert!(rest.is_empty(), "Shape::SIZES does not match the network");
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
    pub fn new<N: Params + Shape>(net: &N) -> Self {
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

    /// Prediction into `out`.
    pub fn predict(&self, x: &[f32], out: &mut [f32]) {
        out.copy_from_slice(self.forward_all(x).last().unwrap());
    }

    /// One SGD step on the mean loss of the rows.
    pub fn train_batch<const I: usize, const O: usize>(
        &mut self,
        xs: &[[f32; I]],
        ys: &[[f32; O]],
        lr: f32,
    ) {
        let n = xs.len() as f32;
        let mut gw: Vec<Vec<f32>> = self.layers.iter().map(|l| vec![0.0; l.w.len()]).collect();
        let mut gb: Vec<Vec<f32>> = self.layers.iter().map(|l| vec![0.0; l.b.len()]).collect();
        for (x, y) in xs.iter().zip(ys) {
            let acts = self.forward_all(x);
            let out = acts.last().unwrap();
            let mut delta: Vec<f32> = (0..O).map(|o| (out[o] - y[o]) / n).collect();
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
    pub fn new<N: Params + Shape>(net: &N) -> Self {
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

    /// Prediction into `out`.
    pub fn predict(&mut self, x: &[f32], out: &mut [f32]) {
        self.forward_in_place(x);
        out.copy_from_slice(self.acts.last().unwrap());
    }

    /// One SGD step on the mean loss of the rows.
    pub fn train_batch<const I: usize, const O: usize>(
        &mut self,
        xs: &[[f32; I]],
        ys: &[[f32; O]],
        lr: f32,
    ) {
        let n = xs.len() as f32;
        self.gw.iter_mut().flatten().for_each(|g| *g = 0.0);
        self.gb.iter_mut().flatten().for_each(|g| *g = 0.0);
        let layers = self.layers.len();
        for (x, y) in xs.iter().zip(ys) {
            self.forward_in_place(x);
            for ((d, a), y) in self.deltas[layers]
                .iter_mut()
                .zip(&self.acts[layers])
                .zip(y)
            {
                *d = (a - y) / n;
            }
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
pub fn heap_epoch<const I: usize, const O: usize>(
    net: &mut HeapMlp,
    data: &Data<I, O>,
    batch: usize,
) {
    for (xs, ys) in data.x.chunks(batch).zip(data.y.chunks(batch)) {
        net.train_batch(xs, ys, LR);
    }
}

/// One epoch of contender 2 in batches of `batch` rows.
#[inline(never)]
pub fn prealloc_epoch<const I: usize, const O: usize>(
    net: &mut PreallocMlp,
    data: &Data<I, O>,
    batch: usize,
) {
    for (xs, ys) in data.x.chunks(batch).zip(data.y.chunks(batch)) {
        net.train_batch(xs, ys, LR);
    }
}

/// Contender 1 prediction of every row.
#[inline(never)]
pub fn heap_predict_each<const I: usize, const O: usize>(
    net: &HeapMlp,
    xs: &[[f32; I]],
    out: &mut [[f32; O]],
) {
    for (x, o) in xs.iter().zip(out) {
        net.predict(x, o);
    }
}

/// Contender 2 prediction of every row.
#[inline(never)]
pub fn prealloc_predict_each<const I: usize, const O: usize>(
    net: &mut PreallocMlp,
    xs: &[[f32; I]],
    out: &mut [[f32; O]],
) {
    for (x, o) in xs.iter().zip(out) {
        net.predict(x, o);
    }
}

// -------------------------------------------------- contender 3: ndarray

/// Contender 3: `ndarray`, one row per sample, matrix products per layer.
#[derive(Clone)]
pub struct NdMlp {
    /// Weights, `n_out × n_in`.
    pub w: Vec<Array2<f32>>,
    /// Biases.
    pub b: Vec<ndarray::Array1<f32>>,
}

impl NdMlp {
    /// The same weights as `net`.
    pub fn new<N: Params + Shape>(net: &N) -> Self {
        let layers = vec_layers(net);
        Self {
            w: layers
                .iter()
                .map(|l| Array2::from_shape_vec((l.n_out, l.n_in), l.w.clone()).expect("shape"))
                .collect(),
            b: layers
                .iter()
                .map(|l| ndarray::Array1::from_vec(l.b.clone()))
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

    /// Predictions for a batch of rows (`n × inputs`), `n × outputs`.
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

    /// One SGD step on the mean loss of the rows (`n × outputs` targets).
    pub fn train_batch(&mut self, x: ArrayView2<f32>, y: ArrayView2<f32>, lr: f32) {
        let n = x.nrows() as f32;
        let acts = self.forward_all(x);
        let out = acts.last().expect("output");
        let mut delta = (out - &y) / n;
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
    /// `rows × inputs`.
    pub x: Array2<f32>,
    /// `rows × outputs`.
    pub y: Array2<f32>,
}

impl NdData {
    /// The same rows as `data`.
    pub fn new<const I: usize, const O: usize>(data: &Data<I, O>) -> Self {
        let rows = data.x.len();
        Self {
            x: Array2::from_shape_vec((rows, I), data.x.as_flattened().to_vec()).expect("shape"),
            y: Array2::from_shape_vec((rows, O), data.y.as_flattened().to_vec()).expect("shape"),
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

/// Contender 3 prediction of every row, one `1 × inputs` matrix at a time.
#[inline(never)]
pub fn nd_predict_each<const O: usize>(net: &NdMlp, data: &NdData, out: &mut [[f32; O]]) {
    for (x, o) in data.x.axis_chunks_iter(Axis(0), 1).zip(out) {
        let p = net.predict(x);
        for (o, p) in o.iter_mut().zip(p.iter()) {
            *o = *p;
        }
    }
}

/// Contender 3 prediction of all rows as one matrix.
#[inline(never)]
pub fn nd_predict_all(net: &NdMlp, data: &NdData) -> Array2<f32> {
    net.predict(data.x.view())
}

// ------------------------------------------------------- the learning check

/// Final training MSE of every contender after the workload's epochs from
/// the same start, for batch 1 and for batch [`BATCH`].
pub struct Losses {
    /// Before training.
    pub initial: f32,
    /// `(name, batch 1, batch 32)` for each trainer.
    pub trained: Vec<(&'static str, f32, f32)>,
}

/// Trains every contender for the workload's epochs from its start and
/// checks that all reach the same loss (to [`LOSS_TOLERANCE`]) and that the
/// loss fell, so no contender is timed doing less work. Also checks that the
/// `Vec` contenders and stacknet's per-sample and batched kernels end with
/// the same bits.
pub fn check_learning<N: BenchNet<I, O>, const I: usize, const O: usize>(
    w: &Workload<N, I, O>,
) -> Losses {
    let (data, start, epochs) = (&w.data, w.start, w.epochs);
    let nd_data = NdData::new(data);
    let initial = mse(data, |x| start.forward(x));
    let mut trained = Vec::new();

    let stacknet_loss = |epoch: fn(&mut N, &Data<I, O>)| {
        let mut net = start;
        (0..epochs).for_each(|_| epoch(&mut net, data));
        (net, mse(data, |x| net.forward(x)))
    };
    let (net_b1, loss_b1) = stacknet_loss(stacknet_epoch_b1);
    // the fused kernel applies the learning rate once per output, so it
    // matches the plain path to rounding, not bit for bit: its loss is checked
    let (_, loss_fused) = stacknet_loss(stacknet_epoch_b1_fused);
    let (net_ps, loss_ps) = stacknet_loss(stacknet_epoch_per_sample_minibatch);
    let (_, loss_bt) = stacknet_loss(stacknet_epoch_batched);
    trained.push(("stacknet, per-sample `Layer`", loss_b1, loss_ps));
    trained.push(("stacknet, `SgdStep` and `BatchLayer`", loss_fused, loss_bt));
    // the batched kernel sums a mini-batch's gradients in four lanes, so it
    // matches the per-sample path to rounding, not bit for bit
    let close = (loss_bt - loss_ps).abs() <= 1e-3 * loss_ps.abs().max(1e-6);
    assert!(close, "batched loss {loss_bt} against per-sample {loss_ps}");

    let dataset = Dataset::new(&data.x, &data.y).expect("valid data");
    let mut order = vec![0; data.x.len()];
    let fit_loss = |batch: usize, order: &mut [u32]| {
        let mut net = start;
        (w.fit)(&mut net, &dataset, batch, epochs, order);
        mse(data, |x| net.forward(x))
    };
    let fit = (fit_loss(1, &mut order), fit_loss(BATCH, &mut order));
    trained.push(("stacknet, `Trainer::fit`", fit.0, fit.1));

    let mut heap = [HeapMlp::new(&start), HeapMlp::new(&start)];
    let mut pre = [PreallocMlp::new(&start), PreallocMlp::new(&start)];
    let mut nd = [NdMlp::new(&start), NdMlp::new(&start)];
    for (k, batch) in [1, BATCH].into_iter().enumerate() {
        for _ in 0..epochs {
            heap_epoch(&mut heap[k], data, batch);
            prealloc_epoch(&mut pre[k], data, batch);
            nd_epoch(&mut nd[k], &nd_data, batch);
        }
    }
    let heap_loss = |n: &HeapMlp| {
        mse(data, |x| {
            let mut p = [0.0; O];
            n.predict(x, &mut p);
            p
        })
    };
    let pre_loss = |n: &PreallocMlp| {
        let mut n = n.clone();
        mse(data, |x| {
            let mut p = [0.0; O];
            n.predict(x, &mut p);
            p
        })
    };
    let nd_loss = |n: &NdMlp| {
        let p = n.predict(nd_data.x.view());
        let mut rows = p.rows().into_iter();
        mse(data, |_| {
            let row = rows.next().expect("row");
            core::array::from_fn(|o| row[o])
        })
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
                "{}: {name}, {what}: loss {loss} vs stacknet {reference}",
                w.key
            );
            assert!(
                loss < w.must_reach * initial,
                "{}: {name}, {what}: did not learn ({loss} from {initial})",
                w.key
            );
        }
    }
    Losses { initial, trained }
}

fn flat<N: Params>(net: &N) -> Vec<u32> {
    let mut v = vec![0.0; N::NUM_PARAMS];
    net.copy_to_slice(&mut v).expect("length");
    v.iter().map(|v| v.to_bits()).collect()
}
