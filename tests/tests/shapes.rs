//! Accuro's data shapes: every form reads into a typed value and writes back
//! as Accuro sends it; malformed values are errors that name the field and
//! never repeat the value.

use accuro_client::shapes::{AccuroDate, AccuroDateTime, HhmmTime};
use accuro_client::{Error, types};
use accuro_tests::*;
use serde_json::json;

fn roundtrip<T: serde::Serialize + serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> serde_json::Value {
    let typed: T = serde_json::from_value(value).expect("reads");
    serde_json::to_value(typed).expect("writes")
}

#[test]
fn date_times_with_and_without_offsets_round_trip() {
    for text in [
        "1959-02-16T00:00:00.000-0800",
        "2020-05-06T00:00:00.000",
        "2026-01-15T08:30:00.000+0530",
        "1999-12-31T23:59:59.999-0330",
    ] {
        assert_eq!(roundtrip::<AccuroDateTime>(json!(text)), json!(text));
    }
    // Other spellings are read and written in Accuro's form.
    for (input, written) in [
        ("2026-01-15T08:30:00-08:00", "2026-01-15T08:30:00.000-0800"),
        ("2026-01-15T08:30:00Z", "2026-01-15T08:30:00.000+0000"),
        ("2026-01-15T08:30:00.123456", "2026-01-15T08:30:00.123"),
    ] {
        assert_eq!(
            roundtrip::<AccuroDateTime>(json!(input)),
            json!(written),
            "{input}"
        );
    }
    let t: AccuroDateTime = "1959-02-16T00:00:00.000-0800".parse().expect("parse");
    assert_eq!(
        t.to_datetime().map(|d| d.to_rfc3339()).as_deref(),
        Some("1959-02-16T00:00:00-08:00")
    );
    let naive: AccuroDateTime = "2020-05-06T00:00:00.000".parse().expect("parse");
    assert_eq!(naive.to_datetime(), None, "no offset, no instant");
    assert_eq!(naive.date().to_string(), "2020-05-06");
}

#[test]
fn dates_and_hhmm_times_round_trip() {
    assert_eq!(
        roundtrip::<AccuroDate>(json!("2019-01-31")),
        json!("2019-01-31")
    );
    assert_eq!(
        roundtrip::<AccuroDate>(json!("2019-01-31T00:00:00.000")),
        json!("2019-01-31")
    );
    assert_eq!(roundtrip::<HhmmTime>(json!(1300)), json!(1300));
    assert_eq!(roundtrip::<HhmmTime>(json!(905)), json!(905));
    assert_eq!(roundtrip::<HhmmTime>(json!(0)), json!(0));
    assert_eq!(roundtrip::<HhmmTime>(json!("1300")), json!(1300));
    let t = HhmmTime::try_from(905).expect("time");
    assert_eq!(
        (t.hour(), t.minute(), t.to_string()),
        (9, 5, "09:05".to_owned())
    );
}

#[test]
fn malformed_values_are_errors_naming_the_field_not_the_value() {
    let cases = [
        (
            json!({"demographics": {"birthday": "16/02/1961"}}),
            "demographics.birthday",
        ),
        (
            json!({"demographics": {"birthday": "1961-02-16T00:00:00.000-08"}}),
            "demographics.birthday",
        ),
        (
            json!({"demographics": {"healthCard": {"expiry": "2031-02-30"}}}),
            "demographics.healthCard.expiry",
        ),
    ];
    for (value, field) in cases {
        let err = serde_path_to_error::deserialize::<_, types::Patient>(value.clone())
            .expect_err("malformed");
        assert_eq!(err.path().to_string(), field);
        let text = err.inner().to_string();
        assert!(
            !text.contains("1961") && !text.contains("2031"),
            "no value in: {text}"
        );
    }
    for (value, field) in [
        (json!({"startTime": 1375}), "startTime"),
        (json!({"endTime": 2400}), "endTime"),
        (json!({"date": "31-01-2026"}), "date"),
    ] {
        let err = serde_path_to_error::deserialize::<_, types::Appointment>(value)
            .expect_err("malformed");
        assert_eq!(err.path().to_string(), field);
    }
    assert!("2019-13-01".parse::<AccuroDate>().is_err());
    assert!(HhmmTime::try_from(-1).is_err());
}

#[tokio::test]
async fn a_malformed_answer_names_the_field_without_the_value() {
    let server = wiremock::MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_get(
        &server,
        "/rest/v2/provider-portal/patients/search",
        json!({"contents": [{"patientId": 1}, {"patientId": 2, "demographics": {"firstName": "Sam", "birthday": "16/02/1961"}}], "lastId": 2}),
    )
    .await;
    let err = Error::from(
        client(&server)
            .search_patients()
            .send()
            .await
            .expect_err("malformed birthday"),
    );
    let text = err.to_string();
    assert!(
        text.contains("`contents[1].demographics.birthday`"),
        "{text}"
    );
    assert!(!text.contains("1961") && !text.contains("Sam"), "{text}");
}

#[test]
fn unknown_fields_are_accepted() {
    let patient: types::Patient = serde_json::from_value(json!({
        "patientId": 1, "somethingNew": {"a": 1}, "demographics": {"firstName": "Sam", "newField": true}
    }))
    .expect("unknown fields are ignored");
    assert_eq!(patient.patient_id, Some(1));
    // `null` in place of a list, as servers send.
    let page: types::PatientPage =
        serde_json::from_value(json!({"contents": null, "lastId": 0})).expect("null list");
    assert!(page.contents.is_none());
}
