//! Ordinary least squares in closed form: the normal equation, solved on the
//! stack.
//!
//! The least-squares fit of `y ≈ Xθ`, with a column of ones in `X` for the
//! intercept, is `θ = (XᵀX)⁻¹Xᵀy`. Stable Rust cannot size an array
//! `[f64; F + 1]` for that extra column, so [`LinearFit::fit_normal_equation`]
//! solves the centred problem instead:
//!
//! ```text
//! w = (XcᵀXc)⁻¹ Xcᵀyc,    intercept = ȳ − wᵀx̄,
//! ```
//!
//! where `Xc = X − x̄` and `yc = y − ȳ` subtract the column means. This is
//! the same solution: the normal equation's row for the ones column says the
//! fitted plane passes through `(x̄, ȳ)`, and substituting that intercept
//! into the other rows leaves exactly the centred system. Centring also
//! makes the system better conditioned than the one with a ones column.
//!
//! Everything is accumulated and solved in `f64` (two passes over the data,
//! Gaussian elimination with partial pivoting on an `F × F` array) and
//! rounded to `f32` at the end. Before solving, each row and column of
//! `XcᵀXc` is divided by the square root of its diagonal entry, turning it
//! into the correlation matrix of the features, so the singularity test
//! below does not depend on the features' units.
//!
//! The working memory is one `F × F` array and five `F`-long arrays of
//! `f64`, all on the stack and never copied (the solver works in place):
//! `8·F² + 40·F` bytes plus a few scalars, 128 KB for `F = 128`.
//! `tests/normal_equation.rs` runs `F = 128` on a thread with a stack of
//! that size plus 64 KB.

use crate::training::train::{DataError, check_rows};

/// A pivot of the equilibrated (unit-diagonal) `XcᵀXc` at or below this is
/// taken as zero: the features are linearly dependent, or so nearly that the
/// solution would be noise.
///
/// Without row swaps, the `k`-th pivot is exactly `1 − R²` of feature `k`
/// regressed on the features before it, so roughly: a feature that the
/// others explain up to `1 − R² ≈ 1e-10` counts as dependent. Features that
/// are linear combinations of each other up to `f32` rounding (pivots near
/// `1e-14`) are caught; genuinely informative features are far above it.
pub const SINGULAR_TOLERANCE: f64 = 1e-10;

/// Why a linear regression could not be fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum RegressionError {
    /// The data was refused: empty, of different lengths, or not finite.
    Data(DataError),
    /// `XcᵀXc` is singular or numerically singular (a pivot at or below
    /// [`SINGULAR_TOLERANCE`]): a constant column, a column that is a linear
    /// combination of others, or fewer than `F + 1` samples. The weights are
    /// not determined by the data.
    Singular,
    /// The solution does not fit in `f32`.
    Overflow,
}

impl core::fmt::Display for RegressionError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RegressionError::Data(e) => write!(f, "bad data: {e}"),
            RegressionError::Singular => {
                f.write_str("the features are linearly dependent (singular normal equation)")
            }
            RegressionError::Overflow => f.write_str("the fitted coefficients overflow f32"),
        }
    }
}

impl core::error::Error for RegressionError {}

impl From<DataError> for RegressionError {
    fn from(e: DataError) -> Self {
        RegressionError::Data(e)
    }
}

/// A fitted linear model `ŷ = wᵀx + intercept` over `F` features.
///
/// ```
/// use stacknet::LinearFit;
/// // y = 1 + 2·x, exactly.
/// let x = [[0.0], [1.0], [2.0], [3.0]];
/// let y = [1.0, 3.0, 5.0, 7.0];
/// let fit = LinearFit::fit_normal_equation(&x, &y).unwrap();
/// assert!((fit.weights[0] - 2.0).abs() < 1e-6);
/// assert!((fit.intercept - 1.0).abs() < 1e-6);
/// assert!((fit.predict(&[10.0]) - 21.0).abs() < 1e-5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearFit<const F: usize> {
    /// One weight per feature.
    pub weights: [f32; F],
    /// The constant term.
    pub intercept: f32,
}

impl<const F: usize> LinearFit<F> {
    /// A model with known coefficients.
    pub const fn new(weights: [f32; F], intercept: f32) -> Self {
        LinearFit { weights, intercept }
    }

    /// `wᵀx + intercept` (summed in feature order, then the intercept).
    #[inline]
    pub fn predict(&self, x: &[f32; F]) -> f32 {
        let mut dot = 0.0f32;
        for (w, v) in self.weights.iter().zip(x) {
            dot += w * v;
        }
        dot + self.intercept
    }

    /// The least-squares fit of `y` on `x`, with an intercept, by the normal
    /// equation (see the [module docs](self) for how it is solved).
    ///
    /// Needs at least `F + 1` samples whose features are not linearly
    /// dependent; otherwise the weights are not unique and the result is
    /// [`RegressionError::Singular`].
    pub fn fit_normal_equation(x: &[[f32; F]], y: &[f32]) -> Result<Self, RegressionError> {
        check(x, y)?;
        let n = x.len() as f64;

        // Pass 1: means.
        let mut x_mean = [0.0f64; F];
        let mut y_mean = 0.0f64;
        for (row, &t) in x.iter().zip(y) {
            for (m, &v) in x_mean.iter_mut().zip(row) {
                *m += f64::from(v);
            }
            y_mean += f64::from(t);
        }
        for m in &mut x_mean {
            *m /= n;
        }
        y_mean /= n;

        // Pass 2: A = XcᵀXc, b = Xcᵀyc.
        let mut a = [[0.0f64; F]; F];
        let mut b = [0.0f64; F];
        for (row, &t) in x.iter().zip(y) {
            let mut c = [0.0f64; F];
            for ((c, &v), m) in c.iter_mut().zip(row).zip(&x_mean) {
                *c = f64::from(v) - m;
            }
            let yc = f64::from(t) - y_mean;
            for ((a_row, b_i), c_i) in a.iter_mut().zip(&mut b).zip(&c) {
                for (a_ij, c_j) in a_row.iter_mut().zip(&c) {
                    *a_ij += c_i * c_j;
                }
                *b_i += c_i * yc;
            }
        }

        let w = solve_equilibrated(&mut a, &mut b).ok_or(RegressionError::Singular)?;

        let mut fit = LinearFit {
            weights: [0.0; F],
            intercept: 0.0,
        };
        let mut intercept = y_mean;
        for ((w32, w), m) in fit.weights.iter_mut().zip(&w).zip(&x_mean) {
            *w32 = *w as f32;
            intercept -= w * m;
        }
        fit.intercept = intercept as f32;
        if fit.intercept.is_finite() && fit.weights.iter().all(|w| w.is_finite()) {
            Ok(fit)
        } else {
            Err(RegressionError::Overflow)
        }
    }
}

fn check<const F: usize>(x: &[[f32; F]], y: &[f32]) -> Result<(), RegressionError> {
    Ok(check_rows(x, y.len(), y)?)
}

/// Solves the symmetric positive semi-definite system `a w = b` after
/// scaling it to unit diagonal; `None` when it is (numerically) singular.
/// Works in place (`a` and `b` are overwritten), so the `F × F` array is
/// never copied.
fn solve_equilibrated<const F: usize>(a: &mut [[f64; F]; F], b: &mut [f64; F]) -> Option<[f64; F]> {
    // d_i = 1 / √a_ii; a ← D a D, b ← D b, and then w = D u.
    let mut d = [0.0f64; F];
    for (i, (d_i, a_row)) in d.iter_mut().zip(a.iter()).enumerate() {
        let diag = a_row.get(i).copied().unwrap_or(0.0);
        if !(diag > 0.0 && diag.is_finite()) {
            return None; // a constant column (or overflow)
        }
        *d_i = 1.0 / libm::sqrt(diag);
    }
    for (a_row, (b_i, d_i)) in a.iter_mut().zip(b.iter_mut().zip(&d)) {
        for (a_ij, d_j) in a_row.iter_mut().zip(&d) {
            *a_ij *= d_i * d_j;
        }
        *b_i *= d_i;
    }
    let mut u = gauss_solve(a, b, SINGULAR_TOLERANCE)?;
    for (u_i, d_i) in u.iter_mut().zip(&d) {
        *u_i *= d_i;
    }
    Some(u)
}

/// Gaussian elimination with partial pivoting, in place. `None` when a
/// pivot's magnitude is at or below `tolerance` (or is NaN).
fn gauss_solve<const F: usize>(
    a: &mut [[f64; F]; F],
    b: &mut [f64; F],
    tolerance: f64,
) -> Option<[f64; F]> {
    for k in 0..F {
        let (_, a_rest) = a.split_at_mut(k);
        let (_, b_rest) = b.split_at_mut(k);
        // The row (counted from k) with the largest |a_ik|.
        let mut pivot = 0;
        let mut pivot_abs = 0.0f64;
        for (r, row) in a_rest.iter().enumerate() {
            let v = libm::fabs(row[k]);
            if v > pivot_abs {
                pivot = r;
                pivot_abs = v;
            }
        }
        // A NaN entry is never chosen, so an all-NaN column ends here too.
        if pivot_abs <= tolerance {
            return None;
        }
        swap_to_front(a_rest, pivot);
        swap_to_front(b_rest, pivot);
        let (pivot_row, below) = a_rest.split_first_mut()?;
        let (pivot_b, below_b) = b_rest.split_first_mut()?;
        let p = pivot_row[k];
        for (row, b_i) in below.iter_mut().zip(below_b) {
            let factor = row[k] / p;
            for (a_ij, p_j) in row.iter_mut().zip(pivot_row.iter()).skip(k) {
                *a_ij -= factor * p_j;
            }
            *b_i -= factor * *pivot_b;
        }
    }
    // Back substitution, last row first.
    let mut w = [0.0f64; F];
    for k in (0..F).rev() {
        let row = &a[k];
        let mut s = b[k];
        for (a_kj, w_j) in row.iter().zip(&w).skip(k + 1) {
            s -= a_kj * w_j;
        }
        w[k] = s / row[k];
    }
    Some(w)
}

/// Swaps element `j` with element 0; does nothing when `j` is 0 or out of
/// range.
fn swap_to_front<T>(s: &mut [T], j: usize) {
    if let Some((first, rest)) = s.split_first_mut() {
        if let Some(other) = j.checked_sub(1).and_then(|j| rest.get_mut(j)) {
            core::mem::swap(first, other);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_line_by_hand() {
        // x = 1, 2, 3, 4; y = 2, 4, 5, 4. x̄ = 2.5, ȳ = 3.75,
        // Σ xc·yc = 2.625 − 0.125 + 0.625 + 0.375 = 3.5, Σ xc² = 5:
        // slope 0.7, intercept 3.75 − 0.7·2.5 = 2.
        let fit =
            LinearFit::fit_normal_equation(&[[1.0], [2.0], [3.0], [4.0]], &[2.0, 4.0, 5.0, 4.0])
                .unwrap();
        assert!((fit.weights[0] - 0.7).abs() < 1e-6, "{fit:?}");
        assert!((fit.intercept - 2.0).abs() < 1e-6, "{fit:?}");
    }

    #[test]
    fn recovers_a_plane_exactly() {
        // y = 3 + 2·x0 − 0.5·x1 + 0.25·x2 on a 3 × 3 × 2 grid, no noise.
        let mut x = [[0.0f32; 3]; 18];
        let mut y = [0.0f32; 18];
        for (i, (row, t)) in x.iter_mut().zip(&mut y).enumerate() {
            let (a, b, c) = (
                (i % 3) as f32,
                ((i / 3) % 3) as f32 * 4.0 - 1.0,
                (i / 9) as f32 * 10.0,
            );
            *row = [a, b, c];
            *t = 3.0 + 2.0 * a - 0.5 * b + 0.25 * c;
        }
        let fit = LinearFit::fit_normal_equation(&x, &y).unwrap();
        for (w, expected) in fit.weights.iter().zip([2.0, -0.5, 0.25]) {
            assert!((w - expected).abs() < 1e-6, "{fit:?}");
        }
        assert!((fit.intercept - 3.0).abs() < 1e-6, "{fit:?}");
        for (row, t) in x.iter().zip(&y) {
            assert!((fit.predict(row) - t).abs() < 1e-5);
        }
    }

    #[test]
    fn residuals_are_orthogonal_to_the_features() {
        // Noisy data: the least-squares conditions are Σ r = 0 and Σ r·x_j = 0.
        let x = [
            [1.0, 7.0],
            [2.0, 3.0],
            [4.0, 4.0],
            [5.0, 9.0],
            [7.0, 1.0],
            [8.0, 6.0],
        ];
        let y = [3.1, 2.2, 5.9, 9.4, 4.8, 10.3];
        let fit = LinearFit::fit_normal_equation(&x, &y).unwrap();
        let mut sums = [0.0f64; 3];
        for (row, &t) in x.iter().zip(&y) {
            let r = f64::from(t) - f64::from(fit.predict(row));
            sums[0] += r;
            sums[1] += r * f64::from(row[0]);
            sums[2] += r * f64::from(row[1]);
        }
        for s in sums {
            assert!(s.abs() < 1e-4, "{sums:?}");
        }
    }

    #[test]
    fn dependent_features_are_singular() {
        let y = [1.0, 2.0, 0.5, 4.0];
        // A duplicated column.
        let dup = [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [5.0, 5.0]];
        assert_eq!(
            LinearFit::fit_normal_equation(&dup, &y),
            Err(RegressionError::Singular)
        );
        // A multiple plus a constant: x1 = 3·x0 + 1.
        let affine = [[0.1, 1.3], [0.7, 3.1], [1.3, 4.9], [2.9, 9.7]];
        assert_eq!(
            LinearFit::fit_normal_equation(&affine, &y),
            Err(RegressionError::Singular)
        );
        // A constant column.
        let constant = [[1.0, 4.0], [2.0, 4.0], [3.0, 4.0], [5.0, 4.0]];
        assert_eq!(
            LinearFit::fit_normal_equation(&constant, &y),
            Err(RegressionError::Singular)
        );
        // Two samples, two features: too few to fix a plane.
        assert_eq!(
            LinearFit::fit_normal_equation(&[[1.0, 0.0], [0.0, 1.0]], &[1.0, 2.0]),
            Err(RegressionError::Singular)
        );
    }

    #[test]
    fn pivoting_handles_a_zero_leading_entry() {
        // [[0, 1], [1, 0]] w = [2, 3] needs a row swap: w = (3, 2).
        let w = gauss_solve(&mut [[0.0, 1.0], [1.0, 0.0]], &mut [2.0, 3.0], 1e-12).unwrap();
        assert_eq!(w, [3.0, 2.0]);
        // b = A·(1, 1, 3) = (1 + 2 + 9, 2 + 5 + 9, 1 + 0 + 24); the first
        // column's largest entry is in row 1, so the first step swaps.
        let w = gauss_solve(
            &mut [[1.0, 2.0, 3.0], [2.0, 5.0, 3.0], [1.0, 0.0, 8.0]],
            &mut [12.0, 16.0, 25.0],
            1e-12,
        )
        .unwrap();
        for (w, e) in w.iter().zip([1.0, 1.0, 3.0]) {
            assert!((w - e).abs() < 1e-12, "{w}");
        }
    }

    #[test]
    fn bad_input_is_refused() {
        assert_eq!(
            LinearFit::fit_normal_equation(&[[1.0]; 3], &[1.0; 2]),
            Err(RegressionError::Data(DataError::LengthMismatch {
                inputs: 3,
                targets: 2
            }))
        );
        let none: [[f32; 1]; 0] = [];
        assert_eq!(
            LinearFit::fit_normal_equation(&none, &[]),
            Err(RegressionError::Data(DataError::Empty))
        );
        assert_eq!(
            LinearFit::fit_normal_equation(&[[1.0], [f32::INFINITY]], &[1.0, 2.0]),
            Err(RegressionError::Data(DataError::NonFiniteInput { row: 1 }))
        );
        assert_eq!(
            LinearFit::fit_normal_equation(&[[1.0], [2.0]], &[f32::NAN, 2.0]),
            Err(RegressionError::Data(DataError::NonFiniteTarget { row: 0 }))
        );
    }
}
