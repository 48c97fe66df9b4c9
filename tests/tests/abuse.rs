//! The open endpoints under abuse: floods from one client or at one store, token
//! guessers, and scripts that fill in forms. Each is refused with its code, and what
//! was refused writes nothing.

use std::time::Duration;

use futures_util::StreamExt;

use redress_e2e::api::{self, answer, complaint, form_token};
use redress_e2e::{
    assert_refused, fixture, Browser, Complaint, Edge, TestApp, TurnstileStandIn, PASSING_TOKEN,
};
use redress_shared::widget_ids as ids;
use serde_json::{json, Value};
use xtask::stores::StoreChanges;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_edge_holds_against_floods_guessers_and_scripts() {
    let turnstile = TurnstileStandIn::start("0x4AAAAAAA-stand-in-secret", "127.0.0.1");
    let app = TestApp::start(&[
        ("TURNSTILE_VERIFY_URL", &turnstile.verify_url()),
        ("TURNSTILE_SCRIPT_URL", &turnstile.script_url()),
    ])
    .await;
    let edge = &app.edge;
    edge.create_store("demo-store", "Demo Store");
    edge.create_store("busy-store", "Busy Store");

    every_bad_request_in_the_corpus_gets_its_code_and_changes_nothing(&app).await;
    scripts_that_skip_the_form_are_refused_and_write_nothing(&app).await;
    a_filled_honeypot_in_the_widget_is_refused_and_a_person_is_not(edge).await;
    one_client_is_held_to_its_allowance_of_submissions(edge).await;
    one_client_is_held_to_its_allowance_of_uploads(edge).await;
    a_store_is_held_to_its_allowance_from_any_number_of_clients(&app).await;
    a_token_guesser_is_throttled_and_a_valid_token_still_works(edge).await;
    a_store_with_turnstile_takes_only_complaints_that_passed_it(edge, &turnstile).await;
}

/// The store turns Turnstile on: the widget draws the challenge (Cloudflare's script,
/// here its stand-in) and sends its token; the edge asks siteverify with the store's
/// secret and the shopper's address, and refuses what does not pass, writing nothing.
async fn a_store_with_turnstile_takes_only_complaints_that_passed_it(
    edge: &Edge,
    turnstile: &TurnstileStandIn,
) {
    let keys = |site_key: &str, secret: &str| StoreChanges {
        turnstile_site_key: Some(site_key.to_owned()),
        turnstile_secret: Some(secret.to_owned()),
        ..StoreChanges::default()
    };
    edge.put_store(
        "demo-store",
        keys("0x4AAAAAAA-site-key", turnstile.secret()),
    );
    let http = api::client();
    let cases_before = cases(edge);
    let with_token = |order: &str, token: Option<&str>| {
        let mut body = complaint(
            order,
            "t@example.com",
            "The parcel never arrived here.",
            "resend",
        );
        if let Some(token) = token {
            body["turnstile_token"] = json!(token);
        }
        api::signed(body)
    };
    let send = |body: Value, key: &str| {
        http.post(edge.url("/v1/complaints"))
            .header("Idempotency-Key", key.to_owned())
            .json(&body)
            .send()
    };
    for (order, token) in [("T-1", None), ("T-2", Some("forged-token"))] {
        let (status, body) =
            answer(send(with_token(order, token), order).await.expect("send")).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (403, Some("turnstile_failed")),
            "{body}"
        );
    }
    assert_eq!(cases(edge), cases_before, "nothing refused was stored");
    let asked = turnstile.questions();
    assert_eq!(
        asked.len(),
        1,
        "no token, no question to Cloudflare: {asked:?}"
    );
    assert_eq!(asked[0]["response"], "forged-token");
    assert_eq!(asked[0]["secret"], turnstile.secret());

    let passing = with_token("T-3", Some(PASSING_TOKEN));
    let (status, first) = answer(send(passing.clone(), "T-3").await.expect("send")).await;
    assert_eq!(status, 201, "{first}");
    // A retry replays the first answer; the single-use token is not spent again.
    let (status, again) = answer(send(passing, "T-3").await.expect("send")).await;
    assert_eq!((status, &again["reference"]), (201, &first["reference"]));
    let asked = turnstile.questions();
    assert_eq!(asked.len(), 2);
    assert!(
        asked[1]["remoteip"]
            .as_str()
            .is_some_and(|ip| ip.starts_with("198.")),
        "{asked:?}"
    );
    assert_eq!(asked[1]["idempotency_key"].as_str().map(str::len), Some(36));

    // Solved on a site that is not the store's: refused.
    edge.put_store(
        "demo-store",
        StoreChanges {
            allowed_origins: Some(vec!["https://shop.example".to_owned()]),
            ..StoreChanges::default()
        },
    );
    let response = http
        .post(edge.url("/v1/complaints"))
        .header("Origin", "https://shop.example")
        .json(&with_token("T-4", Some(PASSING_TOKEN)))
        .send()
        .await
        .expect("send");
    let (status, body) = answer(response).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("turnstile_failed")),
        "{body}"
    );
    edge.put_store(
        "demo-store",
        StoreChanges {
            allowed_origins: Some(Vec::new()),
            ..StoreChanges::default()
        },
    );

    // In the widget: the challenge is drawn in the form and its token goes with the
    // complaint.
    let browser = Browser::with_widget_open(&edge.url("/")).await;
    let challenge = browser
        .widget_text(ids::TURNSTILE, Duration::from_secs(20))
        .await
        .expect("the challenge is drawn");
    assert!(challenge.contains("0x4AAAAAAA-site-key"), "{challenge}");
    let reference = Complaint {
        order_number: "T-5",
        email: "widget@example.com",
        description: "The parcel never arrived at my address.",
        resolution: "resend",
        file: None,
    }
    .file(&browser)
    .await;
    assert!(reference.starts_with("RD-"), "{reference}");
    browser.close().await;
    let asked = turnstile.questions();
    assert_eq!(
        asked.last().map(|q| &q["response"]),
        Some(&json!(PASSING_TOKEN))
    );

    edge.put_store("demo-store", keys("", ""));
}

/// `tests/fixtures/bad-requests.json`: malformed, hostile and unauthorized requests to
/// every endpoint, each with the status and code the API documents. Afterwards every
/// table and the bucket are as they were.
async fn every_bad_request_in_the_corpus_gets_its_code_and_changes_nothing(app: &TestApp) {
    let (edge, http) = (&app.edge, &app.http);
    let receipt = app
        .file_complaint(complaint(
            "C-1",
            "c@example.com",
            "The lamp arrived broken.",
            "replacement",
        ))
        .await;
    let agent = edge.issue_agent_token("demo-store", "Corpus Agent");
    // The case's notification settles first, so that nothing moves but what we send.
    redress_e2e::eventually(Duration::from_secs(30), || async {
        (cases_pending(edge) == 0).then_some(())
    })
    .await
    .expect("the case left the outbox");
    let before = everything_stored(edge);

    let corpus: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(fixture("bad-requests.json")).expect("corpus"),
    )
    .expect("corpus JSON");
    let mut wrong = Vec::new();
    for entry in &corpus {
        let path = entry["path"]
            .as_str()
            .expect("path")
            .replace("{case_id}", receipt["id"].as_str().expect("id"))
            .replace(
                "{reference}",
                receipt["reference"].as_str().expect("reference"),
            );
        let method =
            reqwest::Method::from_bytes(entry["method"].as_str().expect("method").as_bytes())
                .expect("method");
        let mut request = http
            .request(method, edge.url(&path))
            .header("CF-Connecting-IP", api::next_address());
        if entry["agent"] == true {
            request = request.bearer_auth(agent.token.as_str());
        }
        for (name, value) in entry["headers"].as_object().into_iter().flatten() {
            request = request.header(name.as_str(), value.as_str().expect("header value"));
        }
        let body = if let Some(hex) = entry["body_hex"].as_str() {
            Some(unhex(hex))
        } else if let Some(n) = entry["text_of_length"].as_u64() {
            Some(
                json!({ "text": "x".repeat(n as usize) })
                    .to_string()
                    .into_bytes(),
            )
        } else {
            entry["body"].as_str().map(|b| b.as_bytes().to_vec())
        };
        if let Some(body) = body {
            if entry["headers"]["Content-Type"].is_null() {
                request = request.header("Content-Type", "application/json");
            }
            request = request.body(body);
        }
        let (status, answer) = answer(request.send().await.expect("send")).await;
        let got = (
            status,
            answer["error"]["code"].as_str().unwrap_or("-").to_owned(),
        );
        let documented = (
            entry["status"].as_u64().expect("status") as u16,
            entry["code"].as_str().expect("code").to_owned(),
        );
        if got != documented {
            wrong.push(format!(
                "{}: got {got:?}, documented {documented:?}: {answer}",
                entry["name"]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} answered otherwise:\n{}",
        wrong.len(),
        corpus.len(),
        wrong.join("\n")
    );
    assert_eq!(
        everything_stored(edge),
        before,
        "the corpus changed what is stored"
    );
}

/// Every table's rows (but when a token was last used) and the bucket's blob count.
fn everything_stored(edge: &Edge) -> (Vec<Vec<Value>>, usize) {
    let tables = [
        "SELECT * FROM stores ORDER BY id",
        "SELECT token_sha256, store_id, agent, created_at, revoked_at FROM agent_tokens ORDER BY token_sha256",
        "SELECT * FROM cases ORDER BY id",
        "SELECT * FROM evidence ORDER BY case_id, position",
        "SELECT * FROM uploads ORDER BY token",
        "SELECT * FROM case_events ORDER BY rowid",
        "SELECT * FROM deliveries ORDER BY case_id, event, channel",
    ];
    (
        tables.iter().map(|sql| edge.query(sql)).collect(),
        edge.r2_blob_count(),
    )
}

fn cases_pending(edge: &Edge) -> u64 {
    edge.count("SELECT COUNT(*) AS n FROM cases WHERE notify_state = 'pending'")
}

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

/// No form token, a forged or another store's token, a form sent the moment it was
/// opened, a day-old form and a filled honeypot: each refused with its own code.
async fn scripts_that_skip_the_form_are_refused_and_write_nothing(app: &TestApp) {
    let edge = &app.edge;
    let cases_before = cases(edge);
    let with = |form_token: Value, website: Option<&str>| {
        let mut body = complaint("S-1", "bot@example.com", "The parcel never came.", "resend");
        body["form_token"] = form_token;
        if let Some(website) = website {
            body["website"] = json!(website);
        }
        body
    };
    let forged = form_token("demo-store", 60).replace("ft1.", "ft1.1");
    let refusals = [
        (with(Value::Null, None), 403, "form_token_invalid"),
        (with(json!("ft1.123.abc"), None), 403, "form_token_invalid"),
        (with(json!(forged), None), 403, "form_token_invalid"),
        (
            with(json!(form_token("busy-store", 60)), None),
            403,
            "form_token_invalid",
        ),
        (
            with(json!(form_token("demo-store", 0)), None),
            422,
            "submitted_too_soon",
        ),
        (
            with(json!(form_token("demo-store", 25 * 3600)), None),
            403,
            "form_token_invalid",
        ),
        (
            with(
                json!(form_token("demo-store", 60)),
                Some("https://cheap-pills.example"),
            ),
            422,
            "looks_automated",
        ),
    ];
    for (body, status, code) in refusals {
        let (got, answer) = app.try_file_complaint(body.clone()).await;
        assert_eq!(
            (got, answer["error"]["code"].as_str()),
            (status, Some(code)),
            "{body}"
        );
    }
    assert_eq!(cases(edge), cases_before, "nothing refused was stored");

    // The token the edge hands out is one it accepts, once a person could have filled
    // the form in.
    let handed_out = app.form_token("demo-store").await;
    let mut body = with(json!(handed_out), Some(""));
    assert_refused(
        app.try_file_complaint(body.clone()).await,
        422,
        "submitted_too_soon",
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    body["order_number"] = json!("S-2");
    app.file_complaint(body).await;
}

/// The widget's honeypot is invisible to people (off screen, out of the tab order and
/// hidden from assistive technology), so only a script fills it in; a shopper who
/// presses Send at once is held until the form is old enough, not refused.
async fn a_filled_honeypot_in_the_widget_is_refused_and_a_person_is_not(edge: &Edge) {
    let cases_before = cases(edge);
    let browser = Browser::with_widget_open(&edge.url("/")).await;
    let honeypot = browser.widget(ids::HONEYPOT).await;
    let box_of = r#"const r = arguments[0].getBoundingClientRect();
        return [r.right, arguments[0].tabIndex,
                arguments[0].closest('[aria-hidden="true"]') !== null];"#;
    let seen = browser
        .client
        .execute(
            box_of,
            vec![serde_json::to_value(&honeypot).expect("element")],
        )
        .await
        .expect("measure the honeypot");
    assert_eq!(seen[1], -1, "out of the tab order");
    assert_eq!(seen[2], true, "hidden from assistive technology");
    assert!(
        seen[0].as_f64().expect("right edge") <= 0.0,
        "off screen: {seen}"
    );

    // What a form-filling script does: every input gets a value, seen or not.
    browser
        .client
        .execute(
            "arguments[0].value = 'https://cheap-pills.example'",
            vec![serde_json::to_value(&honeypot).expect("element")],
        )
        .await
        .expect("fill the honeypot");
    let bot = Complaint {
        order_number: "H-1",
        email: "bot@example.com",
        description: "The parcel never arrived at my address.",
        resolution: "resend",
        file: None,
    };
    bot.fill_and_send(&browser).await;
    let message = browser
        .widget_text(ids::FORM_ERROR, Duration::from_secs(20))
        .await
        .expect("a refusal");
    assert!(message.contains("could not be accepted"), "{message}");
    assert_eq!(cases(edge), cases_before);
    browser.close().await;

    // A person, as fast as a test can type: the widget waits out the rest of the
    // minimum time and the case is filed.
    let browser = Browser::with_widget_open(&edge.url("/")).await;
    let reference = Complaint {
        order_number: "H-2",
        email: "quick@example.com",
        ..bot
    }
    .file(&browser)
    .await;
    assert!(reference.starts_with("RD-"), "{reference}");
    browser.close().await;
}

/// A client's allowance is counted by its address; the next request is refused with
/// 429 and `Retry-After`, writes nothing, and other clients are not affected.
async fn one_client_is_held_to_its_allowance_of_submissions(edge: &Edge) {
    let allowance = Edge::rate_limit("SUBMISSIONS_PER_CLIENT");
    let flooder = api::client();
    with_time_left_in_the_window(Duration::from_secs(5)).await;
    for n in 0..allowance {
        let (status, body) = send_from(&flooder, edge, &format!("F-{n}")).await;
        assert_eq!(status, 201, "complaint {n}: {body}");
    }
    let before = cases(edge);
    let response = flooder
        .post(edge.url("/v1/complaints"))
        .json(&api::signed(complaint(
            "F-x",
            "f@example.com",
            "The parcel never came.",
            "resend",
        )))
        .send()
        .await
        .expect("send");
    refused_as_rate_limited(response).await;
    assert_eq!(cases(edge), before, "a refused request writes nothing");

    let (status, body) = send_from(&api::client(), edge, "F-other").await;
    assert_eq!(status, 201, "another client is not held back: {body}");
}

async fn one_client_is_held_to_its_allowance_of_uploads(edge: &Edge) {
    let allowance = Edge::rate_limit("UPLOADS_PER_CLIENT");
    let flooder = api::client();
    let png = std::fs::read(fixture("cracked-shade.png")).expect("fixture");
    let upload = |http: &reqwest::Client| {
        http.post(edge.url("/v1/evidence"))
            .header("X-Redress-Store", "demo-store")
            .header("Content-Type", "image/png")
            .body(png.clone())
            .send()
    };
    with_time_left_in_the_window(Duration::from_secs(6)).await;
    for n in 0..allowance {
        let (status, body) = answer(upload(&flooder).await.expect("upload")).await;
        assert_eq!(status, 201, "upload {n}: {body}");
    }
    let uploads_before = edge.count("SELECT COUNT(*) AS n FROM uploads");
    let blobs_before = edge.r2_blob_count();
    let response = upload(&flooder).await.expect("upload");
    refused_as_rate_limited(response).await;
    assert_eq!(
        edge.count("SELECT COUNT(*) AS n FROM uploads"),
        uploads_before
    );
    assert_eq!(edge.r2_blob_count(), blobs_before);
    let (status, _) = answer(upload(&api::client()).await.expect("upload")).await;
    assert_eq!(status, 201);
}

/// A store's whole allowance of complaints, each from its own address: the next is
/// refused whoever sends it, and other stores are not affected.
async fn a_store_is_held_to_its_allowance_from_any_number_of_clients(app: &TestApp) {
    let edge = &app.edge;
    let allowance = Edge::rate_limit("SUBMISSIONS_PER_STORE");
    let to_busy = |n: usize| {
        let mut body = complaint(
            &format!("B-{n}"),
            "b@example.com",
            "The parcel never came.",
            "resend",
        );
        body["store_id"] = json!("busy-store");
        body
    };
    with_time_left_in_the_window(Duration::from_secs(7)).await;
    let mut accepted = 0;
    let mut sends = futures_util::stream::iter(0..allowance)
        .map(|n| app.try_file_complaint(to_busy(n)))
        .buffer_unordered(16);
    while let Some((status, body)) = sends.next().await {
        assert_eq!(status, 201, "{body}");
        accepted += 1;
    }
    assert_eq!(accepted, allowance);
    let before = cases(edge);
    assert_refused(
        app.try_file_complaint(to_busy(allowance)).await,
        429,
        "rate_limited",
    );
    assert_eq!(cases(edge), before);
    let (status, body) = send_from(&app.http, edge, "B-elsewhere").await;
    assert_eq!(status, 201, "demo-store is not held back: {body}");
}

/// Refused agent tokens are counted per client: past their allowance the guesser gets 429
/// instead of 401, while a valid token keeps working from the same address.
async fn a_token_guesser_is_throttled_and_a_valid_token_still_works(edge: &Edge) {
    let allowance = Edge::rate_limit("AGENT_AUTH_FAILURES_PER_CLIENT");
    let agent = edge.issue_agent_token("demo-store", "Ana Agent");
    let guesser = api::client();
    let guess = |http: &reqwest::Client, token: String| {
        http.get(edge.url("/v1/agent/cases"))
            .bearer_auth(token)
            .send()
    };
    with_time_left_in_the_window(Duration::from_secs(4)).await;
    for n in 0..allowance {
        let (status, _) = answer(
            guess(&guesser, format!("rdat_{n:032x}"))
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(status, 401, "guess {n}");
    }
    let response = guess(&guesser, format!("rdat_{:032x}", 99))
        .await
        .expect("send");
    refused_as_rate_limited(response).await;
    let (status, _) = answer(
        guess(&guesser, agent.token.as_str().to_owned())
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 200, "the real agent is not locked out");
    let (status, _) = answer(
        guess(&api::client(), format!("rdat_{:032x}", 7))
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 401, "another client is still only told no");
}

/// 429 `rate_limited`, and when to come back.
async fn refused_as_rate_limited(response: reqwest::Response) {
    assert_eq!(response.headers()["retry-after"], "60");
    let (status, body) = answer(response).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (429, Some("rate_limited"))
    );
}

async fn send_from(http: &reqwest::Client, edge: &Edge, order_number: &str) -> (u16, Value) {
    let body = api::signed(complaint(
        order_number,
        "flood@example.com",
        "The parcel never arrived at my address.",
        "resend",
    ));
    answer(
        http.post(edge.url("/v1/complaints"))
            .json(&body)
            .send()
            .await
            .expect("send"),
    )
    .await
}

fn cases(edge: &Edge) -> u64 {
    edge.count("SELECT COUNT(*) AS n FROM cases")
}

/// Rate-limit windows are whole periods of the clock (in Cloudflare's limiter and in
/// its local simulation), so a test that fills one waits for a window with `needed`
/// left: otherwise the count could restart half way through.
async fn with_time_left_in_the_window(needed: Duration) {
    let period = Edge::RATE_LIMIT_PERIOD;
    assert!(
        needed < period,
        "{needed:?} cannot fit in a {period:?} window"
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    let into_window = Duration::from_millis((now.as_millis() % period.as_millis()) as u64);
    if into_window + needed > period {
        tokio::time::sleep(period - into_window + Duration::from_millis(200)).await;
    }
}
