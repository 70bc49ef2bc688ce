// A mismatch deep inside the 2-4-3-1 MLP: Dense<4, 3> cannot follow Relu<5>.
use stacknet::prelude::*;

type Broken = (Dense<2, 5>, Relu<5>, Dense<4, 3>, Relu<3>, Dense<3, 1>);

fn main() {
    let mut rng = XorShiftRng::seed_from_u64(0);
    let _ = Broken::random(Init::HeNormal, &mut rng);
}
