//! User tasks (`/rest/v1/provider-portal/tasks`): listed by page, created,
//! read, replaced, merge-patched and deleted, over the seeded ones.
//!
//! What the spec says the server does is done here: creating needs a user or
//! a role, both offices, a reason and a due date; the server sets who
//! created it and when, and who completed it and when; `priority` defaults
//! to `Normal`; listing needs a created-date window of at most 30 days and
//! leaves completed tasks out unless `includeCompleted=true`. A deleted task
//! is gone (404) but kept, `deleted: true`, as the server keeps it.

// Handlers return early with a ready `Response` as their error: axum's idiom.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use accuro_client::shapes::AccuroDate;
use accuro_client::types::{UserTask, UserTaskPage};
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;

use crate::State;
use crate::api_error::{Violation, api_error, constraint_violations};
use crate::respond::{
    Q, S, boolean, day, int, merge_patch, not_found, ok, page_request, parse_body, refuse,
};
use crate::seed::{Db, SERVICE_USER, SERVICE_USER_ID};

/// The widest created-date window a list may ask for.
const MAX_WINDOW_DAYS: i64 = 30;

/// `GET`/`POST /tasks`, `GET`/`PUT`/`PATCH`/`DELETE /tasks/{taskId}`.
pub(crate) fn routes() -> Router<Arc<State>> {
    Router::new()
        .route(
            "/rest/v1/provider-portal/tasks",
            get(list_tasks).post(create_task),
        )
        .route(
            "/rest/v1/provider-portal/tasks/{taskId}",
            get(get_task)
                .put(update_task)
                .patch(patch_task)
                .delete(delete_task),
        )
}

/// The task's id in the path, if it is a task that is not deleted.
fn live(db: &Db, id: &str) -> Result<i64, Response> {
    id.parse::<i64>()
        .ok()
        .filter(|id| db.tasks.get(id).is_some_and(|t| t.deleted != Some(true)))
        .ok_or_else(not_found)
}

/// The date part of a task's `createdOn` (`2026-11-05T09:00:00.000`).
fn created_day(task: &UserTask) -> Option<AccuroDate> {
    task.created_on
        .as_ref()?
        .to_string()
        .get(..10)?
        .parse()
        .ok()
}

async fn list_tasks(Extract(state): S, Query(q): Q) -> Response {
    let window = (day(&q, "createdStartDate"), day(&q, "createdEndDate"));
    let (start, end) = match window {
        (Ok(Some(start)), Ok(Some(end))) => (start, end),
        (Err(e), _) | (_, Err(e)) => return e,
        // The guard answers a missing one before.
        _ => {
            return api_error(
                StatusCode::BAD_REQUEST,
                accuro_spec::texts::REQUIRED_PARAMETER_MISSING,
            );
        }
    };
    let span = (end.date() - start.date()).num_days();
    if span < 0 {
        return refuse(
            "createdEndDate",
            Some(&end.to_string()),
            "must not be before createdStartDate",
        );
    }
    if span > MAX_WINDOW_DAYS {
        return refuse(
            "createdEndDate",
            Some(&end.to_string()),
            "must be at most 30 days after createdStartDate",
        );
    }
    let filters = (
        int(&q, "patientId"),
        boolean(&q, "includeCompleted"),
        day(&q, "taskDueDate"),
        page_request(&q),
    );
    let (patient, completed, due, (size, after)) = match filters {
        (Ok(p), Ok(c), Ok(d), Ok(page)) => (p, c.unwrap_or(false), d, page),
        (Err(e), ..) | (_, Err(e), ..) | (.., Err(e), _) | (.., Err(e)) => return e,
    };
    let reason = q.get("reason").map(|r| r.trim()).filter(|r| !r.is_empty());
    let db = state.db();
    let matching: Vec<&UserTask> = db
        .tasks
        .values()
        .filter(|t| t.deleted != Some(true))
        .filter(|t| completed || t.completed != Some(true))
        .filter(|t| created_day(t).is_some_and(|d| start <= d && d <= end))
        .filter(|t| patient.is_none_or(|p| t.patient_id.map(i64::from) == Some(p)))
        .filter(|t| due.is_none_or(|d| t.task_due_date == Some(d)))
        .filter(|t| {
            reason.is_none_or(|r| {
                t.reason
                    .as_deref()
                    .is_some_and(|have| have.eq_ignore_ascii_case(r))
            })
        })
        .collect();
    let contents: Vec<UserTask> = matching
        .iter()
        .filter(|t| t.id.map_or(0, i64::from) > after)
        .take(size)
        .map(|t| (*t).clone())
        .collect();
    ok(UserTaskPage {
        count: Some(contents.len() as i64),
        total: Some(matching.len() as i64),
        last_id: Some(contents.last().and_then(|t| t.id).map_or(0, i64::from)),
        contents: Some(contents),
    })
}

/// What the server requires of a task it creates or replaces.
fn check_task(db: &Db, task: &UserTask) -> Result<(), Response> {
    let mut v = Vec::new();
    if task.assigned_to_user_ids.is_empty() && task.assigned_to_role_ids.is_empty() {
        v.push(Violation::new(
            "assignedToUserIds",
            None,
            "at least one user or role must be assigned",
        ));
    }
    for (field, office) in [
        ("officeIdAssignedTo", task.office_id_assigned_to),
        ("officeIdAssignedFrom", task.office_id_assigned_from),
    ] {
        match office {
            None => v.push(Violation::new(field, None, "must not be null")),
            Some(id) if !db.offices.iter().any(|o| o.office_id == Some(id.into())) => {
                v.push(Violation::new(
                    field,
                    Some(&id.to_string()),
                    "must be an office of the clinic",
                ))
            }
            Some(_) => {}
        }
    }
    if task.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        v.push(Violation::new(
            "reason",
            task.reason.as_deref(),
            "must not be blank",
        ));
    }
    if task.task_due_date.is_none() {
        v.push(Violation::new("taskDueDate", None, "must not be null"));
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(constraint_violations(&v))
    }
}

/// Sets what the server sets on a write: the default priority, and who
/// completed the task and when (`before`: the task as it was).
fn settle(db: &mut Db, task: &mut UserTask, before: Option<&UserTask>) {
    if task.priority.as_deref().is_none_or(|p| p.trim().is_empty()) {
        task.priority = Some("Normal".to_owned());
    }
    let completed = task.completed == Some(true);
    let was_completed = before.is_some_and(|b| b.completed == Some(true));
    task.completed = Some(completed);
    match (completed, before) {
        (true, Some(b)) if was_completed => {
            task.completed_by.clone_from(&b.completed_by);
            task.completed_date.clone_from(&b.completed_date);
        }
        (true, _) => {
            task.completed_by = Some(SERVICE_USER.to_owned());
            task.completed_date = db.local_stamp().parse().ok();
        }
        (false, _) => {
            task.completed_by = None;
            task.completed_date = None;
        }
    }
    if let Some(b) = before {
        task.created_by.clone_from(&b.created_by);
        task.created_by_id = b.created_by_id;
        task.created_on.clone_from(&b.created_on);
    }
    task.deleted = Some(false);
}

/// 201 with the new task's id. Completion fields are not taken from a new
/// task: it starts open.
async fn create_task(Extract(state): S, body: Bytes) -> Response {
    let mut task: UserTask = match parse_body(&body) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let mut db = state.db();
    if let Err(e) = check_task(&db, &task) {
        return e;
    }
    let Ok(id) = i32::try_from(db.next_task) else {
        return api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            accuro_spec::texts::INTERNAL_SERVER_ERROR,
        );
    };
    db.next_task += 1;
    task.id = Some(id);
    task.completed = Some(false);
    task.created_by = Some(SERVICE_USER.to_owned());
    task.created_by_id = Some(SERVICE_USER_ID);
    task.created_on = db.local_stamp().parse().ok();
    settle(&mut db, &mut task, None);
    db.tasks.insert(id.into(), task);
    (StatusCode::CREATED, Json(id)).into_response()
}

async fn get_task(Extract(state): S, Path(id): Path<String>) -> Response {
    let db = state.db();
    match live(&db, &id) {
        Ok(id) => ok(db.tasks.get(&id)),
        Err(e) => e,
    }
}

/// Stores `task` as task `id` (which exists) after the server's checks: 204.
fn store(db: &mut Db, id: i64, mut task: UserTask) -> Response {
    if let Err(e) = check_task(db, &task) {
        return e;
    }
    let before = db.tasks.get(&id).cloned();
    task.id = before.as_ref().and_then(|b| b.id);
    settle(db, &mut task, before.as_ref());
    db.tasks.insert(id, task);
    StatusCode::NO_CONTENT.into_response()
}

async fn update_task(Extract(state): S, Path(id): Path<String>, body: Bytes) -> Response {
    let mut db = state.db();
    let id = match live(&db, &id) {
        Ok(id) => id,
        Err(e) => return e,
    };
    match parse_body(&body) {
        Ok(task) => store(&mut db, id, task),
        Err(e) => e,
    }
}

/// A JSON merge patch (RFC 7396) of the task's fields.
async fn patch_task(Extract(state): S, Path(id): Path<String>, body: Bytes) -> Response {
    let Ok(patch) = serde_json::from_slice::<Value>(&body) else {
        return api_error(StatusCode::BAD_REQUEST, "Unable to process json.");
    };
    let mut db = state.db();
    let id = match live(&db, &id) {
        Ok(id) => id,
        Err(e) => return e,
    };
    let Some(Ok(mut merged)) = db.tasks.get(&id).map(serde_json::to_value) else {
        return api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            accuro_spec::texts::INTERNAL_SERVER_ERROR,
        );
    };
    merge_patch(&mut merged, &patch);
    let Ok(bytes) = serde_json::to_vec(&merged) else {
        return api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            accuro_spec::texts::INTERNAL_SERVER_ERROR,
        );
    };
    match parse_body(&bytes) {
        Ok(task) => store(&mut db, id, task),
        Err(e) => e,
    }
}

async fn delete_task(Extract(state): S, Path(id): Path<String>) -> Response {
    let mut db = state.db();
    let id = match live(&db, &id) {
        Ok(id) => id,
        Err(e) => return e,
    };
    if let Some(task) = db.tasks.get_mut(&id) {
        task.deleted = Some(true);
    }
    StatusCode::NO_CONTENT.into_response()
}
