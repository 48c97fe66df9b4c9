//! Service levels against the real worker: a store in New York's business hours has
//! its cases due exactly when the IANA database says (the worker asks workerd's Intl,
//! the test asks chrono-tz); waiting for the shopper pauses both clocks and their answer
//! moves the due times on by the pause; a priority change moves them by the difference
//! between the targets; a missed target is recorded once, on the timeline and as
//! `case.sla_breached` on the store's webhook, and the inbox lists it under "breached";
//! a paused case past its due time is not breached.
//!
//! One worker serves every scenario, in order, inside one test.

use std::time::Duration;

use redress_e2e::{api, AgentClient, TestApp, WebhookReceiver};
use redress_shared::business_hours::{BusinessHours, Calendar, Zone};
use redress_shared::time::{parse_rfc3339, rfc3339, MS_PER_DAY, MS_PER_HOUR};
use serde_json::{json, Value};
use xtask::stores::StoreChanges;

const STORE: &str = "harbor-goods";
const NEW_YORK: &str = "mon-fri 09:00-18:00 America/New_York";

/// The IANA database, as the worker's platform has it.
struct Iana(chrono_tz::Tz);

impl Zone for Iana {
    fn offset_ms(&self, utc_ms: i64) -> i64 {
        use chrono::{Offset, TimeZone};
        let at = chrono::DateTime::from_timestamp_millis(utc_ms).expect("in range");
        i64::from(
            self.0
                .offset_from_utc_datetime(&at.naive_utc())
                .fix()
                .local_minus_utc(),
        ) * 1000
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cases_are_due_in_business_hours_pause_while_waiting_and_breach_once() {
    let webhook = WebhookReceiver::start();
    let app = TestApp::start(&[]).await;
    // Tomorrow in New York is a holiday: the due times must step over it.
    let tomorrow = {
        let now = parse_rfc3339(&now_text()).expect("now");
        let local = now + Iana(chrono_tz::America::New_York).offset_ms(now);
        redress_shared::business_hours::date_text(local.div_euclid(MS_PER_DAY) + 1)
    };
    let hours = BusinessHours::parse(NEW_YORK, &[tomorrow]).expect("valid hours");
    app.edge.put_store(
        STORE,
        StoreChanges {
            name: Some("Harbor Goods".to_owned()),
            webhook_url: Some(webhook.url().to_owned()),
            business_hours: Some(Some(hours.clone())),
            holidays: Some(hours.holidays.clone()),
            ..StoreChanges::default()
        },
    );
    let agent_token = app.edge.issue_agent_token(STORE, "Dana");
    let agent = app.agent(agent_token.token.as_str());

    a_case_is_due_when_the_iana_database_says(&app, &agent, &hours).await;
    // The rest count around the clock, where every difference is exact.
    app.edge.put_store(
        STORE,
        StoreChanges {
            business_hours: Some(None),
            ..StoreChanges::default()
        },
    );
    waiting_for_the_shopper_pauses_the_clocks_and_their_answer_resumes_them(&app, &agent).await;
    a_priority_change_moves_both_due_times(&app, &agent).await;
    a_missed_target_is_recorded_once_and_the_store_is_told(&app, &agent, &webhook).await;
}

fn now_text() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis();
    rfc3339(ms as i64)
}

struct Filed {
    id: String,
    reference: String,
    token: String,
}

async fn file(app: &TestApp, agent: &AgentClient<'_>, order: &str, email: &str) -> Filed {
    let mut complaint = api::complaint(
        order,
        email,
        "The kettle arrived with a cracked lid and it leaks.",
        "replacement",
    );
    complaint["store_id"] = json!(STORE);
    let receipt = app.file_complaint(complaint).await;
    let reference = receipt["reference"].as_str().expect("reference").to_owned();
    let token = receipt["status_token"].as_str().expect("token").to_owned();
    Filed {
        id: agent.case_id_of(&reference).await,
        reference,
        token,
    }
}

fn ms(case: &Value, field: &str) -> i64 {
    let text = case[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} in {case}"));
    parse_rfc3339(text).unwrap_or_else(|| panic!("{field}: {text}"))
}

async fn a_case_is_due_when_the_iana_database_says(
    app: &TestApp,
    agent: &AgentClient<'_>,
    hours: &BusinessHours,
) {
    let case = file(app, agent, "NY-1", "ny@example.com").await;
    let detail = agent.case(&case.id).await;
    assert_eq!(detail["priority"], "normal", "{detail}");
    let zone = Iana(chrono_tz::America::New_York);
    let calendar = Calendar::of(Some(hours), &zone);
    let filed = ms(&detail, "created_at");
    assert_eq!(
        detail["respond_by"].as_str(),
        Some(rfc3339(calendar.shift(filed, 24 * MS_PER_HOUR)).as_str()),
        "24 working hours from filing, holiday and weekend skipped"
    );
    assert_eq!(
        detail["resolve_by"].as_str(),
        Some(rfc3339(calendar.shift(filed, 120 * MS_PER_HOUR)).as_str()),
        "120 working hours"
    );
}

async fn waiting_for_the_shopper_pauses_the_clocks_and_their_answer_resumes_them(
    app: &TestApp,
    agent: &AgentClient<'_>,
) {
    let case = file(app, agent, "NY-2", "pause@example.com").await;
    let before = agent.case(&case.id).await;
    agent
        .update(&case.id, json!({ "status": "waiting_for_shopper" }))
        .await;
    // The shopper takes three hours to answer: the pause is moved back rather than
    // waited for.
    let paused = app.edge.query(&format!(
        "SELECT clock_paused_at FROM cases WHERE id = '{}'",
        case.id
    ));
    let paused_at =
        parse_rfc3339(paused[0]["clock_paused_at"].as_str().expect("paused")).expect("an instant");
    let three_hours_earlier = rfc3339(paused_at - 3 * MS_PER_HOUR);
    app.edge.execute(&format!(
        "UPDATE cases SET clock_paused_at = '{three_hours_earlier}' WHERE id = '{}'",
        case.id
    ));
    let (status, _) = app
        .try_shopper_message(
            &case.reference,
            &case.token,
            "The lid is cracked right across.",
        )
        .await;
    assert_eq!(status, 200);
    let after = agent.case(&case.id).await;
    assert_eq!(after["status"], "in_progress");
    let resumed = after["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .rev()
        .find(|e| e["kind"] == "status_changed" && e["value"] == "in_progress")
        .map(|e| parse_rfc3339(e["at"].as_str().expect("at")).expect("an instant"))
        .expect("resumed on the timeline");
    let paused_for = resumed - (paused_at - 3 * MS_PER_HOUR);
    for field in ["respond_by", "resolve_by"] {
        assert_eq!(
            ms(&after, field) - ms(&before, field),
            paused_for,
            "{field} moved on by the pause"
        );
    }
    let cleared = app.edge.query(&format!(
        "SELECT clock_paused_at FROM cases WHERE id = '{}'",
        case.id
    ));
    assert!(cleared[0]["clock_paused_at"].is_null(), "{cleared:?}");
}

async fn a_priority_change_moves_both_due_times(app: &TestApp, agent: &AgentClient<'_>) {
    let case = file(app, agent, "NY-3", "urgent@example.com").await;
    let before = agent.case(&case.id).await;
    let after = agent
        .update(&case.id, json!({ "priority": "urgent" }))
        .await;
    assert_eq!(after["priority"], "urgent", "{after}");
    // Normal gives 24 hours to answer and 120 to resolve; urgent 2 and 24.
    assert_eq!(
        ms(&after, "respond_by") - ms(&before, "respond_by"),
        -22 * MS_PER_HOUR
    );
    assert_eq!(
        ms(&after, "resolve_by") - ms(&before, "resolve_by"),
        -96 * MS_PER_HOUR
    );
    let changed = api::entries(&after, "priority_changed");
    assert_eq!(changed.len(), 1, "{after}");
    assert_eq!(changed[0]["value"], "urgent");
    assert_eq!(changed[0]["actor"], "Dana");
    // The same priority again changes nothing.
    let again = agent
        .update(&case.id, json!({ "priority": "urgent" }))
        .await;
    assert_eq!(again["respond_by"], after["respond_by"]);
}

async fn a_missed_target_is_recorded_once_and_the_store_is_told(
    app: &TestApp,
    agent: &AgentClient<'_>,
    webhook: &WebhookReceiver,
) {
    let late = file(app, agent, "NY-4", "late@example.com").await;
    let waiting = file(app, agent, "NY-5", "waiting@example.com").await;
    agent
        .update(&waiting.id, json!({ "status": "waiting_for_shopper" }))
        .await;
    // Both were due an hour ago; one is with the agents, the other with the shopper.
    let an_hour_ago = rfc3339(parse_rfc3339(&now_text()).expect("now") - MS_PER_HOUR);
    app.edge.execute(&format!(
        "UPDATE cases SET respond_by = '{an_hour_ago}' WHERE id IN ('{}', '{}')",
        late.id, waiting.id
    ));
    app.edge.run_scheduled().await;
    app.edge.run_scheduled().await;

    let breaches = |events: &[Value]| -> Vec<Value> {
        events
            .iter()
            .filter(|e| e["event"] == "case.sla_breached")
            .cloned()
            .collect()
    };
    let told = webhook
        .settle_for_at_least(&late.reference, 2, Duration::from_secs(30))
        .await;
    let missed = breaches(&told);
    assert_eq!(
        missed.len(),
        1,
        "once, however often the cron runs: {told:?}"
    );
    assert_eq!(missed[0]["activity"]["value"], "first_response");
    assert_eq!(missed[0]["activity"]["actor"], "redress");
    assert_eq!(missed[0]["case"]["respond_by"], an_hour_ago);

    let detail = agent.case(&late.id).await;
    assert!(detail["response_breached_at"].is_string(), "{detail}");
    assert!(detail["resolution_breached_at"].is_null(), "{detail}");
    assert_eq!(api::entries(&detail, "sla_breached").len(), 1);

    let paused = agent.case(&waiting.id).await;
    assert!(
        paused["response_breached_at"].is_null(),
        "a case waiting for the shopper is paused, not late: {paused}"
    );
    assert_eq!(agent.list("?breached=true").await, vec![late.id.clone()]);

    // Answering now meets nothing already missed; resolution is a target of its own.
    app.edge.execute(&format!(
        "UPDATE cases SET resolve_by = '{an_hour_ago}' WHERE id = '{}'",
        late.id
    ));
    app.edge.run_scheduled().await;
    let told = webhook
        .settle_for_at_least(&late.reference, 3, Duration::from_secs(30))
        .await;
    let missed = breaches(&told);
    assert_eq!(missed.len(), 2, "{told:?}");
    assert_eq!(missed[1]["activity"]["value"], "resolution");
}
