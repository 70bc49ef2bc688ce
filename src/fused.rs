//! Batch-1 training in one pass: backward and the SGD update fused.
//!
//! Training one sample at a time with [`Layer`] takes four walks over the
//! parameters: clear the gradient, back-propagate into it, then step.
//! [`SgdStep::backward_sgd`] does it in one: each layer computes its input
//! gradient with its current weights, then updates its weights in place, so
//! no gradient value is needed at all.
//!
//! ```
//! use stacknet::fused::SgdStep;
//! use stacknet::prelude::*;
//!
//! type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
//! let mut net = Net::random(Init::HeNormal, &mut XorShiftRng::seed_from_u64(0));
//! let mut cache = <Net as Layer>::Cache::ZERO;
//!
//! // the same bits as grads.fill(0.0); net.backward(..); net.sgd_step(&grads, 0.01)
//! let y = net.forward_train(&[0.5, -1.0], &mut cache);
//! net.backward_sgd(&cache, &[y[0] - 2.0], 0.01);
//! ```
//!
//! ## Same bits as the plain path
//!
//! Every parameter becomes `p − lr · (0.0 + ∂p)`, where `∂p` is computed as
//! [`Layer::backward`] computes it and `0.0 +` is the addition into a cleared
//! gradient, and every input gradient is the one [`Layer::backward`] returns,
//! so the result is bit for bit that of `grads.fill(0.0)`,
//! [`backward`](Layer::backward) and [`sgd_step`](crate::Params::sgd_step)
//! (the tests check it on random data).

use crate::{Dense, Identity, Layer, LeakyRelu, Relu, Sigmoid, Softmax, Tanh, Zero};

/// Back-propagation and a plain SGD step in one pass over the parameters.
pub trait SgdStep: Layer {
    /// Back-propagates `grad_output` like [`Layer::backward`] and applies
    /// `θ ← θ − lr · ∂θ` to this sample's parameter gradient at once; returns
    /// ∂loss/∂input (computed with the weights before the step).
    fn backward_sgd(
        &mut self,
        cache: &Self::Cache,
        grad_output: &Self::Output,
        lr: f32,
    ) -> Self::Input;
}

impl<const I: usize, const O: usize> SgdStep for Dense<I, O> {
    #[inline]
    fn backward_sgd(&mut self, x: &[f32; I], g: &[f32; O], lr: f32) -> [f32; I] {
        let mut dx = [0.0; I];
        for ((row, b), &g) in self.weights.iter_mut().zip(&mut self.biases).zip(g) {
            *b -= lr * (0.0 + g);
            for ((w, dx), x) in row.iter_mut().zip(&mut dx).zip(x) {
                *dx += *w * g;
                *w -= lr * (0.0 + g * x);
            }
        }
        dx
    }
}

/// `SgdStep` for a layer without parameters: its plain backward.
macro_rules! no_params_step {
    ($($layer:ident),+) => {$(
        impl<const N: usize> SgdStep for $layer<N> {
            #[inline]
            fn backward_sgd(&mut self, cache: &Self::Cache, g: &[f32; N], _lr: f32) -> [f32; N] {
                let mut no_params = Self::ZERO;
                self.backward(cache, g, &mut no_params)
            }
        }
    )+};
}
no_params_step!(Identity, Relu, LeakyRelu, Sigmoid, Tanh, Softmax);

/// `SgdStep` for tuples: the layers last to first, like
/// [`Layer::backward`]. For two layers:
/// `let g = self.1.backward_sgd(&cache.1, g, lr); self.0.backward_sgd(&cache.0, &g, lr)`.
macro_rules! step_tuple_impls {
    (
        $($T:ident $i:tt),+ ;
        first $First:ident ;
        links $($Next:ident : $Prev:ident),* ;
        reversed $($r:tt)+
    ) => {
        impl<$($T),+> SgdStep for ($($T,)+)
        where
            $First: SgdStep,
            $($Next: SgdStep + Layer<Input = <$Prev as Layer>::Output>,)*
        {
            #[inline]
            fn backward_sgd(
                &mut self,
                cache: &Self::Cache,
                g: &Self::Output,
                lr: f32,
            ) -> Self::Input {
                $(let g = &self.$r.backward_sgd(&cache.$r, g, lr);)+
                *g
            }
        }
    };
}

step_tuple_impls!(A 0; first A; links; reversed 0);
step_tuple_impls!(A 0, B 1; first A; links B: A; reversed 1 0);
step_tuple_impls!(A 0, B 1, C 2; first A; links B: A, C: B; reversed 2 1 0);
step_tuple_impls!(A 0, B 1, C 2, D 3; first A; links B: A, C: B, D: C; reversed 3 2 1 0);
step_tuple_impls!(
    A 0, B 1, C 2, D 3, E 4; first A;
    links B: A, C: B, D: C, E: D; reversed 4 3 2 1 0
);
step_tuple_impls!(
    A 0, B 1, C 2, D 3, E 4, F 5; first A;
    links B: A, C: B, D: C, E: D, F: E; reversed 5 4 3 2 1 0
);
step_tuple_impls!(
    A 0, B 1, C 2, D 3, E 4, F 5, G 6; first A;
    links B: A, C: B, D: C, E: D, F: E, G: F; reversed 6 5 4 3 2 1 0
);
step_tuple_impls!(
    A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7; first A;
    links B: A, C: B, D: C, E: D, F: E, G: F, H: G; reversed 7 6 5 4 3 2 1 0
);
step_tuple_impls!(
    A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8; first A;
    links B: A, C: B, D: C, E: D, F: E, G: F, H: G, J: H; reversed 8 7 6 5 4 3 2 1 0
);
step_tuple_impls!(
    A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8, K 9; first A;
    links B: A, C: B, D: C, E: D, F: E, G: F, H: G, J: H, K: J;
    reversed 9 8 7 6 5 4 3 2 1 0
);
step_tuple_impls!(
    A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8, K 9, L 10; first A;
    links B: A, C: B, D: C, E: D, F: E, G: F, H: G, J: H, K: J, L: K;
    reversed 10 9 8 7 6 5 4 3 2 1 0
);
step_tuple_impls!(
    A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8, K 9, L 10, M 11; first A;
    links B: A, C: B, D: C, E: D, F: E, G: F, H: G, J: H, K: J, L: K, M: L;
    reversed 11 10 9 8 7 6 5 4 3 2 1 0
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::init::uniform01;
    use crate::{Init, Params};
    use rand_core::SeedableRng;
    use rand_xorshift::XorShiftRng;

    type Mlp = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Relu<3>, Dense<3, 1>);
    type Mixed = (
        Dense<3, 5>,
        LeakyRelu<5>,
        Dense<5, 6>,
        Sigmoid<6>,
        Dense<6, 4>,
        Tanh<4>,
        Dense<4, 3>,
        Identity<3>,
        Dense<3, 3>,
        Softmax<3>,
    );

    fn bits<P: Params>(p: &P) -> [u32; 256] {
        let mut out = [0u32; 256];
        let mut k = 0;
        p.for_each_block(|b| {
            for v in b {
                out[k] = v.to_bits();
                k += 1;
            }
        });
        out
    }

    /// Many steps of fused and plain batch-1 SGD from the same random start
    /// on the same random samples: same parameters and input gradients.
    fn check<L, const I: usize, const O: usize>(seed: u64)
    where
        L: SgdStep<Input = [f32; I], Output = [f32; O]> + Copy,
    {
        let mut rng = XorShiftRng::seed_from_u64(seed);
        let mut plain = L::random(Init::XavierUniform, &mut rng);
        let mut fused = plain;
        let (mut cache, mut grads) = (L::Cache::ZERO, L::ZERO);
        for step in 0..200 {
            let x: [f32; I] = core::array::from_fn(|_| 4.0 * uniform01(&mut rng) - 2.0);
            let g: [f32; O] = core::array::from_fn(|_| 2.0 * uniform01(&mut rng) - 1.0);
            plain.forward_train(&x, &mut cache);
            grads.fill(0.0);
            let dx_plain = plain.backward(&cache, &g, &mut grads);
            plain.sgd_step(&grads, 0.05);

            fused.forward_train(&x, &mut cache);
            let dx_fused = fused.backward_sgd(&cache, &g, 0.05);
            assert_eq!(
                dx_plain.map(f32::to_bits),
                dx_fused.map(f32::to_bits),
                "step {step}"
            );
            assert_eq!(bits(&plain), bits(&fused), "step {step}");
        }
    }

    #[test]
    fn fused_step_matches_backward_then_sgd_bit_for_bit() {
        for seed in 0..10 {
            check::<Mlp, 2, 1>(seed);
            check::<Mixed, 3, 3>(seed);
            check::<Dense<3, 2>, 3, 2>(seed);
            check::<(Dense<1, 1>,), 1, 1>(seed);
        }
    }
}
