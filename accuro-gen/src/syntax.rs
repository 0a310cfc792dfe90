//! Small readings and edits of the generated syntax tree that several passes
//! share: an inline module's items, the type names of a module, a derive
//! list.

use std::collections::BTreeSet;

use syn::Token;
use syn::punctuated::Punctuated;

/// The items of the inline module `name` among `items`.
pub(crate) fn module<'a>(items: &'a [syn::Item], name: &str) -> Option<&'a Vec<syn::Item>> {
    items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    })
}

/// The items of the inline module `name` among `items`, to edit.
pub(crate) fn module_mut<'a>(
    items: &'a mut [syn::Item],
    name: &str,
) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The names of the structs and enums among `items`.
pub(crate) fn type_names(items: &[syn::Item]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// The paths of a `#[derive(...)]` attribute, `None` for another attribute.
fn derive_paths(attr: &syn::Attribute) -> Option<Punctuated<syn::Path, Token![,]>> {
    if !attr.path().is_ident("derive") {
        return None;
    }
    attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
        .ok()
}

fn names(path: &syn::Path, name: &str) -> bool {
    path.segments.last().is_some_and(|s| s.ident == name)
}

/// Whether a derive list of `attrs` names `name` (any path ending in it).
pub(crate) fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs
        .iter()
        .filter_map(derive_paths)
        .any(|paths| paths.iter().any(|p| names(p, name)))
}

/// Takes `name` out of every derive list of `attrs`; returns whether one
/// named it.
pub(crate) fn remove_derive(attrs: &mut [syn::Attribute], name: &str) -> bool {
    let mut removed = false;
    for attr in attrs.iter_mut() {
        let Some(paths) = derive_paths(attr) else {
            continue;
        };
        let (gone, kept): (Vec<syn::Path>, Vec<syn::Path>) =
            paths.into_iter().partition(|p| names(p, name));
        if !gone.is_empty() {
            removed = true;
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derive_lists_are_read_and_edited() {
        let mut item: syn::ItemStruct = syn::parse_quote! {
            #[derive(::serde::Deserialize, Clone, Debug)]
            #[serde(rename = "x")]
            pub struct X { a: i64 }
        };
        assert!(derives(&item.attrs, "Deserialize") && derives(&item.attrs, "Debug"));
        assert!(!derives(&item.attrs, "Serialize"));
        assert!(remove_derive(&mut item.attrs, "Debug"));
        assert!(!remove_derive(&mut item.attrs, "Debug"));
        assert!(!derives(&item.attrs, "Debug") && derives(&item.attrs, "Clone"));
        let file: syn::File = syn::parse_quote! {
            pub mod types { pub struct A; pub enum B { C } pub fn f() {} }
        };
        let types = module(&file.items, "types").unwrap();
        assert_eq!(
            type_names(types),
            ["A", "B"].map(String::from).into_iter().collect()
        );
        assert!(module(&file.items, "other").is_none());
    }
}
