//! Feature scaling: z-scores and min–max, fitted on training data.
//!
//! Networks train faster and more reliably when every input column has a
//! similar range. A scaler is fitted once on the *training* rows, then the
//! same constants transform training data, validation data and every input
//! the device sees later. Fitted on the targets, the inverse transform brings
//! predictions back to the original units.
//!
//! Statistics are accumulated in `f64`, whose 29 extra bits of precision keep
//! the rounding error of the sums far below `f32` resolution, and rounded once
//! to `f32`: the fitted mean and standard deviation are accurate to about one
//! `f32` ulp. `f64` arithmetic is IEEE on every target, so fitting gives the
//! same bits on a PC and on a microcontroller.
//!
//! A constant column has no spread to divide by: its scale is 1, as
//! scikit-learn does, so it transforms to 0 instead of NaN.
//!
//! [`StandardScaler::fit_f32`] fits without any `f64` arithmetic, for
//! devices whose FPU is single precision only (Cortex-M4F), where `f64`
//! would link soft-float routines: compensated `f32` sums give the mean and
//! standard deviation to within a few `f32` ulps of [`StandardScaler::fit`]'s.
//!
//! Firmware that bakes scaler constants builds one with the `const fn`
//! constructors ([`StandardScaler::new`], [`MinMaxScaler::new`]) and never
//! fits on the device.

/// Why a scaler could not be fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScaleError {
    /// There are no rows to fit on.
    Empty,
    /// A value is NaN or infinite.
    NonFinite {
        /// The row that holds it.
        row: usize,
        /// Its column.
        column: usize,
    },
    /// A column's range `max − min` does not fit in an `f32` (values near
    /// `±f32::MAX` of both signs; [`MinMaxScaler`] only: a standard
    /// deviation is at most half the range).
    Overflow {
        /// The column.
        column: usize,
    },
}

impl core::fmt::Display for ScaleError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ScaleError::Empty => f.write_str("no rows to fit a scaler on"),
            ScaleError::NonFinite { row, column } => {
                write!(f, "value at row {row}, column {column} is not finite")
            }
            ScaleError::Overflow { column } => {
                write!(f, "the spread of column {column} does not fit in an f32")
            }
        }
    }
}

impl core::error::Error for ScaleError {}

/// Standardisation: `z = (x − mean) / std`, column by column.
///
/// `std` is the population standard deviation (dividing by `n`, as numpy's
/// `np.std` and scikit-learn's `StandardScaler`).
///
/// ```
/// use stacknet::StandardScaler;
/// let train = [[1.0, 10.0], [3.0, 10.0]];
/// let scaler = StandardScaler::fit(&train).unwrap();
/// assert_eq!(scaler.mean(), &[2.0, 10.0]);
/// assert_eq!(scaler.scale(), &[1.0, 1.0]); // std 1; the constant column gets 1
/// assert_eq!(scaler.transform(&[4.0, 10.0]), [2.0, 0.0]);
/// assert_eq!(scaler.inverse_transform(&[2.0, 0.0]), [4.0, 10.0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StandardScaler<const N: usize> {
    mean: [f32; N],
    scale: [f32; N],
}

impl<const N: usize> StandardScaler<N> {
    /// A scaler from known constants (for firmware that bakes them in).
    /// A scale of zero is replaced by 1, as [`fit`](Self::fit) does for a
    /// constant column.
    ///
    /// ```
    /// use stacknet::StandardScaler;
    /// const INPUTS: StandardScaler<2> = StandardScaler::new([147.0, 14.0], [85.6, 0.0]);
    /// assert_eq!(INPUTS.scale(), &[85.6, 1.0]);
    /// ```
    pub const fn new(mean: [f32; N], scale: [f32; N]) -> Self {
        StandardScaler {
            mean,
            scale: nonzero_scale(scale),
        }
    }

    /// Fits the column means and population standard deviations of `data`.
    pub fn fit(data: &[[f32; N]]) -> Result<Self, ScaleError> {
        check(data)?;
        let n = data.len() as f64;
        let mut sum = [0.0f64; N];
        for row in data {
            for (s, &x) in sum.iter_mut().zip(row) {
                *s += f64::from(x);
            }
        }
        let mut mean = [0.0f64; N];
        for (m, s) in mean.iter_mut().zip(&sum) {
            *m = s / n;
        }
        // Second pass over the centred values: no cancellation, unlike
        // E[x²] − E[x]².
        let mut sum_sq = [0.0f64; N];
        for row in data {
            for ((s, &x), m) in sum_sq.iter_mut().zip(row).zip(&mean) {
                let d = f64::from(x) - m;
                *s += d * d;
            }
        }
        let mut scaler = StandardScaler {
            mean: [0.0; N],
            scale: [1.0; N],
        };
        let columns = scaler.mean.iter_mut().zip(scaler.scale.iter_mut());
        for (column, ((m32, s32), (m, ss))) in columns.zip(mean.iter().zip(&sum_sq)).enumerate() {
            *m32 = *m as f32;
            *s32 = spread(libm::sqrt(ss / n) as f32, column)?;
        }
        Ok(scaler)
    }

    /// [`fit`](Self::fit) in `f32` arithmetic only, for targets where `f64`
    /// is emulated in software.
    ///
    /// Both passes use compensated (Neumaier) summation, and the centred
    /// pass subtracts the first-order error of the mean (`(Σd)²/n`, the
    /// corrected two-pass algorithm). For data with `n · 2^-24 ≪ 1` the mean
    /// is within about 2 ulps of the exactly rounded mean and the scale
    /// within about 4 ulps (relative error ≤ 2^-21) of the exact population
    /// standard deviation; the tests check it against [`fit`](Self::fit).
    /// The bits can differ from `fit`'s, but they are the same on every
    /// target.
    ///
    /// ```
    /// use stacknet::StandardScaler;
    /// let train = [[1.0, 10.0], [3.0, 10.0]];
    /// let scaler = StandardScaler::fit_f32(&train).unwrap();
    /// assert_eq!(scaler, StandardScaler::fit(&train).unwrap());
    /// ```
    pub fn fit_f32(data: &[[f32; N]]) -> Result<Self, ScaleError> {
        check(data)?;
        let n = data.len() as f32;
        let mut sum = [Neumaier::ZERO; N];
        for row in data {
            for (s, &x) in sum.iter_mut().zip(row) {
                s.add(x);
            }
        }
        let mut scaler = StandardScaler {
            mean: [0.0; N],
            scale: [1.0; N],
        };
        for (m, s) in scaler.mean.iter_mut().zip(&sum) {
            *m = s.total() / n;
        }
        let (mut dev, mut dev_sq) = ([Neumaier::ZERO; N], [Neumaier::ZERO; N]);
        for row in data {
            let columns = dev.iter_mut().zip(dev_sq.iter_mut()).zip(row);
            for (((d, q), &x), m) in columns.zip(&scaler.mean) {
                let v = x - m;
                d.add(v);
                q.add(v * v);
            }
        }
        let columns = dev.iter().zip(&dev_sq).zip(scaler.scale.iter_mut());
        for (column, ((d, q), s)) in columns.enumerate() {
            let d = d.total();
            let var = (q.total() - d * (d / n)) / n;
            *s = spread(libm::sqrtf(var.max(0.0)), column)?;
        }
        Ok(scaler)
    }

    /// Fits on `data`, then standardises it in place.
    pub fn fit_transform(data: &mut [[f32; N]]) -> Result<Self, ScaleError> {
        let scaler = Self::fit(data)?;
        scaler.transform_in_place(data);
        Ok(scaler)
    }

    /// The column means.
    #[inline]
    pub fn mean(&self) -> &[f32; N] {
        &self.mean
    }

    /// The column scales (standard deviations, with 1 for constant columns).
    #[inline]
    pub fn scale(&self) -> &[f32; N] {
        &self.scale
    }

    /// `(x − mean) / scale` for one row.
    #[inline]
    pub fn transform(&self, x: &[f32; N]) -> [f32; N] {
        let mut z = *x;
        for ((v, m), s) in z.iter_mut().zip(&self.mean).zip(&self.scale) {
            *v = (*v - m) / s;
        }
        z
    }

    /// `z · scale + mean` for one row: back to the original units.
    #[inline]
    pub fn inverse_transform(&self, z: &[f32; N]) -> [f32; N] {
        let mut x = *z;
        for ((v, m), s) in x.iter_mut().zip(&self.mean).zip(&self.scale) {
            *v = *v * s + m;
        }
        x
    }

    /// [`transform`](Self::transform) on every row, in place.
    pub fn transform_in_place(&self, rows: &mut [[f32; N]]) {
        for row in rows {
            *row = self.transform(row);
        }
    }

    /// [`inverse_transform`](Self::inverse_transform) on every row, in place.
    pub fn inverse_transform_in_place(&self, rows: &mut [[f32; N]]) {
        for row in rows {
            *row = self.inverse_transform(row);
        }
    }
}

/// Min–max scaling to `[0, 1]`: `z = (x − min) / (max − min)`, column by
/// column.
///
/// Values outside the training range map outside `[0, 1]`; nothing is
/// clipped.
///
/// ```
/// use stacknet::MinMaxScaler;
/// let train = [[2.0, 5.0], [6.0, 5.0], [4.0, 5.0]];
/// let scaler = MinMaxScaler::fit(&train).unwrap();
/// assert_eq!(scaler.min(), &[2.0, 5.0]);
/// assert_eq!(scaler.range(), &[4.0, 1.0]); // the constant column gets 1
/// assert_eq!(scaler.transform(&[5.0, 5.0]), [0.75, 0.0]);
/// assert_eq!(scaler.inverse_transform(&[0.75, 0.0]), [5.0, 5.0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MinMaxScaler<const N: usize> {
    min: [f32; N],
    range: [f32; N],
}

impl<const N: usize> MinMaxScaler<N> {
    /// A scaler from known column minima and ranges (`max − min`), for
    /// firmware that bakes them in. A range of zero is replaced by 1, as
    /// [`fit`](Self::fit) does for a constant column.
    pub const fn new(min: [f32; N], range: [f32; N]) -> Self {
        MinMaxScaler {
            min,
            range: nonzero_scale(range),
        }
    }

    /// Fits the column minima and ranges of `data`.
    pub fn fit(data: &[[f32; N]]) -> Result<Self, ScaleError> {
        check(data)?;
        let mut min = [f32::INFINITY; N];
        let mut max = [f32::NEG_INFINITY; N];
        for row in data {
            for ((lo, hi), &x) in min.iter_mut().zip(max.iter_mut()).zip(row) {
                // Plain comparisons (the values are finite): no `fminf` call
                // on targets without a float min instruction.
                if x < *lo {
                    *lo = x;
                }
                if x > *hi {
                    *hi = x;
                }
            }
        }
        let mut range = [1.0f32; N];
        for (column, (r, (lo, hi))) in range.iter_mut().zip(min.iter().zip(&max)).enumerate() {
            // Subtracted in f64, so the range is rounded once, to f32.
            *r = spread((f64::from(*hi) - f64::from(*lo)) as f32, column)?;
        }
        Ok(MinMaxScaler { min, range })
    }

    /// Fits on `data`, then scales it in place.
    pub fn fit_transform(data: &mut [[f32; N]]) -> Result<Self, ScaleError> {
        let scaler = Self::fit(data)?;
        scaler.transform_in_place(data);
        Ok(scaler)
    }

    /// The column minima.
    #[inline]
    pub fn min(&self) -> &[f32; N] {
        &self.min
    }

    /// The column ranges (`max − min`, with 1 for constant columns).
    #[inline]
    pub fn range(&self) -> &[f32; N] {
        &self.range
    }

    /// `(x − min) / range` for one row.
    #[inline]
    pub fn transform(&self, x: &[f32; N]) -> [f32; N] {
        let mut z = *x;
        for ((v, lo), r) in z.iter_mut().zip(&self.min).zip(&self.range) {
            *v = (*v - lo) / r;
        }
        z
    }

    /// `z · range + min` for one row: back to the original units.
    #[inline]
    pub fn inverse_transform(&self, z: &[f32; N]) -> [f32; N] {
        let mut x = *z;
        for ((v, lo), r) in x.iter_mut().zip(&self.min).zip(&self.range) {
            *v = *v * r + lo;
        }
        x
    }

    /// [`transform`](Self::transform) on every row, in place.
    pub fn transform_in_place(&self, rows: &mut [[f32; N]]) {
        for row in rows {
            *row = self.transform(row);
        }
    }

    /// [`inverse_transform`](Self::inverse_transform) on every row, in place.
    pub fn inverse_transform_in_place(&self, rows: &mut [[f32; N]]) {
        for row in rows {
            *row = self.inverse_transform(row);
        }
    }
}

/// Not empty, every value finite.
fn check<const N: usize>(data: &[[f32; N]]) -> Result<(), ScaleError> {
    if data.is_empty() {
        return Err(ScaleError::Empty);
    }
    for (row, values) in data.iter().enumerate() {
        if let Some(column) = values.iter().position(|v| !v.is_finite()) {
            return Err(ScaleError::NonFinite { row, column });
        }
    }
    Ok(())
}

/// A sum in `f32` with the rounding error of every addition carried along
/// (Neumaier's variant of Kahan summation): the error of the total does not
/// grow with the number of terms.
#[derive(Clone, Copy)]
struct Neumaier {
    sum: f32,
    error: f32,
}

impl Neumaier {
    const ZERO: Neumaier = Neumaier {
        sum: 0.0,
        error: 0.0,
    };

    #[inline]
    fn add(&mut self, x: f32) {
        let t = self.sum + x;
        self.error += if self.sum.abs() >= x.abs() {
            (self.sum - t) + x
        } else {
            (x - t) + self.sum
        };
        self.sum = t;
    }

    #[inline]
    fn total(&self) -> f32 {
        self.sum + self.error
    }
}

/// A column's spread, rounded to `f32`: 1 when it is zero (or too small to
/// be a normal `f32`, which would overflow on division), an error when it is
/// too large for an `f32`.
fn spread(s: f32, column: usize) -> Result<f32, ScaleError> {
    if s.is_infinite() {
        Err(ScaleError::Overflow { column })
    } else if s.is_normal() {
        Ok(s)
    } else {
        Ok(1.0)
    }
}

const fn nonzero_scale<const N: usize>(mut scale: [f32; N]) -> [f32; N] {
    let mut i = 0;
    while i < N {
        if scale[i] == 0.0 {
            scale[i] = 1.0;
        }
        i += 1;
    }
    scale
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f32, b: f64, tol: f64) -> bool {
        (f64::from(a) - b).abs() <= tol
    }

    #[test]
    fn standard_scaler_matches_population_std() {
        // Column 0: 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x − 5)² = 32, var 32/8 = 4, std 2.
        // Column 1: 1..=8: mean 4.5, Σ(x − 4.5)² = 42, var 5.25.
        let data = [
            [2.0, 1.0],
            [4.0, 2.0],
            [4.0, 3.0],
            [4.0, 4.0],
            [5.0, 5.0],
            [5.0, 6.0],
            [7.0, 7.0],
            [9.0, 8.0],
        ];
        let s = StandardScaler::fit(&data).unwrap();
        assert_eq!(s.mean(), &[5.0, 4.5]);
        assert_eq!(s.scale()[0], 2.0);
        assert!(close(s.scale()[1], 5.25f64.sqrt(), 1e-6));
        assert_eq!(s.transform(&[9.0, 4.5]), [2.0, 0.0]);
        // z = (1 − 4.5) / √5.25
        assert!(close(
            s.transform(&[0.0, 1.0])[1],
            -3.5 / 5.25f64.sqrt(),
            1e-6
        ));
    }

    #[test]
    fn transformed_training_data_has_zero_mean_unit_std() {
        let mut data = [[1.5, -20.0], [2.5, 10.0], [4.0, 40.0], [8.0, 0.0]];
        let s = StandardScaler::fit_transform(&mut data).unwrap();
        for column in 0..2 {
            let mean: f64 = data.iter().map(|r| f64::from(r[column])).sum::<f64>() / 4.0;
            let var: f64 = data
                .iter()
                .map(|r| (f64::from(r[column]) - mean).powi(2))
                .sum::<f64>()
                / 4.0;
            assert!(mean.abs() < 1e-6, "mean {mean}");
            assert!((var - 1.0).abs() < 1e-6, "var {var}");
        }
        s.inverse_transform_in_place(&mut data);
        let original: [[f32; 2]; 4] = [[1.5, -20.0], [2.5, 10.0], [4.0, 40.0], [8.0, 0.0]];
        for (a, b) in data.iter().zip(&original) {
            for (a, b) in a.iter().zip(b) {
                assert!(close(*a, f64::from(*b), 1e-5), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn constant_column_gets_scale_one() {
        let data = [[3.0, 0.1], [3.0, 0.2], [3.0, 0.3]];
        let s = StandardScaler::fit(&data).unwrap();
        assert_eq!(s.mean()[0], 3.0);
        assert_eq!(s.scale()[0], 1.0);
        assert_eq!(s.transform(&[3.0, 0.2])[0], 0.0);
        assert_eq!(s.transform(&[5.0, 0.2])[0], 2.0);

        let m = MinMaxScaler::fit(&data).unwrap();
        assert_eq!(m.range()[0], 1.0);
        assert_eq!(m.transform(&[3.0, 0.2])[0], 0.0);
    }

    #[test]
    fn standard_scaler_is_accurate_with_a_large_offset() {
        // 1e6 + {−1, 0, +1}: mean 1e6, population std √(2/3). Naive f32
        // accumulation of x² would lose every digit here.
        let data = [[1.0e6 - 1.0], [1.0e6], [1.0e6 + 1.0]];
        let s = StandardScaler::fit(&data).unwrap();
        assert_eq!(s.mean()[0], 1.0e6);
        assert!(close(s.scale()[0], (2.0f64 / 3.0).sqrt(), 1e-7));
    }

    /// Distance in ulps between two positive finite `f32`s.
    fn ulps(a: f32, b: f32) -> u32 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn f32_fit_agrees_with_the_f64_fit() {
        // Columns with offsets from 0 to 1e4 × their spread, 3 to 5000 rows,
        // from a small generator (xorshift32).
        let mut state = 0x2545_f491u32;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 8) as f32 / 16_777_216.0 - 0.5
        };
        let (mut worst_mean, mut worst_scale) = (0, 0);
        for (rows, offset, spread) in [
            (3, 0.0, 1.0),
            (8, 1.0e3, 0.5),
            (404, 6.3, 0.7),
            (404, 12.6, 7.1),
            (1000, -50.0, 3.0),
            (5000, 1.0e4, 1.0),
            (5000, 0.0, 1.0e-3),
        ] {
            let mut rows_buffer = [[0.0f32; 2]; 5000];
            let data = &mut rows_buffer[..rows];
            for row in data.iter_mut() {
                *row = [offset + spread * next(), -offset + spread * next() * next()];
            }
            let data = &*data;
            let exact = StandardScaler::fit(data).unwrap();
            let fast = StandardScaler::fit_f32(data).unwrap();
            for c in 0..2 {
                let (m, m32) = (exact.mean()[c], fast.mean()[c]);
                // the mean's error is relative to the values summed
                let tolerance = 2.0 * f32::EPSILON * (offset.abs() + spread);
                assert!(
                    (m - m32).abs() <= tolerance,
                    "{rows} rows: mean {m32} vs {m}"
                );
                worst_mean = worst_mean.max(ulps(m.abs(), m32.abs()));
                let scale = ulps(exact.scale()[c], fast.scale()[c]);
                worst_scale = worst_scale.max(scale);
                assert!(scale <= 4, "{rows} rows: scale {fast:?} vs {exact:?}");
            }
        }
        assert!(
            worst_scale <= 4 && worst_mean <= 8,
            "{worst_mean} {worst_scale}"
        );
    }

    #[test]
    fn f32_fit_is_accurate_with_a_large_offset() {
        // As for fit: 1e6 + {−1, 0, +1} has mean 1e6 and std √(2/3).
        let data = [[1.0e6 - 1.0], [1.0e6], [1.0e6 + 1.0]];
        let s = StandardScaler::fit_f32(&data).unwrap();
        assert_eq!(s.mean()[0], 1.0e6);
        assert!(close(s.scale()[0], (2.0f64 / 3.0).sqrt(), 1e-7));
        // and it handles constant columns and bad data as fit does
        let constant = [[3.0, 0.1], [3.0, 0.2], [3.0, 0.3]];
        assert_eq!(StandardScaler::fit_f32(&constant).unwrap().scale()[0], 1.0);
        let nan = [[1.0, 2.0], [3.0, f32::NAN]];
        assert_eq!(
            StandardScaler::fit_f32(&nan),
            Err(ScaleError::NonFinite { row: 1, column: 1 })
        );
        let empty: [[f32; 2]; 0] = [];
        assert_eq!(StandardScaler::fit_f32(&empty), Err(ScaleError::Empty));
    }

    #[test]
    fn min_max_maps_training_range_to_unit_interval() {
        let mut data = [[-1.0, 10.0], [3.0, 30.0], [1.0, 20.0]];
        let m = MinMaxScaler::fit_transform(&mut data).unwrap();
        assert_eq!(m.min(), &[-1.0, 10.0]);
        assert_eq!(m.range(), &[4.0, 20.0]);
        assert_eq!(data, [[0.0, 0.0], [1.0, 1.0], [0.5, 0.5]]);
        // Outside the training range: not clipped.
        assert_eq!(m.transform(&[5.0, 0.0]), [1.5, -0.5]);
        m.inverse_transform_in_place(&mut data);
        assert_eq!(data, [[-1.0, 10.0], [3.0, 30.0], [1.0, 20.0]]);
    }

    #[test]
    fn predictions_come_back_in_original_units() {
        // Targets 100, 200, 300: mean 200, std √(20000/3).
        let targets = [[100.0], [200.0], [300.0]];
        let s = StandardScaler::fit(&targets).unwrap();
        let std = (20000.0f64 / 3.0).sqrt();
        // A model that predicts z = 1.5 predicts 200 + 1.5·std.
        assert!(close(
            s.inverse_transform(&[1.5])[0],
            200.0 + 1.5 * std,
            1e-3
        ));
    }

    #[test]
    fn const_constructors_replace_zero_scales() {
        const S: StandardScaler<3> = StandardScaler::new([1.0, 2.0, 3.0], [2.0, 0.0, -4.0]);
        assert_eq!(S.scale(), &[2.0, 1.0, -4.0]);
        assert_eq!(S.transform(&[5.0, 7.0, 11.0]), [2.0, 5.0, -2.0]);
        const M: MinMaxScaler<2> = MinMaxScaler::new([0.0, 5.0], [10.0, 0.0]);
        assert_eq!(M.range(), &[10.0, 1.0]);
        assert_eq!(M.transform(&[2.5, 6.0]), [0.25, 1.0]);
    }

    #[test]
    fn bad_data_is_refused() {
        let empty: [[f32; 2]; 0] = [];
        assert_eq!(StandardScaler::fit(&empty), Err(ScaleError::Empty));
        assert_eq!(MinMaxScaler::fit(&empty), Err(ScaleError::Empty));
        let nan = [[1.0, 2.0], [3.0, f32::NAN]];
        let err = ScaleError::NonFinite { row: 1, column: 1 };
        assert_eq!(StandardScaler::fit(&nan), Err(err));
        assert_eq!(MinMaxScaler::fit(&nan), Err(err));
        let inf = [[f32::NEG_INFINITY, 0.0]];
        assert_eq!(
            MinMaxScaler::fit(&inf),
            Err(ScaleError::NonFinite { row: 0, column: 0 })
        );
        // max − min = 2·f32::MAX does not fit in an f32.
        let wide = [[0.0, -f32::MAX], [0.0, f32::MAX]];
        assert_eq!(
            MinMaxScaler::fit(&wide),
            Err(ScaleError::Overflow { column: 1 })
        );
        // Population std ≤ range / 2, so here it is f32::MAX exactly.
        assert_eq!(StandardScaler::fit(&wide).unwrap().scale()[1], f32::MAX);
    }
}
