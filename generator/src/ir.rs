//! The intermediate representation: plain owned data with every Rust name already decided.
//! A type refers to another by its `TypeId`; the name of each is the naming table's
//! (`Api::type_names`).
//!
//! Emission reads only this; it never looks at the spec again. Collections are sorted or
//! keyed by `BTreeMap` so that walking them is deterministic.

use std::collections::BTreeMap;

/// Everything the generated crate is made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The spec file, as shown in generated headers (`spec/2025-03-12/invites.yaml`).
    pub source: String,
    /// The Atlas API release the operations were resolved for (`2025-03-12`).
    pub release: String,
    pub title: String,
    /// The spec's first server, absolute, variables at their defaults, without a trailing `/`
    /// (`https://cloud.mongodb.com`, `https://api.example.com/base/v1`); `None` when the spec
    /// names none, or only a relative one.
    pub base_url: Option<String>,
    /// The generated crate's version: the spec's `info.x-crate-version`, else 0.1.0.
    pub crate_version: String,
    /// Validated identifier newtypes, keyed by type name.
    pub ids: BTreeMap<String, IdType>,
    /// Models and enums, keyed by type name.
    pub types: BTreeMap<String, TypeDef>,
    /// The naming table's types: the name of every type, by id.
    pub type_names: BTreeMap<TypeId, String>,
    /// Sorted by path, then method.
    pub operations: Vec<Operation>,
    /// The spec's tags that operations use, sorted by module name: one module and one cargo
    /// feature each.
    pub tags: Vec<Tag>,
    /// Which features compile each type of `types`, by name; a type missing here is always
    /// compiled.
    pub gates: BTreeMap<String, Vec<usize>>,
    /// The sample call in each `Client` method's docs, by the operation's `fn_name`; an
    /// operation whose body or answer cannot be built from its types has none.
    pub samples: BTreeMap<String, Sample>,
}

impl Api {
    /// The name of the type `id`.
    pub fn type_name(&self, id: TypeId) -> &str {
        self.type_names.get(&id).map(String::as_str).unwrap_or_default()
    }

    /// The type `id`.
    pub fn type_def(&self, id: TypeId) -> Option<&TypeDef> {
        self.types.get(self.type_name(id))
    }
}

/// One tag of the spec (`Clusters`): the operations filed under it live in one module,
/// compiled when its cargo feature is on.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// As the spec writes it: `MongoDB Cloud Users`.
    pub name: String,
    /// `mongodb_cloud_users`.
    pub module: String,
    /// `mongodb-cloud-users`.
    pub feature: String,
    pub doc: Option<String>,
}

/// A string identifier that must match `^([a-f0-9]{24})$`.
#[derive(Debug, Clone, PartialEq)]
pub struct IdType {
    pub name: String,
    pub doc: String,
    pub example: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
}

impl TypeDef {
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.name,
            TypeDef::Enum(e) => &e.name,
            TypeDef::Union(u) => &u.name,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub name: String,
    pub doc: Option<String>,
    pub fields: Vec<Field>,
    /// A map field (`#[serde(flatten)]`) that keeps every property the struct does not
    /// declare: the catch-all of a union with shared fields (as JSON), and a schema with
    /// `additionalProperties` beside `properties` (as its values' type).
    pub rest: Option<Rest>,
    /// Where the schema is in the spec, for messages about it.
    pub pointer: String,
}

/// A struct's map of the properties it does not declare, `#[serde(flatten)]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rest {
    /// Claimed in the struct's field scope after the fields (`additional_properties`, `other`).
    pub name: String,
    /// The type of each value.
    pub values: Ty,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: String,
    pub wire_name: String,
    pub ty: Ty,
    pub required: bool,
    /// May be `null` on the wire (`nullable: true`): when `required`, an `Option<T>` always
    /// sent (`None` as `null`); otherwise an `Option<Nullable<T>>` (see [`Field::three_state`]).
    pub nullable: bool,
    /// Behind a `Box`: the field's type contains this struct again without a `Vec` or map.
    pub boxed: bool,
    /// `readOnly` (only in responses) or `writeOnly` (only in requests) in the spec, where the
    /// struct travels both ways; `ReadWrite` where it travels only the way the field does.
    pub access: Access,
    pub doc: Option<String>,
}

impl Field {
    /// Absent, `null` or a value: a nullable property that is not required, held as
    /// `Option<Nullable<T>>` (the runtime's `Nullable`).
    pub fn three_state(&self) -> bool {
        self.nullable && !self.required
    }
}

/// Which direction a property travels in, as the spec's `readOnly`/`writeOnly` say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    ReadWrite,
    /// Set by the server; a request never needs it, so it is never required there.
    ReadOnly,
    /// Sent by the client; a response never carries it, so it is never required there.
    WriteOnly,
}

/// One of several schemas (`oneOf`/`anyOf`): picked by a discriminator property when the
/// spec names one, else the first variant that decodes. Anything else is kept as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    pub name: String,
    pub doc: Option<String>,
    /// The wire name of the property whose value selects the variant.
    pub discriminator: Option<String>,
    pub variants: Vec<UnionVariant>,
    /// The variant for values no other variant takes (`Unknown`).
    pub catch_all: String,
    /// What the catch-all holds: a struct of `Api::types` with the shared fields (and the
    /// rest as JSON), or, when `None`, the JSON value itself.
    pub catch_all_struct: Option<TypeId>,
    /// Fields that every variant (and the catch-all) has with the same type: each gets a
    /// method on the union, so reading it needs no `match`.
    pub shared: Vec<SharedField>,
    pub pointer: String,
}

/// A field of every variant of a union, read through a method named like the field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SharedField {
    pub name: String,
    pub ty: Ty,
    /// Present in every variant (else the method returns an `Option`).
    pub required: bool,
    /// Per variant, in order: whether its struct holds the field as an `Option`.
    pub optional_in: Vec<bool>,
    /// Per variant, in order: whether its struct holds the field as an `Option<Nullable<T>>`
    /// (absent, `null` or a value); `null` reads as absent.
    pub null_in: Vec<bool>,
    /// Whether the catch-all's struct holds it so.
    pub catch_all_null: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub name: String,
    pub ty: Ty,
    /// Discriminator values that select this variant.
    pub tags: Vec<String>,
}

/// A string enum with a catch-all variant for values this spec does not list.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    pub name: String,
    pub doc: Option<String>,
    pub module: Module,
    pub variants: Vec<Variant>,
    /// The variant for values the spec does not list (`Unknown`).
    pub catch_all: String,
    pub pointer: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Module {
    Models,
    Roles,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    pub wire: String,
}

/// A type's identity in the type space: given out in creation order, never reused, and
/// independent of the name the type ends up with (`Api::type_name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub(crate) u32);

/// The Rust type of a field, parameter or body, with the types of the type space by id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    String,
    Bool,
    I32,
    I64,
    F64,
    DateTime,
    /// Any JSON value.
    Json,
    /// One of `Api::ids`.
    Id(String),
    /// A struct, enum or union of `Api::types`, by id: its name is `Api::type_name`.
    Named(TypeId),
    Vec(Box<Ty>),
    Map(Box<Ty>),
    /// An array item or map value the spec marks `nullable`: `Option<T>`, `null` as `None`.
    Option(Box<Ty>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub operation_id: String,
    /// The `Client` method: `snake_case(operation_id)`, numbered when `Client` has a method
    /// of that name (`execute_2`).
    pub fn_name: String,
    /// The sans-IO module under `operations`: `snake_case(operation_id)`, numbered when a
    /// tag's module has that name.
    pub module: String,
    /// Why `fn_name` is not the `operationId` in snake case, for the method's docs.
    pub method_note: Option<String>,
    pub method: Method,
    pub path: String,
    pub path_segments: Vec<PathSegment>,
    pub summary: String,
    pub doc: Option<String>,
    pub path_params: Vec<PathParam>,
    /// Query and header parameters: the fields of the operation's `Query` struct.
    pub query_params: Vec<QueryParam>,
    pub body: Option<Body>,
    /// The media type sent in `Accept`: the chosen resource version.
    pub accept: String,
    /// The chosen resource version, `2023-01-01`.
    pub api_version: String,
    pub success: Success,
    pub deprecated: bool,
    /// Sending it twice does what sending it once does: by method, or the spec's
    /// `x-idempotent`. The client retries it after a failure that may have reached the server.
    pub idempotent: bool,
    pub sunset: Option<String>,
    /// What to use instead, when the spec names it.
    pub replacement: Option<Replacement>,
    /// How to walk every page, when the operation is paginated.
    pub paging: Option<Paging>,
    /// Index into `Api::tags`: the spec's (first) tag of the operation.
    pub tag: usize,
}

/// What replaces a deprecated operation, from its `externalDocs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Replacement {
    /// The linked operation's title (`Add One MongoDB Cloud User to One Project`).
    pub title: String,
    /// The API it belongs to (`MongoDB Cloud Users`), when the link names its tag.
    pub api: Option<String>,
    /// The `Client` method for it, when the linked operation is in this spec.
    pub fn_name: Option<String>,
}

/// An operation that takes `pageNum`/`itemsPerPage` and returns Atlas's paginated envelope
/// (`results`, `totalCount`, `links`): it also gets a stream over the items of every page.
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    /// The stream method: `list_group_users_stream`.
    pub stream_fn: String,
    /// The type of one item of `results`.
    pub item: Ty,
    /// The `Query` fields for the page number, the page size and the count flag.
    pub page_num: String,
    pub page_num_ty: Ty,
    pub items_per_page: String,
    /// The page size Atlas uses when none is asked for (the parameter's default).
    pub default_items_per_page: Option<i64>,
    pub include_count: Option<String>,
    /// The envelope's `results` field, and whether it is an `Option`.
    pub results: String,
    pub results_optional: bool,
    /// The envelope's `links` field and the `rel` field of its items, when it has them.
    pub next_link: Option<NextLink>,
}

/// Where a page says whether another follows: a link with `rel: next`.
#[derive(Debug, Clone, PartialEq)]
pub struct NextLink {
    pub links: String,
    pub links_optional: bool,
    pub rel: String,
    pub rel_optional: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Literal(String),
    /// Index into `Operation::path_params`.
    Param(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PathParam {
    pub name: String,
    pub wire_name: String,
    /// `Ty::Id` or `Ty::String`.
    pub ty: Ty,
    pub bounds: Bounds,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QueryParam {
    pub name: String,
    pub wire_name: String,
    pub ty: Ty,
    pub required: bool,
    /// Sent in the query string, or as a header.
    pub location: ParamLocation,
    /// How an array or an object in the query string is written.
    pub style: QueryStyle,
    /// Whether an array repeats its key and an object's properties are pairs of their own;
    /// the spec's `explode`, or its default (true for `form`, false for the other styles).
    pub explode: bool,
    /// The schema's `default`, when it is an integer (`itemsPerPage` defaults to 100).
    pub integer_default: Option<i64>,
    pub bounds: Bounds,
    pub doc: Option<String>,
}

/// What the spec bounds a parameter's value by, checked by `request` before anything is sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bounds {
    pub minimum: Option<Limit>,
    pub maximum: Option<Limit>,
    /// `minLength` and `maxLength`, in characters, for a string.
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// `minItems` and `maxItems`, for an array.
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

impl Bounds {
    pub fn is_empty(&self) -> bool {
        *self == Bounds::default()
    }
}

/// A `minimum` or `maximum`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// Of an integer, inclusive (an exclusive bound is moved by one).
    Integer(i64),
    /// Of a number.
    Number { value: f64, exclusive: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Query,
    Header,
    /// A pair of the request's one `Cookie` header.
    Cookie,
}

/// A query parameter's `style` (OpenAPI 3.0, Parameter Object); it decides how an array or an
/// object is written, with `QueryParam::explode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// The default: an array `k=a,b`, an object `k=a,1,b,2`; exploded, `k=a&k=b` and `a=1&b=2`.
    Form,
    /// `k=a%20b`.
    SpaceDelimited,
    /// `k=a|b`.
    PipeDelimited,
    /// An object as `k[a]=1&k[b]=2`.
    DeepObject,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// `Ty::String` for text and bytes.
    pub ty: Ty,
    pub content_type: String,
    /// How the body is written: it decides the argument's type, too.
    pub encoding: BodyEncoding,
    pub doc: Option<String>,
}

/// How a request body is written, by its content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// JSON (`application/json`, `+json`), from a model.
    Json,
    /// `text/*`: a `&str` as it is.
    Text,
    /// `application/octet-stream` or a `format: binary` string: a `&[u8]` as it is.
    Bytes,
    /// `application/x-www-form-urlencoded`: a model's properties as `name=value` pairs.
    Form,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Success {
    /// Every 2xx status the operation declares one by one, ascending.
    pub statuses: Vec<u16>,
    /// A `2XX` range, or a `default` response with no 2xx beside it: any 2xx is a success.
    pub any_2xx: bool,
    pub body: ResponseBody,
    /// One success status has `body` and another has none (`200` or `204`): decoded as `Option`.
    pub empty_allowed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// No body (204, or no schema).
    Empty,
    /// A JSON body decoded into this type.
    Json(Ty),
    /// Any other media type (`+csv`, `+gzip`): the bytes as they came.
    Bytes,
    /// Success statuses whose bodies differ: the enum `Response` of the operation's module,
    /// one variant per status (the range or `default` last).
    ByStatus(Vec<StatusBody>),
}

/// One variant of an operation's `Response` enum.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusBody {
    /// `None`: any other 2xx (a `2XX` range or a `default` response).
    pub status: Option<u16>,
    pub variant: String,
    /// `Empty`, `Json` or `Bytes`.
    pub body: ResponseBody,
}

/// A sample call of one operation, as its docs show it and the hidden mock answers it: the
/// values decided from the spec's examples and the operation's types.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Per path parameter, in order: the value the sample passes (an ID type's example).
    pub path_args: Vec<SampleValue>,
    /// The request body the sample builds, for a JSON or form body.
    pub body: Option<SampleValue>,
    /// What the mock answers the call with: the first success status, and its body.
    pub status: u16,
    pub answer: Option<SampleValue>,
    /// The error statuses the spec documents that a sample tells apart: `409` (already
    /// there), then `404` (not found).
    pub errors: Vec<u16>,
    /// The `atlas-members` command that does the same, from the spec's `x-atlas-members`.
    pub command: Option<String>,
    /// Per query parameter, in order, when one is required (the `Query` then has no
    /// `Default`): a required one's value, `None` for the others. Empty otherwise.
    pub query: Vec<Option<SampleValue>>,
    /// The result's `id` the sample reads, when the result has one.
    pub read: Option<SampleRead>,
}

/// How a sample reads the result's `id`: a struct's field, or a union's shared field through
/// its method.
#[derive(Debug, Clone, PartialEq)]
pub enum SampleRead {
    Field(String),
    Method(String),
}

/// A value of a type of the crate, as a sample writes it: every required field set, the
/// others left out.
#[derive(Debug, Clone, PartialEq)]
pub enum SampleValue {
    String(String),
    Bool(bool),
    Integer(i64),
    Number(f64),
    /// An RFC 3339 timestamp.
    DateTime(String),
    /// `null` as a JSON value.
    Json,
    /// One of `Api::ids`: its example, parsed.
    Id(String),
    /// A variant of an enum: its Rust name and its wire value.
    Variant {
        ty: TypeId,
        variant: String,
        wire: String,
    },
    /// A union's variant holding `value`, boxed when it holds a named type.
    Union {
        ty: TypeId,
        variant: String,
        boxed: bool,
        value: Box<SampleValue>,
    },
    /// A struct: its required fields and the optional ones its example sets, with values; the
    /// others `None` (or the struct's `Default` when every field is optional).
    Struct {
        ty: TypeId,
        fields: Vec<SampleField>,
        omitted: Vec<String>,
        defaulted: bool,
        rest: Option<String>,
    },
    Vec(Vec<SampleValue>),
    /// An empty map.
    Map,
    /// `None`: a required field that may be `null` and has no example.
    Null,
    /// `Some(value)`, where the type is an `Option`.
    Some(Box<SampleValue>),
}

/// A field a sample struct sets.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleField {
    pub name: String,
    pub wire_name: String,
    pub boxed: bool,
    /// An `Option` field: the value is written `Some(value)`.
    pub optional: bool,
    pub value: SampleValue,
}
