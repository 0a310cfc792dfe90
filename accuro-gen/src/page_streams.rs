//! `accuro-client/src/pagination/operations.rs`: the page streams of every
//! cursor-paginated operation, written as invocations of the client's
//! `page!` and `paginated!` macros. Which operations are paginated, and the
//! schemas of their pages, come from the spec ([`crate::paging`]): the list
//! is never written by hand.

use std::fmt::Write as _;

use crate::paging::page_of;
use crate::{Error, Options, header, prepare};

/// One paginated operation of the client.
struct Stream {
    operation_id: String,
    area: String,
    page: String,
    item: String,
}

/// Generates the page-stream module from the spec text.
pub fn generate_page_streams(spec_text: &str, options: &Options) -> Result<String, Error> {
    let prepared = prepare(spec_text, options)?;
    let mut streams = Vec::new();
    for e in &prepared.endpoints {
        if e.handwritten || !e.path.starts_with("/rest/") {
            continue;
        }
        let Some(paged) = page_of(&prepared.spec, &e.path, &e.method) else {
            continue;
        };
        let (Some(page), Some(item)) = (paged.page, paged.item) else {
            return Err(Error::Format(format!(
                "{} {} ({}): a paginated operation's page and its items are named schemas (`$ref: '#/components/schemas/...'`)",
                e.method, e.path, e.operation_id
            )));
        };
        streams.push(Stream {
            operation_id: e.operation_id.clone(),
            area: e.area.clone(),
            page,
            item,
        });
    }
    let (header, _) = header(spec_text, options);
    let mut out = header;
    out.push_str(
        "//! The page streams of every cursor-paginated operation (see the parent\n\
         //! module): `<op>_pages` and `<op>_items` on `Client`, and `Page` for each\n\
         //! page schema, each behind the features of the areas that use it.\n\n\
         #[allow(unused_imports, reason = \"every user can be a feature that is off\")]\n\
         use super::*;\n\n",
    );
    // Each page type once, behind every area whose operations use it.
    let mut pages: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for s in &streams {
        match pages.iter_mut().find(|(page, _, _)| *page == s.page) {
            Some((_, _, areas)) if !areas.contains(&s.area.as_str()) => areas.push(&s.area),
            Some(_) => {}
            None => pages.push((&s.page, &s.item, vec![&s.area])),
        }
    }
    for (page, item, areas) in &pages {
        let _ = writeln!(out, "page!({}, {page}, {item});", cfg(areas));
    }
    for s in &streams {
        let id = &s.operation_id;
        let _ = write!(
            out,
            "\npaginated!(\n    {},\n    {id},\n    {},\n    {},\n    {},\n    {id}_page,\n    {id}_pages,\n    {id}_items\n);\n",
            cfg(&[&s.area]),
            pascal(id),
            s.page,
            s.item,
        );
    }
    Ok(out)
}

/// The `cfg` predicate of a set of areas (their cargo features).
fn cfg(areas: &[&str]) -> String {
    match areas {
        [one] => format!("feature = \"{one}\""),
        many => format!(
            "any({})",
            many.iter()
                .map(|a| format!("feature = \"{a}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// progenitor's builder name for an operation id (`list_patient_prescriptions_v2`:
/// `ListPatientPrescriptionsV2`).
fn pascal(id: &str) -> String {
    id.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{cfg, pascal};

    #[test]
    fn builder_names_and_cfgs() {
        assert_eq!(
            pascal("list_patient_prescriptions_v2"),
            "ListPatientPrescriptionsV2"
        );
        assert_eq!(pascal("search_patients"), "SearchPatients");
        assert_eq!(cfg(&["users"]), "feature = \"users\"");
        assert_eq!(
            cfg(&["tasks", "users"]),
            "any(feature = \"tasks\", feature = \"users\")"
        );
    }
}
