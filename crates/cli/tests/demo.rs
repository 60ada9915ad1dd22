//! The README's first command: `workspaceapp demo` runs offline and its capture validates clean.

use std::process::Command;

#[test]
fn the_demo_lists_a_day_and_its_capture_validates_clean() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("demo.ndjson");
    let output = Command::new(env!("CARGO_BIN_EXE_workspaceapp"))
        .args(["demo", "--records", "2000", "--capture"])
        .arg(&capture)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("AK/SK auth, every record of"), "{stdout}");
    assert!(
        stdout.contains("a wrong token is refused: HTTP 401"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nok: ") && stdout.contains(" 0 failed, 0 skipped"),
        "{stdout}"
    );
    let lines = std::fs::read_to_string(&capture).unwrap().lines().count();
    assert!(lines >= 3, "one capture line per exchange, got {lines}");
    for secret in ["DEMOsk", "Signature="] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{secret} leaked"
        );
    }
}
