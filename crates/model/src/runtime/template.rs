use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// What a path segment may carry unencoded: RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Fills `{name}` placeholders of a URI template, percent-encoding each value.
pub fn fill_template(template: &str, values: &[(&str, String)]) -> String {
    template
        .split('/')
        .map(|segment| match placeholder(segment) {
            Some(name) => values
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| utf8_percent_encode(value, SEGMENT).to_string())
                .unwrap_or_default(),
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Matches a URI path against a template; the placeholders' values, decoded, or `None` when
/// the path is another one. One trailing `/` is allowed.
pub fn match_template(template: &'static str, path: &str) -> Option<Vec<(&'static str, String)>> {
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    let mut values = Vec::new();
    let mut actual = path.split('/');
    for expected in template.split('/') {
        let segment = actual.next()?;
        match placeholder(expected) {
            Some(name) => {
                if segment.is_empty() {
                    return None;
                }
                let value = percent_decode_str(segment).decode_utf8().ok()?;
                values.push((name, value.into_owned()));
            }
            None if expected == segment => {}
            None => return None,
        }
    }
    actual.next().is_none().then_some(values)
}

/// One matched placeholder, parsed.
pub fn path_param<T: std::str::FromStr>(
    values: &[(&'static str, String)],
    name: &str,
) -> Option<T> {
    values
        .iter()
        .find(|(key, _)| *key == name)
        .and_then(|(_, value)| value.parse().ok())
}

fn placeholder(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "/v1/{project_id}/items";

    #[test]
    fn fills_and_matches_a_template() {
        let path = fill_template(TEMPLATE, &[("project_id", "a b/c".to_owned())]);
        assert_eq!(path, "/v1/a%20b%2Fc/items");
        let values = match_template(TEMPLATE, &path).unwrap();
        assert_eq!(values, vec![("project_id", "a b/c".to_owned())]);
        assert!(match_template(TEMPLATE, "/v1/p/items/").is_some());
    }

    #[test]
    fn other_paths_do_not_match() {
        for path in [
            "/v1//items",
            "/v1/p/other",
            "/v1/p/items/x",
            "/v2/p/items",
            "",
            "/",
        ] {
            assert_eq!(match_template(TEMPLATE, path), None, "{path}");
        }
    }
}
