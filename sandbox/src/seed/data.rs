//! The seed's literal records, read once from the JSON files beside the
//! sources (`sandbox/data/`, built into the crate): the lookup lists the
//! sandbox serves as they are ([`Lookups`], `lookups.json`), and what the
//! clinic is made from ([`Clinic`], `clinic.json`: its offices and
//! providers, the name lists, the chart entries' templates). Each record is
//! in Accuro's shape, the one the sandbox answers with.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use accuro_client::types::{
    Allergy, AppointmentPriority, AppointmentReason, AppointmentType, Folder, Gender, Immunization,
    Insurer, LabResult, LabTest, LetterType, Location, Office, PatientFlag, Provider, ProviderType,
    SchedulerSite, SchedulerStatus,
};
use serde::Deserialize;

const LOOKUPS: &str = include_str!("../../data/lookups.json");
const CLINIC: &str = include_str!("../../data/clinic.json");

/// A data file that does not read as its records.
#[derive(Debug, Clone)]
pub struct SeedError {
    file: &'static str,
    message: String,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sandbox/data/{}: {}", self.file, self.message)
    }
}

impl std::error::Error for SeedError {}

/// The lookup lists, as the endpoints answer them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Lookups {
    pub genders: Vec<Gender>,
    pub locations: Vec<Location>,
    pub insurers: Vec<Insurer>,
    pub provider_types: Vec<ProviderType>,
    /// `statusId` → name.
    pub provider_statuses: BTreeMap<String, String>,
    /// Specialty code → name.
    pub specialties: BTreeMap<String, String>,
    pub appointment_types: Vec<AppointmentType>,
    pub appointment_reasons: Vec<AppointmentReason>,
    /// Custom statuses an appointment can carry.
    pub scheduler_statuses: Vec<SchedulerStatus>,
    pub appointment_priorities: Vec<AppointmentPriority>,
    pub scheduler_sites: Vec<SchedulerSite>,
    /// Every letter type, the inactive ones too (the endpoint lists the active ones).
    pub letter_types: Vec<LetterType>,
    pub folders: Vec<Folder>,
    pub lab_tests: Vec<LabTest>,
    /// The lab result templates, each with the test it belongs to.
    lab_results: Vec<TestResult>,
}

/// A lab result template and its test's `testId` (which the template itself
/// does not carry).
#[derive(Deserialize)]
struct TestResult {
    #[serde(rename = "testId")]
    test_id: i64,
    #[serde(flatten)]
    result: LabResult,
}

impl Lookups {
    /// The result templates of one test, or of every test.
    pub fn lab_results(&self, test: Option<i64>) -> Vec<LabResult> {
        self.lab_results
            .iter()
            .filter(|r| test.is_none_or(|t| t == r.test_id))
            .map(|r| r.result.clone())
            .collect()
    }

    /// The specialties of one provider: its own, and a second one for some.
    pub fn provider_specialties(&self, provider: &Provider) -> BTreeMap<String, String> {
        let own = provider.specialty.as_deref().unwrap_or_default();
        let second = (provider.provider_id.unwrap_or(0) % 4 == 1).then_some("Internal Medicine");
        self.specialties
            .iter()
            .filter(|(_, name)| name.as_str() == own || Some(name.as_str()) == second)
            .map(|(code, name)| (code.clone(), name.clone()))
            .collect()
    }
}

/// What the clinic is made from.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct Clinic {
    pub offices: Vec<Office>,
    pub providers: Vec<Provider>,
    /// Patients' first names (and, with [`Clinic::last_names`], their next
    /// of kin's); none empty.
    pub first_names: Vec<String>,
    pub last_names: Vec<String>,
    /// The cities of patients' addresses.
    pub cities: Vec<String>,
    /// The flag every 25th patient carries.
    pub alert: PatientFlag,
    pub allergies: Allergies,
    pub immunizations: Immunizations,
    /// The reasons seeded tasks have (`GET /tasks?reason=` filters on them).
    pub task_reasons: Vec<String>,
    pub notes: Notes,
}

/// The allergies charted, but for ids, patient and dates.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Allergies {
    pub drug: Allergy,
    /// Reported and modified on fixed dates; the reaction's year varies.
    pub pollen: Allergy,
}

/// The immunizations charted, but for ids, patient, lot and date.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct Immunizations {
    pub influenza: Immunization,
    pub tetanus_booster: Immunization,
}

/// The free texts of the seeded records.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct Notes {
    /// On some patients' cell phones.
    pub cell_phone: String,
    pub occupation: String,
    pub paper_chart: String,
    /// On some appointments.
    pub booking: String,
    /// Why the seeded cancelled appointment was cancelled.
    pub cancellation_reason: String,
    pub task: String,
    pub waitlist: String,
    /// Every waitlist request's complaint.
    pub complaint: String,
}

pub(super) struct Data {
    pub lookups: Lookups,
    pub clinic: Clinic,
}

/// The data files, read on first use (refused: a file that is not its
/// records, an empty name list).
pub(super) fn embedded() -> Result<&'static Data, SeedError> {
    static DATA: OnceLock<Result<Data, SeedError>> = OnceLock::new();
    DATA.get_or_init(parse).as_ref().map_err(Clone::clone)
}

fn read<T: serde::de::DeserializeOwned>(file: &'static str, text: &str) -> Result<T, SeedError> {
    serde_json::from_str(text).map_err(|e| SeedError {
        file,
        message: e.to_string(),
    })
}

fn parse() -> Result<Data, SeedError> {
    let lookups = read("lookups.json", LOOKUPS)?;
    let clinic: Clinic = read("clinic.json", CLINIC)?;
    for (name, list) in [
        ("firstNames", &clinic.first_names),
        ("lastNames", &clinic.last_names),
        ("cities", &clinic.cities),
        ("taskReasons", &clinic.task_reasons),
    ] {
        if list.is_empty() {
            return Err(SeedError {
                file: "clinic.json",
                message: format!("`{name}` is empty"),
            });
        }
    }
    Ok(Data { lookups, clinic })
}

/// Item `i` of a list, round and round (`""` for an empty one, which
/// [`embedded`] refuses).
pub(super) fn pick(list: &[String], i: i64) -> &str {
    let at = usize::try_from(i).unwrap_or(0) % list.len().max(1);
    list.get(at).map_or("", String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_files_read() {
        let data = embedded().expect("the built-in data");
        let l = &data.lookups;
        assert_eq!(l.genders.len(), 5);
        assert_eq!(l.locations.len(), 14);
        assert_eq!(l.lab_results(None).len(), 8);
        assert_eq!(l.lab_results(Some(503)).len(), 3);
        let c = &data.clinic;
        assert_eq!((c.offices.len(), c.providers.len()), (3, 8));
        assert_eq!(c.first_names.len(), 8);
        assert_eq!(pick(&c.first_names, 9), "Sam");
    }

    #[test]
    fn a_broken_file_is_refused_with_its_name() {
        let e = read::<Lookups>("lookups.json", "{\"genders\": 1}").err();
        assert!(
            e.is_some_and(|e| e.to_string().starts_with("sandbox/data/lookups.json: ")),
            "a located error"
        );
    }
}
