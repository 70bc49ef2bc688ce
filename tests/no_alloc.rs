//! stacknet never touches the heap: a counting global allocator sees zero
//! allocations while a network is built, run forward and backward, and updated.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use stacknet::prelude::*;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);

/// Counts the allocations made by `f` (the test harness allocates on other
/// threads, so this file holds a single test).
fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    f();
    ALLOCATIONS.load(Ordering::SeqCst) - before
}

#[test]
fn core_operations_allocate_nothing() {
    let mut sink = 0.0f32;
    let count = allocations_during(|| {
        let mut rng = XorShiftRng::seed_from_u64(5);
        let mut net = Net::random(Init::HeNormal, &mut rng);
        let mut cache = <Net as Layer>::Cache::ZERO;
        let mut grads = Net::ZERO;
        for step in 0..100 {
            let x = [step as f32 * 0.01, 1.0 - step as f32 * 0.02];
            let y = net.forward_train(&x, &mut cache);
            net.backward(&cache, &[y[0] - 1.0], &mut grads);
            net.sgd_step(&grads, 0.01);
            grads.fill(0.0);
        }
        let mut flat = [0.0; Net::NUM_PARAMS];
        net.copy_to_slice(&mut flat).unwrap();
        net.copy_from_slice(&flat).unwrap();
        sink = net.forward(&[0.5, 0.5])[0];

        // a whole fit: shuffling, mini-batches, Nesterov momentum, early
        // stopping with best-weight restore, a loss history
        let inputs: [[f32; 2]; 40] = core::array::from_fn(|i| [i as f32 / 40.0, 0.5]);
        let targets: [[f32; 1]; 40] = core::array::from_fn(|i| [i as f32 / 20.0]);
        let data = Dataset::new(&inputs, &targets).unwrap();
        let mut trainer = Trainer::new(Momentum::default(), MeanSquaredError);
        let config = FitConfig {
            epochs: 50,
            batch: Batch::Size(8),
            early_stopping: Some(EarlyStopping::default()),
            ..FitConfig::default()
        };
        let mut history = heapless::Vec::<EpochReport, 64>::new();
        let mut order = [0u32; 40];
        let summary = trainer.fit(&mut net, &data, &config, &mut order, &mut rng, &mut history);
        sink += summary.unwrap().final_train_loss + history.len() as f32;
    });
    assert!(sink.is_finite());
    assert_eq!(count, 0, "stacknet allocated {count} times");
}
