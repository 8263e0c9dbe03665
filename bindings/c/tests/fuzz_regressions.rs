//! Fuzzing regressions on stable: every input committed under `fuzz/regressions/<target>/` (a
//! crash the fuzzer found, minimised, and fixed) goes through exactly the code of the cargo-fuzz
//! target `<target>` — `fuzz/src/lib.rs`, included here — and must not panic.
//!
//! It lives in kyso-ffi because the `ffi` target calls the C ABI; the facade `kyso` re-exports
//! every other crate the targets use.
#![allow(unsafe_code)]

#[path = "../../../fuzz/src/lib.rs"]
#[allow(dead_code, missing_docs)]
mod fuzz_targets;

use std::path::{Path, PathBuf};

fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions")
}

#[test]
fn fuzz_regressions_do_not_panic() {
    let root = regressions_dir();
    let mut ran = 0;
    let dirs = std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    for dir in dirs.flatten() {
        let path = dir.path();
        if !path.is_dir() {
            continue;
        }
        let target = dir.file_name().to_string_lossy().into_owned();
        assert!(
            fuzz_targets::TARGETS.contains(&target.as_str()),
            "{}: no fuzz target of that name",
            path.display()
        );
        let mut inputs: Vec<PathBuf> = std::fs::read_dir(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        inputs.sort();
        for input in inputs {
            let bytes =
                std::fs::read(&input).unwrap_or_else(|e| panic!("{}: {e}", input.display()));
            eprintln!("{target}: {}", input.display());
            assert!(fuzz_targets::run(&target, &bytes));
            ran += 1;
        }
    }
    eprintln!("{ran} regression inputs");
}

#[test]
fn split_der_reads_consecutive_tlvs() {
    let data = [0x30, 0x01, 0x00, 0x04, 0x00, 0x30, 0x82, 0xff];
    let pieces = fuzz_targets::split_der(&data, 8);
    assert_eq!(pieces, vec![&data[..3], &data[3..5], &data[5..]]);
}
