//! `kyso verify DIR --jobs N`: a directory stands for its `.pdf` files (any case) and those of
//! its subdirectories, verified in parallel, reported in path order exactly as one thread
//! reports them, then summed up by verdict; on a terminal a progress bar shows on standard error.
//! Uses the test PKI and fixtures of `tests/run.sh` (`KYSO_TEST_WORK`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn work() -> PathBuf {
    match std::env::var_os("KYSO_TEST_WORK") {
        Some(p) => PathBuf::from(p),
        None => panic!("KYSO_TEST_WORK is not set: run the tests with `bash tests/run.sh`"),
    }
}

fn kyso(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kyso"))
        .args(args)
        .env("KYSO_TEST_P12_PASSWORD", "kyso-test")
        .output()
        .unwrap()
}

fn verify(dir: &Path, jobs: &str) -> Output {
    let root = work().join("pki").join("root-g2.pem");
    kyso(&[
        "verify".as_ref(),
        "--json".as_ref(),
        "--trust".as_ref(),
        root.as_os_str(),
        "--no-revocation".as_ref(),
        "--at".as_ref(),
        "2026-06-01T00:00:00Z".as_ref(),
        "--jobs".as_ref(),
        jobs.as_ref(),
        dir.as_os_str(),
    ])
}

#[test]
fn a_directory_is_verified_in_parallel_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    let signed = dir.path().join("signed-once.pdf");
    let p12 = work().join("pki").join("ca-nhan.p12");
    let out = kyso(&[
        "sign".as_ref(),
        work().join("pdf").join("plain.pdf").as_os_str(),
        "-o".as_ref(),
        signed.as_os_str(),
        "--p12".as_ref(),
        p12.as_os_str(),
        "--password-env".as_ref(),
        "KYSO_TEST_P12_PASSWORD".as_ref(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&signed).unwrap();
    std::fs::remove_file(&signed).unwrap();

    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(inbox.join("archive")).unwrap();
    let mut names = Vec::new();
    for i in 0..40 {
        let name = format!("letter-{i:02}.pdf");
        std::fs::write(inbox.join(&name), &bytes).unwrap();
        names.push(name);
    }
    // One altered letter: a byte of the signed page changed.
    let mut tampered = bytes.clone();
    let at = tampered
        .windows(9)
        .position(|w| w == b"/MediaBox")
        .expect("a MediaBox")
        + 14;
    tampered[at] ^= 1;
    std::fs::write(inbox.join("letter-17.pdf"), &tampered).unwrap();
    // An upper-case extension counts, and so do subdirectories; other files do not.
    std::fs::write(inbox.join("SCAN.PDF"), &bytes).unwrap();
    names.push("SCAN.PDF".into());
    std::fs::write(inbox.join("ghi-chu.txt"), b"not a PDF").unwrap();
    std::fs::write(inbox.join("archive").join("old.pdf"), &bytes).unwrap();
    names.push("archive/old.pdf".into());
    names.sort();

    let one = verify(&inbox, "1");
    let four = verify(&inbox, "4");
    assert_eq!(
        one.status.code(),
        Some(1),
        "one altered letter: not all VALID"
    );
    assert_eq!(four.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&one.stdout),
        String::from_utf8_lossy(&four.stdout),
        "the parallel reports are the sequential ones, in the same order"
    );
    let reports: Vec<serde_json::Value> = String::from_utf8(four.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let files: Vec<String> = reports
        .iter()
        .map(|r| {
            Path::new(r["file"].as_str().unwrap())
                .strip_prefix(&inbox)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(files, names, "every .pdf of the tree, in path order");
    // The summary, on standard error beside JSON lines.
    let summary = String::from_utf8_lossy(&four.stderr);
    assert!(summary.contains("Tổng hợp / Summary"), "{summary}");
    let count = |label: &str| {
        summary
            .lines()
            .find(|l| l.contains(label))
            .and_then(|l| l.split_whitespace().last())
            .and_then(|n| n.parse::<usize>().ok())
    };
    assert_eq!(count("VALID"), Some(names.len() - 1), "{summary}");
    assert_eq!(count("INVALID"), Some(1), "{summary}");
    assert_eq!(count("TOTAL"), Some(names.len()), "{summary}");
    assert!(
        !summary.contains("tệp / files"),
        "no progress bar on a pipe"
    );
    for r in &reports {
        let expected = if r["file"].as_str().unwrap().ends_with("letter-17.pdf") {
            "INVALID"
        } else {
            "VALID"
        };
        assert_eq!(r["verdict"], expected, "{}", r["file"]);
    }

    std::fs::remove_file(inbox.join("letter-17.pdf")).unwrap();
    assert_eq!(verify(&inbox, "0").status.code(), Some(0), "all VALID");
}

#[test]
fn a_terminal_shows_a_progress_bar() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.pdf", "b.pdf", "c.pdf"] {
        std::fs::copy(
            work().join("pdf").join("pyhanko-signed.pdf"),
            dir.path().join(name),
        )
        .unwrap();
    }
    // Python's pty module gives the command a pseudo-terminal for its output.
    let root = work().join("pki").join("root-g2.pem");
    let out = Command::new("python3")
        .args([
            "-c",
            "import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)",
        ])
        .arg(env!("CARGO_BIN_EXE_kyso"))
        .args(["verify", "--trust"])
        .arg(&root)
        .args(["--no-revocation", "--at", "2026-06-01T00:00:00Z"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("tệp / files"), "a progress bar: {text}");
    assert!(text.contains("Tổng hợp / Summary"), "{text}");
    assert_eq!(text.matches("Tệp:").count(), 3, "{text}");
}

#[test]
fn the_html_report_shows_every_document_and_fetches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("văn bản đến");
    std::fs::create_dir_all(&inbox).unwrap();
    let pdf = work().join("pdf");
    std::fs::copy(pdf.join("pyhanko-signed.pdf"), inbox.join("đã ký.pdf")).unwrap();
    std::fs::copy(
        pdf.join("pyhanko-signed-modified.pdf"),
        inbox.join("sửa sau khi ký.pdf"),
    )
    .unwrap();
    std::fs::copy(pdf.join("plain.pdf"), inbox.join("chưa ký.pdf")).unwrap();
    std::fs::write(inbox.join("hỏng.pdf"), b"<script>alert(1)</script>").unwrap();
    let page = dir.path().join("báo cáo.html");
    let root = work().join("pki").join("root-g2.pem");
    let out = kyso(&[
        "verify".as_ref(),
        "--trust".as_ref(),
        root.as_os_str(),
        "--no-revocation".as_ref(),
        "--html".as_ref(),
        page.as_os_str(),
        inbox.as_os_str(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<tr data-verdict=").count(), 4, "{html}");
    for words in [
        "HỢP LỆ",
        "KHÔNG HỢP LỆ",
        "KHÔNG CÓ CHỮ KÝ",
        "KHÔNG ĐỌC ĐƯỢC",
        "Tổng số / Total: 4",
    ] {
        assert!(html.contains(words), "{words}");
    }
    // Linked relative to the page, with the path escaped.
    assert!(
        html.contains("href=\"v%C4%83n%20b%E1%BA%A3n%20%C4%91%E1%BA%BFn/"),
        "{html}"
    );
    // Nothing to fetch, and the file's text is not markup.
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains(" src="));
    assert!(!html.contains("<script>alert"));
}
