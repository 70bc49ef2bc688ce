//! Property tests of the loader on arbitrary and damaged bytes: it never
//! panics, never accepts a record whose checksum is wrong, and never changes
//! the network when it refuses. (`fuzz/` runs the same checks under
//! libFuzzer for longer.)

use proptest::prelude::*;
use stacknet::persist::{Persist, crc32};
use stacknet::prelude::*;

type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);

fn valid_record(seed: u64) -> ([u8; Net::ENCODED_LEN], Net) {
    let mut rng = XorShiftRng::seed_from_u64(seed);
    let net = Net::random(Init::XavierUniform, &mut rng);
    let mut bytes = [0u8; Net::ENCODED_LEN];
    net.save(&mut bytes).unwrap();
    (bytes, net)
}

/// The CRC stored at the end of the record that starts `bytes` is the CRC of
/// what precedes it.
fn checksum_is_right(bytes: &[u8], len: usize) -> bool {
    let stored = u32::from_le_bytes(bytes[len - 4..len].try_into().unwrap());
    stored == crc32(&bytes[..len - 4])
}

/// Loads `bytes` into a copy of `before` and checks the loader's promises.
fn check_load(bytes: &[u8], before: &Net) -> Result<usize, stacknet::persist::LoadError> {
    let mut net = *before;
    let result = net.load(bytes);
    match result {
        Ok(len) => {
            assert_eq!(len, Net::ENCODED_LEN);
            assert!(checksum_is_right(bytes, len), "accepted a wrong checksum");
            assert!(net.is_finite());
            // what was loaded is exactly what the record holds
            let mut again = [0u8; Net::ENCODED_LEN];
            net.save(&mut again).unwrap();
            assert_eq!(&again[..], &bytes[..len]);
        }
        Err(_) => assert_eq!(&net, before, "a refused load changed the network"),
    }
    result
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let (_, before) = valid_record(1);
        check_load(&bytes, &before).ok();
    }

    #[test]
    fn a_valid_header_with_arbitrary_values_is_refused_unless_consistent(
        values in proptest::collection::vec(any::<u8>(), 4 * 31),
        seed in any::<u64>(),
    ) {
        let (mut bytes, before) = valid_record(seed);
        // the parameters follow the header and five layers of structure
        bytes[16 + 16 * 5..16 + 16 * 5 + 4 * 31].copy_from_slice(&values);
        // the old checksum no longer matches unless the values are unchanged
        let result = check_load(&bytes, &before);
        prop_assert_eq!(result.is_ok(), checksum_is_right(&bytes, bytes.len()));
    }

    #[test]
    fn a_damaged_window_of_up_to_four_bytes_is_always_refused(
        seed in any::<u64>(),
        start in 0usize..Net::ENCODED_LEN,
        noise in proptest::collection::vec(any::<u8>(), 1..=4),
    ) {
        // CRC-32 detects every error burst of at most 32 bits.
        let (original, before) = valid_record(seed);
        let mut bytes = original;
        for (b, n) in bytes.iter_mut().skip(start).zip(&noise) {
            *b ^= n;
        }
        let result = check_load(&bytes, &before);
        prop_assert_eq!(result.is_ok(), bytes == original);
    }

    #[test]
    fn mutated_records_never_load_with_a_wrong_checksum(
        seed in any::<u64>(),
        edits in proptest::collection::vec((0usize..Net::ENCODED_LEN, any::<u8>()), 1..8),
        cut in 0usize..=Net::ENCODED_LEN,
        extra in proptest::collection::vec(any::<u8>(), 0..8),
    ) {
        let (mut bytes, before) = valid_record(seed);
        for (at, value) in edits {
            bytes[at] = value;
        }
        let mut buffer = bytes[..cut].to_vec();
        buffer.extend_from_slice(&extra);
        check_load(&buffer, &before).ok();
    }
}
