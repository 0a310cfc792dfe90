//! The area (our tag) of a vendor operation, from its vendor tag.
//!
//! QHR's file has 80 tags, one per server resource class ("PatientFlags
//! Endpoints", "Waitlist Surgical Site Endpoints"). People look for an area:
//! the client groups its methods, the endpoint reference its table, and cargo its
//! features by these twelve.

/// The areas, in the order the endpoint reference lists them, with their description.
pub const AREAS: [(&str, &str); 12] = [
    (
        "practice",
        "The clinic: offices, settings, lookups and enumerations.",
    ),
    (
        "providers",
        "Providers, their offices, specialties, identifiers and lab ids.",
    ),
    (
        "patients",
        "Patient demographics, flags, masks, aliases, phones and emails.",
    ),
    (
        "scheduling",
        "Appointments, their lookups, locks, rooms, availabilities and the wait room.",
    ),
    (
        "labs",
        "Lab tests and results, lab groups and observations.",
    ),
    (
        "emr",
        "Allergies, immunizations, diagnoses, histories, prescriptions and vaccines.",
    ),
    ("documents", "Document folders, documents and uploads."),
    ("letters", "Letters, generated letters and referral orders."),
    ("waitlist", "Waitlist requests and their lookups."),
    ("tasks", "User tasks, their attachments and reasons."),
    (
        "users",
        "Accuro users, roles, feature access and who the caller is.",
    ),
    ("contacts", "External contacts and their identifiers."),
];

/// The area of a vendor tag, by the words it starts with; `None` for a tag
/// this table does not know (the import then refuses the operation, naming
/// the tag, so that a new QHR version cannot land in a wrong area silently).
pub fn area_of(tag: &str) -> Option<&'static str> {
    let t = tag.to_ascii_lowercase();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| t.starts_with(p));
    let area = if starts(&["waitlist"]) {
        "waitlist"
    } else if starts(&["user task", "taskattachment"]) {
        "tasks"
    } else if starts(&["contact"]) {
        "contacts"
    } else if starts(&[
        "accurouser",
        "who am i",
        "role",
        "feature access",
        "provider permissions",
    ]) {
        "users"
    } else if starts(&["provider endpoints", "physician lab ids", "providerlabs"]) {
        "providers"
    } else if starts(&["labtemplate", "patientlabs", "lab link group"]) {
        "labs"
    } else if starts(&[
        "patientallergy",
        "noknownallergy",
        "patientimmunization",
        "patientscheduledvaccines",
        "vaccine",
        "patientdiagnosis",
        "diagnosisstatus",
        "patienthistory",
        "historyregular",
        "historytype",
        "prescription",
        "patient prescription",
        "limitedusecode",
        "medical summary",
    ]) {
        "emr"
    } else if starts(&["document endpoints", "folder", "patientdocument"]) {
        "documents"
    } else if starts(&["letter", "generatedletter", "referral order"]) {
        "letters"
    } else if starts(&[
        "schedule",
        "appointment",
        "site",
        "waitroom",
        "billprocedure",
    ]) {
        "scheduling"
    } else if starts(&[
        "patient endpoints",
        "patientv2",
        "patient identifier",
        "patient status",
        "patientalertflag",
        "patientflags",
        "masking",
        "patient repliforms",
    ]) {
        "patients"
    } else if starts(&[
        "accuro api version",
        "accuro settings",
        "office",
        "gender",
        "location",
        "language",
        "name suffixes",
        "person titles",
        "relationship status",
        "details",
        "selection list",
        "insurer",
        "changeoffice",
        "custom fields",
    ]) {
        "practice"
    } else {
        return None;
    };
    Some(area)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_is_described_and_tags_map_into_them() {
        let names: Vec<&str> = AREAS.iter().map(|(n, _)| *n).collect();
        for tag in [
            "Waitlist Surgical Site Endpoints",
            "User Task Endpoints",
            "PatientFlags Endpoints",
            "Schedule Endpoints - Provider",
            "PatientLabs Endpoints - Provider",
            "Prescription Favorite Endpoints",
            "Who Am I Endpoint",
        ] {
            let area = area_of(tag);
            assert!(area.is_some_and(|a| names.contains(&a)), "{tag}: {area:?}");
        }
        assert_eq!(area_of("Something New Endpoints"), None);
    }
}
