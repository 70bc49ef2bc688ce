//! The loader on arbitrary bytes: it must never panic, never accept a record
//! whose checksum is wrong, never change the network when it refuses, and
//! load exactly what the record holds when it accepts.
//!
//! The first input byte picks a mode. Even: the rest is loaded as it is.
//! Odd: the rest is laid over a valid record and the checksum is recomputed,
//! so the fuzzer also reaches the header, structure (layer kinds, sizes and
//! the LeakyRelu slope), count and finiteness checks behind the checksum, and
//! the path that accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stacknet::persist::{Persist, crc32, read_header};
use stacknet::{Dense, LeakyRelu, Params, Relu, Zero};

type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, LeakyRelu<3>, Dense<3, 1>);

fn check(bytes: &[u8]) {
    let mut before = Net::ZERO;
    before.fill(0.5);
    let mut net = before;
    match net.load(bytes) {
        Ok(len) => {
            let header = read_header(bytes).expect("an accepted record has a header");
            assert_eq!(Some(len), header.record_len());
            let (body, stored) = bytes[..len].split_at(len - 4);
            assert_eq!(
                stored,
                crc32(body).to_le_bytes(),
                "accepted a wrong checksum"
            );
            assert!(net.is_finite());
            let mut again = [0u8; Net::ENCODED_LEN];
            net.save(&mut again).unwrap();
            if header.version == 3 {
                assert_eq!(&again[..], &bytes[..len]);
            } else {
                // a version-2 record: the same values, saved as version 3
                assert_eq!(&again[20..Net::ENCODED_LEN - 4], &bytes[16..len - 4]);
            }
        }
        Err(_) => assert_eq!(net, before, "a refused load changed the network"),
    }
    let mut layer = Dense::<3, 2>::ZERO;
    let _ = layer.load(bytes);
    let _ = read_header(bytes);
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        check(rest);
    } else {
        let mut record = [0u8; Net::ENCODED_LEN];
        Net::ZERO.save(&mut record).unwrap();
        for (r, b) in record.iter_mut().zip(rest) {
            *r = *b;
        }
        let n = record.len() - 4;
        let crc = crc32(&record[..n]);
        record[n..].copy_from_slice(&crc.to_le_bytes());
        check(&record);
    }
});
