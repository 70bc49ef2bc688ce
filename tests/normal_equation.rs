//! The normal-equation fit on real data: ISLR's TV-advertising regression.
//!
//! James, Witten, Hastie and Tibshirani, *An Introduction to Statistical
//! Learning*, section 3.1, fit `Sales ≈ β0 + β1·TV` by least squares on the
//! 200 markets of the Advertising data and report β0 = 7.0326 and
//! β1 = 0.0475. The full-precision values below are the same least-squares
//! line to double precision.

use stacknet::linear_regression::{LinearFit, RegressionError};
use stacknet::metrics::{r2_score, root_mean_squared_error};

const INTERCEPT: f64 = 7.032_593_549_127_696_5;
const SLOPE: f64 = 0.047_536_640_433_019_75;

fn tv_marketing() -> (Vec<[f32; 1]>, Vec<f32>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/tvmarketing.csv");
    let mut reader = csv::Reader::from_path(path).expect("data/tvmarketing.csv");
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers, vec!["TV", "Sales"]);
    let mut tv = Vec::new();
    let mut sales = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        tv.push([record[0].parse().unwrap()]);
        sales.push(record[1].parse().unwrap());
    }
    (tv, sales)
}

#[test]
fn reproduces_islr_least_squares_line() {
    let (tv, sales) = tv_marketing();
    assert_eq!(tv.len(), 200);
    let fit = LinearFit::fit_normal_equation(&tv, &sales).unwrap();
    let (b0, b1) = (f64::from(fit.intercept), f64::from(fit.weights[0]));
    assert!((b0 - INTERCEPT).abs() < 1e-5, "intercept {b0}");
    assert!((b1 - SLOPE).abs() < 1e-7, "slope {b1}");
    // The book's rounded coefficients.
    assert_eq!(format!("{b0:.4} {b1:.4}"), "7.0326 0.0475");
}

#[test]
fn fit_quality_matches_islr() {
    // ISLR Table 3.2: residual standard error 3.26 (on n − 2 = 198 degrees
    // of freedom) and R² = 0.612.
    let (tv, sales) = tv_marketing();
    let fit = LinearFit::fit_normal_equation(&tv, &sales).unwrap();
    let predictions: Vec<f32> = tv.iter().map(|x| fit.predict(x)).collect();
    let r2 = r2_score(&predictions, &sales).unwrap();
    assert!((r2 - 0.612).abs() < 5e-4, "R² {r2}");
    let rmse = f64::from(root_mean_squared_error(&predictions, &sales).unwrap());
    let rse = rmse * (200.0f64 / 198.0).sqrt();
    assert!((rse - 3.26).abs() < 5e-3, "RSE {rse}");
}

#[test]
fn scaled_feature_gives_the_same_line() {
    // TV in dollars instead of thousands: the slope divides by 1000, the
    // intercept is unchanged (equilibration makes the fit unit-free).
    let (tv, sales) = tv_marketing();
    let dollars: Vec<[f32; 1]> = tv.iter().map(|[x]| [x * 1000.0]).collect();
    let fit = LinearFit::fit_normal_equation(&dollars, &sales).unwrap();
    assert!((f64::from(fit.intercept) - INTERCEPT).abs() < 1e-5);
    assert!((f64::from(fit.weights[0]) * 1000.0 - SLOPE).abs() < 1e-7);
}

#[test]
fn duplicated_column_is_singular() {
    let (tv, sales) = tv_marketing();
    let twice: Vec<[f32; 2]> = tv.iter().map(|&[x]| [x, x]).collect();
    assert_eq!(
        LinearFit::fit_normal_equation(&twice, &sales),
        Err(RegressionError::Singular)
    );
}

#[test]
fn runs_in_the_stack_its_docs_state() {
    // 8·F² + 40·F bytes of arrays for F = 128, plus 64 KB for the frames
    // and the test harness: a solver that copied its F × F array even once
    // would overflow this stack (and abort the test run).
    const F: usize = 128;
    let stack = 8 * F * F + 40 * F + 64 * 1024;
    let solved = std::thread::Builder::new()
        .stack_size(stack)
        .spawn(|| {
            // y = Σ_k (k + 1)/F · x_k + 2 exactly, on 300 rows of a fixed
            // xorshift draw: the fit must give back those weights
            let mut state = 0x9E37_79B9u32;
            let mut next = move || {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            };
            let x: Vec<[f32; F]> = (0..300).map(|_| std::array::from_fn(|_| next())).collect();
            let weight = |k: usize| (k + 1) as f64 / F as f64;
            let y: Vec<f32> = x
                .iter()
                .map(|row| {
                    let s: f64 = row
                        .iter()
                        .enumerate()
                        .map(|(k, &v)| weight(k) * f64::from(v))
                        .sum();
                    (s + 2.0) as f32
                })
                .collect();
            let fit = LinearFit::fit_normal_equation(&x, &y).expect("not singular");
            let worst = fit
                .weights
                .iter()
                .enumerate()
                .map(|(k, &w)| (f64::from(w) - weight(k)).abs())
                .fold(0.0, f64::max);
            (worst, f64::from(fit.intercept))
        })
        .expect("spawn")
        .join()
        .expect("the fit ran");
    // y is rounded to f32 (about 3e-8 relative): the weights carry that noise
    assert!(solved.0 < 1e-3, "weights off by {}", solved.0);
    assert!((solved.1 - 2.0).abs() < 1e-4, "intercept {}", solved.1);
}
