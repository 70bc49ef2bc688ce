//! Data preparation and evaluation: scalers fitted on training data, and metrics.

pub mod metrics;
pub mod scale;
