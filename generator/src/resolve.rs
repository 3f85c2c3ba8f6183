//! Resolve: follows local `$ref`s and picks each operation's resource version for a release.

use indexmap::IndexMap;
use openapiv3::{MediaType, OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};

use crate::diag::Sink;
use crate::pointer::join;

const SCHEMAS: &str = "#/components/schemas/";

/// Looks up `$ref` targets in one document, reporting unknown and cyclic references.
pub struct Resolver<'a> {
    spec: &'a OpenAPI,
}

/// The component key a schema `$ref` names, if it points into `components/schemas`.
pub fn schema_key(reference: &str) -> Option<&str> {
    reference.strip_prefix(SCHEMAS)
}

/// The JSON pointer a local `$ref` stands for (`#/a/b` -> `/a/b`).
fn ref_pointer(reference: &str) -> &str {
    reference.strip_prefix('#').unwrap_or(reference)
}

impl<'a> Resolver<'a> {
    pub fn new(spec: &'a OpenAPI) -> Self {
        Resolver { spec }
    }

    pub fn schemas(&self) -> impl Iterator<Item = (&'a String, &'a ReferenceOr<Schema>)> + use<'a> {
        self.spec.components.iter().flat_map(|components| components.schemas.iter())
    }

    /// The component schema `key`, following `$ref` aliases, with its pointer.
    /// `None` (after reporting) when a reference is unknown or the aliases form a cycle.
    pub fn component_schema(&self, key: &str, from: &str, sink: &mut Sink<'_>) -> Option<(&'a Schema, String)> {
        let mut seen = vec![key.to_owned()];
        let mut current = key.to_owned();
        loop {
            let pointer = join("/components/schemas", &current);
            let found = self.spec.components.as_ref().and_then(|components| components.schemas.get(&current));
            match found {
                None => {
                    let first = seen.len() == 1;
                    sink.error(
                        if first { from } else { &pointer },
                        format!("unknown $ref `{SCHEMAS}{current}`: there is no schema `{current}` in components/schemas"),
                        Some("correct the reference or add the schema under components/schemas".to_owned()),
                    );
                    return None;
                }
                Some(ReferenceOr::Item(schema)) => return Some((schema, pointer)),
                Some(ReferenceOr::Reference { reference }) => {
                    let Some(next) = schema_key(reference) else {
                        sink.error(&pointer, format!("unsupported $ref `{reference}`"), local_ref_hint());
                        return None;
                    };
                    if seen.iter().any(|s| s == next) {
                        seen.push(next.to_owned());
                        sink.error(
                            &pointer,
                            format!("$ref cycle with no type in it: {}", seen.join(" -> ")),
                            Some("make one schema in the cycle a real type (an object, array or primitive)".to_owned()),
                        );
                        return None;
                    }
                    seen.push(next.to_owned());
                    current = next.to_owned();
                }
            }
        }
    }

    pub fn parameter(
        &self,
        item: &'a ReferenceOr<Parameter>,
        pointer: &str,
        sink: &mut Sink<'_>,
    ) -> Option<(&'a Parameter, String)> {
        self.follow(item, pointer, sink, "parameters", |components| &components.parameters)
    }

    pub fn request_body(
        &self,
        item: &'a ReferenceOr<RequestBody>,
        pointer: &str,
        sink: &mut Sink<'_>,
    ) -> Option<(&'a RequestBody, String)> {
        self.follow(item, pointer, sink, "requestBodies", |components| &components.request_bodies)
    }

    pub fn response(
        &self,
        item: &'a ReferenceOr<Response>,
        pointer: &str,
        sink: &mut Sink<'_>,
    ) -> Option<(&'a Response, String)> {
        self.follow(item, pointer, sink, "responses", |components| &components.responses)
    }

    /// Follows a `$ref` into `components/<section>`, through aliases, guarding against cycles.
    fn follow<T>(
        &self,
        item: &'a ReferenceOr<T>,
        pointer: &str,
        sink: &mut Sink<'_>,
        section: &str,
        map: impl Fn(&'a openapiv3::Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    ) -> Option<(&'a T, String)> {
        let mut current = item;
        let mut at = pointer.to_owned();
        let mut seen = Vec::new();
        loop {
            let reference = match current {
                ReferenceOr::Item(value) => return Some((value, at)),
                ReferenceOr::Reference { reference } => reference,
            };
            let prefix = format!("#/components/{section}/");
            let Some(key) = reference.strip_prefix(&prefix) else {
                sink.error(
                    &join(&at, "$ref"),
                    format!("unsupported $ref `{reference}` (expected `{prefix}...`)"),
                    local_ref_hint(),
                );
                return None;
            };
            if seen.contains(&key) {
                sink.error(&at, format!("$ref cycle: {} -> {key}", seen.join(" -> ")), None);
                return None;
            }
            seen.push(key);
            let Some(next) = self.spec.components.as_ref().map(&map).and_then(|entries| entries.get(key)) else {
                sink.error(
                    &join(&at, "$ref"),
                    format!("unknown $ref `{reference}`: there is no `{key}` in components/{section}"),
                    Some(format!("correct the reference or add `{key}` under components/{section}")),
                );
                return None;
            };
            at = ref_pointer(reference).to_owned();
            current = next;
        }
    }
}

fn local_ref_hint() -> Option<String> {
    Some("only local references into #/components/... are supported; inline the definition".to_owned())
}

/// A media type without its parameters, in lower case: `Application/JSON; charset=utf-8` ->
/// `application/json`.
pub fn essence(media_type: &str) -> String {
    media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// Whether a media type is JSON, parameters aside: `application/json`,
/// `application/vnd.atlas.2023-01-01+json`, `application/problem+json; charset=utf-8`.
pub fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json" || essence.ends_with("+json")
}

/// The resource version in an Atlas media type: `application/vnd.atlas.2023-01-01+json` -> `2023-01-01`.
pub fn media_type_version(media_type: &str) -> Option<&str> {
    let rest = media_type.strip_prefix("application/vnd.atlas.")?;
    let (version, _suffix) = rest.split_once('+')?;
    is_release(version).then_some(version)
}

/// The newest resource version, among all the content maps of one operation, that is not later
/// than `release` (ISO dates compare as strings). `Err` lists the versions when all are later.
pub fn pick_version<'c>(
    contents: impl IntoIterator<Item = &'c IndexMap<String, MediaType>>,
    release: &str,
) -> Result<Option<String>, Vec<String>> {
    let mut versions: Vec<&str> =
        contents.into_iter().flat_map(|content| content.keys()).filter_map(|key| media_type_version(key)).collect();
    versions.sort_unstable();
    versions.dedup();
    if versions.is_empty() {
        return Ok(None);
    }
    match versions.iter().rev().find(|version| **version <= release) {
        Some(version) => Ok(Some((*version).to_owned())),
        None => Err(versions.iter().map(|v| (*v).to_owned()).collect()),
    }
}

/// The media type of `content` to use for `version`: of the versioned ones not later than
/// `version`, the newest (JSON preferred); else plain `application/json`; else, for an
/// operation without versions, the first.
pub fn pick_media_type<'c>(
    content: &'c IndexMap<String, MediaType>,
    version: Option<&str>,
) -> Option<(&'c String, &'c MediaType)> {
    let usable = |key: &str| match (media_type_version(key), version) {
        (Some(found), Some(wanted)) => found <= wanted,
        _ => false,
    };
    content
        .iter()
        .filter(|(key, _)| usable(key))
        .max_by_key(|(key, _)| (media_type_version(key), is_json(key)))
        .or_else(|| content.iter().find(|(key, _)| essence(key) == "application/json"))
        .or_else(|| if version.is_none() { content.iter().next() } else { None })
}

/// Whether `text` has the form of an Atlas API release or resource version: `YYYY-MM-DD`.
pub fn is_release(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10 && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(keys: &[&str]) -> IndexMap<String, MediaType> {
        keys.iter().map(|key| ((*key).to_owned(), MediaType::default())).collect()
    }

    #[test]
    fn picks_the_newest_version_not_later_than_the_release() {
        let body = content(&["application/vnd.atlas.2023-01-01+json", "application/vnd.atlas.2024-08-05+json"]);
        let response = content(&["application/vnd.atlas.2025-03-12+json", "application/json"]);
        assert_eq!(pick_version([&body, &response], "2025-03-12"), Ok(Some("2025-03-12".to_owned())));
        assert_eq!(pick_version([&body, &response], "2024-12-31"), Ok(Some("2024-08-05".to_owned())));
        assert_eq!(pick_version([&body], "2022-01-01"), Err(vec!["2023-01-01".to_owned(), "2024-08-05".to_owned()]));
        assert_eq!(pick_version([&content(&["application/json"])], "2025-03-12"), Ok(None));
    }

    #[test]
    fn picks_each_content_map_s_newest_media_type_up_to_the_version() {
        let response = content(&["application/vnd.atlas.2023-01-01+json", "application/vnd.atlas.2025-03-12+json"]);
        let chosen = pick_media_type(&response, Some("2024-08-05")).map(|(key, _)| key.as_str());
        assert_eq!(chosen, Some("application/vnd.atlas.2023-01-01+json"));
        let both = content(&["application/vnd.atlas.2023-01-01+csv", "application/vnd.atlas.2023-01-01+json"]);
        assert_eq!(
            pick_media_type(&both, Some("2023-01-01")).map(|(key, _)| key.as_str()),
            Some("application/vnd.atlas.2023-01-01+json")
        );
        let errors = content(&["application/json"]);
        assert_eq!(pick_media_type(&errors, Some("2023-01-01")).map(|(key, _)| key.as_str()), Some("application/json"));
    }

    #[test]
    fn reads_versions_only_from_atlas_media_types() {
        assert_eq!(media_type_version("application/vnd.atlas.2023-01-01+json"), Some("2023-01-01"));
        assert_eq!(media_type_version("application/vnd.atlas.2023-01-01+csv"), Some("2023-01-01"));
        assert_eq!(media_type_version("application/vnd.atlas.latest+json"), None);
        assert_eq!(media_type_version("application/json"), None);
    }

    #[test]
    fn json_is_told_by_the_essence_whatever_the_parameters() {
        for json in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/problem+json",
            "application/vnd.atlas.2023-01-01+json;charset=UTF-8",
        ] {
            assert!(is_json(json), "{json}");
        }
        for other in ["text/json-seq", "application/jsonl", "application/vnd.atlas.2023-01-01+csv", "text/plain; format=json"] {
            assert!(!is_json(other), "{other}");
        }
        let errors = content(&["application/json; charset=utf-8"]);
        let picked = pick_media_type(&errors, Some("2023-01-01")).map(|(key, _)| key.as_str());
        assert_eq!(picked, Some("application/json; charset=utf-8"), "plain JSON with parameters serves every version");
    }
}
