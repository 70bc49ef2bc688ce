//! NOR flash emulated in RAM that survives a reset, for the `drift` image.
//!
//! QEMU's `mps2-an386` has no flash that the firmware can program, but it
//! keeps RAM across a system reset (`SYSRESETREQ`) within one QEMU run; it
//! reloads the image's own sections, not a `NOLOAD` one. So the image keeps
//! its "flash" in a `.uninit` region and gets NOR semantics from this
//! driver: an erase sets a whole sector to `0xFF`, a write can only clear
//! bits (it ANDs), and both refuse misaligned or out-of-range requests as
//! real NOR flash does. The region does not outlive the QEMU process, and
//! a power cut is not simulated here (the library's tests cut after every
//! word: `tests/checkpoint.rs`).

use core::ptr::{addr_of_mut, read_volatile, write_volatile};

use embedded_storage::nor_flash::{
    check_erase, check_read, check_write, ErrorType, NorFlash, NorFlashErrorKind, ReadNorFlash,
};

/// Bytes of emulated flash: two 512-byte checkpoint slots.
pub const CAPACITY: usize = 1024;
/// The erase sector.
pub const SECTOR: usize = 256;

/// "FLSH": the region has been erased once since QEMU started.
const FORMATTED: u32 = u32::from_le_bytes(*b"FLSH");

#[repr(C, align(4))]
struct Region {
    formatted: u32,
    bytes: [u8; CAPACITY],
}

#[link_section = ".uninit.RAM_FLASH"]
static mut REGION: core::mem::MaybeUninit<Region> = core::mem::MaybeUninit::uninit();

/// The emulated flash (one per image: [`RamFlash::take`] is called once).
pub struct RamFlash {
    base: *mut u8,
}

impl RamFlash {
    /// The region as flash, and whether it was blank: at the first boot
    /// of a QEMU run it holds whatever RAM held (zeros), and is erased
    /// ("formatted") to `0xFF` first.
    pub fn take() -> (Self, bool) {
        // SAFETY: the region is only touched through this one value, with
        // volatile accesses in bounds of the static.
        unsafe {
            let region = addr_of_mut!(REGION).cast::<Region>();
            let formatted = addr_of_mut!((*region).formatted);
            let base = addr_of_mut!((*region).bytes).cast::<u8>();
            let blank = read_volatile(formatted) != FORMATTED;
            if blank {
                for i in 0..CAPACITY {
                    write_volatile(base.add(i), 0xFF);
                }
                write_volatile(formatted, FORMATTED);
            }
            (RamFlash { base }, blank)
        }
    }
}

impl ErrorType for RamFlash {
    type Error = NorFlashErrorKind;
}

impl ReadNorFlash for RamFlash {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        check_read(self, offset, bytes.len())?;
        for (i, b) in bytes.iter_mut().enumerate() {
            // SAFETY: in bounds, checked above.
            *b = unsafe { read_volatile(self.base.add(offset as usize + i)) };
        }
        Ok(())
    }

    fn capacity(&self) -> usize {
        CAPACITY
    }
}

impl NorFlash for RamFlash {
    const WRITE_SIZE: usize = 4;
    const ERASE_SIZE: usize = SECTOR;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        check_erase(self, from, to)?;
        for i in from as usize..to as usize {
            // SAFETY: in bounds, checked above.
            unsafe { write_volatile(self.base.add(i), 0xFF) };
        }
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        check_write(self, offset, bytes.len())?;
        for (i, &b) in bytes.iter().enumerate() {
            // SAFETY: in bounds, checked above. NOR programming only clears bits.
            unsafe {
                let cell = self.base.add(offset as usize + i);
                write_volatile(cell, read_volatile(cell) & b);
            }
        }
        Ok(())
    }
}
