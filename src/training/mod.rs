//! Training: losses, optimizers and the training loop.

pub mod loss;
pub mod optim;
pub mod stream;
pub mod train;
