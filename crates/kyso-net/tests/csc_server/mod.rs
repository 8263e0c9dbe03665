//! Starts `tests/csc/server.py` (the loopback CSC test server) for a test and stops it when
//! dropped. Shared by the kyso-net and kyso-cli tests (`#[path]`).
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The test PKI (`tests/run.sh` builds it into `KYSO_TEST_WORK`).
pub fn pki() -> PathBuf {
    match std::env::var_os("KYSO_TEST_WORK") {
        Some(p) => PathBuf::from(p).join("pki"),
        None => panic!("KYSO_TEST_WORK is not set: run the tests with `bash tests/run.sh`"),
    }
}

/// The Python of the tests' virtual environment (it has `cryptography`): `KYSO_TEST_PYTHON`,
/// else next to `KYSO_PYHANKO`, else `tests/.venv/bin/python`.
fn python() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("KYSO_TEST_PYTHON").map(PathBuf::from),
        std::env::var_os("KYSO_PYHANKO")
            .map(PathBuf::from)
            .and_then(|p| p.parent().map(|d| d.join("python"))),
        Some(repo().join("tests/.venv/bin/python")),
    ];
    candidates.into_iter().flatten().find(|p| p.exists())
}

/// A running loopback CSC server.
pub struct CscServer {
    child: Child,
    port: u16,
    calls: PathBuf,
    _dir: tempfile::TempDir,
}

impl CscServer {
    /// Start the server with `flags`; `None` (after saying so) when the tests' Python is
    /// missing.
    pub fn start(flags: &[&str]) -> Option<Self> {
        let Some(python) = python() else {
            eprintln!(
                "SKIPPED: no Python virtual environment with `cryptography` (tests/.venv): \
                 run `bash tests/setup.sh`"
            );
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let calls = dir.path().join("calls.jsonl");
        let mut child = Command::new(python)
            .arg(repo().join("tests/csc/server.py"))
            .arg("--pki")
            .arg(pki())
            .arg("--calls")
            .arg(&calls)
            .args(["--lifetime", "300"])
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the CSC server did not start: {line:?}"));
        Some(Self {
            child,
            port,
            calls,
            _dir: dir,
        })
    }

    /// The base URI of API version `v` (`v1` or `v2`).
    pub fn url(&self, v: &str) -> String {
        format!("http://127.0.0.1:{}/csc/{v}", self.port)
    }

    /// The calls the server recorded (method, numSignatures, hashes…).
    pub fn calls(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.calls)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// How many times `method` was called.
    pub fn count(&self, method: &str) -> usize {
        self.calls()
            .iter()
            .filter(|c| c["method"] == method)
            .count()
    }
}

impl Drop for CscServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
