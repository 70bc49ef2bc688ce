//! Saving and loading: bit-exact round trips for every layer type, the
//! documented layout byte for byte, and every damaged record refused with
//! the network left as it was.

mod common;

use common::{AllLayers, Housing, bits};
use stacknet::persist::{LoadError, Persist, SaveError, crc32, read_header};
use stacknet::prelude::*;
use stacknet::rand_core::RngCore;

/// Sets every parameter to an arbitrary finite bit pattern: large, tiny,
/// subnormal, negative zero, so that a round trip through decimal or any
/// lossy step would show.
fn scramble<P: Params>(net: &mut P, seed: u64) {
    let mut rng = XorShiftRng::seed_from_u64(seed);
    net.for_each_block_mut(|block| {
        for p in block {
            *p = loop {
                let v = f32::from_bits(rng.next_u32());
                if v.is_finite() {
                    break v;
                }
            };
        }
    });
}

fn round_trip<L: Layer + Persist>(original: &L, fresh: L) {
    let mut bytes = vec![0u8; L::ENCODED_LEN];
    assert_eq!(original.save(&mut bytes), Ok(L::ENCODED_LEN));
    let mut loaded = fresh;
    assert_eq!(loaded.load(&bytes), Ok(L::ENCODED_LEN));
    assert_eq!(bits(&loaded), bits(original));
    // saving the loaded network gives the same bytes
    let mut again = vec![0u8; L::ENCODED_LEN];
    loaded.save(&mut again).unwrap();
    assert_eq!(again, bytes);
}

#[test]
fn every_layer_type_round_trips_bit_for_bit() {
    let mut dense = Dense::<5, 3>::ZERO;
    scramble(&mut dense, 1);
    round_trip(&dense, Dense::ZERO);
    round_trip(
        &Dense::<1, 1>::from_arrays([[-0.0]], [f32::MIN_POSITIVE / 2.0]),
        Dense::ZERO,
    );
    round_trip(&Identity::<3>, Identity);
    round_trip(&Relu::<3>, Relu);
    round_trip(&LeakyRelu::<3>::with_slope(0.3), LeakyRelu::with_slope(0.3));
    round_trip(&Sigmoid::<3>, Sigmoid);
    round_trip(&Tanh::<3>, Tanh);
    round_trip(&Softmax::<3>, Softmax);

    let mut all = AllLayers::ZERO;
    scramble(&mut all, 2);
    assert!(bits(&all).iter().any(|&b| b != 0));
    round_trip(&all, AllLayers::ZERO);
}

#[test]
fn housing_mlp_round_trips_and_predicts_the_same_bits() {
    let mut rng = XorShiftRng::seed_from_u64(42);
    let mut net = Housing::random(Init::HeNormal, &mut rng);
    // a few training steps so that the biases are not zero
    let (mut cache, mut grads) = (<Housing as Layer>::Cache::ZERO, Housing::ZERO);
    for step in 0..50 {
        let x = [step as f32 * 0.1, 1.0 - step as f32 * 0.03];
        let y = net.forward_train(&x, &mut cache);
        grads.fill(0.0);
        net.backward(&cache, &[y[0] - (x[0] - x[1])], &mut grads);
        net.sgd_step(&grads, 0.01);
    }
    assert!(net.4.biases[0] != 0.0);

    let mut bytes = [0u8; Housing::ENCODED_LEN];
    assert_eq!(bytes.len(), 16 + 4 * 31 + 4);
    net.save(&mut bytes).unwrap();
    let mut loaded = Housing::ZERO;
    loaded.load(&bytes).unwrap();
    assert_eq!(bits(&loaded), bits(&net));
    for i in 0..20 {
        let x = [i as f32 * 0.37 - 3.0, 2.0 - i as f32 * 0.21];
        assert_eq!(
            loaded.forward(&x)[0].to_bits(),
            net.forward(&x)[0].to_bits()
        );
    }
}

#[test]
fn layout_matches_bytes_made_from_the_documentation() {
    // Made in Python from the module docs alone: struct.pack("<4sIII", b"SNET",
    // 1, signature, 3) + struct.pack("<3f", 1, -2, 0.5), then zlib.crc32 of
    // those bytes; the signature by hashing (1, 2, 1) with FNV-1a.
    let expected: [u8; 32] = [
        0x53, 0x4e, 0x45, 0x54, 0x01, 0x00, 0x00, 0x00, 0xd7, 0xef, 0x9e, 0x19, 0x03, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x3f, 0xaf, 0xf9,
        0xba, 0xdb,
    ];
    let layer = Dense::from_arrays([[1.0, -2.0]], [0.5]);
    let mut bytes = [0u8; Dense::<2, 1>::ENCODED_LEN];
    layer.save(&mut bytes).unwrap();
    assert_eq!(bytes, expected);
    assert_eq!(Dense::<2, 1>::SIGNATURE, 0x199e_efd7);
    // the tuple rule of the docs, computed the same way in Python
    assert_eq!(Housing::SIGNATURE, 0xf773_e115);
}

/// The record of the housing MLP used by the corruption tests.
fn sample() -> (Housing, [u8; Housing::ENCODED_LEN]) {
    let mut net = Housing::ZERO;
    scramble(&mut net, 7);
    let mut bytes = [0u8; Housing::ENCODED_LEN];
    net.save(&mut bytes).unwrap();
    (net, bytes)
}

#[test]
fn every_single_byte_change_is_refused_and_changes_nothing() {
    let (original, bytes) = sample();
    let mut target = Housing::ZERO;
    scramble(&mut target, 8);
    let before = bits(&target);
    let mut refused = 0;
    for pos in 0..bytes.len() {
        for value in 0..=255u8 {
            if value == bytes[pos] {
                continue;
            }
            let mut damaged = bytes;
            damaged[pos] = value;
            let err = target
                .load(&damaged)
                .expect_err("a damaged record was accepted");
            let expected_kind = match pos {
                0..4 => matches!(err, LoadError::BadMagic { .. }),
                4..8 => matches!(err, LoadError::UnsupportedVersion { found } if found != 1),
                8..12 => matches!(err, LoadError::ShapeMismatch { expected, found }
                    if expected == Housing::SIGNATURE && found != expected),
                12..16 => matches!(err, LoadError::ParamCountMismatch { expected: 31, found }
                    if found != 31),
                _ => {
                    matches!(err, LoadError::BadChecksum { stored, computed } if stored != computed)
                }
            };
            assert!(expected_kind, "byte {pos} = {value:#04x}: {err:?}");
            assert_eq!(bits(&target), before, "byte {pos}: the network changed");
            refused += 1;
        }
    }
    assert_eq!(refused, bytes.len() * 255);
    // and the undamaged record still loads
    target.load(&bytes).unwrap();
    assert_eq!(bits(&target), bits(&original));
}

#[test]
fn every_truncation_is_refused() {
    let (_, bytes) = sample();
    let mut target = Housing::ZERO;
    for len in 0..bytes.len() {
        let needed = if len < 16 { 16 } else { bytes.len() };
        assert_eq!(
            target.load(&bytes[..len]),
            Err(LoadError::TooShort { needed, found: len })
        );
    }
    assert_eq!(bits(&target), bits(&Housing::ZERO));
}

#[test]
fn records_sit_back_to_back_and_trailing_bytes_are_ignored() {
    let (net, _) = sample();
    let other = Dense::<2, 1>::from_arrays([[3.0, 4.0]], [5.0]);
    let mut storage = [0xFFu8; 256];
    let first = net.save(&mut storage).unwrap();
    let second = other.save(&mut storage[first..]).unwrap();
    assert_eq!(first + second, Housing::ENCODED_LEN + 32);
    assert!(storage[first + second..].iter().all(|&b| b == 0xFF));

    let (mut a, mut b) = (Housing::ZERO, Dense::<2, 1>::ZERO);
    assert_eq!(a.load(&storage), Ok(first));
    assert_eq!(b.load(&storage[first..]), Ok(second));
    assert_eq!(bits(&a), bits(&net));
    assert_eq!(b, other);
}

#[test]
fn a_record_for_another_shape_is_refused() {
    let mut bytes = [0u8; Dense::<2, 4>::ENCODED_LEN];
    Dense::<2, 4>::from_arrays([[1.0; 2]; 4], [0.5; 4])
        .save(&mut bytes)
        .unwrap();
    // same parameter count, transposed shape
    assert_eq!(Dense::<4, 2>::NUM_PARAMS, 10);
    let mut transposed = Dense::<4, 2>::from_arrays([[2.0; 4]; 2], [3.0; 2]);
    assert_eq!(
        transposed.load(&bytes),
        Err(LoadError::ShapeMismatch {
            expected: Dense::<4, 2>::SIGNATURE,
            found: Dense::<2, 4>::SIGNATURE,
        })
    );
    assert_eq!(transposed, Dense::from_arrays([[2.0; 4]; 2], [3.0; 2]));
    // same sizes, another activation
    let mut relu = [0u8; 20];
    Relu::<4>.save(&mut relu).unwrap();
    assert!(matches!(
        Tanh::<4>.load(&relu),
        Err(LoadError::ShapeMismatch { .. })
    ));
}

/// Replaces the checksum so that a deliberately changed record is
/// internally consistent.
fn reseal(bytes: &mut [u8]) {
    let n = bytes.len() - 4;
    let crc = crc32(&bytes[..n]);
    bytes[n..].copy_from_slice(&crc.to_le_bytes());
}

#[test]
fn consistent_but_wrong_headers_and_values_get_their_own_errors() {
    let (_, bytes) = sample();
    let mut target = Housing::ZERO;

    let mut v2 = bytes;
    v2[4] = 2;
    reseal(&mut v2);
    assert_eq!(
        target.load(&v2),
        Err(LoadError::UnsupportedVersion { found: 2 })
    );

    let mut magic = bytes;
    magic[..4].copy_from_slice(b"PK\x03\x04");
    reseal(&mut magic);
    assert_eq!(
        target.load(&magic),
        Err(LoadError::BadMagic {
            found: *b"PK\x03\x04"
        })
    );

    let mut count = bytes;
    count[12] = 30;
    reseal(&mut count);
    assert_eq!(
        target.load(&count),
        Err(LoadError::ParamCountMismatch {
            expected: 31,
            found: 30
        })
    );

    for (index, bad) in [(0, f32::NAN), (17, f32::INFINITY), (30, f32::NEG_INFINITY)] {
        let mut non_finite = bytes;
        let at = 16 + 4 * index;
        non_finite[at..at + 4].copy_from_slice(&bad.to_le_bytes());
        reseal(&mut non_finite);
        assert_eq!(
            target.load(&non_finite),
            Err(LoadError::NonFinite { index })
        );
    }
    assert_eq!(bits(&target), bits(&Housing::ZERO));
}

#[test]
fn save_errors_leave_the_buffer_alone() {
    let (net, _) = sample();
    let mut short = [0x5Au8; Housing::ENCODED_LEN - 1];
    assert_eq!(
        net.save(&mut short),
        Err(SaveError::BufferTooSmall {
            needed: 144,
            found: 143
        })
    );
    assert!(short.iter().all(|&b| b == 0x5A));

    let mut broken = net;
    broken.2.weights[1][2] = f32::NAN;
    let mut buffer = [0x5Au8; Housing::ENCODED_LEN];
    // Dense<2, 4> has 12 parameters; weights[1][2] of Dense<4, 3> is 4 + 2 further
    assert_eq!(
        broken.save(&mut buffer),
        Err(SaveError::NonFinite { index: 18 })
    );
    assert!(buffer.iter().all(|&b| b == 0x5A));
}

#[test]
fn header_can_be_read_without_the_network() {
    let (_, bytes) = sample();
    let header = read_header(&bytes).unwrap();
    assert_eq!(header.version, 1);
    assert_eq!(header.signature, Housing::SIGNATURE);
    assert_eq!(header.num_params, 31);
    assert_eq!(header.record_len(), Some(Housing::ENCODED_LEN));
    assert_eq!(
        read_header(b"SNET"),
        Err(LoadError::TooShort {
            needed: 16,
            found: 4
        })
    );
}

#[test]
fn errors_have_distinct_messages_and_are_errors() {
    let errors: [&dyn std::error::Error; 9] = [
        &LoadError::TooShort {
            needed: 16,
            found: 3,
        },
        &LoadError::BadMagic { found: *b"ABCD" },
        &LoadError::UnsupportedVersion { found: 9 },
        &LoadError::ShapeMismatch {
            expected: 1,
            found: 2,
        },
        &LoadError::ParamCountMismatch {
            expected: 31,
            found: 30,
        },
        &LoadError::BadChecksum {
            stored: 1,
            computed: 2,
        },
        &LoadError::NonFinite { index: 4 },
        &SaveError::BufferTooSmall {
            needed: 148,
            found: 10,
        },
        &SaveError::NonFinite { index: 5 },
    ];
    let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(messages[0], "record truncated: needs 16 bytes, found 3");
    assert_eq!(
        messages[3],
        "record is for another network shape (signature 0x00000002, expected 0x00000001)"
    );
    for (i, a) in messages.iter().enumerate() {
        for b in &messages[i + 1..] {
            assert_ne!(a, b);
        }
    }
}
