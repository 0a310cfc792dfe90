//! Records read as serde's derive read them where a user can tell: a record
//! flattened into another (typify's `allOf` alternatives) takes only its own
//! members, so the next alternative does not see them again.

use accuro_types::types::{GetPatientHistoryItemResponseItem, PatientHistoryText};
use serde_json::json;

#[test]
fn a_record_flattened_into_another_takes_only_its_own_members() {
    let item: GetPatientHistoryItemResponseItem = serde_json::from_value(json!({
        "id": 5,
        "patientId": 7,
        "historyType": "TEXT",
        "note": "synthetic"
    }))
    .expect("decodes");
    let first = item.subtype_0.expect("the first alternative");
    assert_eq!((first.id, first.patient_id), (Some(5), Some(7)));
    // The members the first alternative took are gone for the next ones.
    let text = item.subtype_1.expect("the second alternative");
    assert_eq!((text.id, text.patient_id), (None, None));
}

#[test]
fn a_record_alone_reads_every_member_it_knows() {
    let text: PatientHistoryText = serde_json::from_value(json!({
        "id": 5,
        "patientId": 7,
        "unknown": [1, 2]
    }))
    .expect("decodes");
    assert_eq!((text.id, text.patient_id), (Some(5), Some(7)));
    assert!(serde_json::from_value::<PatientHistoryText>(json!([5, 7])).is_err());
}
