#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod fallback;
pub mod journal;
pub mod layered;
pub mod memory;
pub mod redis;

pub use fallback::Fallback;
pub use journal::JournaledCache;
pub use layered::LayeredRevocations;
