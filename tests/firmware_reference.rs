//! The host half of the firmware's bit-exactness check.
//!
//! `firmware/shared/reference.rs` defines the Boston housing, XOR (in f32
//! and in Q16.16) and TinyMind-workload runs that the firmware performs on
//! a Cortex-M4F and a Cortex-M0 under QEMU.
//! This test performs the same runs on the host and compares them with
//! `firmware/expected.txt`, which the firmware bakes in and must match too
//! (it exits non-zero otherwise, see `firmware/run.sh`). Host = file =
//! device, bit for bit.
//!
//! After a deliberate change to the numerics, regenerate the file with
//! `STACKNET_BLESS=1 cargo test --test firmware_reference`.

#[path = "../examples/common/mod.rs"]
mod common;
#[path = "../firmware/shared/reference.rs"]
#[allow(dead_code)]
mod reference;

use std::path::PathBuf;

use reference::{housing, tinymind, xor};
use stacknet::num::{Convert, Q16_16, Scalar};

/// The key=value lines of the host's results, in `expected.txt`'s format.
fn host_results() -> String {
    let boston = common::boston();
    assert_eq!(boston.train_x.len(), housing::TRAIN_ROWS);
    assert_eq!(boston.test_x.len(), housing::TEST_ROWS);
    let mut train_x = vec![[0.0; 2]; housing::TRAIN_ROWS];
    let mut test_x = vec![[0.0; 2]; housing::TEST_ROWS];
    let mut order = vec![0; housing::TRAIN_ROWS];
    let h = housing::run(
        &boston.train_x,
        &boston.train_y,
        &boston.test_x,
        &boston.test_y,
        &mut train_x,
        &mut test_x,
        &mut order,
        |call| call.call(&mut ()),
    )
    .expect("housing trains");
    assert!(h.test_score <= 20.0, "test MSE {} collapsed", h.test_score);
    let x = xor::run(|net| net, |call| call.call(&mut ())).expect("xor trains");
    assert_eq!(x.test_score, 4.0, "XOR not learned");
    let q = xor::run(|net| net.convert::<Q16_16>().net, |call| call.call(&mut ()))
        .expect("xor in Q16.16 trains");
    assert_eq!(
        q.test_score,
        Q16_16::from_usize(4),
        "XOR not learned in Q16.16"
    );
    let mut xs = vec![[0.0; 2]; tinymind::ROWS];
    let mut ys = vec![[0.0; 1]; tinymind::ROWS];
    let mut order = vec![0; tinymind::ROWS];
    let fit = tinymind::run(&mut xs, &mut ys, |net, xs, ys| {
        tinymind::fit(net, &mut tinymind::trainer(), xs, ys, &mut order).map(drop)
    })
    .expect("fit trains");
    let fused = tinymind::run(&mut xs, &mut ys, |net, xs, ys| {
        tinymind::fused(net, &mut tinymind::cache(), xs, ys);
        Ok::<(), ()>(())
    })
    .unwrap();
    assert_eq!((fit.rows, fit.start_mse), (fused.rows, fused.start_mse));
    for t in [fit, fused] {
        assert!(t.start_mse > 2.0, "start MSE {}", t.start_mse);
        assert!(t.final_mse < 0.1, "final MSE {}", t.final_mse);
    }
    format!(
        "housing.inputs={:#010x}\nhousing.epochs={}\nhousing.train_mse={:#010x}\n\
         housing.test_mse={:#010x}\nhousing.weights={:#010x}\n\
         xor.epochs={}\nxor.loss={:#010x}\nxor.correct={}\nxor.weights={:#010x}\n\
         xor_q16.epochs={}\nxor_q16.loss={:#010x}\nxor_q16.correct={}\nxor_q16.weights={:#010x}\n\
         tinymind.rows={:#010x}\ntinymind.start_mse={:#010x}\n\
         tinymind.fit.final_mse={:#010x}\ntinymind.fit.weights={:#010x}\n\
         tinymind.fused.final_mse={:#010x}\ntinymind.fused.weights={:#010x}\n",
        h.inputs,
        h.epochs,
        h.train_loss.to_bits(),
        h.test_score.to_bits(),
        h.weights,
        x.epochs,
        x.train_loss.to_bits(),
        x.test_score as u32,
        x.weights,
        q.epochs,
        q.train_loss.to_bits(),
        q.test_score.to_raw() >> 16,
        q.weights,
        fit.rows,
        fit.start_mse.to_bits(),
        fit.final_mse.to_bits(),
        fit.weights,
        fused.final_mse.to_bits(),
        fused.weights,
    )
}

const HEADER: &str = "\
# Results of firmware/shared/reference.rs on the host (tests/firmware_reference.rs).
# The firmware bakes this file in and exits non-zero unless it computes the same
# bits. Regenerate: STACKNET_BLESS=1 cargo test --test firmware_reference
";

#[test]
fn host_run_matches_the_firmware_reference() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("firmware/expected.txt");
    let host = host_results();
    if std::env::var_os("STACKNET_BLESS").is_some() {
        std::fs::write(&path, format!("{HEADER}{host}")).expect("write expected.txt");
        return;
    }
    let file = std::fs::read_to_string(&path).expect("firmware/expected.txt");
    let expected: String = file
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        host,
        expected,
        "host results differ from {}",
        path.display()
    );
}
