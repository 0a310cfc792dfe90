//! Operation ids in this project's style, from a vendor path and operationId.
//!
//! QHR's generator numbers its ids (`getById_24`, `getAll_5`); ours are
//! snake_case verbs and nouns read from the path: `GET
//! /v1/provider-portal/patients/{patientId}/phones` is `list_patient_phones`,
//! `GET .../tasks/{taskId}` is `get_task`. The path's `provider-portal` and
//! `scheduler` segments are namespaces, not nouns. The vendor's verb is kept
//! when it says more than the method (`applyFlag` on a `PUT` is `apply_…`, a
//! `POST` named `get…` reads and is `get_…`).

use std::collections::BTreeSet;

/// Path segments that name a namespace, not a resource.
const NAMESPACES: [&str; 6] = [
    "provider-portal",
    "scheduler",
    "rest",
    "enumerations",
    "selection-lists",
    "security",
];

/// Names a person chose where the rule reads badly, by the vendor's
/// operationId (10.13.0). A vendor id not in the file is simply unused.
const CHOSEN: [(&str, &str); 35] = [
    (
        "getByPatientId_2",
        "list_patient_all_prescription_histories",
    ),
    (
        "getByPrescriptionId_1",
        "list_patient_prescription_histories",
    ),
    ("getForHistoryItems", "list_history_regular_items"),
    ("getByItemId", "get_history_regular_item"),
    ("getAccuroSettings", "get_accuro_settings"),
    ("getDetails", "get_details"),
    ("getOfficialLanguages", "list_official_languages"),
    ("getSpokenLanguages", "list_spoken_languages"),
    ("getProvidersForOffice", "list_office_providers"),
    ("reassignTasks", "reassign_user_tasks"),
    ("getFlags", "list_flags"),
    ("getFlagById", "get_flag"),
    ("getConsultSites", "list_waitlist_request_consult_sites"),
    (
        "updateConsultSites",
        "update_waitlist_request_consult_sites",
    ),
    ("getAppointmentReasons", "list_appointment_reasons_public"),
    ("getAppointmentStatuses", "list_scheduler_statuses_public"),
    ("getAppointmentTypes", "list_appointment_types_public"),
    ("getPriorities", "list_appointment_priorities_public"),
    ("getAppointmentHistory_1", "list_appointment_histories"),
    ("createScheduleLock", "create_schedule_lock"),
    ("deleteScheduleLock", "delete_schedule_lock"),
    ("updateReason", "update_appointment_reason"),
    ("updateStatus", "update_scheduler_status"),
    ("createStatus", "create_scheduler_status"),
    (
        "getStatusesByAppointmentIds",
        "list_statuses_for_appointments",
    ),
    (
        "getBillingDetails_1",
        "list_billing_details_for_appointments",
    ),
    ("updatePatient", "replace_patient_v1"),
    ("addRolesToTask", "add_task_roles"),
    ("addUsersToTask", "add_task_users"),
    ("addResultsToTest", "add_lab_test_results"),
    ("getAppointment", "get_appointment_materials_v1"),
    ("getAppointment_1", "get_appointment_materials"),
    ("getAppointments", "list_appointment_materials"),
    ("getInsurers_1", "list_insurers_by_ids"),
    ("getAllSuggestions", "list_schedule_suggestions"),
];

/// Vendor verbs kept as they are (the method alone would say less).
const KEPT_VERBS: [&str; 12] = [
    "add", "apply", "remove", "assign", "reassign", "review", "change", "disable", "manage",
    "upload", "search", "patch",
];

/// The name for one operation, before collisions are resolved. A `GET` of
/// a plural noun is `list_…`, of an id or a singular noun `get_…`: the path
/// says it better than QHR's file, whose answer schemas are often wrong
/// (pages typed as arrays, maps as strings).
pub fn base_name(method: &str, path: &str, vendor_id: &str) -> String {
    if let Some((_, name)) = CHOSEN.iter().find(|(id, _)| *id == vendor_id) {
        return (*name).to_owned();
    }
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && !is_version(s) && !NAMESPACES.contains(s))
        .collect();
    let last_is_param = segments.last().is_some_and(|s| is_param(s));
    let many = segments
        .iter()
        .rev()
        .find(|s| !is_param(s) && **s != "search")
        .is_some_and(|s| s.ends_with('s') && !s.ends_with("ss") && !s.ends_with("us"));
    let vendor_verb = leading_word(vendor_id);
    let method = method.to_ascii_lowercase();

    let mut verb = match method.as_str() {
        "get" if last_is_param || !many => "get",
        "get" => "list",
        "post" => "create",
        "put" => "update",
        "delete" => "delete",
        "patch" => "patch",
        other => other,
    }
    .to_owned();
    if KEPT_VERBS.contains(&vendor_verb.as_str()) {
        verb.clone_from(&vendor_verb);
    } else if method != "get" && (vendor_verb == "get" || vendor_verb == "search") {
        // A read sent as POST (a body of ids): keep the vendor's wording.
        return snake(strip_number(vendor_id));
    } else if method == "put" && vendor_verb == "create" {
        verb = "create".into();
    }

    let mut literals: Vec<(usize, &str)> = segments
        .iter()
        .enumerate()
        .filter(|(_, s)| !is_param(s))
        .map(|(i, s)| (i, *s))
        .collect();
    if literals.last().is_some_and(|(_, s)| *s == "search") {
        literals.pop();
        verb = "search".into();
    }
    let mut nouns = Vec::new();
    for (n, (i, segment)) in literals.iter().enumerate() {
        let followed_by_param = segments.get(i + 1).is_some_and(|s| is_param(s));
        let is_last = n + 1 == literals.len();
        let word = snake(segment);
        if is_last && singularize(&word) == verb {
            // `PUT /providers/{id}/disable` is `disable_provider`.
            continue;
        }
        let singular = followed_by_param
            || !is_last
            || (!last_is_param && matches!(verb.as_str(), "create" | "add"));
        nouns.push(if singular { singularize(&word) } else { word });
    }
    let mut name = verb;
    for noun in nouns {
        name.push('_');
        name.push_str(&noun);
    }
    name
}

/// Makes `name` unique among `taken`: a path outside the provider portal
/// gets `_public`, a v2 path `_v2`, a v1 path `_v1`, and a number as the
/// last resort.
pub fn unique(name: String, path: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(&name) {
        return name;
    }
    let suffix = if !path.contains("/provider-portal") {
        "_public"
    } else if path.contains("/v2/") {
        "_v2"
    } else {
        "_v1"
    };
    let candidate = format!("{name}{suffix}");
    if !taken.contains(&candidate) {
        return candidate;
    }
    let mut n = 2u32;
    loop {
        let numbered = format!("{candidate}_{n}");
        if !taken.contains(&numbered) {
            return numbered;
        }
        n = n.saturating_add(1);
    }
}

fn is_version(segment: &str) -> bool {
    segment.len() >= 2
        && segment.starts_with('v')
        && segment[1..].chars().all(|c| c.is_ascii_digit())
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// `getById_24` → `getById`.
fn strip_number(id: &str) -> &str {
    match id.rsplit_once('_') {
        Some((head, tail)) if !tail.is_empty() && tail.chars().all(|c| c.is_ascii_digit()) => head,
        _ => id,
    }
}

/// The leading lowercase word of a camelCase id (`applyFlag` → `apply`).
pub fn leading_word(id: &str) -> String {
    id.chars().take_while(|c| c.is_ascii_lowercase()).collect()
}

/// `lab-groups`, `billing_details`, `getById` → snake_case.
pub fn snake(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut previous_lower = false;
    for c in text.chars() {
        if c == '-' || c == '_' || c == ' ' {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            previous_lower = false;
        } else if c.is_ascii_uppercase() {
            if previous_lower && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = true;
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// English singular of a snake_case noun's last word, good enough for paths.
fn singularize(word: &str) -> String {
    let (head, last) = match word.rsplit_once('_') {
        Some((head, last)) => (format!("{head}_"), last),
        None => (String::new(), word),
    };
    let irregular = [
        ("diagnoses", "diagnosis"),
        ("aliases", "alias"),
        ("analyses", "analysis"),
    ];
    let singular = if let Some((_, one)) = irregular.iter().find(|(many, _)| *many == last) {
        (*one).to_owned()
    } else if let Some(stem) = last.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = last
        .strip_suffix("ses")
        .filter(|s| s.ends_with("statu") || s.ends_with("addres") || s.ends_with("proces"))
    {
        format!("{stem}s")
    } else if last.ends_with("ss") || last.ends_with("us") || last == "details" {
        last.to_owned()
    } else if let Some(stem) = last.strip_suffix('s') {
        stem.to_owned()
    } else {
        last.to_owned()
    };
    format!("{head}{singular}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_from_the_path() {
        let cases = [
            (
                "GET",
                "/v1/provider-portal/patients/{patientId}/phones",
                "getPatientPhones",
                "list_patient_phones",
            ),
            (
                "POST",
                "/v1/provider-portal/patients/{patientId}/phones",
                "createPatientPhone",
                "create_patient_phone",
            ),
            (
                "GET",
                "/v1/provider-portal/tasks/{taskId}",
                "getTaskById",
                "get_task",
            ),
            (
                "GET",
                "/v1/provider-portal/roles/{id}",
                "getById_17",
                "get_role",
            ),
            (
                "PUT",
                "/v1/provider-portal/patients/{patientId}/flags/{flagId}",
                "applyFlag",
                "apply_patient_flag",
            ),
            (
                "GET",
                "/v1/providers/search",
                "searchProviders",
                "search_providers",
            ),
            (
                "GET",
                "/v1/provider-portal/patients/{patientId}/diagnoses/{diagnosisId}/histories",
                "getForPatientDiagnosis",
                "list_patient_diagnosis_histories",
            ),
            (
                "POST",
                "/v1/provider-portal/labs/results",
                "getResultsByIds",
                "get_results_by_ids",
            ),
            (
                "GET",
                "/v1/provider-portal/waitlist-surgical-statuses/{id}",
                "getById_19",
                "get_waitlist_surgical_status",
            ),
            (
                "DELETE",
                "/v1/provider-portal/scheduler/lock",
                "deleteLock",
                "delete_lock",
            ),
            (
                "GET",
                "/v1/provider-portal/documents/file-types",
                "getFileTypes",
                "list_document_file_types",
            ),
        ];
        for (method, path, id, want) in cases {
            assert_eq!(base_name(method, path, id), want, "{method} {path}");
        }
        let single = base_name(
            "GET",
            "/v1/provider-portal/patients/{patientId}/medical-summary",
            "x",
        );
        assert_eq!(single, "get_patient_medical_summary");
        let disable = base_name(
            "PUT",
            "/v1/providers/{providerId}/disable",
            "disableProviderVisibility",
        );
        assert_eq!(disable, "disable_provider");
        assert_eq!(
            base_name(
                "GET",
                "/v1/providers/offices/{officeId}",
                "getProvidersForOffice"
            ),
            "list_office_providers"
        );
    }

    #[test]
    fn collisions_get_a_version_or_public_suffix() {
        let taken: BTreeSet<String> =
            ["list_lab_tests".to_owned(), "get_patient".to_owned()].into();
        assert_eq!(
            unique("list_lab_tests".into(), "/v1/labs/tests", &taken),
            "list_lab_tests_public"
        );
        assert_eq!(
            unique(
                "get_patient".into(),
                "/v2/provider-portal/patients/{id}",
                &taken
            ),
            "get_patient_v2"
        );
        assert_eq!(
            unique(
                "get_patient".into(),
                "/v1/provider-portal/patients/{id}",
                &taken
            ),
            "get_patient_v1"
        );
        assert_eq!(unique("free".into(), "/v1/x", &taken), "free");
    }

    #[test]
    fn snake_case_of_kebab_camel_and_snake() {
        assert_eq!(snake("lab-groups"), "lab_groups");
        assert_eq!(snake("getById"), "get_by_id");
        assert_eq!(snake("billing_details"), "billing_details");
    }
}
