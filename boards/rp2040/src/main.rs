//! stacknet on an RP2040 (a Raspberry Pi Pico): a Q16.16 network (no FPU
//! on the Cortex-M0+) learns online from a sensor stand-in and checkpoints
//! to the last 8 KB of the board's flash through `rp2040-flash`, behind the
//! `embedded-storage` `NorFlash` traits. On the next boot it resumes from
//! the newest checkpoint.
#![no_std]
#![no_main]

use embedded_storage::nor_flash::{
    check_erase, check_read, check_write, ErrorType, NorFlash, NorFlashErrorKind, ReadNorFlash,
};
use panic_halt as _;
use rp2040_hal as hal;
use stacknet::num::Q16_16;

/// The second-stage bootloader for the Pico's W25Q080 flash.
#[link_section = ".boot2"]
#[used]
pub static BOOT2: [u8; 256] = rp2040_boot2::BOOT_LOADER_W25Q080;

/// Where the checkpoint region starts, as an offset into the flash: the
/// last 8 KB of 2 MB, left out of `FLASH` in memory.x.
const REGION_START: u32 = 2048 * 1024 - REGION_LEN as u32;
const REGION_LEN: usize = 8 * 1024;
/// The flash as the processor reads it (execute in place).
const XIP_BASE: usize = 0x1000_0000;

/// The checkpoint region as a NOR flash: 4 KB sectors, 256-byte pages.
struct PicoFlash;

impl ErrorType for PicoFlash {
    type Error = NorFlashErrorKind;
}

impl ReadNorFlash for PicoFlash {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        check_read(self, offset, bytes.len())?;
        let start = XIP_BASE + REGION_START as usize + offset as usize;
        for (k, byte) in bytes.iter_mut().enumerate() {
            // SAFETY: inside the checkpoint region of the memory-mapped flash
            *byte = unsafe { core::ptr::read_volatile((start + k) as *const u8) };
        }
        Ok(())
    }

    fn capacity(&self) -> usize {
        REGION_LEN
    }
}

impl NorFlash for PicoFlash {
    const WRITE_SIZE: usize = 256;
    const ERASE_SIZE: usize = 4096;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        check_erase(self, from, to)?;
        cortex_m::interrupt::free(|_| {
            // SAFETY: interrupts are off, the second core is idle and no DMA
            // reads flash; the range is checked and sector-aligned.
            unsafe { rp2040_flash::flash::flash_range_erase(REGION_START + from, to - from, true) }
        });
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        check_write(self, offset, bytes.len())?;
        cortex_m::interrupt::free(|_| {
            // SAFETY: as for erase; the range is checked and page-aligned.
            unsafe { rp2040_flash::flash::flash_range_program(REGION_START + offset, bytes, true) }
        });
        Ok(())
    }
}

#[hal::entry]
fn main() -> ! {
    let _peripherals = hal::pac::Peripherals::take();
    // two slots of one 4 KB sector; 4096 samples, four checkpoints
    let outcome = stacknet_board_online::run::<Q16_16, _>(PicoFlash, 4096, 4096);
    core::hint::black_box(outcome);
    loop {
        cortex_m::asm::wfi();
    }
}
