//! The library behind `cargo xtask`, so tests can drive codegen without spawning cargo.

pub mod adopt;
pub mod bench;
pub mod codegen;
pub mod diff;
pub mod diff_judge;
pub mod fixtures;
pub mod sweep;
