//! CRC-32 (IEEE 802.3, as in zlib, PNG and Python's `zlib.crc32`).

/// The reflected IEEE polynomial.
const POLY: u32 = 0xEDB8_8320;

/// The CRC of each 4-bit value: 64 bytes of flash instead of a 1 KiB
/// byte table, at two lookups per byte.
const NIBBLES: [u32; 16] = {
    let mut table = [0; 16];
    let mut n = 0;
    while n < 16 {
        let mut c = n as u32;
        let mut bit = 0;
        while bit < 4 {
            c = if c & 1 == 1 { (c >> 1) ^ POLY } else { c >> 1 };
            bit += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

/// A running CRC-32 over bytes fed in pieces.
///
/// ```
/// use stacknet::persist::{Crc32, crc32};
/// let mut crc = Crc32::new();
/// crc.update(b"1234");
/// crc.update(b"56789");
/// assert_eq!(crc.finish(), 0xCBF4_3926);
/// assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crc32 {
    state: u32,
}

impl Crc32 {
    /// A CRC over no bytes yet.
    pub const fn new() -> Self {
        Self { state: !0 }
    }

    /// Feeds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.update_byte(byte);
        }
    }

    /// Feeds one byte.
    #[inline]
    pub fn update_byte(&mut self, byte: u8) {
        let mut c = self.state ^ u32::from(byte);
        for _ in 0..2 {
            // `c & 0xF` is below 16, so this lookup cannot go out of bounds.
            c = NIBBLES[(c & 0xF) as usize] ^ (c >> 4);
        }
        self.state = c;
    }

    /// The CRC of everything fed so far.
    pub const fn finish(self) -> u32 {
        !self.state
    }
}

impl Default for Crc32 {
    fn default() -> Self {
        Self::new()
    }
}

/// The CRC-32 of `bytes` (the same value as zlib's and Python's
/// `zlib.crc32(bytes)`).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = Crc32::new();
    crc.update(bytes);
    crc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit-at-a-time reference, straight from the definition.
    fn reference(bytes: &[u8]) -> u32 {
        let mut c = !0u32;
        for &b in bytes {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 { (c >> 1) ^ POLY } else { c >> 1 };
            }
        }
        !c
    }

    #[test]
    fn matches_published_check_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"a"), 0xE8B7_BE43);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    #[test]
    fn matches_the_bitwise_definition() {
        let mut bytes = [0u8; 300];
        let mut x = 0x1234_5678u32;
        for b in bytes.iter_mut() {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *b = x as u8;
        }
        for n in [0, 1, 2, 3, 17, 255, 300] {
            assert_eq!(crc32(&bytes[..n]), reference(&bytes[..n]), "n = {n}");
        }
    }
}
