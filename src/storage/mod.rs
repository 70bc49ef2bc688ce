//! Saving, loading and baking trained networks.

pub mod bake;
pub mod persist;
