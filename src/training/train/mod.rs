//! The training loop: mini-batches, shuffling, reporting, early stopping.
//!
//! A [`Trainer`] holds everything training needs besides the network and the
//! data: the optimizer and its state, the loss, a gradient and a forward
//! cache. All of it is typed from the network, so
//! `core::mem::size_of::<Trainer<..>>()` is the training state's memory.
//! State that grows with the data lives in the caller's buffers: the
//! shuffle order (`&mut [u32]`, one entry per sample) and, if wanted, a loss
//! history (a `heapless::Vec` of [`EpochReport`]s of a capacity you pick).
//! [`Trainer::fit_arrays`] is the short call: the data as arrays, the
//! order buffer on its stack, no reporter.
//!
//! ```
//! use stacknet::prelude::*;
//!
//! // XOR with a 2-4-1 tanh network and full-batch gradient descent
//! type Net = (Dense<2, 4>, Tanh<4>, Dense<4, 1>, Sigmoid<1>);
//! let inputs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
//! let targets = [[0.0], [1.0], [1.0], [0.0]];
//! let data = Dataset::new(&inputs, &targets).unwrap();
//!
//! let mut rng = XorShiftRng::seed_from_u64(1);
//! let mut net = Net::random(Init::XavierUniform, &mut rng);
//! let mut trainer = Trainer::new(Sgd::default(), BinaryCrossEntropy);
//! let config = FitConfig { epochs: 3000, batch: Batch::Full, learning_rate: 1.0, ..FitConfig::default() };
//! let mut history = heapless::Vec::<EpochReport, 3000>::new();
//! trainer.fit(&mut net, &data, &config, &mut [0; 4], &mut rng, &mut history).unwrap();
//!
//! for (x, t) in data.iter() {
//!     assert_eq!(net.forward(x)[0] > 0.5, t[0] > 0.5);
//! }
//! assert!(history.last().unwrap().train_loss < history[0].train_loss);
//! ```

mod dataset;
mod shuffle;
mod trainer;

pub(crate) use dataset::check_rows;
pub use dataset::{DataError, Dataset};
pub use shuffle::{below, shuffle};
pub use trainer::{
    BLOCK, Batch, BestWeights, EarlyStopping, EpochReport, FitConfig, FitSummary, NoBestWeights,
    ReportFlow, Reporter, RestartSummary, TrainError, TrainLossStopping, Trainer,
};
pub(crate) use trainer::{NoMasks, no_masks};
