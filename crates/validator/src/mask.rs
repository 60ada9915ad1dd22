//! Keeps secrets out of every output. Findings are built only from masked text.

/// Headers whose values are credentials.
const SECRET_HEADERS: &[&str] = &[
    "x-auth-token",
    "x-subject-token",
    "x-security-token",
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// Parts of names (headers, query parameters, JSON fields) that suggest a credential.
const SECRET_WORDS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "signature",
    "cookie",
    "authorization",
    "credential",
    "apikey",
    "api_key",
    "access_key",
    "secret_key",
];

/// The replacement for a secret value.
pub const MASK: &str = "***";

/// Whether a header carries a credential.
pub fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// Whether a name (header, query parameter, JSON field) looks like it holds a credential.
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    is_secret_header(&lower) || SECRET_WORDS.iter().any(|w| lower.contains(w))
}

/// A header value fit for output: credentials become `***`; of an `Authorization` only the
/// scheme word stays.
pub fn header_value(name: &str, value: &str) -> String {
    if is_secret_name(name) {
        match value.split_once(' ') {
            Some((scheme, _))
                if name.eq_ignore_ascii_case("authorization") && is_scheme_word(scheme) =>
            {
                format!("{scheme} {MASK}")
            }
            _ => MASK.to_string(),
        }
    } else {
        shorten(value, 80)
    }
}

fn is_scheme_word(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Shortens `text` to about `max` characters for a report line.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max).collect();
    format!("{kept}… ({} bytes)", text.len())
}

/// A JSON value fit for output: compact, shortened, and masked when any name on its pointer
/// looks secret.
pub fn json_value(pointer: &str, value: &serde_json::Value) -> String {
    if pointer.split('/').any(is_secret_name) {
        return MASK.to_string();
    }
    match value {
        serde_json::Value::Object(map) => {
            // An object can hold secrets under its own names; show its shape only.
            let names: Vec<&str> = map.keys().take(5).map(String::as_str).collect();
            let more = if map.len() > names.len() { ", …" } else { "" };
            format!("object {{{}{more}}}", names.join(", "))
        }
        serde_json::Value::Array(items) => format!("array of {} items", items.len()),
        other => shorten(&other.to_string(), 80),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_masked() {
        assert_eq!(header_value("X-Auth-Token", "MIIabc"), MASK);
        assert_eq!(header_value("cookie", "a=b"), MASK);
        assert_eq!(
            header_value(
                "Authorization",
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abc"
            ),
            "SDK-HMAC-SHA256 ***"
        );
        assert_eq!(header_value("Authorization", "garbage-without-space"), MASK);
        assert_eq!(header_value("Content-Type", "text/plain"), "text/plain");
    }

    #[test]
    fn json_values_under_secret_names_are_masked() {
        let v = serde_json::json!("s3cr3t");
        assert_eq!(json_value("/items/0/access_token", &v), MASK);
        assert_eq!(json_value("/items/0/app_name", &v), "\"s3cr3t\"");
    }
}
