//! One markdown table of samples per second, ratios and heap use for every
//! contender, all measured in this process.
//!
//! Run: `cargo bench --bench summary`
//!
//! Each cell is the median of several rounds; in each round every contender
//! runs in turn (so a busy machine slows all of them alike), for at least
//! 0.2 s per workload. A training run is the whole workload: 200 epochs of
//! the 404 rows from the shared initial weights. A prediction run predicts
//! all 404 rows. Ratios are against contender 2, the best a heap version can
//! do; the last row divides stacknet by contender 1.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use common::*;

/// The system allocator, counting allocations and bytes while `COUNTING`.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

fn record(bytes: usize) {
    if COUNTING.load(Relaxed) {
        ALLOCATIONS.fetch_add(1, Relaxed);
        BYTES.fetch_add(bytes, Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to `System`.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Heap allocations and bytes allocated while `f` runs.
fn heap_use(f: impl FnOnce()) -> (usize, usize) {
    let (a, b) = (ALLOCATIONS.load(Relaxed), BYTES.load(Relaxed));
    COUNTING.store(true, Relaxed);
    f();
    COUNTING.store(false, Relaxed);
    (ALLOCATIONS.load(Relaxed) - a, BYTES.load(Relaxed) - b)
}

const MIN_TIME: Duration = Duration::from_millis(200);
const ROUNDS: usize = 7;

/// One timed workload: `run` processes `samples` samples per call.
struct Case<'a> {
    samples: usize,
    run: Box<dyn FnMut() + 'a>,
    rates: Vec<f64>,
}

impl<'a> Case<'a> {
    fn new(samples: usize, run: impl FnMut() + 'a) -> Self {
        Self {
            samples,
            run: Box::new(run),
            rates: Vec::new(),
        }
    }

    fn measure(&mut self) {
        let start = Instant::now();
        let mut calls = 0;
        while start.elapsed() < MIN_TIME {
            (self.run)();
            calls += 1;
        }
        let rate = (calls * self.samples) as f64 / start.elapsed().as_secs_f64();
        self.rates.push(rate);
    }

    fn median(&self) -> f64 {
        let mut r = self.rates.clone();
        r.sort_by(f64::total_cmp);
        r[r.len() / 2]
    }
}

fn main() {
    let data = boston_train();
    let rows = data.x.len();
    let trained = rows * EPOCHS;
    let losses = check_learning(&data);
    let start = initial_net();
    let nd_data = NdData::new(&data);
    let data = &data;
    let nd_data = &nd_data;

    // Heap use per epoch (after one epoch of warm-up) and per prediction pass.
    let heap_b1 = {
        let mut n = HeapMlp::new(&start);
        heap_epoch(&mut n, data, 1);
        heap_use(|| heap_epoch(&mut n, data, 1))
    };
    let heap_b32 = {
        let mut n = HeapMlp::new(&start);
        heap_epoch(&mut n, data, BATCH);
        heap_use(|| heap_epoch(&mut n, data, BATCH))
    };
    let pre_b1 = {
        let mut n = PreallocMlp::new(&start);
        prealloc_epoch(&mut n, data, 1);
        heap_use(|| prealloc_epoch(&mut n, data, 1))
    };
    let pre_b32 = {
        let mut n = PreallocMlp::new(&start);
        prealloc_epoch(&mut n, data, BATCH);
        heap_use(|| prealloc_epoch(&mut n, data, BATCH))
    };
    let nd_b1 = {
        let mut n = NdMlp::new(&start);
        nd_epoch(&mut n, nd_data, 1);
        heap_use(|| nd_epoch(&mut n, nd_data, 1))
    };
    let nd_b32 = {
        let mut n = NdMlp::new(&start);
        nd_epoch(&mut n, nd_data, BATCH);
        heap_use(|| nd_epoch(&mut n, nd_data, BATCH))
    };
    let sn_b1 = {
        let mut n = start;
        heap_use(|| stacknet_epoch_b1_fused(&mut n, data))
    };
    let sn_plain_b1 = {
        let mut n = start;
        heap_use(|| stacknet_epoch_b1(&mut n, data))
    };
    let sn_b32 = {
        let mut n = start;
        heap_use(|| stacknet_epoch_batched(&mut n, data))
    };
    let sn_ps32 = {
        let mut n = start;
        heap_use(|| stacknet_epoch_per_sample_minibatch(&mut n, data))
    };

    let heap = HeapMlp::new(&start);
    let mut pre = PreallocMlp::new(&start);
    let nd = NdMlp::new(&start);
    let (heap, nd) = (&heap, &nd);
    // every prediction writes into its own output rows
    let [mut out_a, mut out_b, mut out_c, mut out_d, mut out_e] =
        [(); 5].map(|_| vec![0.0f32; rows]);
    let mut out_rows = vec![[0.0f32; 1]; rows];

    // [contender][workload]: train b1, train b32, predict one, predict all
    let mut cases: Vec<[Case; 4]> = vec![
        [
            Case::new(trained, move || {
                let mut n = start;
                (0..EPOCHS).for_each(|_| stacknet_epoch_b1_fused(&mut n, data));
                black_box(n);
            }),
            Case::new(trained, move || {
                let mut n = start;
                (0..EPOCHS).for_each(|_| stacknet_epoch_batched(&mut n, data));
                black_box(n);
            }),
            Case::new(rows, move || {
                stacknet_predict_each(black_box(&start), &data.x, &mut out_e)
            }),
            Case::new(rows, move || {
                stacknet_predict_batched(black_box(&start), &data.x, &mut out_rows)
            }),
        ],
        [
            Case::new(trained, move || {
                let mut n = start;
                (0..EPOCHS).for_each(|_| stacknet_epoch_b1(&mut n, data));
                black_box(n);
            }),
            Case::new(trained, move || {
                let mut n = start;
                (0..EPOCHS).for_each(|_| stacknet_epoch_per_sample_minibatch(&mut n, data));
                black_box(n);
            }),
            Case::new(rows, || {}),
            Case::new(rows, || {}),
        ],
        [
            Case::new(trained, move || {
                let mut n = heap.clone();
                (0..EPOCHS).for_each(|_| heap_epoch(&mut n, data, 1));
                black_box(n);
            }),
            Case::new(trained, move || {
                let mut n = heap.clone();
                (0..EPOCHS).for_each(|_| heap_epoch(&mut n, data, BATCH));
                black_box(n);
            }),
            Case::new(rows, move || {
                heap_predict_each(black_box(heap), &data.x, &mut out_a)
            }),
            Case::new(rows, || {}),
        ],
        [
            Case::new(trained, move || {
                let mut n = PreallocMlp::new(&start);
                (0..EPOCHS).for_each(|_| prealloc_epoch(&mut n, data, 1));
                black_box(n);
            }),
            Case::new(trained, move || {
                let mut n = PreallocMlp::new(&start);
                (0..EPOCHS).for_each(|_| prealloc_epoch(&mut n, data, BATCH));
                black_box(n);
            }),
            Case::new(rows, move || {
                prealloc_predict_each(black_box(&mut pre), &data.x, &mut out_b)
            }),
            Case::new(rows, || {}),
        ],
        [
            Case::new(trained, move || {
                let mut n = nd.clone();
                (0..EPOCHS).for_each(|_| nd_epoch(&mut n, nd_data, 1));
                black_box(n);
            }),
            Case::new(trained, move || {
                let mut n = nd.clone();
                (0..EPOCHS).for_each(|_| nd_epoch(&mut n, nd_data, BATCH));
                black_box(n);
            }),
            Case::new(rows, move || {
                nd_predict_each(black_box(nd), nd_data, &mut out_c)
            }),
            Case::new(rows, move || {
                out_d.copy_from_slice(nd_predict_all(black_box(nd), nd_data).as_slice().unwrap())
            }),
        ],
    ];
    // Cells that are the same measurement as another cell of the row.
    let shared = |c: usize, w: usize| -> Option<(usize, usize)> {
        match (c, w) {
            (1, 2) | (1, 3) => Some((0, 2)),
            (2, 3) | (3, 3) => Some((c, 2)),
            _ => None,
        }
    };

    for round in 0..ROUNDS {
        eprint!("\rround {}/{ROUNDS}", round + 1);
        for (c, row) in cases.iter_mut().enumerate() {
            for (w, case) in row.iter_mut().enumerate() {
                if shared(c, w).is_none() {
                    case.measure();
                }
            }
        }
    }
    eprintln!();

    let rate = |c: usize, w: usize| {
        let (c, w) = shared(c, w).unwrap_or((c, w));
        cases[c][w].median()
    };
    let mega = |r: f64| {
        if r >= 10e6 {
            format!("{:.0} M", r / 1e6)
        } else {
            format!("{:.1} M", r / 1e6)
        }
    };
    let names = [
        "stacknet (`SgdStep` for batch 1, `BatchLayer` for batches)",
        "stacknet, per-sample `Layer` only",
        "1: `Vec`, new buffers every step",
        "2: `Vec`, buffers allocated once",
        "3: `ndarray`, batch-major matrices",
    ];
    let heap = [
        (sn_b1, sn_b32),
        (sn_plain_b1, sn_ps32),
        (heap_b1, heap_b32),
        (pre_b1, pre_b32),
        (nd_b1, nd_b32),
    ];
    let notes = [
        ["", "", "", ""],
        ["", "", "", " (per sample)"],
        ["", "", "", " (per sample)"],
        ["", "", "", " (per sample)"],
        ["", "", " (1×2 matrices)", ""],
    ];

    println!(
        "| contender | train, batch 1 | train, batch {BATCH} | predict, 1 sample | predict, all {rows} rows | \
         heap allocations / epoch (batch 1; {BATCH}) | heap bytes / epoch (batch 1; {BATCH}) |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (c, name) in names.iter().enumerate() {
        let cells: Vec<String> = (0..4)
            .map(|w| {
                let r = rate(c, w);
                format!("{}{} ({:.1}×)", mega(r), notes[c][w], r / rate(3, w))
            })
            .collect();
        let ((a1, b1), (a32, b32)) = heap[c];
        println!(
            "| {name} | {} | {} | {} | {} | {a1}; {a32} | {b1}; {b32} |",
            cells[0], cells[1], cells[2], cells[3]
        );
    }
    let ratios: Vec<String> = (0..4)
        .map(|w| format!("{:.1}×", rate(0, w) / rate(2, w)))
        .collect();
    println!(
        "| stacknet ÷ contender 1 | {} | {} | {} | {} | | |",
        ratios[0], ratios[1], ratios[2], ratios[3]
    );

    eprintln!(
        "\nsamples/s, median of {ROUNDS} rounds; ratios against contender 2 \
         (batched prediction against its per-sample prediction)."
    );
    eprintln!(
        "training MSE (standardised medv): initial {:.4}",
        losses.initial
    );
    for (name, b1, b32) in &losses.trained {
        eprintln!("  {name}: batch 1 {b1:.6}, batch {BATCH} {b32:.6}");
    }
}
