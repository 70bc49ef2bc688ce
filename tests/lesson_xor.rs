//! The XOR lesson (`examples/xor.rs`): the perceptron fails, a 2-4-1 network
//! succeeds.

#[allow(dead_code)]
#[path = "../examples/xor.rs"]
mod xor;

#[test]
fn perceptron_fails_and_the_network_succeeds() {
    let r = xor::run(1000, 3000, 1);
    assert!(
        r.perceptron_correct < 4,
        "perceptron {}/4",
        r.perceptron_correct
    );
    assert!(!r.perceptron_fit.converged());
    assert_eq!(r.perceptron_fit.epochs, 1000);
    assert_eq!(r.mlp_correct, 4);
    assert!(r.mlp_losses[2999] < 0.01, "{}", r.mlp_losses[2999]);
}

#[test]
fn no_perceptron_epoch_count_gets_all_four() {
    for epochs in 1..=40 {
        let r = xor::run(epochs, 1, 1);
        assert!(r.perceptron_correct < 4, "after {epochs} epochs");
    }
}
