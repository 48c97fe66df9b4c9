//! Agents read every language: a Korean complaint reaches an English-speaking store with
//! its translation beside the original, in the store's signed webhook, in the agent
//! API and in the inbox; a text already in the store's language is never sent to the
//! translator, and a text is translated once however often it comes; an outage of the
//! translator delays a message's translation, loses nothing, and recovers; a store past
//! its daily allowance gets the original alone, marked so. Saved replies: the store's
//! own for damaged goods is suggested first on a damaged case, and its Korean variant
//! is inserted with the case's reference, order number and date filled. An agent's
//! English reply (a saved reply with no Korean variant) is shown translated before it
//! is sent, edited, and reaches the shopper in Korean with the store's original on
//! the case page. The store writes its saved replies in the inbox, from scratch or from a
//! starter. An agent who reads Chinese gets the case's texts in Chinese, made on
//! their first reading and kept, while the store's other agents read English.
//!
//! The translator is the HTTP provider's local stand-in (`xtask::translator`, with
//! LibreTranslate's API and a phrasebook): no translation model runs on these machines.
//! One worker serves every scenario, in order, inside one test.

use std::time::Duration;

use redress_e2e::{api, eventually, field_codes, AgentClient, Browser, TestApp, WebhookReceiver};
use redress_shared::{case_page_ids, inbox_ids, routes};
use reqwest::Method;
use serde_json::{json, Value};
use xtask::stores::StoreChanges;
use xtask::translator::StandIn;

const STORE: &str = "seoul-lamps";
const FRUGAL_STORE: &str = "frugal-lamps";

/// The shopper's complaint, and what the phrasebook makes of it in English.
const COMPLAINT: &str = "주문한 램프가 깨진 채로 도착했어요.\n받침대에 금이 가 있고 전구가 켜지지 않아요.\n환불을 원합니다.";
const COMPLAINT_IN_ENGLISH: &str = "The lamp I ordered arrived broken.\nThe base is cracked and the bulb does not light up.\nI would like a refund.";
const MESSAGE: &str = "사진을 더 보내 드릴까요?";
const MESSAGE_IN_ENGLISH: &str = "Shall I send you more photos?";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_read_what_shoppers_write_in_any_language() {
    let translator = StandIn::start("127.0.0.1:0").expect("the translator's stand-in");
    let webhook = WebhookReceiver::start();
    let app = TestApp::start(&[("TRANSLATE_URL", translator.url())]).await;
    for (store, name, per_day) in [
        (STORE, "Seoul Lamps", None),
        (FRUGAL_STORE, "Frugal Lamps", Some(20)),
    ] {
        app.edge.put_store(
            store,
            StoreChanges {
                name: Some(name.to_owned()),
                webhook_url: Some(webhook.url().to_owned()),
                working_language: Some("en".to_owned()),
                translation_characters_per_day: per_day,
                ..StoreChanges::default()
            },
        );
    }
    let issued = app.edge.issue_agent_token(STORE, "Jamie");
    let agent = app.agent(issued.token.as_str());

    let case = a_korean_complaint_arrives_with_its_english_translation(
        &app,
        &webhook,
        &translator,
        &agent,
    )
    .await;
    a_complaint_in_the_stores_language_is_never_sent_to_the_translator(&app, &webhook, &translator)
        .await;
    the_same_text_is_translated_once(&app, &webhook, &translator).await;
    let browser = Browser::start().await;
    the_inbox_shows_the_translation_beside_the_original(&app, &browser, &agent, &case).await;
    a_saved_replys_korean_variant_fills_its_placeholders(&app, &browser, &agent, &case).await;
    an_agents_english_reply_reaches_the_shopper_in_korean(&app, &browser, &agent, &case).await;
    a_store_writes_its_saved_replies_in_the_inbox(&app, &browser, &agent, &case).await;
    browser.close().await;
    an_outage_delays_a_messages_translation_and_loses_nothing(
        &app,
        &webhook,
        &translator,
        &agent,
        &case,
    )
    .await;
    a_store_past_its_daily_allowance_gets_the_original_alone(&app, &webhook, &translator).await;
    let issued = app.edge.issue_agent_token(STORE, "Wei");
    let wei = app.agent(issued.token.as_str());
    an_agent_who_reads_chinese_reads_the_case_in_chinese(&translator, &agent, &wei, &case).await;
}

struct Filed {
    id: String,
    reference: String,
    token: String,
}

async fn file_in(
    app: &TestApp,
    store: &str,
    order: &str,
    description: &str,
    locale: &str,
) -> Value {
    let mut complaint = api::complaint(order, "minji@example.com", description, "full_refund");
    complaint["store_id"] = json!(store);
    complaint["locale"] = json!(locale);
    app.file_complaint(complaint).await
}

fn reference(receipt: &Value) -> &str {
    receipt["reference"].as_str().expect("a reference")
}

/// What the shopper's case page is given once it shows the store's reply `text`.
async fn shopper_reads_reply(app: &TestApp, case: &Filed, text: &str) -> Option<Value> {
    eventually(Duration::from_secs(20), || async {
        let (_, status) = app
            .try_shopper_status(&case.reference, Some(&case.token))
            .await;
        status["timeline"]
            .as_array()?
            .iter()
            .any(|e| e["kind"] == "reply" && e["value"] == text)
            .then_some(status)
    })
    .await
}

/// The store's delivery of `event` about case `reference`, once it arrives: after an
/// outage, behind the translation's and the queue's growing retry delays (up to 32 s
/// each), which a loaded machine stretches; or else the outbox sweep's (150 s of
/// waiting once saw nothing in CI: the local queue had stranded the retry).
async fn delivered(
    app: &TestApp,
    webhook: &WebhookReceiver,
    reference: &str,
    event: &str,
) -> Value {
    app.edge
        .eventually_or_swept(Duration::from_secs(90), || async {
            webhook
                .notifications_for(reference)
                .into_iter()
                .find(|n| n["event"] == event)
        })
        .await
        .unwrap_or_else(|| panic!("no {event} for {reference}: {}", app.edge.log_tail()))
}

async fn a_korean_complaint_arrives_with_its_english_translation(
    app: &TestApp,
    webhook: &WebhookReceiver,
    translator: &StandIn,
    agent: &AgentClient<'_>,
) -> Filed {
    let receipt = file_in(app, STORE, "KR-1001", COMPLAINT, "ko").await;
    let reference = reference(&receipt).to_owned();
    let created = delivered(app, webhook, &reference, "case.created").await;
    // The original stays the authority, the translation sits beside it.
    assert_eq!(created["case"]["description"], COMPLAINT);
    assert_eq!(
        created["translation"],
        json!({"state": "translated", "source_language": "ko", "language": "en",
               "text": COMPLAINT_IN_ENGLISH})
    );
    let asked = translator.asked();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(
        (asked[0].source.as_str(), asked[0].target.as_str()),
        ("ko", "en")
    );

    let id = agent.case_id_of(&reference).await;
    let detail = agent.case(&id).await;
    assert_eq!(detail["description"], COMPLAINT);
    assert_eq!(
        detail["translations"]["description"]["text"],
        COMPLAINT_IN_ENGLISH
    );
    Filed {
        id,
        reference,
        token: receipt["status_token"]
            .as_str()
            .expect("a token")
            .to_owned(),
    }
}

async fn a_complaint_in_the_stores_language_is_never_sent_to_the_translator(
    app: &TestApp,
    webhook: &WebhookReceiver,
    translator: &StandIn,
) {
    let before = translator.asked().len();
    let receipt = file_in(
        app,
        STORE,
        "EN-1002",
        "The lamp arrived with a cracked base and the bulb does not light.",
        "en",
    )
    .await;
    let created = delivered(app, webhook, reference(&receipt), "case.created").await;
    assert!(created.get("translation").is_none(), "{created}");
    assert_eq!(translator.asked().len(), before);
}

async fn the_same_text_is_translated_once(
    app: &TestApp,
    webhook: &WebhookReceiver,
    translator: &StandIn,
) {
    let before = translator.asked().len();
    let receipt = file_in(app, STORE, "KR-1003", COMPLAINT, "ko").await;
    let created = delivered(app, webhook, reference(&receipt), "case.created").await;
    assert_eq!(created["translation"]["text"], COMPLAINT_IN_ENGLISH);
    assert_eq!(
        translator.asked().len(),
        before,
        "served from the stored translation"
    );
}

async fn the_inbox_shows_the_translation_beside_the_original(
    app: &TestApp,
    browser: &Browser,
    agent: &AgentClient<'_>,
    case: &Filed,
) {
    browser
        .open_in_inbox(&app.edge.url("/agent/"), agent.token(), &case.reference)
        .await;
    let translation = browser
        .page_text_where(&format!("#{}", inbox_ids::CASE_TRANSLATION), |t| {
            t.contains("The lamp I ordered arrived broken.")
        })
        .await
        .expect("the translation is beside the original");
    assert!(
        translation.contains("Machine translation from Korean into English"),
        "{translation}"
    );
    let original = browser
        .page(&format!("#{}", inbox_ids::CASE_DESCRIPTION))
        .await;
    assert_eq!(
        original.attr("lang").await.expect("lang").as_deref(),
        Some("ko")
    );
    assert!(original
        .text()
        .await
        .expect("text")
        .contains("주문한 램프가"));
    let violations = browser
        .axe_violations_in(&format!("#{}", inbox_ids::CASE_VIEW))
        .await;
    assert!(violations.is_empty(), "{violations:#?}");
    browser
        .scroll_to(&format!("#{} h2", inbox_ids::CASE_VIEW))
        .await;
    browser.screenshot("inbox-translation").await;
}

/// The store's own saved reply for damaged goods, in Korean and English.
const SAVED_KOREAN: &str = "불편을 드려 정말 죄송합니다. 사례 {reference} (주문 {order_number}) 건은 전액 환불해 드리겠습니다. {respond_by}까지 다시 연락드리겠습니다.";

async fn a_saved_replys_korean_variant_fills_its_placeholders(
    app: &TestApp,
    browser: &Browser,
    agent: &AgentClient<'_>,
    case: &Filed,
) {
    let path = routes::AGENT_SAVED_REPLIES;
    // A reply naming a placeholder nobody fills is refused, and nothing is saved.
    let (status, refused) = agent
        .try_send(
            Method::POST,
            path,
            json!({"name": "Sorry", "category": "damaged",
                   "variants": {"ko": "{customer}님, 죄송합니다. {reference}"}}),
        )
        .await;
    assert_eq!(
        (status, field_codes(&refused)),
        (400, vec!["invalid_format".to_owned()])
    );
    let before = agent.get(path).await["saved_replies"]
        .as_array()
        .expect("a list")
        .len();
    assert_eq!(before, 8, "the starter set: one per category");

    let (status, saved) = agent
        .try_send(
            Method::POST,
            path,
            json!({"name": "Lamp broken: full refund", "category": "damaged",
                   "variants": {"ko": SAVED_KOREAN,
                                "en": "We are so sorry. Case {reference}: a full refund."}}),
        )
        .await;
    assert_eq!(status, 201, "{saved}");
    let id = saved["id"].as_str().expect("an id").to_owned();
    assert!(id.starts_with("sr_"), "{saved}");
    // The starter set is Redress's: a store copies it, it cannot change it.
    let (status, _) = agent
        .try_send(
            Method::PUT,
            &routes::fill(routes::AGENT_SAVED_REPLY, &["starter-damaged"]),
            json!({"name": "Mine", "variants": {"en": "Sorry {reference}"}}),
        )
        .await;
    assert_eq!(status, 404);

    browser
        .open_in_inbox(&app.edge.url("/agent/"), agent.token(), &case.reference)
        .await;
    // The store's reply for damaged goods is suggested first on a damaged case.
    let first = browser
        .page_text_where(&format!("#{}", inbox_ids::SAVED_REPLY), |t| {
            t.contains("Lamp broken: full refund")
        })
        .await
        .expect("the saved replies are listed");
    assert!(first.starts_with("Lamp broken: full refund"), "{first}");
    browser
        .page(&format!("#{}", inbox_ids::SAVED_REPLY))
        .await
        .select_by_value(&id)
        .await
        .expect("choose the saved reply");
    browser
        .click_on(&format!("#{}", inbox_ids::SAVED_REPLY_INSERT))
        .await;
    let reply = browser
        .page(&format!("#{}", inbox_ids::REPLY_TEXT))
        .await
        .prop("value")
        .await
        .expect("the reply's text")
        .unwrap_or_default();
    assert!(
        reply.starts_with("불편을 드려 정말 죄송합니다. 사례 RD-")
            && reply.contains(&case.reference)
            && reply.contains("(주문 KR-1001)")
            && reply.contains("UTC까지")
            && !reply.contains('{'),
        "{reply}"
    );
    browser
        .click_on(&format!("#{}", inbox_ids::REPLY_SEND))
        .await;
    let status = shopper_reads_reply(app, case, &reply).await;
    assert!(
        status.is_some(),
        "the shopper reads the reply on their case page"
    );

    let deleted = routes::fill(routes::AGENT_SAVED_REPLY, &[&id]);
    assert_eq!(
        agent.try_send(Method::DELETE, &deleted, json!({})).await.0,
        200
    );
    assert_eq!(
        agent.try_send(Method::DELETE, &deleted, json!({})).await.0,
        404
    );
    let after = agent.get(path).await["saved_replies"]
        .as_array()
        .expect("a list")
        .len();
    assert_eq!(after, before);
}

/// An English-only saved reply, in lines the stand-in's phrasebook knows.
const REPLY_IN_ENGLISH: &str =
    "We are very sorry the lamp arrived broken.\nWe will refund you in full within three days.";
const REPLY_IN_KOREAN: &str =
    "램프가 파손된 채로 도착해서 정말 죄송합니다.\n3일 이내에 전액 환불해 드리겠습니다.";

async fn an_agents_english_reply_reaches_the_shopper_in_korean(
    app: &TestApp,
    browser: &Browser,
    agent: &AgentClient<'_>,
    case: &Filed,
) {
    let preview = routes::fill(routes::AGENT_CASE_REPLY_TRANSLATION, &[&case.id]);
    let (status, refused) = agent
        .try_send(
            Method::POST,
            &preview,
            json!({"text": "Hello", "language": "english"}),
        )
        .await;
    assert_eq!(
        (status, field_codes(&refused)),
        (400, vec!["invalid_format".to_owned()])
    );
    let (status, same) = agent
        .try_send(
            Method::POST,
            &preview,
            json!({"text": "감사합니다.", "language": "ko"}),
        )
        .await;
    assert_eq!(
        (status, &same["translation"]),
        (200, &Value::Null),
        "Korean for a Korean case"
    );
    // A note is never sent translated.
    let (status, refused) = agent
        .try_send(
            Method::POST,
            &routes::fill(routes::AGENT_CASE_NOTES, &[&case.id]),
            json!({"text": "x", "original": {"language": "en", "text": "y"}}),
        )
        .await;
    assert_eq!(
        (status, field_codes(&refused)),
        (400, vec!["invalid_format".to_owned()])
    );

    let (status, saved) = agent
        .try_send(
            Method::POST,
            routes::AGENT_SAVED_REPLIES,
            json!({"name": "Broken on arrival", "category": "damaged",
                   "variants": {"en": REPLY_IN_ENGLISH}}),
        )
        .await;
    assert_eq!(status, 201, "{saved}");
    let id = saved["id"].as_str().expect("an id");

    browser
        .open_in_inbox(&app.edge.url("/agent/"), agent.token(), &case.reference)
        .await;
    let choose = |selector: String, value: String| async move {
        browser
            .page(&selector)
            .await
            .select_by_value(&value)
            .await
            .unwrap_or_else(|e| panic!("choose {value} in {selector}: {e}"));
    };
    choose(format!("#{}", inbox_ids::REPLY_LANGUAGE), "en".to_owned()).await;
    choose(format!("#{}", inbox_ids::SAVED_REPLY), id.to_owned()).await;
    browser
        .click_on(&format!("#{}", inbox_ids::SAVED_REPLY_INSERT))
        .await;
    // No Korean variant: the English one is inserted and translated for the agent to read.
    let translated = format!("#{}", inbox_ids::REPLY_TRANSLATION);
    let shown = eventually(Duration::from_secs(30), || async {
        let value = browser.page(&translated).await.prop("value").await.ok()??;
        (value == REPLY_IN_KOREAN).then_some(value)
    })
    .await;
    assert!(
        shown.is_some(),
        "the reply's Korean translation, before sending"
    );
    let note = browser
        .page(&format!("#{}", inbox_ids::REPLY_TRANSLATION_NOTE))
        .await
        .text()
        .await
        .expect("the note");
    assert!(
        note.contains("Machine translation from English into Korean"),
        "{note}"
    );
    let violations = browser
        .axe_violations_in(&format!("#{}", inbox_ids::CASE_VIEW))
        .await;
    assert!(violations.is_empty(), "{violations:#?}");
    browser
        .scroll_to(&format!("#{}", inbox_ids::SAVED_REPLY))
        .await;
    browser.screenshot("inbox-reply-translation").await;
    // The agent edits the translation; what they leave is what the shopper gets.
    browser
        .page(&translated)
        .await
        .send_keys(" 감사합니다.")
        .await
        .expect("edit the translation");
    let sent = format!("{REPLY_IN_KOREAN} 감사합니다.");
    browser
        .click_on(&format!("#{}", inbox_ids::REPLY_SEND))
        .await;

    let status = shopper_reads_reply(app, case, &sent)
        .await
        .expect("the shopper reads the reply in Korean");
    let entries = status["timeline"].as_array().expect("a timeline");
    let index = entries
        .iter()
        .position(|e| e["value"] == sent.as_str())
        .expect("the reply");
    assert_eq!(
        entries[index]["original"],
        json!({"language": "en", "text": REPLY_IN_ENGLISH})
    );
    let detail = agent.case(&case.id).await;
    let replied = detail["timeline"]
        .as_array()
        .expect("a timeline")
        .iter()
        .find(|e| e["value"] == sent.as_str())
        .expect("the agent reads the reply too");
    assert_eq!(replied["original"]["text"], REPLY_IN_ENGLISH);

    // On the case page the shopper reads Korean, and the store's words on request.
    browser
        .goto(
            &app.edge
                .url(&format!("/case/#{}.{}", case.reference, case.token)),
        )
        .await;
    let original = format!("#{}", case_page_ids::original(index as u32));
    let summary = browser
        .page_text_where(&format!("{original} summary"), |t| !t.is_empty())
        .await
        .expect("the disclosure");
    assert_eq!(summary, "스토어의 원문 보기");
    browser.click_on(&format!("{original} summary")).await;
    let words = browser.page(&format!("{original} p")).await;
    assert_eq!(
        words.attr("lang").await.expect("lang").as_deref(),
        Some("en")
    );
    assert_eq!(words.text().await.expect("text"), REPLY_IN_ENGLISH);
    let violations = browser.axe_violations_in("main").await;
    assert!(violations.is_empty(), "{violations:#?}");
    browser.scroll_to(&original).await;
    browser.screenshot("case-page-original").await;
}

async fn a_store_writes_its_saved_replies_in_the_inbox(
    app: &TestApp,
    browser: &Browser,
    agent: &AgentClient<'_>,
    case: &Filed,
) {
    let own = || async {
        let list = agent.get(routes::AGENT_SAVED_REPLIES).await;
        list["saved_replies"]
            .as_array()
            .expect("a list")
            .iter()
            .filter(|r| r["starter"] != true)
            .cloned()
            .collect::<Vec<Value>>()
    };
    let before = own().await.len();
    browser
        .open_in_inbox(&app.edge.url("/agent/"), agent.token(), &case.reference)
        .await;
    browser
        .click_on(&format!("#{}", inbox_ids::NAV_SAVED_REPLIES))
        .await;
    let type_into = |selector: String, text: &'static str| async move {
        browser
            .page(&selector)
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {selector}: {e}"));
    };
    let save = format!("#{}", inbox_ids::SAVED_REPLY_SAVE);
    // Refused as the API refuses it: nothing saved, the reason shown.
    type_into(
        format!("#{}", inbox_ids::saved_reply_text(0)),
        "Sorry about {reference}.",
    )
    .await;
    browser.click_on(&save).await;
    let refused = browser
        .page_text_where(
            &format!("#{} [role=alert]", inbox_ids::SAVED_REPLIES),
            |t| t.contains("name"),
        )
        .await;
    assert!(refused.is_some(), "the missing name is said");
    type_into(
        format!("#{}", inbox_ids::SAVED_REPLY_NAME),
        "Sorry, in brief",
    )
    .await;
    browser
        .page(&format!("#{}", inbox_ids::SAVED_REPLY_CATEGORY))
        .await
        .select_by_value("damaged")
        .await
        .expect("choose a category");
    browser.click_on(&save).await;
    let saved = eventually(Duration::from_secs(20), || async {
        own()
            .await
            .into_iter()
            .find(|r| r["name"] == "Sorry, in brief")
    })
    .await
    .expect("the new reply is the store's");
    assert_eq!(
        (&saved["category"], &saved["variants"]),
        (
            &json!("damaged"),
            &json!({"en": "Sorry about {reference}."})
        )
    );

    // A starter is copied whole into a reply of the store's own.
    browser
        .click_on(&format!(
            "#{}",
            inbox_ids::saved_reply_edit("starter-damaged")
        ))
        .await;
    browser
        .page_text_where(&format!("#{}", inbox_ids::saved_reply_text(11)), |_| true)
        .await
        .expect("its twelve languages in the form");
    let violations = browser
        .axe_violations_in(&format!("#{}", inbox_ids::SAVED_REPLIES))
        .await;
    assert!(violations.is_empty(), "{violations:#?}");
    browser.click_on(&save).await;
    let copied = eventually(Duration::from_secs(20), || async {
        let mine = own().await;
        (mine.len() == before + 2).then_some(mine)
    })
    .await
    .expect("the copy is the store's");
    let copy = copied
        .iter()
        .find(|r| {
            r["name"] != "Sorry, in brief" && r["variants"].as_object().map(|v| v.len()) == Some(12)
        })
        .expect("a copy in the twelve languages");

    // Deleted from the list.
    let id = saved["id"].as_str().expect("an id");
    browser
        .click_on(&format!("#{}", inbox_ids::saved_reply_delete(id)))
        .await;
    let left = eventually(Duration::from_secs(20), || async {
        let mine = own().await;
        (mine.len() == before + 1).then_some(mine)
    })
    .await
    .expect("deleted");
    assert_eq!(
        left.iter()
            .find(|r| r["id"] == copy["id"])
            .map(|r| &r["name"]),
        Some(&copy["name"])
    );
}

async fn an_outage_delays_a_messages_translation_and_loses_nothing(
    app: &TestApp,
    webhook: &WebhookReceiver,
    translator: &StandIn,
    agent: &AgentClient<'_>,
    case: &Filed,
) {
    translator.set_down(true);
    let (status, body) = app
        .try_shopper_message(&case.reference, &case.token, MESSAGE)
        .await;
    assert_eq!(status, 200, "{body}");
    // The translator fails; the message is kept, and said to be waiting for it.
    let pending = eventually(Duration::from_secs(60), || async {
        let detail = agent.case(&case.id).await;
        let entries = detail["translations"]["timeline"].as_array()?.clone();
        entries.into_iter().find(|t| t["state"] == "pending")
    })
    .await
    .expect("the message's translation is pending");
    let detail = agent.case(&case.id).await;
    let index = pending["index"].as_u64().expect("an index") as usize;
    assert_eq!(detail["timeline"][index]["value"], MESSAGE);
    assert!(
        !webhook
            .notifications_for(&case.reference)
            .iter()
            .any(|n| n["event"] == "case.shopper_replied"),
        "the store hears of the message with its translation"
    );

    translator.set_down(false);
    let replied = delivered(app, webhook, &case.reference, "case.shopper_replied").await;
    assert_eq!(replied["activity"]["value"], MESSAGE);
    assert_eq!(replied["translation"]["text"], MESSAGE_IN_ENGLISH);
    let detail = agent.case(&case.id).await;
    let entry = &detail["translations"]["timeline"][0];
    assert_eq!(entry["index"].as_u64(), Some(index as u64));
    assert_eq!(entry["state"], "translated");
    assert_eq!(entry["text"], MESSAGE_IN_ENGLISH);
}

async fn a_store_past_its_daily_allowance_gets_the_original_alone(
    app: &TestApp,
    webhook: &WebhookReceiver,
    translator: &StandIn,
) {
    let before = translator.asked().len();
    // 25 characters against an allowance of 20 a day.
    let text = "받침대에 금이 가 있고 전구가 켜지지 않아요.";
    let receipt = file_in(app, FRUGAL_STORE, "KR-2001", text, "ko").await;
    let created = delivered(app, webhook, reference(&receipt), "case.created").await;
    assert_eq!(created["case"]["description"], text);
    assert_eq!(
        created["translation"],
        json!({"state": "unavailable", "source_language": "ko", "language": "en",
               "reason": "daily_limit"})
    );
    assert_eq!(translator.asked().len(), before);
    let usage = app.edge.query(&format!(
        "SELECT characters, texts FROM translation_usage WHERE store_id = '{STORE}'"
    ));
    assert_eq!(
        usage[0]["texts"], 3,
        "the complaint, the agent's reply and the shopper's message: {usage:?}"
    );

    // Regression: a text refused for the day's allowance stayed untranslated for good.
    // With room again, an agent's reading translates it.
    app.edge.put_store(
        FRUGAL_STORE,
        StoreChanges {
            translation_characters_per_day: Some(1_000),
            ..StoreChanges::default()
        },
    );
    let issued = app.edge.issue_agent_token(FRUGAL_STORE, "Ana");
    let agent = app.agent(issued.token.as_str());
    let id = agent.case_id_of(reference(&receipt)).await;
    let detail = agent.case(&id).await;
    assert_eq!(
        detail["translations"]["description"],
        json!({"state": "translated", "source_language": "ko", "language": "en",
               "text": "The base is cracked and the bulb does not light up."})
    );
    assert_eq!(translator.asked().len(), before + 1);
}

/// The complaint and the message, as the phrasebook puts them in Chinese.
const COMPLAINT_IN_CHINESE: &str =
    "我订的台灯到货时已经坏了。\n底座有裂缝，灯泡也不亮。\n我想要退款。";
const MESSAGE_IN_CHINESE: &str = "需要我再发一些照片吗？";

async fn an_agent_who_reads_chinese_reads_the_case_in_chinese(
    translator: &StandIn,
    jamie: &AgentClient<'_>,
    wei: &AgentClient<'_>,
    case: &Filed,
) {
    let me = wei.get(routes::AGENT_ME).await;
    assert_eq!(
        (
            &me["agent"],
            &me["store_working_language"],
            &me["working_language"]
        ),
        (&json!("Wei"), &json!("en"), &Value::Null)
    );
    let (status, refused) = wei
        .try_send(
            Method::PUT,
            routes::AGENT_ME,
            json!({"working_language": "chinese"}),
        )
        .await;
    assert_eq!(
        (status, field_codes(&refused)),
        (400, vec!["invalid_format".to_owned()])
    );
    let (status, me) = wei
        .try_send(
            Method::PUT,
            routes::AGENT_ME,
            json!({"working_language": "zh-CN"}),
        )
        .await;
    assert_eq!(
        (status, &me["working_language"]),
        (200, &json!("zh")),
        "{me}"
    );

    // The store's webhook had English; Wei's first reading makes the Chinese, once.
    let before = translator.asked().len();
    let detail = wei.case(&case.id).await;
    let description = &detail["translations"]["description"];
    assert_eq!(
        (&description["language"], &description["text"]),
        (&json!("zh"), &json!(COMPLAINT_IN_CHINESE)),
        "{detail}"
    );
    let message = &detail["translations"]["timeline"][0];
    assert_eq!(message["text"], MESSAGE_IN_CHINESE, "{detail}");
    let asked: Vec<_> = translator.asked()[before..]
        .iter()
        .map(|r| format!("{}→{}", r.source, r.target))
        .collect();
    assert_eq!(asked, ["ko→zh", "ko→zh"]);
    wei.case(&case.id).await;
    assert_eq!(
        translator.asked().len(),
        before + 2,
        "kept for the next time"
    );

    // Jamie still reads English; Wei goes back to the store's language.
    let detail = jamie.case(&case.id).await;
    assert_eq!(
        detail["translations"]["description"]["text"],
        COMPLAINT_IN_ENGLISH
    );
    let (status, _) = wei
        .try_send(
            Method::PUT,
            routes::AGENT_ME,
            json!({"working_language": null}),
        )
        .await;
    assert_eq!(status, 200);
    let detail = wei.case(&case.id).await;
    assert_eq!(detail["translations"]["description"]["language"], "en");
}
