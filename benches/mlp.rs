//! stacknet against heap-based MLPs on the 2-4-3-1 Boston workload, with
//! criterion: training with batch 1 and with mini-batches of 32 (one
//! iteration is one epoch of the 404 rows, continuing from the weights the
//! previous iteration left; `Trainer::fit` runs one epoch per iteration),
//! single-sample prediction and batched prediction
//! of all rows. Throughput is in samples.
//!
//! Run: `cargo bench --bench mlp`. The workload and the contenders are in
//! `common/mod.rs`; before timing, every contender is trained for 200 epochs
//! from the same start and must reach the same loss.

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::*;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use stacknet::prelude::Dataset;

fn benches(c: &mut Criterion) {
    let w = boston();
    check_learning(&w);
    let (data, start) = (&w.data, w.start);
    let nd_data = NdData::new(data);
    let rows = data.x.len();
    let dataset = Dataset::new(&data.x, &data.y).expect("valid data");
    let mut order = vec![0; rows];

    let mut g = c.benchmark_group("train_batch1");
    g.throughput(Throughput::Elements(rows as u64));
    let mut net = start;
    g.bench_function("stacknet_fit", |b| {
        b.iter(|| fit_boston(black_box(&mut net), &dataset, 1, 1, &mut order))
    });
    let mut net = start;
    g.bench_function("stacknet_sgd_step", |b| {
        b.iter(|| stacknet_epoch_b1_fused(black_box(&mut net), data))
    });
    let mut net = start;
    g.bench_function("stacknet_layer", |b| {
        b.iter(|| stacknet_epoch_b1(black_box(&mut net), data))
    });
    let mut heap = HeapMlp::new(&start);
    g.bench_function("1_vec_new_buffers", |b| {
        b.iter(|| heap_epoch(black_box(&mut heap), data, 1))
    });
    let mut pre = PreallocMlp::new(&start);
    g.bench_function("2_vec_buffers_once", |b| {
        b.iter(|| prealloc_epoch(black_box(&mut pre), data, 1))
    });
    let mut nd = NdMlp::new(&start);
    g.bench_function("3_ndarray", |b| {
        b.iter(|| nd_epoch(black_box(&mut nd), &nd_data, 1))
    });
    g.finish();

    let mut g = c.benchmark_group("train_batch32");
    g.throughput(Throughput::Elements(rows as u64));
    let mut net = start;
    g.bench_function("stacknet_fit", |b| {
        b.iter(|| fit_boston(black_box(&mut net), &dataset, BATCH, 1, &mut order))
    });
    let mut net = start;
    g.bench_function("stacknet_batch_layer", |b| {
        b.iter(|| stacknet_epoch_batched(black_box(&mut net), data))
    });
    let mut net = start;
    g.bench_function("stacknet_layer", |b| {
        b.iter(|| stacknet_epoch_per_sample_minibatch(black_box(&mut net), data))
    });
    let mut heap = HeapMlp::new(&start);
    g.bench_function("1_vec_new_buffers", |b| {
        b.iter(|| heap_epoch(black_box(&mut heap), data, BATCH))
    });
    let mut pre = PreallocMlp::new(&start);
    g.bench_function("2_vec_buffers_once", |b| {
        b.iter(|| prealloc_epoch(black_box(&mut pre), data, BATCH))
    });
    let mut nd = NdMlp::new(&start);
    g.bench_function("3_ndarray", |b| {
        b.iter(|| nd_epoch(black_box(&mut nd), &nd_data, BATCH))
    });
    g.finish();

    let mut out = vec![[0.0f32; 1]; rows];
    let mut g = c.benchmark_group("predict_one");
    g.throughput(Throughput::Elements(rows as u64));
    g.bench_function("stacknet", |b| {
        b.iter(|| stacknet_predict_each(black_box(&start), &data.x, &mut out))
    });
    let heap = HeapMlp::new(&start);
    g.bench_function("1_vec_new_buffers", |b| {
        b.iter(|| heap_predict_each(black_box(&heap), &data.x, &mut out))
    });
    let mut pre = PreallocMlp::new(&start);
    g.bench_function("2_vec_buffers_once", |b| {
        b.iter(|| prealloc_predict_each(black_box(&mut pre), &data.x, &mut out))
    });
    let nd = NdMlp::new(&start);
    g.bench_function("3_ndarray", |b| {
        b.iter(|| nd_predict_each(black_box(&nd), &nd_data, &mut out))
    });
    g.finish();

    let mut out_rows = vec![[0.0f32; 1]; rows];
    let mut g = c.benchmark_group("predict_all");
    g.throughput(Throughput::Elements(rows as u64));
    g.bench_function("stacknet_forward_rows", |b| {
        b.iter(|| stacknet_predict_batched(black_box(&start), &data.x, &mut out_rows))
    });
    g.bench_function("3_ndarray", |b| {
        b.iter(|| nd_predict_all(black_box(&nd), &nd_data))
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = mlp;
    config = config();
    targets = benches
}
criterion_main!(mlp);
