//! The conversation with the shopper, in Chromium against the real worker: a complaint
//! filed in Arabic in the widget is acknowledged by email (read from `wrangler dev`'s
//! simulation of Cloudflare Email Service) with the link to the case page; the page
//! speaks Arabic, right to left, passes axe and works from the keyboard; the store asks
//! for a photo in the inbox, the shopper is emailed and answers on the page with one,
//! the store hears it on its signed webhook and sees both in the inbox; then the shopper
//! answers by replying to the email.
//!
//! One worker serves every scenario, in order, inside one test.

use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::Locator;
use redress_e2e::{
    assert_refused, case_words as words, eventually, files, standard_webhooks, AgentClient,
    Browser, Complaint, TestApp, WebhookReceiver,
};
use redress_shared::case_page_ids as ids;
use redress_shared::{inbox_ids, widget_ids};
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

    let issued = app.edge.issue_agent_token("demo-store", "Omar Agent");
    let agent = app.agent(issued.token.as_str());
    let browser = Browser::start().await;
    let case =
        an_arabic_complaint_filed_in_the_widget_is_acknowledged_by_email(&app, &browser, &agent)
            .await;
    the_link_opens_the_case_page_in_arabic_right_to_left(&browser, &case).await;
    let store = Store {
        agent: &agent,
        webhook: &webhook,
        secret: &secret,
    };
    the_shopper_answers_from_the_keyboard_with_a_photo(&app, &browser, &store, &case).await;
    the_inbox_shows_the_shoppers_message_and_photo(&app, &browser, issued.token.as_str(), &case)
        .await;
    files_that_are_not_evidence_are_refused_on_the_case_page(&app, &browser, &case).await;
    the_shopper_answers_by_replying_to_the_email(&app, &webhook, &case).await;
    a_link_with_a_wrong_token_opens_nothing(&browser, &case).await;
    a_store_may_sign_its_replies_with_the_agents_name(&app, &agent, &case).await;
    browser.close().await;
}

/// The store's side: its agent, and its webhook with the secret to verify it.
struct Store<'a> {
    agent: &'a AgentClient<'a>,
    webhook: &'a WebhookReceiver,
    secret: &'a str,
}

/// What the tests know of the filed case.
struct Filed {
    id: String,
    reference: String,
    /// The status token, from the case link.
    token: String,
    link: String,
    /// The HTML part of the shopper's first email.
    acknowledgement: String,
}

const SHOPPER: &str = "layla.page@example.com";
/// What the shopper writes on the case page.
const ANSWER: &str = "الطراز K-2، اشتريته في مايو";

async fn an_arabic_complaint_filed_in_the_widget_is_acknowledged_by_email(
    app: &TestApp,
    browser: &Browser,
    agent: &AgentClient<'_>,
) -> Filed {
    browser
        .storefront_in(&app.edge.url("/"), "demo-store", "ar")
        .await;
    browser.click(widget_ids::LAUNCHER).await;
    let photo = redress_e2e::fixture("cracked-shade.png");
    let reference = Complaint {
        order_number: "AR-9",
        email: SHOPPER,
        description: "وصل المصباح مكسورا والزجاج متناثر في العلبة",
        resolution: "replacement",
        file: Some(&photo),
    }
    .file(browser)
    .await;
    let on_receipt = browser.receipt_link().await;

    let emails = app.settled_emails_to(SHOPPER, 1).await;
    assert_eq!(emails.len(), 1, "one acknowledgement");
    let page = app.edge.url("/case/#");
    let link = emails[0]
        .text
        .split_whitespace()
        .find(|word| word.starts_with(&page))
        .unwrap_or_else(|| panic!("no case link in {}", emails[0].text))
        .to_owned();
    assert_eq!(
        link, on_receipt,
        "the email and the receipt open the same page"
    );
    assert!(emails[0].html.contains(&format!("href=\"{link}\"")));
    let token = link
        .strip_prefix(&format!("{page}{reference}."))
        .unwrap_or_else(|| panic!("{link}"))
        .to_owned();
    Filed {
        id: agent.case_id_of(&reference).await,
        reference,
        token,
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

/// The agent asks for a photo in the inbox and waits for the shopper; the shopper, told
/// by email, adds the photo on the case page and writes, from the keyboard.
async fn the_shopper_answers_from_the_keyboard_with_a_photo(
    app: &TestApp,
    browser: &Browser,
    store: &Store<'_>,
    case: &Filed,
) {
    let question = "نأسف لذلك. هل يمكنك إرسال صورة للملصق ورقم الطراز؟";
    browser
        .open_in_inbox(
            &app.edge.url("/agent/"),
            store.agent.token(),
            &case.reference,
        )
        .await;
    browser
        .page(&format!("#{}", inbox_ids::REPLY_TEXT))
        .await
        .send_keys(question)
        .await
        .expect("type the question");
    browser
        .click_on(&format!("#{}", inbox_ids::REPLY_SEND))
        .await;
    browser
        .page_text_where(&format!("#{}", inbox_ids::CASE_TIMELINE), |t| {
            t.contains(question)
        })
        .await
        .expect("the question is on the timeline");
    browser
        .click_on("[data-status='waiting_for_shopper']")
        .await;
    browser
        .page_text_where(&format!("#{}", inbox_ids::CASE_STATUS), |t| {
            t == "waiting_for_shopper"
        })
        .await
        .expect("the case waits for the shopper");
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
        .page_text_where(&format!("#{}", ids::TIMELINE), |t| t.contains(question))
        .await
        .is_some());

    // The photo of the label: chosen, sent at once, on the timeline with its name.
    let folder = tempfile::tempdir().expect("a folder");
    let label = folder.path().join("label.png");
    let png = std::fs::read(redress_e2e::fixture("cracked-shade.png")).expect("fixture");
    std::fs::write(&label, files::png_with_text(&png, b"K-2")).expect("write");
    browser
        .page(&format!("#{}", ids::FILE))
        .await
        .send_keys(label.to_str().expect("a path"))
        .await
        .expect("choose the photo");
    browser
        .page_text_where(&format!("#{} li", ids::FILES), |t| {
            t.contains(&words("ar", "file.sent"))
        })
        .await
        .expect("the photo is sent");
    browser
        .page_text_where(&format!("#{}", ids::STATUS), |t| {
            t == words("ar", "status.in_progress")
        })
        .await
        .expect("the photo answers the store: the case is the store's again");
    assert!(browser
        .page_text_where(&format!("#{}", ids::TIMELINE), |t| t.contains("label.png"))
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
    browser.press(ANSWER).await;
    tabs_to(ids::SEND).await;
    browser.press(&String::from(char::from(Key::Enter))).await;
    browser
        .page_text_where(&format!("#{}", ids::WRITE_STATUS), |t| {
            t == words("ar", "sent")
        })
        .await
        .expect("the message is sent");
    let violations = browser.axe_violations_in("main").await;
    assert!(violations.is_empty(), "{violations:?}");
    let screen = browser.screenshot("case-page-ar").await;
    println!("case page: {}", screen.display());

    // Filed, replied, waiting, the photo, back in progress, the message.
    let told = store
        .webhook
        .settle_for_at_least(&case.reference, 6, Duration::from_secs(30))
        .await;
    let replied: Vec<&Value> = told
        .iter()
        .filter(|n| n["event"] == "case.shopper_replied")
        .collect();
    assert_eq!(replied.len(), 1);
    assert_eq!(replied[0]["activity"]["value"], ANSWER);
    let added: Vec<&Value> = told
        .iter()
        .filter(|n| n["event"] == "case.evidence_added")
        .collect();
    assert_eq!(added.len(), 1);
    assert_eq!(added[0]["activity"]["value"], "label.png");
    let deliveries = store.webhook.deliveries_for(&case.reference);
    let verdicts = standard_webhooks::verify(store.secret, &deliveries.iter().collect::<Vec<_>>());
    assert!(verdicts.iter().all(Result::is_ok), "{verdicts:?}");
}

/// The agent sees the shopper's message and both photos (filed, then added on the case
/// page), each shown from its bytes.
async fn the_inbox_shows_the_shoppers_message_and_photo(
    app: &TestApp,
    browser: &Browser,
    token: &str,
    case: &Filed,
) {
    browser
        .open_in_inbox(&app.edge.url("/agent/"), token, &case.reference)
        .await;
    browser
        .page_text_where(&format!("#{}", inbox_ids::CASE_TIMELINE), |t| {
            t.contains(ANSWER)
        })
        .await
        .expect("the shopper's message is on the timeline");
    let shown = eventually(Duration::from_secs(30), || async {
        let loaded = browser
            .client
            .execute(
                "return [...document.querySelectorAll('.evidence img')]
                   .filter(i => i.complete && i.naturalWidth > 0)
                   .map(i => i.alt);",
                vec![],
            )
            .await
            .ok()?;
        let names: Vec<String> = serde_json::from_value(loaded).ok()?;
        (names.len() == 2).then_some(names)
    })
    .await
    .expect("two photos shown");
    assert!(shown.iter().any(|n| n.contains("label.png")), "{shown:?}");
}

/// Files that are not evidence, or not for this case, are refused with stable codes and
/// leave the case as it was; on the page, the refusal is in Arabic, with no retry for
/// a file that would only be refused again.
async fn files_that_are_not_evidence_are_refused_on_the_case_page(
    app: &TestApp,
    browser: &Browser,
    case: &Filed,
) {
    let evidence = || {
        app.edge.count(&format!(
            "SELECT COUNT(*) AS n FROM evidence WHERE case_id = '{}'",
            case.id
        ))
    };
    let before = evidence();
    let png = std::fs::read(redress_e2e::fixture("cracked-shade.png")).expect("fixture");
    let ours = (case.reference.as_str(), case.token.as_str());
    let web_page = b"<html><script>alert(1)</script></html>".to_vec();
    assert_refused(
        app.try_case_file(ours, "application/pdf", web_page.clone())
            .await,
        415,
        "file_type_not_allowed",
    );
    let cut_short = png[..png.len() - 20].to_vec();
    assert_refused(
        app.try_case_file(ours, "image/png", cut_short).await,
        422,
        "file_malformed",
    );
    let forged = "0".repeat(case.token.len());
    assert_refused(
        app.try_case_file((&case.reference, &forged), "image/png", png.clone())
            .await,
        404,
        "not_found",
    );
    assert_eq!(evidence(), before, "nothing refused was kept");

    browser.goto("about:blank").await;
    browser.goto(&case.link).await;
    // The file input is in the page's markup before the page is ready for it: wait
    // until the case is drawn (a file chosen earlier would go unheard on a slow machine).
    browser
        .page_text_where(&format!("#{}", ids::STATUS), |t| !t.is_empty())
        .await
        .expect("the case is drawn");
    let folder = tempfile::tempdir().expect("a folder");
    let disguised = folder.path().join("invoice.pdf");
    std::fs::write(&disguised, web_page).expect("write");
    browser
        .page(&format!("#{}", ids::FILE))
        .await
        .send_keys(disguised.to_str().expect("a path"))
        .await
        .expect("choose the file");
    let refused = browser
        .page_text_where(&format!("#{} li", ids::FILES), |t| {
            t.contains(&words("ar", "file.file_type_not_allowed"))
        })
        .await;
    if refused.is_none() {
        let shown = browser.page(&format!("#{}", ids::FILES)).await.text().await;
        panic!("not the refusal, in Arabic: {shown:?}");
    }
    let retry = browser
        .page(&format!("#{} li button", ids::FILES))
        .await
        .attr("hidden")
        .await
        .ok()
        .flatten();
    assert!(retry.is_some(), "no retry for a file that is not evidence");
    let violations = browser.axe_violations_in("main").await;
    assert!(violations.is_empty(), "{violations:?}");
    assert_eq!(evidence(), before);
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
        .settle_for_at_least(&case.reference, 8, Duration::from_secs(30))
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
        .filter(|n| n["activity"]["value"] != "label.png")
        .collect();
    assert_eq!(added.len(), 1, "the photo, not the web page");
    assert_eq!(added[0]["activity"]["value"], "box.png");
    let kept = edge.query(&format!(
        "SELECT file_name, sha256, kind FROM evidence WHERE case_id = '{}' AND position > 1",
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

/// Replies name no agent until the store chooses to show names; then the case page's
/// view and the reply's email carry the name of the agent who wrote it.
async fn a_store_may_sign_its_replies_with_the_agents_name(
    app: &TestApp,
    agent: &AgentClient<'_>,
    case: &Filed,
) {
    let replies_by = || async {
        let (status, view) = app
            .try_shopper_status(&case.reference, Some(&case.token))
            .await;
        assert_eq!(status, 200, "{view}");
        view["timeline"]
            .as_array()
            .expect("a timeline")
            .iter()
            .filter(|e| e["kind"] == "reply")
            .map(|e| e["by"].as_str().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    assert_eq!(replies_by().await, [None], "no names by default");
    app.edge.put_store(
        "demo-store",
        StoreChanges {
            agent_names_shown: Some(true),
            ..StoreChanges::default()
        },
    );
    let sent = app.emails_to(SHOPPER).await.len();
    agent.reply(&case.id, "شكرًا، سنرسل بديلًا اليوم.").await;
    assert_eq!(
        replies_by().await,
        [Some("Omar Agent".to_owned()), Some("Omar Agent".to_owned())]
    );
    let emails = app.settled_emails_to(SHOPPER, sent + 1).await;
    let last = emails.last().expect("the reply's email");
    assert!(last.text.contains("Omar Agent"), "{}", last.text);
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
