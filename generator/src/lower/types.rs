//! The type space: every type the lowering builds, keyed by a [`TypeId`] that never changes,
//! referring to each other by id. Its fields, rests and shared fields are the IR's own
//! (`ir::Field`, `ir::Rest`, `ir::SharedField`, `ir::Ty`); what a type is called, and what
//! its variants are called, come last, from the naming pass (`naming`).

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Field, Rest, SharedField, Ty, TypeId};

/// Where a type comes from: what the naming pass names it after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A component schema, by key (`GroupInvitation`).
    Component(String),
    /// An inline schema, named after where it first appears: the type or operation holding
    /// it and the field (`roles`, `body`, `Variant2`) it is for.
    Hoisted { parent: Parent, field: String },
    /// The catch-all struct of a union whose variants share fields.
    CatchAllOf(TypeId),
}

/// What holds an inline schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parent {
    Type(TypeId),
    /// An operation, by `operationId`: its parameters, body and response.
    Operation(String),
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub origin: Origin,
    pub doc: Option<String>,
    /// Where the schema is in the spec, for messages about it.
    pub pointer: String,
    pub kind: Kind,
}

/// What a type is: the part that decides the generated code, apart from names and docs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Kind {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// The field that keeps undeclared properties: a union's catch-all's (as JSON), or the
    /// schema's `additionalProperties` beside its `properties`.
    pub rest: Option<Rest>,
}

/// A string enum: its values in the spec's order; the naming pass names the variants.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Enum {
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Union {
    pub discriminator: Option<String>,
    pub variants: Vec<UnionVariant>,
    /// The struct the catch-all holds when the variants share fields (see `unions`).
    pub catch_all_struct: Option<TypeId>,
    pub shared: Vec<SharedField>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnionVariant {
    pub ty: Ty,
    /// Discriminator values that select this variant.
    pub tags: Vec<String>,
}

/// The types, by id, in creation order.
#[derive(Debug, Default)]
pub struct TypeSpace {
    pub defs: BTreeMap<TypeId, TypeDef>,
    next: u32,
    /// Ids given out for a hoisted schema that turned out to be a type the space already
    /// has: what they stand for, so a name derived from them still finds its type.
    merged: BTreeMap<TypeId, TypeId>,
}

impl TypeSpace {
    /// A fresh id, before its type is built: a type's id comes before those of the types
    /// hoisted from inside it, so the naming pass meets a parent before its children.
    pub fn reserve(&mut self) -> TypeId {
        let id = TypeId(self.next);
        self.next += 1;
        id
    }

    pub fn insert(&mut self, id: TypeId, def: TypeDef) {
        self.defs.insert(id, def);
    }

    /// Records that the reserved `id` is the same type as `existing` and gets no type of its own.
    pub fn merge(&mut self, id: TypeId, existing: TypeId) {
        self.merged.insert(id, existing);
    }

    /// The ids that were merged into another type.
    pub fn merged_ids(&self) -> impl Iterator<Item = TypeId> + '_ {
        self.merged.keys().copied()
    }

    /// `id`, or the type it was merged into.
    pub fn canonical(&self, id: TypeId) -> TypeId {
        let mut id = id;
        while let Some(next) = self.merged.get(&id) {
            id = *next;
        }
        id
    }

    pub fn get(&self, id: TypeId) -> Option<&TypeDef> {
        self.defs.get(&id)
    }

    /// Every type reachable from `roots` through fields, variants and collections.
    pub fn reachable(&self, roots: impl IntoIterator<Item = Ty>) -> BTreeSet<TypeId> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<Ty> = roots.into_iter().collect();
        while let Some(ty) = stack.pop() {
            match ty {
                Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) => stack.push(*inner),
                Ty::Named(id) if seen.insert(id) => match self.defs.get(&id).map(|def| &def.kind) {
                    Some(Kind::Struct(s)) => {
                        stack.extend(s.fields.iter().map(|field| field.ty.clone()));
                        stack.extend(s.rest.iter().map(|rest| rest.values.clone()));
                    }
                    Some(Kind::Union(u)) => {
                        stack.extend(u.variants.iter().map(|variant| variant.ty.clone()));
                        stack.extend(u.catch_all_struct.map(Ty::Named));
                    }
                    Some(Kind::Enum(_)) | None => {}
                },
                _ => {}
            }
        }
        seen
    }
}

/// What the generated type of `kind` would be, apart from documentation: two hoisted
/// schemas with the same shape are one type.
pub fn shape(kind: &Kind) -> Kind {
    let mut kind = kind.clone();
    if let Kind::Struct(s) = &mut kind {
        s.fields.iter_mut().for_each(|field| field.doc = None);
    }
    kind
}
