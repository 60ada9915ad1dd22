//! AK/SK signature verification over real HTTP, with requests signed by workspaceapp-aksk.

mod common;

use common::*;
use serde_json::json;
use time::OffsetDateTime;
use workspaceapp_aksk::{Credentials, RequestView, SignOptions, sign};
use workspaceapp_mock::error::codes;
use workspaceapp_mock::{MockConfig, Projects, RunningServer};

const AK: &str = "MOCKAK0000000000TEST";
const SK: &str = "MOCKsk0000000000000000000000000000000000";

fn signed_config() -> MockConfig {
    MockConfig::new()
        .project_id(PROJECT)
        .synthetic(50, 3)
        .access_key(AK, SK)
        .access_key_for(
            "NARROWAK000000000000",
            "NARROWsk",
            Projects::Only(vec![OTHER_PROJECT.to_owned()]),
        )
}

struct Signing<'a> {
    credentials: Credentials,
    project: &'a str,
    query: &'a str,
    body: String,
    date: Option<OffsetDateTime>,
}

impl<'a> Signing<'a> {
    fn new(ak: &str, sk: &str, body: serde_json::Value) -> Self {
        Signing {
            credentials: Credentials::new(ak, sk),
            project: PROJECT,
            query: "limit=5&offset=1",
            body: body.to_string(),
            date: None,
        }
    }

    /// Signs the request as the SDKs do and sends it; `tamper` may change the body afterwards.
    async fn send(&self, server: &RunningServer, tamper: Option<&str>) -> Answer {
        let path = path(self.project);
        let headers = [("Content-Type", "application/json;charset=UTF-8")];
        let view = RequestView {
            method: "POST",
            path: &path,
            query: self.query,
            headers: &headers,
            body: self.body.as_bytes(),
        };
        let mut options = SignOptions::new(server.addr().to_string()).project_id(self.project);
        if let Some(date) = self.date {
            options = options.date(date);
        }
        let signed = sign(&self.credentials, &view, &options).expect("signs");
        let mut request = client()
            .post(format!("{}{}?{}", server.url(), path, self.query))
            .body(
                tamper
                    .map(str::to_owned)
                    .unwrap_or_else(|| self.body.clone()),
            );
        for (name, value) in signed.headers() {
            request = request.header(name.as_str(), value.as_str());
        }
        answer(request.send().await.expect("answered")).await
    }
}

#[tokio::test]
async fn a_good_signature_is_accepted() {
    let server = start(signed_config()).await;
    let a = Signing::new(AK, SK, json!({"client_type": "Windows"}))
        .send(&server, None)
        .await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(a.items().len(), 5);
    assert!(a.count() > 5);
    // A date within the allowed skew is fine.
    let mut s = Signing::new(AK, SK, json!({}));
    s.date = Some(OffsetDateTime::now_utc() - time::Duration::minutes(10));
    assert_eq!(s.send(&server, None).await.status, 200);
    // An empty body is signed as such.
    let mut s = Signing::new(AK, SK, json!({}));
    s.body = String::new();
    s.query = "";
    let a = s.send(&server, None).await;
    assert_eq!((a.status, a.count()), (200, 50));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_signatures_are_401() {
    let server = start(signed_config()).await;
    let cases: Vec<(Signing<'_>, Option<&str>, &str)> = vec![
        (
            Signing::new(AK, "wrong-secret", json!({})),
            None,
            "signature",
        ),
        (
            Signing::new("UNKNOWNAK00000000000", SK, json!({})),
            None,
            "access key",
        ),
        (
            Signing::new(AK, SK, json!({"user_name": "a"})),
            Some("{\"user_name\":\"b\"}"),
            "signature",
        ),
    ];
    for (signing, tamper, needle) in cases {
        let a = signing.send(&server, tamper).await;
        a.assert_error(401, codes::UNAUTHORIZED);
        assert!(a.error_msg().contains(needle), "{}", a.error_msg());
        assert!(!a.error_msg().contains(SK));
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn stale_dates_are_401() {
    let server = start(signed_config().max_clock_skew(time::Duration::minutes(5))).await;
    for shift in [
        time::Duration::minutes(-6),
        time::Duration::minutes(6),
        time::Duration::days(-2),
    ] {
        let mut s = Signing::new(AK, SK, json!({}));
        s.date = Some(OffsetDateTime::now_utc() + shift);
        let a = s.send(&server, None).await;
        a.assert_error(401, codes::UNAUTHORIZED);
        assert!(a.error_msg().contains("X-Sdk-Date"), "{}", a.error_msg());
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn keys_are_limited_to_their_projects() {
    let server = start(signed_config()).await;
    let mut s = Signing::new(AK, SK, json!({}));
    s.project = OTHER_PROJECT;
    s.send(&server, None)
        .await
        .assert_error(403, codes::FORBIDDEN);

    let mut s = Signing::new("NARROWAK000000000000", "NARROWsk", json!({}));
    assert_eq!(s.send(&server, None).await.status, 403);
    s.project = OTHER_PROJECT;
    assert_eq!(s.send(&server, None).await.status, 200);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn signed_requests_are_checked_before_the_content_type() {
    // A signed request with the wrong media type is authenticated first, then refused with 415.
    let server = start(signed_config()).await;
    let path = path(PROJECT);
    let headers = [("Content-Type", "text/plain")];
    let view = RequestView {
        method: "POST",
        path: &path,
        query: "",
        headers: &headers,
        body: b"{}",
    };
    let signed = sign(
        &Credentials::new(AK, SK),
        &view,
        &SignOptions::new(server.addr().to_string()),
    )
    .unwrap();
    let mut request = client()
        .post(format!("{}{}", server.url(), path))
        .body("{}");
    for (name, value) in signed.headers() {
        request = request.header(name.as_str(), value.as_str());
    }
    let a = answer(request.send().await.unwrap()).await;
    a.assert_error(415, codes::UNSUPPORTED_MEDIA_TYPE);
    server.shutdown().await.unwrap();
}
