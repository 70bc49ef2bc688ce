/// A trained network, baked by `stacknet::bake`. Regenerate it rather than editing it.
#[allow(clippy::approx_constant)]
pub const START: (
    ::stacknet::Dense<1, 8>,
    ::stacknet::Tanh<8>,
    ::stacknet::Dense<8, 1>,
) = (
    ::stacknet::Dense::from_arrays(
        [
            [-0.08743433],
            [-0.65033466],
            [-0.67507297],
            [-1.0450083],
            [-0.17134549],
            [-0.9736967],
            [0.47742948],
            [-1.2331547],
        ],
        [0.6625416, -0.46695235, -0.47172433, 0.23904978, 0.07151487, 0.29369178, 0.1574279, 1.2885928],
    ),
    ::stacknet::Tanh,
    ::stacknet::Dense::from_arrays(
        [
            [0.87834644, 0.6217457, 0.50965035, -0.68820065, 0.14591625, -0.48983064, -0.7673189, -1.3014477],
        ],
        [1.503283],
    ),
);
