//! The REST endpoints of the spec served from the in-memory clinic (tasks
//! and waitlist requests have modules of their own: [`crate::tasks`],
//! [`crate::waitlists`]).

// Handlers return early with a ready `Response` as their error: axum's idiom,
// and a test server's error path, where the size of `Err` does not matter.
#![allow(clippy::result_large_err)]

mod appointments;
mod documents;
mod letters;
mod patients;
mod practice;

use std::sync::Arc;

use axum::Router;
use axum::extract::State as Extract;
use axum::routing::{get, post, put};

use crate::State;
use crate::respond::{S, ok};
use crate::seed::Db;
use appointments::{
    appointment_history, appointment_statuses, cancel_appointment, create_appointment,
    get_appointment, list_appointments, update_appointment,
};
use documents::{folders, upload_document};
use letters::{create_letter, letter_types};
use patients::{
    allergies, create_patient, get_patient, immunizations, patch_patient, patient_folders,
    replace_patient, search_patients,
};
use practice::{
    api_version, lab_test_results, offices, provider, provider_offices, provider_specialties,
    providers,
};

fn known_provider(db: &Db, id: i64) -> bool {
    db.providers.iter().any(|p| p.provider_id == Some(id))
}

/// `GET` a lookup list (`|l| &l.genders`: [`crate::seed::Lookups`]), as it is.
macro_rules! fixed {
    (|$l:ident| $list:expr) => {
        get(|Extract(state): S| async move {
            let $l = state.lookups;
            ok($list)
        })
    };
}

/// The REST routes the sandbox keeps state or lookups for, but for tasks and
/// waitlist requests ([`crate::tasks`], [`crate::waitlists`]); the other
/// operations of the spec answer its examples ([`crate::fallback`]).
pub(crate) fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/rest/v1/api-version", get(api_version))
        .route("/rest/v1/offices", get(offices))
        .route("/rest/v1/genders", fixed!(|l| &l.genders))
        .route("/rest/v1/locations", fixed!(|l| &l.locations))
        .route("/rest/v1/provider-portal/insurers", fixed!(|l| &l.insurers))
        .route("/rest/v1/providers", get(providers))
        .route("/rest/v1/providers/offices", get(provider_offices))
        .route("/rest/v1/providers/types", fixed!(|l| &l.provider_types))
        .route(
            "/rest/v1/providers/statuses",
            fixed!(|l| &l.provider_statuses),
        )
        .route("/rest/v1/providers/specialties", fixed!(|l| &l.specialties))
        .route("/rest/v1/providers/{providerId}", get(provider))
        .route(
            "/rest/v1/providers/{providerId}/specialties",
            get(provider_specialties),
        )
        .route(
            "/rest/v2/provider-portal/patients/search",
            get(search_patients),
        )
        .route("/rest/v2/provider-portal/patients", post(create_patient))
        .route(
            "/rest/v2/provider-portal/patients/{patientId}",
            get(get_patient).put(replace_patient).patch(patch_patient),
        )
        .route(
            "/rest/v1/provider-portal/patients/{patientId}/allergies",
            get(allergies),
        )
        .route(
            "/rest/v1/provider-portal/patients/{patientId}/immunizations",
            get(immunizations),
        )
        .route(
            "/rest/v1/provider-portal/patients/{patientId}/documents/folders",
            get(patient_folders),
        )
        .route("/rest/v1/provider-portal/folders", get(folders))
        .route("/rest/v1/provider-portal/documents", post(upload_document))
        .route("/rest/v1/provider-portal/letters/types", get(letter_types))
        .route("/rest/v1/provider-portal/letters", put(create_letter))
        .route(
            "/rest/v1/provider-portal/labs/tests",
            fixed!(|l| &l.lab_tests),
        )
        .route(
            "/rest/v1/provider-portal/labs/tests/{testId}/results",
            get(lab_test_results),
        )
        .route(
            "/rest/v1/provider-portal/labs/results",
            fixed!(|l| l.lab_results(None)),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/appointments",
            get(list_appointments).post(create_appointment),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/appointments/{appointmentId}",
            get(get_appointment)
                .put(update_appointment)
                .delete(cancel_appointment),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/appointments/{appointmentId}/statuses",
            get(appointment_statuses),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/appointments/{appointmentId}/history",
            get(appointment_history),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/types",
            fixed!(|l| &l.appointment_types),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/reasons",
            fixed!(|l| &l.appointment_reasons),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/statuses",
            fixed!(|l| &l.scheduler_statuses),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/priorities",
            fixed!(|l| &l.appointment_priorities),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/sites",
            fixed!(|l| &l.scheduler_sites),
        )
}
