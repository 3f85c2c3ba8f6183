//! Sans-IO request building: URL composition, query strings, JSON bodies and headers.

use std::fmt::Display;

use http::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use super::Error;

/// Everything but RFC 3986 unreserved characters (`ALPHA / DIGIT / "-" / "." / "_" / "~"`)
/// is encoded, so a value can never end a path segment or a query pair early. `+` is
/// encoded too, because form decoders on the server read a raw `+` as a space.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Returns `base_url` without trailing slashes, ready for an absolute path to be pushed.
pub(crate) fn base_url(base_url: &str) -> String {
    base_url.trim_end_matches('/').to_owned()
}

/// Appends `segment` to `url` as one percent-encoded path segment.
///
/// Encoding alone cannot keep a value inside its segment: URL parsers resolve `.` and
/// `..` as dot segments even when written `%2E`, and an empty value would merge two
/// segments. Those are refused.
#[allow(dead_code, reason = "only operations with a string path parameter call it")]
pub(crate) fn push_path_segment(url: &mut String, segment: &str) -> Result<(), Error> {
    if matches!(segment, "" | "." | "..") {
        return Err(Error::invalid_argument(format!(
            "path parameter {segment:?} is not allowed: it must not be empty, \".\" or \"..\""
        )));
    }
    url.extend(utf8_percent_encode(segment, COMPONENT));
    Ok(())
}

/// Appends `key=value` pairs to a URL: `?` before the first, `&` before the rest, keys
/// and values percent-encoded.
#[allow(dead_code, reason = "only operations with query parameters use it")]
pub(crate) struct QueryWriter<'a> {
    url: &'a mut String,
    has_pairs: bool,
}

#[allow(dead_code, reason = "only operations with query parameters use it")]
impl<'a> QueryWriter<'a> {
    pub(crate) fn new(url: &'a mut String) -> Self {
        Self { url, has_pairs: false }
    }

    /// Appends `key=value` with `value`'s `Display` form when `value` is `Some`.
    pub(crate) fn push_opt_display(&mut self, key: &str, value: Option<impl Display>) {
        if let Some(value) = value {
            self.push(key, &value.to_string());
        }
    }

    /// Appends `key=a<delimiter>b...` for an array sent under one key (`explode: false`):
    /// each value percent-encoded, `delimiter` written as it is (`,`, `%20` or `|`, from the
    /// generated code, never from a caller). Nothing when `values` is empty: `key=` would be
    /// an array of one empty string.
    pub(crate) fn push_joined(&mut self, key: &str, values: impl IntoIterator<Item = impl Display>, delimiter: &str) {
        let mut values = values.into_iter();
        let Some(first) = values.next() else { return };
        self.push(key, &first.to_string());
        for value in values {
            self.url.push_str(delimiter);
            self.url.extend(utf8_percent_encode(&value.to_string(), COMPONENT));
        }
    }

    /// Appends an object parameter in `form` style, exploded: `name=value` per property
    /// (`a=1&b=2`), the parameter's own key unused.
    pub(crate) fn push_object_exploded(&mut self, key: &str, value: Option<&impl Serialize>) -> Result<(), Error> {
        match query_object(key, value)? {
            QueryObject::Absent => {}
            QueryObject::Primitive(text) => self.push(key, &text),
            QueryObject::Properties(properties) => {
                for (name, text) in properties {
                    self.push(&name, &text);
                }
            }
        }
        Ok(())
    }

    /// Appends an object parameter under one key, names and values alternating between
    /// delimiters (`key=a,1,b,2` for `form` with `explode: false`; `%20` and `|` for
    /// `spaceDelimited` and `pipeDelimited`).
    pub(crate) fn push_object_joined(&mut self, key: &str, value: Option<&impl Serialize>, delimiter: &str) -> Result<(), Error> {
        match query_object(key, value)? {
            QueryObject::Absent => {}
            QueryObject::Primitive(text) => self.push(key, &text),
            QueryObject::Properties(properties) => {
                self.push_joined(key, properties.into_iter().flat_map(|(name, text)| [name, text]), delimiter)
            }
        }
        Ok(())
    }

    /// Appends an object parameter in `deepObject` style: `key[name]=value` per property, the
    /// brackets literal.
    pub(crate) fn push_deep_object(&mut self, key: &str, value: Option<&impl Serialize>) -> Result<(), Error> {
        match query_object(key, value)? {
            QueryObject::Absent => {}
            QueryObject::Primitive(text) => self.push(key, &text),
            QueryObject::Properties(properties) => {
                for (name, text) in properties {
                    self.separate();
                    self.url.extend(utf8_percent_encode(key, COMPONENT));
                    self.url.push('[');
                    self.url.extend(utf8_percent_encode(&name, COMPONENT));
                    self.url.push_str("]=");
                    self.url.extend(utf8_percent_encode(&text, COMPONENT));
                }
            }
        }
        Ok(())
    }

    /// The one place a pair is written; repeated keys (array parameters) can reuse it.
    fn push(&mut self, key: &str, value: &str) {
        self.separate();
        self.url.extend(utf8_percent_encode(key, COMPONENT));
        self.url.push('=');
        self.url.extend(utf8_percent_encode(value, COMPONENT));
    }

    /// `?` before the first pair, `&` before the rest.
    fn separate(&mut self) {
        self.url.push(if self.has_pairs { '&' } else { '?' });
        self.has_pairs = true;
    }
}

/// An object query parameter as the query string can hold it.
enum QueryObject {
    Absent,
    /// A value that serializes to a string, number or boolean (a union's primitive variant).
    Primitive(String),
    /// Each property's name and text, sorted by name (the same with or without serde_json's
    /// `preserve_order`); `null` properties are left out.
    Properties(Vec<(String, String)>),
}

/// `value` through serde, flattened one level: OpenAPI defines no query form for a property
/// that is itself an array or an object, so one is an `Error::InvalidArgument` naming it.
fn query_object(key: &str, value: Option<&impl Serialize>) -> Result<QueryObject, Error> {
    let Some(value) = value else { return Ok(QueryObject::Absent) };
    let not_flat = |name: &str| {
        Error::invalid_argument(format!(
            "parameter {key:?}: {name} is an array or an object, which a query string or header cannot hold"
        ))
    };
    let primitive = |value: serde_json::Value| match value {
        serde_json::Value::String(text) => Some(text),
        serde_json::Value::Number(number) => Some(number.to_string()),
        serde_json::Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    };
    let value = serde_json::to_value(value)
        .map_err(|err| Error::invalid_argument_caused_by(format!("could not serialize parameter {key:?}"), err))?;
    match value {
        serde_json::Value::Null => Ok(QueryObject::Absent),
        serde_json::Value::Object(map) => {
            let mut properties = Vec::with_capacity(map.len());
            for (name, value) in map {
                if value.is_null() {
                    continue;
                }
                let text = primitive(value).ok_or_else(|| not_flat(&format!("property {name:?}")))?;
                properties.push((name, text));
            }
            properties.sort();
            Ok(QueryObject::Properties(properties))
        }
        value => primitive(value).map(QueryObject::Primitive).ok_or_else(|| not_flat("the value")),
    }
}

/// Serializes a request body to JSON.
#[allow(dead_code, reason = "only operations with a request body call it")]
pub(crate) fn json_body<T: Serialize + ?Sized>(body: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(body).map_err(|err| Error::invalid_argument_caused_by("could not serialize the request body", err))
}

/// Refuses a parameter below the `minimum` the spec declares (at it, when `exclusive`), before
/// anything is sent.
#[allow(dead_code, reason = "only operations with a bounded parameter call it")]
pub(crate) fn check_minimum<T: PartialOrd + Display>(
    name: &str,
    value: Option<T>,
    minimum: T,
    exclusive: bool,
) -> Result<(), Error> {
    match value {
        Some(value) if value < minimum || (exclusive && value == minimum) => {
            let what = if exclusive { "its exclusive minimum" } else { "its minimum" };
            Err(Error::invalid_argument(format!("parameter {name:?} is {value}, below {what} {minimum}")))
        }
        _ => Ok(()),
    }
}

/// Refuses a parameter above the `maximum` the spec declares (at it, when `exclusive`), before
/// anything is sent.
#[allow(dead_code, reason = "only operations with a bounded parameter call it")]
pub(crate) fn check_maximum<T: PartialOrd + Display>(
    name: &str,
    value: Option<T>,
    maximum: T,
    exclusive: bool,
) -> Result<(), Error> {
    match value {
        Some(value) if value > maximum || (exclusive && value == maximum) => {
            let what = if exclusive { "its exclusive maximum" } else { "its maximum" };
            Err(Error::invalid_argument(format!("parameter {name:?} is {value}, above {what} {maximum}")))
        }
        _ => Ok(()),
    }
}

/// Refuses a string parameter shorter than `minLength` or longer than `maxLength`, counted in
/// characters as JSON Schema counts them.
#[allow(dead_code, reason = "only operations with a bounded parameter call it")]
pub(crate) fn check_length(name: &str, value: Option<&str>, min: Option<u64>, max: Option<u64>) -> Result<(), Error> {
    check_count(name, value.map(|value| value.chars().count()), min, max, ("characters", "minLength", "maxLength"))
}

/// Refuses an array parameter with fewer items than `minItems` or more than `maxItems`.
#[allow(dead_code, reason = "only operations with a bounded parameter call it")]
pub(crate) fn check_items(name: &str, value: Option<usize>, min: Option<u64>, max: Option<u64>) -> Result<(), Error> {
    check_count(name, value, min, max, ("items", "minItems", "maxItems"))
}

fn check_count(
    name: &str,
    count: Option<usize>,
    min: Option<u64>,
    max: Option<u64>,
    (unit, min_keyword, max_keyword): (&str, &str, &str),
) -> Result<(), Error> {
    let Some(count) = count else { return Ok(()) };
    let count = count as u64;
    match (min, max) {
        (Some(min), _) if count < min => {
            Err(Error::invalid_argument(format!("parameter {name:?} has {count} {unit}, fewer than its {min_keyword} {min}")))
        }
        (_, Some(max)) if count > max => {
            Err(Error::invalid_argument(format!("parameter {name:?} has {count} {unit}, more than its {max_keyword} {max}")))
        }
        _ => Ok(()),
    }
}

/// An object header parameter in OpenAPI's `simple` style: `a,1,b,2`, or `a=1,b=2` exploded;
/// `None` when the value is absent. A property that is an array or an object is an
/// `Error::InvalidArgument`, as in a query string.
#[allow(dead_code, reason = "only operations with an object header call it")]
pub(crate) fn simple_object(name: &str, value: Option<&impl Serialize>, explode: bool) -> Result<Option<String>, Error> {
    Ok(match query_object(name, value)? {
        QueryObject::Absent => None,
        QueryObject::Primitive(text) => Some(text),
        QueryObject::Properties(properties) => {
            let pairs = properties
                .into_iter()
                .map(|(name, text)| if explode { format!("{name}={text}") } else { format!("{name},{text}") });
            Some(pairs.collect::<Vec<_>>().join(","))
        }
    })
}

/// Serializes a request body as `application/x-www-form-urlencoded`: `name=value` per property,
/// sorted by name, each item of an array under its property's name again (`form`, exploded, as
/// OpenAPI encodes form bodies by default); `null` properties are left out. A body that is not
/// an object, or a property that is an object or holds one, is an `Error::InvalidArgument`
/// naming it: a form has no place for it.
#[allow(dead_code, reason = "only operations with a form body call it")]
pub(crate) fn form_body<T: Serialize + ?Sized>(body: &T) -> Result<Vec<u8>, Error> {
    let value = serde_json::to_value(body)
        .map_err(|err| Error::invalid_argument_caused_by("could not serialize the request body", err))?;
    let serde_json::Value::Object(map) = value else {
        return Err(Error::invalid_argument("a form request body must be an object"));
    };
    let text = |name: &str, value: serde_json::Value| match value {
        serde_json::Value::String(text) => Ok(text),
        serde_json::Value::Number(number) => Ok(number.to_string()),
        serde_json::Value::Bool(flag) => Ok(flag.to_string()),
        _ => Err(Error::invalid_argument(format!(
            "form body property {name:?} holds an object or null, which a form cannot encode"
        ))),
    };
    let mut properties: Vec<(String, serde_json::Value)> = map.into_iter().collect();
    properties.sort_by(|a, b| a.0.cmp(&b.0));
    let mut form = String::new();
    let mut writer = QueryWriter::new(&mut form);
    for (name, value) in properties {
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => {
                for item in items {
                    writer.push(&name, &text(&name, item)?);
                }
            }
            value => writer.push(&name, &text(&name, value)?),
        }
    }
    // The writer starts a query string with `?`; a form body has none.
    Ok(form.strip_prefix('?').unwrap_or(&form).as_bytes().to_vec())
}

/// Builds a request for an absolute `url`, with `Accept` set and, when there is a body,
/// `Content-Type`; without a body the request carries an empty `Vec`.
pub(crate) fn build_request(
    method: http::Method,
    url: &str,
    accept: &str,
    body: Option<(&str, Vec<u8>)>,
) -> Result<http::Request<Vec<u8>>, Error> {
    let uri: http::Uri = url.parse().map_err(|err| Error::invalid_argument_caused_by("invalid request URL", err))?;
    // A relative URI is a valid `http::Uri` but no transport can send it.
    if uri.scheme().is_none() || uri.authority().is_none() {
        return Err(Error::invalid_argument(
            "invalid request URL: the base URL must be absolute, like https://cloud.mongodb.com",
        ));
    }
    let header = |name: &str, value: &str| {
        HeaderValue::from_str(value)
            .map_err(|err| Error::invalid_argument_caused_by(format!("invalid {name} header {value:?}"), err))
    };
    let builder = http::Request::builder().method(method).uri(uri).header(ACCEPT, header("Accept", accept)?);
    let (builder, body) = match body {
        Some((content_type, body)) => (builder.header(CONTENT_TYPE, header("Content-Type", content_type)?), body),
        None => (builder, Vec::new()),
    };
    builder.body(body).map_err(|err| Error::invalid_argument_caused_by("could not build the request", err))
}

/// Sets header `name` to `value`'s `Display` form when `value` is `Some`.
#[allow(dead_code, reason = "only operations with header parameters call it")]
pub(crate) fn set_header(
    request: &mut http::Request<Vec<u8>>,
    name: &'static str,
    value: Option<impl Display>,
) -> Result<(), Error> {
    if let Some(value) = value {
        let text = value.to_string();
        let header = http::HeaderName::try_from(name)
            .map_err(|err| Error::invalid_argument_caused_by(format!("invalid header name {name:?}"), err))?;
        let value = HeaderValue::try_from(text.as_str())
            .map_err(|err| Error::invalid_argument_caused_by(format!("invalid {name} header {text:?}"), err))?;
        request.headers_mut().insert(header, value);
    }
    Ok(())
}

/// Appends the cookie `name=value` to `cookies`, the value of a `Cookie` header being built
/// (`; ` between pairs), when `value` is present. The value is percent-encoded except for
/// letters, digits and `-._~` (RFC 6265 allows no space, quote, comma, semicolon or
/// backslash in a cookie value), as the query encodes it.
#[allow(dead_code, reason = "only operations with cookie parameters call it")]
pub(crate) fn push_cookie(cookies: &mut String, name: &str, value: Option<impl Display>) {
    if let Some(value) = value {
        if !cookies.is_empty() {
            cookies.push_str("; ");
        }
        cookies.push_str(name);
        cookies.push('=');
        cookies.extend(utf8_percent_encode(&value.to_string(), COMPONENT));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cookies_are_pairs_joined_by_semicolons_with_values_encoded() {
        let mut cookies = String::new();
        push_cookie(&mut cookies, "session", Some("a b;c,\"d\""));
        push_cookie(&mut cookies, "absent", None::<&str>);
        push_cookie(&mut cookies, "page", Some(2));
        assert_eq!(cookies, "session=a%20b%3Bc%2C%22d%22; page=2");
    }

    use super::*;

    const VERSIONED_JSON: &str = "application/vnd.atlas.2023-01-01+json";

    #[test]
    fn base_url_trims_trailing_slashes() {
        assert_eq!(base_url("https://cloud.mongodb.com/"), "https://cloud.mongodb.com");
        assert_eq!(base_url("http://127.0.0.1:4010//"), "http://127.0.0.1:4010");
        assert_eq!(base_url("https://proxy.example/atlas"), "https://proxy.example/atlas");
    }

    #[test]
    fn path_segment_is_encoded_and_cannot_escape() {
        let mut url = String::from("https://h/users/");
        push_path_segment(&mut url, "jane+doe@example.com/../?x#y z~._-é").unwrap();
        assert_eq!(url, "https://h/users/jane%2Bdoe%40example.com%2F..%2F%3Fx%23y%20z~._-%C3%A9");
        for bad in ["", ".", ".."] {
            let err = push_path_segment(&mut url, bad).unwrap_err();
            assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
        }
        push_path_segment(&mut url, "...").unwrap();
    }

    #[test]
    fn query_writer_separates_encodes_and_skips_none() {
        let mut url = String::from("https://h/invites");
        let mut query = QueryWriter::new(&mut url);
        query.push_opt_display("username", None::<&str>);
        query.push_opt_display("username", Some("jane+test@example.com"));
        query.push_opt_display("itemsPerPage", Some(100));
        query.push_opt_display("pretty", None::<bool>);
        query.push_opt_display("a b&c=d", Some("x y&z=w%"));
        assert_eq!(url, "https://h/invites?username=jane%2Btest%40example.com&itemsPerPage=100&a%20b%26c%3Dd=x%20y%26z%3Dw%25");

        let mut url = String::from("https://h/invites");
        QueryWriter::new(&mut url).push_opt_display("username", None::<&str>);
        assert_eq!(url, "https://h/invites");
    }

    #[test]
    fn query_writer_joins_encoded_values_with_a_literal_delimiter() {
        let mut url = String::from("https://h/x");
        let mut query = QueryWriter::new(&mut url);
        query.push_joined("none", Vec::<&str>::new(), ",");
        query.push_joined("c", ["a,b", "c d"], ",");
        query.push_joined("s", ["a", "b|c"], "%20");
        query.push_joined("p k", [1, 2, 3], "|");
        query.push_joined("one", ["x"], "|");
        assert_eq!(url, "https://h/x?c=a%2Cb,c%20d&s=a%20b%7Cc&p%20k=1|2|3&one=x");
        let request = build_request(http::Method::GET, &url, VERSIONED_JSON, None).unwrap();
        assert_eq!(request.uri().query(), Some("c=a%2Cb,c%20d&s=a%20b%7Cc&p%20k=1|2|3&one=x"));

        let mut url = String::from("https://h/x");
        QueryWriter::new(&mut url).push_joined("none", Vec::<&str>::new(), ",");
        assert_eq!(url, "https://h/x");
    }

    #[test]
    fn query_writer_writes_objects_in_each_style() {
        let filter = serde_json::json!({"state": "a b", "size": 10, "on": true, "gone": null});
        let mut url = String::from("https://h/x");
        let mut query = QueryWriter::new(&mut url);
        query.push_object_exploded("filter", Some(&filter)).unwrap();
        query.push_object_joined("filter", Some(&filter), ",").unwrap();
        query.push_object_joined("filter", Some(&filter), "|").unwrap();
        query.push_deep_object("f k", Some(&filter)).unwrap();
        query.push_deep_object("absent", None::<&serde_json::Value>).unwrap();
        query.push_object_exploded("one", Some(&"x,y")).unwrap();
        assert_eq!(
            url,
            "https://h/x?on=true&size=10&state=a%20b&filter=on,true,size,10,state,a%20b&filter=on|true|size|10|state|a%20b\
             &f%20k[on]=true&f%20k[size]=10&f%20k[state]=a%20b&one=x%2Cy"
        );
        let request = build_request(http::Method::GET, &url, VERSIONED_JSON, None).unwrap();
        assert!(request.uri().query().unwrap().contains("f%20k[on]=true"));

        let nested = serde_json::json!({"inner": {"a": 1}});
        let err = QueryWriter::new(&mut url).push_deep_object("filter", Some(&nested)).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
        assert!(err.to_string().contains("\"inner\""), "{err}");
        let err = QueryWriter::new(&mut url).push_object_exploded("filter", Some(&[1, 2])).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
    }

    #[test]
    fn json_body_serializes() {
        assert_eq!(json_body(&serde_json::json!({"a": 1})).unwrap(), br#"{"a":1}"#);
        let mut map = std::collections::BTreeMap::new();
        map.insert((1, 2), 3);
        assert!(matches!(json_body(&map), Err(Error::InvalidArgument { .. })));
    }

    #[test]
    fn form_body_encodes_properties_arrays_and_refuses_objects() {
        let body = serde_json::json!({"name": "a b+c", "tags": ["x", "y&z"], "size": 3, "on": true, "gone": null});
        assert_eq!(form_body(&body).unwrap(), b"name=a%20b%2Bc&on=true&size=3&tags=x&tags=y%26z");
        assert_eq!(form_body(&serde_json::json!({})).unwrap(), b"");
        let nested = form_body(&serde_json::json!({"inner": {"a": 1}})).unwrap_err();
        assert!(nested.to_string().contains("\"inner\""), "{nested}");
        assert!(form_body(&"text").is_err(), "a form body is an object");
    }

    #[test]
    fn bounds_are_checked_and_named() {
        assert!(check_minimum("pageNum", Some(1), 1, false).is_ok());
        assert!(check_minimum("pageNum", None, 1, false).is_ok(), "an absent parameter is not checked");
        let err = check_minimum("pageNum", Some(0), 1, false).unwrap_err();
        assert_eq!(err.to_string(), r#"invalid argument: parameter "pageNum" is 0, below its minimum 1"#);
        let err = check_maximum("ratio", Some(1.0), 1.0, true).unwrap_err();
        assert!(err.to_string().contains(r#"parameter "ratio" is 1, above its exclusive maximum 1"#), "{err}");
        assert!(check_maximum("itemsPerPage", Some(500), 500, false).is_ok());
        let err = check_length("name", Some("éé"), Some(3), None).unwrap_err();
        assert!(err.to_string().contains(r#"parameter "name" has 2 characters, fewer than its minLength 3"#), "{err}");
        let err = check_items("tags", Some(3), None, Some(2)).unwrap_err();
        assert!(err.to_string().contains(r#"parameter "tags" has 3 items, more than its maxItems 2"#), "{err}");
        assert!(matches!(err, Error::InvalidArgument { .. }));
    }

    #[test]
    fn object_headers_are_written_in_the_simple_style() {
        let value = serde_json::json!({"role": "admin", "level": 2});
        assert_eq!(simple_object("X-Filter", Some(&value), false).unwrap().as_deref(), Some("level,2,role,admin"));
        assert_eq!(simple_object("X-Filter", Some(&value), true).unwrap().as_deref(), Some("level=2,role=admin"));
        assert_eq!(simple_object("X-Filter", None::<&serde_json::Value>, false).unwrap(), None);
    }

    #[test]
    fn build_request_sets_headers_and_body() {
        let request = build_request(
            http::Method::POST,
            "https://cloud.mongodb.com/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/invites",
            VERSIONED_JSON,
            Some((VERSIONED_JSON, b"{}".to_vec())),
        )
        .unwrap();
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(request.uri().path(), "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/invites");
        assert_eq!(request.headers()[ACCEPT], VERSIONED_JSON);
        assert_eq!(request.headers()[CONTENT_TYPE], VERSIONED_JSON);
        assert_eq!(request.body(), b"{}");

        let request = build_request(http::Method::GET, "http://127.0.0.1:4010/x?y=1", VERSIONED_JSON, None).unwrap();
        assert!(request.headers().get(CONTENT_TYPE).is_none());
        assert!(request.body().is_empty());
        assert_eq!(request.uri().query(), Some("y=1"));
    }

    #[test]
    fn build_request_refuses_bad_urls_and_headers() {
        for url in ["/api/atlas/v2", "not a url", "https://h/a b", ""] {
            let err = build_request(http::Method::GET, url, VERSIONED_JSON, None).unwrap_err();
            assert!(matches!(err, Error::InvalidArgument { .. }), "{url}: {err}");
        }
        let err = build_request(http::Method::GET, "https://h/", "bad\nvalue", None).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
    }
}
