//! Saving, loading and baking trained networks.

pub mod bake;
#[cfg(feature = "embedded-storage")]
pub mod checkpoint;
pub mod persist;
