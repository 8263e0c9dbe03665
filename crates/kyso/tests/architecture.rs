//! The workspace's shape, as docs/ARCHITECTURE.md states it, checked against `cargo metadata`:
//! the arrows between crates are exactly those documented, and the arrows that must never
//! exist do not.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Each workspace package: its normal and build dependencies (optional ones included) and all
/// its dependency names (any kind), with the package's manifest path.
struct Package {
    manifest: PathBuf,
    arrows: BTreeSet<String>,
    external: BTreeMap<String, bool>,
}

fn metadata() -> BTreeMap<String, Package> {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = json["packages"].as_array().unwrap();
    let names: BTreeSet<&str> = packages
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    packages
        .iter()
        .map(|p| {
            let mut arrows = BTreeSet::new();
            let mut external = BTreeMap::new();
            for d in p["dependencies"].as_array().unwrap() {
                let name = d["name"].as_str().unwrap().to_owned();
                // Dev-dependencies are test scaffolding, not arrows of the library.
                if d["kind"].as_str() == Some("dev") {
                    continue;
                }
                if names.contains(name.as_str()) {
                    arrows.insert(name);
                } else {
                    external.insert(name, d["optional"].as_bool().unwrap_or(false));
                }
            }
            let manifest = PathBuf::from(p["manifest_path"].as_str().unwrap());
            let package = Package {
                manifest,
                arrows,
                external,
            };
            (p["name"].as_str().unwrap().to_owned(), package)
        })
        .collect()
}

/// The `arrows` block of docs/ARCHITECTURE.md: `crate: dependency dependency …` per line.
fn documented_arrows() -> BTreeMap<String, BTreeSet<String>> {
    let doc = std::fs::read_to_string(workspace_root().join("docs/ARCHITECTURE.md")).unwrap();
    let block = doc
        .split("```arrows\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/ARCHITECTURE.md has an ```arrows block");
    block
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (name, deps) = line.split_once(':').expect("`crate: deps` lines");
            let deps = deps.split_whitespace().map(str::to_owned).collect();
            (name.trim().to_owned(), deps)
        })
        .collect()
}

const FRONT_DOORS: [&str; 3] = ["kyso-cli", "kyso-ffi", "kyso-wasm"];
const VERIFICATION_PATH: [&str; 3] = ["kyso-pdf", "kyso-policy", "kyso-verify"];

#[test]
fn the_arrows_are_the_documented_ones() {
    let actual = metadata();
    let documented = documented_arrows();
    let actual_names: BTreeSet<&String> = actual.keys().collect();
    let documented_names: BTreeSet<&String> = documented.keys().collect();
    assert_eq!(
        actual_names, documented_names,
        "every workspace crate has one line in docs/ARCHITECTURE.md"
    );
    for (name, package) in &actual {
        assert_eq!(
            &package.arrows, &documented[name],
            "{name}'s workspace dependencies differ from docs/ARCHITECTURE.md"
        );
    }
}

#[test]
fn the_arrows_that_must_never_exist_do_not() {
    let packages = metadata();
    for (name, package) in &packages {
        let front_door = FRONT_DOORS.contains(&name.as_str());
        if front_door {
            assert_eq!(
                package.arrows,
                BTreeSet::from(["kyso".to_owned()]),
                "{name} is a front door: the facade only"
            );
        }
        for dep in &package.arrows {
            assert!(
                dep != "kyso" || front_door,
                "{name} is a layer and must not depend on the facade"
            );
            assert!(
                !FRONT_DOORS.contains(&dep.as_str()),
                "{name} must not depend on a front door"
            );
        }
        if VERIFICATION_PATH.contains(&name.as_str()) {
            for forbidden in ["kyso-token", "kyso-sign", "kyso-net", "cryptoki", "ureq"] {
                assert!(
                    !package.arrows.contains(forbidden)
                        && !package.external.contains_key(forbidden),
                    "{name} is on the verification path (wasm32, no I/O) and must not use {forbidden}"
                );
            }
        }
        for (library, owner) in [("ureq", "kyso-net"), ("cryptoki", "kyso-token")] {
            if let Some(optional) = package.external.get(library) {
                assert_eq!(
                    name, owner,
                    "{library} belongs to {owner} alone, not {name}"
                );
                if name == "kyso-token" {
                    assert!(
                        optional,
                        "cryptoki must stay behind kyso-token's pkcs11 feature"
                    );
                }
            }
        }
    }
    // The facade reaches the network and PKCS#11 only through optional features.
    let facade = &packages["kyso"].external;
    assert!(!facade.contains_key("ureq") && !facade.contains_key("cryptoki"));
    let manifest = std::fs::read_to_string(&packages["kyso"].manifest).unwrap();
    assert!(manifest.contains("kyso-net = { workspace = true, optional = true }"));
}

#[test]
fn no_unsafe_code_outside_the_c_abi() {
    for (name, package) in metadata() {
        if name == "kyso-ffi" {
            continue;
        }
        let dir = package.manifest.parent().unwrap().to_owned();
        let manifest = std::fs::read_to_string(&package.manifest).unwrap();
        let root = ["src/lib.rs", "src/main.rs"]
            .iter()
            .map(|f| dir.join(f))
            .find(|p| p.is_file())
            .unwrap();
        let root = std::fs::read_to_string(root).unwrap();
        assert!(
            root.contains("#![forbid(unsafe_code)]") || root.contains("#![deny(unsafe_code)]"),
            "{name}: the crate root forbids unsafe code"
        );
        assert!(
            manifest.contains("[lints]\nworkspace = true"),
            "{name}: the workspace lints (unsafe_code = deny) apply"
        );
        // No `unsafe` block or fn anywhere in the crate's sources.
        let mut stack = vec![dir.join("src")];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let hit = text.lines().any(|l| {
                        let code = l.split("//").next().unwrap_or("");
                        code.contains("unsafe {")
                            || code.contains("unsafe fn")
                            || code.contains("unsafe impl")
                    });
                    assert!(!hit, "{}: unsafe code outside kyso-ffi", path.display());
                }
            }
        }
    }
}
