//! Putting it right with the shopper, in Chromium against the real worker: an agent
//! offers a 30% partial refund from the inbox on a Spanish complaint about a damaged
//! lamp; the shopper is emailed the offer in Spanish with the amount as Spain writes it,
//! sees it on the case page and accepts it there (the store's other open offer is
//! withdrawn with it); the store records the refund it issued and the parcel it sent,
//! which the shopper reads on the page and in emails (with the carrier's tracking
//! link), notes the root cause for itself and resolves; the shopper rates it 2 with one
//! click from the resolution email and adds a comment, which flags the case in the
//! inbox; the store hears each step on its signed webhook. Offers that are withdrawn, answered or past their time cannot be
//! accepted, and bad amounts and tracking numbers are refused with their codes,
//! writing nothing.
//!
//! One worker serves every scenario, in order, inside one test.

use std::time::Duration;

use redress_e2e::{
    api, assert_refused, case_words as words, field_codes, files, fixture, standard_webhooks,
    AgentClient, Browser, TestApp, WebhookReceiver,
};
use redress_shared::{case_page_ids as ids, inbox_ids, routes};
use reqwest::Method;
use serde_json::{json, Value};
use xtask::stores::StoreChanges;

const STORE: &str = "tienda-aurora";
const SHOPPER: &str = "lucia.offers@example.com";
/// The offer's terms, in the store's words (the agent writes Spanish to this shopper).
const TERMS: &str = "Quédese la lámpara: le devolvemos el 30 % en 3 días hábiles.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_puts_a_damaged_lamp_right_and_the_shopper_rates_how_it_did() {
    let webhook = WebhookReceiver::start();
    let app = TestApp::start(&[]).await;
    let secret = app
        .edge
        .put_store(
            STORE,
            StoreChanges {
                name: Some("Tienda Aurora".to_owned()),
                webhook_url: Some(webhook.url().to_owned()),
                currencies: Some(vec!["EUR".to_owned(), "USD".to_owned()]),
                ..StoreChanges::default()
            },
        )
        .new_webhook_secret
        .expect("a webhook secret");
    let issued = app.edge.issue_agent_token(STORE, "Marta");
    let agent = app.agent(issued.token.as_str());
    let case = a_spanish_complaint_about_a_damaged_lamp(&app, &agent).await;

    let browser = Browser::start().await;
    the_agent_offers_a_partial_refund_from_the_inbox(&app, &browser, &agent, &case).await;
    amounts_the_store_cannot_pay_are_refused_and_nothing_is_written(&agent, &case).await;
    the_shopper_is_emailed_the_offer_in_spanish(&app, &case).await;
    let withdrawn =
        the_agent_withdraws_an_offer_and_it_can_no_longer_be_accepted(&app, &agent, &case).await;
    the_shopper_accepts_on_the_case_page_and_the_other_offer_is_withdrawn(
        &app, &browser, &agent, &case, withdrawn,
    )
    .await;
    an_offer_past_its_time_expires_and_the_store_is_told(&app, &agent, &case).await;
    the_store_records_what_it_did_and_the_shopper_sees_it(&app, &browser, &agent, &case).await;
    the_shopper_rates_it_from_the_email_and_a_low_score_flags_the_case(
        &app, &browser, &agent, &case,
    )
    .await;
    the_store_heard_each_step_on_its_signed_webhook(&webhook, &secret, &case).await;
    a_dispute_bundle_holds_the_conversation_and_the_files_as_received(
        &app, &browser, &agent, &case,
    )
    .await;
    browser.close().await;
}

struct Filed {
    id: String,
    reference: String,
    token: String,
    /// The evidence as the shopper sent it, in order.
    files: Vec<Vec<u8>>,
}

async fn a_spanish_complaint_about_a_damaged_lamp(app: &TestApp, agent: &AgentClient<'_>) -> Filed {
    // A photo of the lamp and a video of the unboxing: the dispute bundle carries both.
    let photo = std::fs::read(fixture("cracked-shade.png")).expect("fixture");
    let video = files::mp4_of_size(3 * 1024 * 1024 + 17);
    let mut tokens = Vec::new();
    for (kind, bytes) in [("image/png", &photo), ("video/mp4", &video)] {
        let (status, uploaded) = app.try_upload_to(STORE, kind, bytes.clone()).await;
        assert_eq!(status, 201, "{uploaded}");
        tokens.push(uploaded["token"].clone());
    }
    let mut complaint = api::complaint(
        "ES-3017",
        SHOPPER,
        "La lámpara llegó con la pantalla de cristal rota y la base abollada.",
        "partial_refund",
    );
    complaint["store_id"] = json!(STORE);
    complaint["locale"] = json!("es");
    complaint["evidence"] = json!(tokens);
    let receipt = app.file_complaint(complaint).await;
    let reference = receipt["reference"]
        .as_str()
        .expect("a reference")
        .to_owned();
    let token = receipt["status_token"]
        .as_str()
        .expect("a token")
        .to_owned();
    Filed {
        id: agent.case_id_of(&reference).await,
        reference,
        token,
        files: vec![photo, video],
    }
}

fn offers_path(case: &Filed) -> String {
    routes::fill(routes::AGENT_CASE_OFFERS, &[&case.id])
}

/// The agent composes the offer in the inbox: 30% of a €41 lamp, typed as Spain writes
/// it, in the store's currency.
async fn the_agent_offers_a_partial_refund_from_the_inbox(
    app: &TestApp,
    browser: &Browser,
    agent: &AgentClient<'_>,
    case: &Filed,
) {
    browser
        .open_in_inbox(&app.edge.url("/agent/"), agent.token(), &case.reference)
        .await;
    browser
        .page(&format!("#{}", inbox_ids::OFFER_KIND))
        .await
        .select_by_value("partial_refund")
        .await
        .expect("choose the outcome");
    browser
        .page(&format!("#{}", inbox_ids::OFFER_AMOUNT))
        .await
        .send_keys("12,30")
        .await
        .expect("type the amount");
    browser
        .page(&format!("#{}", inbox_ids::OFFER_TERMS))
        .await
        .send_keys(TERMS)
        .await
        .expect("type the terms");
    browser
        .click_on(&format!("#{}", inbox_ids::OFFER_SEND))
        .await;
    browser
        .page_text_where(&format!("#{}", inbox_ids::OFFERS), |t| {
            t.contains("partial_refund 12.30 EUR") && t.contains("offered")
        })
        .await
        .expect("the offer is on the case");
    browser.screenshot("inbox-offer").await;

    let detail = agent.case(&case.id).await;
    let offer = &detail["offers"][0];
    assert_eq!(offer["number"], 1);
    assert_eq!(offer["amount"], json!({ "minor": 1230, "currency": "EUR" }));
    assert_eq!(offer["terms"], TERMS);
    assert_eq!(
        detail["status"], "waiting_for_shopper",
        "the case waits for the shopper's answer"
    );
    assert!(
        detail["first_response_at"].is_string(),
        "an offer answers the shopper: {detail}"
    );
    assert_eq!(detail["currencies"], json!(["EUR", "USD"]));
}

async fn amounts_the_store_cannot_pay_are_refused_and_nothing_is_written(
    agent: &AgentClient<'_>,
    case: &Filed,
) {
    let refused = |body: Value| async move {
        let answer = agent.try_send(Method::POST, &offers_path(case), body).await;
        let body = assert_refused(answer, 400, "validation_failed");
        let fields: Vec<String> = body["error"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| f["field"].as_str().expect("a field").to_owned())
            .collect();
        (fields, field_codes(&body))
    };
    let money = |minor: i64, currency: &str| json!({ "minor": minor, "currency": currency });
    let out_of_range = vec!["out_of_range".to_owned()];
    assert_eq!(
        refused(json!({ "kind": "partial_refund", "amount": money(-1230, "EUR") })).await,
        (vec!["amount.minor".to_owned()], out_of_range.clone()),
        "a negative refund"
    );
    assert_eq!(
        refused(json!({ "kind": "full_refund", "amount": money(4_100_000_000, "EUR") })).await,
        (vec!["amount.minor".to_owned()], out_of_range.clone()),
        "41 million euros for a lamp"
    );
    assert_eq!(
        refused(json!({ "kind": "store_credit", "amount": money(1500, "GBP") })).await,
        (vec!["amount.currency".to_owned()], out_of_range.clone()),
        "a currency the store does not use"
    );
    assert_eq!(
        refused(json!({ "kind": "store_credit" })).await,
        (vec!["amount".to_owned()], vec!["required".to_owned()]),
    );
    assert_eq!(
        refused(json!({ "kind": "resend", "amount": money(100, "EUR") })).await,
        (vec!["amount".to_owned()], out_of_range),
        "a resend moves no money"
    );
    let detail = agent.case(&case.id).await;
    assert_eq!(
        detail["offers"].as_array().map(Vec::len),
        Some(1),
        "{detail}"
    );
}

async fn the_shopper_is_emailed_the_offer_in_spanish(app: &TestApp, case: &Filed) {
    let emails = app.settled_emails_to(SHOPPER, 2).await;
    assert_eq!(emails.len(), 2, "the acknowledgement, then the offer");
    let offer = &emails[1];
    // Spain writes euros after the amount, with a comma and a no-break space.
    let text = offer.text.replace('\u{a0}', " ");
    for expected in [
        "Tienda Aurora le propone una solución",
        "Reembolso parcial",
        "12,30 €",
        TERMS,
        &case.reference,
    ] {
        assert!(text.contains(expected), "{expected:?} not in {text}");
    }
    assert_eq!(
        offer.headers.get("Content-Language").map(String::as_str),
        Some("es")
    );
}

/// A second offer (store credit), withdrawn by the agent: the shopper can no longer
/// accept it. Answers the number of a third, still open, offer.
async fn the_agent_withdraws_an_offer_and_it_can_no_longer_be_accepted(
    app: &TestApp,
    agent: &AgentClient<'_>,
    case: &Filed,
) -> u32 {
    let credit = json!({ "kind": "store_credit", "amount": { "minor": 1500, "currency": "EUR" } });
    let (status, detail) = agent
        .try_send(Method::POST, &offers_path(case), credit)
        .await;
    assert_eq!(status, 201, "{detail}");
    let withdrawal = routes::fill(routes::AGENT_CASE_OFFER_WITHDRAWAL, &[&case.id, "2"]);
    let detail = agent.send(Method::POST, &withdrawal, json!({})).await;
    assert_eq!(detail["offers"][1]["state"], "withdrawn");
    assert_refused(
        agent.try_send(Method::POST, &withdrawal, json!({})).await,
        409,
        "offer_not_open",
    );
    assert_refused(
        answer(app, case, 2, json!({ "answer": "accept" })).await,
        409,
        "offer_not_open",
    );

    let resend = json!({ "kind": "replacement", "terms": "Le enviamos una lámpara nueva." });
    let (status, detail) = agent
        .try_send(Method::POST, &offers_path(case), resend)
        .await;
    assert_eq!(status, 201, "{detail}");
    3
}

/// The shopper's answer to offer `number`, as the case page sends it.
async fn answer(app: &TestApp, case: &Filed, number: u32, body: Value) -> (u16, Value) {
    let path = routes::fill(routes::CASE_OFFER, &[&case.reference, &number.to_string()]);
    app.try_shopper_post(&path, &case.token, body).await
}

async fn the_shopper_accepts_on_the_case_page_and_the_other_offer_is_withdrawn(
    app: &TestApp,
    browser: &Browser,
    agent: &AgentClient<'_>,
    case: &Filed,
    open: u32,
) {
    let link = app
        .edge
        .url(&format!("/case/#{}.{}", case.reference, case.token));
    browser.goto("about:blank").await;
    browser.goto(&link).await;
    let accept = format!("#{}", ids::offer_button(1, "accept"));
    browser.page(&accept).await;
    let offers = browser
        .page_text_where(&format!("#{}", ids::OFFERS), |t| t.contains(TERMS))
        .await
        .expect("the offers")
        .replace('\u{a0}', " ");
    assert!(offers.contains("12,30 €"), "{offers}");
    assert!(
        offers.contains(&words("es", "offer.state.withdrawn")),
        "{offers}"
    );
    let violations = browser.axe_violations_in("main").await;
    assert!(violations.is_empty(), "{violations:?}");
    browser.screenshot("case-page-offer-es").await;

    browser.click_on(&accept).await;
    browser
        .page_text_where(&format!("#{}", ids::OFFERS), |t| {
            t.contains(&words("es", "offer.state.accepted"))
        })
        .await
        .expect("the offer is accepted");
    browser
        .page_text_where(&format!("#{}", ids::STATUS), |t| {
            t == words("es", "status.in_progress")
        })
        .await
        .expect("the case is the store's again");
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css(&format!(
                "#{}",
                ids::offer_button(open, "accept")
            )))
            .await
            .is_err(),
        "accepting one offer withdraws the others"
    );

    let detail = agent.case(&case.id).await;
    let states: Vec<&str> = detail["offers"]
        .as_array()
        .expect("offers")
        .iter()
        .map(|o| o["state"].as_str().expect("a state"))
        .collect();
    assert_eq!(states, ["accepted", "withdrawn", "withdrawn"]);
    assert_refused(
        answer(app, case, 1, json!({ "answer": "decline" })).await,
        409,
        "offer_not_open",
    );
}

async fn an_offer_past_its_time_expires_and_the_store_is_told(
    app: &TestApp,
    agent: &AgentClient<'_>,
    case: &Filed,
) {
    let resend = json!({ "kind": "resend", "terms": "Enviamos la base que falta." });
    let (status, _) = agent
        .try_send(Method::POST, &offers_path(case), resend)
        .await;
    assert_eq!(status, 201);
    // Its seven days pass.
    app.edge.execute(&format!(
        "UPDATE offers SET expires_at = '2026-01-01T00:00:00.000Z' WHERE number = 4 AND case_id = '{}'",
        case.id
    ));
    assert_refused(
        answer(app, case, 4, json!({ "answer": "accept" })).await,
        409,
        "offer_not_open",
    );
    let view = app
        .shopper_status(&json!({ "reference": case.reference, "status_token": case.token }))
        .await;
    assert_eq!(
        view["offers"][3]["state"], "expired",
        "shown as expired at once"
    );
    app.edge.run_scheduled().await;
    let stored = app.edge.query(&format!(
        "SELECT state FROM offers WHERE case_id = '{}' AND number = 4",
        case.id
    ));
    assert_eq!(stored[0]["state"], "expired");
    let timeline = agent.case(&case.id).await["timeline"].clone();
    let expired: Vec<&Value> = timeline
        .as_array()
        .expect("a timeline")
        .iter()
        .filter(|e| e["kind"] == "offer_expired")
        .collect();
    assert_eq!(expired.len(), 1, "{timeline}");
    assert_eq!(expired[0]["value"], "4");
    app.edge.run_scheduled().await;
    let timeline = agent.case(&case.id).await["timeline"].clone();
    let again = timeline
        .as_array()
        .expect("a timeline")
        .iter()
        .filter(|e| e["kind"] == "offer_expired")
        .count();
    assert_eq!(again, 1, "an offer expires once");

    // The shopper answers a fifth offer with a proposal of their own: a message.
    let credit = json!({ "kind": "store_credit", "amount": { "minor": 500, "currency": "EUR" } });
    let (status, _) = agent
        .try_send(Method::POST, &offers_path(case), credit)
        .await;
    assert_eq!(status, 201);
    let proposal = "Prefiero 15 € de reembolso.";
    let (status, view) = answer(
        app,
        case,
        5,
        json!({ "answer": "counter", "message": proposal }),
    )
    .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["offers"][4]["state"], "countered");
    let said = view["timeline"]
        .as_array()
        .expect("a timeline")
        .iter()
        .any(|e| e["kind"] == "shopper_message" && e["value"] == proposal);
    assert!(said, "the counter-proposal joins the conversation: {view}");
}

const TRACKING: &str = "JD014600006281230704";

async fn the_store_records_what_it_did_and_the_shopper_sees_it(
    app: &TestApp,
    browser: &Browser,
    agent: &AgentClient<'_>,
    case: &Filed,
) {
    let outcomes = routes::fill(routes::AGENT_CASE_OUTCOMES, &[&case.id]);
    let record = |done: Value| {
        let outcomes = outcomes.clone();
        async move { agent.try_send(Method::POST, &outcomes, done).await }
    };
    // Refused first: nothing is written.
    let refused = |answer: (u16, Value), field: &str, code: &str| {
        let body = assert_refused(answer, 400, "validation_failed");
        assert_eq!(body["error"]["fields"][0]["field"], field, "{body}");
        assert_eq!(field_codes(&body), [code], "{body}");
    };
    refused(
        record(json!({ "kind": "shipped", "carrier": "DHL", "tracking": "<script>" })).await,
        "tracking",
        "invalid_format",
    );
    refused(
        record(json!({ "kind": "refund_issued", "amount": { "minor": 1230, "currency": "GBP" } }))
            .await,
        "amount.currency",
        "out_of_range",
    );
    refused(
        record(json!({ "kind": "no_action", "reason": "  " })).await,
        "reason",
        "required",
    );
    assert_eq!(agent.case(&case.id).await["outcomes"], json!([]));

    let refund = json!({ "kind": "refund_issued", "amount": { "minor": 1230, "currency": "EUR" },
                         "reference": "RF-889" });
    assert_eq!(record(refund).await.0, 201);
    let shipped = json!({ "kind": "shipped", "carrier": "DHL", "tracking": TRACKING });
    assert_eq!(record(shipped).await.0, 201);
    let learned = json!({ "root_cause": "packing", "responsibility": "carrier" });
    let detail = agent.update(&case.id, learned).await;
    assert_eq!(
        (
            detail["root_cause"].as_str(),
            detail["responsibility"].as_str()
        ),
        (Some("packing"), Some("carrier"))
    );
    let resolved = json!({ "status": "resolved", "resolution": "partial_refund" });
    assert_eq!(agent.update(&case.id, resolved).await["status"], "resolved");

    // The shopper's emails: the refund with its amount and reference, the parcel with
    // the carrier's tracking page.
    let emails = redress_e2e::eventually(Duration::from_secs(30), || async {
        let emails = app.emails_to(SHOPPER).await;
        let has = |needle: &str| emails.iter().any(|e| e.text.contains(needle));
        (has("RF-889") && has(TRACKING)).then_some(emails)
    })
    .await
    .expect("the outcomes' emails");
    let refund_email = emails
        .iter()
        .find(|e| e.text.contains("RF-889"))
        .expect("refund");
    assert!(
        refund_email.text.replace('\u{a0}', " ").contains("12,30 €"),
        "{}",
        refund_email.text
    );
    let parcel = emails
        .iter()
        .find(|e| e.text.contains(TRACKING))
        .expect("parcel");
    assert!(
        parcel.text.contains(&format!("tracking-id={TRACKING}")),
        "{}",
        parcel.text
    );

    let link = app
        .edge
        .url(&format!("/case/#{}.{}", case.reference, case.token));
    browser.goto("about:blank").await;
    browser.goto(&link).await;
    let outcomes = browser
        .page_text_where(&format!("#{}", ids::OUTCOMES), |t| t.contains("RF-889"))
        .await
        .expect("what the store did")
        .replace('\u{a0}', " ");
    assert!(
        outcomes.contains("12,30 €") && outcomes.contains(TRACKING),
        "{outcomes}"
    );
    assert!(
        !outcomes.contains("packing"),
        "the root cause stays internal"
    );
    let track = browser
        .page(&format!("#{} a", ids::OUTCOMES))
        .await
        .attr("href")
        .await
        .expect("href");
    assert_eq!(
        track.as_deref(),
        Some(format!("https://www.dhl.com/global-en/home/tracking/tracking-parcel.html?tracking-id={TRACKING}").as_str())
    );
    assert_eq!(
        browser
            .page(&format!("#{}", ids::STATUS))
            .await
            .text()
            .await
            .expect("status"),
        words("es", "status.resolved")
    );
    let violations = browser.axe_violations_in("main").await;
    assert!(violations.is_empty(), "{violations:?}");
    browser.screenshot("case-page-outcome-es").await;

    let trends = agent
        .get(&format!("{}?by=root_cause", routes::AGENT_TRENDS))
        .await;
    assert!(
        trends["totals"]
            .as_array()
            .expect("totals")
            .iter()
            .any(|t| t["key"] == "packing" && t["count"] == 1),
        "{trends}"
    );
}

async fn the_shopper_rates_it_from_the_email_and_a_low_score_flags_the_case(
    app: &TestApp,
    browser: &Browser,
    agent: &AgentClient<'_>,
    case: &Filed,
) {
    let page = app.edge.url("/case/?rate=2#");
    let link = redress_e2e::eventually(Duration::from_secs(30), || async {
        let emails = app.emails_to(SHOPPER).await;
        emails.iter().find_map(|e| {
            e.text
                .split_whitespace()
                .find(|word| word.starts_with(&page))
                .map(str::to_owned)
        })
    })
    .await
    .expect("the resolution email asks for a rating");
    assert_eq!(link, format!("{page}{}.{}", case.reference, case.token));

    // One click: the page sends the score, thanks the shopper and offers the comment.
    browser.goto("about:blank").await;
    browser.goto(&link).await;
    let given = words("es", "rating.given").replace("{}", "2");
    browser
        .page_text_where(&format!("#{}", ids::RATING_GIVEN), |t| t.contains(&given))
        .await
        .expect("the score is sent with one click");
    browser
        .page_text_where(&format!("#{}", ids::RATING_STATUS), |t| {
            t == words("es", "rating.thanks")
        })
        .await
        .expect("thanked");
    let violations = browser.axe_violations_in("main").await;
    assert!(violations.is_empty(), "{violations:?}");
    browser.screenshot("case-page-rating-es").await;
    let comment = "La respuesta tardó una semana.";
    browser
        .page(&format!("#{}", ids::RATING_COMMENT))
        .await
        .send_keys(comment)
        .await
        .expect("type the comment");
    browser.click_on(&format!("#{}", ids::RATING_SEND)).await;
    browser
        .page_text_where(&format!("#{}", ids::RATING_GIVEN), |t| t.contains(comment))
        .await
        .expect("the comment is kept");

    // The link clicked again changes nothing (the page sent the score again); another
    // score is refused. Each request counts against the case's rate limit.
    browser.goto("about:blank").await;
    browser.goto(&link).await;
    browser
        .page_text_where(&format!("#{}", ids::RATING_GIVEN), |t| t.contains(comment))
        .await
        .expect("the rating stands");
    let again = rate(app, (&case.reference, &case.token), json!({ "score": 5 }));
    assert_refused(again.await, 409, "already_rated");

    let timeline = agent.case(&case.id).await;
    let rated = timeline["timeline"]
        .as_array()
        .expect("a timeline")
        .iter()
        .filter(|e| e["kind"] == "rated")
        .count();
    assert_eq!(rated, 1, "rated once: {timeline}");
    assert_eq!(timeline["rating"]["score"], 2);
    let flagged = agent.list("?rated_low=true").await;
    assert_eq!(
        flagged,
        vec![case.id.clone()],
        "the inbox's rated-low filter"
    );

    // An open case cannot be rated.
    let mut complaint = api::complaint(
        "ES-3018",
        "otro@example.com",
        "No ha llegado el pedido.",
        "resend",
    );
    complaint["store_id"] = json!(STORE);
    let open = app.file_complaint(complaint).await;
    let open_case = (
        open["reference"].as_str().expect("a reference"),
        open["status_token"].as_str().expect("a token"),
    );
    let early = rate(app, open_case, json!({ "score": 5 }));
    assert_refused(early.await, 409, "rating_closed");
    // A forged link rates nothing: no such case for that token.
    let forged = rate(app, (open_case.0, "st_forged"), json!({ "score": 1 }));
    assert_refused(forged.await, 404, "not_found");
}

/// The shopper's rating of case `reference` with status token `token`, as answered.
/// (Each counts against the case's rate limit, as every shopper request does.)
async fn rate(app: &TestApp, (reference, token): (&str, &str), body: Value) -> (u16, Value) {
    let path = routes::fill(routes::CASE_RATING, &[reference]);
    app.try_shopper_post(&path, token, body).await
}

async fn the_store_heard_each_step_on_its_signed_webhook(
    webhook: &WebhookReceiver,
    secret: &str,
    case: &Filed,
) {
    // Filed, four offers made, one answered, one expired; status changes besides.
    let mut events = webhook
        .settle_for_at_least(&case.reference, 10, Duration::from_secs(30))
        .await;
    // Deliveries may arrive out of order (a retried one later): read them in the case's.
    events.sort_by_key(|e| e["activity"]["seq"].as_u64().unwrap_or(0));
    let of = |name: &str| -> Vec<&Value> { events.iter().filter(|e| e["event"] == name).collect() };
    assert_eq!(of("case.offer_made").len(), 5, "{events:?}");
    let made = &of("case.offer_made")[0];
    assert_eq!(made["offer"]["kind"], "partial_refund");
    assert_eq!(made["offer"]["amount"]["minor"], 1230);
    assert_eq!(made["activity"]["actor"], "Marta");
    let answered = of("case.offer_answered");
    assert_eq!(answered.len(), 2, "{events:?}");
    assert_eq!(answered[0]["offer"]["number"], 1);
    assert_eq!(answered[0]["offer"]["state"], "accepted");
    assert_eq!(answered[1]["offer"]["state"], "countered");
    let expired = of("case.offer_expired");
    assert_eq!(expired.len(), 1, "{events:?}");
    assert_eq!(expired[0]["offer"]["number"], 4);
    let recorded = of("case.outcome_recorded");
    assert_eq!(recorded.len(), 2, "{events:?}");
    assert_eq!(recorded[0]["outcome"]["kind"], "refund_issued");
    assert_eq!(recorded[1]["outcome"]["tracking"], TRACKING);
    let rated = of("case.rated");
    assert_eq!(rated.len(), 1, "{events:?}");
    assert_eq!(rated[0]["rating"]["score"], 2);
    let resolved = of("case.resolved");
    assert_eq!(resolved.len(), 1, "{events:?}");
    assert_eq!(resolved[0]["resolution_taken"], "partial_refund");
    assert_eq!(resolved[0]["outcomes"].as_array().map(Vec::len), Some(2));
    assert!(
        events
            .iter()
            .all(|e| e["event"] == "case.resolved" || e.get("outcomes").is_none()),
        "only case.resolved carries every outcome"
    );
    let deliveries = webhook.deliveries_for(&case.reference);
    let verdicts = standard_webhooks::verify(secret, &deliveries.iter().collect::<Vec<_>>());
    assert!(verdicts.iter().all(Result::is_ok), "{verdicts:?}");
}

/// An internal note the bundle must leave out: it goes to a third party.
const NOTE: &str = "Nota interna: el transportista lo aplastó, reclamar a Correos.";

async fn a_dispute_bundle_holds_the_conversation_and_the_files_as_received(
    app: &TestApp,
    browser: &Browser,
    agent: &AgentClient<'_>,
    case: &Filed,
) {
    use redress_shared::dispute_bundle::{self as bundle, Manifest};
    use sha2::{Digest, Sha256};

    agent.note(&case.id, NOTE).await;
    let path = routes::fill(routes::AGENT_CASE_BUNDLE, &[&case.id]);
    let (status, kind, disposition, body) = api::agent_file(&app.edge, agent.token(), &path).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(kind, "application/zip");
    assert!(
        disposition.contains(&bundle::download_name(&case.reference)),
        "{disposition}"
    );

    // Read back with zip2's reader, through the central directory as unzip tools do.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&body)).expect("a ZIP");
    let entries: Vec<(String, Vec<u8>)> = (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).expect("an entry");
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).expect("its bytes, CRC checked");
            (entry.name().expect("a UTF-8 name").into_owned(), bytes)
        })
        .collect();
    let names: Vec<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert_eq!(names[0], bundle::TRANSCRIPT);
    assert!(names[1].starts_with("evidence/01-") && names[2].starts_with("evidence/02-"));
    assert_eq!(names[3], bundle::MANIFEST);

    // The files are the shopper's bytes, and the manifest's digests are theirs.
    let hex = |bytes: &[u8]| redress_shared::hex(&Sha256::digest(bytes));
    let stored = agent.case(&case.id).await;
    let manifest: Manifest = serde_json::from_slice(&entries[3].1).expect("the manifest");
    assert_eq!(manifest.format, bundle::FORMAT);
    assert_eq!(
        (manifest.reference.as_str(), manifest.order_number.as_str()),
        (case.reference.as_str(), "ES-3017")
    );
    assert!(manifest.intact);
    assert_eq!(manifest.files.len(), 3);
    for (file, (name, bytes)) in manifest.files.iter().zip(&entries) {
        assert_eq!((&file.path, file.size), (name, bytes.len() as u64));
        assert_eq!(file.sha256, hex(bytes), "{name}");
    }
    for (i, sent) in case.files.iter().enumerate() {
        let (file, (_, bytes)) = (&manifest.files[i + 1], &entries[i + 1]);
        assert!(
            bytes == sent,
            "evidence {i} is byte for byte what the shopper sent"
        );
        assert_eq!(
            file.sha256_at_upload.as_deref(),
            stored["evidence"][i]["sha256"].as_str()
        );
        assert!(
            file.at.as_str() <= stored["created_at"].as_str().expect("filed"),
            "received before filing"
        );
    }

    // The transcript tells the conversation, in the shopper's words, without the notes.
    let transcript = String::from_utf8(entries[0].1.clone()).expect("UTF-8");
    for said in [
        "La lámpara llegó con la pantalla de cristal rota",
        TERMS,
        "answered offer #1: accepted",
        TRACKING,
        "rated the store&#39;s handling 2 of 5",
        "Store (Marta)",
    ] {
        assert!(transcript.contains(said), "{said:?} in the transcript");
    }
    assert!(!transcript.contains("Correos"), "internal notes stay out");

    // Another store's agent cannot have it: the case answers as missing.
    let rival = StoreChanges {
        name: Some("Rival".to_owned()),
        ..StoreChanges::default()
    };
    app.edge.put_store("rival-store", rival);
    let other = app.edge.issue_agent_token("rival-store", "Someone else");
    let (status, _, _, _) = api::agent_file(&app.edge, other.token.as_str(), &path).await;
    assert_eq!(status, 404);

    // The inbox saves the same bundle from the case.
    browser
        .open_in_inbox(&app.edge.url("/agent/"), agent.token(), &case.reference)
        .await;
    browser
        .click_on(&format!("#{}", inbox_ids::DISPUTE_BUNDLE))
        .await;
    let saved = redress_e2e::eventually(Duration::from_secs(30), || async {
        let found = browser
            .client
            .execute_async(
                "const [id, done] = arguments;
                 const link = document.getElementById(id).nextElementSibling;
                 if (!link.href.startsWith('blob:')) return done(null);
                 fetch(link.href).then(r => r.arrayBuffer()).then(b => {
                   const head = Array.from(new Uint8Array(b, 0, 4));
                   done({ size: b.byteLength, head, name: link.download });
                 });",
                vec![inbox_ids::DISPUTE_BUNDLE.into()],
            )
            .await
            .expect("the saved bundle");
        (!found.is_null()).then_some(found)
    })
    .await
    .expect("the inbox saves the bundle");
    // Written at another time, the same case gives a bundle of the same size.
    assert_eq!(saved["size"].as_u64(), Some(body.len() as u64));
    assert_eq!(saved["head"], json!([0x50, 0x4b, 3, 4]));
    assert_eq!(saved["name"], bundle::download_name(&case.reference));
}
