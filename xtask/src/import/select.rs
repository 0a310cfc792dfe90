//! Which of the vendor's operations the `--missing`, `--operation` or
//! `--tag` selection takes, and whether it names only what exists.

use std::collections::BTreeSet;

use super::Selection;
use super::areas;
use super::vendor_ops::Named;

/// Whether `selection` takes the operation.
fn is_selected(selection: &Selection, named: &Named<'_>) -> bool {
    let v = &named.vendor;
    match selection {
        Selection::Missing => !named.present,
        Selection::Operations(ids) => ids.iter().any(|id| *id == v.vendor_id || *id == named.name),
        Selection::Tags(tags) => tags
            .iter()
            .any(|t| *t == v.tag || areas::area_of(&v.tag).is_some_and(|a| a == t)),
    }
}

/// Step: fails when the selection names an operation, a tag or an area the
/// vendor file does not have.
pub(super) fn check_selection(selection: &Selection, named: &[Named<'_>]) -> Result<(), String> {
    match selection {
        Selection::Missing => {}
        Selection::Operations(ids) => {
            for id in ids {
                let known = named
                    .iter()
                    .any(|n| *id == n.vendor.vendor_id || *id == n.name);
                if !known {
                    return Err(format!("the vendor file has no operation `{id}`"));
                }
            }
        }
        Selection::Tags(tags) => {
            for tag in tags {
                let known = named.iter().any(|n| {
                    *tag == n.vendor.tag || areas::area_of(&n.vendor.tag).is_some_and(|a| a == tag)
                });
                if !known {
                    return Err(format!("the vendor file has no tag or area `{tag}`"));
                }
            }
        }
    }
    Ok(())
}

/// Step: fails when a selected operation the spec lacks has a vendor tag
/// with no area.
pub(super) fn check_areas(selection: &Selection, named: &[Named<'_>]) -> Result<(), String> {
    let unknown_tags: BTreeSet<&str> = named
        .iter()
        .filter(|n| is_selected(selection, n) && !n.present)
        .filter(|n| areas::area_of(&n.vendor.tag).is_none())
        .map(|n| n.vendor.tag.as_str())
        .collect();
    if !unknown_tags.is_empty() {
        return Err(format!(
            "no area for the vendor tags {unknown_tags:?}: add them to xtask/src/import/areas.rs"
        ));
    }
    Ok(())
}

/// Step: the selected operations the spec lacks, by area then by path
/// within an area, and how many selected ones it already has.
pub(super) fn choose<'n, 'a>(
    selection: &Selection,
    named: &'n [Named<'a>],
) -> (Vec<&'n Named<'a>>, usize) {
    let mut already = 0;
    let mut chosen: Vec<(usize, &Named<'a>)> = Vec::new();
    for n in named {
        if !is_selected(selection, n) {
            continue;
        }
        if n.present {
            already += 1;
            continue;
        }
        let area = areas::area_of(&n.vendor.tag).unwrap_or("practice");
        let rank = areas::AREAS
            .iter()
            .position(|(a, _)| *a == area)
            .unwrap_or(usize::MAX);
        chosen.push((rank, n));
    }
    // By area, then by path within an area.
    chosen.sort_by(|a, b| (a.0, &a.1.vendor.path).cmp(&(b.0, &b.1.vendor.path)));
    (chosen.into_iter().map(|(_, n)| n).collect(), already)
}
