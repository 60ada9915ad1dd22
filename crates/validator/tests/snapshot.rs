//! The human report of the sample capture, as a person reads it.

use workspaceapp_validator::report::{Human, ReportOptions, Sink};
use workspaceapp_validator::run::{self, Input, RunOptions};
use workspaceapp_validator::{Engine, Options};

#[test]
fn human_report_of_the_sample_capture() {
    // Relative path: tests run from the package directory, and the report names the file as given.
    let input = Input::Capture("tests/data/sample.har".into());
    let engine = Engine::new(Options::default()).unwrap();
    let options = ReportOptions::default();
    let mut out = Vec::new();
    {
        let mut sink = Human::new(Box::new(&mut out), options);
        let summary = run::run(
            &[input],
            &engine,
            &RunOptions::default(),
            &options,
            &mut sink,
            &mut |_: u64, _: u64| {},
        )
        .unwrap();
        sink.finish(&summary).unwrap();
    }
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}
