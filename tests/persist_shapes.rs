//! The shape tag tells every two shapes apart: over a pool of networks
//! (single layers, permuted activations, transposed and same-count sizes,
//! nested tuples, the hash collisions of issue 13, LeakyRelu slopes), a
//! record saved by one network is accepted by another exactly when their
//! structures, written out by hand below from the documented format, are
//! equal. Proptest draws the pair, the slopes and the parameters.

use proptest::prelude::*;
use stacknet::persist::{LoadError, Persist};
use stacknet::prelude::*;
use stacknet::rand_core::RngCore;

// One layer's four words as the module docs define them: kind, inputs,
// outputs, setting. Kinds: Dense 1, Identity 2, Relu 3, LeakyRelu 4,
// Sigmoid 5, Tanh 6, Softmax 7.
fn dense(i: u32, o: u32) -> [u32; 4] {
    [1, i, o, 0]
}
fn identity(n: u32) -> [u32; 4] {
    [2, n, n, 0]
}
fn relu(n: u32) -> [u32; 4] {
    [3, n, n, 0]
}
fn leaky(n: u32, slope: f32) -> [u32; 4] {
    [4, n, n, slope.to_bits()]
}
fn sigmoid(n: u32) -> [u32; 4] {
    [5, n, n, 0]
}
fn tanh(n: u32) -> [u32; 4] {
    [6, n, n, 0]
}
fn softmax(n: u32) -> [u32; 4] {
    [7, n, n, 0]
}

fn scramble<P: Params>(net: &mut P, seed: u64) {
    let mut rng = XorShiftRng::seed_from_u64(seed);
    net.for_each_block_mut(|block| {
        for p in block {
            *p = (rng.next_u32() >> 8) as f32 / 65536.0 - 128.0;
        }
    });
}

/// The structure a network reports, layer by layer.
fn reported<L: Layer>(net: &L) -> Vec<[u32; 4]> {
    (0..L::LAYERS).map(|k| net.layer_shape(k).words()).collect()
}

/// `pool!` turns a list of `[structure] => |slope| network` entries into
/// functions that describe, save and load entry `i`.
macro_rules! pool {
    ($( [$($desc:expr),+ $(,)?] => |$s:ident| $net:expr ; )+) => {
        const COUNT: usize = [$(stringify!($net)),+].len();

        /// The hand-written structure of entry `i` with slope `slope`.
        fn describe(i: usize, slope: f32) -> Vec<[u32; 4]> {
            let mut k = 0;
            $(
                if i == k {
                    let $s = slope;
                    let _ = $s;
                    return vec![$($desc),+];
                }
                k += 1;
            )+
            unreachable!("entry {i} of {k}")
        }

        /// The record of entry `i`, scrambled from `seed`; checks on the way
        /// that the network reports the hand-written structure.
        fn save(i: usize, slope: f32, seed: u64) -> Vec<u8> {
            let mut k = 0;
            $(
                if i == k {
                    let $s = slope;
                    let _ = $s;
                    let mut net = $net;
                    scramble(&mut net, seed);
                    assert_eq!(reported(&net), describe(i, slope), "entry {i}");
                    let mut bytes = vec![0u8; record_len(&net)];
                    Persist::<f32>::save(&net, &mut bytes).unwrap();
                    return bytes;
                }
                k += 1;
            )+
            unreachable!("entry {i} of {k}")
        }

        /// Loads `bytes` into entry `j`; a refusal must leave it unchanged,
        /// and an acceptance must load exactly the record's parameters.
        fn load(j: usize, slope: f32, bytes: &[u8]) -> Result<usize, LoadError> {
            let mut k = 0;
            $(
                if j == k {
                    let $s = slope;
                    let _ = $s;
                    let mut net = $net;
                    net.fill(0.75);
                    let before = net;
                    let result = Persist::<f32>::load(&mut net, bytes);
                    match result {
                        Ok(len) => {
                            let mut again = vec![0u8; len];
                            Persist::<f32>::save(&net, &mut again).unwrap();
                            assert_eq!(again, bytes, "entry {j} loaded other values");
                        }
                        Err(_) => assert_eq!(net, before, "entry {j} changed on refusal"),
                    }
                    return result;
                }
                k += 1;
            )+
            unreachable!("entry {j} of {k}")
        }
    };
}

/// `ENCODED_LEN` of a value's type, for the macro above.
fn record_len<L: Persist>(_: &L) -> usize {
    L::ENCODED_LEN
}

pool! {
    [dense(2, 1)] => |s| Dense::<2, 1>::ZERO;
    [dense(1, 2)] => |s| Dense::<1, 2>::ZERO;
    [dense(4, 2)] => |s| Dense::<4, 2>::ZERO;
    [dense(2, 4)] => |s| Dense::<2, 4>::ZERO;
    [relu(2)] => |s| Relu::<2>;
    [relu(3)] => |s| Relu::<3>;
    [identity(2)] => |s| Identity::<2>;
    [leaky(2, s)] => |s| LeakyRelu::<2>::with_slope(s);
    [sigmoid(2)] => |s| Sigmoid::<2>;
    [tanh(2)] => |s| Tanh::<2>;
    [softmax(2)] => |s| Softmax::<2>;
    [dense(2, 4), relu(4), dense(4, 1)] => |s| (Dense::<2, 4>::ZERO, Relu::<4>, Dense::<4, 1>::ZERO);
    [dense(2, 4), tanh(4), dense(4, 1)] => |s| (Dense::<2, 4>::ZERO, Tanh::<4>, Dense::<4, 1>::ZERO);
    [dense(2, 4), leaky(4, s), dense(4, 1)] =>
        |s| (Dense::<2, 4>::ZERO, LeakyRelu::<4>::with_slope(s), Dense::<4, 1>::ZERO);
    // nested tuples list their layers in place: the same structure as above
    [dense(2, 4), relu(4), dense(4, 1)] =>
        |s| (Dense::<2, 4>::ZERO, (Relu::<4>, Dense::<4, 1>::ZERO));
    [dense(2, 4), relu(4), dense(4, 1)] =>
        |s| ((Dense::<2, 4>::ZERO, Relu::<4>), Dense::<4, 1>::ZERO);
    [dense(2, 4), dense(4, 1)] => |s| (Dense::<2, 4>::ZERO, Dense::<4, 1>::ZERO);
    [dense(2, 4), relu(4), dense(4, 1), identity(1)] =>
        |s| (Dense::<2, 4>::ZERO, Relu::<4>, Dense::<4, 1>::ZERO, Identity::<1>);
    // 17 parameters, as (Dense<2, 4>, _, Dense<4, 1>)
    [dense(2, 3), relu(3), dense(3, 2)] => |s| (Dense::<2, 3>::ZERO, Relu::<3>, Dense::<3, 2>::ZERO);
    [relu(2), dense(2, 4), relu(4), dense(4, 1)] =>
        |s| (Relu::<2>, Dense::<2, 4>::ZERO, Relu::<4>, Dense::<4, 1>::ZERO);
    [dense(2, 4), relu(4), sigmoid(4), dense(4, 1)] =>
        |s| (Dense::<2, 4>::ZERO, Relu::<4>, Sigmoid::<4>, Dense::<4, 1>::ZERO);
    [dense(2, 4), sigmoid(4), relu(4), dense(4, 1)] =>
        |s| (Dense::<2, 4>::ZERO, Sigmoid::<4>, Relu::<4>, Dense::<4, 1>::ZERO);
    [dense(2, 4), relu(4), dense(4, 3), relu(3), dense(3, 1)] => |s| (
        Dense::<2, 4>::ZERO, Relu::<4>, Dense::<4, 3>::ZERO, Relu::<3>, Dense::<3, 1>::ZERO,
    );
    [dense(2, 4), leaky(4, s), dense(4, 3), leaky(3, s), dense(3, 1)] => |s| (
        Dense::<2, 4>::ZERO,
        LeakyRelu::<4>::with_slope(s),
        Dense::<4, 3>::ZERO,
        LeakyRelu::<3>::with_slope(s),
        Dense::<3, 1>::ZERO,
    );
    [dense(2, 4), leaky(4, s), dense(4, 3), relu(3), dense(3, 1)] => |s| (
        Dense::<2, 4>::ZERO,
        LeakyRelu::<4>::with_slope(s),
        Dense::<4, 3>::ZERO,
        Relu::<3>,
        Dense::<3, 1>::ZERO,
    );
    // the pairs whose version-1 hashes and parameter counts collide
    [
        dense(2, 15), relu(15), dense(15, 4), relu(4),
        dense(4, 4), sigmoid(4), dense(4, 1), leaky(1, s),
    ] => |s| (
        Dense::<2, 15>::ZERO, Relu::<15>, Dense::<15, 4>::ZERO, Relu::<4>,
        Dense::<4, 4>::ZERO, Sigmoid::<4>, Dense::<4, 1>::ZERO, LeakyRelu::<1>::with_slope(s),
    );
    [
        dense(2, 15), softmax(15), dense(15, 4), sigmoid(4),
        dense(4, 4), leaky(4, s), dense(4, 1), identity(1),
    ] => |s| (
        Dense::<2, 15>::ZERO, Softmax::<15>, Dense::<15, 4>::ZERO, Sigmoid::<4>,
        Dense::<4, 4>::ZERO, LeakyRelu::<4>::with_slope(s), Dense::<4, 1>::ZERO, Identity::<1>,
    );
    [dense(2, 49), relu(49), dense(49, 329), leaky(329, s), dense(329, 1), identity(1)] => |s| (
        Dense::<2, 49>::ZERO, Relu::<49>, Dense::<49, 329>::ZERO,
        LeakyRelu::<329>::with_slope(s), Dense::<329, 1>::ZERO, Identity::<1>,
    );
    [dense(2, 66), identity(66), dense(66, 246), leaky(246, s), dense(246, 1), tanh(1)] => |s| (
        Dense::<2, 66>::ZERO, Identity::<66>, Dense::<66, 246>::ZERO,
        LeakyRelu::<246>::with_slope(s), Dense::<246, 1>::ZERO, Tanh::<1>,
    );
    // twelve layers, and the same twelve with one activation changed
    [
        dense(3, 5), tanh(5), dense(5, 5), sigmoid(5), dense(5, 4), relu(4),
        dense(4, 4), identity(4), dense(4, 3), tanh(3), dense(3, 2), softmax(2),
    ] => |s| (
        Dense::<3, 5>::ZERO, Tanh::<5>, Dense::<5, 5>::ZERO, Sigmoid::<5>,
        Dense::<5, 4>::ZERO, Relu::<4>, Dense::<4, 4>::ZERO, Identity::<4>,
        Dense::<4, 3>::ZERO, Tanh::<3>, Dense::<3, 2>::ZERO, Softmax::<2>,
    );
    [
        dense(3, 5), tanh(5), dense(5, 5), sigmoid(5), dense(5, 4), relu(4),
        dense(4, 4), identity(4), dense(4, 3), tanh(3), dense(3, 2), leaky(2, s),
    ] => |s| (
        Dense::<3, 5>::ZERO, Tanh::<5>, Dense::<5, 5>::ZERO, Sigmoid::<5>,
        Dense::<5, 4>::ZERO, Relu::<4>, Dense::<4, 4>::ZERO, Identity::<4>,
        Dense::<4, 3>::ZERO, Tanh::<3>, Dense::<3, 2>::ZERO, LeakyRelu::<2>::with_slope(s),
    );
}

const SLOPES: [f32; 3] = [0.01, 0.2, 0.5];

#[test]
fn every_pair_accepts_exactly_when_the_structures_are_equal() {
    for i in 0..COUNT {
        let bytes = save(i, 0.01, i as u64);
        for j in 0..COUNT {
            let same = describe(i, 0.01) == describe(j, 0.01);
            assert_eq!(load(j, 0.01, &bytes).is_ok(), same, "{i} into {j}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn no_two_different_shapes_accept_each_others_records(
        i in 0..COUNT,
        // half the draws load into the same entry, where only slopes differ
        j in 0..2 * COUNT,
        slope_i in 0..SLOPES.len(),
        slope_j in 0..SLOPES.len(),
        seed in any::<u64>(),
    ) {
        let j = if j < COUNT { j } else { i };
        let (si, sj) = (SLOPES[slope_i], SLOPES[slope_j]);
        let bytes = save(i, si, seed);
        let result = load(j, sj, &bytes);
        let same = describe(i, si) == describe(j, sj);
        prop_assert_eq!(result.is_ok(), same, "{} into {}: {:?}", i, j, result);
        if let Ok(len) = result {
            prop_assert_eq!(len, bytes.len());
        }
    }
}
