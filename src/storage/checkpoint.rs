//! Checkpoints in NOR flash that survive a power cut at any moment, through
//! the `embedded-storage` [`NorFlash`] traits (feature `embedded-storage`).
//!
//! Two slots take turns. Each is a whole number of erase sectors and holds a
//! slot header and one [`Persist`] record (format v3, CRC-checked):
//!
//! | offset       | size | field |
//! | ------------ | ---- | ----- |
//! | 0            | 4    | magic: the ASCII bytes `SNCK` |
//! | 4            | 4    | sequence number, `u32`, one more than the previous checkpoint's (wrapping) |
//! | 8            | 4    | record length, `u32` |
//! | 12           | 4    | the record's CRC-32 (its last four bytes) |
//! | 16           | 4    | CRC-32 of the 16 bytes before it |
//! | `header_len` | len  | the record; `header_len` is 20 rounded up to the flash's write and read sizes |
//!
//! All numbers are little-endian. A save erases the slot that does not hold
//! the newest checkpoint, writes the record, and writes the header last. So
//! whatever a cut interrupts (an erase, a word of the record, a word of the
//! header), the newest checkpoint before the save is untouched, and the
//! interrupted slot has no valid header: its header CRC covers every header
//! word, so a half-written header, a half-programmed word or a half-erased
//! sector fails it (but for the 2⁻³² chance of a matching CRC). A load takes
//! the valid slot with the highest sequence number, counting across the
//! wrap from `u32::MAX` to 0.
//!
//! The record goes through a buffer of the caller's, at least
//! [`ENCODED_LEN`](Persist::ENCODED_LEN) bytes. Beyond it a save or a load
//! uses [`CHUNK`] bytes of stack to pad the last partial write or read, two
//! slot headers (20 bytes each) and its locals: a few hundred bytes
//! whatever the network, and no heap.
//!
//! ```
//! # use embedded_storage::nor_flash::{ErrorType, NorFlash, NorFlashErrorKind, ReadNorFlash};
//! # struct Ram([u8; 1024]);
//! # impl ErrorType for Ram { type Error = NorFlashErrorKind; }
//! # impl ReadNorFlash for Ram {
//! #     const READ_SIZE: usize = 1;
//! #     fn read(&mut self, at: u32, out: &mut [u8]) -> Result<(), Self::Error> {
//! #         out.copy_from_slice(&self.0[at as usize..at as usize + out.len()]);
//! #         Ok(())
//! #     }
//! #     fn capacity(&self) -> usize { 1024 }
//! # }
//! # impl NorFlash for Ram {
//! #     const WRITE_SIZE: usize = 4;
//! #     const ERASE_SIZE: usize = 256;
//! #     fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
//! #         self.0[from as usize..to as usize].fill(0xFF);
//! #         Ok(())
//! #     }
//! #     fn write(&mut self, at: u32, bytes: &[u8]) -> Result<(), Self::Error> {
//! #         let at = at as usize;
//! #         for (cell, b) in self.0[at..at + bytes.len()].iter_mut().zip(bytes) { *cell &= b; }
//! #         Ok(())
//! #     }
//! # }
//! use stacknet::checkpoint::Checkpoints;
//! use stacknet::prelude::*;
//!
//! type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
//! let net = Net::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(1));
//! let mut buffer = [0u8; Net::ENCODED_LEN];
//! // slots at 0 and 256, one 256-byte sector each
//! let mut flash = Checkpoints::new(Ram([0xFF; 1024]), 0, 256).unwrap();
//! assert_eq!(flash.save(&net, &mut buffer), Ok(0));
//! assert_eq!(flash.save(&net, &mut buffer), Ok(1));
//!
//! let mut resumed = Net::ZERO;
//! assert_eq!(flash.load(&mut resumed, &mut buffer), Ok(1));
//! assert_eq!(resumed, net);
//! ```

use embedded_storage::nor_flash::NorFlash;

use crate::num::Scalar;
use crate::storage::persist::{LoadError, Persist, SaveError, crc32};

/// Bytes of stack a save or a load uses to pad a partial write or read: the
/// largest write or read size supported.
pub const CHUNK: usize = 256;
/// The first four bytes of a slot header.
pub const SLOT_MAGIC: [u8; 4] = *b"SNCK";
/// Bytes of a slot header before padding.
pub const SLOT_HEADER_LEN: usize = 20;

/// Why a checkpoint was not saved or loaded. `E` is the flash's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum CheckpointError<E> {
    /// The flash refused an operation (or lost power during it).
    Flash(E),
    /// The flash's write or read size is not a power of two of at most
    /// [`CHUNK`] bytes, or its erase size is not a multiple of them.
    UnsupportedFlash,
    /// The slots do not start on an erase sector, are not whole sectors, are
    /// empty, or run past the end of the flash.
    BadLayout,
    /// A slot cannot hold the slot header and this network's record.
    SlotTooSmall {
        /// Bytes needed: the padded header and the record.
        needed: usize,
        /// Bytes of a slot.
        slot: usize,
    },
    /// The caller's buffer cannot hold the record.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes given.
        found: usize,
    },
    /// The network was refused by [`Persist::save`]; the flash was not
    /// touched.
    Save(SaveError),
    /// Neither slot holds a valid header (nothing was saved yet, or only
    /// cut saves).
    NoCheckpoint,
    /// A slot header is valid but its record fails its CRC, and so does the
    /// other slot's (if any): the flash changed after it was written (a
    /// power cut never does this).
    Corrupted,
    /// The newest checkpoint's record was refused by [`Persist::load`] (a
    /// record of another network); the network is unchanged.
    Load(LoadError),
}

impl<E: core::fmt::Debug> core::fmt::Display for CheckpointError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CheckpointError::Flash(e) => write!(f, "flash error: {e:?}"),
            CheckpointError::UnsupportedFlash => f.write_str(
                "flash write or read size is not a power of two up to 256 bytes dividing the erase size",
            ),
            CheckpointError::BadLayout => {
                f.write_str("checkpoint slots are not whole erase sectors inside the flash")
            }
            CheckpointError::SlotTooSmall { needed, slot } => {
                write!(f, "a checkpoint needs {needed} bytes but a slot has {slot}")
            }
            CheckpointError::BufferTooSmall { needed, found } => {
                write!(f, "buffer holds {found} bytes, the record needs {needed}")
            }
            CheckpointError::Save(e) => write!(f, "network not saved: {e}"),
            CheckpointError::NoCheckpoint => f.write_str("no valid checkpoint in flash"),
            CheckpointError::Corrupted => f.write_str("the checkpoint records fail their CRC"),
            CheckpointError::Load(e) => write!(f, "checkpoint refused: {e}"),
        }
    }
}

impl<E: core::fmt::Debug> core::error::Error for CheckpointError<E> {}

/// Two checkpoint slots of `slot_len` bytes each at `start` and
/// `start + slot_len` of a [`NorFlash`]. See the [module docs](self).
#[derive(Debug)]
pub struct Checkpoints<F> {
    flash: F,
    start: u32,
    slot_len: u32,
    /// The slot header padded to the write and read sizes.
    header_len: u32,
}

/// A slot header as read back, valid (magic and CRC checked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SlotHeader {
    sequence: u32,
    record_len: u32,
    record_crc: [u8; 4],
}

impl SlotHeader {
    fn encode(&self) -> [u8; SLOT_HEADER_LEN] {
        let mut bytes = [0u8; SLOT_HEADER_LEN];
        let words = [
            u32::from_le_bytes(SLOT_MAGIC),
            self.sequence,
            self.record_len,
            u32::from_le_bytes(self.record_crc),
        ];
        for (slot, word) in bytes.chunks_exact_mut(4).zip(words) {
            slot.copy_from_slice(&word.to_le_bytes());
        }
        let check = crc32(bytes.get(..16).unwrap_or_default());
        if let Some(slot) = bytes.get_mut(16..) {
            slot.copy_from_slice(&check.to_le_bytes());
        }
        bytes
    }

    /// The header in `bytes`, or `None` when its magic or CRC is wrong.
    fn decode(bytes: &[u8; SLOT_HEADER_LEN]) -> Option<Self> {
        let mut words = bytes
            .chunks_exact(4)
            .map(|w| <[u8; 4]>::try_from(w).map_or(0, u32::from_le_bytes));
        let magic = words.next()?;
        let (sequence, record_len, record_crc) = (words.next()?, words.next()?, words.next()?);
        let check = words.next()?;
        let valid = magic == u32::from_le_bytes(SLOT_MAGIC)
            && check == crc32(bytes.get(..16).unwrap_or_default());
        valid.then_some(SlotHeader {
            sequence,
            record_len,
            record_crc: record_crc.to_le_bytes(),
        })
    }
}

/// `a` was written after `b`: fewer than 2³¹ saves ahead, counting across
/// the wrap from `u32::MAX` to 0.
fn newer(a: u32, b: u32) -> bool {
    let ahead = a.wrapping_sub(b);
    ahead != 0 && ahead < 1 << 31
}

impl<F: NorFlash> Checkpoints<F> {
    /// Two slots of `slot_len` bytes at `start` and `start + slot_len`,
    /// checked against the flash's geometry: each a whole number of erase
    /// sectors, inside the flash. Nothing is read or written.
    pub fn new(flash: F, start: u32, slot_len: u32) -> Result<Self, CheckpointError<F::Error>> {
        let unit = F::WRITE_SIZE.max(F::READ_SIZE);
        let erase = F::ERASE_SIZE;
        if !(F::WRITE_SIZE.is_power_of_two()
            && F::READ_SIZE.is_power_of_two()
            && unit <= CHUNK
            && erase.checked_rem(unit) == Some(0))
        {
            return Err(CheckpointError::UnsupportedFlash);
        }
        let (first, len) = (to_usize(start), to_usize(slot_len));
        let end = len
            .checked_mul(2)
            .and_then(|both| first.checked_add(both))
            .and_then(|end| u32::try_from(end).ok().map(|_| end));
        let whole_sectors =
            first.checked_rem(erase) == Some(0) && len.checked_rem(erase) == Some(0);
        if len == 0 || !whole_sectors || end.is_none_or(|end| end > flash.capacity()) {
            return Err(CheckpointError::BadLayout);
        }
        // a multiple of `unit`, which is at most CHUNK
        let header_len = SLOT_HEADER_LEN.div_ceil(unit) * unit;
        if header_len > len {
            return Err(CheckpointError::BadLayout);
        }
        Ok(Checkpoints {
            flash,
            start,
            slot_len,
            header_len: u32::try_from(header_len).map_err(|_| CheckpointError::BadLayout)?,
        })
    }

    /// The flash back.
    pub fn into_inner(self) -> F {
        self.flash
    }

    /// Writes `net` as the newest checkpoint and returns its sequence
    /// number (0 for the first). `buffer` holds the record on the way (at
    /// least [`ENCODED_LEN`](Persist::ENCODED_LEN) bytes).
    ///
    /// The slot that does not hold the newest valid checkpoint is erased,
    /// the record written, then the header. A network [`Persist::save`]
    /// refuses, a slot too small or a buffer too small is refused before the
    /// flash is touched; a flash error (or a cut) at any point leaves the
    /// previous checkpoint the one [`load`](Checkpoints::load) finds.
    pub fn save<S: Scalar, N: Persist<S>>(
        &mut self,
        net: &N,
        buffer: &mut [u8],
    ) -> Result<u32, CheckpointError<F::Error>> {
        let len = self.record_len::<S, N>()?;
        let found = buffer.len();
        let record = buffer
            .get_mut(..len)
            .ok_or(CheckpointError::BufferTooSmall { needed: len, found })?;
        net.save(record).map_err(CheckpointError::Save)?;
        let record_crc = match record.get(len.saturating_sub(4)..) {
            Some(&[a, b, c, d]) => [a, b, c, d],
            _ => [0; 4],
        };
        let headers = [self.header(0)?, self.header(1)?];
        let (slot, sequence) = match headers {
            [Some(a), Some(b)] if newer(b.sequence, a.sequence) => (0, b.sequence.wrapping_add(1)),
            [Some(a), _] => (1, a.sequence.wrapping_add(1)),
            [None, Some(b)] => (0, b.sequence.wrapping_add(1)),
            [None, None] => (0, 0),
        };
        let header = SlotHeader {
            sequence,
            record_len: u32::try_from(len).map_err(|_| CheckpointError::BadLayout)?,
            record_crc,
        };
        let base = self.slot_start(slot);
        let flash_error = CheckpointError::Flash;
        self.flash
            .erase(base, base + self.slot_len)
            .map_err(flash_error)?;
        write_padded(&mut self.flash, base + self.header_len, record).map_err(flash_error)?;
        write_padded(&mut self.flash, base, &header.encode()).map_err(flash_error)?;
        Ok(sequence)
    }

    /// Loads the newest valid checkpoint into `net` and returns its sequence
    /// number. `buffer` holds the record on the way (at least its length:
    /// [`ENCODED_LEN`](Persist::ENCODED_LEN) for a record of this network).
    ///
    /// A slot whose record fails its CRC is passed over for the other one;
    /// a sound record [`Persist::load`] refuses (one of another network) is
    /// [`CheckpointError::Load`]. On any error `net` is unchanged.
    pub fn load<S: Scalar, N: Persist<S>>(
        &mut self,
        net: &mut N,
        buffer: &mut [u8],
    ) -> Result<u32, CheckpointError<F::Error>> {
        let headers = [self.header(0)?, self.header(1)?];
        let newest_first = match headers {
            [Some(a), Some(b)] if newer(b.sequence, a.sequence) => [(1, b), (0, a)],
            [Some(a), Some(b)] => [(0, a), (1, b)],
            [Some(a), None] => [(0, a), (0, a)],
            [None, Some(b)] => [(1, b), (1, b)],
            [None, None] => return Err(CheckpointError::NoCheckpoint),
        };
        for (slot, header) in newest_first {
            let len = to_usize(header.record_len);
            let found = buffer.len();
            let record = buffer
                .get_mut(..len)
                .ok_or(CheckpointError::BufferTooSmall { needed: len, found })?;
            let base = self.slot_start(slot) + self.header_len;
            read_padded(&mut self.flash, base, record).map_err(CheckpointError::Flash)?;
            // the CRC first: a corrupted record may fail any of load's
            // earlier checks, and would be taken for another network's
            let (body, stored) = record.split_at(len.saturating_sub(4));
            if stored != header.record_crc || crc32(body).to_le_bytes() != header.record_crc {
                continue;
            }
            match net.load(record) {
                Ok(_) => return Ok(header.sequence),
                Err(e) => return Err(CheckpointError::Load(e)),
            }
        }
        Err(CheckpointError::Corrupted)
    }

    /// The record length of `N`, checked to fit a slot after the header.
    fn record_len<S: Scalar, N: Persist<S>>(&self) -> Result<usize, CheckpointError<F::Error>> {
        let needed = to_usize(self.header_len).saturating_add(N::ENCODED_LEN);
        let slot = to_usize(self.slot_len);
        if needed > slot {
            return Err(CheckpointError::SlotTooSmall { needed, slot });
        }
        Ok(N::ENCODED_LEN)
    }

    /// The valid header of slot 0 or 1, or `None`.
    fn header(&mut self, slot: u32) -> Result<Option<SlotHeader>, CheckpointError<F::Error>> {
        let mut bytes = [0u8; SLOT_HEADER_LEN];
        let start = self.slot_start(slot);
        read_padded(&mut self.flash, start, &mut bytes).map_err(CheckpointError::Flash)?;
        let header = SlotHeader::decode(&bytes);
        // a length past the slot is a header this layout never wrote
        let room = self.slot_len.saturating_sub(self.header_len);
        Ok(header.filter(|h| h.record_len >= 4 && h.record_len <= room))
    }

    /// The first byte of slot 0 or 1 (inside the flash: checked by `new`).
    fn slot_start(&self, slot: u32) -> u32 {
        self.start + slot * self.slot_len
    }
}

/// `u32` offsets and lengths as `usize` (saturating on a 16-bit target,
/// where such a length could not be in memory anyway).
fn to_usize(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Writes `bytes` at `offset`: the whole write units directly, the rest
/// padded with 0xFF (which programs nothing) through a [`CHUNK`] buffer.
fn write_padded<F: NorFlash>(flash: &mut F, offset: u32, bytes: &[u8]) -> Result<(), F::Error> {
    let unit = F::WRITE_SIZE;
    let whole = bytes.len() - bytes.len() % unit;
    let (head, tail) = bytes.split_at(whole);
    if !head.is_empty() {
        flash.write(offset, head)?;
    }
    if !tail.is_empty() {
        let mut chunk = [0xFF; CHUNK];
        for (cell, &b) in chunk.iter_mut().zip(tail) {
            *cell = b;
        }
        let at = offset.saturating_add(u32::try_from(whole).unwrap_or(u32::MAX));
        flash.write(at, chunk.get(..unit).unwrap_or_default())?;
    }
    Ok(())
}

/// Reads `out.len()` bytes at `offset`: the whole read units directly, the
/// rest through a [`CHUNK`] buffer.
fn read_padded<F: NorFlash>(flash: &mut F, offset: u32, out: &mut [u8]) -> Result<(), F::Error> {
    let unit = F::READ_SIZE;
    let whole = out.len() - out.len() % unit;
    let (head, tail) = out.split_at_mut(whole);
    if !head.is_empty() {
        flash.read(offset, head)?;
    }
    if !tail.is_empty() {
        let mut chunk = [0xFF; CHUNK];
        let at = offset.saturating_add(u32::try_from(whole).unwrap_or(u32::MAX));
        flash.read(at, chunk.get_mut(..unit).unwrap_or_default())?;
        for (b, &cell) in tail.iter_mut().zip(&chunk) {
            *b = cell;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_numbers_compare_across_the_wrap() {
        assert!(newer(1, 0));
        assert!(!newer(0, 1));
        assert!(newer(0, u32::MAX));
        assert!(!newer(u32::MAX, 0));
        assert!(newer(5, u32::MAX - 5));
        assert!(!newer(7, 7));
    }

    #[test]
    fn a_header_survives_encoding_and_any_flipped_bit_is_refused() {
        let header = SlotHeader {
            sequence: 0x0102_0304,
            record_len: 228,
            record_crc: [9, 8, 7, 6],
        };
        let bytes = header.encode();
        assert_eq!(bytes[..4], SLOT_MAGIC);
        assert_eq!(bytes[4..8], [4, 3, 2, 1]);
        assert_eq!(bytes[8..12], 228u32.to_le_bytes());
        assert_eq!(bytes[16..], crc32(&bytes[..16]).to_le_bytes());
        assert_eq!(SlotHeader::decode(&bytes), Some(header));
        for bit in 0..8 * SLOT_HEADER_LEN {
            let mut flipped = bytes;
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(SlotHeader::decode(&flipped), None, "bit {bit}");
        }
        assert_eq!(SlotHeader::decode(&[0xFF; SLOT_HEADER_LEN]), None);
    }
}
