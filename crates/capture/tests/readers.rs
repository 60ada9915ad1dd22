//! Readers on real files: HAR in the shapes browsers and proxies write, NDJSON gateway logs,
//! gzip, standard input, and hostile inputs generated at test time.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use workspaceapp_capture::{
    AbsentReason, Body, EntryErrorKind, Exchange, FrameError, FrameErrorKind, Framer,
    FramerOptions, IndexKind, InputKind, JsonErrorCategory, NoteKind, Part, RawEntry,
    for_each_parallel, parse_entry,
};

const TOKEN_MARK: &str = "FAKE-TOKEN-";
const API_PATH_SUFFIX: &str = "/session/app-connection";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn frame_path(path: &Path) -> (InputKind, Vec<Result<RawEntry, FrameError>>) {
    let framer = Framer::open(path, FramerOptions::default()).expect("open");
    let kind = framer.kind();
    (kind, framer.collect())
}

fn frames_ok(name: &str) -> (InputKind, Vec<RawEntry>) {
    let (kind, items) = frame_path(&fixture(name));
    let items = items
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect();
    (kind, items)
}

fn parse(raw: &RawEntry) -> Exchange<'_> {
    parse_entry(raw).unwrap_or_else(|e| panic!("{e}"))
}

fn has_note(x: &Exchange<'_>, part: Part, pred: impl Fn(&NoteKind) -> bool) -> bool {
    x.notes.iter().any(|n| n.part == part && pred(&n.kind))
}

fn assert_positions_point_at_entries(path: &Path, entries: &[RawEntry]) {
    let bytes = std::fs::read(path).expect("read fixture");
    for e in entries {
        let off = e.source.byte_offset as usize;
        assert_eq!(
            &bytes[off..off + e.bytes.len()],
            &e.bytes[..],
            "{}",
            e.source
        );
    }
}

#[test]
fn chrome_devtools_har() {
    let (kind, raws) = frames_ok("chrome.har");
    assert_eq!(kind, InputKind::Har);
    assert_eq!(raws.len(), 3);
    assert_positions_point_at_entries(&fixture("chrome.har"), &raws);
    assert_eq!(raws[2].source.index, 2);
    assert_eq!(raws[2].source.kind, IndexKind::HarEntry);

    let x = parse(&raws[0]);
    assert_eq!(x.request.method, "POST");
    assert!(x.request.path().expect("path").ends_with(API_PATH_SUFFIX));
    assert_eq!(x.request.query(), Some("limit=10&offset=0"));
    assert_eq!(x.request.http_version.as_deref(), Some("http/2.0"));
    assert_eq!(x.request.headers.get(":method"), Some("POST"));
    assert!(
        x.request
            .headers
            .get("X-Auth-Token")
            .expect("token")
            .starts_with(TOKEN_MARK)
    );
    assert_eq!(x.request.query_string.len(), 2);
    let req_body = x.request.body.as_str().expect("request text");
    assert!(req_body.contains("\"client_type\":\"Windows\""));
    let resp = x.response.as_ref().expect("response");
    assert_eq!(resp.status_code(), Some(200));
    assert!(matches!(resp.body, Body::Text { base64: true, .. }));
    assert!(
        resp.body
            .as_str()
            .expect("utf-8")
            .starts_with("{\"count\":1,")
    );
    assert!(has_note(&x, Part::ResponseBody, |k| matches!(
        k,
        NoteKind::Base64Decoded { .. }
    )));
    assert_eq!(x.server_ip_address.as_deref(), Some("203.0.113.77"));
    // Secrets never in Debug output.
    assert!(!format!("{x:?}").contains(TOKEN_MARK));

    // An image whose body Chrome did not include.
    let img = parse(&raws[1]);
    assert_eq!(
        img.request.body,
        Body::Absent {
            reason: AbsentReason::NoPostData
        }
    );
    assert_eq!(
        img.response.expect("response").body,
        Body::Absent {
            reason: AbsentReason::NotIncluded { comment: None }
        }
    );
    // Another API mixed in.
    let other = parse(&raws[2]);
    assert_eq!(
        other.request.parsed_url.as_ref().expect("url").host_str(),
        Some("iam.ap-southeast-1.myhuaweicloud.com")
    );
}

#[test]
fn firefox_har() {
    let (_, raws) = frames_ok("firefox.har");
    assert_eq!(raws.len(), 2);
    let x = parse(&raws[0]);
    assert_eq!(
        x.started_date_time.as_deref(),
        Some("2025-04-24T18:05:00.123+02:00")
    );
    let sent = x
        .request
        .body
        .bytes()
        .expect("request body")
        .len()
        .to_string();
    assert_eq!(x.request.headers.get("content-length"), Some(sent.as_str()));
    assert!(x.response.as_ref().expect("r").body.as_str().is_some());
    assert!(x.notes.is_empty(), "{:?}", x.notes);
    let bad = parse(&raws[1]);
    let resp = bad.response.expect("response");
    assert_eq!(resp.status, 400);
    assert_eq!(resp.status_text.as_deref(), Some("Bad Request"));
    assert!(resp.body.as_str().expect("text").contains("WKS.00010001"));
}

#[test]
fn mitmproxy_har_with_ipv6_host_and_binary_body() {
    let (_, raws) = frames_ok("mitmproxy.har");
    assert_eq!(raws.len(), 2);
    let x = parse(&raws[0]);
    let url = x.request.parsed_url.as_ref().expect("url");
    assert_eq!(url.host_str(), Some("[::1]"));
    assert_eq!(url.port(), Some(8080));
    let segs = x.request.decoded_path_segments().expect("segments");
    assert_eq!(segs.len(), 4);
    assert_eq!(segs[0], "v1");
    assert_eq!(segs[2], "session");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    assert_eq!(
        pairs,
        vec![("limit".into(), "10".into()), ("offset".into(), "0".into())]
    );
    assert_eq!(x.server_ip_address.as_deref(), Some("::1"));

    let bin = parse(&raws[1]);
    let body = &bin.response.as_ref().expect("response").body;
    assert_eq!(body.bytes(), Some(&[0u8, 1, 0xfe, 0xff][..]));
    assert!(body.as_str().is_none(), "binary");
}

#[test]
fn charles_minified_har_with_truncated_bodies() {
    let (_, raws) = frames_ok("charles.har");
    assert_eq!(raws.len(), 2);
    assert_positions_point_at_entries(&fixture("charles.har"), &raws);
    let x = parse(&raws[0]);
    match &x.response.as_ref().expect("response").body {
        Body::Truncated { reason, partial } => {
            assert!(reason.contains("truncated"), "{reason}");
            assert_eq!(partial.len(), 1024);
        }
        other => panic!("{other:?}"),
    }
    let y = parse(&raws[1]);
    match &y.response.as_ref().expect("response").body {
        Body::Truncated { reason, partial } => {
            assert!(reason.contains("content.size"), "{reason}");
            assert_eq!(partial.len(), 2000);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn fiddler_har_with_bom_crlf_omitted_body_and_form_params() {
    let (kind, raws) = frames_ok("fiddler.har");
    assert_eq!(kind, InputKind::Har);
    assert_eq!(raws.len(), 2);
    assert_positions_point_at_entries(&fixture("fiddler.har"), &raws);
    let x = parse(&raws[0]);
    match &x.response.as_ref().expect("response").body {
        Body::Absent {
            reason: AbsentReason::NotIncluded { comment: Some(c) },
        } => {
            assert!(c.contains("omitted"))
        }
        other => panic!("{other:?}"),
    }
    let form = parse(&raws[1]);
    match &form.request.body {
        Body::Params(p) => {
            assert_eq!(p.len(), 3);
            assert_eq!(p[0].name, "user");
            assert_eq!(p[1].value.as_deref(), Some("fake-password-123"));
        }
        other => panic!("{other:?}"),
    }
    let dbg = format!("{form:?}");
    assert!(!dbg.contains("fake-password-123"), "{dbg}");
    assert_eq!(
        form.response.expect("response").body,
        Body::Absent {
            reason: AbsentReason::Empty
        }
    );
}

#[test]
fn http_toolkit_har_with_discarded_and_mislabelled_bodies() {
    let (_, raws) = frames_ok("httptoolkit.har");
    assert_eq!(raws.len(), 3);
    let x = parse(&raws[0]);
    match &x.response.as_ref().expect("response").body {
        Body::Absent {
            reason: AbsentReason::NotIncluded { comment: Some(c) },
        } => {
            assert!(c.contains("discarded"))
        }
        other => panic!("{other:?}"),
    }
    // Labelled base64, but plain JSON: kept, noted.
    let y = parse(&raws[1]);
    assert!(
        y.response
            .as_ref()
            .expect("r")
            .body
            .as_str()
            .expect("text")
            .starts_with("{\"count\"")
    );
    assert!(has_note(&y, Part::ResponseBody, |k| matches!(
        k,
        NoteKind::Base64Invalid { .. }
    )));
    // base64 of JSON without a label: left alone, noted.
    let z = parse(&raws[2]);
    assert!(
        z.response
            .as_ref()
            .expect("r")
            .body
            .as_str()
            .expect("text")
            .starts_with("eyJ")
    );
    assert!(has_note(&z, Part::ResponseBody, |k| *k == NoteKind::UnlabelledBase64));
}

#[test]
fn ndjson_with_a_broken_line_in_the_middle() {
    let path = fixture("gateway.ndjson");
    let (kind, items) = frame_path(&path);
    assert_eq!(kind, InputKind::Ndjson);
    let raws: Vec<RawEntry> = items.into_iter().map(|r| r.expect("framed")).collect();
    // 7 lines, line 4 blank.
    let lines: Vec<u64> = raws.iter().map(|r| r.source.index).collect();
    assert_eq!(lines, vec![1, 2, 3, 5, 6, 7]);
    assert_positions_point_at_entries(&path, &raws);
    let results: Vec<_> = raws.iter().map(parse_entry).collect();
    let err = results[2].as_ref().expect_err("line 3 is cut");
    assert_eq!(err.position.index, 3);
    assert!(err.to_string().contains("gateway.ndjson:3"), "{err}");
    match &err.kind {
        EntryErrorKind::Json {
            category,
            byte_offset,
            ..
        } => {
            assert_eq!(*category, JsonErrorCategory::Eof);
            let start = raws[2].source.byte_offset;
            let end = start + raws[2].bytes.len() as u64;
            assert!(
                (end - 2..=end).contains(byte_offset),
                "{byte_offset} vs {end}"
            );
        }
        other => panic!("{other:?}"),
    }
    for (i, r) in results.iter().enumerate() {
        if i != 2 {
            assert!(r.is_ok(), "{r:?}");
        }
    }
    let unicode = results[1].as_ref().expect("line 2");
    assert!(
        unicode
            .response
            .as_ref()
            .expect("r")
            .body
            .as_str()
            .expect("text")
            .contains("记事本")
    );
    let no_text = results[3].as_ref().expect("line 5");
    assert!(no_text.response.as_ref().expect("r").body.is_absent());
    let unauthorized = results[4].as_ref().expect("line 6");
    assert_eq!(
        unauthorized.response.as_ref().expect("r").status_code(),
        Some(401)
    );
    let form = results[5].as_ref().expect("line 7");
    assert!(matches!(form.request.body, Body::Params(_)));
}

#[test]
fn har_without_log_entries_is_a_clear_error() {
    let (_, items) = frame_path(&fixture("no-entries.har"));
    assert_eq!(items.len(), 1);
    let e = items[0].as_ref().expect_err("error");
    assert_eq!(e.kind, FrameErrorKind::MissingEntries);
    assert!(e.fatal);
    assert!(e.to_string().contains("no `log.entries`"), "{e}");
}

#[test]
fn broken_entry_in_pretty_har_is_skipped_and_reading_continues() {
    let path = fixture("broken-entry.har");
    let (_, items) = frame_path(&path);
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[0].is_ok(), "{items:?}");
    let e = items[1].as_ref().expect_err("broken entry");
    assert!(!e.fatal);
    assert_eq!(e.position.index, 1);
    assert!(e.to_string().contains("skipped to the next entry"), "{e}");
    let third = items[2].as_ref().expect("third entry");
    assert_positions_point_at_entries(&path, std::slice::from_ref(third));
    assert!(parse_entry(third).is_ok());
}

#[test]
fn truncated_har_reports_the_cut_entry() {
    let bytes = std::fs::read(fixture("chrome.har")).expect("read");
    let cut = &bytes[..bytes.len() * 2 / 3];
    let framer = Framer::from_reader(
        "cut.har",
        std::io::Cursor::new(cut.to_vec()),
        FramerOptions::default(),
    )
    .expect("framer");
    let items: Vec<_> = framer.collect();
    assert!(items.len() >= 2);
    let last = items.last().expect("last").as_ref().expect_err("truncated");
    assert!(last.fatal);
    assert!(
        matches!(last.kind, FrameErrorKind::Truncated { .. }),
        "{last}"
    );
    assert!(items[..items.len() - 1].iter().all(|r| r.is_ok()));
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}

#[test]
fn gzip_input_is_detected() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["chrome.har", "gateway.ndjson"] {
        let plain = std::fs::read(fixture(name)).expect("read");
        let gz = dir.path().join(format!("{name}.gz"));
        std::fs::write(&gz, gzip(&plain)).expect("write");
        let framer = Framer::open(&gz, FramerOptions::default()).expect("open");
        assert!(framer.is_gzip());
        let unzipped: Vec<_> = framer.collect();
        let (_, direct) = frame_path(&fixture(name));
        assert_eq!(unzipped.len(), direct.len());
        for (a, b) in unzipped.iter().zip(&direct) {
            let (a, b) = (a.as_ref().expect("a"), b.as_ref().expect("b"));
            assert_eq!(a.bytes, b.bytes);
            // Offsets are in the uncompressed stream.
            assert_eq!(a.source.byte_offset, b.source.byte_offset);
        }
    }
}

/// Child half of `stdin_is_read_with_dash`: reads `-` and prints what it framed.
#[test]
fn stdin_child() {
    if std::env::var_os("CAPTURE_STDIN_CHILD").is_none() {
        return;
    }
    let framer = Framer::open("-", FramerOptions::default()).expect("stdin");
    let kind = framer.kind();
    let gz = framer.is_gzip();
    let mut n = 0;
    for item in framer {
        let raw = item.expect("framed");
        assert_eq!(&*raw.source.file, "<stdin>");
        parse_entry(&raw).expect("parsed");
        n += 1;
    }
    println!("STDIN-RESULT kind={kind} gzip={gz} entries={n}");
}

#[test]
fn stdin_is_read_with_dash() {
    let exe = std::env::current_exe().expect("test binary");
    for (name, compress) in [("firefox.har", false), ("mitmproxy.har", true)] {
        let mut input = std::fs::read(fixture(name)).expect("read");
        if compress {
            input = gzip(&input);
        }
        let mut child = Command::new(&exe)
            .args(["--exact", "stdin_child", "--nocapture", "--test-threads=1"])
            .env("CAPTURE_STDIN_CHILD", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut stdin = child.stdin.take().expect("stdin");
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().expect("child");
        writer.join().expect("writer").expect("write stdin");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let expected = format!("STDIN-RESULT kind=har gzip={compress} entries=2");
        assert!(stdout.contains(&expected), "{stdout}");
    }
}

#[test]
fn deep_nesting_in_har_and_ndjson() {
    let depth = 100_000;
    let deep = |open: u8, close: u8| {
        let mut v = Vec::with_capacity(2 * depth);
        v.extend(std::iter::repeat_n(open, depth));
        v.extend(std::iter::repeat_n(close, depth));
        v
    };
    let entry = |initiator: &[u8]| {
        let mut e =
            br#"{"request":{"method":"GET","url":"http://h.example/x"},"_initiator":"#.to_vec();
        e.extend_from_slice(initiator);
        e.push(b'}');
        e
    };
    // HAR: deep nesting in pages (skipped) and in an entry's ignored member.
    let mut har = b"{\"log\":{\"pages\":".to_vec();
    har.extend(deep(b'[', b']'));
    har.extend_from_slice(b",\"entries\":[");
    har.extend(entry(&deep(b'[', b']')));
    har.extend_from_slice(b",\n");
    // An entry that nests objects 100,000 deep where a typed member is expected.
    let mut bad = br#"{"request":{"method":"GET","url":"http://h.example/x","postData":"#.to_vec();
    for _ in 0..depth {
        bad.extend_from_slice(b"{\"a\":");
    }
    bad.extend_from_slice(b"1");
    bad.extend(std::iter::repeat_n(b'}', depth));
    bad.extend_from_slice(b"}}");
    har.extend_from_slice(&bad);
    har.extend_from_slice(b",\n");
    // Deep arrays where the typed `headers` list is expected.
    let mut typed = br#"{"request":{"method":"GET","url":"http://h.example/x","headers":"#.to_vec();
    typed.extend(deep(b'[', b']'));
    typed.extend_from_slice(b"}}");
    har.extend_from_slice(&typed);
    har.extend_from_slice(b"]}}");
    let framer = Framer::from_reader(
        "deep.har",
        std::io::Cursor::new(har),
        FramerOptions::default(),
    )
    .expect("framer");
    let items: Vec<_> = framer.map(|r| r.expect("framed")).collect();
    assert_eq!(items.len(), 3);
    // serde_json skips unknown members without recursion; typed members have a fixed depth.
    assert!(parse_entry(&items[0]).is_ok());
    assert!(parse_entry(&items[1]).is_ok());
    let e = parse_entry(&items[2]).expect_err("not a header list");
    assert!(
        matches!(
            e.kind,
            EntryErrorKind::Json {
                category: JsonErrorCategory::Shape,
                ..
            }
        ),
        "{e}"
    );

    // NDJSON: an unbalanced deep line, then a good one.
    let mut nd = Vec::new();
    nd.extend(std::iter::repeat_n(b'[', depth));
    nd.push(b'\n');
    nd.extend(entry(b"null"));
    nd.push(b'\n');
    let framer = Framer::from_reader(
        "deep.ndjson",
        std::io::Cursor::new(nd),
        FramerOptions::default(),
    )
    .expect("framer");
    let items: Vec<_> = framer.map(|r| r.expect("framed")).collect();
    assert_eq!(items.len(), 2);
    assert!(parse_entry(&items[0]).is_err());
    assert!(parse_entry(&items[1]).is_ok());
}

#[test]
fn non_utf8_bytes() {
    let good = br#"{"request":{"method":"POST","url":"http://h.example/v1/p/x","postData":{"mimeType":"application/octet-stream","text":"AB@CD"}},"response":{"status":200,"content":{"size":3,"text":"ok!"}}}"#;
    let mut in_body = good.to_vec();
    let at_body = in_body.iter().position(|&b| b == b'@').expect("@");
    in_body[at_body] = 0xC3; // a lone lead byte
    let mut in_url = good.to_vec();
    let at_url = in_url.windows(3).position(|w| w == b"/p/").expect("/p/") + 1;
    in_url[at_url] = 0xFF;
    let mut nd = Vec::new();
    for line in [&in_body[..], &in_url[..], &good[..]] {
        nd.extend_from_slice(line);
        nd.push(b'\n');
    }
    let framer = Framer::from_reader(
        "bin.ndjson",
        std::io::Cursor::new(nd),
        FramerOptions::default(),
    )
    .expect("framer");
    let raws: Vec<_> = framer.map(|r| r.expect("framed")).collect();
    assert_eq!(raws.len(), 3);

    let x = parse_entry(&raws[0]).expect("body bytes are binary, not an error");
    assert_eq!(x.request.body.bytes(), Some(&b"AB\xC3CD"[..]));
    assert!(x.request.body.as_str().is_none());
    let abs = raws[0].source.byte_offset + at_body as u64;
    assert!(has_note(&x, Part::RequestBody, |k| *k
        == NoteKind::NotUtf8 { byte_offset: abs }));

    let e = parse_entry(&raws[1]).expect_err("non-UTF-8 in the URL");
    assert_eq!(
        e.kind,
        EntryErrorKind::NotUtf8 {
            byte_offset: raws[1].source.byte_offset + at_url as u64,
            path: "request.url".to_string()
        }
    );
    assert!(parse_entry(&raws[2]).is_ok());
}

#[test]
fn large_body_generated_at_test_time() {
    const SIZE: usize = 100 << 20;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("large.har");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        write!(
            f,
            r#"{{"log":{{"version":"1.2","entries":[{{"request":{{"method":"GET","url":"http://h.example/a"}},"response":{{"status":200,"content":{{"size":{SIZE},"mimeType":"text/plain","text":""#
        )
        .expect("write");
        let chunk = [b'x'; 1 << 16];
        for _ in 0..SIZE / chunk.len() {
            f.write_all(&chunk).expect("write");
        }
        f.write_all(br#""}}},{"request":{"method":"GET","url":"http://h.example/b"}}]}}"#)
            .expect("write");
    }
    let framer = Framer::open(&path, FramerOptions::default()).expect("open");
    let raws: Vec<_> = framer.map(|r| r.expect("framed")).collect();
    assert_eq!(raws.len(), 2);
    let x = parse_entry(&raws[0]).expect("parsed");
    let body = &x.response.as_ref().expect("response").body;
    assert_eq!(body.bytes().map(<[u8]>::len), Some(SIZE));
    // No escapes: the body borrows the entry buffer instead of copying it.
    assert!(matches!(
        body,
        Body::Text {
            bytes: std::borrow::Cow::Borrowed(_),
            ..
        }
    ));

    // With a smaller limit the large entry is skipped and the next one still read.
    let opts = FramerOptions {
        max_entry_size: 1 << 20,
        ..FramerOptions::default()
    };
    let items: Vec<_> = Framer::open(&path, opts).expect("open").collect();
    assert_eq!(items.len(), 2);
    match &items[0].as_ref().expect_err("too large").kind {
        FrameErrorKind::TooLarge { size, limit } => {
            assert!(*size > SIZE as u64);
            assert_eq!(*limit, 1 << 20);
        }
        other => panic!("{other:?}"),
    }
    assert!(items[1].is_ok());
}

#[test]
fn forcing_the_kind() {
    // A one-line HAR is detected as HAR; forced to NDJSON it is one (non-entry) line.
    let one_line = std::fs::read(fixture("charles.har")).expect("read");
    let opts = FramerOptions {
        kind: Some(InputKind::Ndjson),
        ..FramerOptions::default()
    };
    let framer = Framer::from_reader("x", std::io::Cursor::new(one_line), opts).expect("framer");
    assert_eq!(framer.kind(), InputKind::Ndjson);
    let items: Vec<_> = framer.collect();
    assert_eq!(items.len(), 1);
    assert!(parse_entry(items[0].as_ref().expect("line")).is_err());
}

#[test]
fn parallel_pipeline_matches_sequential() {
    for name in ["gateway.ndjson", "chrome.har", "broken-entry.har"] {
        let summarize = |r: Result<&RawEntry, &FrameError>| -> String {
            match r {
                Ok(raw) => match parse_entry(raw) {
                    Ok(x) => format!("{} {} {}", raw.source, x.request.method, x.notes.len()),
                    Err(e) => e.to_string(),
                },
                Err(e) => e.to_string(),
            }
        };
        let sequential: Vec<String> = Framer::open(fixture(name), FramerOptions::default())
            .expect("open")
            .map(|r| summarize(r.as_ref()))
            .collect();
        let mut parallel = Vec::new();
        let framer = Framer::open(fixture(name), FramerOptions::default()).expect("open");
        for_each_parallel(
            framer,
            3,
            |raw| summarize(Ok(raw)),
            |r| parallel.push(r.unwrap_or_else(|e| summarize(Err(&e)))),
        );
        assert_eq!(parallel, sequential, "{name}");
    }
}

#[test]
fn fixture_entries_match_the_ndjson_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(workspaceapp_capture::NDJSON_ENTRY_SCHEMA).expect("schema is JSON");
    let on_disk: serde_json::Value = serde_json::from_slice(
        &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("ndjson-entry.schema.json"))
            .expect("schema file"),
    )
    .expect("schema file is JSON");
    assert_eq!(schema, on_disk);
    jsonschema::meta::validate(&schema).expect("valid draft 2020-12 schema");
    let validator = jsonschema::validator_for(&schema).expect("compiles");
    let mut checked = 0;
    for name in [
        "chrome.har",
        "firefox.har",
        "mitmproxy.har",
        "charles.har",
        "fiddler.har",
        "httptoolkit.har",
        "gateway.ndjson",
    ] {
        for item in Framer::open(fixture(name), FramerOptions::default()).expect("open") {
            let raw = item.expect("framed");
            let Ok(value) = serde_json::from_slice::<serde_json::Value>(&raw.bytes) else {
                continue; // the broken NDJSON line
            };
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", raw.source);
            assert!(parse_entry(&raw).is_ok());
            checked += 1;
        }
    }
    assert_eq!(checked, 19);
    // What the parser rejects, the schema rejects.
    for bad in [
        r#"{"response":{}}"#,
        r#"{"request":{"method":"GET"}}"#,
        r#"{"request":{"method":"GET","url":"u","headers":[{"value":"x"}]}}"#,
    ] {
        let value: serde_json::Value = serde_json::from_str(bad).expect("json");
        assert!(!validator.is_valid(&value), "{bad}");
        let raw = RawEntry {
            source: workspaceapp_capture::Position::ndjson_line("x".into(), 1, 0),
            bytes: bad.as_bytes().to_vec(),
        };
        assert!(parse_entry(&raw).is_err(), "{bad}");
    }
}
