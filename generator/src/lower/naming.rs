//! The naming pass: the last step of lowering. It gives every type of the type space its
//! final name (numbered on collision, in the order the types were created), names enum and
//! union variants and their catch-alls, decides each type's module, names the `Client`
//! methods (stream methods included) and operation modules, and moves the type space, the
//! operations and what the passes before it decided (`Decided`) into the IR. Every name
//! comes from `names`; nothing after this changes the IR.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::operations::{self, Operation};
use super::paging;
use super::types::{Kind, Origin, Parent, TypeSpace};
use super::unions;
use crate::ir::{self, Ty, TypeId};
use crate::names;

/// The name the runtime refers to the spec's error schema by (`crate::models::ApiError`).
pub(super) const API_ERROR: &str = "ApiError";

/// The final name of every type, by id.
pub(super) struct Names(BTreeMap<TypeId, String>);

impl Names {
    /// Names every type after its origin, in id order: a type is created before the types
    /// hoisted from inside it, so its name is known when theirs are made from it. The first
    /// type to want a name gets it; later ones are numbered. The ID types (`GroupId`) keep
    /// their names: `models` imports them, so a schema that wants one of them is numbered.
    /// `api_error`, the component `ApiError` the runtime decodes errors into, is named
    /// `ApiError` before anything else: a component that converts to the same name (`API_ERROR`)
    /// is numbered, wherever it is in the spec.
    pub(super) fn decide<'a>(space: &TypeSpace, id_types: impl IntoIterator<Item = &'a str>, api_error: Option<TypeId>) -> Names {
        let mut by_id: BTreeMap<TypeId, String> = BTreeMap::new();
        let mut taken: BTreeSet<String> = id_types.into_iter().map(str::to_owned).collect();
        if let Some(id) = api_error {
            by_id.insert(id, API_ERROR.to_owned());
            taken.insert(API_ERROR.to_owned());
        }
        for (id, def) in &space.defs {
            if by_id.contains_key(id) {
                continue;
            }
            let name_of = |id: TypeId| by_id.get(&space.canonical(id)).map(String::as_str).unwrap_or_default();
            let wanted = match &def.origin {
                Origin::Component(key) => names::type_name(key),
                Origin::Hoisted { parent: Parent::Type(parent), field } => names::hoisted_name(name_of(*parent), field),
                Origin::Hoisted { parent: Parent::Operation(operation_id), field } => {
                    names::hoisted_name(&names::type_name(operation_id), field)
                }
                Origin::CatchAllOf(union) => names::unknown_variant_struct(name_of(*union)),
            };
            let name = names::numbered(wanted, |candidate| taken.contains(candidate));
            taken.insert(name.clone());
            by_id.insert(*id, name);
        }
        for merged in space.merged_ids() {
            let name = by_id.get(&space.canonical(merged)).cloned().unwrap_or_default();
            by_id.insert(merged, name);
        }
        Names(by_id)
    }

    pub(super) fn of(&self, id: TypeId) -> String {
        self.0.get(&id).cloned().unwrap_or_default()
    }

    /// The table the IR carries (`Api::type_names`).
    pub(super) fn into_table(self) -> BTreeMap<TypeId, String> {
        self.0
    }
}

/// The enums that hold roles: those that a property named for roles (`roles`, `roleName`,
/// `groupRole`, see [`names::is_role_property`]) holds, directly or as the items of a list.
/// They land in the `roles` module; every other type in `models`.
fn role_enums(space: &TypeSpace) -> BTreeSet<TypeId> {
    let mut roles = BTreeSet::new();
    for def in space.defs.values() {
        let Kind::Struct(s) = &def.kind else { continue };
        for field in s.fields.iter().filter(|field| names::is_role_property(&field.wire_name)) {
            let held = match &field.ty {
                Ty::Vec(item) => item.as_ref(),
                ty => ty,
            };
            if let Ty::Named(id) = held {
                if matches!(space.get(*id).map(|def| &def.kind), Some(Kind::Enum(_))) {
                    roles.insert(*id);
                }
            }
        }
    }
    roles
}

/// The named IR types, keyed by name: the type space moves into them.
pub(super) fn types(space: TypeSpace, names: &Names) -> BTreeMap<String, ir::TypeDef> {
    let roles = role_enums(&space);
    let discriminators: BTreeMap<TypeId, String> = space
        .defs
        .iter()
        .filter_map(|(id, def)| match &def.kind {
            Kind::Union(union) => Some((*id, union.discriminator.clone().unwrap_or_default())),
            _ => None,
        })
        .collect();
    // `names::variant_name` of each enum value: Atlas repeats its long value lists in many enums.
    let mut variant_names: HashMap<String, String> = HashMap::new();
    space
        .defs
        .into_iter()
        .map(|(id, def)| {
            let module = if roles.contains(&id) { ir::Module::Roles } else { ir::Module::Models };
            let doc = match (&def.origin, &def.doc) {
                (Origin::CatchAllOf(union), None) => {
                    let discriminator = discriminators.get(union).map(String::as_str).unwrap_or_default();
                    Some(unions::catch_all_doc(&names.of(*union), discriminator))
                }
                _ => def.doc,
            };
            let named = type_def(names, &mut variant_names, names.of(id), doc, def.pointer, def.kind, module);
            (named.name().to_owned(), named)
        })
        .collect()
}

fn type_def(
    names: &Names,
    variant_names: &mut HashMap<String, String>,
    name: String,
    doc: Option<String>,
    pointer: String,
    kind: Kind,
    module: ir::Module,
) -> ir::TypeDef {
    match kind {
        Kind::Struct(s) => ir::TypeDef::Struct(ir::Struct { name, doc, fields: s.fields, rest: s.rest, pointer }),
        Kind::Enum(e) => {
            let mut variants: Vec<ir::Variant> = Vec::new();
            for value in e.values {
                let converted = variant_names.entry(value.clone()).or_insert_with(|| names::variant_name(&value)).clone();
                let variant = names::numbered(converted, |candidate| variants.iter().any(|v| v.name == candidate));
                variants.push(ir::Variant { name: variant, wire: value });
            }
            let variant_names: Vec<String> = variants.iter().map(|v| v.name.clone()).collect();
            let catch_all = names::catch_all_variant(&variant_names);
            ir::TypeDef::Enum(ir::Enum { name, doc, module, variants, catch_all, pointer })
        }
        Kind::Union(u) => {
            let held: Vec<Ty> = u.variants.iter().map(|variant| variant.ty.clone()).collect();
            let tags: Vec<&[String]> = u.variants.iter().map(|variant| variant.tags.as_slice()).collect();
            let variant_names =
                names::union_variants(&held, u.discriminator.is_some().then_some(tags.as_slice()), &|id| names.of(id));
            let catch_all = names::catch_all_variant(&variant_names);
            let variants = u
                .variants
                .into_iter()
                .zip(held)
                .zip(variant_names)
                .map(|((variant, ty), name)| ir::UnionVariant { name, ty, tags: variant.tags })
                .collect();

            ir::TypeDef::Union(ir::Union {
                name,
                doc,
                discriminator: u.discriminator,
                variants,
                catch_all,
                catch_all_struct: u.catch_all_struct,
                shared: u.shared,
                pointer,
            })
        }
    }
}

/// What the passes before naming decided for the operations, each by operation index.
pub(super) struct Decided {
    /// Index into the tags of the operation's tag.
    pub(super) tag_of: Vec<usize>,
    pub(super) paging: Vec<Option<paging::Paging>>,
    /// The operation that replaces it (`operations::replacements`).
    pub(super) replaced_by: Vec<Option<usize>>,
}

/// The IR operations, each filed under its tag and given its names:
/// the `Client` method, in a scope that reserves the runtime's own methods, and the sans-IO
/// module, in the scope of `operations`, which the tag modules share (`health` under tag
/// `Health` is `operations::health_2`). Both are claimed in operation order; a renamed method
/// says so in its docs. The stream methods of paged operations are claimed in `Client`'s
/// scope after every operation's method, in operation order.
pub(super) fn operations(operations: Vec<Operation>, tags: &[ir::Tag], decided: Decided) -> Vec<ir::Operation> {
    let mut methods = names::Scope::reserving(names::CLIENT_RESERVED);
    let tag_modules: Vec<&str> = tags.iter().map(|tag| tag.module.as_str()).collect();
    let mut modules = names::Scope::reserving(&tag_modules);
    let named: Vec<(String, String, Option<String>)> = operations
        .iter()
        .map(|operation| {
            let fn_name = methods.claim(operation.fn_name.clone());
            let method_note = (fn_name != operation.fn_name).then(|| {
                format!(
                    "Named `{fn_name}`: `{}`, the `operationId` in snake case, is a method `Client` already has.",
                    operation.fn_name
                )
            });
            (fn_name, modules.claim(operation.fn_name.clone()), method_note)
        })
        .collect();
    let paging: Vec<Option<ir::Paging>> = decided
        .paging
        .into_iter()
        .zip(&named)
        .map(|(paging, (fn_name, _, _))| paging.map(|paging| paging_def(paging, methods.claim(names::stream_fn(fn_name)))))
        .collect();
    let replacements: Vec<Option<ir::Replacement>> = operations
        .iter()
        .zip(&decided.replaced_by)
        .map(|(operation, replaced_by)| {
            operation.replacement.as_ref().map(|replacement| ir::Replacement {
                title: replacement.title.clone(),
                api: replacement.api.clone(),
                fn_name: replaced_by.map(|index| named[index].0.clone()),
            })
        })
        .collect();
    operations
        .into_iter()
        .zip(named)
        .zip(paging.into_iter().zip(replacements))
        .zip(decided.tag_of)
        .map(|(((operation, (fn_name, module, method_note)), (paging, replacement)), tag)| {
            operation_def(operation, OperationNames { fn_name, module, method_note, tag, paging, replacement })
        })
        .collect()
}

/// What the naming pass decides for one operation, with what the passes before it decided.
struct OperationNames {
    fn_name: String,
    module: String,
    method_note: Option<String>,
    tag: usize,
    paging: Option<ir::Paging>,
    replacement: Option<ir::Replacement>,
}

fn paging_def(paging: paging::Paging, stream_fn: String) -> ir::Paging {
    ir::Paging {
        stream_fn,
        item: paging.item,
        page_num: paging.page_num,
        page_num_ty: paging.page_num_ty,
        items_per_page: paging.items_per_page,
        default_items_per_page: paging.default_items_per_page,
        include_count: paging.include_count,
        results: paging.results,
        results_optional: paging.results_optional,
        next_link: paging.next_link,
    }
}

/// A success body; a `Response` enum's variants named after their statuses, in the enum's
/// own scope.
fn response_body(body: operations::ResponseBody) -> ir::ResponseBody {
    match body {
        operations::ResponseBody::Empty => ir::ResponseBody::Empty,
        operations::ResponseBody::Json(json) => ir::ResponseBody::Json(json),
        operations::ResponseBody::Bytes => ir::ResponseBody::Bytes,
        operations::ResponseBody::ByStatus(bodies) => {
            let mut variants = crate::names::Scope::default();
            ir::ResponseBody::ByStatus(
                bodies
                    .into_iter()
                    .map(|(status, body)| ir::StatusBody {
                        status,
                        variant: variants.claim(crate::names::status_variant(status)),
                        body: response_body(body),
                    })
                    .collect(),
            )
        }
    }
}

fn operation_def(op: Operation, named: OperationNames) -> ir::Operation {
    ir::Operation {
        path_params: op.path_params,
        query_params: op.query_params,
        body: op.body,
        success: ir::Success {
            statuses: op.success.statuses,
            any_2xx: op.success.any_2xx,
            body: response_body(op.success.body),
            empty_allowed: op.success.empty_allowed,
        },
        operation_id: op.operation_id,
        fn_name: named.fn_name,
        module: named.module,
        method_note: named.method_note,
        method: op.method,
        path: op.path,
        path_segments: op.path_segments,
        summary: op.summary,
        doc: op.doc,
        accept: op.accept,
        api_version: op.api_version,
        deprecated: op.deprecated,
        idempotent: op.idempotent,
        sunset: op.sunset,
        replacement: named.replacement,
        paging: named.paging,
        tag: named.tag,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Access, Field};
    use crate::lower::types::{Enum, Struct, TypeDef};

    fn add(space: &mut TypeSpace, origin: Origin, kind: Kind) -> TypeId {
        let id = space.reserve();
        space.insert(id, TypeDef { origin, doc: None, pointer: String::new(), kind });
        id
    }

    fn field(wire_name: &str, ty: Ty) -> Field {
        Field {
            name: names::value_name(wire_name),
            wire_name: wire_name.to_owned(),
            ty,
            required: false,
            nullable: false,
            boxed: false,
            access: Access::ReadWrite,
            doc: None,
        }
    }

    fn object(fields: Vec<Field>) -> Kind {
        Kind::Struct(Struct { fields, rest: None })
    }

    fn hoisted(parent: TypeId, field: &str) -> Origin {
        Origin::Hoisted { parent: Parent::Type(parent), field: field.to_owned() }
    }

    #[test]
    fn collisions_are_numbered_in_creation_order_and_children_follow_their_parent() {
        let mut space = TypeSpace::default();
        let first = add(&mut space, Origin::Component("group_role".into()), object(Vec::new()));
        let second = add(&mut space, Origin::Component("GroupRole".into()), object(Vec::new()));
        let child = add(&mut space, hoisted(second, "links"), object(Vec::new()));
        let dated = add(&mut space, Origin::Component("Region20240805".into()), object(Vec::new()));
        let dated_again = add(&mut space, Origin::Component("region_20240805".into()), object(Vec::new()));
        let op = Origin::Hoisted { parent: Parent::Operation("getGroupRole".into()), field: "response".into() };
        let of_operation = add(&mut space, op, object(Vec::new()));
        let names = Names::decide(&space, [], None);
        assert_eq!(names.of(first), "GroupRole");
        assert_eq!(names.of(second), "GroupRole2", "the later type is numbered, not the earlier one renamed");
        assert_eq!(names.of(child), "GroupRole2Links", "a hoisted type is named after its parent's final name");
        assert_eq!(names.of(of_operation), "GetGroupRoleResponse");
        assert_eq!(names.of(dated), "Region20240805");
        assert_eq!(names.of(dated_again), "Region20240805_2", "a number after a number keeps a separator");
    }

    #[test]
    fn a_schema_named_like_an_id_type_is_numbered_and_the_id_type_keeps_its_name() {
        let mut space = TypeSpace::default();
        let schema = add(&mut space, Origin::Component("GroupId".into()), object(Vec::new()));
        let child = add(&mut space, hoisted(schema, "links"), object(Vec::new()));
        let names = Names::decide(&space, ["GroupId", "UserId"], None);
        assert_eq!(names.of(schema), "GroupId2", "`models` imports `crate::ids::GroupId`");
        assert_eq!(names.of(child), "GroupId2Links");
        assert_eq!(Names::decide(&space, [], None).of(schema), "GroupId");
    }

    #[test]
    fn a_merged_parent_still_names_its_children() {
        let mut space = TypeSpace::default();
        let kept = add(&mut space, Origin::Component("Cluster".into()), object(Vec::new()));
        let merged = space.reserve();
        space.merge(merged, kept);
        let child = add(&mut space, hoisted(merged, "tags"), object(Vec::new()));
        let names = Names::decide(&space, [], None);
        assert_eq!(names.of(child), "ClusterTags");
        assert_eq!(names.of(merged), "Cluster", "a type that refers to the merged id names the kept type");
    }

    #[test]
    fn enums_held_by_role_properties_land_in_roles_and_others_in_models() {
        let mut space = TypeSpace::default();
        let role =
            add(&mut space, Origin::Component("ProjectRole".into()), Kind::Enum(Enum { values: vec!["GROUP_OWNER".into()] }));
        let events =
            add(&mut space, Origin::Component("EventRole".into()), Kind::Enum(Enum { values: vec!["GROUP_CREATED".into()] }));
        let fields = vec![field("roles", Ty::Vec(Box::new(Ty::Named(role)))), field("eventTypeName", Ty::Named(events))];
        add(&mut space, Origin::Component("Invitation".into()), object(fields));
        let types = {
            let names = Names::decide(&space, [], None);
            types(space, &names)
        };
        let module = |name: &str| match &types[name] {
            ir::TypeDef::Enum(e) => e.module,
            _ => panic!("{name} is an enum"),
        };
        assert_eq!(module("ProjectRole"), ir::Module::Roles);
        assert_eq!(module("EventRole"), ir::Module::Models, "the module follows use, not the type's name");
    }

    #[test]
    fn catch_alls_are_decided_here() {
        let mut space = TypeSpace::default();
        let values = vec!["UNKNOWN".to_owned(), "KNOWN".to_owned()];
        add(&mut space, Origin::Component("State".into()), Kind::Enum(Enum { values }));
        let types = {
            let names = Names::decide(&space, [], None);
            types(space, &names)
        };
        let ir::TypeDef::Enum(state) = &types["State"] else { panic!("State is an enum") };
        assert_eq!(state.catch_all, "UnknownValue", "a spec value named `Unknown` keeps its name");
    }
}
