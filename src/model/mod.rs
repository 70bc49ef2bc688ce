//! The network core: layers typed by their sizes, tuples of layers, the flat
//! parameter view, initialisation, and the batched and fused kernels.

pub mod batch;
pub mod classify;
pub mod fused;
pub mod init;
pub mod layer;
pub mod layers;
pub mod network;
pub mod output;
pub mod params;
