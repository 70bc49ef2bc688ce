// Joining Dense<2, 4> to Relu<3> must not compile, and the error must name 4 and 3.
use stacknet::{Dense, Layer, Relu, Zero};

type Broken = (Dense<2, 4>, Relu<3>);

fn main() {
    let _ = Broken::ZERO.forward(&[1.0, 2.0]);
}
