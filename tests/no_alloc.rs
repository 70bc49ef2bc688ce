//! stacknet never touches the heap: a counting global allocator sees zero
//! allocations while a network is built, run forward and backward, and
//! updated, and while records are written, read, refused and checked.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use stacknet::persist::{LoadError, Persist, crc32, read_header};
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
fn core_operations_and_persistence_allocate_nothing() {
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

    // saving and loading
    let mut outcomes = [Ok(0); 8];
    let mut same = false;
    let count = allocations_during(|| {
        let mut rng = XorShiftRng::seed_from_u64(3);
        let net = Net::random(Init::HeNormal, &mut rng);
        let mut bytes = [0u8; Net::ENCODED_LEN];
        let mut loaded = Net::ZERO;
        outcomes[0] = net
            .save(&mut bytes)
            .map_err(|_| LoadError::BadMagic { found: [0; 4] });
        outcomes[1] = loaded.load(&bytes);
        same = loaded == net;

        let mut damaged = bytes;
        damaged[120] ^= 0x10;
        outcomes[2] = loaded.load(&damaged);
        outcomes[3] = loaded.load(&bytes[..100]);
        let mut transposed = Dense::<4, 2>::ZERO;
        outcomes[4] = transposed.load(&bytes);
        damaged = bytes;
        damaged[0] = b'X';
        outcomes[5] = loaded.load(&damaged);
        outcomes[6] = read_header(&bytes).map(|h| h.num_params as usize);
        outcomes[7] = Ok(crc32(&bytes) as usize);
    });
    assert_eq!(count, 0, "persist allocated {count} times");
    assert!(same);
    assert_eq!(outcomes[0], Ok(Net::ENCODED_LEN));
    assert_eq!(outcomes[1], Ok(Net::ENCODED_LEN));
    assert!(matches!(outcomes[2], Err(LoadError::BadChecksum { .. })));
    assert!(matches!(
        outcomes[3],
        Err(LoadError::TooShort {
            needed: 228, // 24 + 16 · 5 layers + 4 · 31 parameters
            found: 100
        })
    ));
    assert!(matches!(
        outcomes[4],
        Err(LoadError::LayerCountMismatch { .. })
    ));
    assert!(matches!(outcomes[5], Err(LoadError::BadMagic { .. })));
    assert_eq!(outcomes[6], Ok(31));
    assert!(matches!(outcomes[7], Ok(c) if c != 0));
}
