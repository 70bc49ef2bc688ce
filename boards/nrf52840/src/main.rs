//! stacknet on an nRF52840 (Cortex-M4F): an `f32` network learns online
//! from a sensor stand-in and checkpoints to the last 8 KB of the board's
//! flash through the HAL's NVMC driver, which implements the
//! `embedded-storage` `NorFlash` traits. On the next boot it resumes from
//! the newest checkpoint. It logs refused steps (the library's
//! `TrainError`, through its `defmt::Format`) and each checkpoint with
//! `defmt` over RTT: `probe-rs run` prints them.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use defmt_rtt as _;
use nrf52840_hal::nvmc::Nvmc;
use nrf52840_hal::pac;
use panic_halt as _;

/// The checkpoint region: the last 8 KB of the 1 MB flash, left out of
/// `FLASH` in memory.x. Two 4 KB pages, one per slot.
const REGION_START: usize = 1024 * 1024 - REGION_LEN;
const REGION_LEN: usize = 8 * 1024;

#[entry]
fn main() -> ! {
    if let Some(peripherals) = pac::Peripherals::take() {
        // SAFETY: the region is flash no code or data is linked into
        // (memory.x ends FLASH before it), and nothing else refers to it.
        let region =
            unsafe { core::slice::from_raw_parts_mut(REGION_START as *mut u8, REGION_LEN) };
        let flash = Nvmc::new(peripherals.NVMC, region);
        // two slots of one 4 KB page; 4096 samples, four checkpoints
        let outcome = stacknet_board_online::run::<f32, _>(flash, 4096, 4096);
        defmt::info!("done: {}", outcome);
    }
    loop {
        cortex_m::asm::wfi();
    }
}
