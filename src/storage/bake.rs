//! Baking a trained network into firmware as Rust source.
//!
//! On the host, [`write_rust_source`] writes a `pub const` that builds the
//! trained network into any [`core::fmt::Write`] (a `String`, a file
//! wrapper, a serial port); the firmware crate includes the file and gets
//! the network with no loading code, no buffer and no runtime cost:
//!
//! ```
//! use stacknet::bake::write_rust_source;
//! use stacknet::{Dense, Relu};
//!
//! type Net = (Dense<2, 1>, Relu<1>);
//! let trained: Net = (Dense::from_arrays([[0.5, -1.25]], [0.1]), Relu);
//! let mut source = String::new();
//! write_rust_source(&trained, "NET", &mut source).unwrap();
//! assert_eq!(
//!     source,
//!     "\
//! /// A trained network, baked by `stacknet::bake`. Regenerate it rather than editing it.
//! #[allow(clippy::approx_constant)]
//! pub const NET: (
//!     ::stacknet::Dense<2, 1>,
//!     ::stacknet::Relu<1>,
//! ) = (
//!     ::stacknet::Dense::from_arrays(
//!         [
//!             [0.5, -1.25],
//!         ],
//!         [0.1],
//!     ),
//!     ::stacknet::Relu,
//! );
//! "
//! );
//! // On the host: std::fs::write("src/net.rs", source)?;
//! // In the firmware:  include!("net.rs");  let y = NET.forward(&x);
//! ```
//!
//! Floats are written with the shortest decimal that reads back to the same
//! `f32` (Rust's own float formatting), so the baked network gives the same
//! bits as the trained one; NaN and infinities, which have no literal, are
//! written as `f32::from_bits(0x...)`.
//!
//! A `const` is copied into each place that uses it. To keep exactly one
//! copy in flash, bind it once: `static MODEL: Net = NET;`.
//!
//! Every layer type implements [`Bake`] in its own file, and so does every
//! tuple of up to 12 [`Bake`] values; a layer type of your own can implement
//! it too. Only `core::fmt` is used, so baking needs no feature.

use core::fmt::{Result, Write};

use crate::num::Scalar;

/// A value that can write itself as Rust source: its type and a constant
/// expression that builds it. Paths start at `::stacknet`.
pub trait Bake {
    /// Writes the Rust type of `Self`; `indent` is the indentation, in
    /// levels of four spaces, of the line the type starts on.
    fn write_type<W: Write>(out: &mut W, indent: usize) -> Result;

    /// Writes a constant expression equal to `self`; `indent` as for
    /// [`write_type`](Bake::write_type).
    fn write_value<W: Write>(&self, out: &mut W, indent: usize) -> Result;
}

/// Writes Rust source for `pub const {name}: <type> = <value>;`, with a doc
/// comment. `name` should be an upper-case identifier such as `NET`.
pub fn write_rust_source<N: Bake, W: Write>(net: &N, name: &str, out: &mut W) -> Result {
    out.write_str(
        "/// A trained network, baked by `stacknet::bake`. Regenerate it rather than editing it.\n",
    )?;
    // Trained weights can land near π or e; they are data, not constants.
    out.write_str("#[allow(clippy::approx_constant)]\n")?;
    write!(out, "pub const {name}: ")?;
    N::write_type(out, 0)?;
    out.write_str(" = ")?;
    net.write_value(out, 0)?;
    out.write_str(";\n")
}

/// Writes `x` as a Rust expression of type `f32` that has the same bits.
pub fn write_f32<W: Write>(out: &mut W, x: f32) -> Result {
    x.write_literal(out)
}

pub(crate) fn newline<W: Write>(out: &mut W, indent: usize) -> Result {
    out.write_char('\n')?;
    for _ in 0..indent {
        out.write_str("    ")?;
    }
    Ok(())
}

pub(crate) fn write_row<S: Scalar, W: Write>(out: &mut W, row: &[S]) -> Result {
    out.write_char('[')?;
    for (i, &x) in row.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        x.write_literal(out)?;
    }
    out.write_char(']')
}

/// `Bake` for a layer with no fields: its path is its value.
macro_rules! bake_unit {
    ($layer:ident) => {
        impl<const N: usize> $crate::storage::bake::Bake for $layer<N> {
            fn write_type<W: core::fmt::Write>(out: &mut W, _indent: usize) -> core::fmt::Result {
                write!(out, concat!("::stacknet::", stringify!($layer), "<{}>"), N)
            }

            fn write_value<W: core::fmt::Write>(
                &self,
                out: &mut W,
                _indent: usize,
            ) -> core::fmt::Result {
                out.write_str(concat!("::stacknet::", stringify!($layer)))
            }
        }
    };
}
pub(crate) use bake_unit;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layers::{Identity, LeakyRelu, Softmax};

    type Text = heapless::String<128>;

    fn f32_source(x: f32) -> Text {
        let mut s = Text::new();
        write_f32(&mut s, x).unwrap();
        s
    }

    #[test]
    fn floats_read_back_to_the_same_bits() {
        let mut x = 0x9E37_79B9u32;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let v = f32::from_bits(x);
            if v.is_finite() {
                let text = f32_source(v);
                assert_eq!(text.parse::<f32>().map(f32::to_bits), Ok(x), "{text}");
            }
        }
        assert_eq!(f32_source(-0.0), "-0.0");
        assert_eq!(f32_source(1.0), "1.0");
        assert_eq!(f32_source(f32::MIN_POSITIVE / 8.0), "1.469368e-39");
        assert_eq!(f32_source(f32::NAN), "f32::from_bits(0x7fc00000)");
        assert_eq!(f32_source(f32::NEG_INFINITY), "f32::from_bits(0xff800000)");
    }

    #[test]
    fn activations_write_their_paths() {
        let mut s = Text::new();
        <(Identity<2>, Softmax<2>)>::write_type(&mut s, 0).unwrap();
        assert_eq!(
            s,
            "(\n    ::stacknet::Identity<2>,\n    ::stacknet::Softmax<2>,\n)"
        );
        let mut s = Text::new();
        LeakyRelu::<3>::with_slope(0.2)
            .write_value(&mut s, 0)
            .unwrap();
        assert_eq!(s, "::stacknet::LeakyRelu::with_slope(0.2)");
    }
}
