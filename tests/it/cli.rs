//! The `cats` binary: bad settings give one clear line and a non-zero exit; `db seed` and
//! `user create` work against a fresh database.

use std::io::Write;
use std::process::{Command, Stdio};

fn cats(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cats"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("CATS_DATABASE_URL")
        .env_remove("CATS_REDIS_URL")
        .env_remove("CATS_ENV")
        .env("CATS_DATA_DIR", data_dir)
        .env("CATS_LOG__FILTER", "warn");
    command
}

#[test]
fn unknown_setting_is_refused_with_its_name() {
    let dir = tempfile::tempdir().expect("dir");
    let output = cats(dir.path())
        .env("CATS_COLOUR", "blue")
        .arg("db")
        .arg("migrate")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown setting `colour`"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}

#[test]
fn malformed_database_url_is_one_line() {
    let dir = tempfile::tempdir().expect("dir");
    let output = cats(dir.path())
        .env("CATS_DATABASE_URL", "mysql://localhost/cats")
        .arg("serve")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("database_url must start with postgres:// or sqlite://"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn seed_demo_then_create_a_user_with_a_piped_password() {
    let dir = tempfile::tempdir().expect("dir");
    let seeded = cats(dir.path())
        .args(["db", "seed", "--demo"])
        .output()
        .expect("runs");
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let again = cats(dir.path())
        .args(["db", "seed", "--demo"])
        .output()
        .expect("runs");
    assert!(!again.status.success(), "seeding twice is refused");

    let mut child = cats(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "new.officer@justice.gov.uk",
            "--tenant",
            "1.1.",
            "--role",
            "qa-officer",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"Officer-pass-2026!\n")
        .expect("write");
    let output = child.wait_with_output().expect("waits");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("Created new.officer@justice.gov.uk"));

    let wrong_domain = cats(dir.path())
        .args([
            "user",
            "create",
            "--email",
            "x@elsewhere.example",
            "--tenant",
            "1.1.1.1.",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert!(!wrong_domain.status.success());
    assert!(String::from_utf8_lossy(&wrong_domain.stderr).contains("--email"));

    let reset = cats(dir.path())
        .args(["db", "reset"])
        .output()
        .expect("runs");
    assert!(reset.status.success());
}

#[test]
fn seed_scale_adds_synthetic_participants_once() {
    let dir = tempfile::tempdir().expect("dir");
    let seeded = cats(dir.path())
        .args(["db", "seed", "--scale", "1200"])
        .output()
        .expect("runs");
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    assert!(String::from_utf8_lossy(&seeded.stdout).contains("1200 synthetic participants added"));
    let again = cats(dir.path())
        .args(["db", "seed", "--scale", "5"])
        .output()
        .expect("runs");
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("exist already"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1);
}
