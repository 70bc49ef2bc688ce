//! The README's "Speed on the host" tables: samples per second, ratios and
//! heap use for stacknet and the heap contenders, all measured in this
//! process, printed as the markdown the README shows.
//!
//! # Running
//!
//! - `cargo bench --bench summary`: measure, print the README block on
//!   stdout (the loss check and progress go to stderr).
//! - `cargo bench --bench summary -- --quick` (or `STACKNET_BENCH_QUICK=1`):
//!   3 short rounds instead of 7, for trying changes; the figures are noisy.
//! - `cargo bench --bench summary -- --write-readme`: also replace the text
//!   between `<!-- host-speed:begin -->` and `<!-- host-speed:end -->` in
//!   `README.md` with that block (`--readme PATH` writes another file).
//!   A `--quick` run only writes to a file named with `--readme`.
//! - `--save PATH` writes the medians as tab-separated values;
//!   `--native PATH` reads such a file, saved by a build with
//!   `-C target-cpu=native`, and adds a table comparing the two builds.
//!
//! `benches/host-speed.sh` does the whole thing: the native build in its own
//! target directory (`target/native`, so the normal build stays valid) with
//! `--save`, then the normal build with `--native` and `--write-readme`.
//! Extra arguments go to both runs (`benches/host-speed.sh --quick --readme
//! /tmp/README.md` tries it out). Wall-clock figures are not checked in CI;
//! they are only written by hand with this script.
//!
//! # What is measured
//!
//! Two workloads (`common/mod.rs`): the 2-4-3-1 MLP on the Boston rows and
//! the 16-64-64-4 MLP on synthetic rows. Before timing, every contender is
//! trained from the same start and must reach the same loss (the raw
//! kernels and the `Vec` contenders the same bits). A training run is the
//! whole workload from the shared initial weights; a prediction run predicts
//! every row. Each cell is the median of the rounds; in each round every
//! contender runs in turn (so a busy machine slows all of them alike), for
//! at least the round time per cell. Ratios are against the fastest heap
//! contender (1–3) of the same column in the same process.
//!
//! The `Trainer::fit` rows call fit exactly as a user does (through
//! `common::fit_boston` and `common::fit_wide`), so they follow whatever fit
//! does inside; the kernel rows call `SgdStep`, `BatchLayer` and `Layer`
//! directly. The "two networks side by side" row is not a contender: the
//! batch-1 kernel on two networks at once, each on every other row, so two
//! independent chains of dependent operations run where one does in the
//! kernel row; the difference is the time batch 1 spends waiting on its
//! chain.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::*;
use stacknet::prelude::*;

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

const BEGIN: &str = "<!-- host-speed:begin -->";
const END: &str = "<!-- host-speed:end -->";

// ------------------------------------------------------------ options

struct Opts {
    quick: bool,
    /// Where to write the block, if anywhere.
    readme: Option<PathBuf>,
    save: Option<PathBuf>,
    native: Option<PathBuf>,
}

const USAGE: &str = "usage: cargo bench --bench summary -- [--quick] [--write-readme] \
                     [--readme PATH] [--save PATH] [--native PATH]";

fn opts() -> Opts {
    let mut o = Opts {
        quick: std::env::var("STACKNET_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0"),
        readme: None,
        save: None,
        native: None,
    };
    let (mut write, mut path) = (false, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || PathBuf::from(args.next().unwrap_or_else(|| panic!("{a}: {USAGE}")));
        match a.as_str() {
            "--bench" => {} // cargo bench passes it to every bench
            "--quick" => o.quick = true,
            "--write-readme" => write = true,
            "--readme" => path = Some(value()),
            "--save" => o.save = Some(value()),
            "--native" => o.native = Some(value()),
            _ => panic!("unknown argument {a:?}; {USAGE}"),
        }
    }
    o.readme = match (write || path.is_some(), path) {
        (false, _) => None,
        (true, Some(p)) => Some(p),
        (true, None) => {
            assert!(
                !o.quick,
                "a --quick run is not written into README.md (name a file with --readme)"
            );
            Some(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md").into())
        }
    };
    o
}

// ------------------------------------------------------------ timing

#[derive(Clone, Copy)]
struct Timing {
    min_time: Duration,
    rounds: usize,
}

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

    fn measure(&mut self, min_time: Duration) {
        let start = Instant::now();
        let mut calls = 0;
        while start.elapsed() < min_time {
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

/// The columns: train batch 1, train batch 32, predict one, predict all.
const COLUMNS: usize = 4;

enum Cell<'a> {
    /// Measured.
    Run(Case<'a>),
    /// The same measurement as another cell of the table: the row with
    /// this key, this column.
    Like(&'static str, usize),
    /// Not applicable.
    Empty,
}

struct Row<'a> {
    key: &'static str,
    name: &'static str,
    heap: bool,
    cells: [Cell<'a>; COLUMNS],
    notes: [&'static str; COLUMNS],
    /// Heap (allocations, bytes) per epoch, batch 1 and batch 32.
    alloc: [(usize, usize); 2],
}

struct RowResult {
    key: &'static str,
    name: &'static str,
    heap: bool,
    rates: [Option<f64>; COLUMNS],
    notes: [&'static str; COLUMNS],
    alloc: [(usize, usize); 2],
}

struct TableResult {
    key: &'static str,
    title: &'static str,
    rows: usize,
    epochs: usize,
    results: Vec<RowResult>,
    losses: Losses,
}

impl TableResult {
    /// The fastest heap contender's rate in each column.
    fn best_heap(&self) -> [f64; COLUMNS] {
        std::array::from_fn(|c| {
            self.results
                .iter()
                .filter(|r| r.heap)
                .filter_map(|r| r.rates[c])
                .fold(0.0, f64::max)
        })
    }
}

/// Checks, measures and times one workload.
fn measure<N: BenchNet<I, O>, const I: usize, const O: usize>(
    w: &Workload<N, I, O>,
    t: Timing,
) -> TableResult {
    let losses = check_learning(w);
    let (data, start, epochs) = (&w.data, w.start, w.epochs);
    let rows = data.x.len();
    let trained = rows * epochs;
    let fit = w.fit;
    let dataset = Dataset::new(&data.x, &data.y).expect("valid data");
    let nd_data = NdData::new(data);
    let (dataset, nd_data) = (&dataset, &nd_data);

    // Heap use per epoch (after one epoch of warm-up).
    let mut order = vec![0u32; rows];
    let fit_heap = |batch: usize, order: &mut [u32]| {
        let mut n = start;
        fit(&mut n, dataset, batch, 1, order);
        heap_use(|| fit(&mut n, dataset, batch, 1, order))
    };
    let fit_alloc = [fit_heap(1, &mut order), fit_heap(BATCH, &mut order)];
    let sn_heap = |epoch: fn(&mut N, &Data<I, O>)| {
        let mut n = start;
        epoch(&mut n, data);
        heap_use(|| epoch(&mut n, data))
    };
    let kernel_alloc = [
        sn_heap(stacknet_epoch_b1_fused),
        sn_heap(stacknet_epoch_batched),
    ];
    let pair_alloc = {
        let mut n = [start; 2];
        stacknet_epoch_b1_fused_pair(&mut n, data);
        [
            heap_use(|| stacknet_epoch_b1_fused_pair(&mut n, data)),
            (0, 0),
        ]
    };
    let layer_alloc = [
        sn_heap(stacknet_epoch_b1),
        sn_heap(stacknet_epoch_per_sample_minibatch),
    ];
    let heap_alloc = [1, BATCH].map(|b| {
        let mut n = HeapMlp::new(&start);
        heap_epoch(&mut n, data, b);
        heap_use(|| heap_epoch(&mut n, data, b))
    });
    let pre_alloc = [1, BATCH].map(|b| {
        let mut n = PreallocMlp::new(&start);
        prealloc_epoch(&mut n, data, b);
        heap_use(|| prealloc_epoch(&mut n, data, b))
    });
    let nd_alloc = [1, BATCH].map(|b| {
        let mut n = NdMlp::new(&start);
        nd_epoch(&mut n, nd_data, b);
        heap_use(|| nd_epoch(&mut n, nd_data, b))
    });

    let heap = HeapMlp::new(&start);
    let mut pre = PreallocMlp::new(&start);
    let nd = NdMlp::new(&start);
    let (heap, nd) = (&heap, &nd);
    // every prediction writes into its own output rows
    let [mut out_a, mut out_b, mut out_c, mut out_d, mut out_e] =
        [(); 5].map(|_| vec![[0.0f32; O]; rows]);
    let mut out_nd = vec![0.0f32; rows * O];
    let (mut order_1, mut order_32) = (vec![0u32; rows], vec![0u32; rows]);

    let mut table: Vec<Row> = vec![
        Row {
            key: "fit",
            name: "stacknet `Trainer::fit` (`Sgd`, `HalfMeanSquaredError`)",
            heap: false,
            cells: [
                Cell::Run(Case::new(trained, move || {
                    let mut n = start;
                    fit(&mut n, dataset, 1, epochs, &mut order_1);
                    black_box(n);
                })),
                Cell::Run(Case::new(trained, move || {
                    let mut n = start;
                    fit(&mut n, dataset, BATCH, epochs, &mut order_32);
                    black_box(n);
                })),
                Cell::Empty,
                Cell::Empty,
            ],
            notes: [""; COLUMNS],
            alloc: fit_alloc,
        },
        Row {
            key: "kernels",
            name: "stacknet kernels (`SgdStep` for batch 1, `BatchLayer` for batches)",
            heap: false,
            cells: [
                Cell::Run(Case::new(trained, move || {
                    let mut n = start;
                    (0..epochs).for_each(|_| stacknet_epoch_b1_fused(&mut n, data));
                    black_box(n);
                })),
                Cell::Run(Case::new(trained, move || {
                    let mut n = start;
                    (0..epochs).for_each(|_| stacknet_epoch_batched(&mut n, data));
                    black_box(n);
                })),
                Cell::Run(Case::new(rows, move || {
                    stacknet_predict_each(black_box(&start), &data.x, &mut out_e)
                })),
                Cell::Run(Case::new(rows, move || {
                    stacknet_predict_batched(black_box(&start), &data.x, &mut out_d)
                })),
            ],
            notes: [""; COLUMNS],
            alloc: kernel_alloc,
        },
        Row {
            key: "pair",
            name: "stacknet kernel, two networks side by side (each on every other row)",
            heap: false,
            cells: [
                Cell::Run(Case::new(rows / 2 * 2 * epochs, move || {
                    let mut n = [start; 2];
                    (0..epochs).for_each(|_| stacknet_epoch_b1_fused_pair(&mut n, data));
                    black_box(n);
                })),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ],
            notes: [""; COLUMNS],
            alloc: pair_alloc,
        },
        Row {
            key: "layer",
            name: "stacknet, per-sample `Layer` only",
            heap: false,
            cells: [
                Cell::Run(Case::new(trained, move || {
                    let mut n = start;
                    (0..epochs).for_each(|_| stacknet_epoch_b1(&mut n, data));
                    black_box(n);
                })),
                Cell::Run(Case::new(trained, move || {
                    let mut n = start;
                    (0..epochs).for_each(|_| stacknet_epoch_per_sample_minibatch(&mut n, data));
                    black_box(n);
                })),
                Cell::Like("kernels", 2),
                Cell::Like("kernels", 2),
            ],
            notes: ["", "", "", ", per sample"],
            alloc: layer_alloc,
        },
        Row {
            key: "c1",
            name: "1: `Vec`, new buffers every step",
            heap: true,
            cells: [
                Cell::Run(Case::new(trained, move || {
                    let mut n = heap.clone();
                    (0..epochs).for_each(|_| heap_epoch(&mut n, data, 1));
                    black_box(n);
                })),
                Cell::Run(Case::new(trained, move || {
                    let mut n = heap.clone();
                    (0..epochs).for_each(|_| heap_epoch(&mut n, data, BATCH));
                    black_box(n);
                })),
                Cell::Run(Case::new(rows, move || {
                    heap_predict_each(black_box(heap), &data.x, &mut out_a)
                })),
                Cell::Like("c1", 2),
            ],
            notes: ["", "", "", ", per sample"],
            alloc: heap_alloc,
        },
        Row {
            key: "c2",
            name: "2: `Vec`, buffers allocated once",
            heap: true,
            cells: [
                Cell::Run(Case::new(trained, move || {
                    let mut n = PreallocMlp::new(&start);
                    (0..epochs).for_each(|_| prealloc_epoch(&mut n, data, 1));
                    black_box(n);
                })),
                Cell::Run(Case::new(trained, move || {
                    let mut n = PreallocMlp::new(&start);
                    (0..epochs).for_each(|_| prealloc_epoch(&mut n, data, BATCH));
                    black_box(n);
                })),
                Cell::Run(Case::new(rows, move || {
                    prealloc_predict_each(black_box(&mut pre), &data.x, &mut out_b)
                })),
                Cell::Like("c2", 2),
            ],
            notes: ["", "", "", ", per sample"],
            alloc: pre_alloc,
        },
        Row {
            key: "c3",
            name: "3: `ndarray`, batch-major matrices",
            heap: true,
            cells: [
                Cell::Run(Case::new(trained, move || {
                    let mut n = nd.clone();
                    (0..epochs).for_each(|_| nd_epoch(&mut n, nd_data, 1));
                    black_box(n);
                })),
                Cell::Run(Case::new(trained, move || {
                    let mut n = nd.clone();
                    (0..epochs).for_each(|_| nd_epoch(&mut n, nd_data, BATCH));
                    black_box(n);
                })),
                Cell::Run(Case::new(rows, move || {
                    nd_predict_each(black_box(nd), nd_data, &mut out_c)
                })),
                Cell::Run(Case::new(rows, move || {
                    let p = nd_predict_all(black_box(nd), nd_data);
                    out_nd.copy_from_slice(p.as_slice().expect("standard layout"))
                })),
            ],
            notes: ["", "", ", 1-row matrices", ""],
            alloc: nd_alloc,
        },
    ];

    for round in 0..t.rounds {
        eprint!("\r{}: round {}/{}", w.key, round + 1, t.rounds);
        for row in table.iter_mut() {
            for cell in row.cells.iter_mut() {
                if let Cell::Run(case) = cell {
                    case.measure(t.min_time);
                }
            }
        }
    }
    eprintln!();

    let rate = |r: usize, c: usize| match &table[r].cells[c] {
        Cell::Run(case) => Some(case.median()),
        &Cell::Like(key, c) => match table
            .iter()
            .find(|row| row.key == key)
            .map(|row| &row.cells[c])
        {
            Some(Cell::Run(case)) => Some(case.median()),
            _ => None,
        },
        Cell::Empty => None,
    };
    let results = (0..table.len())
        .map(|r| RowResult {
            key: table[r].key,
            name: table[r].name,
            heap: table[r].heap,
            rates: std::array::from_fn(|c| rate(r, c)),
            notes: table[r].notes,
            alloc: table[r].alloc,
        })
        .collect();
    TableResult {
        key: w.key,
        title: w.title,
        rows,
        epochs,
        results,
        losses,
    }
}

// ------------------------------------------------------------ output

/// Samples per second in millions, about 2 significant digits or more.
fn mega(r: f64) -> String {
    let m = r / 1e6;
    match m {
        m if m >= 10.0 => format!("{m:.0} M"),
        m if m >= 1.0 => format!("{m:.1} M"),
        m if m >= 0.1 => format!("{m:.2} M"),
        m => format!("{m:.3} M"),
    }
}

fn ratio(x: f64) -> String {
    match x {
        x if x >= 10.0 => format!("{x:.0}×"),
        x if x >= 1.0 => format!("{x:.1}×"),
        x => format!("{x:.2}×"),
    }
}

/// `7272` as `7,272`.
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

const HEADINGS: [&str; COLUMNS] = ["train, batch 1", "train, batch 32", "predict, 1 sample", ""];

fn column_heading(c: usize, rows: usize) -> String {
    match c {
        3 => format!("predict, all {rows} rows"),
        _ => HEADINGS[c].into(),
    }
}

fn table_markdown(t: &TableResult) -> String {
    let best = t.best_heap();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "**{}: {} epochs of {} rows.**\n",
        t.title, t.epochs, t.rows
    );
    let _ = write!(s, "| contender |");
    for c in 0..COLUMNS {
        let _ = write!(s, " {} |", column_heading(c, t.rows));
    }
    let _ = writeln!(
        s,
        " heap allocations / epoch (batch 1; {BATCH}) | heap bytes / epoch (batch 1; {BATCH}) |"
    );
    let _ = writeln!(s, "| --- |{} ---: | ---: |", " ---: |".repeat(COLUMNS));
    for r in &t.results {
        let _ = write!(s, "| {} |", r.name);
        for ((rate, note), best) in r.rates.iter().zip(r.notes).zip(best) {
            match rate {
                Some(rate) => {
                    let _ = write!(s, " {} ({}{note}) |", mega(*rate), ratio(rate / best));
                }
                None => s.push_str(" — |"),
            }
        }
        let [(a1, b1), (a32, b32)] = r.alloc;
        // a row with no batch-32 run has no batch-32 heap use either
        let at_32 = |n: usize| r.rates[1].map_or("—".into(), |_| thousands(n));
        let _ = writeln!(
            s,
            " {}; {} | {}; {} |",
            thousands(a1),
            at_32(a32),
            thousands(b1),
            at_32(b32)
        );
    }
    s
}

/// Rows of the `target-cpu=native` comparison.
const NATIVE_ROWS: [&str; 4] = ["fit", "kernels", "c2", "c3"];

fn native_markdown(tables: &[TableResult], native: &Saved) -> String {
    let mut s = String::new();
    let _ = write!(s, "| workload | contender |");
    for c in 0..COLUMNS {
        let _ = write!(
            s,
            " {} |",
            column_heading(c, 0).replace(" all 0 rows", " all rows")
        );
    }
    let _ = writeln!(s, "\n| --- | --- |{}", " ---: |".repeat(COLUMNS));
    for t in tables {
        for r in t.results.iter().filter(|r| NATIVE_ROWS.contains(&r.key)) {
            let _ = write!(s, "| {} | {} |", t.title, r.name);
            for c in 0..COLUMNS {
                match (
                    native.rates.get(&(t.key.into(), r.key.into(), c)),
                    r.rates[c],
                ) {
                    (Some(&n), Some(d)) => {
                        let _ = write!(s, " {} ({:+.0} %) |", mega(n), 100.0 * (n / d - 1.0));
                    }
                    _ => s.push_str(" — |"),
                }
            }
            s.push('\n');
        }
    }
    s
}

/// Target features a `-C target-cpu=native` build may add, as compiled in.
fn target_features() -> String {
    let mut f = Vec::new();
    macro_rules! probe {
        ($($name:tt),*) => {$( if cfg!(target_feature = $name) { f.push($name); } )*};
    }
    probe!("sse2", "sse4.2", "avx", "avx2", "fma", "avx512f", "neon");
    if f.is_empty() {
        "none of sse2, sse4.2, avx, avx2, fma, avx512f, neon".into()
    } else {
        f.join(", ")
    }
}

/// Medians saved by `--save`.
struct Saved {
    features: String,
    rates: HashMap<(String, String, usize), f64>,
}

fn save(path: &PathBuf, tables: &[TableResult]) {
    let mut s = format!("# features\t{}\n", target_features());
    for t in tables {
        for r in &t.results {
            for (c, rate) in r.rates.iter().enumerate() {
                if let Some(rate) = rate {
                    let _ = writeln!(s, "{}\t{}\t{c}\t{rate}", t.key, r.key);
                }
            }
        }
    }
    std::fs::write(path, s).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn load(path: &PathBuf) -> Saved {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut saved = Saved {
        features: String::new(),
        rates: HashMap::new(),
    };
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f[..] {
            ["# features", features] => saved.features = features.into(),
            [w, r, c, rate] => {
                let c = c.parse().expect("column");
                saved
                    .rates
                    .insert((w.into(), r.into(), c), rate.parse().expect("rate"));
            }
            _ => panic!("{}: bad line {line:?}", path.display()),
        }
    }
    saved
}

/// `YYYY-MM-DD` (UTC) of now.
fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    // Howard Hinnant's civil_from_days
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `/proc/cpuinfo`'s model name and `nproc`'s count, where available.
fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| std::env::consts::ARCH.into());
    let cpus = std::process::Command::new("nproc")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<usize>().ok())
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()));
    match cpus {
        Some(n) => format!("{model}, {n} CPUs (`nproc`)"),
        None => model,
    }
}

fn rustc() -> Option<String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = std::process::Command::new(rustc).arg("-V").output().ok()?;
    let v = String::from_utf8(out.stdout).ok()?;
    let v = v.trim();
    (!v.is_empty()).then(|| format!("`{v}`"))
}

/// The whole block that goes between the README markers.
fn block(tables: &[TableResult], t: Timing, quick: bool, native: Option<&Saved>) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<!-- generated by `benches/host-speed.sh` (see benches/summary.rs); do not edit by hand -->\n"
    );
    if quick {
        let _ = writeln!(s, "**Quick run: too few rounds to quote.**\n");
    }
    let _ = writeln!(
        s,
        "Measured {} on {}{}, with `cargo bench --bench summary`. Samples per \
         second, median of {} rounds in one process (each round runs every cell in \
         turn for at least {} ms); in brackets, the ratio to the fastest heap \
         contender (1–3) in the same column.\n",
        today(),
        machine(),
        rustc().map(|v| format!(", {v}")).unwrap_or_default(),
        t.rounds,
        t.min_time.as_millis()
    );
    for table in tables {
        s.push_str(&table_markdown(table));
        s.push('\n');
    }
    if let Some(native) = native {
        let _ = writeln!(
            s,
            "**Built with `-C target-cpu=native`** (target features {}; the default \
             build has {}), measured in its own process just before: samples per \
             second, and in brackets the change against the default build above.\n",
            native.features,
            target_features()
        );
        s.push_str(&native_markdown(tables, native));
        s.push('\n');
    }
    s.truncate(s.trim_end().len());
    s.push('\n');
    s
}

fn write_readme(path: &PathBuf, block: &str) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (Some(b), Some(e)) = (text.find(BEGIN), text.find(END)) else {
        panic!("{}: no {BEGIN} … {END} markers", path.display());
    };
    assert!(b < e, "{}: {END} before {BEGIN}", path.display());
    let out = format!("{}{BEGIN}\n{block}{}", &text[..b], &text[e..]);
    std::fs::write(path, out).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    eprintln!("wrote {}", path.display());
}

fn main() {
    let o = opts();
    let t = if o.quick {
        Timing {
            min_time: Duration::from_millis(30),
            rounds: 3,
        }
    } else {
        Timing {
            min_time: Duration::from_millis(200),
            rounds: 7,
        }
    };
    let native = o.native.as_ref().map(load);

    let tables = [measure(&boston(), t), measure(&wide(), t)];

    let block = block(&tables, t, o.quick, native.as_ref());
    println!("{block}");
    for table in &tables {
        eprintln!(
            "{}: training MSE, initial {:.4}",
            table.key, table.losses.initial
        );
        for (name, b1, b32) in &table.losses.trained {
            eprintln!("  {name}: batch 1 {b1:.6}, batch {BATCH} {b32:.6}");
        }
    }
    if let Some(path) = &o.save {
        save(path, &tables);
        eprintln!("saved {}", path.display());
    }
    if let Some(path) = &o.readme {
        write_readme(path, &block);
    }
}
