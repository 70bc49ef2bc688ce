//! Feature scaling: z-scores and min–max, fitted on training data.
//!
//! Networks train faster and more reliably when every input column has a
//! similar range. A scaler is fitted once on the *training* rows, then the
//! same constants transform training data, validation data and every input
//! the device sees later. Fitted on the targets, the inverse transform brings
//! predictions back to the original units.
//!
//! Both scalers are generic over the number type, `f32` by default:
//! `StandardScaler<N>` is `StandardScaler<N, f32>`. The `f32` constructors
//! and fits ([`StandardScaler::new`], [`fit`](StandardScaler::fit),
//! [`fit_f32`](StandardScaler::fit_f32), [`fit_transform`](StandardScaler::fit_transform),
//! and the same for [`MinMaxScaler`]) take `f32` data, so untyped float
//! literals stay `f32`; the generic ones
//! ([`from_parts`](StandardScaler::from_parts), [`fit_f64`](StandardScaler::fit_f64),
//! [`fit_in`](StandardScaler::fit_in)) serve every [`Scalar`].
//!
//! [`StandardScaler::fit`] accumulates in `f64`, whose 29 extra bits of
//! precision keep the rounding error of the sums far below `f32` resolution,
//! and rounds once to `f32`: the fitted mean and standard deviation are
//! accurate to about one `f32` ulp. `f64` arithmetic is IEEE on every
//! target, so fitting gives the same bits on a PC and on a microcontroller.
//! [`StandardScaler::fit_f64`] is the same computation for any number type
//! (the same bits as `fit` for `f32`).
//!
//! A constant column has no spread to divide by: its scale is 1, as
//! scikit-learn does, so it transforms to 0 instead of NaN.
//!
//! [`StandardScaler::fit_f32`] fits without any `f64` arithmetic, for
//! devices whose FPU is single precision only (Cortex-M4F), where `f64`
//! would link soft-float routines: compensated `f32` sums give the mean and
//! standard deviation to within a few `f32` ulps of [`StandardScaler::fit`]'s.
//! [`StandardScaler::fit_in`] fits in the number type itself: in
//! [`Q16_16`](crate::num::Q16_16) it is integer arithmetic only, for cores
//! without an FPU (Cortex-M0). [`MinMaxScaler::fit_in`] needs only
//! comparisons and one subtraction per column, in any number type.
//!
//! Firmware that bakes scaler constants builds one with the `const fn`
//! constructors ([`StandardScaler::new`], [`MinMaxScaler::new`]), or with
//! [`from_parts`](StandardScaler::from_parts) in another number type, and
//! never fits on the device.

use crate::num::Scalar;

/// Why a scaler could not be fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ScaleError {
    /// There are no rows to fit on.
    Empty,
    /// A value is NaN or infinite (or, in fixed point, saturated).
    NonFinite {
        /// The row that holds it.
        row: usize,
        /// Its column.
        column: usize,
    },
    /// A column's spread does not fit in the number type: for
    /// [`MinMaxScaler`], a range `max − min` beyond it (values near
    /// `±f32::MAX` of both signs in `f32`; a range above 32767 in
    /// [`Q16_16`](crate::num::Q16_16)); for [`StandardScaler`], a standard
    /// deviation beyond it (at most half the range) or, for
    /// [`fit_in`](StandardScaler::fit_in), a deviation from the mean that
    /// does not fit.
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
                write!(
                    f,
                    "the spread of column {column} does not fit in the number type"
                )
            }
        }
    }
}

impl core::error::Error for ScaleError {}

/// Standardisation: `z = (x − mean) / std`, column by column, in the number
/// type `S` (`f32` by default).
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
///
/// In fixed point, fitted with integer arithmetic only:
///
/// ```
/// use stacknet::StandardScaler;
/// use stacknet::num::{Q16_16, Scalar};
/// let q = |x: f32| Q16_16::from_f32(x);
/// let train = [[q(1.0)], [q(3.0)]];
/// let scaler = StandardScaler::fit_in(&train).unwrap();
/// assert_eq!(scaler.mean(), &[q(2.0)]);
/// assert_eq!(scaler.scale(), &[q(1.0)]);
/// assert_eq!(scaler.transform(&[q(4.0)]), [q(2.0)]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StandardScaler<const N: usize, S = f32> {
    mean: [S; N],
    scale: [S; N],
}

impl<const N: usize> StandardScaler<N> {
    /// A scaler from known constants (for firmware that bakes them in).
    /// A scale of zero is replaced by 1, as [`fit`](Self::fit) does for a
    /// constant column. [`from_parts`](Self::from_parts) is the same for
    /// any number type.
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

    /// Fits the column means and population standard deviations of `data`:
    /// [`fit_f64`](Self::fit_f64) for `f32` data.
    pub fn fit(data: &[[f32; N]]) -> Result<Self, ScaleError> {
        Self::fit_f64(data)
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

    /// Fits on `data` with [`fit`](Self::fit), then standardises it in place.
    pub fn fit_transform(data: &mut [[f32; N]]) -> Result<Self, ScaleError> {
        let scaler = Self::fit(data)?;
        scaler.transform_in_place(data);
        Ok(scaler)
    }
}

impl<const N: usize, S: Scalar> StandardScaler<N, S> {
    /// A scaler from known constants in any number type; a scale of zero
    /// is replaced by 1, as [`new`](StandardScaler::new) does for `f32`.
    pub fn from_parts(mean: [S; N], scale: [S; N]) -> Self {
        StandardScaler {
            mean,
            scale: scale.map(|s| if s == S::ZERO { S::ONE } else { s }),
        }
    }

    /// Fits the column means and population standard deviations of `data`,
    /// accumulated in `f64` (every value converts to `f64` exactly) and
    /// rounded once to `S`. For `f32` this is [`fit`](StandardScaler::fit),
    /// bit for bit. Needs `f64` arithmetic, in software on cores without a
    /// double-precision FPU; [`fit_in`](Self::fit_in) does not.
    pub fn fit_f64(data: &[[S; N]]) -> Result<Self, ScaleError> {
        check(data)?;
        let n = data.len() as f64;
        let mut sum = [0.0f64; N];
        for row in data {
            for (s, &x) in sum.iter_mut().zip(row) {
                *s += x.to_f64();
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
                let d = x.to_f64() - m;
                *s += d * d;
            }
        }
        let mut scaler = StandardScaler {
            mean: [S::ZERO; N],
            scale: [S::ONE; N],
        };
        let columns = scaler.mean.iter_mut().zip(scaler.scale.iter_mut());
        for (column, ((ms, ss), (m, q))) in columns.zip(mean.iter().zip(&sum_sq)).enumerate() {
            *ms = S::from_f64(*m);
            *ss = spread(S::from_f64(libm::sqrt(q / n)), column)?;
        }
        Ok(scaler)
    }

    /// Fits the column means and population standard deviations in the
    /// number type itself, with its wide sums ([`Scalar::Sum`]): no `f64`,
    /// and in [`Q16_16`](crate::num::Q16_16) no floating point at all
    /// (integer `+ − × ÷` and the integer-only [`sqrt`](Scalar::sqrt)), for
    /// cores without an FPU.
    ///
    /// The mean is the exact sum divided by `n` and rounded once
    /// ([`Scalar::sum_div`]). The deviations `d = x − mean` are divided by
    /// `w = max|d| / 64` before squaring, so that `(d/w)²` neither
    /// saturates nor drowns in the resolution of fixed point, and
    /// `std = w · √(Σ(d/w)² / n)` (exact for any `w`, up to the roundings).
    ///
    /// Precision in Q16.16: the mean is within ½ ulp (2⁻¹⁷) of the exact
    /// mean of the values; the scale within about 1 ulp plus `2⁻¹⁶·w` of the
    /// exact population standard deviation (the tests measure it against
    /// [`fit_f64`](Self::fit_f64)). A deviation from the mean beyond the
    /// range (±32767) is [`ScaleError::Overflow`]. The sums are `i64`, so
    /// `n` up to 2³² rows of any values cannot overflow.
    ///
    /// For `f32` and `f64` the sums are plain, uncompensated sums in the
    /// type: prefer [`fit`](StandardScaler::fit) or
    /// [`fit_f32`](StandardScaler::fit_f32) there.
    pub fn fit_in(data: &[[S; N]]) -> Result<Self, ScaleError> {
        check(data)?;
        let n = data.len();
        let mut sum = [S::SUM_ZERO; N];
        for row in data {
            for (s, &x) in sum.iter_mut().zip(row) {
                *s = S::sum_add(*s, x);
            }
        }
        let mean = sum.map(|s| S::sum_div(s, n));
        let mut widest = [S::ZERO; N];
        for row in data {
            for ((w, &x), &m) in widest.iter_mut().zip(row).zip(&mean) {
                *w = w.max((x - m).abs());
            }
        }
        // The divisor: max|d| / 64, or max|d| itself where that rounds to 0
        // (1 for a constant column). 1/64 is exact in every type here, and
        // an integer division in fixed point.
        let sixty_fourth = S::ONE / S::from_usize(64);
        let mut divisor = [S::ONE; N];
        for (column, (v, &w)) in divisor.iter_mut().zip(&widest).enumerate() {
            if !w.is_finite() {
                return Err(ScaleError::Overflow { column });
            }
            let small = w * sixty_fourth;
            *v = if small > S::ZERO {
                small
            } else if w > S::ZERO {
                w
            } else {
                S::ONE
            };
        }
        let mut sum_sq = [S::SUM_ZERO; N];
        for row in data {
            let columns = sum_sq.iter_mut().zip(row).zip(&mean).zip(&divisor);
            for (((q, &x), &m), &v) in columns {
                let d = (x - m) / v;
                *q = S::sum_add(*q, d * d);
            }
        }
        let mut scale = [S::ONE; N];
        for (column, (s, (&q, (&v, &w)))) in scale
            .iter_mut()
            .zip(sum_sq.iter().zip(divisor.iter().zip(&widest)))
            .enumerate()
        {
            if w > S::ZERO {
                *s = spread(v * S::sum_div(q, n).sqrt(), column)?;
            }
        }
        Ok(StandardScaler { mean, scale })
    }

    /// The column means.
    #[inline]
    pub fn mean(&self) -> &[S; N] {
        &self.mean
    }

    /// The column scales (standard deviations, with 1 for constant columns).
    #[inline]
    pub fn scale(&self) -> &[S; N] {
        &self.scale
    }

    /// `(x − mean) / scale` for one row.
    #[inline]
    pub fn transform(&self, x: &[S; N]) -> [S; N] {
        let mut z = *x;
        for ((v, &m), &s) in z.iter_mut().zip(&self.mean).zip(&self.scale) {
            *v = (*v - m) / s;
        }
        z
    }

    /// `z · scale + mean` for one row: back to the original units.
    #[inline]
    pub fn inverse_transform(&self, z: &[S; N]) -> [S; N] {
        let mut x = *z;
        for ((v, &m), &s) in x.iter_mut().zip(&self.mean).zip(&self.scale) {
            *v = *v * s + m;
        }
        x
    }

    /// [`transform`](Self::transform) on every row, in place.
    pub fn transform_in_place(&self, rows: &mut [[S; N]]) {
        for row in rows {
            *row = self.transform(row);
        }
    }

    /// [`inverse_transform`](Self::inverse_transform) on every row, in place.
    pub fn inverse_transform_in_place(&self, rows: &mut [[S; N]]) {
        for row in rows {
            *row = self.inverse_transform(row);
        }
    }
}

/// Min–max scaling to `[0, 1]`: `z = (x − min) / (max − min)`, column by
/// column, in the number type `S` (`f32` by default).
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
pub struct MinMaxScaler<const N: usize, S = f32> {
    min: [S; N],
    range: [S; N],
}

impl<const N: usize> MinMaxScaler<N> {
    /// A scaler from known column minima and ranges (`max − min`), for
    /// firmware that bakes them in. A range of zero is replaced by 1, as
    /// [`fit`](Self::fit) does for a constant column.
    /// [`from_parts`](Self::from_parts) is the same for any number type.
    pub const fn new(min: [f32; N], range: [f32; N]) -> Self {
        MinMaxScaler {
            min,
            range: nonzero_scale(range),
        }
    }

    /// Fits the column minima and ranges of `data`: [`fit_in`](Self::fit_in)
    /// for `f32` data.
    pub fn fit(data: &[[f32; N]]) -> Result<Self, ScaleError> {
        Self::fit_in(data)
    }

    /// Fits on `data`, then scales it in place.
    pub fn fit_transform(data: &mut [[f32; N]]) -> Result<Self, ScaleError> {
        let scaler = Self::fit(data)?;
        scaler.transform_in_place(data);
        Ok(scaler)
    }
}

impl<const N: usize, S: Scalar> MinMaxScaler<N, S> {
    /// Column minima and ranges in any number type; a range of zero is
    /// replaced by 1, as [`new`](MinMaxScaler::new) does for `f32`.
    pub fn from_parts(min: [S; N], range: [S; N]) -> Self {
        MinMaxScaler {
            min,
            range: range.map(|r| if r == S::ZERO { S::ONE } else { r }),
        }
    }

    /// Fits the column minima and ranges of `data`, in the number type
    /// itself: comparisons and one subtraction per column, so the range is
    /// rounded once (for `f32` the same bits as a subtraction in `f64`
    /// rounded to `f32`) and no floating point is needed in fixed point.
    pub fn fit_in(data: &[[S; N]]) -> Result<Self, ScaleError> {
        check(data)?;
        // Not empty, checked above.
        let mut min = data[0];
        let mut max = data[0];
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
        let mut range = [S::ONE; N];
        for (column, (r, (&lo, &hi))) in range.iter_mut().zip(min.iter().zip(&max)).enumerate() {
            *r = spread(hi - lo, column)?;
        }
        Ok(MinMaxScaler { min, range })
    }

    /// The column minima.
    #[inline]
    pub fn min(&self) -> &[S; N] {
        &self.min
    }

    /// The column ranges (`max − min`, with 1 for constant columns).
    #[inline]
    pub fn range(&self) -> &[S; N] {
        &self.range
    }

    /// `(x − min) / range` for one row.
    #[inline]
    pub fn transform(&self, x: &[S; N]) -> [S; N] {
        let mut z = *x;
        for ((v, &lo), &r) in z.iter_mut().zip(&self.min).zip(&self.range) {
            *v = (*v - lo) / r;
        }
        z
    }

    /// `z · range + min` for one row: back to the original units.
    #[inline]
    pub fn inverse_transform(&self, z: &[S; N]) -> [S; N] {
        let mut x = *z;
        for ((v, &lo), &r) in x.iter_mut().zip(&self.min).zip(&self.range) {
            *v = *v * r + lo;
        }
        x
    }

    /// [`transform`](Self::transform) on every row, in place.
    pub fn transform_in_place(&self, rows: &mut [[S; N]]) {
        for row in rows {
            *row = self.transform(row);
        }
    }

    /// [`inverse_transform`](Self::inverse_transform) on every row, in place.
    pub fn inverse_transform_in_place(&self, rows: &mut [[S; N]]) {
        for row in rows {
            *row = self.inverse_transform(row);
        }
    }
}

/// Not empty, every value finite.
fn check<S: Scalar, const N: usize>(data: &[[S; N]]) -> Result<(), ScaleError> {
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

/// A column's spread, rounded to `S`: 1 when it is zero (or, for floats,
/// too small to be normal, which would overflow on division) or NaN, an
/// error when it is too large for `S` (infinite, or saturated in fixed
/// point). For `f32`: `is_infinite` is an error, `is_normal` is kept.
fn spread<S: Scalar>(s: S, column: usize) -> Result<S, ScaleError> {
    let a = s.abs();
    if a > S::MAX {
        Err(ScaleError::Overflow { column })
    } else if a >= S::MIN_POSITIVE && a > S::ZERO {
        Ok(s)
    } else {
        Ok(S::ONE)
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
        let data = EIGHT.map(|r| r.map(|v| v as f32)); // exact in f32
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

    /// A small generator of test data (xorshift32).
    fn xorshift32(mut state: u32) -> impl FnMut() -> u32 {
        move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        }
    }

    /// Distance in ulps between two positive finite `f32`s.
    fn ulps(a: f32, b: f32) -> u32 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn f32_fit_agrees_with_the_f64_fit() {
        // Columns with offsets from 0 to 1e4 × their spread, 3 to 5000 rows,
        // from a small generator (xorshift32).
        let mut bits = xorshift32(0x2545_f491);
        let mut next = move || (bits() >> 8) as f32 / 16_777_216.0 - 0.5;
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

    use crate::model::params::Zero;
    use crate::num::Q16_16;

    /// Two columns with known moments (see `standard_scaler_matches_population_std`).
    const EIGHT: [[f64; 2]; 8] = [
        [2.0, 1.0],
        [4.0, 2.0],
        [4.0, 3.0],
        [4.0, 4.0],
        [5.0, 5.0],
        [5.0, 6.0],
        [7.0, 7.0],
        [9.0, 8.0],
    ];

    #[test]
    fn f64_fits_match_the_math() {
        // Column 0: mean 5, Σ(x − 5)² = 9+1+1+1+0+0+4+16 = 32, std √4 = 2.
        // Column 1: mean 4.5, Σ(x − 4.5)² = 2·(12.25+6.25+2.25+0.25) = 42,
        // std √5.25.
        let std1 = 5.25f64.sqrt();
        for s in [
            StandardScaler::fit_f64(&EIGHT).unwrap(),
            StandardScaler::fit_in(&EIGHT).unwrap(),
        ] {
            assert_eq!(s.mean(), &[5.0, 4.5]);
            assert_eq!(s.scale()[0], 2.0);
            assert!((s.scale()[1] - std1).abs() <= 2.0 * f64::EPSILON * std1);
            let z = s.transform(&[9.0, 1.0]);
            assert_eq!(z[0], 2.0);
            assert!((z[1] + 3.5 / std1).abs() < 1e-15);
            let x = s.inverse_transform(&z);
            assert_eq!(x[0], 9.0);
            assert!((x[1] - 1.0).abs() < 1e-15);
        }
        // Constant column: scale 1; empty and NaN refused.
        let constant = [[3.0f64], [3.0], [3.0]];
        assert_eq!(StandardScaler::fit_in(&constant).unwrap().scale(), &[1.0]);
        assert_eq!(StandardScaler::fit_f64(&constant).unwrap().scale(), &[1.0]);
        assert_eq!(
            StandardScaler::fit_in(&[[1.0f64], [f64::NAN]]),
            Err(ScaleError::NonFinite { row: 1, column: 0 })
        );
        let empty: [[f64; 1]; 0] = [];
        assert_eq!(StandardScaler::fit_in(&empty), Err(ScaleError::Empty));
        // Deviations of 2·10³⁰⁰ would overflow when squared; the scaled
        // deviations do not. Values ±10³⁰⁰ of mean 0: std 10³⁰⁰.
        let huge = [[-1e300f64], [1e300]];
        let s = StandardScaler::fit_in(&huge).unwrap();
        assert_eq!(s.mean(), &[0.0]);
        assert!((s.scale()[0] / 1e300 - 1.0).abs() < 1e-15);
        // from_parts replaces a zero scale, as new does.
        let p = StandardScaler::from_parts([1.0f64, 2.0], [0.0, 4.0]);
        assert_eq!(p.scale(), &[1.0, 4.0]);
        let mut rows = [[3.0f64, 10.0]];
        p.transform_in_place(&mut rows);
        assert_eq!(rows, [[2.0, 2.0]]);
        p.inverse_transform_in_place(&mut rows);
        assert_eq!(rows, [[3.0, 10.0]]);
    }

    #[test]
    fn f64_min_max_matches_the_math() {
        // Column 0: min −1, max 3, range 4; column 1 constant: range 1.
        let data = [[-1.0f64, 0.1], [3.0, 0.1], [1.0, 0.1]];
        let mut m = MinMaxScaler::fit_in(&data).unwrap();
        assert_eq!(m.min(), &[-1.0, 0.1]);
        assert_eq!(m.range(), &[4.0, 1.0]);
        assert_eq!(m.transform(&[0.0, 0.1]), [0.25, 0.0]);
        assert_eq!(m.inverse_transform(&[0.25, 0.0]), [0.0, 0.1]);
        let mut rows = data;
        m.transform_in_place(&mut rows);
        assert_eq!(rows, [[0.0, 0.0], [1.0, 0.0], [0.5, 0.0]]);
        m.inverse_transform_in_place(&mut rows);
        assert_eq!(rows, data);
        m = MinMaxScaler::from_parts([0.0, 5.0], [10.0, 0.0]);
        assert_eq!(m.range(), &[10.0, 1.0]);
        let wide = [[-f64::MAX], [f64::MAX]];
        assert_eq!(
            MinMaxScaler::fit_in(&wide),
            Err(ScaleError::Overflow { column: 0 })
        );
    }

    #[test]
    fn f32_min_max_range_is_the_f64_difference_rounded_once() {
        // MinMaxScaler::fit subtracts in f32 since it became generic; it
        // used to subtract in f64 and round to f32. A difference of two f32s
        // rounded to f64 (53 ≥ 2·24 + 2 bits) and then to f32 is the correctly
        // rounded difference (double rounding is innocuous here), overflow
        // included; check it on random bit patterns of all exponents.
        let mut next = xorshift32(0x9e37_79b9);
        let mut checked = 0;
        for _ in 0..2_000_000 {
            let (a, b) = (f32::from_bits(next()), f32::from_bits(next()));
            if !(a.is_finite() && b.is_finite()) {
                continue;
            }
            let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
            let old = (f64::from(hi) - f64::from(lo)) as f32;
            assert_eq!((hi - lo).to_bits(), old.to_bits(), "{hi} − {lo}");
            checked += 1;
        }
        assert!(checked > 1_000_000);
        for (hi, lo) in [
            (f32::MAX, -f32::MAX),
            (f32::MAX, -1e31),
            (1.0, -f32::MIN_POSITIVE),
        ] {
            let old = (f64::from(hi) - f64::from(lo)) as f32;
            assert_eq!((hi - lo).to_bits(), old.to_bits());
        }
    }

    fn q(x: f64) -> Q16_16 {
        Q16_16::from_f64(x)
    }

    /// Population mean and standard deviation of one column, in f64.
    fn moments<S: Scalar, const N: usize>(rows: &[[S; N]], column: usize) -> (f64, f64) {
        let n = rows.len() as f64;
        let mean = rows.iter().map(|r| r[column].to_f64()).sum::<f64>() / n;
        let var = rows
            .iter()
            .map(|r| (r[column].to_f64() - mean).powi(2))
            .sum::<f64>()
            / n;
        (mean, var.sqrt())
    }

    /// One Q16.16 ulp.
    const ULP: f64 = 1.0 / 65536.0;

    #[test]
    fn fixed_point_standardises_to_mean_zero_std_one() {
        // Ten houses: rooms (mean 4.97) and floor area in m² (mean 120.4).
        let raw = [
            [3.1, 72.5],
            [4.0, 95.0],
            [5.5, 140.25],
            [6.2, 180.0],
            [2.8, 60.75],
            [4.4, 101.5],
            [5.0, 118.0],
            [7.3, 210.0],
            [6.1, 155.5],
            [5.3, 70.5],
        ];
        let data: [[Q16_16; 2]; 10] = raw.map(|r| r.map(q));
        // The same (exactly representable) values in f64.
        let exact: [[f64; 2]; 10] = data.map(|r| r.map(|v| v.to_f64()));
        let s = StandardScaler::fit_in(&data).unwrap();
        let e = StandardScaler::fit_f64(&exact).unwrap();
        for c in 0..2 {
            // The mean is the exact mean rounded once: within ½ ulp.
            let mean_error = (s.mean()[c].to_f64() - e.mean()[c]).abs();
            assert!(
                mean_error <= 0.5 * ULP,
                "column {c}: mean off by {mean_error}"
            );
            // The scale: within 1 ulp plus 2⁻¹⁶·max|d|/64 (max|d| < 90).
            let scale_error = (s.scale()[c].to_f64() - e.scale()[c]).abs();
            assert!(
                scale_error <= 2.0 * ULP,
                "column {c}: scale off by {scale_error}"
            );
        }
        let mut z = data;
        s.transform_in_place(&mut z);
        for c in 0..2 {
            let (mean, std) = moments(&z, c);
            // Each z is rounded to ½ ulp, and the mean and scale errors above
            // move it by less than 1 ulp more.
            assert!(mean.abs() <= 2.0 * ULP, "column {c}: mean of z {mean}");
            assert!((std - 1.0).abs() <= 2.0 * ULP, "column {c}: std of z {std}");
            for (zq, x) in z.iter().zip(&exact) {
                let ze = (x[c] - e.mean()[c]) / e.scale()[c];
                let error = (zq[c].to_f64() - ze).abs();
                assert!(error <= 2.0 * ULP, "column {c}: z off by {error}");
            }
        }
        // And back to the original units, within a few ulps of scale.
        s.inverse_transform_in_place(&mut z);
        for (back, x) in z.iter().zip(&data) {
            for c in 0..2 {
                let error = (back[c].to_f64() - x[c].to_f64()).abs();
                assert!(error <= 64.0 * ULP, "back by {error}");
            }
        }
    }

    #[test]
    fn fixed_point_fit_agrees_with_the_f64_fit() {
        // Random columns: offsets up to 5000, spreads from 0.01 to 3000, 3 to
        // 2000 rows (xorshift32). Every error is bounded.
        let mut bits = xorshift32(0x2545_f491);
        let mut next = move || f64::from(bits() >> 8) / 16_777_216.0 - 0.5;
        let mut buffer = [[Q16_16::ZERO; 2]; 2000];
        let mut exact = [[0.0f64; 2]; 2000];
        for (rows, offset, spread) in [
            (3, 0.0, 1.0),
            (10, 100.0, 0.01),
            (404, 6.3, 0.7),
            (404, -12.6, 7.1),
            (1000, 5000.0, 300.0),
            (2000, 0.0, 3000.0),
            (2000, 1.0, 0.1),
        ] {
            for (row, e) in buffer[..rows].iter_mut().zip(exact.iter_mut()) {
                *row = [
                    q(offset + spread * next()),
                    q(-offset + spread * next() * next()),
                ];
                *e = row.map(|v| v.to_f64());
            }
            let s = StandardScaler::fit_in(&buffer[..rows]).unwrap();
            let e = StandardScaler::fit_f64(&exact[..rows]).unwrap();
            for c in 0..2 {
                let mean_error = (s.mean()[c].to_f64() - e.mean()[c]).abs();
                let scale_error = (s.scale()[c].to_f64() - e.scale()[c]).abs();
                // ½ ulp for the mean; 1 ulp + 2⁻¹⁶·max|d|/64 for the scale
                // (max|d| ≤ spread/2, as |next()| ≤ ½).
                assert!(mean_error <= 0.5 * ULP, "{rows} rows: mean {mean_error}");
                let bound = ULP * (1.0 + spread / 128.0);
                assert!(scale_error <= bound, "{rows} rows: scale {scale_error}");
            }
        }
    }

    #[test]
    fn fixed_point_overflow_and_min_max() {
        // A deviation of 40000 from the mean 10000 does not fit.
        let far = [[q(-30000.0)], [q(30000.0)], [q(30000.0)]];
        assert_eq!(
            StandardScaler::fit_in(&far),
            Err(ScaleError::Overflow { column: 0 })
        );
        assert_eq!(
            MinMaxScaler::fit_in(&far),
            Err(ScaleError::Overflow { column: 0 })
        );
        let saturated = [[Q16_16::SATURATED]];
        assert_eq!(
            StandardScaler::fit_in(&saturated),
            Err(ScaleError::NonFinite { row: 0, column: 0 })
        );
        // Min–max in fixed point: exact here (range 4, z = 0.75).
        let data = [[q(2.0), q(5.0)], [q(6.0), q(5.0)], [q(4.0), q(5.0)]];
        let m = MinMaxScaler::fit_in(&data).unwrap();
        assert_eq!(m.min(), &[q(2.0), q(5.0)]);
        assert_eq!(m.range(), &[q(4.0), q(1.0)]);
        assert_eq!(m.transform(&[q(5.0), q(5.0)]), [q(0.75), q(0.0)]);
        // A constant column gets scale 1 without dividing by zero.
        let constant = [[q(3.0)], [q(3.0)]];
        let s = StandardScaler::fit_in(&constant).unwrap();
        assert_eq!((s.mean(), s.scale()), (&[q(3.0)], &[Q16_16::ONE]));
    }
}
