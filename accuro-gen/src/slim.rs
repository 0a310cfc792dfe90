//! Weight: the generated code compiles only what is used.
//!
//! progenitor's builder interface gives every type of `types` a type builder
//! (`types::builder::X`, its setters and conversions) and typify derives
//! `Serialize` and `Deserialize` on every type. Measured on this client
//! (`cargo xtask build-cost`, BENCHMARKS.md), those were most of what
//! `accuro-client` itself took to compile. This pass keeps:
//!
//! - **type builders** only for the types a request body reaches (the
//!   operation builders' `body_map` hands them out, and the CLI sets body
//!   members through them). A type only ever read has none: nobody builds an
//!   answer, and a test or a user making one writes a struct literal;
//! - **`Serialize`** only on the types a request sends (bodies, query and
//!   path values, and the types they reach). On a type only read, it is
//!   derived under the `serialize` feature (`#[cfg_attr]`), which the CLI
//!   (it prints answers), the mock (it answers) and the sandbox turn on;
//! - **one arm per answer kind**: progenitor writes a `match` arm per
//!   documented error status, each decoding the error body with its own
//!   `.await`. Arms with the same body become one or-pattern arm, which also
//!   makes each operation's future smaller.
//!
//! "Reach" follows the field and variant types of `types`, so a type the spec
//! adds is placed without anyone listing it.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;

use crate::error::Error;
use crate::syntax::{module, module_mut, remove_derive, type_names};

/// The cargo feature that derives `Serialize` on the types only read.
pub(crate) const SERIALIZE_FEATURE: &str = "serialize";

/// What the pass kept and cut, for the tests and the notes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Slimmed {
    /// Types whose builder is kept (a request body reaches them).
    pub(crate) builders: BTreeSet<String>,
    /// Types whose builder was removed.
    pub(crate) builders_removed: usize,
    /// Types that derive `Serialize` only under the feature.
    pub(crate) serialize_gated: BTreeSet<String>,
    /// `match` arms merged into another arm with the same body.
    pub(crate) arms_merged: usize,
}

/// Runs the pass over the generated file. `handwritten_sent` names types
/// the handwritten layer sends itself (they keep `Serialize`);
/// `written_back` the records a request writes back whole, the handwritten
/// ones' included (they keep their builder too).
pub(crate) fn slim(
    file: &mut syn::File,
    handwritten_sent: &[&str],
    written_back: &BTreeSet<String>,
) -> Result<Slimmed, Error> {
    let types = module(&file.items, "types").ok_or_else(|| no_module("types"))?;
    let references = references(types);
    let operations = module(&file.items, "builder").ok_or_else(|| no_module("builder"))?;
    let (mut bodies, sent) = seeds(operations, &references);
    bodies.extend(written_back.iter().cloned());
    let builders = closure(bodies, &references);
    let mut serialized = closure(sent, &references);
    serialized.extend(closure(
        handwritten_sent.iter().map(|s| (*s).to_owned()).collect(),
        &references,
    ));
    serialized.extend(builders.iter().cloned());

    let mut out = Slimmed {
        builders: builders.clone(),
        ..Slimmed::default()
    };
    let types = module_mut(&mut file.items, "types").ok_or_else(|| no_module("types"))?;
    types.retain(|item| !is_builder_fn_of_unkept(item, &builders));
    for item in types.iter_mut() {
        let (ident, attrs) = match item {
            syn::Item::Struct(s) => (&s.ident, &mut s.attrs),
            syn::Item::Enum(e) => (&e.ident, &mut e.attrs),
            _ => continue,
        };
        let name = ident.to_string();
        if !serialized.contains(&name) && gate_serialize(attrs) {
            out.serialize_gated.insert(name);
        }
    }
    let type_builders = module_mut(types, "builder").ok_or_else(|| no_module("types::builder"))?;
    let before = type_builders
        .iter()
        .filter(|i| matches!(i, syn::Item::Struct(_)))
        .count();
    type_builders.retain(|item| match item {
        syn::Item::Struct(s) => builders.contains(&s.ident.to_string()),
        syn::Item::Impl(i) => impl_names(i).iter().all(|n| builders.contains(n)),
        _ => true,
    });
    let after = type_builders
        .iter()
        .filter(|i| matches!(i, syn::Item::Struct(_)))
        .count();
    out.builders_removed = before.saturating_sub(after);

    let operations = module_mut(&mut file.items, "builder").ok_or_else(|| no_module("builder"))?;
    let mut merger = ArmMerger::default();
    for item in operations.iter_mut() {
        merger.visit_item_mut(item);
    }
    out.arms_merged = merger.merged;
    Ok(out)
}

fn no_module(name: &str) -> Error {
    Error::Format(format!("the generated code has no `{name}` module"))
}

/// Every identifier a piece of syntax names in a type position.
#[derive(Default)]
struct Named(BTreeSet<String>);

impl<'ast> Visit<'ast> for Named {
    fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
        self.0.insert(segment.ident.to_string());
        syn::visit::visit_path_segment(self, segment);
    }
}

/// For each struct and enum of `types`: the other types of `types` its
/// fields and variants name.
fn references(types: &[syn::Item]) -> BTreeMap<String, BTreeSet<String>> {
    let names = type_names(types);
    let mut out = BTreeMap::new();
    for item in types {
        let mut named = Named::default();
        let name = match item {
            syn::Item::Struct(s) => {
                named.visit_fields(&s.fields);
                s.ident.to_string()
            }
            syn::Item::Enum(e) => {
                for variant in &e.variants {
                    named.visit_fields(&variant.fields);
                }
                e.ident.to_string()
            }
            _ => continue,
        };
        let reached = named.0.into_iter().filter(|n| names.contains(n)).collect();
        out.insert(name, reached);
    }
    out
}

/// From the operation builders' fields: the body types (named as
/// `types::builder::X`), and every type of `types` a request carries.
fn seeds(
    operations: &[syn::Item],
    references: &BTreeMap<String, BTreeSet<String>>,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut bodies, mut sent) = (BTreeSet::new(), BTreeSet::new());
    for item in operations {
        let syn::Item::Struct(s) = item else { continue };
        for field in &s.fields {
            let mut named = Named::default();
            named.visit_type(&field.ty);
            let text = field.ty.to_token_stream().to_string().replace(' ', "");
            for name in named.0.into_iter().filter(|n| references.contains_key(n)) {
                if text.contains(&format!("types::builder::{name}")) {
                    bodies.insert(name.clone());
                }
                sent.insert(name);
            }
        }
    }
    (bodies, sent)
}

/// `seeds` and every type they reach.
fn closure(
    seeds: BTreeSet<String>,
    references: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut todo: Vec<String> = seeds.into_iter().collect();
    while let Some(name) = todo.pop() {
        if !out.insert(name.clone()) {
            continue;
        }
        todo.extend(references.get(&name).into_iter().flatten().cloned());
    }
    out
}

/// `impl X { pub fn builder() -> builder::X }` of a type whose builder goes.
fn is_builder_fn_of_unkept(item: &syn::Item, kept: &BTreeSet<String>) -> bool {
    let syn::Item::Impl(i) = item else {
        return false;
    };
    let only_builder_fn = i.trait_.is_none()
        && !i.items.is_empty()
        && i.items.iter().all(|f| match f {
            syn::ImplItem::Fn(f) => f.sig.ident == "builder",
            _ => false,
        });
    only_builder_fn && impl_names(i).iter().any(|n| !kept.contains(n))
}

/// The type names an impl is about: its self type's and its trait's type
/// arguments' last segments (`impl TryFrom<X> for super::X` is about `X`).
fn impl_names(i: &syn::ItemImpl) -> Vec<String> {
    let mut out = Vec::new();
    let mut last = |ty: &syn::Type| {
        if let syn::Type::Path(p) = ty
            && let Some(segment) = p.path.segments.last()
        {
            out.push(segment.ident.to_string());
        }
    };
    last(&i.self_ty);
    if let Some((path, _)) = &i.trait_
        && let Some(segment) = path.segments.last()
        && let syn::PathArguments::AngleBracketed(args) = &segment.arguments
    {
        for arg in &args.args {
            if let syn::GenericArgument::Type(ty) = arg {
                last(ty);
            }
        }
    }
    // Conversions from the standard library's types (`From<&str>`) are about
    // the self type only.
    out.retain(|n| !matches!(n.as_str(), "str" | "String" | "Self"));
    out
}

/// Moves `::serde::Serialize` out of the derive list into a
/// `#[cfg_attr(feature = "serialize", derive(::serde::Serialize))]`.
/// Returns whether the type derived it.
fn gate_serialize(attrs: &mut Vec<syn::Attribute>) -> bool {
    let gated = remove_derive(attrs, "Serialize");
    if gated {
        let feature = SERIALIZE_FEATURE;
        attrs.push(syn::parse_quote!(
            #[cfg_attr(feature = #feature, derive(::serde::Serialize))]
        ));
    }
    gated
}

/// Merges neighbouring `match` arms of literal patterns (no guard: in syn a
/// guard is a pattern of its own) whose bodies are the same into one
/// or-pattern arm.
#[derive(Default)]
struct ArmMerger {
    merged: usize,
}

impl VisitMut for ArmMerger {
    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        syn::visit_mut::visit_expr_match_mut(self, m);
        let mut arms: Vec<syn::Arm> = Vec::with_capacity(m.arms.len());
        for arm in std::mem::take(&mut m.arms) {
            if let Some(previous) = arms.last_mut()
                && is_literal_pattern(&arm.pat)
                && is_literal_pattern(&previous.pat)
                && previous.body.to_token_stream().to_string()
                    == arm.body.to_token_stream().to_string()
            {
                let (left, right) = (previous.pat.clone(), arm.pat);
                previous.pat = syn::parse_quote!(#left | #right);
                self.merged += 1;
                continue;
            }
            arms.push(arm);
        }
        m.arms = arms;
    }
}

/// A status pattern: a literal (`404u16`) or literals joined by `|`.
fn is_literal_pattern(pat: &syn::Pat) -> bool {
    match pat {
        syn::Pat::Lit(_) => true,
        syn::Pat::Or(or) => or.cases.iter().all(is_literal_pattern),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> syn::File {
        syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct Sent { pub inner: Option<Inner> }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct Inner { pub x: Option<i64> }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct Read { pub inner: Option<Inner>, pub kind: Option<Kind> }
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub enum Kind { A }
                #[derive(::serde::Serialize, Clone, Debug)]
                pub enum Query { B }
                impl Sent { pub fn builder() -> builder::Sent { Default::default() } }
                impl Read { pub fn builder() -> builder::Read { Default::default() } }
                pub mod builder {
                    pub struct Sent { inner: Result<Option<super::Inner>, String> }
                    impl Default for Sent { fn default() -> Self { todo!() } }
                    impl ::std::convert::TryFrom<Sent> for super::Sent {
                        type Error = String;
                        fn try_from(v: Sent) -> Result<Self, String> { todo!() }
                    }
                    pub struct Inner { x: Result<Option<i64>, String> }
                    pub struct Read { inner: Result<Option<super::Inner>, String> }
                    impl ::std::convert::From<super::Read> for Read { fn from(v: super::Read) -> Self { todo!() } }
                    impl Read { pub fn inner<T>(self, v: T) -> Self where T: TryInto<super::Inner> { todo!() } }
                }
            }
            pub mod builder {
                pub struct CreateSent<'a> { client: &'a super::Client, body: Result<types::builder::Sent, String> }
                pub struct ListReads<'a> { client: &'a super::Client, query: Result<Option<types::Query>, String> }
                impl<'a> ListReads<'a> {
                    async fn send_raw(self) -> Result<(), ()> {
                        match status {
                            200u16 => Ok(a),
                            400u16 => Err(b(response).await?),
                            401u16 => Err(b(response).await?),
                            403u16 => Err(b(response).await?),
                            404u16 if x => Err(b(response).await?),
                            405u16 => Err(c),
                            _ => Err(b(response).await?),
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn keeps_builders_and_serialize_where_requests_reach() {
        let mut f = file();
        let out = slim(&mut f, &[], &BTreeSet::new()).unwrap();
        assert_eq!(
            out.builders,
            ["Inner", "Sent"].map(String::from).into_iter().collect()
        );
        assert_eq!(out.builders_removed, 1);
        assert_eq!(
            out.serialize_gated,
            ["Kind", "Read"].map(String::from).into_iter().collect()
        );
        let text = f.to_token_stream().to_string().replace(' ', "");
        assert!(!text.contains("fnbuilder()->builder::Read"));
        assert!(text.contains("fnbuilder()->builder::Sent"));
        assert!(!text.contains("From<super::Read>forRead"));
        assert!(!text.contains("pubstructRead{inner:Result"));
        assert!(text.contains("TryFrom<Sent>forsuper::Sent"));
        assert!(text.contains(
            "#[derive(::serde::Deserialize,Clone,Debug)]#[cfg_attr(feature=\"serialize\",derive(::serde::Serialize))]pubstructRead"
        ));
        assert!(text.contains("#[derive(::serde::Serialize,Clone,Debug)]pubenumQuery"));
    }

    #[test]
    fn the_handwritten_layers_types_keep_serialize() {
        let mut f = file();
        let out = slim(&mut f, &["Read"], &BTreeSet::new()).unwrap();
        assert!(out.serialize_gated.is_empty(), "{:?}", out.serialize_gated);
    }

    #[test]
    fn merges_neighbouring_arms_with_the_same_body_and_no_guard() {
        let mut f = file();
        let out = slim(&mut f, &[], &BTreeSet::new()).unwrap();
        assert_eq!(out.arms_merged, 2);
        let text = f.to_token_stream().to_string().replace(' ', "");
        assert!(text.contains("400u16|401u16|403u16=>Err(b(response).await?)"));
        assert!(text.contains("404u16ifx=>"));
        assert!(text.contains("_=>Err(b(response).await?)"));
    }
}
