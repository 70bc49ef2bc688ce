//! Baking a trained network into firmware as Rust source (feature `std`).
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
//! Every layer type and every tuple of up to 12 [`Bake`] values implements
//! [`Bake`]; a layer type of your own can implement it too.

use core::fmt::{Result, Write};

use crate::{Dense, Identity, LeakyRelu, Relu, Sigmoid, Softmax, Tanh};

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
    if x.is_finite() {
        // Debug and Display give the shortest decimal that parses back to
        // the same value; Debug always includes a `.` or an exponent.
        write!(out, "{x:?}")
    } else {
        write!(out, "f32::from_bits({:#010x})", x.to_bits())
    }
}

fn newline<W: Write>(out: &mut W, indent: usize) -> Result {
    out.write_char('\n')?;
    for _ in 0..indent {
        out.write_str("    ")?;
    }
    Ok(())
}

fn write_row<W: Write>(out: &mut W, row: &[f32]) -> Result {
    out.write_char('[')?;
    for (i, &x) in row.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        write_f32(out, x)?;
    }
    out.write_char(']')
}

impl<const I: usize, const O: usize> Bake for Dense<I, O> {
    fn write_type<W: Write>(out: &mut W, _indent: usize) -> Result {
        write!(out, "::stacknet::Dense<{I}, {O}>")
    }

    fn write_value<W: Write>(&self, out: &mut W, indent: usize) -> Result {
        out.write_str("::stacknet::Dense::from_arrays(")?;
        newline(out, indent + 1)?;
        out.write_char('[')?;
        for row in &self.weights {
            newline(out, indent + 2)?;
            write_row(out, row)?;
            out.write_char(',')?;
        }
        newline(out, indent + 1)?;
        out.write_str("],")?;
        newline(out, indent + 1)?;
        write_row(out, &self.biases)?;
        out.write_char(',')?;
        newline(out, indent)?;
        out.write_char(')')
    }
}

impl<const N: usize> Bake for LeakyRelu<N> {
    fn write_type<W: Write>(out: &mut W, _indent: usize) -> Result {
        write!(out, "::stacknet::LeakyRelu<{N}>")
    }

    fn write_value<W: Write>(&self, out: &mut W, _indent: usize) -> Result {
        out.write_str("::stacknet::LeakyRelu::with_slope(")?;
        write_f32(out, self.slope)?;
        out.write_char(')')
    }
}

/// `Bake` for activations without any field.
macro_rules! bake_unit {
    ($($layer:ident),+) => {$(
        impl<const N: usize> Bake for $layer<N> {
            fn write_type<W: Write>(out: &mut W, _indent: usize) -> Result {
                write!(out, concat!("::stacknet::", stringify!($layer), "<{}>"), N)
            }

            fn write_value<W: Write>(&self, out: &mut W, _indent: usize) -> Result {
                out.write_str(concat!("::stacknet::", stringify!($layer)))
            }
        }
    )+};
}

bake_unit!(Identity, Relu, Sigmoid, Softmax, Tanh);

/// `Bake` for tuples: each element on its own line. For two elements:
///
/// ```text
/// impl<A: Bake, B: Bake> Bake for (A, B) {
///     fn write_type<W: Write>(out: &mut W, indent: usize) -> Result {
///         out.write_char('(')?;
///         newline(out, indent + 1); A::write_type(out, indent + 1); out.write_char(',')?;
///         newline(out, indent + 1); B::write_type(out, indent + 1); out.write_char(',')?;
///         newline(out, indent); out.write_char(')')?;
///     }
///     // write_value: the same with self.0.write_value(..), self.1.write_value(..)
/// }
/// ```
macro_rules! bake_tuple {
    ($($T:ident $i:tt),+) => {
        impl<$($T: Bake),+> Bake for ($($T,)+) {
            fn write_type<W: Write>(out: &mut W, indent: usize) -> Result {
                out.write_char('(')?;
                $(
                    newline(out, indent + 1)?;
                    $T::write_type(out, indent + 1)?;
                    out.write_char(',')?;
                )+
                newline(out, indent)?;
                out.write_char(')')
            }

            fn write_value<W: Write>(&self, out: &mut W, indent: usize) -> Result {
                out.write_char('(')?;
                $(
                    newline(out, indent + 1)?;
                    self.$i.write_value(out, indent + 1)?;
                    out.write_char(',')?;
                )+
                newline(out, indent)?;
                out.write_char(')')
            }
        }
    };
}

bake_tuple!(A 0);
bake_tuple!(A 0, B 1);
bake_tuple!(A 0, B 1, C 2);
bake_tuple!(A 0, B 1, C 2, D 3);
bake_tuple!(A 0, B 1, C 2, D 3, E 4);
bake_tuple!(A 0, B 1, C 2, D 3, E 4, F 5);
bake_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
bake_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
bake_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8);
bake_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8, K 9);
bake_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8, K 9, L 10);
bake_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8, K 9, L 10, M 11);

#[cfg(test)]
mod tests {
    use super::*;

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
