//! Lower: turns the resolved spec into the IR, deciding every type, field and function.
//!
//! Types are built in a type space keyed by `TypeId` and refer to each other by id. The
//! stages, in order: `ids` (which parameters and properties are ID types), `schemas`
//! (component and inline schemas into the type space), `operations` (with `parameters`);
//! then the passes that decide, on the type space and the un-named operations: `cycles`
//! (boxing), `access` (`readOnly`/`writeOnly` by direction), `unions` (fields every variant
//! shares), `tags` (each tag's module and feature, and which features need each type),
//! `paging` (which operations page, and how) and `operations::replacements` (which operation
//! replaces a deprecated one), and `check` (the spec-vs-runtime contract, by id). Naming is
//! the last step: `naming` names types, variants, `Client` methods (stream methods included)
//! and operation modules, and builds the IR from what the passes decided. Nothing changes
//! the `Api` once it is built.

mod access;
mod check;
mod composition;
mod cycles;
mod ids;
mod naming;
mod operations;
mod paging;
mod parameters;
mod samples;
mod schemas;
mod state;
mod tags;
mod types;
mod unions;

use openapiv3::OpenAPI;

pub use ids::HEX24_PATTERN;

use crate::diag::Sink;
use crate::ir::Api;
use state::Lowerer;

/// Lowers `spec` for API release `release`, or reports every problem found.
pub fn lower(spec: &OpenAPI, source: &str, release: &str, sink: &mut Sink<'_>) -> Option<Api> {
    let mut lowerer = Lowerer::new(spec);
    lowerer.reserve_components();
    lowerer.collect_ids(sink);
    lowerer.lower_components(sink);
    let operations = lowerer.lower_operations(release, sink);
    let api_error = lowerer.component_ids.get(naming::API_ERROR).copied();
    let Lowerer { mut space, ids, .. } = lowerer;

    cycles::box_recursive_fields(&mut space);
    access::relax_by_direction(&mut space, &operations);
    unions::share_fields(&mut space);

    let operation_tags: Vec<&str> = operations.iter().map(|operation| operation.tag.as_str()).collect();
    let (tags, tag_of) = tags::assign(&spec.tags, &operation_tags);
    let gates = tags::gates(&space, &operations, &tag_of, tags.len(), api_error);
    let paging = paging::detect(&operations, &space);
    let replaced_by = operations::replacements(&operations, sink);

    let crate_version = crate_version(&spec.info, sink);
    check::runtime_contract(&space, api_error, sink);
    if sink.has_errors() {
        return None;
    }

    let names = naming::Names::decide(&space, ids.values().map(|id| id.name.as_str()), api_error);
    let gates = gates.into_iter().map(|(id, gate)| (names.of(id), gate)).collect();
    let operations = naming::operations(operations, &tags, naming::Decided { tag_of, paging, replaced_by });
    let types = naming::types(space, &names);
    let mut api = Api {
        source: source.to_owned(),
        release: release.to_owned(),
        title: spec.info.title.clone(),
        base_url: base_url(&spec.servers),
        crate_version,
        ids: ids.into_values().map(|id| (id.name.clone(), id)).collect(),
        operations,
        types,
        type_names: names.into_table(),
        tags,
        gates,
        samples: Default::default(),
    };
    // Samples are built from the named types, so they are decided last.
    api.samples = samples::decide(&api, spec);
    Some(api)
}

/// The version of the crate generated from the spec: its `info.x-crate-version`
/// (`MAJOR.MINOR.PATCH`), which `cargo xtask codegen` moves as the public API changes; 0.1.0
/// when the spec has none.
fn crate_version(info: &openapiv3::Info, sink: &mut Sink<'_>) -> String {
    let Some(value) = info.extensions.get("x-crate-version") else { return "0.1.0".to_owned() };
    let text = value.as_str().unwrap_or_default();
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() == 3 && parts.iter().all(|part| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit())) {
        return text.to_owned();
    }
    sink.error(
        "/info/x-crate-version",
        format!("`x-crate-version` is {value}, not a version MAJOR.MINOR.PATCH"),
        Some("write it as a quoted string, like \"0.2.0\"".to_owned()),
    );
    "0.1.0".to_owned()
}

/// The first server's URL with its variables at their defaults and no trailing `/`, when it
/// is absolute (`http` or `https`); a relative one (`/v1`) says no host.
fn base_url(servers: &[openapiv3::Server]) -> Option<String> {
    let server = servers.first()?;
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    let url = url.trim_end_matches('/');
    (url.starts_with("https://") || url.starts_with("http://")).then(|| url.to_owned())
}

#[cfg(test)]
mod tests {
    use crate::ir::{Ty, TypeDef};

    #[test]
    fn the_base_url_is_the_first_absolute_server_with_its_variables_at_their_defaults() {
        let servers = |yaml: &str| -> Vec<openapiv3::Server> { serde_yaml::from_str(yaml).unwrap() };
        let templated = servers(
            "- url: https://{region}.example.com/{base}/v1/\n  variables:\n    region: {default: eu, enum: [eu, us]}\n    base: {default: api}\n- url: https://other.example.com",
        );
        assert_eq!(super::base_url(&templated).as_deref(), Some("https://eu.example.com/api/v1"));
        assert_eq!(super::base_url(&servers("- url: https://cloud.mongodb.com")).as_deref(), Some("https://cloud.mongodb.com"));
        assert_eq!(super::base_url(&servers("- url: /v1")), None, "a relative server names no host");
        assert_eq!(super::base_url(&[]), None);
    }

    /// A spec whose two operations return inline objects that differ only in descriptions.
    const SAME_SHAPE: &str = r#"
openapi: 3.0.1
info: { title: t, version: "1" }
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                description: The first.
                properties:
                  name: { type: string, description: A name. }
                  size: { type: integer }
                required: [name]
  /b:
    get:
      operationId: getB
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                description: The second, worded differently.
                properties:
                  name: { type: string, description: Another wording. }
                  size: { type: integer }
                required: [name]
  /c:
    get:
      operationId: getC
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  name: { type: string }
                  size: { type: integer }
components:
  schemas:
    ApiError:
      type: object
      properties:
        error: { type: integer }
        errorCode: { type: string }
        detail: { type: string }
        reason: { type: string }
"#;

    /// A paged operation whose stream method an operation already has, and a deprecated
    /// operation replaced by one whose method is renamed.
    const PAGED_AND_REPLACED: &str = r#"
openapi: 3.0.1
info: { title: t, version: "1" }
paths:
  /things:
    get:
      operationId: listThings
      summary: List Things
      parameters:
        - { name: pageNum, in: query, schema: { type: integer } }
        - { name: itemsPerPage, in: query, schema: { type: integer } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  results: { type: array, items: { type: string } }
                  totalCount: { type: integer }
  /things/stream:
    get:
      operationId: listThingsStream
      summary: Stream Things
      responses:
        "204": { description: none }
  /run:
    post:
      operationId: execute
      summary: Run It
      responses:
        "204": { description: none }
  /old:
    post:
      operationId: runOld
      summary: Run It The Old Way
      deprecated: true
      externalDocs: { description: Run It, url: "https://example.com/#tag/Runs/operation/execute" }
      x-replaced-by: { method: post, path: /run }
      responses:
        "204": { description: none }
components:
  schemas:
    ApiError:
      type: object
      properties:
        error: { type: integer }
        errorCode: { type: string }
        detail: { type: string }
        reason: { type: string }
"#;

    #[test]
    fn paging_and_replacements_are_decided_before_naming_and_named_with_the_methods() {
        let input = crate::Input { file: "spec/2025-03-12/t.yaml", text: PAGED_AND_REPLACED, release: None };
        let api = crate::to_ir(&input).expect("the spec lowers");
        let operation = |id: &str| api.operations.iter().find(|op| op.operation_id == id).expect("the operation exists");
        let paging = operation("listThings").paging.as_ref().expect("listThings pages");
        assert_eq!(paging.stream_fn, "list_things_stream_2", "`list_things_stream` is listThingsStream's method");
        assert_eq!(operation("listThingsStream").fn_name, "list_things_stream");
        assert!(operation("listThingsStream").paging.is_none());
        let replacement = operation("runOld").replacement.as_ref().expect("runOld names its replacement");
        assert_eq!(replacement.fn_name.as_deref(), Some("execute_2"), "the replacing method's final name");
        assert_eq!(replacement.api.as_deref(), Some("Runs"));
    }

    /// A deprecated operation whose title is every other operation's summary and whose
    /// documentation link names its own `operationId`, as upstream's 2026-08 spec links the
    /// deprecated `DELETE .../users/{userId}` (raw `removeUserFromTeam`); only `x-replaced-by`
    /// says which operation replaces it.
    const REPLACED_BY_ROUTE: &str = r#"
openapi: 3.0.1
info: { title: t, version: "1" }
paths:
  /team/users/one:
    delete:
      operationId: removeUserFromTeam
      summary: Remove One User from One Team
      deprecated: true
      externalDocs: { description: Remove One User from One Team, url: "https://example.com/#tag/Users/operation/removeUserFromTeam" }
      x-replaced-by: { method: post, path: "/team:removeUser" }
      responses:
        "204": { description: none }
  /team:removeUser:
    post:
      operationId: removeTeamUser
      summary: Remove One User from One Team
      responses:
        "204": { description: none }
  /zz/team/users:
    delete:
      operationId: removeUserFromTeamToo
      summary: Remove One User from One Team
      responses:
        "204": { description: none }
components:
  schemas:
    ApiError:
      type: object
      properties:
        error: { type: integer }
        errorCode: { type: string }
        detail: { type: string }
        reason: { type: string }
"#;

    #[test]
    fn a_deprecated_operation_is_linked_to_its_replacement_by_method_and_path() {
        let input = crate::Input { file: "spec/2025-03-12/t.yaml", text: REPLACED_BY_ROUTE, release: None };
        let api = crate::to_ir(&input).expect("the spec lowers");
        let deprecated = api.operations.iter().find(|op| op.operation_id == "removeUserFromTeam").expect("the operation exists");
        let replacement = deprecated.replacement.as_ref().expect("it names its replacement");
        assert_eq!(
            replacement.fn_name.as_deref(),
            Some("remove_team_user"),
            "POST /team:removeUser, not the last operation with the same summary nor the one the link's name is"
        );
        assert_eq!(replacement.title, "Remove One User from One Team");
    }

    #[test]
    fn a_replacement_that_is_missing_or_deprecated_is_reported_where_it_is_named() {
        for (target, problem) in [
            ("{ method: get, path: /team:removeUser }", "is not an operation of this spec"),
            ("{ method: delete, path: /team/users/one }", "is deprecated itself"),
        ] {
            let text = REPLACED_BY_ROUTE.replace(r#"{ method: post, path: "/team:removeUser" }"#, target);
            let input = crate::Input { file: "spec/2025-03-12/t.yaml", text: &text, release: None };
            let diagnostics = crate::to_ir(&input).expect_err("a dangling replacement is an error");
            let message = diagnostics.to_string();
            assert!(message.contains(problem), "{target}: {message}");
            assert!(
                message.contains("/paths/~1team~1users~1one/delete/x-replaced-by"),
                "{target}: located at the link; {message}"
            );
        }
        let text = REPLACED_BY_ROUTE.replace(r#"{ method: post, path: "/team:removeUser" }"#, "POST /team:removeUser");
        let input = crate::Input { file: "spec/2025-03-12/t.yaml", text: &text, release: None };
        let message = crate::to_ir(&input).expect_err("a link that is not a method and a path is an error").to_string();
        assert!(message.contains("is not a method and a path"), "{message}");
    }

    /// A collection whose `POST` answers with the resource it created, and whose items are
    /// only deleted, never read: `Team` is known as the item only through the `POST`.
    const CREATED_BY_POST: &str = r##"
openapi: 3.0.1
info: { title: t, version: "1" }
paths:
  /teams:
    post:
      operationId: createTeam
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Team" }
  /teams/{teamId}:
    delete:
      operationId: deleteTeam
      parameters:
        - { name: teamId, in: path, required: true, schema: { type: string, pattern: "^([a-f0-9]{24})$" } }
      responses:
        "204": { description: none }
components:
  schemas:
    Team:
      type: object
      properties:
        id: { type: string, pattern: "^([a-f0-9]{24})$" }
        leadId: { type: string, pattern: "^([a-f0-9]{24})$" }
    ApiError:
      type: object
      properties:
        error: { type: integer }
        errorCode: { type: string }
        detail: { type: string }
        reason: { type: string }
"##;

    #[test]
    fn the_id_of_what_a_collection_post_creates_is_the_item_paths_id_type() {
        let input = crate::Input { file: "spec/2025-03-12/t.yaml", text: CREATED_BY_POST, release: None };
        let api = crate::to_ir(&input).expect("the spec lowers");
        let TypeDef::Struct(team) = &api.types["Team"] else { panic!("a struct") };
        let ty = |wire: &str| team.fields.iter().find(|field| field.wire_name == wire).map(|field| field.ty.clone());
        assert_eq!(ty("id"), Some(Ty::Id("TeamId".to_owned())), "the `id` of what POST /teams creates is a TeamId");
        assert_eq!(ty("leadId"), Some(Ty::String), "only `id`: no ID type is named after `leadId`");
    }

    #[test]
    fn hoisted_schemas_are_one_type_per_shape_whatever_their_descriptions() {
        let input = crate::Input { file: "spec/2025-03-12/t.yaml", text: SAME_SHAPE, release: None };
        let api = crate::to_ir(&input).expect("the spec lowers");
        let response = |fn_name: &str| {
            let operation = api.operations.iter().find(|op| op.fn_name == fn_name).expect("the operation exists");
            match &operation.success.body {
                crate::ir::ResponseBody::Json(Ty::Named(id)) => api.type_name(*id).to_owned(),
                other => panic!("{fn_name} returns a named type, not {other:?}"),
            }
        };
        assert_eq!(response("get_a"), "GetAResponse");
        assert_eq!(response("get_b"), "GetAResponse", "same fields, types and required-ness: one type");
        assert_eq!(response("get_c"), "GetCResponse", "`name` is not required here: another type");
        let TypeDef::Struct(first) = &api.types["GetAResponse"] else { panic!("a struct") };
        assert_eq!(first.doc.as_deref(), Some("The first."), "the type keeps where it first appears");
        assert!(!api.types.contains_key("GetBResponse"));
    }

    /// Two tags; `Orphan` is a schema no operation reaches, and it holds `Shared`, which only
    /// the `Alpha` tag's operation reaches (upstream 2025-06-30's `AlertView` and its
    /// `AlertViewStatus`, gated by `alerts`, left the crate without `alerts` uncompilable).
    const ORPHAN_HOLDS_A_TAGS_TYPE: &str = r##"
openapi: 3.0.1
info: { title: t, version: "1" }
tags: [{ name: Alpha }, { name: Beta }]
paths:
  /alpha:
    get:
      operationId: getAlpha
      tags: [Alpha]
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { $ref: "#/components/schemas/Shared" } } }
  /alpha/only:
    get:
      operationId: getAlphaOnly
      tags: [Alpha]
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { $ref: "#/components/schemas/AlphaOnly" } } }
  /beta:
    get:
      operationId: getBeta
      tags: [Beta]
      responses:
        "204": { description: none }
components:
  schemas:
    Orphan:
      type: object
      properties:
        shared: { $ref: "#/components/schemas/Shared" }
    Shared:
      type: object
      properties:
        status: { type: string, enum: [OPEN, CLOSED] }
    AlphaOnly:
      type: object
      properties:
        name: { type: string }
    ApiError:
      type: object
      properties:
        error: { type: integer }
        errorCode: { type: string }
        detail: { type: string }
        reason: { type: string }
"##;

    #[test]
    fn what_an_ungated_type_holds_is_ungated_too() {
        let input = crate::Input { file: "spec/2025-03-12/t.yaml", text: ORPHAN_HOLDS_A_TAGS_TYPE, release: None };
        let api = crate::to_ir(&input).expect("the spec lowers");
        let features = |name: &str| {
            api.gates.get(name).map(|tags| tags.iter().map(|tag| api.tags[*tag].feature.clone()).collect::<Vec<_>>())
        };
        assert_eq!(features("Orphan"), None, "no operation reaches it: always compiled");
        assert_eq!(features("Shared"), None, "the always compiled Orphan holds it");
        assert!(api.types.keys().any(|name| name.starts_with("SharedStatus")), "{:?}", api.types.keys());
        for name in api.types.keys().filter(|name| name.starts_with("Shared")) {
            assert_eq!(features(name), None, "{name}: Orphan holds it through Shared");
        }
        assert_eq!(features("AlphaOnly"), Some(vec!["alpha".to_owned()]), "only Alpha's operation reaches it");
    }
}
