//! Checkpoints in a simulated NOR flash that loses power after every
//! possible word write or sector erase.
#![cfg(feature = "embedded-storage")]

mod common;

use common::{Housing, bits};
use embedded_storage::nor_flash::{ErrorType, NorFlash, NorFlashErrorKind, ReadNorFlash};
use stacknet::checkpoint::{CheckpointError, Checkpoints, SLOT_HEADER_LEN};
use stacknet::persist::{LoadError, SaveError, crc32};
use stacknet::prelude::*;

/// How the operation that loses power ends.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cut {
    /// Not started.
    Before,
    /// Half done: a write programs every other bit of its word, an erase
    /// sets only the second half of its sector to 0xFF (the first, with the
    /// slot header, keeps its old bytes).
    Halfway,
}

/// NOR flash in RAM: erase sets a sector to 0xFF, a write can only clear
/// bits, and a unit may be written once per erase (the trait's rule,
/// checked here: a second write of a unit fails the test). After
/// `cut_at` operations (one per `WRITE`-byte unit written, one per sector
/// erased) the power is gone: that operation ends as `cut` says and every
/// later one fails.
struct SimFlash<const WRITE: usize, const ERASE: usize> {
    cells: Vec<u8>,
    written: Vec<bool>,
    ops: usize,
    cut_at: Option<(usize, Cut)>,
}

impl<const WRITE: usize, const ERASE: usize> SimFlash<WRITE, ERASE> {
    fn new(len: usize) -> Self {
        SimFlash {
            cells: vec![0xFF; len],
            written: vec![false; len / WRITE],
            ops: 0,
            cut_at: None,
        }
    }

    /// A reboot: the same cells, power back, no cut.
    fn reboot(&self) -> Self {
        SimFlash {
            cells: self.cells.clone(),
            written: self.written.clone(),
            ops: 0,
            cut_at: None,
        }
    }

    /// `Some(how)` when the next operation is the one that loses power;
    /// `Err` when the power is already gone.
    fn next_op(&mut self) -> Result<Option<Cut>, NorFlashErrorKind> {
        let op = self.ops;
        self.ops += 1;
        match self.cut_at {
            Some((at, _)) if op > at => Err(NorFlashErrorKind::Other),
            Some((at, how)) if op == at => Ok(Some(how)),
            _ => Ok(None),
        }
    }
}

impl<const WRITE: usize, const ERASE: usize> ErrorType for SimFlash<WRITE, ERASE> {
    type Error = NorFlashErrorKind;
}

impl<const WRITE: usize, const ERASE: usize> ReadNorFlash for SimFlash<WRITE, ERASE> {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        let at = offset as usize;
        let cells = self
            .cells
            .get(at..at + bytes.len())
            .ok_or(NorFlashErrorKind::OutOfBounds)?;
        bytes.copy_from_slice(cells);
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.cells.len()
    }
}

impl<const WRITE: usize, const ERASE: usize> NorFlash for SimFlash<WRITE, ERASE> {
    const WRITE_SIZE: usize = WRITE;
    const ERASE_SIZE: usize = ERASE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        let (from, to) = (from as usize, to as usize);
        if !from.is_multiple_of(ERASE) || !to.is_multiple_of(ERASE) {
            return Err(NorFlashErrorKind::NotAligned);
        }
        if from > to || to > self.cells.len() {
            return Err(NorFlashErrorKind::OutOfBounds);
        }
        for sector in (from..to).step_by(ERASE) {
            let cut = self.next_op()?;
            let erased = match cut {
                Some(Cut::Before) => return Err(NorFlashErrorKind::Other),
                Some(Cut::Halfway) => sector + ERASE / 2..sector + ERASE,
                None => sector..sector + ERASE,
            };
            self.cells[erased.clone()].fill(0xFF);
            self.written[erased.start / WRITE..erased.end / WRITE].fill(false);
            if cut.is_some() {
                return Err(NorFlashErrorKind::Other);
            }
        }
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        let at = offset as usize;
        if !at.is_multiple_of(WRITE) || !bytes.len().is_multiple_of(WRITE) {
            return Err(NorFlashErrorKind::NotAligned);
        }
        if at + bytes.len() > self.cells.len() {
            return Err(NorFlashErrorKind::OutOfBounds);
        }
        for (k, unit) in bytes.chunks_exact(WRITE).enumerate() {
            let start = at + k * WRITE;
            let cut = self.next_op()?;
            if cut == Some(Cut::Before) {
                return Err(NorFlashErrorKind::Other);
            }
            assert!(
                !self.written[start / WRITE],
                "unit at {start} written twice"
            );
            self.written[start / WRITE] = true;
            let half = if cut.is_some() { 0xAA } else { 0x00 };
            for (cell, &b) in self.cells[start..start + WRITE].iter_mut().zip(unit) {
                *cell &= b | half;
            }
            if cut.is_some() {
                return Err(NorFlashErrorKind::Other);
            }
        }
        Ok(())
    }
}

/// Network `n` of a family, all different.
fn net(n: u64) -> Housing {
    Housing::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(100 + n))
}

const FLASH_LEN: usize = 1024;
const SLOT: u32 = 256;

/// Operations of one save with this geometry, from the layout: every
/// sector of a slot erased, every write unit of the padded record and of
/// the padded header written once.
fn save_ops(write: usize, erase: usize) -> usize {
    let units = |bytes: usize| bytes.div_ceil(write);
    SLOT as usize / erase + units(Housing::ENCODED_LEN) + units(SLOT_HEADER_LEN)
}

/// Flash holding `saves` checkpoints, `net(0)` to `net(saves − 1)`.
fn with_saves<const W: usize, const E: usize>(saves: u64) -> SimFlash<W, E> {
    let mut store = Checkpoints::new(SimFlash::<W, E>::new(FLASH_LEN), 0, SLOT).unwrap();
    let mut buffer = [0u8; Housing::ENCODED_LEN];
    for n in 0..saves {
        assert_eq!(store.save(&net(n), &mut buffer), Ok(n as u32));
    }
    store.into_inner()
}

/// What a fresh boot loads: the sequence number and the weights' bits.
fn boot_load<const W: usize, const E: usize>(
    flash: &SimFlash<W, E>,
) -> Result<(u32, Vec<u32>), CheckpointError<NorFlashErrorKind>> {
    let mut store = Checkpoints::new(flash.reboot(), 0, SLOT).unwrap();
    let mut loaded = net(999);
    let mut buffer = [0u8; Housing::ENCODED_LEN];
    let sequence = store.load(&mut loaded, &mut buffer)?;
    Ok((sequence, bits(&loaded)))
}

/// For `saves` earlier checkpoints, cuts the next save at every one of its
/// operations, both ways, and boots: the previous checkpoint (or none)
/// must load until the last operation, the new one after it. Returns the
/// cut points tried.
fn cut_everywhere<const W: usize, const E: usize>(saves: u64) -> usize {
    let total = save_ops(W, E);
    let mut buffer = [0u8; Housing::ENCODED_LEN];
    // the uncut save: its operation count is the layout's
    let mut flash = with_saves::<W, E>(saves);
    flash.ops = 0;
    let mut counting = Checkpoints::new(flash, 0, SLOT).unwrap();
    assert_eq!(counting.save(&net(saves), &mut buffer), Ok(saves as u32));
    assert_eq!(counting.into_inner().ops, total);

    let mut tried = 0;
    for how in [Cut::Before, Cut::Halfway] {
        for k in 0..total {
            let mut flash = with_saves::<W, E>(saves);
            flash.ops = 0;
            flash.cut_at = Some((k, how));
            let mut store = Checkpoints::new(flash, 0, SLOT).unwrap();
            let cut = store.save(&net(saves), &mut buffer);
            assert_eq!(cut, Err(CheckpointError::Flash(NorFlashErrorKind::Other)));
            let flash = store.into_inner();
            let loaded = boot_load(&flash);
            match saves {
                0 => assert_eq!(loaded, Err(CheckpointError::NoCheckpoint), "{how:?} {k}"),
                _ => {
                    let previous = ((saves - 1) as u32, bits(&net(saves - 1)));
                    assert_eq!(loaded, Ok(previous), "{how:?} cut at {k}");
                }
            }
            // after the reboot the next save works and is the newest
            let mut store = Checkpoints::new(flash.reboot(), 0, SLOT).unwrap();
            assert_eq!(store.save(&net(50), &mut buffer), Ok(saves as u32));
            let fresh = boot_load(&store.into_inner());
            assert_eq!(fresh, Ok((saves as u32, bits(&net(50)))));
            if how == Cut::Before {
                tried += 1;
            }
        }
    }
    tried
}

#[test]
fn a_cut_at_any_operation_keeps_the_previous_checkpoint() {
    // 4-byte words, two 128-byte sectors per slot: 2 erases, 57 record
    // words (228 bytes), 5 header words
    assert_eq!(save_ops(4, 128), 64);
    for saves in 0..4 {
        assert_eq!(cut_everywhere::<4, 128>(saves), 64, "after {saves} saves");
    }
    // 8-byte units (the record's last unit padded), one sector per slot
    assert_eq!(save_ops(8, 256), 1 + 29 + 3);
    for saves in 0..3 {
        assert_eq!(cut_everywhere::<8, 256>(saves), 33, "after {saves} saves");
    }
}

/// The header as the module documents it, written by hand.
fn patch_sequence(flash: &mut SimFlash<4, 128>, slot: usize, sequence: u32) {
    let at = slot * SLOT as usize;
    let header = &mut flash.cells[at..at + SLOT_HEADER_LEN];
    header[4..8].copy_from_slice(&sequence.to_le_bytes());
    let check = crc32(&header[..16]);
    header[16..].copy_from_slice(&check.to_le_bytes());
}

#[test]
fn sequence_numbers_wrap() {
    let mut flash = with_saves::<4, 128>(2);
    patch_sequence(&mut flash, 0, u32::MAX - 1);
    patch_sequence(&mut flash, 1, u32::MAX);
    assert_eq!(boot_load(&flash), Ok((u32::MAX, bits(&net(1)))));
    let mut store = Checkpoints::new(flash, 0, SLOT).unwrap();
    let mut buffer = [0u8; Housing::ENCODED_LEN];
    // the next is 0, in slot 0; 0 counts as newer than u32::MAX
    assert_eq!(store.save(&net(7), &mut buffer), Ok(0));
    let flash = store.into_inner();
    assert_eq!(&flash.cells[..4], b"SNCK");
    assert_eq!(flash.cells[4..8], 0u32.to_le_bytes());
    assert_eq!(boot_load(&flash), Ok((0, bits(&net(7)))));
}

#[test]
fn a_corrupted_record_falls_back_to_the_other_slot() {
    let mut flash = with_saves::<4, 128>(2);
    // a bit of slot 1's record (checkpoint 1) flipped, as by wear
    flash.cells[SLOT as usize + 100] ^= 0x10;
    assert_eq!(boot_load(&flash), Ok((0, bits(&net(0)))));
    flash.cells[100] ^= 0x10;
    let before = net(999);
    let mut loaded = before;
    let mut store = Checkpoints::new(flash.reboot(), 0, SLOT).unwrap();
    let mut buffer = [0u8; Housing::ENCODED_LEN];
    assert_eq!(
        store.load(&mut loaded, &mut buffer),
        Err(CheckpointError::Corrupted)
    );
    assert_eq!(bits(&loaded), bits(&before));
}

#[test]
fn refused_calls_leave_flash_and_network_as_they_were() {
    let flash = with_saves::<4, 128>(1);
    let cells = flash.cells.clone();
    let mut buffer = [0u8; Housing::ENCODED_LEN];
    let mut store = Checkpoints::new(flash, 0, SLOT).unwrap();

    let mut bad = net(3);
    bad.0.weights[1][0] = f32::NAN;
    assert_eq!(
        store.save(&bad, &mut buffer),
        Err(CheckpointError::Save(SaveError::NonFinite { index: 2 }))
    );
    let mut short = [0u8; 10];
    assert_eq!(
        store.save(&net(3), &mut short),
        Err(CheckpointError::BufferTooSmall {
            needed: Housing::ENCODED_LEN,
            found: 10
        })
    );
    let mut other = (
        Dense::<2, 2>::from_arrays([[1.0; 2]; 2], [0.5; 2]),
        Relu::<2>,
    );
    let before = other;
    assert!(matches!(
        store.load(&mut other, &mut buffer),
        Err(CheckpointError::Load(LoadError::LayerCountMismatch {
            expected: 2,
            found: 5
        }))
    ));
    assert_eq!(other, before);
    assert_eq!(store.into_inner().cells, cells);

    // a slot of one 128-byte sector cannot hold 20 + 228 bytes
    let mut small = Checkpoints::new(SimFlash::<4, 128>::new(FLASH_LEN), 0, 128).unwrap();
    assert_eq!(
        small.save(&net(0), &mut buffer),
        Err(CheckpointError::SlotTooSmall {
            needed: 248,
            slot: 128
        })
    );
    let empty = SimFlash::<4, 128>::new(FLASH_LEN);
    assert_eq!(boot_load(&empty), Err(CheckpointError::NoCheckpoint));
}

#[test]
fn layouts_that_do_not_fit_the_flash_are_refused() {
    let layout = |start, slot| {
        Checkpoints::new(SimFlash::<4, 128>::new(FLASH_LEN), start, slot)
            .err()
            .map(|e| e.to_string())
    };
    assert_eq!(layout(0, 512), None);
    assert_eq!(layout(256, 384), None);
    assert_eq!(
        layout(256, 512),
        Some(CheckpointError::<()>::BadLayout.to_string())
    );
    for (start, slot) in [
        (64, 256),
        (0, 200),
        (0, 0),
        (512, 512),
        (u32::MAX - 127, 128),
    ] {
        assert!(layout(start, slot).is_some(), "{start} {slot}");
    }
    let odd = Checkpoints::new(SimFlash::<3, 129>::new(FLASH_LEN), 0, 258);
    assert!(matches!(odd, Err(CheckpointError::UnsupportedFlash)));
}
