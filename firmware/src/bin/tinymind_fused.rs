//! The TinyMind workload on a Cortex-M4F: see `stacknet_firmware::tinymind`.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use panic_semihosting as _;
use stacknet_firmware::tinymind::{run, Fused};

#[entry]
fn main() -> ! {
    run::<Fused>()
}
