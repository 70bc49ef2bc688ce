//! What a network's output means: [`Logits`] or [`Probabilities`].
//!
//! Every [`Layer`] names the kind of its output
//! ([`Layer::OutputKind`]); a tuple
//! takes its last layer's. [`Sigmoid`], [`HardSigmoid`](crate::model::layers::HardSigmoid) and [`Softmax`]
//! output probabilities; every other layer outputs plain numbers, which a
//! classifier's loss reads as logits.
//!
//! Why it is a type: a loss says which kinds it accepts
//! ([`Accepts`](crate::training::loss::Accepts)), and the
//! [`Trainer`](crate::training::train::Trainer) is only built for a loss
//! that accepts the network's output. A network that ends in `Softmax`
//! trained with [`SoftmaxCrossEntropy`](crate::training::loss::SoftmaxCrossEntropy),
//! which applies the softmax itself, would take it twice and train worse
//! with no warning; here it is a compile error.
//!
//! ```
//! use stacknet::output::{Logits, Probabilities};
//! use stacknet::{Dense, Layer, Relu, Softmax};
//! fn kind<N: Layer>() -> &'static str {
//!     core::any::type_name::<N::OutputKind>()
//! }
//! assert_eq!(kind::<(Dense<2, 3>, Relu<3>, Dense<3, 3>)>(), core::any::type_name::<Logits>());
//! assert_eq!(kind::<(Dense<2, 3>, Softmax<3>)>(), core::any::type_name::<Probabilities>());
//! ```

use crate::model::layer::Layer;
use crate::model::layers::{Sigmoid, Softmax};
use crate::num::Scalar;

/// The kind of a layer's output: [`Logits`] or [`Probabilities`].
pub trait OutputKind {
    /// `true` for [`Probabilities`].
    const PROBABILITIES: bool;

    /// Class probabilities from an output of this kind: probabilities as
    /// they are; logits through a sigmoid for one output (binary) and a
    /// softmax for more (multi-class).
    fn probabilities<S: Scalar, const O: usize>(output: [S; O]) -> [S; O];
}

/// Plain numbers (any layer but the squashing ones), which a classifier's
/// loss reads as logits: the output of a `Dense`, `Identity`, `Relu`, ….
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Logits;

/// Probabilities: the output of [`Sigmoid`], [`HardSigmoid`](crate::model::layers::HardSigmoid) or
/// [`Softmax`], each in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Probabilities;

impl OutputKind for Logits {
    const PROBABILITIES: bool = false;

    #[inline]
    fn probabilities<S: Scalar, const O: usize>(z: [S; O]) -> [S; O] {
        if O == 1 {
            Sigmoid::<O>.forward(&z)
        } else {
            Softmax::<O>.forward(&z)
        }
    }
}

impl OutputKind for Probabilities {
    const PROBABILITIES: bool = true;

    #[inline]
    fn probabilities<S: Scalar, const O: usize>(p: [S; O]) -> [S; O] {
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layers::{Dense, HardSigmoid, Identity, Relu, Tanh};

    fn is_probabilities<L: Layer>() -> bool {
        <L::OutputKind as OutputKind>::PROBABILITIES
    }

    #[test]
    fn squashing_layers_output_probabilities() {
        assert!(is_probabilities::<Sigmoid<1>>());
        assert!(is_probabilities::<HardSigmoid<3>>());
        assert!(is_probabilities::<Softmax<3>>());
        assert!(!is_probabilities::<Dense<2, 3>>());
        assert!(!is_probabilities::<Identity<3>>());
        assert!(!is_probabilities::<Tanh<3>>());
        // a tuple is its last layer's kind
        assert!(is_probabilities::<(
            Dense<2, 3>,
            Relu<3>,
            Dense<3, 1>,
            Sigmoid<1>
        )>());
        assert!(!is_probabilities::<(Dense<2, 3>, Softmax<3>, Dense<3, 1>)>());
        assert!(is_probabilities::<(Dense<2, 3>, (Relu<3>, Softmax<3>))>());
    }

    #[test]
    fn logits_become_probabilities() {
        // σ(ln 3) = 3/4; softmax(ln 1, ln 3) = (1/4, 3/4)
        let ln3 = libm::logf(3.0);
        let p = Logits::probabilities([ln3]);
        assert!((p[0] - 0.75).abs() < 1e-6);
        let p = Logits::probabilities([0.0, ln3]);
        assert!((p[0] - 0.25).abs() < 1e-6 && (p[1] - 0.75).abs() < 1e-6);
        assert_eq!(Probabilities::probabilities([0.25f32, 0.75]), [0.25, 0.75]);
    }
}
