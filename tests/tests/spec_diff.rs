//! `cargo xtask spec-diff`: each kind of change between two fixture specs is found and judged,
//! separately for clients of the models and for validation of recorded traffic.

use std::path::{Path, PathBuf};

use xtask::spec_diff::{self, Report};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/spec-diff")
        .join(format!("{name}.toml"))
}

fn diff(new: &str) -> Report {
    let load = |name: &str| {
        spec_diff::load(fixture(name).to_str().unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    spec_diff::diff(&load("base"), &load(new))
}

/// (kind, place ends with, breaking for clients, breaking for validation)
type Expected = (&'static str, &'static str, bool, bool);

fn assert_changes(new: &str, expected: &[Expected]) {
    let report = diff(new);
    let found: Vec<(String, bool, bool)> = report
        .changes
        .iter()
        .map(|c| (c.kind.clone(), c.clients.breaking, c.validation.breaking))
        .collect();
    assert_eq!(
        report.changes.len(),
        expected.len(),
        "{new}: {found:?}\n{}",
        report.human()
    );
    for ((kind, place, clients, validation), change) in expected.iter().zip(&report.changes) {
        assert_eq!(change.kind, *kind, "{new}: {}", report.human());
        assert!(
            change.place.ends_with(place),
            "{new}: `{}` does not end with `{place}`",
            change.place
        );
        assert_eq!(
            (change.clients.breaking, change.validation.breaking),
            (*clients, *validation),
            "{new}: {kind}: {}",
            report.human()
        );
        assert_eq!(change.operation, "ListWidgets");
    }
}

#[test]
fn identical_specs_have_no_changes() {
    let report = diff("base");
    assert!(report.changes.is_empty());
    assert!(!report.is_breaking());
    assert_eq!(report.human(), "no changes\n");
}

#[test]
fn fields_added() {
    assert_changes(
        "field_added_optional",
        &[("field-added", "`color`", false, false)],
    );
    assert_changes(
        "field_added_mandatory",
        &[("field-added", "`owner`", true, true)],
    );
}

#[test]
fn field_removed() {
    // A response field: the struct loses it; recorded responses keep it as an extra field.
    assert_changes(
        "field_removed",
        &[("field-removed", "Table 6 (Widget) `kind`", true, false)],
    );
}

#[test]
fn renumbered_tables_are_matched_by_what_they_hold() {
    assert_changes(
        "header_table_removed",
        &[(
            "field-removed",
            "(Request header parameters) `X-Auth-Token`",
            true,
            false,
        )],
    );
}

#[test]
fn type_changed() {
    // Integer -> Long: i32 becomes i64 for clients; every old value still fits.
    assert_changes("type_changed", &[("type-changed", "`count`", true, false)]);
}

#[test]
fn constraints_tightened_and_loosened() {
    assert_changes(
        "constraint_tightened",
        &[
            ("description-changed", "`limit`", false, false),
            ("constraint-changed", "`limit`", true, true),
        ],
    );
    assert_changes(
        "constraint_loosened",
        &[("constraint-changed", "`name`", false, false)],
    );
    // A format on a response string: the models keep a String, the schemas check it.
    assert_changes(
        "format_added",
        &[("constraint-added", "Table 6 (Widget) `id`", false, true)],
    );
}

#[test]
fn enum_values_added_and_removed() {
    assert_changes(
        "enum_value_added",
        &[("enum-value-added", "`kind`", true, false)],
    );
    assert_changes(
        "enum_value_removed",
        &[("enum-value-removed", "`kind`", true, true)],
    );
    let report = diff("enum_value_removed");
    assert_eq!(report.changes[0].detail, "`SQUARE`");
}

#[test]
fn status_codes_added_and_removed() {
    assert_changes(
        "status_added",
        &[("status-added", "Status Codes", true, false)],
    );
    assert_changes(
        "status_removed",
        &[("status-removed", "Status Codes", true, true)],
    );
}

#[test]
fn required_flags_changed() {
    assert_changes(
        "mandatory_changed",
        &[("mandatory-changed", "`name`", true, true)],
    );
    assert_changes(
        "required_changed",
        &[
            ("required-changed", "`error_msg`", false, true),
            ("description-changed", "`error_msg`", false, false),
        ],
    );
}

#[test]
fn documentation_changes_break_nothing() {
    assert_changes(
        "description_changed",
        &[("description-changed", "`id`", false, false)],
    );
}

#[test]
fn operations_added_and_removed() {
    let report = diff("operation_renamed");
    let found: Vec<(&str, &str, bool, bool)> = report
        .changes
        .iter()
        .map(|c| {
            (
                c.operation.as_str(),
                c.kind.as_str(),
                c.clients.breaking,
                c.validation.breaking,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("ListGadgets", "operation-added", false, false),
            ("ListWidgets", "operation-removed", true, true),
        ]
    );
}

#[test]
fn reports_for_people_and_for_programs() {
    let report = diff("enum_value_removed");
    insta::assert_snapshot!("enum_value_removed.human", report.human());
    insta::assert_json_snapshot!("enum_value_removed.json", report.json());
    let report = diff("field_added_mandatory");
    let json = report.json();
    assert_eq!(json["summary"]["breaking_for_clients"], 1);
    assert_eq!(json["summary"]["breaking_for_validation"], 1);
    assert!(report.is_breaking());
}

#[test]
fn directories_and_git_revisions_are_read() {
    // A directory of specs.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("base"), dir.path().join("list_widgets.toml")).unwrap();
    let from_dir = spec_diff::load(dir.path().to_str().unwrap()).unwrap();
    assert_eq!(from_dir.len(), 1);
    assert!(
        spec_diff::diff(
            &from_dir,
            &spec_diff::load(fixture("base").to_str().unwrap()).unwrap()
        )
        .changes
        .is_empty()
    );

    // A revision of the repository: the committed spec against itself.
    let old = spec_diff::load("HEAD:spec/list_app_connection.toml").unwrap();
    let new = spec_diff::load("HEAD:spec").unwrap();
    assert_eq!(old.len(), 1);
    assert!(spec_diff::diff(&old, &new).changes.is_empty());

    // Something that is neither a file nor REV:path.
    let error = spec_diff::load("no-such-spec.toml").unwrap_err();
    assert!(error.to_string().contains("no such file"), "{error}");
}
