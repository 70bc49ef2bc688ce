//! Shared by the examples and their tests: reading the CSV files in `data/`.
//!
//! Include with `#[path = "common/mod.rs"] mod common;` (examples) or
//! `#[path = "../examples/common/mod.rs"] mod common;` (tests).
#![allow(dead_code)]

pub mod lesson;
pub mod plot;

use std::path::PathBuf;

pub mod housing;

/// Path of a file in the repository's `data/` folder.
pub fn data_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(file)
}

/// The named columns of `data/<file>`, one `[f32; N]` row per record.
pub fn read_columns<const N: usize>(file: &str, columns: [&str; N]) -> Vec<[f32; N]> {
    let path = data_path(file);
    let mut reader = csv::Reader::from_path(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let headers = reader.headers().expect("a header row").clone();
    let index = columns.map(|name| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{file} has no column {name}"))
    });
    reader
        .records()
        .map(|record| {
            let record = record.expect("a CSV record");
            index.map(|i| record[i].parse::<f32>().expect("a number"))
        })
        .collect()
}

/// Boston housing on the fixed split of `boston_split.csv`:
/// `([rm, lstat], [medv])` for the 404 training rows, then the 102 test
/// rows, each in the split file's order.
pub struct Boston {
    /// Training inputs (rooms, lower-status %), in original units.
    pub train_x: Vec<[f32; 2]>,
    /// Training targets (median value, k$).
    pub train_y: Vec<[f32; 1]>,
    /// Test inputs.
    pub test_x: Vec<[f32; 2]>,
    /// Test targets.
    pub test_y: Vec<[f32; 1]>,
}

/// Loads Boston housing on the fixed train/test split.
pub fn boston() -> Boston {
    let rows = read_columns("boston_islp.csv", ["rm", "lstat", "medv"]);
    let mut split = csv::Reader::from_path(data_path("boston_split.csv")).expect("split file");
    let mut b = Boston {
        train_x: Vec::new(),
        train_y: Vec::new(),
        test_x: Vec::new(),
        test_y: Vec::new(),
    };
    for record in split.records() {
        let record = record.expect("a split record");
        let [rm, lstat, medv] = rows[record[0].parse::<usize>().expect("a row index")];
        let (x, y) = if &record[1] == "train" {
            (&mut b.train_x, &mut b.train_y)
        } else {
            (&mut b.test_x, &mut b.test_y)
        };
        x.push([rm, lstat]);
        y.push([medv]);
    }
    b
}
