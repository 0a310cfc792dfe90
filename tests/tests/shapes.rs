//! Accuro's data shapes: every form reads into a typed value and writes back
//! exactly as Accuro sent it; malformed values are errors that name the field
//! and never repeat the value.

use accuro_client::shapes::{AccuroDate, AccuroDateTime, AccuroPartialDate, HhmmTime, Precision};
use accuro_client::types;
use accuro_tests::*;
use std::collections::BTreeSet;

use serde_json::{Value, json};

fn roundtrip<T: serde::Serialize + serde::de::DeserializeOwned>(value: Value) -> Value {
    let typed: T = serde_json::from_value(value).expect("reads");
    serde_json::to_value(typed).expect("writes")
}

#[test]
fn date_times_in_every_form_round_trip_byte_for_byte() {
    for text in [
        "1959-02-16T00:00:00.000-0800",
        "2020-05-06T00:00:00.000",
        "2026-01-15T08:30:00.000+0530",
        "1999-12-31T23:59:59.999-0330",
        // No seconds, an instant, a space for the T, other offset spellings
        // and fraction lengths: each is written back as it was read.
        "2020-05-06T13:45-0700",
        "2024-02-14T18:00:18.490Z",
        "2020-05-06 13:45:00",
        "2026-01-15T08:30:00-08:00",
        "2026-01-15T08:30:00Z",
        "2026-01-15T08:30:00.123456",
        "2026-01-15T08:30:00.123456789+05",
    ] {
        assert_eq!(
            roundtrip::<AccuroDateTime>(json!(text)),
            json!(text),
            "{text}"
        );
    }
    // Accuro's canonical form, on request.
    // (input, canonical form, whether the canonical form keeps the same time)
    for (input, canonical, same_time) in [
        (
            "2026-01-15T08:30:00-08:00",
            "2026-01-15T08:30:00.000-0800",
            true,
        ),
        ("2026-01-15T08:30:00Z", "2026-01-15T08:30:00.000+0000", true),
        (
            "2020-05-06T13:45-0700",
            "2020-05-06T13:45:00.000-0700",
            true,
        ),
        ("2020-05-06 13:45:00", "2020-05-06T13:45:00.000", true),
        // Milliseconds: the microseconds are cut.
        (
            "2026-01-15T08:30:00.123456",
            "2026-01-15T08:30:00.123",
            false,
        ),
    ] {
        let t: AccuroDateTime = input.parse().expect("parse");
        assert!(!t.is_canonical_form(), "{input}");
        let c = t.with_canonical_form();
        assert_eq!(c.to_string(), canonical, "{input}");
        assert!(c.is_canonical_form(), "{input}");
        assert_eq!(c.eq_ignoring_form(&t), same_time, "{input}");
    }
    let t: AccuroDateTime = "1959-02-16T00:00:00.000-0800".parse().expect("parse");
    assert_eq!(
        t.to_datetime().map(|d| d.to_rfc3339()).as_deref(),
        Some("1959-02-16T00:00:00-08:00")
    );
    let naive: AccuroDateTime = "2020-05-06T00:00:00.000".parse().expect("parse");
    assert_eq!(naive.to_datetime(), None, "no offset, no instant");
    assert_eq!(naive.date().to_string(), "2020-05-06");
    // A date alone is not a date-time.
    assert!("2020-05-06".parse::<AccuroDateTime>().is_err());
}

#[test]
fn dates_and_hhmm_times_round_trip() {
    assert_eq!(
        roundtrip::<AccuroDate>(json!("2019-01-31")),
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
fn a_date_is_a_date_only_and_a_date_time_is_refused() {
    // `AccuroDate` used to cut a date-time down to its date; the v2 API
    // writes date-only values there, so a date-time is now malformed.
    for text in [
        "2019-01-31T00:00:00.000",
        "2019-01-31T00:00:00.000-0800",
        "2019-01-31 00:00",
        "2019-01",
        "2019",
    ] {
        assert!(text.parse::<AccuroDate>().is_err(), "{text}");
        let err = serde_json::from_value::<AccuroDate>(json!(text)).expect_err(text);
        assert!(!err.to_string().contains("2019"), "no value in: {err}");
    }
    let patient = json!({
        "patientStatusId": 1,
        "demographics": {"firstName": "Sam", "lastName": "Sample", "genderId": 2,
                         "birthday": "1961-02-16T00:00:00.000-0800"}
    });
    let err =
        serde_path_to_error::deserialize::<_, types::Patient>(patient).expect_err("date-time");
    assert_eq!(err.path().to_string(), "demographics.birthday");
}

#[test]
fn partial_dates_keep_their_precision() {
    for (text, precision) in [
        ("2019", Precision::Year),
        ("2019-03", Precision::Month),
        ("2019-03-06", Precision::Day),
        ("2019-03-06T13-0700", Precision::Hour),
        ("2019-03-06T13:45", Precision::Minute),
        ("2019-03-06T13:45:10Z", Precision::Second),
        ("2019-03-06T13:45:10.000Z", Precision::Fraction),
    ] {
        let d: AccuroPartialDate = text.parse().expect(text);
        assert_eq!(d.precision(), precision, "{text}");
        assert_eq!(roundtrip::<AccuroPartialDate>(json!(text)), json!(text));
    }
    let shot: types::Immunization =
        serde_json::from_value(json!({"vaccineId": 151, "administeredDate": "2020-05"}))
            .expect("immunization");
    let administered = shot.administered_date.expect("date");
    assert_eq!(
        (
            administered.year(),
            administered.month(),
            administered.day()
        ),
        (2020, Some(5), None)
    );
    assert!("2019-13".parse::<AccuroPartialDate>().is_err());
}

#[test]
fn a_phone_order_reads_as_a_number_or_a_string_and_writes_a_number() {
    let phone: types::Phone =
        serde_json::from_value(json!({"number": "(250) 555-0100", "order": "1"})).expect("phone");
    assert_eq!(phone.order.map(|o| o.get()), Some(1));
    assert_eq!(
        serde_json::to_value(&phone).expect("writes"),
        json!({"number": "(250) 555-0100", "order": 1})
    );
}

/// An appointment as Accuro answers it, with `field` set to `value`.
fn appointment_with(field: &str, value: Value) -> Value {
    let mut a = json!({
        "appointmentId": 5001, "date": "2026-01-31", "startTime": 1300, "endTime": 1315,
        "subColumn": 1, "providerId": 7, "officeId": 1,
        "appointmentDetails": {"serviceLocation": "O"}
    });
    a[field] = value;
    a
}

#[test]
fn malformed_values_are_errors_naming_the_field_not_the_value() {
    let demographics = |extra: Value| {
        let mut d = json!({"firstName": "Sam", "lastName": "Sample", "genderId": 2});
        if let (Some(d), Some(extra)) = (d.as_object_mut(), extra.as_object()) {
            d.extend(extra.clone());
        }
        json!({"patientStatusId": 1, "demographics": d})
    };
    let cases = [
        (
            demographics(json!({"birthday": "16/02/1961"})),
            "demographics.birthday",
        ),
        (
            demographics(json!({"birthday": "1961-02-16T00:00:00.000-08"})),
            "demographics.birthday",
        ),
        (
            demographics(json!({"healthCard": {"expiry": "2031-02-30"}})),
            "demographics.healthCard.expiry",
        ),
        (
            json!({"patientStatusId": 1, "deceasedDate": "1961-02-16T25:00:00.000"}),
            "deceasedDate",
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
        (appointment_with("startTime", json!(1375)), "startTime"),
        (appointment_with("endTime", json!(2400)), "endTime"),
        (appointment_with("date", json!("31-01-2026")), "date"),
        (
            appointment_with("date", json!("2026-01-31T00:00:00.000")),
            "date",
        ),
    ] {
        let err = serde_path_to_error::deserialize::<_, types::Appointment>(value)
            .expect_err("malformed");
        assert_eq!(err.path().to_string(), field);
    }
    // A well-formed one reads.
    serde_json::from_value::<types::Appointment>(appointment_with("startTime", json!(905)))
        .expect("well formed");
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
        json!({"contents": [
            {"patientId": 1, "patientStatusId": 1},
            {"patientId": 2, "patientStatusId": 1,
             "demographics": {"firstName": "Sam", "lastName": "Sample", "genderId": 2, "birthday": "16/02/1961"}}
        ], "lastId": 2}),
    )
    .await;
    let err = client(&server)
        .search_patients()
        .send()
        .await
        .expect_err("malformed birthday");
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
        "patientId": 1, "patientStatusId": 1, "somethingNew": {"a": 1},
        "demographics": {"firstName": "Sam", "lastName": "Sample", "genderId": 2, "newField": true}
    }))
    .expect("unknown fields are ignored");
    assert_eq!(patient.patient_id, Some(1));
    // `null` in place of a list, and a null cursor, as servers send.
    let page: types::PatientPage =
        serde_json::from_value(json!({"contents": null, "lastId": null})).expect("null list");
    assert!(page.contents.is_none());
    assert_eq!(page.last_id, None);
}

// ---------------------------------------------------------------------------
// Records written back whole (issue 26): members the spec does not know are
// kept by every type both read and written, and sent back unchanged.
// ---------------------------------------------------------------------------

fn spec() -> serde_yaml::Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/accuro.yaml"))
        .expect("the spec");
    serde_yaml::from_str(&text).expect("the spec parses")
}

/// `value` (an instance of `schema`) with three members the spec does not
/// know added to every record in it, at every depth (a number, a text, a
/// nested object with an array), each named after its depth; a map
/// (`additionalProperties`) is no record and gets none. Returns how many
/// were added.
fn add_unknown_members(
    value: &mut Value,
    schema: &serde_yaml::Value,
    schemas: &serde_yaml::Mapping,
    depth: usize,
) -> usize {
    use serde_yaml::Value as Y;
    if depth > 24 {
        return 0;
    }
    if let Some(name) = schema
        .get("$ref")
        .and_then(Y::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        return schemas.get(name).map_or(0, |target| {
            add_unknown_members(value, target, schemas, depth)
        });
    }
    for combinator in ["oneOf", "anyOf"] {
        // The marked instance takes the first alternative.
        if let Some(first) = schema.get(combinator).and_then(|c| c.get(0)) {
            return add_unknown_members(value, first, schemas, depth);
        }
    }
    let mut properties = serde_yaml::Mapping::new();
    let mut parts = vec![schema];
    while let Some(part) = parts.pop() {
        if let Some(Y::Mapping(own)) = part.get("properties") {
            properties.extend(own.clone());
        }
        for member in part
            .get("allOf")
            .and_then(Y::as_sequence)
            .into_iter()
            .flatten()
        {
            match member
                .get("$ref")
                .and_then(Y::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                Some(name) => parts.extend(schemas.get(name)),
                None => parts.push(member),
            }
        }
    }
    let mut added = 0;
    match value {
        Value::Object(map) if !properties.is_empty() => {
            for (key, inner) in map.iter_mut() {
                if let Some(property) = properties.get(key.as_str()) {
                    added += add_unknown_members(inner, property, schemas, depth + 1);
                }
            }
            map.insert(format!("zzNumber{depth}"), json!(12345.5));
            map.insert(format!("zzText{depth}"), json!("synthetic unknown"));
            map.insert(
                format!("zzNested{depth}"),
                json!({"inner": [1, "two", {"three": null}], "flag": true}),
            );
            added += 3;
        }
        Value::Object(map) => {
            if let Some(entries) = schema.get("additionalProperties") {
                for inner in map.values_mut() {
                    added += add_unknown_members(inner, entries, schemas, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for inner in items {
                    added += add_unknown_members(inner, item, schemas, depth + 1);
                }
            }
        }
        _ => {}
    }
    added
}

/// The schemas named directly (or as array items) by a JSON request body
/// and by a 2xx JSON answer: counted here from the spec, apart from the
/// generator's `$ref` closure, which must contain them.
fn named_in_bodies_and_answers(spec: &serde_yaml::Value) -> BTreeSet<String> {
    use serde_yaml::Value as Y;
    let named = |holder: Option<&Y>| -> Vec<String> {
        let Some(content) = holder
            .and_then(|h| h.get("content"))
            .and_then(Y::as_mapping)
        else {
            return Vec::new();
        };
        content
            .values()
            .filter_map(|media| media.get("schema"))
            .filter_map(|s| {
                s.get("$ref")
                    .or_else(|| s.get("items").and_then(|i| i.get("$ref")))
            })
            .filter_map(Y::as_str)
            .filter_map(|r| r.strip_prefix("#/components/schemas/"))
            .map(str::to_owned)
            .collect()
    };
    let (mut sent, mut read) = (BTreeSet::new(), BTreeSet::new());
    for item in spec["paths"].as_mapping().expect("paths").values() {
        for op in item.as_mapping().expect("a path item").values() {
            sent.extend(named(op.get("requestBody")));
            for (status, answer) in op
                .get("responses")
                .and_then(Y::as_mapping)
                .into_iter()
                .flatten()
            {
                if status.as_str().is_some_and(|s| s.starts_with('2')) {
                    read.extend(named(Some(answer)));
                }
            }
        }
    }
    sent.intersection(&read).cloned().collect()
}

#[test]
fn every_type_read_and_written_keeps_unknown_members_at_every_level_through_its_builder() {
    let spec = spec();
    let schemas = accuro_tests::marked::schemas(&spec);
    let mut marker = accuro_tests::marked::Marker::new(&schemas);
    let round_trips = accuro_tests::written_back_round_trips();
    let listed: BTreeSet<String> = round_trips.iter().map(|(n, _)| (*n).to_owned()).collect();
    let direct = named_in_bodies_and_answers(&spec);
    let handwritten: BTreeSet<String> = ["DocumentDetails", "DocumentReview"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let missing: Vec<_> = direct
        .difference(&listed)
        .filter(|n| !handwritten.contains(*n))
        .collect();
    assert!(
        missing.is_empty(),
        "read and written, but not kept whole: {missing:?}"
    );
    let mut problems = Vec::new();
    let mut members = 0;
    for (name, round_trip) in &round_trips {
        let mut value = marker.instance(name).value;
        let plain = round_trip(&value);
        let reference = serde_yaml::Value::from(format!("#/components/schemas/{name}"));
        let schema: serde_yaml::Value =
            serde_yaml::Mapping::from_iter([("$ref".into(), reference)]).into();
        members += add_unknown_members(&mut value, &schema, &schemas, 0);
        match round_trip(&value) {
            Ok(back) if back == value => {}
            Ok(back) => problems.push(format!("{name}: written back as {back}")),
            Err(e) => problems.push(format!("{name}: {e} (without unknown members: {plain:?})")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    eprintln!(
        "{} types read and written ({} named directly by a body and an answer): {members} unknown members kept",
        round_trips.len(),
        direct.len()
    );
}

/// `get_patient` answered with every documented member plus members the
/// spec does not know (at the top level and nested at every depth), then
/// `replace_patient` with the decoded value: the body sent is the answer,
/// equal as a JSON value. `Debug` names the unknown members, never their
/// values.
#[tokio::test]
async fn a_patient_read_and_replaced_is_written_back_whole() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    const AT: &str = "/rest/v2/provider-portal/patients/1001";

    let spec = spec();
    let schemas = accuro_tests::marked::schemas(&spec);
    let mut answer = accuro_tests::marked::Marker::new(&schemas)
        .instance("Patient")
        .value;
    let reference = serde_yaml::Value::from("#/components/schemas/Patient");
    let schema: serde_yaml::Value =
        serde_yaml::Mapping::from_iter([("$ref".into(), reference)]).into();
    let added = add_unknown_members(&mut answer, &schema, &schemas, 0);
    assert!(added >= 3 * 5, "unknown members at several depths: {added}");
    answer["zzSecret"] = json!("PHIMARK-UNKNOWN-9000000001");

    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(AT))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(AT))
        .respond_with(ResponseTemplate::new(200).set_body_json(true))
        .mount(&server)
        .await;
    let client = client(&server);
    let patient = client
        .get_patient()
        .patient_id(1001)
        .send()
        .await
        .expect("read")
        .into_inner();
    let printed = format!("{patient:?}");
    assert!(printed.contains("zzSecret"), "the names are shown");
    assert!(!printed.contains("PHIMARK-UNKNOWN"), "never the values");
    client
        .replace_patient()
        .patient_id(1001)
        .body(patient)
        .send()
        .await
        .expect("replaced");
    let sent = received_at(&server, AT)
        .await
        .into_iter()
        .find(|r| r.method.as_str() == "PUT")
        .expect("the PUT");
    let body: Value = serde_json::from_slice(&sent.body).expect("JSON");
    assert_eq!(body, answer, "the record is written back whole");
}
