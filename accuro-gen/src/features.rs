//! Per-area cargo features over the generated module.
//!
//! 317 operations make a large module; a user who needs two areas should
//! pay the build of two. Each operation's area is its first tag, and each
//! area is a cargo feature of `accuro-client` (all on by default). This pass
//! puts `#[cfg(feature = "<area>")]` on:
//!
//! - each `Client` method and its builder (struct and impls), by its area;
//! - each type of `types` (and of `types::builder`), with its impls, by the
//!   areas of the operations that reach it, following every reference from
//!   an operation's builder through the types it names, transitively
//!   (`cfg(any(...))` for a type several areas share). A type no generated
//!   operation reaches stays ungated, and so does a type a handwritten
//!   operation names (`always`), and every type those name in turn: nothing
//!   ungated may refer to a type a feature can remove.
//!
//! References are found by scanning every identifier of an item's tokens,
//! which can only over-approximate (a type kept for an area that does not
//! need it), never leave a needed type out.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::{ImplItem, Item, ItemMod, Type};

/// Gates `file` by area. `areas`: operation id → area (the feature name);
/// the operations that must never be gated (the token call) are simply not
/// in it. `always`: schema names the handwritten layer uses, never gated.
pub fn gate(file: &mut syn::File, areas: &BTreeMap<String, String>, always: &BTreeSet<String>) {
    // Builder name → its operation's area, from the `Client` methods.
    let mut builder_area: BTreeMap<String, String> = BTreeMap::new();
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || self_name(&imp.self_ty).as_deref() != Some("Client") {
            continue;
        }
        for member in &mut imp.items {
            let ImplItem::Fn(f) = member else { continue };
            let Some(area) = areas.get(&f.sig.ident.to_string()) else {
                continue;
            };
            if let syn::ReturnType::Type(_, ty) = &f.sig.output
                && let Some(builder) = self_name(ty)
            {
                builder_area.insert(builder, area.clone());
            }
            f.attrs.push(cfg(&BTreeSet::from([area.clone()])));
        }
    }

    // The types module's item names, and what each one refers to.
    let type_names = types_module(file).map(item_names).unwrap_or_default();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if let Some(types) = types_module(file) {
        collect_edges(types, &type_names, &mut edges);
    }

    // Areas of each type: from each builder, through the edges.
    let mut type_areas: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if let Some(builders) = module(file, "builder") {
        for item in builders
            .content
            .as_ref()
            .map(|(_, i)| i.as_slice())
            .unwrap_or(&[])
        {
            let Some(name) = item_name(item) else {
                continue;
            };
            let Some(area) = builder_area.get(&name) else {
                continue;
            };
            let mut stack: Vec<String> = idents(&item.to_token_stream())
                .into_iter()
                .filter(|i| type_names.contains(i))
                .collect();
            let mut seen = BTreeSet::new();
            while let Some(t) = stack.pop() {
                if !seen.insert(t.clone()) {
                    continue;
                }
                type_areas
                    .entry(t.clone())
                    .or_default()
                    .insert(area.clone());
                if let Some(next) = edges.get(&t) {
                    stack.extend(next.iter().cloned());
                }
            }
        }
    }

    // What stays ungated, and everything it names, must never be removed.
    let mut stack: Vec<String> = type_names
        .iter()
        .filter(|t| !type_areas.contains_key(*t) || always.contains(*t))
        .cloned()
        .collect();
    let mut ungated = BTreeSet::new();
    while let Some(t) = stack.pop() {
        if !ungated.insert(t.clone()) {
            continue;
        }
        if let Some(next) = edges.get(&t) {
            stack.extend(next.iter().cloned());
        }
    }
    type_areas.retain(|t, _| !ungated.contains(t));

    if let Some(builders) = module_mut(file, "builder") {
        gate_items(builders, &|name| {
            builder_area.get(name).map(|a| BTreeSet::from([a.clone()]))
        });
    }
    if let Some(types) = module_mut(file, "types") {
        gate_types(types, &type_areas);
    }
}

fn gate_types(types: &mut ItemMod, type_areas: &BTreeMap<String, BTreeSet<String>>) {
    let lookup = |name: &str| type_areas.get(name).cloned();
    gate_items(types, &lookup);
    if let Some((_, items)) = &mut types.content {
        for item in items {
            if let Item::Mod(inner) = item
                && inner.ident == "builder"
            {
                gate_items(inner, &lookup);
            }
        }
    }
}

/// Puts the cfg `areas_of(name)` gives on each struct, enum, type alias and
/// impl (by its self type) of `module`'s top level.
fn gate_items(module: &mut ItemMod, areas_of: &dyn Fn(&str) -> Option<BTreeSet<String>>) {
    let Some((_, items)) = &mut module.content else {
        return;
    };
    for item in items {
        let by_name = item_name(item).and_then(|name| areas_of(&name));
        // `impl From<IdNameMap> for HashMap<..>`: the type is in the trait.
        let by_trait = || match item {
            Item::Impl(imp) => imp.trait_.as_ref().and_then(|(path, _)| {
                idents(&path.to_token_stream())
                    .into_iter()
                    .find_map(|i| areas_of(&i))
            }),
            _ => None,
        };
        let Some(areas) = by_name.or_else(by_trait) else {
            continue;
        };
        let attr = cfg(&areas);
        match item {
            Item::Struct(s) => s.attrs.push(attr),
            Item::Enum(e) => e.attrs.push(attr),
            Item::Type(t) => t.attrs.push(attr),
            Item::Impl(i) => i.attrs.push(attr),
            _ => {}
        }
    }
}

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", feature = "b"))]`.
fn cfg(areas: &BTreeSet<String>) -> syn::Attribute {
    let features = areas.iter().map(|a| quote!(feature = #a));
    let tokens = if areas.len() == 1 {
        quote!(#[cfg(#(#features)*)])
    } else {
        quote!(#[cfg(any(#(#features),*))])
    };
    let mut attrs =
        syn::parse::Parser::parse2(syn::Attribute::parse_outer, tokens).unwrap_or_default();
    attrs
        .pop()
        .unwrap_or_else(|| syn::parse_quote!(#[cfg(all())]))
}

/// The name an item defines or implements for (an impl's self type).
fn item_name(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Type(t) => Some(t.ident.to_string()),
        Item::Impl(i) => self_name(&i.self_ty),
        _ => None,
    }
}

/// The last path segment of a type (`builder::GetTask<'_>` → `GetTask`).
fn self_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn item_names(module: &ItemMod) -> BTreeSet<String> {
    module
        .content
        .as_ref()
        .map(|(_, items)| {
            items
                .iter()
                .filter(|i| matches!(i, Item::Struct(_) | Item::Enum(_) | Item::Type(_)))
                .filter_map(item_name)
                .collect()
        })
        .unwrap_or_default()
}

/// For each type name, the type names its items (definition, impls, and its
/// `types::builder` counterpart) mention.
fn collect_edges(
    types: &ItemMod,
    names: &BTreeSet<String>,
    edges: &mut BTreeMap<String, BTreeSet<String>>,
) {
    let Some((_, items)) = &types.content else {
        return;
    };
    for item in items {
        if let Item::Mod(inner) = item {
            collect_edges(inner, names, edges);
            continue;
        }
        let Some(name) = item_name(item) else {
            continue;
        };
        if !names.contains(&name) {
            continue;
        }
        let refs: Vec<String> = idents(&item.to_token_stream())
            .into_iter()
            .filter(|i| *i != name && names.contains(i))
            .collect();
        edges.entry(name).or_default().extend(refs);
    }
}

/// Every identifier in a token stream, groups included.
fn idents(tokens: &TokenStream) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack: Vec<TokenStream> = vec![tokens.clone()];
    while let Some(stream) = stack.pop() {
        for tree in stream {
            match tree {
                TokenTree::Ident(i) => {
                    out.insert(i.to_string());
                }
                TokenTree::Group(g) => stack.push(g.stream()),
                _ => {}
            }
        }
    }
    out
}

fn types_module(file: &syn::File) -> Option<&ItemMod> {
    module(file, "types")
}

fn module<'a>(file: &'a syn::File, name: &str) -> Option<&'a ItemMod> {
    file.items.iter().find_map(|i| match i {
        Item::Mod(m) if m.ident == name => Some(m),
        _ => None,
    })
}

fn module_mut<'a>(file: &'a mut syn::File, name: &str) -> Option<&'a mut ItemMod> {
    file.items.iter_mut().find_map(|i| match i {
        Item::Mod(m) if m.ident == name => Some(m),
        _ => None,
    })
}
