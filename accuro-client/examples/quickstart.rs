//! Quickstart: lists offices, walks the patient search across pages, books an
//! appointment and cancels it.
//!
//! Against the offline sandbox, in one command:
//!
//! ```sh
//! cargo xtask quickstart
//! ```
//!
//! Against a real Accuro *sandbox* (it books and cancels an appointment: never
//! point it at production), set the `ACCURO_*` variables QHR gave you and run
//! `cargo run -p accuro-client --example quickstart`. `QUICKSTART_LAST_NAME`
//! (default `Sample`) picks the patients to search for.

use std::process::ExitCode;

use accuro_client::shapes::{AccuroDate, HhmmTime};
use accuro_client::{Client, Error, types};
use futures_util::TryStreamExt as _;

/// Small pages, to show the walk.
const PAGE_SIZE: i32 = 10;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quickstart failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Error> {
    let client = Client::from_env()?;

    println!("Offices:");
    let offices = client.list_offices().send().await?.into_inner();
    for office in &offices {
        let city = office.address.as_ref().and_then(|a| a.city.as_deref());
        let phone = office
            .office_phone
            .as_ref()
            .and_then(|p| p.number.as_deref());
        println!(
            "  #{} {}, {} (phone {})",
            office.office_id.unwrap_or_default(),
            office.name.as_deref().unwrap_or("-"),
            city.unwrap_or("-"),
            phone.unwrap_or("-")
        );
    }

    let last_name = std::env::var("QUICKSTART_LAST_NAME").unwrap_or_else(|_| "Sample".into());
    let pages: Vec<types::PatientPage> = client
        .search_patients_pages(PAGE_SIZE, |q| q.last_name(last_name.as_str()))
        .try_collect()
        .await?;
    let patients: Vec<types::Patient> = pages
        .into_iter()
        .flat_map(|p| p.contents.unwrap_or_default())
        .collect();
    println!(
        "\nPatients named {last_name}: {}, walked in pages of {PAGE_SIZE} (`startingId` = previous `lastId`)",
        patients.len()
    );
    // Ids only: names, birthdays and file numbers are health data, which a
    // program should not print (`{:?}` of a record shows them as `[redacted]`).
    for patient in patients.iter().take(5) {
        println!(
            "  #{} (family provider #{})",
            patient.patient_id.unwrap_or_default(),
            patient.family_provider_id.unwrap_or_default()
        );
    }

    let provider = client
        .list_providers()
        .send()
        .await?
        .into_inner()
        .into_iter()
        .find(|p| p.provider_id.is_some());
    let office_ids: Vec<i64> = offices.iter().filter_map(|o| o.office_id).collect();
    // The provider's default office when the clinic lists it, else the first office.
    let office = provider
        .as_ref()
        .and_then(|p| p.default_office)
        .filter(|id| office_ids.contains(id))
        .or_else(|| office_ids.first().copied());
    let (Some(patient), Some(provider), Some(office)) = (
        patients.first().and_then(|p| p.patient_id),
        provider.and_then(|p| p.provider_id),
        office,
    ) else {
        println!("\nNo patient, provider or office to book for: skipping the appointment.");
        return Ok(());
    };
    let tomorrow = AccuroDate::from(chrono::Local::now().date_naive() + chrono::Days::new(1));
    let invalid = |e: &dyn std::fmt::Display| Error::InvalidRequest {
        operation: "create_appointment",
        message: e.to_string(),
    };
    let at = |hhmm: i32| HhmmTime::try_from(hhmm).map_err(|e| invalid(&e));
    // Accuro requires the date, the start and end times, the scheduler
    // sub-column, the provider and the office; the details' service location
    // `O` is the office.
    let details: types::AppointmentDetails = types::AppointmentDetails::builder()
        .service_location("O")
        .try_into()
        .map_err(|e| invalid(&e))?;
    let appointment: types::Appointment = types::Appointment::builder()
        .date(tomorrow)
        .start_time(at(1000)?)
        .end_time(at(1015)?)
        .sub_column(1)
        .patient_id(patient)
        .provider_id(provider)
        .office_id(office)
        .appointment_details(details)
        .try_into()
        .map_err(|e| invalid(&e))?;
    let id = client
        .create_appointment()
        .body(appointment)
        .send()
        .await?
        .into_inner();
    println!(
        "\nBooked appointment #{id}: patient #{patient} with provider #{provider} at office #{office} on {tomorrow} at 10:00"
    );
    client
        .cancel_appointment()
        .appointment_id(id)
        .cancel(true)
        .cancellation_reason("accuro-client quickstart")
        .send()
        .await?;
    println!("Cancelled appointment #{id}");
    Ok(())
}
