//! The classic lessons' models: the perceptron and least squares by the normal equation.

pub mod linear_regression;
pub mod perceptron;
