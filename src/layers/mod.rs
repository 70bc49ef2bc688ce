//! The layer types: one fully connected layer and the activations.
//!
//! Each file holds one layer with its backward pass right beside its forward
//! pass. Activations have no parameters and cache their *output*: every
//! derivative here is cheapest written in terms of the output.

mod dense;
mod identity;
mod leaky_relu;
mod relu;
mod sigmoid;
mod softmax;
mod tanh;

pub use dense::Dense;
pub use identity::Identity;
pub use leaky_relu::LeakyRelu;
pub use relu::Relu;
pub use sigmoid::{Sigmoid, sigmoid};
pub use softmax::Softmax;
pub use tanh::Tanh;

/// Applies `f` to every element.
#[inline(always)]
fn map<const N: usize>(x: &[f32; N], f: impl Fn(f32) -> f32) -> [f32; N] {
    let mut y = [0.0; N];
    for (y, &x) in y.iter_mut().zip(x) {
        *y = f(x);
    }
    y
}

/// Backward of an element-wise activation: `∂x_i = ∂y_i · f'(y_i)`, where
/// `derivative` gives f' from the cached output.
#[inline(always)]
fn backward_elementwise<const N: usize>(
    output: &[f32; N],
    grad_output: &[f32; N],
    derivative: impl Fn(f32) -> f32,
) -> [f32; N] {
    let mut g = [0.0; N];
    for ((g, &y), &dy) in g.iter_mut().zip(output).zip(grad_output) {
        *g = dy * derivative(y);
    }
    g
}

/// `Params` for a layer without trainable parameters.
macro_rules! no_params {
    ($layer:ident) => {
        impl<const N: usize> $crate::Params for $layer<N> {
            const NUM_PARAMS: usize = 0;
            const NUM_BLOCKS: usize = 0;
            #[inline]
            fn block(&self, _k: usize) -> &[f32] {
                &[]
            }
            #[inline]
            fn block_mut(&mut self, _k: usize) -> &mut [f32] {
                &mut []
            }
        }
    };
}
use no_params;

/// Kind tags hashed into [`Layer::SIGNATURE`](crate::Layer::SIGNATURE).
/// They are part of the file format: never renumber them.
pub(crate) mod kind {
    pub const DENSE: u32 = 1;
    pub const IDENTITY: u32 = 2;
    pub const RELU: u32 = 3;
    pub const LEAKY_RELU: u32 = 4;
    pub const SIGMOID: u32 = 5;
    pub const TANH: u32 = 6;
    pub const SOFTMAX: u32 = 7;
}
