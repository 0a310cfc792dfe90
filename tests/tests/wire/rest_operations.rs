//! Every REST operation the layer wraps: method, path, query, headers and
//! body, one token for all.

use accuro_client::types;
use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// One REST call, what it must look like on the wire.
struct Expect {
    method: &'static str,
    path: &'static str,
    query: Vec<(&'static str, &'static str)>,
    body: Option<serde_json::Value>,
}

fn assert_rest_request(request: &wiremock::Request, expect: &Expect) {
    let what = format!("{} {}", expect.method, expect.path);
    assert_eq!(request.method.as_str(), expect.method, "{what}");
    assert_eq!(request.url.path(), expect.path, "{what}");
    let mut query: Vec<(String, String)> = expect
        .query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    query.push(("uuid".into(), CLINIC_UUID.into()));
    assert_eq!(
        query_pairs(request),
        query,
        "{what}: query (uuid exactly once, last)"
    );
    assert_eq!(
        header_values(request, "authorization"),
        vec!["Bearer token-1".to_owned()],
        "{what}"
    );
    assert_eq!(
        header_values(request, "x-qhr-subscription-key"),
        vec![SUBSCRIPTION_KEY.to_owned()],
        "{what}"
    );
    assert!(
        header_values(request, "api-version").is_empty(),
        "{what}: no api-version header"
    );
    match &expect.body {
        Some(body) => {
            assert_eq!(
                header_values(request, "content-type"),
                vec!["application/json".to_owned()],
                "{what}"
            );
            let sent: serde_json::Value = request.body_json().expect("JSON body");
            assert_eq!(&sent, body, "{what}: body");
        }
        None => assert!(request.body.is_empty(), "{what}: no body"),
    }
}

#[tokio::test]
async fn every_rest_operation_carries_token_key_and_uuid_once() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    mount_get(
        &server,
        "/rest/v1/offices",
        json!([{
            "officeId": 1,
            "name": "Synthetic Office",
            "address": {"street": "100 Example Street", "city": "Kelowna", "postalZip": "V1V 0A0", "locationId": 2},
            "officePhone": {"number": "(250) 555-0100", "contactType": "OfficePhone"},
            "fax": {"number": "(250) 555-0101", "contactType": "FaxPhone"},
            "email": {"address": "front-desk@clinic.example", "order": 1},
            "active": true
        }]),
    )
    .await;
    mount_get(
        &server,
        "/rest/v1/providers",
        json!([{"providerId": 7, "typeId": 1, "firstName": "Alex", "lastName": "Example", "defaultOffice": 1}]),
    )
    .await;
    mount_get(
        &server,
        "/rest/v1/providers/7",
        json!({"providerId": 7, "typeId": 1, "firstName": "Alex", "lastName": "Example"}),
    )
    .await;
    let patient = json!({
        "patientId": 1001,
        "patientStatusId": 1,
        "demographics": {"firstName": "Sam", "lastName": "Sample", "birthday": "1959-02-16", "genderId": 2}
    });
    mount_get(
        &server,
        "/rest/v2/provider-portal/patients/search",
        json!({"contents": [patient], "count": 1, "total": 1, "lastId": 1001}),
    )
    .await;
    mount_get(&server, "/rest/v2/provider-portal/patients/1001", patient).await;
    mount_get(
        &server,
        "/rest/v1/provider-portal/scheduler/appointments",
        json!([]),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/rest/v2/provider-portal/patients"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("location", "/rest/v2/provider-portal/patients/1002")
                .set_body_json(1002),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/v1/provider-portal/scheduler/appointments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(5002))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/rest/v1/provider-portal/scheduler/appointments/5002"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/rest/v1/provider-portal/scheduler/appointments/5002"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    let client = client(&server);
    let offices = client
        .list_offices()
        .send()
        .await
        .expect("offices")
        .into_inner();
    assert_eq!(offices[0].name.as_deref(), Some("Synthetic Office"));
    assert_eq!(
        offices[0].fax.as_ref().and_then(|f| f.number.as_deref()),
        Some("(250) 555-0101")
    );
    client.list_providers().send().await.expect("providers");
    client
        .get_provider()
        .provider_id(7)
        .send()
        .await
        .expect("provider");
    let page = client
        .search_patients()
        .last_name("Sample")
        .page_size(50)
        .starting_id(1000)
        .send()
        .await
        .expect("search")
        .into_inner();
    assert_eq!(page.last_id, Some(1001));
    client
        .get_patient()
        .patient_id(1001)
        .send()
        .await
        .expect("patient");
    let created = client
        .create_patient()
        .body(new_patient())
        .send()
        .await
        .expect("create patient");
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.into_inner(), 1002);
    client
        .list_appointments()
        .start_date("2026-01-31")
        .end_date("2026-02-01")
        .provider(7)
        .include_cancelled(true)
        .send()
        .await
        .expect("appointments");
    let booking = appointment("2026-01-31", (1300, 1315), Some(1001), 7, 1);
    let booked = client
        .create_appointment()
        .body(booking.clone())
        .send()
        .await
        .expect("book");
    assert_eq!(booked.status().as_u16(), 201);
    client
        .update_appointment()
        .appointment_id(5002)
        .cancellation_reason("patient request")
        .body(types::Appointment {
            cancelled: Some(true),
            ..booking
        })
        .send()
        .await
        .expect("update");
    client
        .cancel_appointment()
        .appointment_id(5002)
        .cancel(true)
        .cancellation_reason("patient request")
        .send()
        .await
        .expect("cancel");
    client
        .cancel_appointment()
        .appointment_id(5002)
        .send()
        .await
        .expect("delete: `cancel` is optional");

    let appointment_json = json!({
        "date": "2026-01-31", "startTime": 1300, "endTime": 1315, "subColumn": 1,
        "patientId": 1001, "providerId": 7, "officeId": 1,
        "appointmentDetails": {"serviceLocation": "O"}
    });
    let mut cancelled_json = appointment_json.clone();
    cancelled_json["cancelled"] = json!(true);
    let expected = [
        Expect {
            method: "GET",
            path: "/rest/v1/offices",
            query: vec![],
            body: None,
        },
        Expect {
            method: "GET",
            path: "/rest/v1/providers",
            query: vec![],
            body: None,
        },
        Expect {
            method: "GET",
            path: "/rest/v1/providers/7",
            query: vec![],
            body: None,
        },
        Expect {
            method: "GET",
            path: "/rest/v2/provider-portal/patients/search",
            query: vec![
                ("lastName", "Sample"),
                ("pageSize", "50"),
                ("startingId", "1000"),
            ],
            body: None,
        },
        Expect {
            method: "GET",
            path: "/rest/v2/provider-portal/patients/1001",
            query: vec![],
            body: None,
        },
        Expect {
            method: "POST",
            path: "/rest/v2/provider-portal/patients",
            query: vec![],
            body: Some(json!({"patientStatusId": 1, "demographics": {
                "firstName": "Sam", "lastName": "Sample", "birthday": "1959-02-16", "genderId": 2,
                "healthCard": {"phn": "9000000001", "locationId": 2, "expiry": "2030-01-31"}
            }})),
        },
        Expect {
            method: "GET",
            path: "/rest/v1/provider-portal/scheduler/appointments",
            query: vec![
                ("endDate", "2026-02-01"),
                ("includeCancelled", "true"),
                ("provider", "7"),
                ("startDate", "2026-01-31"),
            ],
            body: None,
        },
        Expect {
            method: "POST",
            path: "/rest/v1/provider-portal/scheduler/appointments",
            query: vec![],
            body: Some(appointment_json),
        },
        Expect {
            method: "PUT",
            path: "/rest/v1/provider-portal/scheduler/appointments/5002",
            query: vec![("cancellationReason", "patient request")],
            body: Some(cancelled_json),
        },
        Expect {
            method: "DELETE",
            path: "/rest/v1/provider-portal/scheduler/appointments/5002",
            query: vec![
                ("cancel", "true"),
                ("cancellationReason", "patient request"),
            ],
            body: None,
        },
        Expect {
            method: "DELETE",
            path: "/rest/v1/provider-portal/scheduler/appointments/5002",
            query: vec![],
            body: None,
        },
    ];
    let rest: Vec<_> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path().starts_with("/rest/"))
        .collect();
    assert_eq!(rest.len(), expected.len());
    for (request, expect) in rest.iter().zip(&expected) {
        assert_rest_request(request, expect);
    }
    assert_eq!(issuer.issued(), 1, "one token serves every call");
}
