//! The CLI end to end against the sandbox: offices, a patient search over
//! pages, booking and cancelling, `auth check`, exit codes, and no secret in
//! any output.

#[path = "../common/mod.rs"]
mod common;

mod auth_and_errors;
mod booking;
mod exit_codes;
mod reads;
mod transcript;
