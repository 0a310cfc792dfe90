//! Walking the cursor-paginated patient search.

use accuro_client::Error;
use accuro_tests::*;
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const SEARCH: &str = "/rest/v2/provider-portal/patients/search";

/// A patient as the search answers it (synthetic).
fn patient(id: i64) -> Value {
    json!({
        "patientId": id,
        "patientStatusId": 1,
        "demographics": {"firstName": "Sam", "lastName": "Sample", "birthday": "1959-02-16", "genderId": 2}
    })
}

/// Serves `total` patients (ids 1..=total), `hide` of them filtered out as a
/// permission-limited server does, following `startingId` exclusively.
struct Pages {
    total: i64,
    hide: Vec<i64>,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let q: std::collections::HashMap<_, _> = request.url.query_pairs().into_owned().collect();
        let size = q
            .get("pageSize")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(25);
        let after = q
            .get("startingId")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0);
        let ids: Vec<i64> = ((after + 1)..=self.total).take(size as usize).collect();
        let last = ids.last().copied().unwrap_or(0);
        let contents: Vec<Value> = ids
            .iter()
            .filter(|id| !self.hide.contains(id))
            .map(|id| patient(*id))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({
            "contents": contents, "count": contents.len(), "total": self.total, "lastId": last
        }))
    }
}

async fn server(pages: Pages) -> MockServer {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(SEARCH))
        .respond_with(pages)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn items_follow_last_id_to_the_end() {
    let server = server(Pages {
        total: 120,
        hide: vec![],
    })
    .await;
    let client = client(&server);
    let ids: Vec<i64> = client
        .search_patients_items(50, |q| q.last_name("Sample"))
        .map_ok(|p| p.patient_id.unwrap_or_default())
        .try_collect()
        .await
        .expect("walk");
    assert_eq!(ids, (1..=120).collect::<Vec<_>>());
    let cursors: Vec<Vec<(String, String)>> = received_at(&server, SEARCH)
        .await
        .iter()
        .map(query_pairs)
        .collect();
    let uuid = ("uuid".to_owned(), CLINIC_UUID.to_owned());
    let q = |pairs: &[(&str, &str)]| {
        let mut v: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        v.push(uuid.clone());
        v
    };
    assert_eq!(
        cursors,
        vec![
            q(&[("lastName", "Sample"), ("pageSize", "50")]),
            q(&[
                ("lastName", "Sample"),
                ("pageSize", "50"),
                ("startingId", "50")
            ]),
            q(&[
                ("lastName", "Sample"),
                ("pageSize", "50"),
                ("startingId", "100")
            ]),
            q(&[
                ("lastName", "Sample"),
                ("pageSize", "50"),
                ("startingId", "120")
            ]),
        ],
        "three pages, then the empty page with lastId 0 that ends it"
    );
}

#[tokio::test]
async fn page_size_is_capped_at_50_and_defaults_below_1() {
    let server = server(Pages {
        total: 10,
        hide: vec![],
    })
    .await;
    let client = client(&server);
    let _: Vec<_> = client
        .search_patients_pages(500, |q| q)
        .try_collect()
        .await
        .expect("walk");
    let _: Vec<_> = client
        .search_patients_pages(0, |q| q)
        .try_collect()
        .await
        .expect("walk");
    let sizes: Vec<String> = received_at(&server, SEARCH)
        .await
        .iter()
        .filter_map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "pageSize")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    assert_eq!(sizes, ["50", "50", "25", "25"]);
}

#[tokio::test]
async fn short_pages_from_permission_filtering_are_not_the_end() {
    // The whole first page is filtered out; the walk must go on.
    let server = server(Pages {
        total: 30,
        hide: (1..=10).collect(),
    })
    .await;
    let client = client(&server);
    let pages: Vec<_> = client
        .search_patients_pages(10, |q| q)
        .try_collect()
        .await
        .expect("walk");
    // The first page is empty *with* a lastId: it is not the end signal.
    let ids: Vec<i64> = pages
        .iter()
        .flat_map(|p| p.contents.iter().flatten().filter_map(|p| p.patient_id))
        .collect();
    assert_eq!(ids, (11..=30).collect::<Vec<_>>());
}

#[tokio::test]
async fn an_error_ends_the_stream_after_being_yielded() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(SEARCH))
        .and(query_param("startingId", "2"))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"error": "Internal Server Error"})),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(SEARCH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"contents": [patient(1), patient(2)], "lastId": 2})),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let results: Vec<Result<_, Error>> = client.search_patients_items(2, |q| q).collect().await;
    assert_eq!(
        results.len(),
        3,
        "two patients, then the error, then the end"
    );
    assert!(results[0].is_ok() && results[1].is_ok());
    assert_eq!(
        results[2]
            .as_ref()
            .err()
            .and_then(Error::status)
            .map(|s| s.as_u16()),
        Some(500)
    );
}

#[tokio::test]
async fn a_cursor_that_does_not_move_ends_the_walk() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(SEARCH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"contents": [patient(1)], "lastId": 1})),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let pages: Vec<_> = client
        .search_patients_pages(25, |q| q)
        .try_collect()
        .await
        .expect("walk");
    assert_eq!(
        pages.len(),
        2,
        "the repeated page is yielded once more, then the walk stops"
    );
    assert_eq!(received_at(&server, SEARCH).await.len(), 2);
}

#[tokio::test]
async fn a_null_last_id_ends_the_walk() {
    // QHR documents `lastId` as nullable: null at the end, like 0.
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(SEARCH))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"contents": [patient(1), patient(2)], "count": 2, "total": 2, "lastId": null}),
        ))
        .mount(&server)
        .await;
    let client = client(&server);
    let ids: Vec<i64> = client
        .search_patients_items(25, |q| q)
        .map_ok(|p| p.patient_id.unwrap_or_default())
        .try_collect()
        .await
        .expect("walk");
    assert_eq!(ids, [1, 2]);
    assert_eq!(
        received_at(&server, SEARCH).await.len(),
        1,
        "no second page"
    );
}
