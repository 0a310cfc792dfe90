//! Tasks: state. Created, read, listed in their created-date window,
//! replaced, merge-patched and deleted.

use accuro_client::{ErrorKind, types};
use accuro_sandbox::Config;
use serde_json::json;

use crate::{client_for, date, start};

/// Tasks created in November 2026 (the seeded ones and the sandbox's new ones).
fn window(q: accuro_client::builder::ListTasks<'_>) -> accuro_client::builder::ListTasks<'_> {
    q.created_start_date("2026-11-01")
        .created_end_date("2026-11-30")
}

/// A task with what the server requires.
fn new_task(reason: &str, due: &str) -> types::UserTask {
    types::UserTask {
        assigned_to_user_ids: vec![3],
        patient_id: Some(1001),
        reason: Some(reason.to_owned()),
        notes: Some("Synthetic follow-up".to_owned()),
        office_id_assigned_to: Some(1),
        office_id_assigned_from: Some(2),
        task_due_date: Some(date(due)),
        // Not taken on create: a new task starts open.
        completed: Some(true),
        ..types::UserTask::default()
    }
}

#[tokio::test]
async fn tasks_are_created_read_listed_changed_and_deleted() {
    let sandbox = start(Config::default()).await;
    let c = client_for(&sandbox);
    let seeded = c
        .get_task()
        .task_id(accuro_sandbox::FIRST_TASK as i32)
        .send()
        .await
        .expect("a seeded task")
        .into_inner();
    assert_eq!(seeded.id, Some(accuro_sandbox::FIRST_TASK as i32));

    let created = c
        .create_task()
        .body(new_task("Call patient", "2026-12-15"))
        .send()
        .await
        .expect("create_task");
    assert_eq!(created.status().as_u16(), 201);
    let id = i32::try_from(created.into_inner()).expect("an int32 id");
    let task = c
        .get_task()
        .task_id(id)
        .send()
        .await
        .expect("get_task")
        .into_inner();
    assert_eq!(task.id, Some(id));
    assert_eq!(task.reason.as_deref(), Some("Call patient"));
    assert_eq!(task.task_due_date, Some(date("2026-12-15")));
    assert_eq!(task.priority.as_deref(), Some("Normal"), "the default");
    assert_eq!(task.completed, Some(false), "a new task starts open");
    assert!(task.completed_by.is_none() && task.completed_date.is_none());
    assert!(task.created_by.is_some() && task.created_on.is_some());
    assert_eq!(task.deleted, Some(false));

    // Listed in its created-date window, page by page.
    let mut listed = Vec::new();
    let mut after = 0;
    loop {
        let page = window(c.list_tasks())
            .page_size(5)
            .starting_id(after)
            .send()
            .await
            .expect("list_tasks")
            .into_inner();
        let contents = page.contents.unwrap_or_default();
        if contents.is_empty() {
            assert_eq!(page.last_id, Some(0));
            break;
        }
        assert!(contents.len() <= 5);
        after = page.last_id.expect("lastId");
        listed.extend(contents);
    }
    assert!(listed.iter().any(|t| t.id == Some(id)));
    assert!(listed.iter().all(|t| t.completed != Some(true)));
    let with_completed = window(c.list_tasks())
        .include_completed(true)
        .page_size(50)
        .send()
        .await
        .expect("list_tasks")
        .into_inner();
    assert!(with_completed.total > Some(listed.len() as i64));
    let by_reason = window(c.list_tasks())
        .reason("call patient")
        .patient_id(1001)
        .send()
        .await
        .expect("list_tasks")
        .into_inner();
    assert!(
        by_reason
            .contents
            .iter()
            .flatten()
            .all(|t| t.reason.as_deref() == Some("Call patient") && t.patient_id == Some(1001))
    );
    // The window is required, and at most 30 days.
    for (start, end) in [("2026-10-01", "2026-11-30"), ("2026-11-30", "2026-11-01")] {
        let err = c
            .list_tasks()
            .created_start_date(start)
            .created_end_date(end)
            .send()
            .await
            .expect_err("400");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    }

    // Replaced: completing it stamps who and when; what it was created with stays.
    let mut change = new_task("Call patient", "2026-12-16");
    change.notes = Some("Left a message".to_owned());
    change.completed = Some(true);
    let replaced = c
        .update_task()
        .task_id(id)
        .body(change)
        .send()
        .await
        .expect("update_task");
    assert_eq!(replaced.status().as_u16(), 204);
    let after_update = c
        .get_task()
        .task_id(id)
        .send()
        .await
        .expect("get_task")
        .into_inner();
    assert_eq!(after_update.notes.as_deref(), Some("Left a message"));
    assert_eq!(after_update.task_due_date, Some(date("2026-12-16")));
    assert_eq!(after_update.completed, Some(true));
    assert!(after_update.completed_by.is_some() && after_update.completed_date.is_some());
    assert_eq!(after_update.created_on, task.created_on);
    // Merge-patched.
    c.patch_task(id, &json!({"priority": "Urgent", "notes": null}))
        .await
        .expect("patch_task");
    let patched = c
        .get_task()
        .task_id(id)
        .send()
        .await
        .expect("get_task")
        .into_inner();
    assert_eq!(patched.priority.as_deref(), Some("Urgent"));
    assert_eq!(patched.notes, None);
    assert_eq!(patched.completed_date, after_update.completed_date);

    // What the server requires of a task.
    let err = c
        .create_task()
        .body(types::UserTask {
            assigned_to_user_ids: Vec::new(),
            reason: None,
            ..new_task("", "2026-12-15")
        })
        .send()
        .await
        .expect_err("400");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let fields: Vec<_> = err
        .api_error()
        .and_then(|b| b.constraint_violations.clone())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.field)
        .collect();
    assert!(
        fields.iter().any(|f| f == "assignedToUserIds"),
        "{fields:?}"
    );
    assert!(fields.iter().any(|f| f == "reason"), "{fields:?}");

    // Deleted: gone for every call.
    let deleted = c
        .delete_task()
        .task_id(id)
        .send()
        .await
        .expect("delete_task");
    assert_eq!(deleted.status().as_u16(), 204);
    let gone = c.get_task().task_id(id).send().await.expect_err("404");
    assert_eq!(gone.kind(), ErrorKind::NotFound);
    assert_eq!(
        gone.api_error().and_then(|b| b.error.as_deref()),
        Some("Not Found")
    );
    let again = c.delete_task().task_id(id).send().await.expect_err("404");
    assert_eq!(again.kind(), ErrorKind::NotFound);
    let listed_again = window(c.list_tasks())
        .include_completed(true)
        .page_size(50)
        .send()
        .await
        .expect("list_tasks")
        .into_inner();
    assert!(
        !listed_again
            .contents
            .iter()
            .flatten()
            .any(|t| t.id == Some(id))
    );
    let unknown = c
        .update_task()
        .task_id(999_999)
        .body(new_task("Call patient", "2026-12-15"))
        .send()
        .await
        .expect_err("404");
    assert_eq!(unknown.kind(), ErrorKind::NotFound);
}
