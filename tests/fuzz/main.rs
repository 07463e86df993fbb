//! Fuzzing on stable Rust: structure-aware mutations of real inputs (the lab export, AWS
//! Config files, CloudTrail logs, rule files), checked with proptest for the properties in
//! docs/testing.md. `ATREST_FUZZ_CASES=N` sets the cases per target (the long run).

#[path = "../common/mod.rs"]
mod common;

mod cloudtrail;
mod config;
mod export;
mod mutate;
mod props;
mod rules;
mod tree;
