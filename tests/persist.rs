//! Saving and loading: bit-exact round trips for every layer type, the
//! documented layout byte for byte, and every damaged record refused with
//! the network left as it was.

mod common;

use common::{AllLayers, Housing, bits};
use stacknet::persist::{LoadError, Persist, SaveError, ShapeField, crc32, read_header};
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
    assert_eq!(bytes.len(), 20 + 16 * 5 + 4 * 31 + 4);
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

/// A version-2 record as version 3 writes it: version 3, the number-type
/// word (0, `f32`) after the 16-byte header, the CRC-32 over the new bytes.
fn as_version3(v2: &[u8]) -> Vec<u8> {
    let mut v3 = v2[..16].to_vec();
    v3[4] = 3;
    v3.extend_from_slice(&0u32.to_le_bytes());
    v3.extend_from_slice(&v2[16..v2.len() - 4]);
    let crc = stacknet::persist::crc32(&v3);
    v3.extend_from_slice(&crc.to_le_bytes());
    v3
}

#[test]
fn layout_matches_bytes_made_from_the_documentation() {
    // Made in Python from the module docs alone: struct.pack("<4sIII", b"SNET",
    // 2, 1, 3) + struct.pack("<4I", 1, 2, 1, 0) + struct.pack("<3f", 1, -2,
    // 0.5), then zlib.crc32 of those bytes.
    let expected: [u8; 48] = [
        0x53, 0x4e, 0x45, 0x54, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x3f, 0x4b,
        0x6d, 0xe2, 0xb5,
    ];
    let layer = Dense::from_arrays([[1.0, -2.0]], [0.5]);
    let mut bytes = [0u8; Dense::<2, 1>::ENCODED_LEN];
    layer.save(&mut bytes).unwrap();
    assert_eq!(bytes[..], as_version3(&expected)[..]);
    // the version-2 record (f32 by definition) still loads
    let mut loaded = Dense::<2, 1>::ZERO;
    assert_eq!(loaded.load(&expected), Ok(48));
    assert_eq!(loaded, layer);
}

#[test]
fn the_structure_of_a_leaky_relu_network_holds_its_slope() {
    // Python, from the docs: header (2, 2 layers, 3 parameters), then
    // struct.pack("<4I", 1, 2, 1, 0) for Dense<2, 1> and
    // struct.pack("<4I", 4, 1, 1, bits) for LeakyRelu<1> with
    // bits = struct.unpack("<I", struct.pack("<f", 0.25)), the parameters
    // and zlib.crc32.
    let expected: [u8; 64] = [
        0x53, 0x4e, 0x45, 0x54, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x80, 0x3e, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x3f,
        0x81, 0x9b, 0x85, 0x7d,
    ];
    type Net = (Dense<2, 1>, LeakyRelu<1>);
    let net: Net = (
        Dense::from_arrays([[1.0, -2.0]], [0.5]),
        LeakyRelu::with_slope(0.25),
    );
    let mut bytes = [0u8; Net::ENCODED_LEN];
    assert_eq!(net.save(&mut bytes), Ok(68));
    assert_eq!(bytes[..], as_version3(&expected)[..]);

    // the slope is checked, not restored: the default slope refuses it
    let mut default = Net::ZERO;
    assert_eq!(
        default.load(&expected),
        Err(LoadError::ShapeMismatch {
            layer: 1,
            field: ShapeField::Setting,
            expected: 0x3c23_d70a, // 0.01
            found: 0x3e80_0000,    // 0.25
        })
    );
    assert_eq!(default, Net::ZERO);
    let mut same_slope = (Dense::ZERO, LeakyRelu::with_slope(0.25));
    assert_eq!(same_slope.load(&expected), Ok(64));
    assert_eq!(same_slope, net);
}

/// A version-1 record of `Dense<2, 1>` with weights `[1, -2]` and bias 0.5,
/// made in Python from the version-1 docs: struct.pack("<4sIII", b"SNET", 1,
/// signature, 3) + struct.pack("<3f", 1, -2, 0.5), then zlib.crc32; the
/// signature by hashing (1, 2, 1) with FNV-1a.
const DENSE_V1: [u8; 32] = [
    0x53, 0x4e, 0x45, 0x54, 0x01, 0x00, 0x00, 0x00, 0xd7, 0xef, 0x9e, 0x19, 0x03, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x3f, 0xaf, 0xf9, 0xba, 0xdb,
];

/// A version-1 record of `net`, laid out as version 1 was.
fn version1<L: Layer>(net: &L) -> Vec<u8> {
    let mut bytes = b"SNET".to_vec();
    for word in [1, L::SIGNATURE, L::NUM_PARAMS as u32] {
        bytes.extend_from_slice(&word.to_le_bytes());
    }
    let mut flat = vec![0.0f32; L::NUM_PARAMS];
    net.copy_to_slice(&mut flat).unwrap();
    for p in flat {
        bytes.extend_from_slice(&p.to_le_bytes());
    }
    let crc = crc32(&bytes);
    bytes.extend_from_slice(&crc.to_le_bytes());
    bytes
}

#[test]
fn version_1_records_still_load_where_the_hash_is_all_there_is() {
    assert_eq!(Dense::<2, 1>::SIGNATURE, 0x199e_efd7);
    // the tuple rule of the version-1 docs, computed the same way in Python
    assert_eq!(Housing::SIGNATURE, 0xf773_e115);

    let mut layer = Dense::<2, 1>::ZERO;
    assert_eq!(layer.load(&DENSE_V1), Ok(32));
    assert_eq!(layer, Dense::from_arrays([[1.0, -2.0]], [0.5]));
    assert_eq!(
        read_header(&DENSE_V1).map(|h| (h.version, h.signature, h.record_len())),
        Ok((1, Some(0x199e_efd7), Some(32)))
    );

    let (net, _) = sample();
    let old = version1(&net);
    assert_eq!(old.len(), 20 + 4 * 31);
    let mut loaded = Housing::ZERO;
    assert_eq!(loaded.load(&old), Ok(old.len()));
    assert_eq!(bits(&loaded), bits(&net));

    // another shape's hash is refused
    let mut other = Dense::<1, 2>::ZERO;
    assert_eq!(
        other.load(&DENSE_V1),
        Err(LoadError::SignatureMismatch {
            expected: Dense::<1, 2>::SIGNATURE,
            found: 0x199e_efd7,
        })
    );
}

#[test]
fn version_1_records_do_not_load_into_networks_with_settings_unless_asked() {
    type Leaky = (Dense<2, 3>, LeakyRelu<3>, Dense<3, 1>);
    let mut trained: Leaky = Leaky::ZERO;
    scramble(&mut trained, 3);
    trained.1 = LeakyRelu::with_slope(0.2);
    let old = version1(&trained);

    let mut target: Leaky = Leaky::ZERO;
    target.1 = LeakyRelu::with_slope(0.2);
    let before = target;
    assert_eq!(target.load(&old), Err(LoadError::Version1Settings));
    assert_eq!(target, before);
    assert_eq!(target.load_version1_keeping_settings(&old), Ok(old.len()));
    assert_eq!(bits(&target), bits(&trained));
    assert_eq!(target.1.slope, 0.2);

    // a version-2 record goes through the same checks on both paths
    let mut bytes = [0u8; Leaky::ENCODED_LEN];
    trained.save(&mut bytes).unwrap();
    let mut other_slope: Leaky = Leaky::ZERO;
    assert!(matches!(
        other_slope.load_version1_keeping_settings(&bytes),
        Err(LoadError::ShapeMismatch {
            layer: 1,
            field: ShapeField::Setting,
            ..
        })
    ));
    assert_eq!(other_slope, Leaky::ZERO);
}

/// Saves `A::ZERO` with its parameters set to 0.5 and loads the record into
/// a `B` whose parameters are 0.25; returns the result, after checking that
/// a refusal left the `B` as it was.
fn cross_load<A: Layer + Persist, B: Layer + Persist + Copy + PartialEq + core::fmt::Debug>()
-> Result<usize, LoadError> {
    let mut a = A::ZERO;
    a.fill(0.5);
    let mut bytes = vec![0u8; A::ENCODED_LEN];
    a.save(&mut bytes).unwrap();
    let mut b = B::ZERO;
    b.fill(0.25);
    let before = b;
    let result = b.load(&bytes);
    if result.is_err() {
        assert_eq!(b, before);
    }
    result
}

#[test]
fn the_colliding_pairs_of_the_issue_are_refused() {
    type A1 = (
        Dense<2, 15>,
        Relu<15>,
        Dense<15, 4>,
        Relu<4>,
        Dense<4, 4>,
        Sigmoid<4>,
        Dense<4, 1>,
        LeakyRelu<1>,
    );
    type B1 = (
        Dense<2, 15>,
        Softmax<15>,
        Dense<15, 4>,
        Sigmoid<4>,
        Dense<4, 4>,
        LeakyRelu<4>,
        Dense<4, 1>,
        Identity<1>,
    );
    type A2 = (
        Dense<2, 49>,
        Relu<49>,
        Dense<49, 329>,
        LeakyRelu<329>,
        Dense<329, 1>,
        Identity<1>,
    );
    type B2 = (
        Dense<2, 66>,
        Identity<66>,
        Dense<66, 246>,
        LeakyRelu<246>,
        Dense<246, 1>,
        Tanh<1>,
    );
    // the collisions are real: same version-1 hash, same parameter count
    assert_eq!(A1::SIGNATURE, B1::SIGNATURE);
    assert_eq!(A1::NUM_PARAMS, B1::NUM_PARAMS);
    assert_eq!(A2::SIGNATURE, B2::SIGNATURE);
    assert_eq!(A2::NUM_PARAMS, B2::NUM_PARAMS);

    // Relu (3) against Softmax (7) at layer 1
    let kind = |expected, found| {
        Err(LoadError::ShapeMismatch {
            layer: 1,
            field: ShapeField::Kind,
            expected,
            found,
        })
    };
    assert_eq!(cross_load::<A1, B1>(), kind(7, 3));
    assert_eq!(cross_load::<B1, A1>(), kind(3, 7));
    // Dense<2, 49> against Dense<2, 66> at layer 0
    let outputs = |expected, found| {
        Err(LoadError::ShapeMismatch {
            layer: 0,
            field: ShapeField::Outputs,
            expected,
            found,
        })
    };
    assert_eq!(cross_load::<A2, B2>(), outputs(66, 49));
    assert_eq!(cross_load::<B2, A2>(), outputs(49, 66));
    // each still loads its own record
    assert_eq!(cross_load::<A1, A1>(), Ok(A1::ENCODED_LEN));
    assert_eq!(cross_load::<B2, B2>(), Ok(B2::ENCODED_LEN));

    // their version-1 records hold a LeakyRelu, so `load` refuses them too
    let mut b1 = B1::ZERO;
    assert_eq!(
        b1.load(&version1(&A1::ZERO)),
        Err(LoadError::Version1Settings)
    );
}

#[test]
fn a_nested_tuple_has_the_structure_of_the_flat_one() {
    type Flat = (Dense<2, 3>, Relu<3>, Dense<3, 1>);
    type Nested = (Dense<2, 3>, (Relu<3>, Dense<3, 1>));
    assert_eq!(Nested::LAYERS, 3);
    assert_eq!(cross_load::<Flat, Nested>(), Ok(Flat::ENCODED_LEN));
    assert_eq!(cross_load::<Nested, Flat>(), Ok(Flat::ENCODED_LEN));
    // but not a network with one layer less
    assert_eq!(
        cross_load::<Flat, (Dense<2, 3>, Dense<3, 1>)>(),
        Err(LoadError::LayerCountMismatch {
            expected: 2,
            found: 3
        })
    );
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
            let structure_end = 20 + 16 * Housing::LAYERS;
            let expected_kind = match pos {
                0..4 => matches!(err, LoadError::BadMagic { .. }),
                // version 1 reads the layer count as a signature
                4..8 if damaged[4..8] == [1, 0, 0, 0] => matches!(
                    err,
                    LoadError::SignatureMismatch { expected, found: 5 }
                        if expected == Housing::SIGNATURE
                ),
                // version 2 has no number-type word: its structure starts
                // at the number type, 0, which is no layer kind
                4..8 if damaged[4..8] == [2, 0, 0, 0] => matches!(
                    err,
                    LoadError::ShapeMismatch {
                        layer: 0,
                        field: ShapeField::Kind,
                        expected: 1,
                        found: 0
                    }
                ),
                4..8 => matches!(err, LoadError::UnsupportedVersion { found }
                    if found != 1 && found != 2 && found != 3),
                8..12 => matches!(err, LoadError::LayerCountMismatch { expected: 5, found }
                    if found != 5),
                12..16 => matches!(err, LoadError::ParamCountMismatch { expected: 31, found }
                    if found != 31),
                16..20 if damaged[16..20] == [1, 0, 0, 0] || damaged[16..20] == [2, 0, 0, 0] => {
                    matches!(
                        err,
                        LoadError::NumberTypeMismatch {
                            expected: 0,
                            found: 1 | 2
                        }
                    )
                }
                16..20 => matches!(err, LoadError::UnknownNumberType { found } if found > 2),
                _ if pos < structure_end => {
                    let (layer, field) = ((pos - 20) / 16, (pos - 20) % 16 / 4);
                    let fields = [
                        ShapeField::Kind,
                        ShapeField::Inputs,
                        ShapeField::Outputs,
                        ShapeField::Setting,
                    ];
                    matches!(err, LoadError::ShapeMismatch { layer: l, field: f, expected, found }
                        if l as usize == layer && f == fields[field] && expected != found)
                }
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
        let needed = if len < 16 {
            16
        } else if len < 20 {
            20 // the number-type word after the header
        } else {
            bytes.len()
        };
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
    let mut storage = [0xFFu8; 320];
    let first = net.save(&mut storage).unwrap();
    let second = other.save(&mut storage[first..]).unwrap();
    assert_eq!(first + second, Housing::ENCODED_LEN + 52);
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
    // the transposed shape: the structure is checked before the count
    assert_eq!(Dense::<4, 2>::NUM_PARAMS, 10);
    let mut transposed = Dense::<4, 2>::from_arrays([[2.0; 4]; 2], [3.0; 2]);
    assert_eq!(
        transposed.load(&bytes),
        Err(LoadError::ShapeMismatch {
            layer: 0,
            field: ShapeField::Inputs,
            expected: 4,
            found: 2,
        })
    );
    assert_eq!(transposed, Dense::from_arrays([[2.0; 4]; 2], [3.0; 2]));
    // same sizes, another activation
    let mut relu = [0u8; 40];
    Persist::<f32>::save(&Relu::<4>, &mut relu).unwrap();
    assert_eq!(
        Persist::<f32>::load(&mut Tanh::<4>, &relu),
        Err(LoadError::ShapeMismatch {
            layer: 0,
            field: ShapeField::Kind,
            expected: 6,
            found: 3,
        })
    );
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

    let mut v4 = bytes;
    v4[4] = 4;
    reseal(&mut v4);
    assert_eq!(
        target.load(&v4),
        Err(LoadError::UnsupportedVersion { found: 4 })
    );

    let mut q16 = bytes;
    q16[16] = 2;
    reseal(&mut q16);
    assert_eq!(
        target.load(&q16),
        Err(LoadError::NumberTypeMismatch {
            expected: 0,
            found: 2
        })
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
        let at = 20 + 16 * 5 + 4 * index;
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
            needed: 228,
            found: 227
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
    assert_eq!(header.version, 3);
    assert_eq!(header.number_type, 0);
    assert_eq!(header.num_layers, 5);
    assert_eq!(header.signature, None);
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
    let errors: [&dyn std::error::Error; 13] = [
        &LoadError::TooShort {
            needed: 16,
            found: 3,
        },
        &LoadError::BadMagic { found: *b"ABCD" },
        &LoadError::UnsupportedVersion { found: 9 },
        &LoadError::ShapeMismatch {
            layer: 1,
            field: ShapeField::Kind,
            expected: 7,
            found: 3,
        },
        &LoadError::ShapeMismatch {
            layer: 0,
            field: ShapeField::Outputs,
            expected: 66,
            found: 49,
        },
        &LoadError::ShapeMismatch {
            layer: 0,
            field: ShapeField::Setting,
            expected: 66,
            found: 49,
        },
        &LoadError::LayerCountMismatch {
            expected: 2,
            found: 3,
        },
        &LoadError::SignatureMismatch {
            expected: 1,
            found: 2,
        },
        &LoadError::Version1Settings,
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
    ];
    let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(messages[0], "record truncated: needs 16 bytes, found 3");
    assert_eq!(
        messages[3],
        "record is for another network shape: layer 1 is Relu in the record, Softmax in the network"
    );
    assert_eq!(
        messages[4],
        "record is for another network shape: layer 0 has output size 49 in the record, 66 in the network"
    );
    assert_eq!(
        messages[7],
        "record is for another network shape (version-1 signature 0x00000002, expected 0x00000001)"
    );
    assert_eq!(
        SaveError::NonFinite { index: 5 }.to_string(),
        "parameter 5 is not finite"
    );
    for (i, a) in messages.iter().enumerate() {
        for b in &messages[i + 1..] {
            assert_ne!(a, b);
        }
    }
}
