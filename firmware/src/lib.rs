//! Support for the firmware images: the shared reference runs, the baked
//! data, the host's expected results, and the board probes (exit status,
//! stack high-water mark, instruction counter).
#![no_std]

#[path = "../shared/reference.rs"]
pub mod reference;

/// Boston housing rows baked into flash by `build.rs` from `data/*.csv`.
pub mod boston {
    include!(concat!(env!("OUT_DIR"), "/boston.rs"));
}

/// The drift demo's start weights, trained on the host and baked by
/// `tests/firmware_reference.rs`.
pub mod drift_start {
    include!("../shared/drift_start.rs");
}

/// The host's results (`expected.txt`), baked in by `build.rs`.
pub mod expected {
    include!(concat!(env!("OUT_DIR"), "/expected.rs"));
}

pub mod board;
pub mod housing_m0;
pub mod ram_flash;
pub mod tinymind;
pub mod xor_image;
