//! An appointment's history, and the other answers the clinic works out:
//! the date-time stamp of each write, the folders of a patient's documents.

use std::collections::BTreeSet;

use accuro_client::shapes::HhmmTime;
use accuro_client::types::AppointmentHistoryEntry;

use super::{Db, NOW, SERVICE_USER, date_time, text};

/// `8:00am`, `1:15pm`: how Accuro's history writes a start time.
fn twelve_hour(t: HhmmTime) -> String {
    let hour = match t.hour() % 12 {
        0 => 12,
        h => h,
    };
    let half = if t.hour() < 12 { "am" } else { "pm" };
    format!("{hour}:{:02}{half}", t.minute())
}

/// The name of the lookup item `id` in `items`, if there is one.
fn name_of<T>(
    items: &[T],
    id: Option<i64>,
    key: impl Fn(&T) -> (Option<i64>, Option<String>),
) -> Option<String> {
    let id = id?;
    items
        .iter()
        .map(key)
        .find(|(k, _)| *k == Some(id))
        .and_then(|(_, name)| name)
}

impl Db {
    /// The date-time of the next write: the sandbox's fixed "now", a minute
    /// later each time (deterministic), in Accuro's form.
    fn stamp(&mut self) -> String {
        let minutes = self.clock;
        self.clock += 1;
        format!(
            "{}T{:02}:{:02}:00.000-0800",
            NOW.0,
            NOW.1 + (minutes / 60) % 12,
            minutes % 60
        )
    }

    /// The date-time of the next write without an offset
    /// (`2026-11-29T12:00:00.000`), as tasks carry theirs.
    pub fn local_stamp(&mut self) -> String {
        let stamp = self.stamp();
        if let Some((local, _)) = stamp
            .rsplit_once(['+', '-'])
            .filter(|(_, offset)| offset.len() == 4)
        {
            return local.to_owned();
        }
        stamp
    }

    /// `Last, First` of a provider.
    fn provider_name(&self, id: Option<i64>) -> Option<String> {
        let id = id?;
        self.providers
            .iter()
            .find(|p| p.provider_id == Some(id))
            .map(|p| format!("{}, {}", p.last_name, p.first_name))
    }

    /// Adds a history entry to an appointment, as the service user, now.
    pub fn record(&mut self, appointment: i64, action: &str, reason: Option<&str>) {
        let at = self.stamp();
        self.record_at(appointment, action, reason, SERVICE_USER, &at);
    }

    pub(super) fn record_at(
        &mut self,
        appointment: i64,
        action: &str,
        reason: Option<&str>,
        username: &str,
        at: &str,
    ) {
        let Some(a) = self
            .bookings
            .get(&appointment)
            .map(|b| b.appointment.clone())
        else {
            return;
        };
        let details = a.appointment_details.as_ref();
        let lookups = self.lookups;
        let entry = AppointmentHistoryEntry {
            history_id: Some(self.next_history),
            appointment_id: Some(appointment),
            patient_id: a.patient_id,
            appointment_date: Some(a.date),
            start_time: Some(twelve_hour(a.start_time)),
            provider_name: self.provider_name(Some(a.provider_id)),
            billing_provider_name: self.provider_name(details.and_then(|d| d.billing_provider_id)),
            username: text(username),
            timestamp: Some(date_time(at)),
            action_type: text(action),
            action_reason: reason.map(str::to_owned),
            appointment_type: name_of(
                &lookups.appointment_types,
                details.and_then(|d| d.type_id),
                |t| (t.type_id, t.name.clone()),
            ),
            appointment_reason: name_of(
                &lookups.appointment_reasons,
                details.and_then(|d| d.reason_id),
                |r| (r.reason_id, r.name.clone()),
            ),
        };
        self.next_history += 1;
        if let Some(b) = self.bookings.get_mut(&appointment) {
            b.history.push(entry);
        }
    }

    /// The names of the folders and sub-folders holding a patient's documents.
    pub fn patient_folders(&self, patient: i64) -> (Vec<String>, Vec<String>) {
        let mut held = BTreeSet::new();
        let mut subs = BTreeSet::new();
        for d in self.documents.values().filter(|d| d.patient_id == patient) {
            held.insert(d.folder_id);
            if let Some(s) = d.sub_folder_id {
                subs.insert(s);
            }
        }
        let all = &self.lookups.folders;
        let names = all
            .iter()
            .filter(|f| f.id.is_some_and(|id| held.contains(&id)))
            .map(|f| f.name.clone())
            .collect();
        let sub_names = all
            .iter()
            .flat_map(|f| &f.sub_folders)
            .filter(|s| s.id.is_some_and(|id| subs.contains(&id)))
            .map(|s| s.name.clone())
            .collect();
        (names, sub_names)
    }
}
