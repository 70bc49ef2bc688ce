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

use reference::{drift, housing, housing_m0, tinymind, xor};
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
    let m0_f32 = housing_in::<f32>(&boston, |net| net);
    let m0_q16 = housing_in::<Q16_16>(&boston, |net| net.convert::<Q16_16>().net);
    let (f32_mse, q16_mse) = (m0_f32.test_score, m0_q16.test_score.to_f32());
    assert!(f32_mse <= 20.0, "M0 housing test MSE {f32_mse} collapsed");
    // the goal of the fixed-point type: within 3 % of f32 trained the same way
    assert!(
        (q16_mse - f32_mse).abs() <= 0.03 * f32_mse,
        "Q16.16 test MSE {q16_mse} against f32 {f32_mse}"
    );
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
    let (start, baked) = drift_start();
    check_baked(&baked);
    let mut net = start;
    let mut trainer = drift::Train::without_best_weights(drift::OPTIMIZER, drift::Cost::default());
    let d = drift::adapt(&mut net, &mut trainer).expect("adapts");
    // the drift hurts, and learning online mends it
    assert!(
        d.before < 0.01 && d.after_drift > 0.3 && d.adapted < 0.01,
        "{d:?}"
    );
    let resumed = drift::resumed_error(&net);
    assert!(resumed < 0.01, "resumed error {resumed}");
    let n = drift::COMPARED;
    let (mut xs, mut ys, mut order) = (vec![[0.0; 1]; n], vec![[0.0; 1]; n], vec![0; n]);
    let (streamed, fitted) =
        drift::stream_against_fit(&net, &mut xs, &mut ys, &mut order, &mut |run| run())
            .expect("both learn");
    assert_eq!(
        streamed, fitted,
        "the stream is fit at batch 1, bit for bit"
    );
    let drift_lines = format!(
        "drift.before={:#010x}\ndrift.after_drift={:#010x}\ndrift.adapted={:#010x}\n\
         drift.weights={:#010x}\ndrift.resumed={:#010x}\ndrift.compared={:#010x}\n",
        d.before.to_bits(),
        d.after_drift.to_bits(),
        d.adapted.to_bits(),
        d.weights,
        resumed.to_bits(),
        streamed,
    );
    drift_lines
        + &format!(
            "housing.inputs={:#010x}\nhousing.epochs={}\nhousing.train_mse={:#010x}\n\
         housing.test_mse={:#010x}\nhousing.weights={:#010x}\n\
         housing_m0.inputs={:#010x}\nhousing_m0.epochs={}\nhousing_m0.train_mse={:#010x}\n\
         housing_m0.test_mse={:#010x}\nhousing_m0.weights={:#010x}\n\
         housing_q16.inputs={:#010x}\nhousing_q16.epochs={}\nhousing_q16.train_mse={:#010x}\n\
         housing_q16.test_mse={:#010x}\nhousing_q16.weights={:#010x}\n\
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
            m0_f32.inputs,
            m0_f32.epochs,
            m0_f32.train_loss.to_bits(),
            m0_f32.test_score.to_bits(),
            m0_f32.weights,
            m0_q16.inputs,
            m0_q16.epochs,
            m0_q16.train_loss.to_raw() as u32,
            m0_q16.test_score.to_raw() as u32,
            m0_q16.weights,
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

/// The M0 images' Boston run in `S`: the rows as `S` (as `build.rs` bakes
/// them: each `f32` rounded to the nearest value of `S`), standardised and
/// trained in `S`.
fn housing_in<S: Scalar>(
    boston: &common::Boston,
    in_type: impl FnOnce(housing_m0::Net) -> housing_m0::Net<S>,
) -> reference::Outcome<S> {
    let rows =
        |rows: &[[f32; 2]]| -> Vec<[S; 2]> { rows.iter().map(|r| r.map(S::from_f32)).collect() };
    let targets =
        |rows: &[[f32; 1]]| -> Vec<[S; 1]> { rows.iter().map(|r| r.map(S::from_f32)).collect() };
    let (raw_train_x, raw_test_x) = (rows(&boston.train_x), rows(&boston.test_x));
    let (train_y, test_y) = (targets(&boston.train_y), targets(&boston.test_y));
    let mut train_x = vec![[S::ZERO; 2]; raw_train_x.len()];
    let mut test_x = vec![[S::ZERO; 2]; raw_test_x.len()];
    let mut order = vec![0; raw_train_x.len()];
    housing_m0::run(
        in_type,
        &raw_train_x,
        &train_y,
        &raw_test_x,
        &test_y,
        &mut train_x,
        &mut test_x,
        &mut order,
        |call| call.call(&mut ()),
    )
    .expect("housing trains")
}

/// The drift demo's start weights, trained on the host, and their baked
/// source.
fn drift_start() -> (drift::Net, String) {
    let (mut xs, mut ys, mut order) = (vec![[0.0; 1]; 512], vec![[0.0; 1]; 512], vec![0; 512]);
    let net = drift::train_on_host(&mut xs, &mut ys, &mut order).expect("trains");
    let mut source = String::new();
    stacknet::bake::write_rust_source(&net, "START", &mut source).expect("bakes");
    (net, source)
}

/// `firmware/shared/drift_start.rs` is the bake of the host's training
/// (rewritten with `STACKNET_BLESS=1`).
fn check_baked(source: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("firmware/shared/drift_start.rs");
    if std::env::var_os("STACKNET_BLESS").is_some() {
        std::fs::write(&path, source).expect("write drift_start.rs");
        return;
    }
    let file = std::fs::read_to_string(&path).expect("firmware/shared/drift_start.rs");
    assert_eq!(file, source, "{} is stale", path.display());
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
