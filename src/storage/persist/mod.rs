//! Saving and loading parameters as bytes, with no heap.
//!
//! Train on the host, write the network into a byte buffer, and read it back
//! on the device (from flash, a file, a radio packet). [`Persist`] is
//! implemented for every [`Layer`], so every layer and every network can be
//! saved and loaded:
//!
//! ```
//! use stacknet::prelude::*;
//!
//! type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
//! let mut rng = XorShiftRng::seed_from_u64(1);
//! let trained = Net::random(Init::HeNormal, &mut rng);
//!
//! // The buffer size is a constant, so the buffer can live on the stack or
//! // in a `static`.
//! let mut bytes = [0u8; Net::ENCODED_LEN];
//! assert_eq!(trained.save(&mut bytes), Ok(Net::ENCODED_LEN));
//!
//! let mut on_device = Net::ZERO;
//! assert_eq!(on_device.load(&bytes), Ok(Net::ENCODED_LEN));
//! assert_eq!(on_device, trained);
//! ```
//!
//! A file made for another shape is refused, and a refused load leaves the
//! network exactly as it was:
//!
//! ```
//! use stacknet::persist::{LoadError, Persist};
//! use stacknet::{Dense, Zero};
//! let mut bytes = [0u8; Dense::<2, 4>::ENCODED_LEN];
//! Dense::<2, 4>::ZERO.save(&mut bytes).unwrap();
//!
//! let mut other = Dense::<4, 2>::from_arrays([[1.0; 4]; 2], [2.0; 2]);
//! let before = other;
//! assert!(matches!(other.load(&bytes), Err(LoadError::ShapeMismatch { .. })));
//! assert_eq!(other, before);
//! ```
//!
//! # Format
//!
//! A record is `20 + 4·N` bytes for a network with `N` parameters
//! ([`Params::NUM_PARAMS`]); every number is little-endian:
//!
//! | offset    | size  | field |
//! | --------- | ----- | ----- |
//! | 0         | 4     | magic: the ASCII bytes `SNET` |
//! | 4         | 4     | format version, `u32`, currently [`VERSION`] = 1 |
//! | 8         | 4     | shape signature, `u32`: the network's [`Layer::SIGNATURE`] |
//! | 12        | 4     | parameter count `N`, `u32` |
//! | 16        | 4·N   | the parameters, IEEE 754 `f32`, in [`Params`] order: layer by layer, for each [`Dense`](crate::model::layers::Dense) its weights row-major (`weights[o][i]`, one row per output) then its biases |
//! | 16 + 4·N  | 4     | CRC-32 (IEEE, as zlib's `crc32`) of bytes `0 .. 16 + 4·N` |
//!
//! Only trainable parameters are stored. Hyperparameters such as
//! [`LeakyRelu`](crate::model::layers::LeakyRelu)'s slope belong to the network you load
//! into and are left as they are.
//!
//! The signature is a 32-bit FNV-1a hash. For one layer it hashes the
//! little-endian bytes of three `u32`s, the layer's kind number (Dense 1,
//! Identity 2, Relu 3, LeakyRelu 4, Sigmoid 5, Tanh 6, Softmax 7), its input
//! size and its output size, starting from the offset basis `0x811C9DC5`.
//! For a tuple it starts from 0 and hashes each layer's signature in turn.
//! The simplest way to get it is to print `Net::SIGNATURE` on the host.
//!
//! A record can be read without stacknet, for example in Python:
//!
//! ```text
//! import struct, zlib
//! magic, version, signature, n = struct.unpack_from("<4sIII", data)
//! params = struct.unpack_from(f"<{n}f", data, 16)
//! (crc,) = struct.unpack_from("<I", data, 16 + 4 * n)
//! assert magic == b"SNET" and version == 1
//! assert crc == zlib.crc32(data[:16 + 4 * n])
//! ```
//!
//! [`save`](Persist::save) writes one record at the start of the buffer and
//! [`load`](Persist::load) reads one from the start of the buffer; both return
//! its length, so bytes after it are left alone and several records can sit
//! back to back (a flash page larger than the record is fine).
//!
//! # Errors, never panics
//!
//! [`load`](Persist::load) checks, in this order, that the header fits, the
//! magic, the version, the signature, the parameter count, that the whole
//! record fits, the checksum, and that every value is finite; each failure is
//! its own [`LoadError`]. Only after all checks pass are the parameters
//! written, so a failed load changes nothing. This needs no second copy of
//! the network: the bytes are validated in one pass and copied in another.
//! [`save`](Persist::save) refuses a buffer that is too small and a network
//! with a non-finite parameter (a file that `load` would refuse) before
//! writing anything.

mod crc;
#[cfg(feature = "serde")]
mod serde_flat;

pub use crc::{Crc32, crc32};
#[cfg(feature = "serde")]
pub use serde_flat::{Flat, flat};

use crate::model::layer::Layer;
use crate::model::params::Params;

/// The first four bytes of every record.
pub const MAGIC: [u8; 4] = *b"SNET";
/// The format version this crate writes and reads.
pub const VERSION: u32 = 1;
/// Bytes before the parameters: magic, version, signature, count.
pub const HEADER_LEN: usize = 16;
/// Bytes after the parameters: the CRC-32.
pub const CHECKSUM_LEN: usize = 4;

/// Saving to and loading from bytes; implemented for every [`Layer`].
///
/// See the [module documentation](self) for the format and examples.
pub trait Persist: Layer {
    /// The parameter count as stored in the header. Evaluating it for a
    /// network with more than `u32::MAX` parameters is a compile error.
    const STORED_COUNT: u32 = {
        assert!(
            Self::NUM_PARAMS as u64 <= u32::MAX as u64,
            "too many parameters for the file format"
        );
        Self::NUM_PARAMS as u32
    };

    /// The length of a record in bytes, `20 + 4 · NUM_PARAMS`: declare the
    /// buffer as `[u8; Net::ENCODED_LEN]` for a concrete network type `Net`.
    const ENCODED_LEN: usize = HEADER_LEN + 4 * Self::NUM_PARAMS + CHECKSUM_LEN;

    /// Writes the network as one record at the start of `out` and returns
    /// the number of bytes written, [`ENCODED_LEN`](Persist::ENCODED_LEN).
    /// Bytes of `out` past the record are not touched; on error nothing is.
    ///
    /// ```
    /// use stacknet::persist::{Persist, SaveError};
    /// use stacknet::Dense;
    /// let layer = Dense::from_arrays([[1.0, 2.0]], [3.0]);
    /// let mut small = [0u8; 10];
    /// assert_eq!(
    ///     layer.save(&mut small),
    ///     Err(SaveError::BufferTooSmall { needed: 32, found: 10 })
    /// );
    /// assert_eq!(small, [0; 10]);
    /// ```
    fn save(&self, out: &mut [u8]) -> Result<usize, SaveError> {
        let found = out.len();
        let needed = Self::ENCODED_LEN;
        let record = out
            .get_mut(..needed)
            .ok_or(SaveError::BufferTooSmall { needed, found })?;
        if let Some(index) = values(self).position(|p| !p.is_finite()) {
            return Err(SaveError::NonFinite { index });
        }

        let header = [
            u32::from_le_bytes(MAGIC),
            VERSION,
            Self::SIGNATURE,
            Self::STORED_COUNT,
        ];
        let body = header
            .into_iter()
            .flat_map(u32::to_le_bytes)
            .chain(values(self).flat_map(f32::to_le_bytes));
        let mut crc = Crc32::new();
        let mut slots = record.iter_mut();
        // `body` first: zip stops at its end without taking one more slot.
        for (byte, slot) in body.zip(&mut slots) {
            *slot = byte;
            crc.update_byte(byte);
        }
        for (slot, byte) in slots.zip(crc.finish().to_le_bytes()) {
            *slot = byte;
        }
        Ok(needed)
    }

    /// Reads one record from the start of `bytes` into the network and
    /// returns its length, [`ENCODED_LEN`](Persist::ENCODED_LEN); bytes
    /// after it are ignored. On error the network is unchanged.
    ///
    /// ```
    /// use stacknet::persist::{LoadError, Persist};
    /// use stacknet::Dense;
    /// let mut layer = Dense::from_arrays([[1.0, 2.0]], [3.0]);
    /// let mut bytes = [0u8; 32];
    /// layer.save(&mut bytes).unwrap();
    /// bytes[20] ^= 1; // one flipped bit in the second weight
    /// assert!(matches!(layer.load(&bytes), Err(LoadError::BadChecksum { .. })));
    /// assert_eq!(layer.weights, [[1.0, 2.0]]);
    /// ```
    fn load(&mut self, bytes: &[u8]) -> Result<usize, LoadError> {
        let header = read_header(bytes)?;
        if header.signature != Self::SIGNATURE {
            return Err(LoadError::ShapeMismatch {
                expected: Self::SIGNATURE,
                found: header.signature,
            });
        }
        if header.num_params != Self::STORED_COUNT {
            return Err(LoadError::ParamCountMismatch {
                expected: Self::STORED_COUNT,
                found: header.num_params,
            });
        }
        let values = checked_values(bytes, Self::ENCODED_LEN)?;

        // Every check has passed: commit.
        let mut values = values.chunks_exact(4).map(decode_f32);
        self.for_each_block_mut(|block| {
            for (p, v) in block.iter_mut().zip(&mut values) {
                *p = v;
            }
        });
        Ok(Self::ENCODED_LEN)
    }
}

impl<L: Layer> Persist for L {}

/// The header of a record, as read by [`read_header`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The format version (always [`VERSION`] once read).
    pub version: u32,
    /// The shape signature of the network that wrote the record.
    pub signature: u32,
    /// The number of parameters in the record.
    pub num_params: u32,
}

impl Header {
    /// The length of the whole record this header starts, or `None` if it
    /// does not fit in a `usize`.
    pub fn record_len(&self) -> Option<usize> {
        usize::try_from(self.num_params)
            .ok()?
            .checked_mul(4)?
            .checked_add(HEADER_LEN + CHECKSUM_LEN)
    }
}

/// Reads and checks the magic and version of the record at the start of
/// `bytes`, without knowing the network: for tools that list or sort files.
///
/// ```
/// use stacknet::persist::{read_header, Persist};
/// use stacknet::{Dense, Layer, Zero};
/// let mut bytes = [0u8; 32];
/// Dense::<2, 1>::ZERO.save(&mut bytes).unwrap();
/// let header = read_header(&bytes).unwrap();
/// assert_eq!(header.signature, Dense::<2, 1>::SIGNATURE);
/// assert_eq!(header.num_params, 3);
/// assert_eq!(header.record_len(), Some(32));
/// ```
pub fn read_header(bytes: &[u8]) -> Result<Header, LoadError> {
    let too_short = LoadError::TooShort {
        needed: HEADER_LEN,
        found: bytes.len(),
    };
    let (header, _) = bytes.split_first_chunk::<HEADER_LEN>().ok_or(too_short)?;
    let [
        m0,
        m1,
        m2,
        m3,
        v0,
        v1,
        v2,
        v3,
        s0,
        s1,
        s2,
        s3,
        n0,
        n1,
        n2,
        n3,
    ] = *header;
    let magic = [m0, m1, m2, m3];
    if magic != MAGIC {
        return Err(LoadError::BadMagic { found: magic });
    }
    let version = u32::from_le_bytes([v0, v1, v2, v3]);
    if version != VERSION {
        return Err(LoadError::UnsupportedVersion { found: version });
    }
    Ok(Header {
        version,
        signature: u32::from_le_bytes([s0, s1, s2, s3]),
        num_params: u32::from_le_bytes([n0, n1, n2, n3]),
    })
}

/// Checks the length, checksum and finiteness of a record of `len` bytes
/// whose header has been checked, and returns its parameter bytes.
fn checked_values(bytes: &[u8], len: usize) -> Result<&[u8], LoadError> {
    let record = bytes.get(..len).ok_or(LoadError::TooShort {
        needed: len,
        found: bytes.len(),
    })?;
    let (body, stored) = record
        .split_last_chunk::<CHECKSUM_LEN>()
        .ok_or(LoadError::TooShort {
            needed: len,
            found: bytes.len(),
        })?;
    let stored = u32::from_le_bytes(*stored);
    let computed = crc32(body);
    if stored != computed {
        return Err(LoadError::BadChecksum { stored, computed });
    }
    let values = body.get(HEADER_LEN..).unwrap_or(&[]);
    if let Some(index) = values
        .chunks_exact(4)
        .map(decode_f32)
        .position(|v| !v.is_finite())
    {
        return Err(LoadError::NonFinite { index });
    }
    Ok(values)
}

fn decode_f32(chunk: &[u8]) -> f32 {
    match *chunk {
        [a, b, c, d] => f32::from_le_bytes([a, b, c, d]),
        _ => f32::NAN,
    }
}

/// Every parameter, in order.
fn values<P: Params>(p: &P) -> impl Iterator<Item = f32> + '_ {
    (0..P::NUM_BLOCKS).flat_map(move |k| p.block(k).iter().copied())
}

/// Why [`Persist::save`] wrote nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SaveError {
    /// The buffer is shorter than [`Persist::ENCODED_LEN`].
    BufferTooSmall {
        /// Bytes a record needs.
        needed: usize,
        /// Bytes the buffer has.
        found: usize,
    },
    /// A parameter is NaN or infinite; such a record would be refused by
    /// [`Persist::load`].
    NonFinite {
        /// The position of the first such parameter in [`Params`] order.
        index: usize,
    },
}

impl core::fmt::Display for SaveError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::BufferTooSmall { needed, found } => write!(
                f,
                "buffer too small: a record needs {needed} bytes, the buffer has {found}"
            ),
            Self::NonFinite { index } => {
                write!(f, "parameter {index} is not finite")
            }
        }
    }
}

impl core::error::Error for SaveError {}

/// Why [`Persist::load`] refused a record (and left the network unchanged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadError {
    /// The bytes end before the header or the record does.
    TooShort {
        /// Bytes needed.
        needed: usize,
        /// Bytes given.
        found: usize,
    },
    /// The record does not start with [`MAGIC`]: not a stacknet record.
    BadMagic {
        /// The first four bytes.
        found: [u8; 4],
    },
    /// The record was written in a format version this crate cannot read.
    UnsupportedVersion {
        /// The version in the record.
        found: u32,
    },
    /// The record was written by a network of another shape.
    ShapeMismatch {
        /// The signature of the network loading it.
        expected: u32,
        /// The signature in the record.
        found: u32,
    },
    /// The parameter count in the header is not the network's.
    ParamCountMismatch {
        /// The parameter count of the network.
        expected: u32,
        /// The count in the record.
        found: u32,
    },
    /// The CRC-32 does not match: the record is damaged.
    BadChecksum {
        /// The checksum stored in the record.
        stored: u32,
        /// The checksum of the bytes read.
        computed: u32,
    },
    /// A parameter is NaN or infinite.
    NonFinite {
        /// The position of the first such parameter in [`Params`] order.
        index: usize,
    },
}

impl core::fmt::Display for LoadError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::TooShort { needed, found } => {
                write!(f, "record truncated: needs {needed} bytes, found {found}")
            }
            Self::BadMagic { found } => {
                write!(f, "not a stacknet record (starts with {found:02x?})")
            }
            Self::UnsupportedVersion { found } => write!(
                f,
                "format version {found} is not supported (this build reads {VERSION})"
            ),
            Self::ShapeMismatch { expected, found } => write!(
                f,
                "record is for another network shape (signature {found:#010x}, expected {expected:#010x})"
            ),
            Self::ParamCountMismatch { expected, found } => write!(
                f,
                "record holds {found} parameters, the network has {expected}"
            ),
            Self::BadChecksum { stored, computed } => write!(
                f,
                "checksum mismatch (stored {stored:#010x}, computed {computed:#010x}): record is damaged"
            ),
            Self::NonFinite { index } => write!(f, "parameter {index} is not finite"),
        }
    }
}

impl core::error::Error for LoadError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layers::{Dense, LeakyRelu, Relu};
    use crate::model::params::Zero;

    #[test]
    fn layout_of_a_small_layer_is_as_documented() {
        let layer = Dense::from_arrays([[1.0, -2.0]], [0.5]);
        let mut bytes = [0xAAu8; 40];
        assert_eq!(layer.save(&mut bytes), Ok(32));
        assert_eq!(&bytes[0..4], b"SNET");
        assert_eq!(bytes[4..8], 1u32.to_le_bytes());
        assert_eq!(bytes[8..12], Dense::<2, 1>::SIGNATURE.to_le_bytes());
        assert_eq!(bytes[12..16], 3u32.to_le_bytes());
        assert_eq!(bytes[16..20], 1.0f32.to_le_bytes());
        assert_eq!(bytes[20..24], (-2.0f32).to_le_bytes());
        assert_eq!(bytes[24..28], 0.5f32.to_le_bytes());
        assert_eq!(bytes[28..32], crc32(&bytes[..28]).to_le_bytes());
        // past the record nothing is written
        assert_eq!(bytes[32..], [0xAA; 8]);
    }

    #[test]
    fn parameterless_layers_are_header_and_checksum() {
        assert_eq!(Relu::<7>::ENCODED_LEN, 20);
        let mut bytes = [0u8; 20];
        assert_eq!(Relu::<7>.save(&mut bytes), Ok(20));
        assert_eq!(Relu::<7>.load(&bytes), Ok(20));
        assert_eq!(
            Relu::<6>.load(&bytes),
            Err(LoadError::ShapeMismatch {
                expected: Relu::<6>::SIGNATURE,
                found: Relu::<7>::SIGNATURE
            })
        );
    }

    #[test]
    fn loading_keeps_hyperparameters() {
        let mut bytes = [0u8; 20];
        LeakyRelu::<3>::with_slope(0.5).save(&mut bytes).unwrap();
        let mut target = LeakyRelu::<3>::with_slope(0.25);
        target.load(&bytes).unwrap();
        assert_eq!(target.slope, 0.25);
    }

    #[test]
    fn save_refuses_non_finite_and_writes_nothing() {
        let mut net = <(Dense<1, 2>, Relu<2>)>::ZERO;
        net.0.biases[1] = f32::INFINITY;
        let mut bytes = [7u8; 36];
        assert_eq!(net.save(&mut bytes), Err(SaveError::NonFinite { index: 3 }));
        assert_eq!(bytes, [7; 36]);
    }

    #[test]
    fn record_len_handles_huge_counts() {
        let header = Header {
            version: 1,
            signature: 0,
            num_params: u32::MAX,
        };
        let expected = usize::try_from(u32::MAX)
            .ok()
            .and_then(|n| n.checked_mul(4))
            .and_then(|n| n.checked_add(20));
        assert_eq!(header.record_len(), expected);
    }
}
