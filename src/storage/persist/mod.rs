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
//! A record (format version 3) is `24 + 16·L + b·N` bytes for a network
//! of `L` layers ([`Layer::LAYERS`]) with `N` parameters
//! ([`Params::NUM_PARAMS`]) of `b` bytes each; every number is
//! little-endian:
//!
//! | offset          | size  | field |
//! | --------------- | ----- | ----- |
//! | 0               | 4     | magic: the ASCII bytes `SNET` |
//! | 4               | 4     | format version, `u32`, currently [`VERSION`] = 3 |
//! | 8               | 4     | layer count `L`, `u32` |
//! | 12              | 4     | parameter count `N`, `u32` |
//! | 16              | 4     | number type ([`Scalar::TAG`]): 0 `f32` (`b` = 4), 1 `f64` (`b` = 8), 2 Q16.16 (`b` = 4, the raw `i32`) |
//! | 20              | 16·L  | the structure: for each layer, first to last, four `u32`s: kind, input size, output size, setting ([`LayerShape`]) |
//! | 20 + 16·L       | b·N   | the parameters in [`Params`] order: layer by layer, for each [`Dense`](crate::model::layers::Dense) its weights row-major (`weights[o][i]`, one row per output) then its biases |
//! | 20 + 16·L + b·N | 4     | CRC-32 (IEEE, as zlib's `crc32`) of every byte before it |
//!
//! A record of one number type is refused by a network of another
//! ([`LoadError::NumberTypeMismatch`]). Version 2 is version 3 without the
//! number-type word, always `f32`; it is still read.
//!
//! The kinds are Dense 1, Identity 2, Relu 3, LeakyRelu 4, Sigmoid 5, Tanh 6,
//! Softmax 7, Elu 8, Gelu 9, Silu 10, Softplus 11, HardSigmoid 12 and
//! HardTanh 13, Dropout 14. The setting is the IEEE 754 bits of a
//! [`LeakyRelu`](crate::model::layers::LeakyRelu)'s slope, an
//! [`Elu`](crate::model::layers::Elu)'s `α` or a
//! [`Dropout`](crate::model::layers::Dropout)'s `p`, and 0 for every other layer. A nested tuple lists its layers in place.
//!
//! The structure is the shape tag: [`load`](Persist::load) compares it word
//! for word with the network's, so a record is accepted only by a network
//! with the same layers, sizes and settings in the same order. Nothing is
//! hashed, so two different shapes cannot accept each other's records. The
//! slope is *checked*, not restored: a record saved with slope 0.2 is refused
//! by a network with slope 0.01 (build the network with the slope it was
//! trained with, then load). Only trainable parameters are written into the
//! network.
//!
//! A record can be read without stacknet, for example in Python:
//!
//! ```text
//! import struct, zlib
//! magic, version, layers, n, number_type = struct.unpack_from("<4sIIII", data)
//! assert magic == b"SNET" and version == 3 and number_type == 0  # f32
//! shape = [struct.unpack_from("<4I", data, 20 + 16 * k) for k in range(layers)]
//! at = 20 + 16 * layers
//! params = struct.unpack_from(f"<{n}f", data, at)
//! (crc,) = struct.unpack_from("<I", data, at + 4 * n)
//! assert crc == zlib.crc32(data[:at + 4 * n])
//! # a LeakyRelu's slope: struct.unpack("<f", struct.pack("<I", shape[k][3]))
//! ```
//!
//! [`save`](Persist::save) writes one record at the start of the buffer and
//! [`load`](Persist::load) reads one from the start of the buffer; both return
//! its length, so bytes after it are left alone and several records can sit
//! back to back (a flash page larger than the record is fine).
//!
//! # Version 1
//!
//! Version 1 records (`20 + 4·N` bytes: magic, version 1, a `u32` shape
//! signature in place of the layer count, the count, the parameters, the
//! CRC-32) are still read by [`load`](Persist::load) when the signature is
//! the network's [`Layer::SIGNATURE`], the parameter count matches and the
//! network has no layer settings ([`Layer::HAS_SETTINGS`]). The signature is
//! a 32-bit FNV-1a hash of each layer's kind, input and output size, and
//! hashes collide: `(Dense<2, 15>, Relu<15>, Dense<15, 4>, Relu<4>, Dense<4,
//! 4>, Sigmoid<4>, Dense<4, 1>, LeakyRelu<1>)` and `(Dense<2, 15>,
//! Softmax<15>, Dense<15, 4>, Sigmoid<4>, Dense<4, 4>, LeakyRelu<4>, Dense<4,
//! 1>, Identity<1>)` have the same signature and count. So a version-1
//! record is **not safe** to load when it may come from a network of another
//! shape: it is checked against a hash, not the structure. Load version-1
//! records only where you know which network wrote them, and save them again
//! to get version 3.
//!
//! A version-1 record does not hold the `LeakyRelu` slope, so `load` refuses
//! it for a network with settings ([`LoadError::Version1Settings`]). Where you
//! know the slope it was trained with, build the network with that slope and
//! call [`load_version1_keeping_settings`](Persist::load_version1_keeping_settings).
//! Version 1 is never written.
//!
//! # Errors, never panics
//!
//! [`load`](Persist::load) checks, in this order, that the header fits, the
//! magic, the version, the layer count, that the structure fits, the
//! structure layer by layer, the parameter count, that the whole record
//! fits, the checksum, and that every value is finite; each failure is its own [`LoadError`]. Only after all
//! checks pass are the parameters written, so a failed load changes nothing.
//! This needs no second copy of the network: the bytes are validated in one
//! pass and copied in another, and the structure is compared as it is read,
//! with no buffer. [`save`](Persist::save) refuses a buffer that is too
//! small and a network with a non-finite parameter (a file that `load` would
//! refuse) before writing anything.

mod crc;
#[cfg(feature = "serde")]
mod serde_flat;

pub use crc::{Crc32, crc32};
#[cfg(feature = "serde")]
pub use serde_flat::{Flat, flat};

use crate::model::layer::{Layer, LayerShape};
use crate::model::params::Params;
use crate::num::Scalar;

/// The first four bytes of every record.
pub const MAGIC: [u8; 4] = *b"SNET";
/// The format version this crate writes; it also reads versions 1 and 2
/// (both `f32` only).
pub const VERSION: u32 = 3;
/// Bytes before the number type (version 3), the structure (version 2) or
/// the parameters (version 1): magic, version, layer count (or signature),
/// parameter count.
pub const HEADER_LEN: usize = 16;
/// Bytes of the number-type word after the header (version 3).
pub const NUMBER_TYPE_LEN: usize = 4;
/// Bytes per layer of the structure: four `u32`s.
pub const LAYER_LEN: usize = 4 * LayerShape::WORDS;
/// Bytes after the parameters: the CRC-32.
pub const CHECKSUM_LEN: usize = 4;

/// Saving to and loading from bytes; implemented for every [`Layer`].
///
/// See the [module documentation](self) for the format and examples.
pub trait Persist<S: Scalar = f32>: Layer<S> {
    /// The parameter count as stored in the header. Evaluating it for a
    /// network with more than `u32::MAX` parameters is a compile error.
    const STORED_COUNT: u32 = {
        assert!(
            Self::NUM_PARAMS as u64 <= u32::MAX as u64,
            "too many parameters for the file format"
        );
        Self::NUM_PARAMS as u32
    };

    /// The layer count as stored in the header, [`Layer::LAYERS`].
    const STORED_LAYERS: u32 = {
        assert!(
            Self::LAYERS as u64 <= u32::MAX as u64,
            "too many layers for the file format"
        );
        Self::LAYERS as u32
    };

    /// The length of a record in bytes, `24 + 16 · LAYERS + b · NUM_PARAMS`
    /// with `b` bytes per value (4 for `f32` and Q16.16, 8 for `f64`):
    /// declare the buffer as `[u8; <Net as Persist>::ENCODED_LEN]` for a
    /// concrete network type `Net`.
    const ENCODED_LEN: usize = HEADER_LEN
        + NUMBER_TYPE_LEN
        + LAYER_LEN * Self::LAYERS
        + S::BYTES * Self::NUM_PARAMS
        + CHECKSUM_LEN;

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
    ///     Err(SaveError::BufferTooSmall { needed: 52, found: 10 })
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
            Self::STORED_LAYERS,
            Self::STORED_COUNT,
            S::TAG,
        ];
        let structure = (0..Self::LAYERS).flat_map(|k| self.layer_shape(k).words());
        let body = header
            .into_iter()
            .chain(structure)
            .flat_map(u32::to_le_bytes)
            .chain(values(self).flat_map(|p| {
                let bytes = p.to_bits().to_le_bytes();
                bytes.into_iter().take(S::BYTES)
            }));
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
    /// returns its length, [`ENCODED_LEN`](Persist::ENCODED_LEN) (or the
    /// shorter length of a version-1 record); bytes after it are ignored. On
    /// error the network is unchanged.
    ///
    /// ```
    /// use stacknet::persist::{LoadError, Persist};
    /// use stacknet::Dense;
    /// let mut layer = Dense::from_arrays([[1.0, 2.0]], [3.0]);
    /// let mut bytes = [0u8; 52];
    /// layer.save(&mut bytes).unwrap();
    /// bytes[40] ^= 1; // one flipped bit in the second weight
    /// assert!(matches!(layer.load(&bytes), Err(LoadError::BadChecksum { .. })));
    /// assert_eq!(layer.weights, [[1.0, 2.0]]);
    /// ```
    fn load(&mut self, bytes: &[u8]) -> Result<usize, LoadError> {
        load_record(self, bytes, false)
    }

    /// Like [`load`](Persist::load), but a version-1 record is also accepted
    /// by a network with layer settings, which keeps its settings as they
    /// are: a version-1 record does not hold them, so the caller vouches
    /// that the network was built with the settings the record was trained
    /// with. Version-2 records are checked as by `load`. See the [module
    /// documentation](self#version-1) for what version 1 cannot check.
    fn load_version1_keeping_settings(&mut self, bytes: &[u8]) -> Result<usize, LoadError> {
        load_record(self, bytes, true)
    }
}

impl<S: Scalar, L: Layer<S>> Persist<S> for L {}

/// The shared body of [`Persist::load`] and
/// [`Persist::load_version1_keeping_settings`].
fn load_record<S: Scalar, L: Persist<S>>(
    net: &mut L,
    bytes: &[u8],
    version1_keeps_settings: bool,
) -> Result<usize, LoadError> {
    let header = read_header(bytes)?;
    if header.number_type != S::TAG {
        return Err(LoadError::NumberTypeMismatch {
            expected: S::TAG,
            found: header.number_type,
        });
    }
    let (len, start) = match header.signature {
        Some(found) => {
            if found != L::SIGNATURE {
                return Err(LoadError::SignatureMismatch {
                    expected: L::SIGNATURE,
                    found,
                });
            }
            if L::HAS_SETTINGS && !version1_keeps_settings {
                return Err(LoadError::Version1Settings);
            }
            check_count::<S, L>(header.num_params)?;
            (HEADER_LEN + 4 * L::NUM_PARAMS + CHECKSUM_LEN, HEADER_LEN)
        }
        None => {
            if header.num_layers != L::STORED_LAYERS {
                return Err(LoadError::LayerCountMismatch {
                    expected: L::STORED_LAYERS,
                    found: header.num_layers,
                });
            }
            // version 2 has no number-type word (it is f32)
            let begin = HEADER_LEN
                + if header.version == 2 {
                    0
                } else {
                    NUMBER_TYPE_LEN
                };
            let end = begin + LAYER_LEN * L::LAYERS;
            let len = end + S::BYTES * L::NUM_PARAMS + CHECKSUM_LEN;
            let structure = bytes.get(begin..end).ok_or(LoadError::TooShort {
                needed: len,
                found: bytes.len(),
            })?;
            check_structure(net, structure)?;
            check_count::<S, L>(header.num_params)?;
            (len, end)
        }
    };
    let values = checked_values::<S>(bytes, len, start)?;

    // Every check has passed: commit.
    let mut values = values.chunks_exact(S::BYTES).map(decode::<S>);
    net.for_each_block_mut(|block| {
        for (p, v) in block.iter_mut().zip(&mut values) {
            *p = v;
        }
    });
    Ok(len)
}

fn check_count<S: Scalar, L: Persist<S>>(found: u32) -> Result<(), LoadError> {
    if found == L::STORED_COUNT {
        Ok(())
    } else {
        Err(LoadError::ParamCountMismatch {
            expected: L::STORED_COUNT,
            found,
        })
    }
}

/// Compares the structure that starts `bytes` with the network's, layer by
/// layer and word by word, as it reads it.
fn check_structure<S: Scalar, L: Layer<S>>(net: &L, bytes: &[u8]) -> Result<(), LoadError> {
    const FIELDS: [ShapeField; 4] = [
        ShapeField::Kind,
        ShapeField::Inputs,
        ShapeField::Outputs,
        ShapeField::Setting,
    ];
    let mut words = bytes.chunks_exact(4).map(decode_u32);
    for k in 0..L::LAYERS {
        let expected = net.layer_shape(k).words();
        for (field, expected) in FIELDS.into_iter().zip(expected) {
            // `bytes` holds the whole structure; a missing word is kind 0
            let found = words.next().unwrap_or(0);
            if found != expected {
                return Err(LoadError::ShapeMismatch {
                    layer: k as u32,
                    field,
                    expected,
                    found,
                });
            }
        }
    }
    Ok(())
}

/// The header of a record, as read by [`read_header`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Header {
    /// The format version: 3, or 2 or 1 for an old record.
    pub version: u32,
    /// The number type ([`Scalar::TAG`]: 0 `f32`, 1 `f64`, 2 Q16.16); 0 in
    /// a version-1 or version-2 record, which are `f32`.
    pub number_type: u32,
    /// The number of layers whose structure follows the header (0 in a
    /// version-1 record, which has no structure).
    pub num_layers: u32,
    /// The version-1 shape signature ([`Layer::SIGNATURE`] of the network
    /// that wrote it); `None` in later records.
    pub signature: Option<u32>,
    /// The number of parameters in the record.
    pub num_params: u32,
}

impl Header {
    /// The length of the whole record this header starts, or `None` if it
    /// does not fit in a `usize`.
    pub fn record_len(&self) -> Option<usize> {
        let structure = usize::try_from(self.num_layers)
            .ok()?
            .checked_mul(LAYER_LEN)?;
        let (number_type, value_len) = match (self.version, self.number_type) {
            (1 | 2, _) => (0, 4),
            (_, 1) => (NUMBER_TYPE_LEN, 8),
            _ => (NUMBER_TYPE_LEN, 4),
        };
        usize::try_from(self.num_params)
            .ok()?
            .checked_mul(value_len)?
            .checked_add(structure)?
            .checked_add(HEADER_LEN + number_type + CHECKSUM_LEN)
    }
}

/// Reads and checks the magic and version of the record at the start of
/// `bytes`, without knowing the network: for tools that list or sort files.
///
/// ```
/// use stacknet::persist::{read_header, Persist};
/// use stacknet::{Dense, Layer, Zero};
/// let mut bytes = [0u8; 52];
/// Dense::<2, 1>::ZERO.save(&mut bytes).unwrap();
/// let header = read_header(&bytes).unwrap();
/// assert_eq!((header.version, header.number_type), (3, 0));
/// assert_eq!(header.num_layers, 1);
/// assert_eq!(header.num_params, 3);
/// assert_eq!(header.record_len(), Some(52));
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
    let third = u32::from_le_bytes([s0, s1, s2, s3]);
    let num_params = u32::from_le_bytes([n0, n1, n2, n3]);
    match version {
        1 => Ok(Header {
            version,
            number_type: 0,
            num_layers: 0,
            signature: Some(third),
            num_params,
        }),
        2 => Ok(Header {
            version,
            number_type: 0,
            num_layers: third,
            signature: None,
            num_params,
        }),
        VERSION => {
            let word =
                bytes
                    .get(HEADER_LEN..HEADER_LEN + NUMBER_TYPE_LEN)
                    .ok_or(LoadError::TooShort {
                        needed: HEADER_LEN + NUMBER_TYPE_LEN,
                        found: bytes.len(),
                    })?;
            let number_type = decode_u32(word);
            if number_type > 2 {
                return Err(LoadError::UnknownNumberType { found: number_type });
            }
            Ok(Header {
                version,
                number_type,
                num_layers: third,
                signature: None,
                num_params,
            })
        }
        _ => Err(LoadError::UnsupportedVersion { found: version }),
    }
}

/// Checks the length, checksum and finiteness of a record of `len` bytes
/// whose header has been checked, and returns its parameter bytes, which
/// start at `start`.
fn checked_values<S: Scalar>(bytes: &[u8], len: usize, start: usize) -> Result<&[u8], LoadError> {
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
    let values = body.get(start..).unwrap_or(&[]);
    if let Some(index) = values
        .chunks_exact(S::BYTES)
        .map(decode::<S>)
        .position(|v| !v.is_finite())
    {
        return Err(LoadError::NonFinite { index });
    }
    Ok(values)
}

fn decode_u32(chunk: &[u8]) -> u32 {
    match *chunk {
        [a, b, c, d] => u32::from_le_bytes([a, b, c, d]),
        _ => 0,
    }
}

/// A value from its `S::BYTES` little-endian bytes.
fn decode<S: Scalar>(chunk: &[u8]) -> S {
    let mut bytes = [0u8; 8];
    for (b, &c) in bytes.iter_mut().zip(chunk) {
        *b = c;
    }
    S::from_bits(u64::from_le_bytes(bytes))
}

/// Every parameter, in order.
fn values<S: Scalar, P: Params<S>>(p: &P) -> impl Iterator<Item = S> + '_ {
    (0..P::NUM_BLOCKS).flat_map(move |k| p.block(k).iter().copied())
}

/// Why [`Persist::save`] wrote nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
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
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
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
    /// The record lists another number of layers than the network has.
    LayerCountMismatch {
        /// The network's [`Layer::LAYERS`].
        expected: u32,
        /// The count in the record.
        found: u32,
    },
    /// The record was written by a network of another shape: layer `layer`
    /// differs in `field`.
    ShapeMismatch {
        /// The position of the first differing layer, from 0.
        layer: u32,
        /// Which word of the layer differs.
        field: ShapeField,
        /// The network's word.
        expected: u32,
        /// The record's word.
        found: u32,
    },
    /// A version-1 record (or a serde `Flat` value) whose shape signature
    /// is not the network's.
    SignatureMismatch {
        /// The network's [`Layer::SIGNATURE`].
        expected: u32,
        /// The signature in the record.
        found: u32,
    },
    /// A version-1 record, which does not hold layer settings, for a network
    /// that has some ([`Layer::HAS_SETTINGS`]); see
    /// [`Persist::load_version1_keeping_settings`].
    Version1Settings,
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
    /// The record holds another number type than the network's: an `f32`
    /// record for a Q16.16 network, say. Convert the network, not the
    /// bytes (see [`num`](crate::num)).
    NumberTypeMismatch {
        /// The network's [`Scalar::TAG`].
        expected: u32,
        /// The record's.
        found: u32,
    },
    /// The record's number-type word is not one this crate knows.
    UnknownNumberType {
        /// The word in the record.
        found: u32,
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
            Self::LayerCountMismatch { expected, found } => write!(
                f,
                "record lists {found} layers, the network has {expected}"
            ),
            Self::ShapeMismatch {
                layer,
                field: ShapeField::Kind,
                expected,
                found,
            } => write!(
                f,
                "record is for another network shape: layer {layer} is {} in the record, {} in the network",
                kind_name(*found),
                kind_name(*expected)
            ),
            Self::ShapeMismatch {
                layer,
                field: ShapeField::Setting,
                expected,
                found,
            } => write!(
                f,
                "record is for another network shape: layer {layer} has setting bits {found:#010x} in the record, {expected:#010x} in the network"
            ),
            Self::ShapeMismatch {
                layer,
                field,
                expected,
                found,
            } => write!(
                f,
                "record is for another network shape: layer {layer} has {} {found} in the record, {expected} in the network",
                field.name()
            ),
            Self::SignatureMismatch { expected, found } => write!(
                f,
                "record is for another network shape (version-1 signature {found:#010x}, expected {expected:#010x})"
            ),
            Self::Version1Settings => f.write_str(
                "a version-1 record does not hold layer settings (the LeakyRelu slope), so it cannot be checked against this network",
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
            Self::NumberTypeMismatch { expected, found } => write!(
                f,
                "record holds {} values, the network is {}",
                number_type_name(*found),
                number_type_name(*expected)
            ),
            Self::UnknownNumberType { found } => write!(f, "unknown number type {found}"),
        }
    }
}

impl core::error::Error for LoadError {}

/// Which word of a [`LayerShape`] differs, in [`LoadError::ShapeMismatch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ShapeField {
    /// The layer kind.
    Kind,
    /// The input size.
    Inputs,
    /// The output size.
    Outputs,
    /// The setting (the bits of a `LeakyRelu` slope).
    Setting,
}

impl ShapeField {
    fn name(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::Inputs => "input size",
            Self::Outputs => "output size",
            Self::Setting => "setting",
        }
    }
}

/// The name of a layer kind number, for messages.
fn number_type_name(tag: u32) -> &'static str {
    match tag {
        0 => "f32",
        1 => "f64",
        2 => "Q16.16",
        _ => "unknown",
    }
}

fn kind_name(kind: u32) -> &'static str {
    use crate::model::layers::kind;
    match kind {
        kind::DENSE => "Dense",
        kind::IDENTITY => "Identity",
        kind::RELU => "Relu",
        kind::LEAKY_RELU => "LeakyRelu",
        kind::SIGMOID => "Sigmoid",
        kind::TANH => "Tanh",
        kind::SOFTMAX => "Softmax",
        kind::DROPOUT => "Dropout",
        _ => "an unknown kind",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layers::{Dense, LeakyRelu, Relu};
    use crate::model::params::Zero;

    fn words(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
        bytes.chunks_exact(4).map(decode_u32)
    }

    #[test]
    fn layout_of_a_small_layer_is_as_documented() {
        let layer = Dense::from_arrays([[1.0, -2.0]], [0.5]);
        let mut bytes = [0xAAu8; 60];
        assert_eq!(layer.save(&mut bytes), Ok(52));
        assert_eq!(&bytes[0..4], b"SNET");
        // version, layers, parameters, number type f32 (0), then Dense
        // (kind 1) from 2 to 1
        assert!(words(&bytes[4..36]).eq([3, 1, 3, 0, 1, 2, 1, 0]));
        assert_eq!(bytes[36..40], 1.0f32.to_le_bytes());
        assert_eq!(bytes[40..44], (-2.0f32).to_le_bytes());
        assert_eq!(bytes[44..48], 0.5f32.to_le_bytes());
        assert_eq!(bytes[48..52], crc32(&bytes[..48]).to_le_bytes());
        // past the record nothing is written
        assert_eq!(bytes[52..], [0xAA; 8]);
    }

    #[test]
    fn parameterless_layers_are_header_structure_and_checksum() {
        type R7 = Relu<7>;
        assert_eq!(<R7 as Persist>::ENCODED_LEN, 40);
        let mut bytes = [0u8; 40];
        assert_eq!(Persist::<f32>::save(&Relu::<7>, &mut bytes), Ok(40));
        assert!(words(&bytes[20..36]).eq([3, 7, 7, 0]));
        assert_eq!(Persist::<f32>::load(&mut Relu::<7>, &bytes), Ok(40));
        assert_eq!(
            Persist::<f32>::load(&mut Relu::<6>, &bytes),
            Err(LoadError::ShapeMismatch {
                layer: 0,
                field: ShapeField::Inputs,
                expected: 6,
                found: 7
            })
        );
    }

    #[test]
    fn the_slope_is_in_the_record_and_checked() {
        let mut bytes = [0u8; 40];
        Persist::<f32>::save(&LeakyRelu::<3>::with_slope(0.5), &mut bytes).unwrap();
        assert!(words(&bytes[20..36]).eq([4, 3, 3, 0.5f32.to_bits()]));
        let mut target = LeakyRelu::<3>::with_slope(0.25);
        assert_eq!(
            Persist::<f32>::load(&mut target, &bytes),
            Err(LoadError::ShapeMismatch {
                layer: 0,
                field: ShapeField::Setting,
                expected: 0.25f32.to_bits(),
                found: 0.5f32.to_bits()
            })
        );
        assert_eq!(target.slope, 0.25);
        let mut same = LeakyRelu::<3>::with_slope(0.5);
        assert_eq!(Persist::<f32>::load(&mut same, &bytes), Ok(40));
    }

    #[test]
    fn save_refuses_non_finite_and_writes_nothing() {
        let mut net = <(Dense<1, 2>, Relu<2>)>::ZERO;
        net.0.biases[1] = f32::INFINITY;
        let mut bytes = [7u8; 72];
        assert_eq!(net.save(&mut bytes), Err(SaveError::NonFinite { index: 3 }));
        assert_eq!(bytes, [7; 72]);
    }

    #[test]
    fn record_len_handles_huge_counts() {
        let header = Header {
            version: 2,
            number_type: 0,
            num_layers: u32::MAX,
            signature: None,
            num_params: u32::MAX,
        };
        let expected = usize::try_from(u32::MAX)
            .ok()
            .and_then(|n| n.checked_mul(20))
            .and_then(|n| n.checked_add(20));
        assert_eq!(header.record_len(), expected);
    }

    #[test]
    fn records_carry_the_number_type() {
        let f32_layer = Dense::from_arrays([[1.0, -2.0]], [0.5]);
        let f64_layer = Dense::<2, 1, f64>::new([[1.0, -2.0]], [0.1]);
        let mut bytes = [0u8; <Dense<2, 1, f64> as Persist<f64>>::ENCODED_LEN];
        assert_eq!(bytes.len(), 24 + 16 + 8 * 3);
        assert_eq!(f64_layer.save(&mut bytes), Ok(bytes.len()));
        assert!(words(&bytes[4..20]).eq([3, 1, 3, 1]));
        assert_eq!(bytes[52..60], 0.1f64.to_le_bytes());
        let mut back = Dense::<2, 1, f64>::ZERO;
        assert_eq!(back.load(&bytes), Ok(bytes.len()));
        assert_eq!(back, f64_layer);
        // an f64 record is refused by an f32 network, and the reverse
        let mut other = f32_layer;
        assert_eq!(
            other.load(&bytes),
            Err(LoadError::NumberTypeMismatch {
                expected: 0,
                found: 1
            })
        );
        assert_eq!(other, f32_layer);
        let mut small = [0u8; 52];
        f32_layer.save(&mut small).unwrap();
        assert_eq!(
            back.load(&small),
            Err(LoadError::NumberTypeMismatch {
                expected: 1,
                found: 0
            })
        );
        assert_eq!(back, f64_layer);
        // an unknown number type is its own error
        small[16] = 9;
        assert_eq!(
            read_header(&small),
            Err(LoadError::UnknownNumberType { found: 9 })
        );
    }
}
