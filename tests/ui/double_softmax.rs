// A network that ends in Softmax with SoftmaxCrossEntropy, which applies the
// softmax itself, would take it twice: the trainer must not be built.
use stacknet::prelude::*;

type Net = (Dense<2, 4>, Relu<4>, Dense<4, 3>, Softmax<3>);

fn main() {
    let _trainer: Trainer<Net, Adam, SoftmaxCrossEntropy> =
        Trainer::new(Adam::default(), SoftmaxCrossEntropy);
}
