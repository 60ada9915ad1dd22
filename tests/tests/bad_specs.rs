//! A malformed spec fails codegen with a message naming the file, the table and the row.

use std::path::PathBuf;

use xtask::codegen;

/// Writes a copy of the committed spec, changed by `edit`, into a fresh workspace-shaped
/// directory, and returns the error codegen gives for it.
fn codegen_error(edit: impl FnOnce(String) -> String) -> (PathBuf, String) {
    let original =
        std::fs::read_to_string(xtask::workspace_root().join("spec/list_app_connection.toml"))
            .unwrap();
    let changed = edit(original.clone());
    assert_ne!(changed, original, "the edit must change the spec");
    let dir = tempfile::tempdir().unwrap();
    let spec_dir = dir.path().join("spec");
    std::fs::create_dir(&spec_dir).unwrap();
    let file = spec_dir.join("list_app_connection.toml");
    std::fs::write(&file, changed).unwrap();
    let error = codegen::generate(dir.path()).expect_err("the malformed spec is refused");
    (file, error.to_string())
}

fn assert_names(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "`{part}` missing from: {message}");
    }
}

#[test]
fn an_unknown_key_names_its_table_and_row() {
    let (file, message) = codegen_error(|s| {
        s.replacen(
            "description = \"Query offset. The default value is 0.\"",
            "description = \"Query offset. The default value is 0.\"\nmaximun = 5",
            1,
        )
    });
    assert_names(
        &message,
        &[
            &file.display().to_string(),
            "Table 2 (Query Parameters)",
            "row `offset`",
            "maximun",
        ],
    );
}

#[test]
fn an_unknown_type_word_names_its_table_and_row() {
    let (_, message) = codegen_error(|s| {
        s.replacen(
            "parameter = \"count\"\ntype = \"Integer\"",
            "parameter = \"count\"\ntype = \"Integr\"",
            1,
        )
    });
    assert_names(
        &message,
        &[
            "Table 5 (Response body parameters)",
            "row `count`",
            "unknown type word `Integr`",
        ],
    );
}

#[test]
fn a_duplicate_field_names_its_table_and_row() {
    let (_, message) =
        codegen_error(|s| s.replacen("parameter = \"app_id\"", "parameter = \"sid\"", 1));
    assert_names(
        &message,
        &[
            "Table 6 (AppConnectionInfo)",
            "row `sid`",
            "duplicate field",
        ],
    );
}

#[test]
fn a_reference_to_a_missing_object_names_its_table_and_row() {
    let (_, message) = codegen_error(|s| {
        s.replacen(
            "Array of AppConnectionInfo objects",
            "Array of AppConnection objects",
            1,
        )
    });
    assert_names(
        &message,
        &[
            "Table 5 (Response body parameters)",
            "row `items`",
            "object `AppConnection`",
            "has no table",
        ],
    );
}

#[test]
fn a_missing_table_is_named() {
    // Drop Table 3, the request header table: the numbering now has a gap.
    let (_, message) = codegen_error(|s| {
        let start = s.find("[[table]]\nnumber = 3").unwrap();
        let end = s.find("[[table]]\nnumber = 4").unwrap();
        format!("{}{}", &s[..start], &s[end..])
    });
    assert_names(&message, &["Table 4", "is Table 3 missing?"]);
}

#[test]
fn a_status_without_its_table_is_named() {
    let (_, message) = codegen_error(|s| {
        let start = s.find("[[table]]\nnumber = 14").unwrap();
        let end = s.find("[[status]]").unwrap();
        format!("{}{}", &s[..start], &s[end..])
    });
    assert_names(&message, &["[[status]] 503", "no response table"]);
}

#[test]
fn a_constraint_that_does_not_fit_its_type_is_named() {
    let (_, message) = codegen_error(|s| {
        s.replacen(
            "minimum = 1\nmaximum = 100",
            "minimum = 1\nmaximum = 100\nmax_length = 3",
            1,
        )
    });
    assert_names(
        &message,
        &[
            "Table 2 (Query Parameters)",
            "row `limit`",
            "need type `String`",
        ],
    );
}

#[test]
fn broken_toml_names_the_line() {
    let (file, message) = codegen_error(|s| {
        s.replacen(
            "title = \"Path Parameters\"",
            "title = \"Path Parameters",
            1,
        )
    });
    assert_names(&message, &[&file.display().to_string(), "line "]);
}

#[test]
fn an_unknown_top_level_key_is_named() {
    let (_, message) = codegen_error(|s| format!("{s}\n[extras]\nx = 1\n"));
    assert_names(&message, &["extras"]);
}
