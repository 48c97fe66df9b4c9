//! One complaint, end to end: the demo storefront page in headless Chromium, the widget
//! in its shadow root, the worker under `wrangler dev`, D1, R2, the queue, and a store's
//! webhook. Then the edge's refusals, against the same worker.
//!
//! One worker serves every scenario (starting one costs seconds and half a gigabyte),
//! so the scenarios run in order inside one test and each is named when it fails.

use std::time::Duration;

use redress_e2e::api::{answer, complaint, signed};
use redress_e2e::{
    assert_refused, fixture, sha256_hex, standard_webhooks, Browser, Complaint, Edge, TestApp,
    WebhookReceiver,
};
use redress_shared::webhook_signature;
use redress_shared::widget_ids as ids;
use serde_json::{json, Value};
use xtask::stores::StoreChanges;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn complaints_travel_end_to_end_and_bad_requests_write_nothing() {
    let webhook = WebhookReceiver::start();
    let email_api = webhook.email_api_url();
    let app = TestApp::start(&[
        ("EMAIL_API_URL", &email_api),
        ("EMAIL_API_KEY", EMAIL_API_KEY),
        ("EMAIL_FROM", "cases@redress.test"),
    ])
    .await;
    let edge = &app.edge;

    let webhook_secret = the_operator_command_sets_up_a_store_and_its_agents(edge, &webhook);
    a_complaint_filed_in_the_widget_is_stored_with_its_evidence_and_notified_once(
        edge,
        &webhook,
        &webhook_secret,
    )
    .await;
    an_idempotent_retry_returns_the_first_case_and_notifies_once(&app, &webhook).await;
    the_widget_shows_each_error_next_to_its_field(edge).await;
    a_webhook_that_is_down_gets_the_case_once_it_is_back(&app, &webhook).await;
    a_second_complaint_about_the_same_order_is_raised_to_high(&app).await;
    a_case_whose_message_was_lost_is_sent_by_the_outbox_sweep_once(edge, &webhook).await;
    a_case_nearing_its_deadline_is_escalated_once(&app, &webhook).await;
    the_team_chat_gets_the_case_with_the_shoppers_words_as_plain_text(&app, &webhook).await;
    the_store_hears_the_whole_life_of_a_case(&app, &webhook, &webhook_secret).await;
    a_webhook_that_never_recovers_leaves_the_case_marked_failed(&app, &webhook).await;
    bad_requests_get_stable_codes_and_write_nothing(&app).await;
    sql_and_script_in_a_complaint_are_kept_as_text(&app).await;
    a_store_with_its_own_policy_gets_its_own_deadlines(&app).await;
    the_shopper_is_emailed_in_their_language_once_per_event(&app).await;
    the_shopper_answers_and_the_case_goes_back_to_the_store(&app, &webhook, &webhook_secret).await;
    unknown_stores_and_foreign_origins_are_refused_and_write_nothing(&app).await;
    the_widget_works_under_a_strict_csp_through_the_page_api(edge).await;
    every_documented_route_is_served(&app).await;
}

/// A storefront with a strict CSP (nonces, no inline handlers, no eval) opens the
/// widget from its own button through the queued `Redress()` API with a prefilled
/// order, and hears of the filed case through the API and a DOM event.
async fn the_widget_works_under_a_strict_csp_through_the_page_api(edge: &Edge) {
    let browser = Browser::start().await;
    browser.goto(&edge.url("/strict-csp.html")).await;
    assert_eq!(
        wasm_requests(&browser).await,
        0,
        "nothing fetched before opening"
    );
    browser
        .page("#open-order")
        .await
        .click()
        .await
        .expect("the page's own button");
    let order = browser.widget(ids::ORDER_NUMBER).await;
    let prefilled = redress_e2e::eventually(Duration::from_secs(10), || async {
        let value = order.prop("value").await.ok()??;
        (!value.is_empty()).then_some(value)
    })
    .await;
    assert_eq!(prefilled.as_deref(), Some("B-77"));
    let email = browser
        .widget(ids::EMAIL)
        .await
        .prop("value")
        .await
        .expect("email");
    assert_eq!(email.as_deref(), Some("csp@example.com"));

    browser
        .type_into(
            ids::DESCRIPTION,
            "The lamp arrived with a dent in its base.",
        )
        .await;
    browser.choose(ids::RESOLUTION, "partial_refund").await;
    browser.click(ids::SUBMIT).await;
    let reference = browser
        .widget_text(ids::REFERENCE, Duration::from_secs(30))
        .await
        .expect("a reference under the strict policy");
    let seen = browser
        .client
        .execute(
            "return [window.__violations, window.__events, window.__submitted || null]",
            vec![],
        )
        .await
        .expect("the page's observations");
    browser.close().await;
    assert_eq!(seen[0], json!([]), "no CSP violations");
    let events: Vec<&str> = seen[1]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(events.contains(&"opened:"), "{events:?}");
    assert!(
        events.contains(&format!("submitted:{reference}").as_str()),
        "{events:?}"
    );
    assert_eq!(
        seen[2],
        reference.as_str(),
        "Redress(\"on\", \"submitted\") heard it"
    );
}

/// The key the operator's email provider stand-in expects.
const EMAIL_API_KEY: &str = "re_e2e_only";

/// The demo store, set up with `cargo xtask store put` and `agent issue`; returns the
/// webhook signing secret the command showed once.
fn the_operator_command_sets_up_a_store_and_its_agents(
    edge: &Edge,
    webhook: &WebhookReceiver,
) -> String {
    let created = edge.put_store(
        "demo-store",
        StoreChanges {
            name: Some("Demo Store".to_owned()),
            allowed_origins: Some(vec![edge.url("")]),
            webhook_url: Some(webhook.url().to_owned()),
            chat_webhook_url: Some(webhook.chat_url()),
            email_to: Some("care@demo-store.test".to_owned()),
            ..StoreChanges::default()
        },
    );
    assert!(created.created);
    let secret = created
        .new_webhook_secret
        .expect("a webhook secret is issued with the first webhook URL");
    assert!(secret.starts_with("whsec_"));

    // Changing one option keeps the others, and the secret, as they were.
    let updated = edge.put_store(
        "demo-store",
        StoreChanges {
            low_hours: Some(96),
            ..StoreChanges::default()
        },
    );
    assert!(!updated.created);
    assert_eq!(updated.new_webhook_secret, None);
    assert_eq!(updated.config.policy.low_hours, 96);
    assert_eq!(updated.config.name, "Demo Store");
    let row = &edge.query("SELECT webhook_secret, low_hours, webhook_url FROM stores")[0];
    assert_eq!(row["webhook_secret"], secret.as_str());
    assert_eq!(row["webhook_url"], webhook.url());

    // A refused configuration writes nothing.
    let refused = xtask::stores::put(
        &edge.d1(),
        "demo-store",
        StoreChanges {
            webhook_url: Some("javascript:alert(1)".to_owned()),
            ..StoreChanges::default()
        },
    );
    assert!(matches!(refused, Err(xtask::Error::InvalidStore(_))));
    assert_eq!(
        edge.query("SELECT webhook_url FROM stores")[0]["webhook_url"],
        webhook.url()
    );

    // An agent's token is shown once; the database keeps only its SHA-256.
    let issued = edge.issue_agent_token("demo-store", "Ana Agent");
    let rows = edge.query("SELECT * FROM agent_tokens");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0]["token_sha256"],
        sha256_hex(issued.token.as_str().as_bytes())
    );
    assert!(!rows[0].to_string().contains(issued.token.as_str()));
    xtask::agents::revoke(&edge.d1(), &issued.id).expect("revoke");
    assert!(edge.query("SELECT revoked_at FROM agent_tokens")[0]["revoked_at"].is_string());
    secret
}

async fn a_store_with_its_own_policy_gets_its_own_deadlines(app: &TestApp) {
    let edge = &app.edge;
    // A marketplace seller must answer disputes within five days; it has no channels yet.
    edge.put_store(
        "slow-store",
        StoreChanges {
            name: Some("Slow Store".to_owned()),
            normal_hours: Some(120),
            ..StoreChanges::default()
        },
    );
    let mut body = complaint(
        "S-1",
        "patient@example.com",
        "The cushion cover is the wrong colour, grey instead of green.",
        "replacement",
    );
    body["store_id"] = json!("slow-store");
    let (status, receipt) = app.try_file_complaint(body).await;
    assert_eq!(status, 201, "{receipt}");
    let reference = receipt["reference"].as_str().expect("reference").to_owned();
    let hours = hours_to_answer(edge, &reference);
    assert!((hours - 120.0).abs() < 0.01, "{hours}");
    let state = redress_e2e::eventually(Duration::from_secs(30), || {
        let rows = edge.query(&format!(
            "SELECT notify_state FROM cases WHERE reference = '{reference}'"
        ));
        async move {
            rows.first()
                .filter(|r| r["notify_state"] == "delivered")
                .cloned()
        }
    })
    .await;
    assert!(
        state.is_some(),
        "a store without channels closes the outbox once its shopper is told"
    );
    let channels = edge.query(&format!(
        "SELECT d.channel FROM deliveries d JOIN cases c ON c.id = d.case_id
         WHERE c.reference = '{reference}'"
    ));
    assert_eq!(channels, [json!({ "channel": "shopper_email" })]);
}

/// The store asks; the shopper answers with their status link. The case goes back to the
/// store, which hears `case.shopper_replied` on its webhook (verified by the library)
/// and in its chat; agents read the message as the shopper wrote it. A message with
/// the wrong token or another case's, or one that breaks the rules, writes nothing.
async fn the_shopper_answers_and_the_case_goes_back_to_the_store(
    app: &TestApp,
    webhook: &WebhookReceiver,
    webhook_secret: &str,
) {
    let edge = &app.edge;
    let receipt = app
        .file_complaint(complaint(
            "M-1",
            "answer@example.com",
            "The kettle's lid does not close any more.",
            "repair",
        ))
        .await;
    let (id, reference) = (
        receipt["id"].as_str().expect("id"),
        receipt["reference"].as_str().expect("reference"),
    );
    let token = receipt["status_token"].as_str().expect("a status token");
    let other = app
        .file_complaint(complaint(
            "M-2",
            "other@example.com",
            "The lid is loose.",
            "repair",
        ))
        .await;
    let issued = edge.issue_agent_token("demo-store", "Ana Agent");
    let agent = app.agent(issued.token.as_str());
    agent
        .reply(id, "Could you tell us the kettle's model number?")
        .await;
    agent
        .update(id, json!({ "status": "waiting_for_shopper" }))
        .await;

    let events_before = edge.count("SELECT COUNT(*) AS n FROM case_events");
    let other_token = other["status_token"].as_str().expect("token");
    for (token, text, status, code) in [
        (
            "st_00000000000000000000000000000000",
            "Model K-2",
            404,
            "not_found",
        ),
        (other_token, "Model K-2", 404, "not_found"),
        (token, "   ", 400, "validation_failed"),
        (token, "Model \u{202e}2-K", 400, "validation_failed"),
        (token, &"x".repeat(5_001), 400, "validation_failed"),
    ] {
        assert_refused(
            app.try_shopper_message(reference, token, text).await,
            status,
            code,
        );
    }
    assert_eq!(
        edge.count("SELECT COUNT(*) AS n FROM case_events"),
        events_before,
        "a refused message writes nothing"
    );

    let words = "It is model <b>K-2</b>, bought in May.";
    let (status, view) = app.try_shopper_message(reference, token, words).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(
        view["status"], "in_progress",
        "the case is the store's again"
    );
    let last = view["timeline"]
        .as_array()
        .expect("timeline")
        .last()
        .cloned();
    assert!(
        view["timeline"]
            .as_array()
            .expect("timeline")
            .iter()
            .any(|e| e["kind"] == "shopper_message" && e["value"] == words),
        "{last:?}"
    );

    let arrived = webhook
        .settle_for_at_least(reference, 5, Duration::from_secs(30))
        .await;
    let replied: Vec<&Value> = arrived
        .iter()
        .filter(|n| n["event"] == "case.shopper_replied")
        .collect();
    assert_eq!(replied.len(), 1, "told once");
    assert_eq!(replied[0]["activity"]["value"], words);
    assert_eq!(replied[0]["activity"]["actor"], "shopper");
    let deliveries = webhook.deliveries_for(reference);
    let verdicts =
        standard_webhooks::verify(webhook_secret, &deliveries.iter().collect::<Vec<_>>());
    assert!(verdicts.iter().all(Result::is_ok), "{verdicts:?}");
    let chat = redress_e2e::eventually(Duration::from_secs(30), || async {
        let found = webhook.chat_messages_mentioning("model <b>K-2</b>");
        (!found.is_empty()).then_some(found)
    })
    .await
    .expect("the chat hears the shopper's answer");
    assert_eq!(chat[0]["blocks"][1]["text"]["type"], "plain_text");

    let seen = agent.case(id).await;
    let message = seen["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .find(|e| e["kind"] == "shopper_message")
        .cloned()
        .expect("the agent sees the message");
    assert_eq!(message["value"], words, "verbatim");
    assert_eq!(message["actor"], "shopper");
}

/// The shopper hears from the store in their language, by email, once per event that
/// matters to them: the acknowledgement with the deadline, each reply, each change of
/// status and the outcome, all in one thread, Arabic right to left; never a note.
async fn the_shopper_is_emailed_in_their_language_once_per_event(app: &TestApp) {
    let edge = &app.edge;
    let mut arabic = complaint(
        "AR-7",
        "layla@example.com",
        "وصل المصباح مكسورا والزجاج متناثر في العلبة",
        "replacement",
    );
    arabic["locale"] = json!("ar");
    let receipt = app.file_complaint(arabic).await;
    let (id, reference) = (
        receipt["id"].as_str().expect("id"),
        receipt["reference"].as_str().expect("reference"),
    );
    let acknowledged = app.settled_emails_to("layla@example.com", 1).await;
    assert_eq!(acknowledged.len(), 1, "one acknowledgement");
    let ack = &acknowledged[0];
    assert_eq!(ack.to, ["layla@example.com"]);
    assert!(ack.from.contains("Demo Store") && ack.from.contains("cases@redress.localhost"));
    assert!(ack.subject.contains(reference) && ack.subject.contains("Demo Store"));
    assert!(
        ack.html.contains(r#"<html lang="ar" dir="rtl">"#),
        "{}",
        ack.html
    );
    assert!(ack.text.contains(reference) && ack.text.contains("AR-7"));
    assert!(!ack.text.contains("Hello"), "in Arabic: {}", ack.text);
    let thread = format!("<case-{id}@redress.localhost>");
    assert_eq!(ack.headers.get("In-Reply-To"), Some(&thread));
    assert_eq!(ack.headers.get("References"), Some(&thread));
    assert_eq!(
        ack.headers.get("Content-Language").map(String::as_str),
        Some("ar")
    );
    assert_eq!(
        ack.headers.get("Auto-Submitted").map(String::as_str),
        Some("auto-generated")
    );

    let issued = edge.issue_agent_token("demo-store", "Omar Agent");
    let agent = app.agent(issued.token.as_str());
    agent.note(id, "Check the courier's claim first").await;
    agent
        .reply(id, "نأسف لذلك. هل يمكنك إرسال صورة للعلبة؟")
        .await;
    agent
        .update(id, json!({ "status": "waiting_for_shopper" }))
        .await;
    agent
        .update(
            id,
            json!({ "status": "resolved", "resolution": "replacement" }),
        )
        .await;
    let emails = app.settled_emails_to("layla@example.com", 4).await;
    assert_eq!(emails.len(), 4, "acknowledgement, reply, status, outcome");
    assert!(emails[1].text.contains("هل يمكنك إرسال صورة للعلبة؟"));
    assert!(
        !emails[1].headers.contains_key("Auto-Submitted"),
        "a person wrote the reply"
    );
    for email in &emails {
        assert_eq!(email.headers.get("References"), Some(&thread), "one thread");
        assert_eq!(email.subject, ack.subject, "one subject");
        for internal in ["Omar", "courier", "damaged", "priority"] {
            assert!(
                !email.text.contains(internal),
                "{internal} in {}",
                email.text
            );
        }
    }
}

async fn unknown_stores_and_foreign_origins_are_refused_and_write_nothing(app: &TestApp) {
    let (edge, http) = (&app.edge, &app.http);
    edge.put_store(
        "walled-store",
        StoreChanges {
            name: Some("Walled Store".to_owned()),
            allowed_origins: Some(vec!["https://walled.example".to_owned()]),
            ..StoreChanges::default()
        },
    );
    let before = stored_rows(edge);
    let png = std::fs::read(fixture("cracked-shade.png")).expect("fixture");
    let to = |store: &str| {
        let mut body = complaint(
            "W-1",
            "w@example.com",
            "The lamp arrived broken.",
            "full_refund",
        );
        body["store_id"] = json!(store);
        body
    };
    let cases = [
        ("no-such-store", None, 404, "unknown_store"),
        (
            "walled-store",
            Some("https://evil.example"),
            403,
            "origin_not_allowed",
        ),
    ];
    for (store, origin, status, code) in cases {
        let mut request = http.post(edge.url("/v1/complaints")).json(&to(store));
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        let (got, body) = answer(request.send().await.expect("submit")).await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{body}"
        );

        let mut request = http
            .post(edge.url("/v1/evidence"))
            .header("X-Redress-Store", store)
            .header("Content-Type", "image/png")
            .body(png.clone());
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        let (got, body) = answer(request.send().await.expect("upload")).await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{body}"
        );
    }
    // The store's own site is welcome.
    let welcome = http
        .post(edge.url("/v1/complaints"))
        .header("Origin", "https://walled.example")
        .json(&signed(to("walled-store")))
        .send()
        .await
        .expect("submit");
    assert_eq!(welcome.status(), 201);
    let after = stored_rows(edge);
    assert_eq!(
        after["uploads"], before["uploads"],
        "no refused upload was kept"
    );
    assert_eq!(
        after["cases"].as_u64(),
        before["cases"].as_u64().map(|n| n + 1),
        "only the welcome complaint was stored"
    );
}

/// How long the store has to answer the case, as stored.
fn hours_to_answer(edge: &Edge, reference: &str) -> f64 {
    let rows = edge.query(&format!(
        "SELECT (julianday(respond_by) - julianday(created_at)) * 24 AS hours FROM cases
         WHERE reference = '{reference}'"
    ));
    rows.first()
        .and_then(|r| r["hours"].as_f64())
        .unwrap_or_else(|| panic!("no case {reference}"))
}

async fn a_complaint_filed_in_the_widget_is_stored_with_its_evidence_and_notified_once(
    edge: &Edge,
    webhook: &WebhookReceiver,
    webhook_secret: &str,
) {
    let photo = fixture("cracked-shade.png");
    let photo_bytes = std::fs::read(&photo).expect("fixture photo");
    let browser = Browser::start().await;

    browser.goto(&edge.url("/")).await;
    let wasm_before_open = wasm_requests(&browser).await;
    assert_eq!(
        wasm_before_open, 0,
        "the storefront fetched WebAssembly before the widget was opened"
    );

    browser.click(ids::LAUNCHER).await;
    Complaint {
        order_number: "A-1001",
        email: "shopper@example.com",
        description: "The lamp arrived with its shade cracked in two places.",
        resolution: "replacement",
        file: Some(&photo),
    }
    .fill(&browser)
    .await;
    // The shared categorizer suggests the category as the shopper types.
    let suggested = redress_e2e::eventually(Duration::from_secs(15), || async {
        let value = browser
            .widget(ids::CATEGORY)
            .await
            .prop("value")
            .await
            .ok()??;
        (value == "damaged").then_some(value)
    })
    .await;
    assert_eq!(
        suggested.as_deref(),
        Some("damaged"),
        "the widget suggested no category"
    );
    browser.click(ids::SUBMIT).await;

    let reference = browser
        .widget_text(ids::REFERENCE, Duration::from_secs(60))
        .await
        .unwrap_or_else(|| panic!("the widget showed no case reference\n{}", edge.log_tail()));
    let respond_by = browser
        .widget_text(ids::RESPOND_BY, Duration::from_secs(5))
        .await
        .expect("the widget showed when the store will answer");
    browser.close().await;
    assert!(reference.starts_with("RD-"), "reference {reference:?}");
    assert!(
        respond_by.chars().any(|c| c.is_ascii_digit()),
        "{respond_by:?}"
    );

    let cases = edge.query(&format!(
        "SELECT id, store_id, order_number, email, resolution, product_id, category, priority, lang
         FROM cases WHERE reference = '{reference}'"
    ));
    assert_eq!(cases.len(), 1, "one case row for {reference}");
    let case = &cases[0];
    assert_eq!(case["store_id"], "demo-store");
    assert_eq!(case["order_number"], "A-1001");
    assert_eq!(case["email"], "shopper@example.com");
    assert_eq!(case["resolution"], "replacement");
    assert_eq!(case["product_id"], "aurora-desk-lamp");
    // The edge's own categorizer decided, in the shopper's language.
    assert_eq!(case["category"], "damaged");
    assert_eq!(case["priority"], "normal");
    assert_eq!(case["lang"], "en");
    // A normal-priority case at a store with the default policy: 24 hours to answer.
    let hours = hours_to_answer(edge, &reference);
    assert!((hours - 24.0).abs() < 0.01, "{hours}");

    let evidence = edge.query(&format!(
        "SELECT r2_key, sha256, size, kind, file_name FROM evidence WHERE case_id = '{}'",
        case["id"].as_str().expect("case id")
    ));
    assert_eq!(evidence.len(), 1, "one evidence row");
    let row = &evidence[0];
    assert_eq!(row["kind"], "png");
    assert_eq!(row["file_name"], "cracked-shade.png");
    assert_eq!(row["size"], photo_bytes.len());
    assert_eq!(row["sha256"], sha256_hex(&photo_bytes));
    let stored = edge.object(row["r2_key"].as_str().expect("r2 key"));
    assert_eq!(
        sha256_hex(&stored),
        sha256_hex(&photo_bytes),
        "R2 holds the shopper's exact bytes"
    );

    let notifications = webhook
        .settle_for(&reference, Duration::from_secs(30))
        .await;
    assert_eq!(
        notifications.len(),
        1,
        "exactly one notification for {reference}"
    );
    assert_eq!(notifications[0]["event"], "case.created");
    assert_eq!(notifications[0]["case"]["category"], "damaged");
    // Signed by Standard Webhooks: the store verifies with the published library.
    let delivery = &webhook.deliveries_for(&reference)[0];
    let case_id = notifications[0]["case"]["id"].as_str().expect("case id");
    assert_eq!(
        delivery.header("webhook-id"),
        Some(format!("msg_{case_id}_created").as_str())
    );
    assert_eq!(
        standard_webhooks::verify(webhook_secret, &[delivery]),
        [Ok(())]
    );
    // A tampered body, a wrong secret and a replay ten minutes late are refused.
    let made_up = |body: &str, timestamp_shift: i64| {
        let mut headers = delivery.headers.clone();
        let at: i64 = headers["webhook-timestamp"].parse().expect("unix seconds");
        headers.insert(
            "webhook-timestamp".into(),
            (at + timestamp_shift).to_string(),
        );
        json!({ "body": body, "headers": headers })
    };
    let tampered = delivery.body.replace("damaged", "other");
    let verdicts = standard_webhooks::verify_raw(
        webhook_secret,
        &[made_up(&tampered, 0), made_up(&delivery.body, -600)],
    );
    assert!(
        matches!(&verdicts[..], [Err(a), Err(b)] if a.contains("No matching signature") && b.contains("too old")),
        "{verdicts:?}"
    );
    let other_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    assert!(standard_webhooks::verify(other_secret, &[delivery])[0].is_err());
    // Stores set up before keep their header until they move to a library.
    let timestamp: u64 = delivery
        .header("webhook-timestamp")
        .expect("timestamp")
        .parse()
        .expect("secs");
    assert_eq!(
        delivery.header("Redress-Signature"),
        Some(
            webhook_signature::sign_legacy(webhook_secret, timestamp, delivery.body.as_bytes())
                .as_str()
        )
    );
    assert_eq!(
        notifications[0]["case"]["evidence"][0]["sha256"],
        sha256_hex(&photo_bytes)
    );

    // The store's inbox gets it by email too, through the operator's provider, once.
    let emails = redress_e2e::eventually(Duration::from_secs(30), || async {
        let found = webhook.emails_mentioning(&reference);
        (!found.is_empty()).then_some(found)
    })
    .await
    .unwrap_or_else(|| panic!("no email for {reference}\n{}", edge.log_tail()));
    assert_eq!(emails.len(), 1);
    let email = &emails[0];
    assert_eq!(
        email.header("Authorization"),
        Some(format!("Bearer {EMAIL_API_KEY}").as_str())
    );
    assert_eq!(email.json["to"], json!(["care@demo-store.test"]));
    assert_eq!(email.json["from"], "cases@redress.test");
    assert!(email.json["text"]
        .as_str()
        .unwrap_or_default()
        .contains("The lamp arrived with its shade cracked in two places."));
}

async fn the_widget_shows_each_error_next_to_its_field(edge: &Edge) {
    let cases_before = edge.count("SELECT COUNT(*) AS n FROM cases");
    let browser = Browser::start().await;
    browser.goto(&edge.url("/")).await;
    browser.click(ids::LAUNCHER).await;

    // Shared validation, in the browser: every empty field says so before anything is sent.
    browser.click(ids::SUBMIT).await;
    for field in ["order_number", "email", "description", "resolution"] {
        let message = browser
            .widget_text(&ids::field_error(field), Duration::from_secs(5))
            .await
            .unwrap_or_else(|| panic!("no message under {field}"));
        assert!(message.contains("required"), "{field}: {message}");
    }

    // The edge's verdict on a file, under the file field: HTML dressed up as a photo.
    let disguised = tempfile::Builder::new()
        .prefix("receipt-")
        .suffix(".png")
        .tempfile()
        .expect("temp file");
    std::fs::write(
        disguised.path(),
        "<html><script>alert('hi')</script></html>",
    )
    .expect("write");
    Complaint {
        order_number: "A-2002",
        email: "shopper@example.com",
        description: "The receipt shows the wrong amount.",
        resolution: "partial_refund",
        file: Some(disguised.path()),
    }
    .fill_and_send(&browser)
    .await;
    let file_name = disguised
        .path()
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name");
    let message = browser
        .widget_text(&ids::field_error("evidence"), Duration::from_secs(30))
        .await
        .expect("a message under the files field");
    assert!(message.contains(file_name), "{message}");
    assert!(message.contains("Attach a photo"), "{message}");
    for field in ["order_number", "email", "description", "resolution"] {
        let now = browser
            .widget(&ids::field_error(field))
            .await
            .text()
            .await
            .expect("text");
        assert!(
            now.is_empty(),
            "{field} still shows {now:?} after it was filled in"
        );
    }
    browser.close().await;
    assert_eq!(
        edge.count("SELECT COUNT(*) AS n FROM cases"),
        cases_before,
        "no case was filed"
    );
}

/// Stripe's rule: the same key and body replay the first answer, a different body is
/// refused, and a key is forgotten after 24 hours.
async fn an_idempotent_retry_returns_the_first_case_and_notifies_once(
    app: &TestApp,
    webhook: &WebhookReceiver,
) {
    let (edge, http) = (&app.edge, &app.http);
    let submission = signed(json!({
        "store_id": "demo-store", "order_number": "B-7", "email": "retry@example.com",
        "description": "Parcel marked delivered but never arrived.", "resolution": "resend",
    }));
    let send = |body: &Value| {
        http.post(edge.url("/v1/complaints"))
            .header("Idempotency-Key", "retry-once-7")
            .json(body)
            .send()
    };
    let first: Value = send(&submission)
        .await
        .expect("first")
        .json()
        .await
        .expect("json");
    let second = send(&submission).await.expect("second");
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    let second: Value = second.json().await.expect("json");
    assert_eq!(first, second, "the first answer, status link included");
    assert!(first["status_token"]
        .as_str()
        .is_some_and(|t| t.starts_with("st_")));
    assert_eq!(
        edge.count("SELECT COUNT(*) AS n FROM cases WHERE email = 'retry@example.com'"),
        1
    );
    let reference = first["reference"].as_str().expect("reference");
    let notifications = webhook.settle_for(reference, Duration::from_secs(30)).await;
    assert_eq!(
        notifications.len(),
        1,
        "a replayed submission notifies no one again"
    );

    // The same key with another complaint is refused and writes nothing.
    let mut changed = submission.clone();
    changed["description"] = "Parcel marked delivered but never arrived; now two weeks.".into();
    let reused = send(&changed).await.expect("reused key");
    assert_eq!(reused.status(), 422);
    let reused: Value = reused.json().await.expect("json");
    assert_eq!(reused["error"]["code"], "idempotency_key_reused");
    assert_eq!(
        edge.count("SELECT COUNT(*) AS n FROM cases WHERE email = 'retry@example.com'"),
        1
    );

    // A key is remembered for 24 hours; then it may file a new case.
    edge.execute(&format!(
        "UPDATE cases SET created_at = '2020-01-01T00:00:00.000Z' WHERE reference = '{reference}'"
    ));
    let later = send(&changed).await.expect("an old key again");
    assert_eq!(later.status(), 201);
    assert!(later.headers().get("idempotent-replayed").is_none());
    let later: Value = later.json().await.expect("json");
    assert_ne!(later["reference"], first["reference"]);
    assert_eq!(
        edge.count("SELECT COUNT(*) AS n FROM cases WHERE email = 'retry@example.com'"),
        2
    );
}

async fn a_webhook_that_is_down_gets_the_case_once_it_is_back(
    app: &TestApp,
    webhook: &WebhookReceiver,
) {
    let edge = &app.edge;
    webhook.refuse_next(2);
    let reference = app
        .file(complaint(
            "C-3",
            "outage@example.com",
            "The kettle leaks from the base after one use.",
            "full_refund",
        ))
        .await;

    let delivered = webhook
        .settle_for(&reference, Duration::from_secs(60))
        .await;
    assert_eq!(
        webhook.refused(),
        2,
        "the endpoint refused the first two attempts"
    );
    assert_eq!(
        delivered.len(),
        1,
        "delivered exactly once after the outage"
    );
    let rows = webhook_delivery(edge, &reference);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["state"], "delivered");
    assert_eq!(rows[0]["attempts"], 3);
    assert_eq!(rows[0]["notify_state"], "delivered");
}

async fn a_second_complaint_about_the_same_order_is_raised_to_high(app: &TestApp) {
    let edge = &app.edge;
    let cushion = |email| {
        complaint(
            "D-44",
            email,
            "The cushion cover is the wrong colour, grey instead of green.",
            "replacement",
        )
    };
    let first = app.file(cushion("first@example.com")).await;
    let second = app.file(cushion("second@example.com")).await;
    let priority = |reference: &str| {
        let rows = edge.query(&format!(
            "SELECT priority, signals FROM cases WHERE reference = '{reference}'"
        ));
        (
            rows[0]["priority"].clone(),
            rows[0]["signals"].as_str().unwrap_or("").to_owned(),
        )
    };
    assert_eq!(priority(&first).0, "normal");
    let (raised, signals) = priority(&second);
    assert_eq!(raised, "high");
    assert!(signals.contains("repeat_complaint"), "{signals}");
}

async fn a_case_whose_message_was_lost_is_sent_by_the_outbox_sweep_once(
    edge: &Edge,
    webhook: &WebhookReceiver,
) {
    // A case stored an hour ago whose queue message never arrived (an enqueue that
    // failed, or a restart that dropped the queue): exactly what the outbox is for.
    let reference = "RD-0UTB-0X00-0001";
    edge.execute(&format!(
        "INSERT INTO cases (id, reference, store_id, status, order_number, email, description,
                            resolution, locale, created_at, category, priority, lang, signals)
         VALUES ('0000000000000000000000000000beef', '{reference}', 'demo-store', 'new', 'E-5',
                 'lost@example.com', 'The parcel never arrived.', 'resend', 'en',
                 strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 hour'), 'not_received', 'normal', 'en',
                 '[{{\"rule\":\"category:not_received\",\"cue\":\"never arrived\"}}]')"
    ));
    edge.run_scheduled().await;
    let delivered = webhook.settle_for(reference, Duration::from_secs(30)).await;
    assert_eq!(
        delivered.len(),
        1,
        "the sweep delivered the stranded case\n{}",
        edge.log_tail()
    );
    assert_eq!(delivered[0]["case"]["category"], "not_received");

    edge.run_scheduled().await;
    let again = webhook.settle_for(reference, Duration::from_secs(3)).await;
    assert_eq!(again.len(), 1, "a delivered case is not swept again");
}

async fn a_case_nearing_its_deadline_is_escalated_once(app: &TestApp, webhook: &WebhookReceiver) {
    let edge = &app.edge;
    let reference = app
        .file(complaint(
            "G-12",
            "late@example.com",
            "The blender jar arrived cracked.",
            "replacement",
        ))
        .await;
    webhook
        .settle_for(&reference, Duration::from_secs(30))
        .await;
    // Nobody answered and the deadline is now 30 minutes away.
    edge.execute(&format!(
        "UPDATE cases SET respond_by = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+30 minutes')
         WHERE reference = '{reference}'"
    ));
    edge.run_scheduled().await;
    edge.run_scheduled().await;
    let events: Vec<Value> = webhook
        .settle_for_at_least(&reference, 2, Duration::from_secs(30))
        .await
        .into_iter()
        .map(|n| n["event"].clone())
        .collect();
    assert_eq!(events, [json!("case.created"), json!("case.escalated")]);
    let escalated = edge.query(&format!(
        "SELECT escalated_at FROM cases WHERE reference = '{reference}'"
    ));
    assert!(
        escalated[0]["escalated_at"].is_string(),
        "the escalation is recorded on the case"
    );
}

async fn the_team_chat_gets_the_case_with_the_shoppers_words_as_plain_text(
    app: &TestApp,
    webhook: &WebhookReceiver,
) {
    let edge = &app.edge;
    let hostile = "<!channel> my lamp arrived broken, see <https://evil.example|this> *now*";
    let reference = app
        .file(complaint("H-1", "chat@example.com", hostile, "replacement"))
        .await;
    let messages = redress_e2e::eventually(Duration::from_secs(30), || async {
        let found = webhook.chat_messages_mentioning(&reference);
        (!found.is_empty()).then_some(found)
    })
    .await
    .unwrap_or_else(|| panic!("no chat message for {reference}\n{}", edge.log_tail()));
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert!(!message["text"].as_str().unwrap_or("").contains("channel"));
    assert_eq!(message["blocks"][1]["text"]["type"], "plain_text");
    assert!(message["blocks"][1]["text"]["text"]
        .as_str()
        .unwrap_or("")
        .contains(hostile));
    assert_eq!(message["unfurl_links"], false);
}

/// An agent replies, asks the shopper for something and resolves: the store's webhook
/// hears each step once, in order, signed (checked by the published library), even
/// while it is down for a moment; its chat hears none of them (by default only what needs
/// someone's attention); an entry whose queue message was lost is sent by the sweep.
async fn the_store_hears_the_whole_life_of_a_case(
    app: &TestApp,
    webhook: &WebhookReceiver,
    webhook_secret: &str,
) {
    let edge = &app.edge;
    let receipt = app
        .file_complaint(complaint(
            "L-1",
            "life@example.com",
            "The desk lamp flickers and then goes dark after ten minutes.",
            "replacement",
        ))
        .await;
    let (id, reference) = (
        receipt["id"].as_str().expect("id"),
        receipt["reference"].as_str().expect("reference"),
    );
    webhook.settle_for(reference, Duration::from_secs(30)).await;
    let issued = edge.issue_agent_token("demo-store", "Ana Agent");
    let agent = app.agent(issued.token.as_str());

    webhook.refuse_next(1);
    agent
        .reply(id, "Sorry about that: could you send a short video of it?")
        .await;
    agent
        .update(id, json!({ "status": "waiting_for_shopper" }))
        .await;
    agent.note(id, "Supplier batch 42 again?").await;
    agent.update(id, json!({ "status": "in_progress" })).await;
    agent
        .update(
            id,
            json!({ "status": "resolved", "resolution": "replacement" }),
        )
        .await;

    // Webhooks promise each event once, not an order (a retried one arrives later): the
    // activity's `seq` is the timeline's order.
    let in_order = |mut notifications: Vec<Value>| {
        notifications.sort_by_key(|n| n["activity"]["seq"].as_u64().unwrap_or(0));
        notifications
    };
    let arrived = in_order(
        webhook
            .settle_for_at_least(reference, 5, Duration::from_secs(60))
            .await,
    );
    let events: Vec<&str> = arrived
        .iter()
        .map(|n| n["event"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        events,
        [
            "case.created",
            "case.agent_replied",
            "case.status_changed",
            "case.status_changed",
            "case.resolved"
        ],
        "each step once, the note not at all"
    );
    assert_eq!(arrived[1]["activity"]["kind"], "reply");
    assert_eq!(arrived[1]["activity"]["actor"], "Ana Agent");
    assert!(arrived[1]["activity"]["value"]
        .as_str()
        .is_some_and(|text| text.contains("short video")));
    assert_eq!(arrived[2]["activity"]["value"], "waiting_for_shopper");
    assert_eq!(arrived[4]["resolution_taken"], "replacement");
    let deliveries = webhook.deliveries_for(reference);
    let ids: std::collections::BTreeSet<&str> = deliveries
        .iter()
        .filter_map(|d| d.header("webhook-id"))
        .collect();
    assert_eq!(ids.len(), 5, "each event has an id of its own");
    let verdicts =
        standard_webhooks::verify(webhook_secret, &deliveries.iter().collect::<Vec<_>>());
    assert!(verdicts.iter().all(Result::is_ok), "{verdicts:?}");
    assert!(
        webhook.chat_messages_mentioning(reference).len() == 1,
        "the chat heard of the new case only"
    );
    let pending = edge.count(&format!(
        "SELECT COUNT(*) AS n FROM case_events WHERE case_id = '{id}' AND notify_state = 'pending'"
    ));
    assert_eq!(pending, 0, "every entry left the outbox");

    // An entry whose message never reached the queue (a restart at the wrong moment).
    edge.execute(&format!(
        "INSERT INTO case_events (case_id, at, actor, kind, value, public, notify_state)
         VALUES ('{id}', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 hour'), 'Ana Agent',
                 'reply', 'Your replacement ships today.', 1, 'pending')"
    ));
    edge.run_scheduled().await;
    let swept = in_order(
        webhook
            .settle_for_at_least(reference, 6, Duration::from_secs(30))
            .await,
    );
    assert_eq!(swept.len(), 6, "the sweep sent the stranded reply once");
    assert_eq!(
        swept[5]["activity"]["value"],
        "Your replacement ships today."
    );
}

async fn a_webhook_that_never_recovers_leaves_the_case_marked_failed(
    app: &TestApp,
    webhook: &WebhookReceiver,
) {
    let edge = &app.edge;
    let refused_before = webhook.refused();
    webhook.refuse_next(usize::MAX);
    let reference = app
        .file(complaint(
            "F-9",
            "down@example.com",
            "The drawer handle came off on the first day.",
            "repair",
        ))
        .await;
    let failed = redress_e2e::eventually(Duration::from_secs(90), || {
        let rows = webhook_delivery(edge, &reference);
        async move { rows.first().filter(|r| r["state"] == "failed").cloned() }
    })
    .await;
    webhook.refuse_next(0);
    let row = failed.unwrap_or_else(|| panic!("never marked failed\n{}", edge.log_tail()));
    assert_eq!(row["attempts"], 6, "one delivery and five retries");
    assert_eq!(row["notify_state"], "failed");
    assert_eq!(webhook.refused() - refused_before, 6);
    assert!(webhook.notifications_for(&reference).is_empty());
}

async fn bad_requests_get_stable_codes_and_write_nothing(app: &TestApp) {
    let (edge, http) = (&app.edge, &app.http);
    let before = stored_rows(edge);
    let png = std::fs::read(fixture("cracked-shade.png")).expect("fixture");

    // Every missing field is reported at once, each with its own code.
    let body = assert_refused(
        app.try_file_complaint(json!({})).await,
        400,
        "validation_failed",
    );
    let fields: Vec<(&str, &str)> = body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or(""),
                f["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("store_id", "required"),
            ("order_number", "required"),
            ("email", "required"),
            ("description", "required"),
            ("resolution", "required"),
        ]
    );

    let wrong = json!({
        "store_id": "demo-store", "order_number": "A-1", "email": "nobody@nowhere",
        "description": "Broken on arrival, glass everywhere.", "resolution": "free_money",
        "evidence": ["up_00000000000000000000000000000000"],
    });
    let body = assert_refused(
        app.try_file_complaint(wrong).await,
        400,
        "validation_failed",
    );
    let codes: Vec<&str> = body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(codes, ["invalid_email", "unknown_resolution"]);

    // A well-formed complaint that refers to a file nobody uploaded.
    let unknown_file = json!({
        "store_id": "demo-store", "order_number": "A-1", "email": "a@example.com",
        "description": "Broken on arrival, glass everywhere.", "resolution": "replacement",
        "evidence": ["up_00000000000000000000000000000000"],
    });
    let body = assert_refused(
        app.try_file_complaint(unknown_file).await,
        400,
        "validation_failed",
    );
    assert_eq!(body["error"]["fields"][0]["field"], "evidence[0]");
    assert_eq!(body["error"]["fields"][0]["code"], "unknown_evidence");

    let malformed = http
        .post(edge.url("/v1/complaints"))
        .header("Content-Type", "application/json")
        .body("{\"store_id\": ")
        .send()
        .await
        .expect("send");
    assert_refused(answer(malformed).await, 400, "malformed_json");

    // Hostile bodies: invalid UTF-8, nesting far past any complaint, not an object, and
    // a body over the limit (refused from its declared length, before it is read).
    let raw = |body: Vec<u8>| {
        http.post(edge.url("/v1/complaints"))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    let mut invalid_utf8 = br#"{"store_id": "demo-store", "order_number": ""#.to_vec();
    invalid_utf8.extend_from_slice(&[0xC3, 0x28, 0xFF]);
    invalid_utf8.extend_from_slice(br#""}"#);
    assert_refused(
        answer(raw(invalid_utf8).await.expect("send")).await,
        400,
        "malformed_json",
    );
    let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    assert_refused(
        answer(raw(deep.into_bytes()).await.expect("send")).await,
        400,
        "malformed_json",
    );
    assert_refused(
        answer(raw(b"\"a string\"".to_vec()).await.expect("send")).await,
        400,
        "malformed_json",
    );
    assert_refused(
        answer(raw(vec![b' '; 70 * 1024]).await.expect("send")).await,
        413,
        "payload_too_large",
    );

    // Hostile text: a bidi override in the order number (it would reorder what agents
    // read), a bell in the description, a header break in the email, 5,001 characters.
    let hostile = |field: &str, value: &str| {
        let mut body = json!({
            "store_id": "demo-store", "order_number": "A-1", "email": "a@example.com",
            "description": "Broken on arrival, glass everywhere.", "resolution": "replacement",
        });
        body[field] = value.into();
        body
    };
    let long = "x".repeat(5_001);
    for (field, value, code) in [
        ("order_number", "A-1\u{202E}9-B", "invalid_format"),
        (
            "description",
            "It broke.\u{7}\u{7} The glass is everywhere.",
            "invalid_format",
        ),
        (
            "email",
            "a@example.com\r\nBcc: all@example.com",
            "invalid_email",
        ),
        ("description", long.as_str(), "too_long"),
    ] {
        let body = assert_refused(
            app.try_file_complaint(hostile(field, value)).await,
            400,
            "validation_failed",
        );
        assert_eq!(body["error"]["fields"][0]["field"], field, "{body}");
        assert_eq!(body["error"]["fields"][0]["code"], code, "{body}");
    }
    let long_key = http
        .post(edge.url("/v1/complaints"))
        .header("Idempotency-Key", "k".repeat(256))
        .json(&hostile("order_number", "A-1"))
        .send()
        .await
        .expect("send");
    assert_refused(answer(long_key).await, 400, "validation_failed");

    // Files are judged by their bytes.
    assert_refused(
        app.try_upload(
            "text/html",
            b"<html><script>alert(1)</script></html>".to_vec(),
        )
        .await,
        415,
        "file_type_not_allowed",
    );
    assert_refused(
        app.try_upload(
            "image/svg+xml",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
        )
        .await,
        415,
        "file_type_not_allowed",
    );
    assert_refused(
        app.try_upload("image/jpeg", png.clone()).await,
        415,
        "file_type_mismatch",
    );

    let mut oversized = png.clone();
    oversized.resize(21 * 1024 * 1024, 0);
    assert_refused(
        app.try_upload("image/png", oversized).await,
        413,
        "payload_too_large",
    );

    let no_store = http
        .post(edge.url("/v1/evidence"))
        .header("Content-Type", "image/png")
        .body(png.clone())
        .send()
        .await
        .expect("send");
    let body = assert_refused(answer(no_store).await, 400, "validation_failed");
    assert_eq!(body["error"]["fields"][0]["field"], "store_id");

    let unknown_path = http
        .get(edge.url("/v1/nothing-here"))
        .send()
        .await
        .expect("send");
    assert_refused(answer(unknown_path).await, 404, "route_not_found");
    let wrong_method = http
        .get(edge.url("/v1/complaints"))
        .send()
        .await
        .expect("send");
    assert_refused(answer(wrong_method).await, 405, "method_not_allowed");

    assert_eq!(
        stored_rows(edge),
        before,
        "a refused request wrote something"
    );
}

/// Text that looks like SQL or markup is the shopper's words: stored byte for byte,
/// never run (every statement binds its values).
async fn sql_and_script_in_a_complaint_are_kept_as_text(app: &TestApp) {
    let edge = &app.edge;
    let words = "Robert'); DROP TABLE cases;-- <script>alert(1)</script> \"quoted\" \\ done";
    let reference = app
        .file(complaint("Q-1'; --", "bobby@example.com", words, "other"))
        .await;
    let stored = edge.query(&format!(
        "SELECT order_number, description FROM cases WHERE reference = '{reference}'"
    ));
    assert_eq!(stored[0]["description"], words);
    assert_eq!(stored[0]["order_number"], "Q-1'; --");
}

async fn every_documented_route_is_served(app: &TestApp) {
    let (edge, http) = (&app.edge, &app.http);
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(redress_e2e::repo_root().join("openapi.json"))
            .expect("openapi.json"),
    )
    .expect("JSON");
    for (path, operations) in doc["paths"].as_object().expect("paths") {
        for method in operations.as_object().expect("operations").keys() {
            let method =
                reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            // Parameters get values no resource has: the route must still be served.
            let (status, body) = answer(
                http.request(method.clone(), edge.url(path))
                    .send()
                    .await
                    .expect("send"),
            )
            .await;
            assert!(
                status != 405 && body["error"]["code"] != "route_not_found",
                "{method} {path} is documented but the worker answers {status} {body}"
            );
        }
    }
}

/// The webhook delivery row of a case's announcement, with the case's outbox state.
fn webhook_delivery(edge: &Edge, reference: &str) -> Vec<Value> {
    edge.query(&format!(
        "SELECT d.state, d.attempts, c.notify_state FROM deliveries d JOIN cases c ON c.id = d.case_id
         WHERE c.reference = '{reference}' AND d.channel = 'webhook' AND d.event = 'case.created'"
    ))
}

/// Row counts of every table a request can write to.
fn stored_rows(edge: &Edge) -> Value {
    edge.query(
        "SELECT (SELECT COUNT(*) FROM cases) AS cases, (SELECT COUNT(*) FROM evidence) AS evidence,
                (SELECT COUNT(*) FROM uploads) AS uploads",
    )[0]
    .clone()
}

/// How many `.wasm` resources the page has fetched so far.
async fn wasm_requests(browser: &Browser) -> u64 {
    browser
        .client
        .execute(
            "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('.wasm')).length",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_u64())
        .unwrap_or(u64::MAX)
}
