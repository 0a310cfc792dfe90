//! Operations progenitor cannot generate, written by hand on the same hooks:
//! they get the same token, subscription key, `uuid`, 401 replay, retry
//! decision and error type as every generated method. The spec documents
//! them and marks each `x-accuro-handwritten: <method>`; the method has that
//! name, and its errors name it as their operation. `upload_referral`, which
//! the spec has no operation of its own for, sends `upload_document` with
//! `type=REFERRAL`: its errors name `upload_referral`, and its retries follow
//! `upload_document`'s route.
//!
//! One job per file:
//!
//! - `send`: the path every handwritten request takes (hooks, send loop,
//!   error answers) and the decoding of a JSON answer;
//! - `merge_patch`: the JSON merge patches (`patch_patient`,
//!   `patch_patient_v1`, `patch_patient_custom_properties`, `patch_task`);
//! - `upload`: the multipart uploads (`upload_document`, `upload_referral`,
//!   `upload_patient_profile_picture`);
//! - `letters`: the letters Accuro answers as multipart (`get_letter`,
//!   `get_generated_letter`, `get_generated_letter_v2`);
//! - `multipart`: the reader of those multipart answers.
//!
//! Whether a request is sent again is decided by the send loop from the
//! operation's route in the spec: the PATCHes and uploads are not idempotent
//! (sent again only when they cannot have reached the server), the GETs are.

#[cfg(feature = "letters")]
mod letters;
mod merge_patch;
#[cfg(feature = "letters")]
mod multipart;
mod send;
mod upload;

#[cfg(feature = "letters")]
pub use letters::WithContent;
pub use upload::Document;
