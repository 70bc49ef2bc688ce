/// A trained network, baked by `stacknet::bake`. Regenerate it rather than editing it.
#[allow(clippy::approx_constant)]
pub const START: (
    ::stacknet::Dense<1, 8>,
    ::stacknet::Tanh<8>,
    ::stacknet::Dense<8, 1>,
) = (
    ::stacknet::Dense::from_arrays(
        [
            [-0.08743393],
            [-0.6503347],
            [-0.6750737],
            [-1.0450102],
            [-0.17134562],
            [-0.9736952],
            [0.47743127],
            [-1.233156],
        ],
        [0.6625427, -0.46695226, -0.47172433, 0.23904732, 0.0715151, 0.2936944, 0.15742978, 1.2885933],
    ),
    ::stacknet::Tanh,
    ::stacknet::Dense::from_arrays(
        [
            [0.87834674, 0.62174314, 0.50964946, -0.6882019, 0.14591624, -0.48982933, -0.76732093, -1.3014462],
        ],
        [1.5032806],
    ),
);
