//! Reproduces every vector of `tests/data/aksk-signing.json` (computed with the official Python
//! SDK) and checks that `verify_at` accepts them and refuses tampered copies.

use serde_json::Value;
use workspaceapp_aksk::{
    Algorithm, Credentials, RequestView, SignOptions, Signed, VerifyError, VerifyOptions,
    parse_sdk_date, sign, verify_at,
};

const DATA: &str = include_str!("data/aksk-signing.json");

/// One vector, completed from vector1 where the derived-key vector leaves fields out.
struct Vector {
    name: String,
    method: String,
    path: String,
    query: String,
    headers_in: Vec<(String, String)>,
    body: Vec<u8>,
    host: String,
    project_id: Option<String>,
    algorithm: Algorithm,
    canonical_request: String,
    string_to_sign: String,
    headers_after_sign: Vec<(String, String)>,
}

impl Vector {
    fn headers_in(&self) -> Vec<(&str, &str)> {
        self.headers_in
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    fn options(&self) -> SignOptions {
        let mut o = SignOptions::new(&self.host).algorithm(self.algorithm.clone());
        if let Some(p) = &self.project_id {
            o = o.project_id(p);
        }
        o
    }

    fn verify_options(&self) -> VerifyOptions {
        VerifyOptions::default().accept_derived("cn-north-4", "workspaceapp")
    }

    fn date(&self) -> time::OffsetDateTime {
        let raw = &self
            .headers_after_sign
            .iter()
            .find(|(k, _)| k == "X-Sdk-Date")
            .expect("vector has X-Sdk-Date")
            .1;
        parse_sdk_date(raw).expect("valid X-Sdk-Date")
    }
}

fn object_pairs(v: &Value) -> Vec<(String, String)> {
    v.as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string header").to_owned()))
        .collect()
}

fn load() -> (Credentials, Vec<Vector>) {
    let root: Value = serde_json::from_str(DATA).expect("vector file is JSON");
    let credentials = Credentials::new(
        root["ak"].as_str().expect("ak"),
        root["sk"].as_str().expect("sk"),
    );
    let raw = root["vectors"].as_array().expect("vectors");
    let base = &raw[0];
    let vectors = raw
        .iter()
        .map(|v| {
            let field = |name: &str| {
                if v.get(name).is_some() {
                    &v[name]
                } else {
                    &base[name]
                }
            };
            let wire = field("uri_on_wire").as_str().expect("uri_on_wire");
            let (path, query) = wire.split_once('?').unwrap_or((wire, ""));
            let headers_in = object_pairs(field("headers_in"));
            let headers_after_sign = object_pairs(&v["headers_after_sign"]);
            let project_id = headers_after_sign
                .iter()
                .find(|(k, _)| k == "X-Project-Id")
                .filter(|_| !headers_in.iter().any(|(k, _)| k == "X-Project-Id"))
                .map(|(_, v)| v.clone());
            let authorization = &headers_after_sign
                .iter()
                .find(|(k, _)| k == "Authorization")
                .expect("Authorization")
                .1;
            let algorithm = if authorization.starts_with("V11-HMAC-SHA256 ") {
                // Scope is date/region/service; the note names region and service.
                let scope = authorization
                    .split_once("Credential=")
                    .and_then(|(_, r)| r.split_once(','))
                    .map(|(c, _)| c)
                    .expect("Credential");
                let mut parts = scope.split('/').skip(2);
                Algorithm::V11HmacSha256 {
                    region: parts.next().expect("region").to_owned(),
                    service: parts.next().expect("service").to_owned(),
                }
            } else {
                Algorithm::SdkHmacSha256
            };
            Vector {
                name: v["name"].as_str().expect("name").to_owned(),
                method: field("method").as_str().expect("method").to_owned(),
                path: path.to_owned(),
                query: query.to_owned(),
                headers_in,
                body: field("body")
                    .as_str()
                    .map(|b| b.as_bytes().to_vec())
                    .unwrap_or_default(),
                host: field("host").as_str().expect("host").to_owned(),
                project_id,
                algorithm,
                canonical_request: v["canonical_request"].as_str().expect("cr").to_owned(),
                string_to_sign: v["string_to_sign"].as_str().expect("sts").to_owned(),
                headers_after_sign,
            }
        })
        .collect();
    (credentials, vectors)
}

fn sign_vector(credentials: &Credentials, v: &Vector) -> Signed {
    let headers = v.headers_in();
    let request = RequestView {
        method: &v.method,
        path: &v.path,
        query: &v.query,
        headers: &headers,
        body: &v.body,
    };
    sign(credentials, &request, &v.options()).unwrap_or_else(|e| panic!("{}: {e}", v.name))
}

/// Verifies `v` as a server would see it after `tamper` changed the received request.
fn verify_tampered(
    credentials: &Credentials,
    v: &Vector,
    now: time::OffsetDateTime,
    tamper: impl FnOnce(&mut Received),
) -> Result<workspaceapp_aksk::Verified, VerifyError> {
    let signed = sign_vector(credentials, v);
    let mut received = Received {
        method: v.method.clone(),
        path: v.path.clone(),
        query: v.query.clone(),
        headers: signed.headers().to_vec(),
        body: v.body.clone(),
    };
    tamper(&mut received);
    let headers: Vec<(&str, &str)> = received
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let view = RequestView {
        method: &received.method,
        path: &received.path,
        query: &received.query,
        headers: &headers,
        body: &received.body,
    };
    verify_at(credentials, &view, &v.verify_options(), now)
}

struct Received {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn set_header(&mut self, name: &str, value: &str) {
        for (k, v) in &mut self.headers {
            if k.eq_ignore_ascii_case(name) {
                *v = value.to_owned();
            }
        }
    }
    fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    }
}

#[test]
fn the_file_has_three_vectors() {
    let (_, vectors) = load();
    let names: Vec<_> = vectors.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["vector1", "vector2", "vector3_derived"]);
}

#[test]
fn canonical_request_string_to_sign_and_headers_match_every_vector() {
    let (credentials, vectors) = load();
    for v in &vectors {
        let signed = sign_vector(&credentials, v);
        assert_eq!(
            signed.canonical_request(),
            v.canonical_request,
            "{}",
            v.name
        );
        assert_eq!(signed.string_to_sign(), v.string_to_sign, "{}", v.name);
        assert_eq!(
            signed.headers(),
            v.headers_after_sign.as_slice(),
            "{}",
            v.name
        );
        let expected_auth = &v
            .headers_after_sign
            .iter()
            .find(|(k, _)| k == "Authorization")
            .expect("Authorization")
            .1;
        assert_eq!(signed.authorization(), expected_auth, "{}", v.name);
    }
}

#[test]
fn date_from_options_when_the_request_has_none() {
    let (credentials, vectors) = load();
    let v = &vectors[0];
    let headers: Vec<(&str, &str)> = v
        .headers_in()
        .into_iter()
        .filter(|(k, _)| *k != "X-Sdk-Date")
        .collect();
    let request = RequestView {
        method: &v.method,
        path: &v.path,
        query: &v.query,
        headers: &headers,
        body: &v.body,
    };
    let signed = sign(&credentials, &request, &v.options().date(v.date())).expect("signs");
    assert_eq!(signed.canonical_request(), v.canonical_request);
    assert_eq!(signed.string_to_sign(), v.string_to_sign);
    let expected_auth = &v.headers_after_sign.last().expect("Authorization").1;
    assert_eq!(signed.authorization(), expected_auth);
}

#[test]
fn verify_accepts_every_vector() {
    let (credentials, vectors) = load();
    for v in &vectors {
        for offset in [-14, 0, 14] {
            let now = v.date() + time::Duration::minutes(offset);
            let ok = verify_tampered(&credentials, v, now, |_| {})
                .unwrap_or_else(|e| panic!("{} at {offset} min: {e}", v.name));
            assert_eq!(ok.access_key(), credentials.access_key());
            assert_eq!(ok.date(), v.date());
            assert_eq!(ok.algorithm(), &v.algorithm);
        }
    }
}

#[test]
fn verify_accepts_the_vector_headers_as_given() {
    // The exact headers the SDK sent, not our re-signing of them.
    let (credentials, vectors) = load();
    for v in &vectors {
        let headers: Vec<(&str, &str)> = v
            .headers_after_sign
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let view = RequestView {
            method: &v.method,
            path: &v.path,
            query: &v.query,
            headers: &headers,
            body: &v.body,
        };
        verify_at(&credentials, &view, &v.verify_options(), v.date())
            .unwrap_or_else(|e| panic!("{}: {e}", v.name));
    }
}

#[test]
fn verify_refuses_tampering() {
    let (credentials, vectors) = load();
    for v in &vectors {
        let now = v.date();
        let check = |what: &str, expected: VerifyError, tamper: &dyn Fn(&mut Received)| {
            let got = verify_tampered(&credentials, v, now, tamper);
            assert_eq!(got.err(), Some(expected), "{}: {what}", v.name);
        };
        check("body", VerifyError::BadSignature, &|r| {
            r.body.extend_from_slice(b" ")
        });
        check("method", VerifyError::BadSignature, &|r| {
            r.method = "PUT".into()
        });
        check("path", VerifyError::BadSignature, &|r| r.path.push('x'));
        check("query", VerifyError::BadSignature, &|r| {
            r.query.push_str("&extra=1")
        });
        check("host", VerifyError::BadSignature, &|r| {
            r.set_header("Host", "evil.example")
        });
        check(
            "date shifted by a second",
            VerifyError::BadSignature,
            &|r| {
                let d =
                    parse_sdk_date(&r.headers.iter().find(|(k, _)| k == "X-Sdk-Date").unwrap().1)
                        .unwrap()
                        + time::Duration::seconds(1);
                r.set_header("X-Sdk-Date", &workspaceapp_aksk::format_sdk_date(d));
            },
        );
        check("missing date", VerifyError::MissingDate, &|r| {
            r.remove_header("X-Sdk-Date")
        });
        check("bad date", VerifyError::InvalidDate, &|r| {
            r.set_header("X-Sdk-Date", "2025-04-24T16:00:00Z")
        });
        check(
            "missing authorization",
            VerifyError::MissingAuthorization,
            &|r| r.remove_header("Authorization"),
        );
        check(
            "signed header removed",
            VerifyError::MissingSignedHeader("host".into()),
            &|r| r.remove_header("Host"),
        );
        check(
            "signed header doubled",
            VerifyError::DuplicateSignedHeader("host".into()),
            &|r| r.headers.push(("host".into(), "other".into())),
        );
        check("signature changed", VerifyError::BadSignature, &|r| {
            for (k, val) in &mut r.headers {
                if k == "Authorization" {
                    let last = val.pop().unwrap();
                    val.push(if last == '0' { '1' } else { '0' });
                }
            }
        });
        check("signature not hex", VerifyError::BadSignature, &|r| {
            for (k, val) in &mut r.headers {
                if k == "Authorization" {
                    val.push('z');
                }
            }
        });
    }
}

#[test]
fn verify_refuses_changed_signed_header_but_not_unsigned_one() {
    let (credentials, vectors) = load();
    let v1 = &vectors[0];
    let got = verify_tampered(&credentials, v1, v1.date(), |r| {
        r.set_header("User-Agent", "other")
    });
    assert_eq!(got.err(), Some(VerifyError::BadSignature));
    let got = verify_tampered(&credentials, v1, v1.date(), |r| {
        r.set_header("X-Project-Id", "ffffffffffffffffffffffffffffffff")
    });
    assert_eq!(got.err(), Some(VerifyError::BadSignature));

    // vector2's X_Underscore is not signed (underscore), and value padding is trimmed.
    let v2 = &vectors[1];
    verify_tampered(&credentials, v2, v2.date(), |r| {
        r.set_header("X_Underscore", "changed");
        r.set_header("X-Custom", "   padded value ");
        r.headers.push(("X-Unsigned-Extra".into(), "1".into()));
    })
    .expect("unsigned changes are fine");
    // Query parameter order on the wire does not matter, `+` is a space.
    verify_tampered(&credentials, v2, v2.date(), |r| {
        r.query = "name=a+b%2Fc%7Ed%2A&limit=10&id=b&Zeta=true&id=a".into();
    })
    .expect("same query, other order and encoding");
}

#[test]
fn verify_refuses_stale_dates_with_configurable_skew() {
    let (credentials, vectors) = load();
    for v in &vectors {
        for minutes in [-16i64, 16, 60 * 24] {
            let now = v.date() + time::Duration::minutes(minutes);
            let got = verify_tampered(&credentials, v, now, |_| {});
            assert_eq!(
                got.err(),
                Some(VerifyError::StaleDate {
                    skew_seconds: -minutes * 60,
                    max_seconds: 15 * 60
                }),
                "{} {minutes}",
                v.name
            );
        }
        // A wider window accepts the same request.
        let signed = sign_vector(&credentials, v);
        let headers: Vec<(&str, &str)> = signed
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let view = RequestView {
            method: &v.method,
            path: &v.path,
            query: &v.query,
            headers: &headers,
            body: &v.body,
        };
        let options = v.verify_options().max_skew(time::Duration::hours(2));
        verify_at(
            &credentials,
            &view,
            &options,
            v.date() + time::Duration::minutes(90),
        )
        .expect("within two hours");
    }
}

#[test]
fn verify_refuses_unknown_key_and_wrong_secret() {
    let (credentials, vectors) = load();
    let v = &vectors[0];
    let signed = sign_vector(&credentials, v);
    let headers: Vec<(&str, &str)> = signed
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let view = RequestView {
        method: &v.method,
        path: &v.path,
        query: &v.query,
        headers: &headers,
        body: &v.body,
    };
    let options = v.verify_options();
    let other = vec![Credentials::new("OTHERAK0000000000000", "x")];
    assert_eq!(
        verify_at(&other, &view, &options, v.date()).err(),
        Some(VerifyError::UnknownAccessKey)
    );
    let wrong_secret = Credentials::new(credentials.access_key(), "not-the-secret");
    assert_eq!(
        verify_at(&wrong_secret, &view, &options, v.date()).err(),
        Some(VerifyError::BadSignature)
    );
    let store = vec![other[0].clone(), credentials.clone()];
    verify_at(&store, &view, &options, v.date()).expect("found in a list");
}

#[test]
fn derived_signatures_need_the_matching_scope() {
    let (credentials, vectors) = load();
    let v = &vectors[2];
    let signed = sign_vector(&credentials, v);
    let headers: Vec<(&str, &str)> = signed
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let view = RequestView {
        method: &v.method,
        path: &v.path,
        query: &v.query,
        headers: &headers,
        body: &v.body,
    };
    assert_eq!(
        verify_at(&credentials, &view, &VerifyOptions::default(), v.date()).err(),
        Some(VerifyError::UnsupportedAlgorithm("V11-HMAC-SHA256".into()))
    );
    let other_region = VerifyOptions::default().accept_derived("cn-east-3", "workspaceapp");
    assert_eq!(
        verify_at(&credentials, &view, &other_region, v.date()).err(),
        Some(VerifyError::ScopeMismatch)
    );
}

#[test]
fn errors_and_debug_never_show_secrets() {
    let (credentials, vectors) = load();
    let sk = "FAKEsk0000000000000000000000000000000000";
    for v in &vectors {
        let signed = sign_vector(&credentials, v);
        let signature = signed
            .authorization()
            .rsplit('=')
            .next()
            .unwrap()
            .to_owned();
        let shown = format!("{signed:?} {credentials:?} {:?}", v.options());
        assert!(!shown.contains(sk), "{shown}");
        assert!(!shown.contains(&signature), "{shown}");
        assert!(!shown.contains(credentials.access_key()), "{shown}");
        let err = verify_tampered(&credentials, v, v.date(), |r| r.body.push(b'x')).unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(
            !text.contains(sk)
                && !text.contains(&signature)
                && !text.contains(credentials.access_key())
        );
    }
}
