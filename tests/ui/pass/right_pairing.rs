// The right pairings build: logits with the losses that squash them, probabilities
// with binary cross-entropy, and any output with a squared error.
use stacknet::prelude::*;

fn main() {
    let _: Trainer<(Dense<2, 4>, Relu<4>, Dense<4, 3>), Adam, SoftmaxCrossEntropy> =
        Trainer::new(Adam::default(), SoftmaxCrossEntropy);
    let _: Trainer<(Dense<2, 4>, Relu<4>, Dense<4, 1>), Adam, BinaryCrossEntropyWithLogits> =
        Trainer::new(Adam::default(), BinaryCrossEntropyWithLogits);
    let _: Trainer<(Dense<2, 4>, Relu<4>, Dense<4, 1>, Sigmoid<1>), Sgd, BinaryCrossEntropy> =
        Trainer::new(Sgd::default(), BinaryCrossEntropy);
    let _: Trainer<(Dense<2, 4>, Tanh<4>, Dense<4, 1>, Sigmoid<1>), Sgd, MeanSquaredError> =
        Trainer::new(Sgd::default(), MeanSquaredError);
    let _: Trainer<(Dense<2, 4>, Tanh<4>, Dense<4, 1>), Sgd, MeanSquaredError> =
        Trainer::new(Sgd::default(), MeanSquaredError);
}
