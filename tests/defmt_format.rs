//! With the `defmt` feature, the types a firmware logs implement
//! `defmt::Format` (checked at compile time; printing needs a device's
//! global logger, so nothing is printed here).
#![cfg(feature = "defmt")]

fn loggable<T: defmt::Format>() {}

#[test]
fn errors_reports_and_summaries_are_defmt_format() {
    use stacknet::init::InitError;
    use stacknet::layer::LayerError;
    use stacknet::persist::{LoadError, SaveError, ShapeField};
    use stacknet::train::{DataError, EpochReport, FitSummary, RestartSummary, TrainError};

    loggable::<TrainError>();
    loggable::<DataError>();
    loggable::<stacknet::optim::SettingsError>();
    loggable::<stacknet::optim::NonFiniteStep>();
    loggable::<LayerError>();
    loggable::<InitError>();
    loggable::<SaveError>();
    loggable::<LoadError>();
    loggable::<ShapeField>();
    #[cfg(feature = "embedded-storage")]
    loggable::<stacknet::checkpoint::CheckpointError<embedded_storage::nor_flash::NorFlashErrorKind>>(
    );
    loggable::<EpochReport>();
    loggable::<FitSummary>();
    loggable::<RestartSummary>();
    loggable::<stacknet::perceptron::PerceptronError>();
    loggable::<stacknet::linear_regression::RegressionError>();
    loggable::<stacknet::scale::ScaleError>();
    loggable::<stacknet::metrics::MetricError>();
    loggable::<stacknet::params::LengthMismatch>();
    loggable::<stacknet::batch::RowCountMismatch>();
    loggable::<stacknet::loss::InvalidDelta>();
}
