//! Reading the generated module: which builder each operation's method
//! returns, and the methods of the `impl` blocks of a list of items. Shared
//! by `calls.rs` (the setters' types) and `decoders.rs` (the answer types).

use std::collections::BTreeMap;

/// Each `impl` block of `items` by the last segment of its type's name,
/// with its methods.
pub(crate) fn impl_fns(items: &[syn::Item]) -> Vec<(String, Vec<&syn::ImplItemFn>)> {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block) => Some(block),
            _ => None,
        })
        .filter_map(|block| {
            let syn::Type::Path(self_ty) = &*block.self_ty else {
                return None;
            };
            let name = self_ty.path.segments.last()?.ident.to_string();
            let fns = block
                .items
                .iter()
                .filter_map(|m| match m {
                    syn::ImplItem::Fn(f) => Some(f),
                    _ => None,
                })
                .collect();
            Some((name, fns))
        })
        .collect()
}

/// The items of the generated `builder` module.
pub(crate) fn builder_module(file: &syn::File) -> &[syn::Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
        .map_or(&[], |(_, items)| items.as_slice())
}

/// Operation id (the `Client` method) → the name of the builder it returns
/// (`list_offices` → `ListOffices`).
pub(crate) fn builder_names(file: &syn::File) -> BTreeMap<String, String> {
    let mut builder_of = BTreeMap::new();
    for (self_name, fns) in impl_fns(&file.items) {
        if self_name != "Client" {
            continue;
        }
        for f in fns {
            if let syn::ReturnType::Type(_, ty) = &f.sig.output
                && let syn::Type::Path(p) = &**ty
                && p.path
                    .segments
                    .first()
                    .is_some_and(|s| s.ident == "builder")
                && let Some(last) = p.path.segments.last()
            {
                builder_of.insert(f.sig.ident.to_string(), last.ident.to_string());
            }
        }
    }
    builder_of
}
