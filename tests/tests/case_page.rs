//! The conversation with the shopper, in Chromium against the real worker: a complaint
//! filed in Arabic is acknowledged by email (read from `wrangler dev`'s simulation of
//! Cloudflare Email Service) with the link to the case page; the page speaks Arabic,
//! right to left, passes axe and works from the keyboard; the store asks, the shopper is
//! emailed and answers on the page, and the store hears it on its signed webhook.
//!
//! One worker serves every scenario, in order, inside one test.

use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::Locator;
use redress_e2e::api::complaint;
use redress_e2e::{standard_webhooks, Browser, TestApp, WebhookReceiver};
use redress_shared::case_page_ids as ids;
use serde_json::{json, Value};
use xtask::stores::StoreChanges;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shopper_and_the_store_talk_on_the_case_page_and_by_email() {
    let webhook = WebhookReceiver::start();
    let app = TestApp::start(&[]).await;
    let secret = app
        .edge
        .put_store(
            "demo-store",
            StoreChanges {
                name: Some("Demo Store".to_owned()),
                webhook_url: Some(webhook.url().to_owned()),
                ..StoreChanges::default()
            },
        )
        .new_webhook_secret
        .expect("a webhook secret");

    let case = an_arabic_complaint_is_acknowledged_by_email_with_its_case_link(&app).await;
    let browser = Browser::start().await;
    the_link_opens_the_case_page_in_arabic_right_to_left(&browser, &case).await;
    the_shopper_answers_the_store_from_the_keyboard(&app, &browser, &webhook, &secret, &case).await;
    the_shopper_answers_by_replying_to_the_email(&app, &webhook, &case).await;
    a_link_with_a_wrong_token_opens_nothing(&browser, &case).await;
    browser.close().await;
}

/// What the tests know of the filed case.
struct Filed {
    id: String,
    reference: String,
    link: String,
    /// The HTML part of the shopper's first email.
    acknowledgement: String,
}

const SHOPPER: &str = "layla.page@example.com";

async fn an_arabic_complaint_is_acknowledged_by_email_with_its_case_link(app: &TestApp) -> Filed {
    let mut arabic = complaint(
        "AR-9",
        SHOPPER,
        "وصل المصباح مكسورا والزجاج متناثر في العلبة",
        "replacement",
    );
    arabic["locale"] = json!("ar");
    let receipt = app.file_complaint(arabic).await;
    let reference = receipt["reference"].as_str().expect("reference").to_owned();
    let emails = app.settled_emails_to(SHOPPER, 1).await;
    assert_eq!(emails.len(), 1, "one acknowledgement");
    let page = app.edge.url("/case/#");
    let link = emails[0]
        .text
        .split_whitespace()
        .find(|word| word.starts_with(&page))
        .unwrap_or_else(|| panic!("no case link in {}", emails[0].text))
        .to_owned();
    assert!(
        link.starts_with(&format!("{page}{reference}.st_")),
        "{link}"
    );
    assert!(emails[0].html.contains(&format!("href=\"{link}\"")));
    Filed {
        id: receipt["id"].as_str().expect("id").to_owned(),
        reference,
        link,
        acknowledgement: emails[0].html.clone(),
    }
}

async fn the_link_opens_the_case_page_in_arabic_right_to_left(browser: &Browser, case: &Filed) {
    // The acknowledgement as a mail client shows its HTML part (for the README).
    use base64::Engine;
    let html = base64::engine::general_purpose::STANDARD.encode(&case.acknowledgement);
    browser
        .goto(&format!("data:text/html;charset=utf-8;base64,{html}"))
        .await;
    let dir = browser.page("html").await.attr("dir").await.ok().flatten();
    assert_eq!(dir.as_deref(), Some("rtl"));
    browser.screenshot("email-ar").await;

    browser.goto(&case.link).await;
    let status = browser
        .page_text_where(&format!("#{}", ids::STATUS), |t| !t.is_empty())
        .await
        .expect("the case's status");
    assert_eq!(status, words("ar", "status.new"));
    let html = browser.page("html").await;
    assert_eq!(
        html.attr("lang").await.ok().flatten().as_deref(),
        Some("ar")
    );
    assert_eq!(
        html.attr("dir").await.ok().flatten().as_deref(),
        Some("rtl")
    );
    let reference = browser.page(&format!("#{}", ids::REFERENCE)).await;
    assert_eq!(reference.text().await.expect("text"), case.reference);
    let items = browser
        .client
        .find_all(Locator::Css(&format!("#{} li", ids::TIMELINE)))
        .await
        .expect("the timeline");
    assert_eq!(items.len(), 1, "filed");
    let violations = browser.axe_violations_in("main").await;
    assert!(violations.is_empty(), "{violations:?}");
}

async fn the_shopper_answers_the_store_from_the_keyboard(
    app: &TestApp,
    browser: &Browser,
    webhook: &WebhookReceiver,
    secret: &str,
    case: &Filed,
) {
    let issued = app.edge.issue_agent_token("demo-store", "Omar Agent");
    let agent = app.agent(issued.token.as_str());
    agent
        .reply(&case.id, "نأسف لذلك. هل يمكنك إرسال رقم الطراز؟")
        .await;
    agent
        .update(&case.id, json!({ "status": "waiting_for_shopper" }))
        .await;
    let emails = app.settled_emails_to(SHOPPER, 3).await;
    assert_eq!(
        emails.len(),
        3,
        "acknowledgement, the question, waiting for you"
    );

    // The same address again: a fragment alone would not reload the page.
    browser.goto("about:blank").await;
    browser.goto(&case.link).await;
    browser
        .page_text_where(&format!("#{}", ids::STATUS), |t| {
            t == words("ar", "status.waiting_for_shopper")
        })
        .await
        .expect("the case waits for the shopper");
    assert!(browser
        .page_text_where(&format!("#{}", ids::TIMELINE), |t| t
            .contains("هل يمكنك إرسال رقم الطراز؟"))
        .await
        .is_some());

    // Keyboard only: Tab to the message box, type, Tab to Send, Enter. An empty
    // message is refused on the page, in Arabic, and sends nothing.
    let tabs_to = |id: &'static str| async move {
        for _ in 0..12 {
            if browser.focused_id().await == id {
                return;
            }
            browser.press(&String::from(char::from(Key::Tab))).await;
        }
        panic!("Tab never reached #{id}");
    };
    tabs_to(ids::SEND).await;
    browser.press(&String::from(char::from(Key::Enter))).await;
    let refused = browser
        .page_text_where(&format!("#{}", ids::WRITE_ERROR), |t| !t.is_empty())
        .await
        .expect("an empty message is refused");
    assert_eq!(refused, words("ar", "error.required"));
    tabs_to(ids::MESSAGE).await;
    let answer = "الطراز K-2، اشتريته في مايو";
    browser.press(answer).await;
    tabs_to(ids::SEND).await;
    browser.press(&String::from(char::from(Key::Enter))).await;
    browser
        .page_text_where(&format!("#{}", ids::WRITE_STATUS), |t| {
            t == words("ar", "sent")
        })
        .await
        .expect("the message is sent");
    browser
        .page_text_where(&format!("#{}", ids::STATUS), |t| {
            t == words("ar", "status.in_progress")
        })
        .await
        .expect("the case is the store's again");
    let violations = browser.axe_violations_in("main").await;
    assert!(violations.is_empty(), "{violations:?}");
    let screen = browser.screenshot("case-page-ar").await;
    println!("case page: {}", screen.display());

    let told = webhook
        .settle_for_at_least(&case.reference, 5, Duration::from_secs(30))
        .await;
    let replied: Vec<&Value> = told
        .iter()
        .filter(|n| n["event"] == "case.shopper_replied")
        .collect();
    assert_eq!(replied.len(), 1);
    assert_eq!(replied[0]["activity"]["value"], answer);
    let deliveries = webhook.deliveries_for(&case.reference);
    let verdicts = standard_webhooks::verify(secret, &deliveries.iter().collect::<Vec<_>>());
    assert!(verdicts.iter().all(Result::is_ok), "{verdicts:?}");
    let seen = agent.case(&case.id).await;
    assert!(seen["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .any(|e| e["kind"] == "shopper_message" && e["value"] == answer));
}

async fn a_link_with_a_wrong_token_opens_nothing(browser: &Browser, case: &Filed) {
    let forged = format!(
        "{}#{}.st_{}",
        case.link.split('#').next().unwrap_or_default(),
        case.reference,
        "0".repeat(32)
    );
    browser.goto("about:blank").await;
    browser.goto(&forged).await;
    let summary = browser
        .page_text_where(&format!("#{}", ids::SUMMARY), |t| !t.is_empty())
        .await
        .expect("a refusal");
    assert!(!summary.contains(&case.reference));
    let hidden = browser
        .page(&format!("#{}", ids::WRITE))
        .await
        .attr("hidden")
        .await
        .ok()
        .flatten();
    assert!(
        hidden.is_some(),
        "no message box on a case it does not open"
    );
}

/// The shopper answers the store's email by replying to it: their words (without the
/// quoted history) join the conversation. A reply from another address, to a forged
/// or another case's address, or from a machine, writes nothing.
async fn the_shopper_answers_by_replying_to_the_email(
    app: &TestApp,
    webhook: &WebhookReceiver,
    case: &Filed,
) {
    let edge = &app.edge;
    let emails = app.emails_to(SHOPPER).await;
    let reply_to = emails
        .last()
        .and_then(|e| e.reply_to.clone())
        .expect("the store's emails can be answered");
    let domain = reply_to
        .rsplit_once('@')
        .map(|(_, d)| d.to_owned())
        .expect("an address");
    // `rest`: the headers that differ, a blank line, and the body.
    let send = |from: &str, to: &str, rest: &str| {
        let raw = format!(
            "From: {from}\r\nTo: {to}\r\nSubject: Re: your complaint\r\n\
             Message-ID: <{}@example.com>\r\nMIME-Version: 1.0\r\n{rest}\r\n",
            redress_e2e::api::next_address().replace('.', "-")
        );

        // wrangler dev's stand-in for Email Routing: the envelope in the query.
        let request = reqwest::Client::new()
            .post(edge.url("/cdn-cgi/local/email"))
            .query(&[("from", from), ("to", to), ("format", "json")])
            .body(raw);
        async move {
            let response = request.send().await.expect("the local email endpoint");
            assert_eq!(response.status(), 200);
            let outcome: Value = response.json().await.expect("the outcome");
            outcome["rejectReason"].as_str().map(str::to_owned)
        }
    };
    let events = || edge.count("SELECT COUNT(*) AS n FROM case_events");
    let before = events();
    let other_case = redress_shared::email_reply::reply_address(
        redress_e2e::Edge::STATUS_LINK_KEY.as_bytes(),
        "fedcba9876543210fedcba9876543210",
        &domain,
    );
    let forged = reply_to.replace(&case.id[..4], "0000");
    let refused = [
        (
            "someone.else@example.com",
            reply_to.as_str(),
            "Only the address",
        ),
        (SHOPPER, forged.as_str(), "does not accept email"),
        (SHOPPER, other_case.as_str(), "does not accept email"),
    ];
    for (from, to, reason) in refused {
        let rejected = send(from, to, &plain("", "Here is more.")).await;
        assert!(
            rejected.as_deref().is_some_and(|r| r.contains(reason)),
            "{from} → {to}: {rejected:?}"
        );
    }
    // An out-of-office answer is taken and dropped: never refused (a refusal would
    // bounce back), never answered, never written.
    let auto = send(
        SHOPPER,
        &reply_to,
        &plain("Auto-Submitted: auto-replied\r\n", "I am away."),
    )
    .await;
    assert_eq!(auto, None);
    assert_eq!(events(), before, "nothing from them joined a case");

    let body = "The box was dented too.\r\n\r\nOn Tue, 2 Dec 2026 at 10:00, Demo Store \
                <cases@redress.localhost> wrote:\r\n> Could you tell us the model?";
    // With a photo, which is kept, and a web page, which is not.
    let photo = std::fs::read(redress_e2e::fixture("cracked-shade.png")).expect("fixture");
    let multipart = format!(
        "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\n{}\r\n\
         --b1\r\nContent-Type: image/png; name=\"box.png\"\r\n\
         Content-Disposition: attachment; filename=\"box.png\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --b1\r\nContent-Type: text/html; name=\"invoice.html\"\r\n\
         Content-Disposition: attachment; filename=\"invoice.html\"\r\n\r\n\
         <html><script>alert(1)</script></html>\r\n--b1--",
        plain("", body),
        base64_lines(&photo)
    );
    assert_eq!(send(SHOPPER, &reply_to, &multipart).await, None, "taken");
    let told = webhook
        .settle_for_at_least(&case.reference, 7, Duration::from_secs(30))
        .await;
    let by_email: Vec<&Value> = told
        .iter()
        .filter(|n| n["event"] == "case.shopper_replied")
        .filter(|n| n["activity"]["value"] == "The box was dented too.")
        .collect();
    assert_eq!(
        by_email.len(),
        1,
        "the reply without its quoted history, once"
    );
    let added: Vec<&Value> = told
        .iter()
        .filter(|n| n["event"] == "case.evidence_added")
        .collect();
    assert_eq!(added.len(), 1, "the photo, not the web page");
    assert_eq!(added[0]["activity"]["value"], "box.png");
    let kept = edge.query(&format!(
        "SELECT file_name, sha256, kind FROM evidence WHERE case_id = '{}'",
        case.id
    ));
    assert_eq!(
        kept,
        [json!({
            "file_name": "box.png",
            "sha256": redress_e2e::sha256_hex(&photo),
            "kind": "png"
        })]
    );
}

/// A plain-text email's own headers and body.
fn plain(extra: &str, body: &str) -> String {
    format!("{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}")
}

/// Bytes as a MIME part writes them: base64 in lines of 76.
fn base64_lines(bytes: &[u8]) -> String {
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    text.as_bytes()
        .chunks(76)
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// A text of the case page's catalog in `locale`.
fn words(locale: &str, key: &str) -> String {
    let path = redress_e2e::repo_root().join(format!("shared/locales/case/{locale}.json"));
    let catalog: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the catalog")).expect("JSON");
    catalog[key].as_str().expect("a text").to_owned()
}
