//! Borrowed, validated training data.

use crate::num::Scalar;

/// Inputs and targets borrowed from the caller, checked once: not empty,
/// equally long, every value finite. After that, training cannot fail on
/// the data.
///
/// ```
/// use stacknet::train::{DataError, Dataset};
/// let x = [[0.0, 1.0], [1.0, 0.0]];
/// let y = [[1.0], [1.0]];
/// assert_eq!(Dataset::new(&x, &y).unwrap().len(), 2);
/// assert_eq!(Dataset::new(&x, &y[..1]).unwrap_err(), DataError::LengthMismatch { inputs: 2, targets: 1 });
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Dataset<'a, const I: usize, const O: usize, S = f32> {
    inputs: &'a [[S; I]],
    targets: &'a [[S; O]],
}

/// Why data was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum DataError {
    /// There are no samples.
    Empty,
    /// Inputs and targets have different lengths.
    LengthMismatch {
        /// Number of input rows.
        inputs: usize,
        /// Number of target rows.
        targets: usize,
    },
    /// An input value is NaN or infinite.
    NonFiniteInput {
        /// The row that holds it.
        row: usize,
    },
    /// A target value is NaN or infinite.
    NonFiniteTarget {
        /// The row that holds it.
        row: usize,
    },
}

impl core::fmt::Display for DataError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DataError::Empty => f.write_str("the dataset is empty"),
            DataError::LengthMismatch { inputs, targets } => {
                write!(f, "{inputs} input rows but {targets} target rows")
            }
            DataError::NonFiniteInput { row } => write!(f, "input row {row} is not finite"),
            DataError::NonFiniteTarget { row } => write!(f, "target row {row} is not finite"),
        }
    }
}

impl core::error::Error for DataError {}

impl<'a, S: Scalar, const I: usize, const O: usize> Dataset<'a, I, O, S> {
    /// Checks and borrows the data.
    pub fn new(inputs: &'a [[S; I]], targets: &'a [[S; O]]) -> Result<Self, DataError> {
        check_rows(inputs, targets.len(), targets.as_flattened())?;
        Ok(Dataset { inputs, targets })
    }

    /// Borrows rows whose owner has already checked them as [`Dataset::new`]
    /// would (a replay buffer checks each sample as it is pushed), so a step
    /// does not walk them again.
    pub(crate) fn from_checked(inputs: &'a [[S; I]], targets: &'a [[S; O]]) -> Self {
        Dataset { inputs, targets }
    }

    /// Number of samples (never 0).
    #[inline]
    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    /// Always `false`: an empty dataset is refused by [`Dataset::new`].
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// The inputs.
    #[inline]
    pub fn inputs(&self) -> &'a [[S; I]] {
        self.inputs
    }

    /// The targets.
    #[inline]
    pub fn targets(&self) -> &'a [[S; O]] {
        self.targets
    }

    /// Sample `row`, or `None` past the end.
    #[inline]
    pub fn get(&self, row: usize) -> Option<(&'a [S; I], &'a [S; O])> {
        Some((self.inputs.get(row)?, self.targets.get(row)?))
    }

    /// All samples in order.
    #[inline]
    pub fn iter(&self) -> impl Iterator<Item = (&'a [S; I], &'a [S; O])> + 'a {
        self.inputs.iter().zip(self.targets)
    }
}

/// The checks of [`Dataset::new`], for every fit that takes input rows and
/// `target_rows` rows of targets (`targets` holds them flat, row by row):
/// equal lengths, not empty, every value finite.
pub(crate) fn check_rows<S: Scalar, const I: usize>(
    inputs: &[[S; I]],
    target_rows: usize,
    targets: &[S],
) -> Result<(), DataError> {
    if inputs.len() != target_rows {
        return Err(DataError::LengthMismatch {
            inputs: inputs.len(),
            targets: target_rows,
        });
    }
    if inputs.is_empty() {
        return Err(DataError::Empty);
    }
    if let Some(row) = inputs
        .iter()
        .position(|row| row.iter().any(|&v| !v.is_finite()))
    {
        return Err(DataError::NonFiniteInput { row });
    }
    if let Some(i) = targets.iter().position(|&v| !v.is_finite()) {
        let per_row = targets.len() / target_rows;
        return Err(DataError::NonFiniteTarget {
            row: i.checked_div(per_row).unwrap_or(i),
        });
    }
    Ok(())
}
