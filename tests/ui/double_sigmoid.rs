// A network that ends in Sigmoid with BinaryCrossEntropyWithLogits, which
// applies the sigmoid itself, must not build a trainer.
use stacknet::prelude::*;
use stacknet::train::NoBestWeights;

type Net = (Dense<2, 4>, Relu<4>, Dense<4, 1>, Sigmoid<1>);

fn main() {
    let _trainer: Trainer<Net, Sgd, BinaryCrossEntropyWithLogits, NoBestWeights> =
        Trainer::without_best_weights(Sgd::default(), BinaryCrossEntropyWithLogits);
}
