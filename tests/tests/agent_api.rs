//! The agent API against the real worker under `wrangler dev`: tokens from the operator
//! command, filters and pagination, the case detail and its evidence, the workflow
//! rules, and one store's agents never reaching another store's cases.
//!
//! One worker serves every scenario, in order, inside one test.

use std::collections::BTreeSet;

use redress_e2e::api::{self, agent_get, complaint};
use std::time::Duration;

use redress_e2e::{fixture, sha256_hex, AgentClient, Browser, Complaint, TestApp};
use redress_shared::inbox_ids as ids;
use redress_shared::{case_page_ids, widget_ids};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_work_their_stores_cases_and_only_theirs() {
    let app = TestApp::start(&[]).await;
    app.edge.create_store("demo-store", "Demo Store");
    app.edge.create_store("other-store", "Other Store");
    let ana = app.edge.issue_agent_token("demo-store", "Ana Agent");
    let ana = app.agent(ana.token.as_str());
    let olga = app.edge.issue_agent_token("other-store", "Olga Other");
    let olga = app.agent(olga.token.as_str());

    let cases = file_cases(&app).await;
    only_a_live_token_opens_the_api(&app, &ana).await;
    filters_find_the_cases_they_name(&ana, &cases).await;
    pages_walk_every_case_once_in_deadline_order(&app, &ana).await;
    the_detail_shows_evidence_signals_and_timeline(&app, &ana, &cases.lamp).await;
    a_case_moves_along_the_workflow_and_illegal_moves_are_refused(&app, &ana, &cases.lamp).await;
    trends_count_the_stores_complaints_by_what_they_are_about(&app, &ana).await;
    the_shopper_sees_the_reply_and_status_and_nothing_internal(&app, &cases.lamp).await;
    an_agent_works_a_case_in_the_inbox_page(&app, &ana).await;
    another_stores_agent_sees_nothing_of_this_store(&app, &olga, &cases.lamp).await;
}

/// The cases the scenarios work on, by what they are about.
struct Cases {
    /// A damaged lamp with a photo.
    lamp: Filed,
}

struct Filed {
    id: String,
    reference: String,
    status_token: String,
    photo_sha256: String,
}

async fn file_cases(app: &TestApp) -> Cases {
    let photo = std::fs::read(fixture("cracked-shade.png")).expect("fixture");
    let uploaded = app.upload_evidence("image/png", photo.clone()).await;
    let mut lamp = complaint(
        "L-100",
        "lamp@example.com",
        "The lamp arrived with its shade cracked in two places.",
        "replacement",
    );
    lamp["evidence"] = json!([uploaded["token"]]);
    lamp["product_id"] = json!("aurora-desk-lamp");
    let receipt = app.file_complaint(lamp).await;

    for (order, text) in [
        (
            "P-1",
            "My parcel never arrived, tracking has not moved for two weeks.",
        ),
        ("P-2", "I was charged twice for the same order."),
        (
            "P-3",
            "Die Lieferung kam nie an, das Paket ist verschwunden.",
        ),
        (
            "P-4",
            "The sofa cushion is the wrong colour, grey instead of green.",
        ),
    ] {
        app.file_complaint(complaint(order, "many@example.com", text, "full_refund"))
            .await;
    }
    // Another store's case, which demo-store's agents must never see.
    let mut foreign = complaint("X-1", "x@example.com", "The kettle leaks.", "repair");
    foreign["store_id"] = json!("other-store");
    app.file_complaint(foreign).await;

    Cases {
        lamp: Filed {
            id: receipt["id"].as_str().expect("id").to_owned(),
            reference: receipt["reference"].as_str().expect("reference").to_owned(),
            status_token: receipt["status_token"]
                .as_str()
                .expect("a status token")
                .to_owned(),
            photo_sha256: sha256_hex(&photo),
        },
    }
}

async fn only_a_live_token_opens_the_api(app: &TestApp, agent: &AgentClient<'_>) {
    let edge = &app.edge;
    // No token at all.
    let (status, body) = agent_get(&app.http, edge, None, "/v1/agent/cases").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let forged = format!("rdat_{}", "0".repeat(32));
    let (status, _) = app.agent(&forged).try_get("/v1/agent/cases").await;
    assert_eq!(status, 401);

    let revoked = edge.issue_agent_token("demo-store", "Leaver");
    xtask::agents::revoke(&edge.d1(), &revoked.id).expect("revoke");
    let revoked = app.agent(revoked.token.as_str());
    let (status, _) = revoked.try_get("/v1/agent/cases").await;
    assert_eq!(status, 401, "a revoked token stops working at once");

    let (status, _) = agent.try_get("/v1/agent/cases").await;
    assert_eq!(status, 200);
    let used = edge.query("SELECT last_used_at FROM agent_tokens WHERE agent = 'Ana Agent'");
    assert!(used[0]["last_used_at"].is_string(), "use is recorded");
}

async fn filters_find_the_cases_they_name(agent: &AgentClient<'_>, cases: &Cases) {
    let list = |query: &'static str| async move {
        let (status, page) = agent.try_get(&format!("/v1/agent/cases{query}")).await;
        assert_eq!(status, 200, "{query}: {page}");
        page["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .map(|c| c["order_number"].as_str().expect("order").to_owned())
            .collect::<BTreeSet<String>>()
    };
    let all = list("").await;
    assert_eq!(
        all,
        set(&["L-100", "P-1", "P-2", "P-3", "P-4"]),
        "never another store's"
    );
    assert_eq!(list("?category=damaged").await, set(&["L-100"]));
    assert_eq!(list("?category=not_received").await, set(&["P-1", "P-3"]));
    assert_eq!(list("?lang=de").await, set(&["P-3"]));
    assert_eq!(list("?product=aurora-desk-lamp").await, set(&["L-100"]));
    assert_eq!(list("?q=charged%20twice").await, set(&["P-2"]));
    assert_eq!(list("?q=P-4").await, set(&["P-4"]));
    assert_eq!(list("?status=resolved,closed").await, set(&[]));
    assert_eq!(list("?overdue=true").await, set(&[]));
    assert_eq!(list("?from=2000-01-01&to=2000-01-02").await, set(&[]));
    let by_reference = format!("/v1/agent/cases?q={}", cases.lamp.reference);
    let (_, page) = agent.try_get(&by_reference).await;
    assert_eq!(page["cases"][0]["id"], cases.lamp.id.as_str());

    let (status, body) = agent.try_get("/v1/agent/cases?limit=0&colour=red").await;
    assert_eq!(status, 400);
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["limit", "colour"]);
}

async fn pages_walk_every_case_once_in_deadline_order(app: &TestApp, agent: &AgentClient<'_>) {
    let edge = &app.edge;
    let mut seen = Vec::new();
    let mut path = "/v1/agent/cases?limit=2".to_owned();
    loop {
        let (status, page) = agent.try_get(&path).await;
        assert_eq!(status, 200, "{page}");
        let cases = page["cases"].as_array().expect("cases");
        assert!(cases.len() <= 2);
        seen.extend(cases.iter().map(|c| {
            (
                c["respond_by"].as_str().expect("deadline").to_owned(),
                c["id"].as_str().expect("id").to_owned(),
            )
        }));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/agent/cases?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5, "every case once: {seen:?}");
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "soonest deadline first");
    let stored = edge.count("SELECT COUNT(*) AS n FROM cases WHERE store_id = 'demo-store'");
    assert_eq!(stored, 5);
}

async fn the_detail_shows_evidence_signals_and_timeline(
    app: &TestApp,
    agent: &AgentClient<'_>,
    lamp: &Filed,
) {
    let (edge, http) = (&app.edge, &app.http);
    let path = format!("/v1/agent/cases/{}", lamp.id);
    let (status, case) = agent.try_get(&path).await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["reference"], lamp.reference.as_str());
    assert_eq!(case["category"], "damaged");
    assert!(!case["signals"].as_array().expect("signals").is_empty());
    assert_eq!(case["evidence"][0]["sha256"], lamp.photo_sha256.as_str());
    assert_eq!(case["timeline"][0]["kind"], "created");
    assert_eq!(case["timeline"][0]["actor"], "shopper");
    assert_eq!(
        case["next_statuses"],
        json!(["in_progress", "waiting_for_shopper", "resolved", "closed"])
    );

    // The evidence comes back byte for byte, typed by its content, never sniffed.
    let response = http
        .get(edge.url(&format!("{path}/evidence/0")))
        .bearer_auth(agent.token())
        .send()
        .await
        .expect("download");
    assert_eq!(response.status(), 200);
    let header = |name: &str| api::header(&response, name);
    assert_eq!(header("content-type"), "image/png");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("content-disposition").starts_with("inline"));
    assert!(header("content-security-policy").contains("sandbox"));
    let bytes = response.bytes().await.expect("bytes");
    assert_eq!(sha256_hex(&bytes), lamp.photo_sha256);

    let (status, _) = agent.try_get(&format!("{path}/evidence/1")).await;
    assert_eq!(status, 404);
}

async fn a_case_moves_along_the_workflow_and_illegal_moves_are_refused(
    app: &TestApp,
    agent: &AgentClient<'_>,
    lamp: &Filed,
) {
    let edge = &app.edge;
    let path = format!("/v1/agent/cases/{}", lamp.id);
    let patch = |body: Value| agent.try_send(Method::PATCH, &path, body);

    let (status, body) = patch(json!({"status": "resolved"})).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "resolution");
    let (status, body) = patch(json!({"status": "new"})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("illegal_transition"))
    );
    let (status, body) = patch(json!({"status": "on_hold"})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("malformed_json"))
    );
    let events_before = edge.count(&format!(
        "SELECT COUNT(*) AS n FROM case_events WHERE case_id = '{}'",
        lamp.id
    ));
    assert_eq!(events_before, 1, "refused changes write nothing");

    let (status, case) = patch(json!({"status": "in_progress", "assignee": "Ana Agent"})).await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["status"], "in_progress");
    assert_eq!(case["assignee"], "Ana Agent");

    let note = format!("{path}/notes");
    let reply = format!("{path}/replies");
    let hostile = "<script>alert(1)</script> '); DROP TABLE cases; --";
    let status = post_text(agent, &note, hostile).await;
    assert_eq!(status, 200);
    let status = post_text(agent, &note, "  ").await;
    assert_eq!(status, 400);
    let words = "A new shade is on its way; it should reach you on Thursday.";
    let status = post_text(agent, &reply, words).await;
    assert_eq!(status, 200);

    let (status, case) = patch(json!({"status": "resolved", "resolution": "replacement"})).await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["status"], "resolved");
    assert_eq!(case["resolution_taken"], "replacement");
    let timeline: Vec<(String, String, bool)> = case["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().expect("kind").to_owned(),
                e["value"].as_str().unwrap_or_default().to_owned(),
                e["public"].as_bool().expect("public"),
            )
        })
        .collect();
    let expected = [
        ("created", "", true),
        ("assigned", "Ana Agent", false),
        ("status_changed", "in_progress", true),
        ("note", hostile, false),
        ("reply", words, true),
        ("resolution_taken", "replacement", false),
        ("status_changed", "resolved", true),
    ];
    let expected: Vec<(String, String, bool)> = expected
        .iter()
        .map(|(k, v, p)| (k.to_string(), v.to_string(), *p))
        .collect();
    assert_eq!(timeline, expected);
    assert!(case["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .skip(1)
        .all(|e| e["actor"] == "Ana Agent"));
    // Stored verbatim, as data.
    assert_eq!(edge.count("SELECT COUNT(*) AS n FROM cases"), 6);

    // Reopening, then closing.
    let (status, case) = patch(json!({"status": "in_progress"})).await;
    assert_eq!(
        (status, case["status"].as_str()),
        (200, Some("in_progress"))
    );
    let (status, case) = patch(json!({"status": "closed"})).await;
    assert_eq!((status, case["status"].as_str()), (200, Some("closed")));
    let (status, _) = patch(json!({"status": "waiting_for_shopper"})).await;
    assert_eq!(status, 409);
}

async fn another_stores_agent_sees_nothing_of_this_store(
    app: &TestApp,
    agent: &AgentClient<'_>,
    lamp: &Filed,
) {
    let edge = &app.edge;
    let (status, page) = agent.try_get("/v1/agent/cases").await;
    assert_eq!(status, 200);
    let orders: Vec<&str> = page["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["order_number"].as_str().expect("order"))
        .collect();
    assert_eq!(orders, ["X-1"]);

    let path = format!("/v1/agent/cases/{}", lamp.id);
    for path in [path.clone(), format!("{path}/evidence/0")] {
        let (status, body) = agent.try_get(&path).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("not_found")),
            "{path}"
        );
    }
    let before = edge.count("SELECT COUNT(*) AS n FROM case_events");
    let (status, _) = agent
        .try_send(Method::PATCH, &path, json!({"status": "in_progress"}))
        .await;
    assert_eq!(status, 404);
    let status = post_text(agent, &format!("{path}/notes"), "hi").await;
    assert_eq!(status, 404);
    assert_eq!(edge.count("SELECT COUNT(*) AS n FROM case_events"), before);
}

async fn trends_count_the_stores_complaints_by_what_they_are_about(
    app: &TestApp,
    agent: &AgentClient<'_>,
) {
    let edge = &app.edge;
    let (status, trends) = agent.try_get("/v1/agent/trends").await;
    assert_eq!(status, 200, "{trends}");
    let totals: Vec<(String, u64)> = trends["totals"]
        .as_array()
        .expect("totals")
        .iter()
        .map(|t| {
            (
                t["key"].as_str().unwrap_or("-").to_owned(),
                t["count"].as_u64().expect("count"),
            )
        })
        .collect();
    let expected: Vec<(String, u64)> = [
        ("not_received", 2),
        ("billing", 1),
        ("damaged", 1),
        ("not_as_described", 1),
    ]
    .iter()
    .map(|(k, n)| (k.to_string(), *n))
    .collect();
    assert_eq!(
        totals, expected,
        "this store's five cases, not the other store's"
    );
    let today = edge.query("SELECT substr(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 1, 10) AS d")[0]
        ["d"]
        .clone();
    assert!(trends["series"]
        .as_array()
        .expect("series")
        .iter()
        .all(|p| p["period"] == today));

    let (status, weekly) = agent
        .try_get("/v1/agent/trends?by=product&bucket=week")
        .await;
    assert_eq!(status, 200, "{weekly}");
    let products: Vec<(Value, u64)> = weekly["totals"]
        .as_array()
        .expect("totals")
        .iter()
        .map(|t| (t["key"].clone(), t["count"].as_u64().expect("count")))
        .collect();
    assert_eq!(products, [(Value::Null, 4), (json!("aurora-desk-lamp"), 1)]);

    let (status, none) = agent
        .try_get("/v1/agent/trends?from=2000-01-01&to=2000-02-01")
        .await;
    assert_eq!(
        (status, none["series"].as_array().map(Vec::len)),
        (200, Some(0))
    );
    let (status, _) = agent.try_get("/v1/agent/trends?by=colour").await;
    assert_eq!(status, 400);
}

async fn the_shopper_sees_the_reply_and_status_and_nothing_internal(app: &TestApp, lamp: &Filed) {
    let (status, view) = app
        .try_shopper_status(&lamp.reference, Some(&lamp.status_token))
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["status"], "closed");
    assert_eq!(view["reference"], lamp.reference.as_str());
    let kinds: Vec<&str> = view["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "status_changed",
            "reply",
            "status_changed",
            "status_changed",
            "status_changed"
        ]
    );
    let text = view.to_string();
    assert!(text.contains("A new shade is on its way"));
    for internal in [
        "Ana Agent",
        "DROP TABLE",
        "replacement",
        "damaged",
        "signals",
    ] {
        assert!(
            !text.contains(internal),
            "{internal} shown to the shopper: {text}"
        );
    }

    // Without the right token the case does not exist.
    let other_token = format!("st_{}", "0".repeat(32));
    for token in [None, Some(other_token.as_str())] {
        let (status, body) = app.try_shopper_status(&lamp.reference, token).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("not_found"))
        );
    }
}

/// The whole loop in Chromium: a shopper files a case in the widget; an agent signs in
/// to the inbox, finds it, reads the shopper's words as text, replies, notes, resolves;
/// the shopper's status link then shows the reply and the new status, and no note.
async fn an_agent_works_a_case_in_the_inbox_page(app: &TestApp, agent: &AgentClient<'_>) {
    let edge = &app.edge;
    let hostile = "<img src=x onerror=\"document.title='owned'\"> The mirror arrived shattered.";
    let photo = fixture("cracked-shade.png");
    let browser = Browser::start().await;
    browser.goto(&edge.url("/")).await;
    browser.click(widget_ids::LAUNCHER).await;
    Complaint {
        order_number: "M-7",
        email: "mirror@example.com",
        description: hostile,
        resolution: "full_refund",
        file: Some(&photo),
    }
    .fill_and_send(&browser)
    .await;
    let reference = browser
        .widget_text(widget_ids::REFERENCE, Duration::from_secs(30))
        .await
        .expect("the receipt shows a reference");
    let status_link = browser.receipt_link().await;
    let status_token = status_link
        .rsplit_once('.')
        .map(|(_, token)| token.to_owned())
        .expect("the link carries the status token");

    browser.goto(&edge.url("/agent/")).await;
    let input = browser.page(&format!("#{}", ids::TOKEN_INPUT)).await;
    input
        .send_keys(agent.token())
        .await
        .expect("type the token");
    browser.click_on(&format!("#{}", ids::SIGN_IN)).await;
    browser
        .click_on(&format!("[data-reference='{reference}']"))
        .await;

    let description = browser
        .page_text_where(&format!("#{}", ids::CASE_DESCRIPTION), |t| !t.is_empty())
        .await
        .expect("the description is shown");
    assert_eq!(description, hostile, "shown as text, never as markup");
    let title = browser.client.title().await.expect("title");
    assert_ne!(title, "owned");

    let reply = "Sorry about the mirror: your refund is on its way.";
    browser
        .page(&format!("#{}", ids::REPLY_TEXT))
        .await
        .send_keys(reply)
        .await
        .expect("type the reply");
    browser.click_on(&format!("#{}", ids::REPLY_SEND)).await;
    let timeline = format!("#{}", ids::CASE_TIMELINE);
    browser
        .page_text_where(&timeline, |t| t.contains(reply))
        .await
        .expect("the reply is in the timeline");
    browser
        .page(&format!("#{}", ids::NOTE_TEXT))
        .await
        .send_keys("Refund issued in the shop's back office.")
        .await
        .expect("type the note");
    browser.click_on(&format!("#{}", ids::NOTE_SEND)).await;
    browser
        .page_text_where(&timeline, |t| t.contains("back office"))
        .await
        .expect("the note is in the timeline");
    browser
        .page(&format!("#{}", ids::RESOLUTION))
        .await
        .select_by_value("full_refund")
        .await
        .expect("choose the resolution");
    browser.click_on("[data-status='resolved']").await;
    browser
        .page_text_where(&format!("#{}", ids::CASE_STATUS), |t| t == "resolved")
        .await
        .expect("the case shows resolved");

    // The trends page charts this store's complaints.
    browser.click_on(&format!("#{}", ids::NAV_TRENDS)).await;
    browser
        .page_text_where(&format!("#{}", ids::TRENDS), |t| t.contains("damaged"))
        .await
        .expect("trends are charted");

    // The shopper follows the link on their receipt to their case page.
    browser.goto(&status_link).await;
    let shown = browser
        .page_text_where(&format!("#{}", case_page_ids::STATUS), |t| !t.is_empty())
        .await
        .expect("the case page shows the case's status");
    assert_eq!(shown, "Resolved");
    let timeline = browser
        .page_text_where(&format!("#{}", case_page_ids::TIMELINE), |t| !t.is_empty())
        .await
        .expect("the case's timeline");
    assert!(timeline.contains(reply), "{timeline}");
    assert!(
        !timeline.contains("back office"),
        "notes stay internal: {timeline}"
    );
    browser.close().await;

    let (status, view) = app
        .try_shopper_status(&reference, Some(&status_token))
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["status"], "resolved");
    let text = view.to_string();
    assert!(text.contains(reply));
    assert!(!text.contains("back office"), "notes stay internal");
}

/// POSTs `{"text"}` (a note or a reply) and answers the status.
async fn post_text(agent: &AgentClient<'_>, path: &str, text: &str) -> u16 {
    agent
        .try_send(Method::POST, path, json!({ "text": text }))
        .await
        .0
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}
