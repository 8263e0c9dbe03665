//! The catalog is complete and nothing in it is dead: every entry has both texts and uses its
//! parameters, every entry and term is used somewhere in the workspace, every reason code the
//! sources compare against or name as a constant is catalogued, and no reason is worded outside
//! the catalog.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::catalog::{MESSAGES, TERMS};
use super::{Msg, Reason, Severity};

/// The workspace's Rust sources (libraries, tests, bindings, fuzz targets), with their text.
fn workspace_sources() -> Vec<(PathBuf, String)> {
    let root = std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")).unwrap();
    assert!(
        root.join("Cargo.toml").is_file() && root.join("crates").is_dir(),
        "the workspace is not at {}",
        root.display()
    );
    let mut out = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                let skip = name.starts_with('.') || name.starts_with("target") || name == "work";
                if !skip {
                    dirs.push(path);
                }
            } else if name.ends_with(".rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    assert!(out.len() > 50, "only {} Rust files found", out.len());
    out
}

/// Whether `path` is part of the catalog itself (its uses do not count).
fn in_catalog(path: &Path) -> bool {
    let p = path.to_string_lossy().replace('\\', "/");
    p.contains("kyso-policy/src/reason/")
}

fn codes() -> BTreeSet<&'static str> {
    MESSAGES.iter().map(|m| m.code).collect()
}

/// `SOME_CODE` → `SomeCode`.
fn camel(code: &str) -> String {
    code.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_string() + &c.as_str().to_lowercase())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn every_entry_has_both_texts_and_uses_its_parameters() {
    let mut names = BTreeSet::new();
    for m in MESSAGES {
        assert!(names.insert(m.name), "{} is catalogued twice", m.name);
        assert!(!m.vi.trim().is_empty(), "{}: no Vietnamese text", m.name);
        assert!(!m.en.trim().is_empty(), "{}: no English text", m.name);
        assert_ne!(m.vi, m.en, "{}: the Vietnamese is the English", m.name);
        assert!(
            !m.code.is_empty()
                && m.code
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
            "{}: code {:?} is not UPPER_SNAKE_CASE",
            m.name,
            m.code
        );
        assert!(
            m.name.starts_with(&camel(m.code)),
            "{}: the variant does not start with its code {} ({})",
            m.name,
            m.code,
            camel(m.code)
        );
        for p in m.params {
            let used = |t: &str| t.contains(&format!("{{{p}}}")) || t.contains(&format!("{{{p}:"));
            assert!(
                used(m.vi) || used(m.en),
                "{}: parameter {p} appears in neither text",
                m.name
            );
        }
    }
    let mut terms = BTreeSet::new();
    for (name, vi, en) in TERMS {
        assert!(terms.insert(*name), "term {name} is catalogued twice");
        assert!(
            !vi.trim().is_empty() && !en.trim().is_empty(),
            "term {name}"
        );
    }
}

#[test]
fn every_entry_and_term_is_used_in_the_workspace() {
    let sources = workspace_sources();
    let used = |needle: &str| {
        sources.iter().any(|(path, text)| {
            !in_catalog(path)
                && text.match_indices(needle).any(|(i, _)| {
                    // `Msg::HashFailure` must not count as a use of `Msg::Hash`.
                    let rest = &text[i + needle.len()..];
                    !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_')
                })
        })
    };
    let dead: Vec<&str> = MESSAGES
        .iter()
        .map(|m| m.name)
        .filter(|n| !used(&format!("Msg::{n}")))
        .collect();
    assert!(dead.is_empty(), "catalogued but never used: {dead:?}");
    let dead: Vec<&str> = TERMS
        .iter()
        .map(|t| t.0)
        .filter(|n| !used(&format!("Term::{n}")))
        .collect();
    assert!(dead.is_empty(), "terms catalogued but never used: {dead:?}");
}

/// The quoted `UPPER_SNAKE` word starting at `s`, if any.
fn quoted_code(s: &str) -> Option<&str> {
    let s = s.strip_prefix('"')?;
    let end = s.find('"')?;
    let word = &s[..end];
    let is_code = word.contains('_')
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    is_code.then_some(word)
}

#[test]
fn every_code_the_sources_use_is_catalogued() {
    let known = codes();
    let mut missing = Vec::new();
    for (path, text) in workspace_sources() {
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            // Comparisons with a reason's code: `r.code == "X"`, `code != "X"`.
            for op in ["code == ", "code != "] {
                for (i, _) in line.match_indices(op) {
                    if let Some(code) = quoted_code(&line[i + op.len()..]) {
                        missing.push((code.to_owned(), path.clone(), n + 1));
                    }
                }
            }
            // Constants documented as reason codes: `/// Reason code…` / `/// Code of the warning…`.
            if let Some(rest) = line.trim().strip_prefix("pub const ")
                && let Some((_, value)) = rest.split_once(": &str = ")
                && let Some(code) = quoted_code(value)
            {
                let doc = lines[..n]
                    .iter()
                    .rev()
                    .take_while(|l| l.trim().starts_with("///"))
                    .any(|l| l.to_lowercase().contains("code"));
                if doc {
                    missing.push((code.to_owned(), path.clone(), n + 1));
                }
            }
        }
    }
    missing.retain(|(code, ..)| !known.contains(code.as_str()));
    assert!(
        missing.is_empty(),
        "codes used in the sources without a catalog entry: {missing:?}"
    );
}

#[test]
fn no_reason_is_worded_outside_the_catalog() {
    let mut found = Vec::new();
    for (path, text) in workspace_sources() {
        if in_catalog(&path) {
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            let literal = line.match_indices("Reason {").any(|(i, _)| {
                let before = line[..i].trim_end();
                let word_start = !line[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_');
                word_start
                    && !before.ends_with("->")
                    && !before.ends_with("struct")
                    && !before.ends_with("impl")
                    && !before.ends_with("for")
                    && !before.ends_with("interface")
            });
            let constructor = [
                "Reason::new(",
                "Reason::error(",
                "Reason::warning(",
                "Reason::info(",
            ]
            .iter()
            .any(|c| line.contains(c));
            if literal || constructor {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "reasons built outside the catalog:\n{}",
        found.join("\n")
    );
}

#[test]
fn a_message_fills_each_language_with_its_own_words() {
    let r = Msg::RevocationGood {
        role: &super::Term::SignerCertificate,
        name: &"Nguyễn Văn An",
        source: &"CRL",
    }
    .reason();
    assert_eq!(r.code, "REVOCATION_GOOD");
    assert_eq!(r.severity, Severity::Info);
    assert_eq!(
        r.vi,
        "Chứng thư số của người ký \"Nguyễn Văn An\" không bị thu hồi tại thời điểm ký (theo CRL)"
    );
    assert_eq!(
        r.en,
        "The signer's certificate \"Nguyễn Văn An\" was not revoked at the signing time (per CRL)"
    );
    // Format specs apply to the parameter; times are written per language.
    let seal = Msg::SealSizeAssumedPhys {
        mm: &112.4_f32,
        drawn: &36.0_f32,
    }
    .reason();
    assert!(seal.vi.contains("chiều rộng 112 mm") && seal.en.contains("drawn 36 mm"));
    let t = der::DateTime::new(2025, 1, 7, 9, 2, 32).unwrap();
    let r = Msg::CertSuspendedAfterSigning {
        role: &super::Term::IntermediateCertificate,
        name: &"CA",
        time: &super::At(t),
        signing: &super::At(t),
    }
    .reason();
    assert!(r.vi.contains("07/01/2025 09:02:32 UTC"), "{}", r.vi);
    assert!(r.en.contains("2025-01-07T09:02:32Z"), "{}", r.en);
    let moved: Reason = r.with_severity(Severity::Warning);
    assert_eq!(moved.severity, Severity::Warning);
}
