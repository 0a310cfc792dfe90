//! Multipart letter answers that are malformed or cut short: typed errors
//! that quote nothing of the body.

use std::sync::atomic::{AtomicUsize, Ordering};

use accuro_client::{Error, ErrorKind};
use accuro_tests::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

use crate::letter_fixtures::{
    BOUNDARY, LETTER, SECRET_CONTENT, SECRET_NAME, SECRET_PHN, letter_answer, letter_json,
    letter_server, multipart_body, multipart_template,
};

/// Every way a multipart answer can be wrong is an `InvalidResponse` naming
/// the operation and what is wrong (a wrong JSON shape by its field name),
/// and no part of the body shows in it.
#[tokio::test]
async fn malformed_multipart_answers_are_typed_errors_that_quote_nothing() {
    let rtf = format!("{SECRET_CONTENT} {SECRET_PHN}");
    let json_part: (&[&str], &[u8]) = (&["Content-Type: application/json"], &letter_json());
    let rtf_part: (&[&str], &[u8]) = (&["Content-Type: application/rtf"], rtf.as_bytes());
    let good = letter_answer();
    let multipart = |body: Vec<u8>| multipart_template(body);
    let cut = |body: &[u8], keep: usize| body[..keep].to_vec();
    let bad_json = format!("{{\"title\": \"{SECRET_NAME}\", \"letterId\": \"{SECRET_PHN}\"}}");
    let cases: Vec<(&str, &str, ResponseTemplate)> = vec![
        (
            "a JSON answer, not multipart",
            "not multipart",
            ResponseTemplate::new(200).set_body_raw(letter_json(), "application/json"),
        ),
        (
            "no Content-Type",
            "not multipart",
            ResponseTemplate::new(200).set_body_bytes(good.clone()),
        ),
        (
            "no boundary",
            "no valid boundary",
            ResponseTemplate::new(200).set_body_raw(good.clone(), "multipart/form-data"),
        ),
        (
            "an unclosed quoted boundary",
            "no valid boundary",
            ResponseTemplate::new(200)
                .set_body_raw(good.clone(), "multipart/form-data; boundary=\"uuid:3612"),
        ),
        (
            "another boundary than the body's",
            "no boundary delimiter",
            ResponseTemplate::new(200)
                .set_body_raw(good.clone(), "multipart/form-data; boundary=other"),
        ),
        (
            "cut before the closing delimiter",
            "cut short",
            multipart(cut(&good, good.len() - 20)),
        ),
        (
            "cut right after a delimiter",
            "cut short",
            multipart({
                let mut body = b"--".to_vec();
                body.extend_from_slice(BOUNDARY.as_bytes());
                body
            }),
        ),
        (
            "one part",
            "found 1",
            multipart(multipart_body(BOUNDARY, &[json_part])),
        ),
        (
            "three parts",
            "found 3",
            multipart(multipart_body(BOUNDARY, &[json_part, rtf_part, rtf_part])),
        ),
        (
            "a delimiter followed by data",
            "not followed by a line break",
            multipart({
                let mut body = format!("--{BOUNDARY}{SECRET_NAME}\r\n").into_bytes();
                body.extend_from_slice(&good);
                body
            }),
        ),
        (
            "headers without the blank line",
            "part 1 has malformed headers",
            multipart(
                format!(
                    "--{BOUNDARY}\r\nContent-Type: application/json\r\nX-Name: {SECRET_NAME}\r\n--{BOUNDARY}--\r\n"
                )
                .into_bytes(),
            ),
        ),
        (
            "a malformed header",
            "part 1 has malformed headers",
            multipart(multipart_body(
                BOUNDARY,
                &[(&["Bad Header Synthname"], b"{}"), rtf_part],
            )),
        ),
        (
            "a base64 part",
            "part 2 has an unsupported Content-Transfer-Encoding",
            multipart(multipart_body(
                BOUNDARY,
                &[
                    json_part,
                    (
                        &["Content-Type: application/rtf", "Content-Transfer-Encoding: base64"],
                        b"U3ludGhuYW1l",
                    ),
                ],
            )),
        ),
        (
            "a JSON part that is not JSON",
            "the JSON part: malformed JSON",
            multipart(multipart_body(
                BOUNDARY,
                &[(&["Content-Type: application/json"], rtf.as_bytes()), rtf_part],
            )),
        ),
        (
            "a JSON part of the wrong shape",
            "the JSON part: unexpected JSON shape in `letterId`",
            multipart(multipart_body(
                BOUNDARY,
                &[(&["Content-Type: application/json"], bad_json.as_bytes()), rtf_part],
            )),
        ),
    ];
    for (case, expected, answer) in cases {
        let server = letter_server(LETTER, answer).await;
        let err = client(&server).get_letter(77).await.expect_err(case);
        assert!(
            matches!(
                &err,
                Error::InvalidResponse {
                    operation: "get_letter",
                    ..
                }
            ),
            "{case}: {err:?}"
        );
        assert_eq!(err.kind(), ErrorKind::UnexpectedResponse, "{case}");
        assert!(err.to_string().contains(expected), "{case}: {err}");
        let mut text = format!("{err} {err:?}");
        let boxed: Box<dyn std::error::Error> = Box::new(err);
        text.push_str(&format!(" {boxed} {boxed:?}"));
        for secret in [
            SECRET_NAME,
            "Synthname",
            SECRET_PHN,
            SECRET_CONTENT,
            "rtf1",
            BOUNDARY,
            "3612915e",
            "U3ludGhuYW1l",
            CLINIC_UUID,
        ] {
            assert!(!text.contains(secret), "{case}: `{secret}` in {text}");
        }
    }
}

/// Serves `body` cut after 0, 1, 2, ... bytes, one length per request.
struct Cuts {
    body: Vec<u8>,
    next: AtomicUsize,
}

impl Respond for Cuts {
    fn respond(&self, _request: &wiremock::Request) -> ResponseTemplate {
        let keep = self
            .next
            .fetch_add(1, Ordering::SeqCst)
            .min(self.body.len());
        multipart_template(self.body[..keep].to_vec())
    }
}

/// A multipart answer cut anywhere (a dropped connection under chunked
/// encoding) is refused, never read as a shorter letter, and never panics.
#[tokio::test]
async fn a_multipart_answer_cut_anywhere_is_refused() {
    let body = letter_answer();
    // Everything up to the closing delimiter's `--` is needed; the CRLF after
    // it is not.
    let needed = body.len() - 2;
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(LETTER))
        .respond_with(Cuts {
            body: body.clone(),
            next: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    let c = client(&server);
    for keep in 0..=body.len() {
        let outcome = c.get_letter(77).await;
        if keep >= needed {
            let letter = outcome.unwrap_or_else(|e| panic!("cut at {keep}: {e:?}"));
            assert_eq!(letter.metadata.letter_id, Some(77));
        } else {
            let err = outcome.map(drop).expect_err("a cut answer");
            assert!(
                matches!(&err, Error::InvalidResponse { .. }),
                "cut at {keep}: {err:?}"
            );
            let text = format!("{err} {err:?}");
            assert!(
                !text.contains(SECRET_NAME) && !text.contains(SECRET_PHN),
                "cut at {keep}: {text}"
            );
        }
    }
}
