//! `cargo xtask import page|explorer`: fixture pages of other (fictional) operations import to
//! the expected specs, broken pages name their line, API Explorer merges and reconciliations
//! behave, and the committed spec is exactly what the two upstream files give.

use std::path::{Path, PathBuf};

use xtask::import::{self, ExplorerOptions, ImportError, PageOptions};
use xtask::model;
use xtask::spec::{self, Location, MatchMode, Spec};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn page(name: &str) -> PathBuf {
    fixtures().join("pages").join(name)
}

fn url(operation: &str) -> String {
    format!("https://support.huaweicloud.com/intl/en-us/api-workspace/{operation}.html")
}

fn options(operation: &str) -> PageOptions {
    PageOptions {
        operation: Some(operation.to_owned()),
        url: Some(url(operation)),
    }
}

/// Imports a fixture page into an empty spec directory and returns the written spec.
fn import_fixture(file: &str, operation: &str, dir: &Path) -> (String, Spec) {
    let outcome = import::import_page(&page(file), dir, &options(operation))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    assert!(outcome.before.is_none(), "the directory was empty");
    outcome.write().unwrap();
    let spec = spec::load_file(&outcome.file).unwrap_or_else(|e| panic!("{e}"));
    // The generator takes every imported spec.
    model::build(&spec).unwrap_or_else(|e| panic!("{file}: {e}"));
    (outcome.after, spec)
}

fn row<'s>(spec: &'s Spec, location: Location, parameter: &str) -> &'s spec::Row {
    spec.tables
        .iter()
        .filter(|t| t.location == location)
        .flat_map(|t| &t.rows)
        .find(|r| r.parameter == parameter)
        .unwrap_or_else(|| panic!("no {location:?} row {parameter}"))
}

fn object_row<'s>(spec: &'s Spec, object: &str, parameter: &str) -> &'s spec::Row {
    spec.object(object)
        .and_then(|t| t.rows.iter().find(|r| r.parameter == parameter))
        .unwrap_or_else(|| panic!("no row {parameter} in {object}"))
}

#[test]
fn page_with_every_section_imports() {
    let dir = tempfile::tempdir().unwrap();
    let (text, spec) = import_fixture("create_app_group.txt", "CreateAppGroup", dir.path());
    insta::assert_snapshot!("create_app_group.page.toml", text);

    assert_eq!(spec.file, dir.path().join("create_app_group.toml"));
    assert_eq!(spec.authorization[0].action, "workspace:appGroup:create");
    assert_eq!(
        spec.operation.function.as_deref(),
        Some(
            "Creates an application group.\n\nAn application group holds applications that are \
             published to the same users."
        )
    );
    // No query table: the header table is Table 2, the body Table 3.
    let numbers: Vec<(u32, Location)> =
        spec.tables.iter().map(|t| (t.number, t.location)).collect();
    assert_eq!(
        numbers,
        [
            (1, Location::Path),
            (2, Location::Header),
            (3, Location::Body),
            (4, Location::Object),
            (5, Location::Response),
            (6, Location::Response),
        ]
    );
    let name = row(&spec, Location::Body, "name");
    assert_eq!(
        (name.constraints.min_length, name.constraints.max_length),
        (Some(1), Some(64))
    );
    let description = row(&spec, Location::Body, "description");
    assert_eq!(description.constraints.max_length, Some(255));
    // Bullets after "Enumeration values:" become the enumeration; the lead-in goes with them.
    let app_type = row(&spec, Location::Body, "app_type");
    assert_eq!(app_type.description, "Application type.");
    assert_eq!(
        app_type.constraints.enum_values.as_deref(),
        Some(&["SESSION_DESKTOP_APP".to_owned(), "COMMON_APP".to_owned()][..])
    );
    let priority = row(&spec, Location::Body, "priority");
    assert_eq!(priority.constraints.minimum, Some(1.into()));
    assert_eq!(priority.constraints.maximum, Some(100.into()));
    assert_eq!(priority.constraints.default, Some(50.into()));
    assert!(
        row(&spec, Location::Body, "admin_password")
            .constraints
            .secret
    );
    assert!(
        row(&spec, Location::Header, "X-Auth-Token")
            .constraints
            .secret
    );
    assert_eq!(
        row(&spec, Location::Body, "expire_time")
            .constraints
            .format
            .as_deref(),
        Some("huaweicloud-datetime")
    );
    assert_eq!(
        row(&spec, Location::Body, "region_filter")
            .constraints
            .match_mode,
        Some(MatchMode::Fuzzy)
    );
    // A nested request object, its hyphen bullets an enumeration.
    assert_eq!(
        row(&spec, Location::Body, "authorizations").type_word,
        "Array of AuthorizationInput objects"
    );
    let account_type = object_row(&spec, "AuthorizationInput", "account_type");
    assert_eq!(account_type.description, "Account type.");
    assert_eq!(
        account_type.constraints.enum_values.as_deref(),
        Some(&["USER".to_owned(), "GROUP".to_owned()][..])
    );
    assert!(spec.formats.contains_key("huaweicloud-datetime"));
    let error_code = spec.tables[5]
        .rows
        .iter()
        .find(|r| r.parameter == "error_code")
        .unwrap();
    assert!(error_code.constraints.required);
    assert_eq!(spec.example.request.len(), 1);
    assert_eq!(
        spec.example.response[0].description.as_deref(),
        Some("Created.")
    );
}

#[test]
fn page_without_query_or_body_imports_nested_response_objects() {
    let dir = tempfile::tempdir().unwrap();
    let (text, spec) = import_fixture("show_session_quota.txt", "ShowSessionQuota", dir.path());
    insta::assert_snapshot!("show_session_quota.page.toml", text);

    // No Authorization section, no query table, no body table.
    assert!(spec.authorization.is_empty());
    assert!(spec.rows_at(Location::Query).is_none());
    assert!(spec.rows_at(Location::Body).is_none());
    // Hyphen bullets of a header, and a string default.
    let language = row(&spec, Location::Header, "X-Language");
    assert!(!language.constraints.secret);
    assert_eq!(
        language.constraints.enum_values.as_deref(),
        Some(&["zh-cn".to_owned(), "en-us".to_owned()][..])
    );
    assert_eq!(language.constraints.default, Some("en-us".into()));
    assert_eq!(
        language.description,
        "Language of the response.\n\nThe default value is en-us."
    );
    // Objects inside objects, referenced from type cells.
    assert_eq!(
        row(&spec, Location::Response, "quotas").type_word,
        "Array of QuotaInfo objects"
    );
    assert_eq!(
        object_row(&spec, "QuotaInfo", "limits").type_word,
        "QuotaLimit object"
    );
    assert!(spec.object("QuotaLimit").is_some());
    // Bullets with explanations: the values become the enumeration, the text stays.
    let resource = object_row(&spec, "QuotaInfo", "resource");
    assert_eq!(
        resource.constraints.enum_values.as_deref(),
        Some(&["SESSION".to_owned(), "USER".to_owned()][..])
    );
    assert!(
        resource
            .description
            .contains("• SESSION: concurrent sessions.")
    );
    let quota = object_row(&spec, "QuotaInfo", "quota");
    assert_eq!(quota.constraints.minimum, Some(0.into()));
    assert_eq!(quota.constraints.maximum, Some(10000.into()));
    assert_eq!(
        object_row(&spec, "QuotaInfo", "updated_at")
            .constraints
            .format
            .as_deref(),
        Some("huaweicloud-datetime")
    );
    // Both error fields are "returned upon failure".
    for table in spec.response_tables().filter(|t| t.status != Some(200)) {
        assert!(
            table.rows.iter().all(|r| r.constraints.required),
            "{}",
            table.label()
        );
    }
    assert_eq!(spec.example.request[0].body, None);
}

#[test]
fn page_whose_request_parameters_say_none_imports() {
    let dir = tempfile::tempdir().unwrap();
    let (text, spec) = import_fixture("delete_app_server.txt", "DeleteAppServer", dir.path());
    insta::assert_snapshot!("delete_app_server.page.toml", text);

    assert!(spec.rows_at(Location::Header).is_none());
    assert!(spec.rows_at(Location::Body).is_none());
    let force = row(&spec, Location::Query, "force");
    assert_eq!(force.constraints.default, Some(false.into()));
    // The response tables are numbered after what is present: 3 and 4.
    let responses: Vec<(u32, Option<u16>)> = spec
        .response_tables()
        .map(|t| (t.number, t.status))
        .collect();
    assert_eq!(responses, [(3, Some(200)), (4, Some(404))]);
    assert!(spec.example.response.is_empty());
    assert_eq!(
        spec.example.request[0].uri,
        "/v1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/app-servers/3c9d?force=true"
    );
}

#[test]
fn broken_pages_name_the_line_and_write_nothing() {
    let cases = [
        (
            "mandatory_cell.txt",
            51,
            "the Mandatory cell of `force` (Table 2) is `Optional`",
        ),
        (
            "column_header.txt",
            45,
            "expected the column header `Type` of Table 2, found `Kind`",
        ),
        (
            "table_number.txt",
            39,
            "found Table 3 where Table 2 should be",
        ),
        (
            "truncated_row.txt",
            53,
            "row `force` of Table 2 ends before its Type cell",
        ),
        (
            "type_word.txt",
            75,
            "the Type cell of `job_id` (Table 3) is `Strin`, not a type word",
        ),
    ];
    for (file, line, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = page(&format!("broken/{file}"));
        let error = import::import_page(&path, dir.path(), &options("DeleteAppServer"))
            .map(|o| o.after)
            .expect_err(file);
        match &error {
            ImportError::Page { file: at, error } => {
                assert_eq!(at, &path);
                assert_eq!(error.line, line, "{file}: {error}");
                assert!(error.message.contains(message), "{file}: {error}");
            }
            other => panic!("{file}: not a page error: {other}"),
        }
        let text = error.to_string();
        assert!(text.contains(&format!("line {line}: ")), "{text}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{file}");
    }
}

#[test]
fn the_operation_comes_from_the_options_the_url_or_an_existing_spec() {
    let dir = tempfile::tempdir().unwrap();
    let file = page("delete_app_server.txt");
    let none = PageOptions::default();
    let error = import::import_page(&file, dir.path(), &none).expect_err("nothing names it");
    assert!(
        error.to_string().contains("pass --operation NAME"),
        "{error}"
    );

    // From the URL's last segment.
    let by_url = PageOptions {
        operation: None,
        url: Some(url("DeleteAppServer")),
    };
    let outcome = import::import_page(&file, dir.path(), &by_url).unwrap();
    assert_eq!(outcome.file, dir.path().join("delete_app_server.toml"));
    outcome.write().unwrap();

    // Then from the existing spec with the page's title, its URL kept.
    let outcome = import::import_page(&file, dir.path(), &none).unwrap();
    assert!(outcome.is_unchanged(), "{}", outcome.differences());

    // An operation name that is not an id is refused.
    let bad = PageOptions {
        operation: Some("delete-app-server".into()),
        url: None,
    };
    assert!(import::import_page(&file, dir.path(), &bad).is_err());
}

fn explorer_fixture() -> PathBuf {
    fixtures().join("explorer/CreateAppGroup.json")
}

fn explorer_options() -> ExplorerOptions {
    ExplorerOptions {
        crate_version: Some("0.1.0".into()),
        ..ExplorerOptions::default()
    }
}

#[test]
fn api_explorer_adds_what_only_it_knows_and_names_each_disagreement() {
    let dir = tempfile::tempdir().unwrap();
    import_fixture("create_app_group.txt", "CreateAppGroup", dir.path());
    let outcome =
        import::import_explorer(&explorer_fixture(), dir.path(), &explorer_options()).unwrap();
    insta::assert_snapshot!("create_app_group.explorer.toml", outcome.after);
    outcome.write().unwrap();
    let spec = spec::load_file(&outcome.file).unwrap();
    model::build(&spec).unwrap();

    let explorer = spec.source.explorer.as_ref().unwrap();
    assert_eq!(
        explorer.crate_name,
        "huawei-cloud-api-definitions-WorkspaceApp"
    );
    assert_eq!(explorer.version, "0.1.0");
    assert_eq!(
        explorer.definition.as_deref(),
        Some("src/CreateAppGroup.json")
    );

    // Only API Explorer states these; the rows say where they came from.
    let project_id = row(&spec, Location::Path, "project_id");
    assert_eq!(project_id.constraints.max_length, Some(64));
    assert_eq!(project_id.from_explorer, ["min_length", "max_length"]);
    let account = object_row(&spec, "AuthorizationInput", "account");
    assert_eq!(account.from_explorer, ["min_length", "max_length"]);
    // Where both state a value alike, the page's stays unmarked.
    assert!(
        row(&spec, Location::Body, "priority")
            .from_explorer
            .is_empty()
    );
    assert!(row(&spec, Location::Body, "name").from_explorer.is_empty());
    // Where they differ, the page's value stays and an entry names both.
    assert_eq!(
        row(&spec, Location::Body, "description")
            .constraints
            .max_length,
        Some(255)
    );
    let ids: Vec<&str> = spec.reconciliations.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "max_length:body.description",
            "enum:body.app_type",
            "mandatory:body.authorizations",
            "not-applicable:body.admin_password",
            "time-format:body.expire_time",
            "explorer-rule:body.expire_time",
            "only-in-explorer:body.tags",
            "required:response.400.error_code",
            "read-only",
        ]
    );
    let max = &spec.reconciliations[0];
    assert_eq!(
        (max.page.as_str(), max.explorer.as_str()),
        ("max_length = 255", "max_length = 256")
    );
    assert_eq!(max.follows, "page");
    // API Explorer's error example, marked as its own.
    let example = spec
        .example
        .response
        .iter()
        .find(|e| e.status == 400)
        .unwrap();
    assert_eq!(example.source.as_deref(), Some("explorer"));
    assert!(example.body.as_deref().unwrap().contains("WKS.00010001"));

    // Both imports now agree with the file.
    let page_again = import::import_page(
        &page("create_app_group.txt"),
        dir.path(),
        &PageOptions::default(),
    )
    .unwrap();
    assert!(page_again.is_unchanged(), "{}", page_again.differences());
    let explorer_again =
        import::import_explorer(&explorer_fixture(), dir.path(), &ExplorerOptions::default())
            .unwrap();
    assert!(
        explorer_again.is_unchanged(),
        "{}",
        explorer_again.differences()
    );
}

#[test]
fn a_reviewed_reconciliation_may_follow_api_explorer() {
    let dir = tempfile::tempdir().unwrap();
    import_fixture("create_app_group.txt", "CreateAppGroup", dir.path());
    let outcome =
        import::import_explorer(&explorer_fixture(), dir.path(), &explorer_options()).unwrap();
    // The reviewer settles two entries for API Explorer and rewrites a reason.
    let mut text = outcome.after.clone();
    for id in [
        "max_length:body.description",
        "mandatory:body.authorizations",
    ] {
        let at = text.find(&format!("id = \"{id}\"")).unwrap();
        let follows = at + text[at..].find("follows = \"page\"").unwrap();
        text.replace_range(follows..follows + 16, "follows = \"explorer\"");
    }
    let at = text.find("id = \"read-only\"").unwrap();
    let reason = at + text[at..].find("reason = ").unwrap();
    text.replace_range(
        reason..,
        "reason = \"Reviewed: responses are server-written.\"\n",
    );
    std::fs::write(&outcome.file, &text).unwrap();

    let merged =
        import::import_explorer(&explorer_fixture(), dir.path(), &ExplorerOptions::default())
            .unwrap();
    merged.write().unwrap();
    let spec = spec::load_file(&merged.file).unwrap();
    let description = row(&spec, Location::Body, "description");
    assert_eq!(description.constraints.max_length, Some(256));
    assert_eq!(description.from_explorer, ["min_length", "max_length"]);
    let authorizations = row(&spec, Location::Body, "authorizations");
    assert_eq!(authorizations.mandatory, Some(true));
    assert_eq!(authorizations.from_explorer, ["mandatory"]);
    let read_only = spec
        .reconciliations
        .iter()
        .find(|r| r.id == "read-only")
        .unwrap();
    assert_eq!(read_only.reason, "Reviewed: responses are server-written.");
    model::build(&spec).unwrap();

    // The page's import keeps the followed values, and both checks pass.
    let page_again = import::import_page(
        &page("create_app_group.txt"),
        dir.path(),
        &PageOptions::default(),
    )
    .unwrap();
    assert!(page_again.is_unchanged(), "{}", page_again.differences());
    let again =
        import::import_explorer(&explorer_fixture(), dir.path(), &ExplorerOptions::default())
            .unwrap();
    assert!(again.is_unchanged(), "{}", again.differences());

    // An entry that cannot be followed the way the reviewer asks is refused.
    let bad = merged
        .after
        .replacen("follows = \"project\"", "follows = \"explorer\"", 1);
    std::fs::write(&merged.file, bad).unwrap();
    let error =
        import::import_explorer(&explorer_fixture(), dir.path(), &ExplorerOptions::default())
            .map(|o| o.after)
            .expect_err("time-format entries follow the project");
    assert!(
        error.to_string().contains("cannot be applied here"),
        "{error}"
    );
}

#[test]
fn check_names_what_would_change() {
    let dir = tempfile::tempdir().unwrap();
    let (text, _) = import_fixture("delete_app_server.txt", "DeleteAppServer", dir.path());
    let file = dir.path().join("delete_app_server.toml");
    std::fs::write(&file, text.replace("default = false", "default = true")).unwrap();
    let outcome = import::import_page(
        &page("delete_app_server.txt"),
        dir.path(),
        &PageOptions::default(),
    )
    .unwrap();
    assert!(!outcome.is_unchanged());
    let report = outcome.differences();
    assert!(
        report
            .contains("default-changed Table 2 (Query Parameters) `force`: default true -> false"),
        "{report}"
    );
    assert!(report.contains("- default = true"), "{report}");
    assert!(report.contains("+ default = false"), "{report}");
}

/// The upstream files live beside the repository (`../shared/upstream`), never inside it.
fn upstream() -> PathBuf {
    let dir = xtask::workspace_root().join("../shared/upstream");
    assert!(
        dir.join("ListAppConnection.txt").is_file()
            && dir.join("ListAppConnection.apiexplorer.json").is_file(),
        "the upstream files are missing: expected ListAppConnection.txt and \
         ListAppConnection.apiexplorer.json in {} (CI provides them as ../shared/upstream)",
        dir.display()
    );
    dir
}

#[test]
fn the_committed_spec_is_what_the_upstream_files_give() {
    let upstream = upstream();
    let spec_dir = xtask::workspace_root().join("spec");
    let page = import::import_page(
        &upstream.join("ListAppConnection.txt"),
        &spec_dir,
        &PageOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.file, spec_dir.join("list_app_connection.toml"));
    assert!(page.is_unchanged(), "{}", page.differences());
    let explorer = import::import_explorer(
        &upstream.join("ListAppConnection.apiexplorer.json"),
        &spec_dir,
        &ExplorerOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(explorer.is_unchanged(), "{}", explorer.differences());
}

/// From nothing, the two imports give the committed spec but for the reviewers' words.
#[test]
fn importing_from_scratch_gives_the_committed_facts() {
    let upstream = upstream();
    let dir = tempfile::tempdir().unwrap();
    let operation = "ListAppConnection";
    import::import_page(
        &upstream.join("ListAppConnection.txt"),
        dir.path(),
        &options(operation),
    )
    .and_then(|o| o.write())
    .unwrap_or_else(|e| panic!("{e}"));
    let outcome = import::import_explorer(
        &upstream.join("ListAppConnection.apiexplorer.json"),
        dir.path(),
        &ExplorerOptions {
            crate_version: Some("0.1.20261016".into()),
            ..ExplorerOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    outcome.write().unwrap();
    let mut fresh = spec::load_file(&outcome.file).unwrap();
    let committed_file = xtask::workspace_root().join("spec/list_app_connection.toml");
    let mut committed = spec::load_file(&committed_file).unwrap();

    let reviewed: Vec<&str> = committed
        .reconciliations
        .iter()
        .zip(&fresh.reconciliations)
        .filter(|(a, b)| a.reason != b.reason || a.follows != b.follows)
        .map(|(a, _)| a.id.as_str())
        .collect();
    assert_eq!(
        reviewed,
        ["explorer-rule:body.brokering_start_time+brokering_end_time"]
    );
    for spec in [&mut fresh, &mut committed] {
        spec.file = PathBuf::new();
        for entry in &mut spec.reconciliations {
            entry.reason.clear();
        }
    }
    assert_eq!(fresh, committed);
    let ids: Vec<&str> = committed
        .reconciliations
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "body-required",
            "enum:body.client_type",
            "time-format:body.brokering_start_time+brokering_end_time",
            "explorer-rule:body.brokering_start_time+brokering_end_time",
            "time-format:AppConnectionInfo.brokering_time+end_time",
            "required:error_code",
            "error-schemas",
            "read-only",
        ]
    );
}
