//! The widget for every shopper on any storefront, in Chromium against the real worker:
//! a complaint filed with the keyboard alone in a real modal dialog (focus moves in,
//! stays in, comes back to the launcher; Escape closes), axe-core finding nothing
//! serious or critical in any state, a hostile storefront stylesheet changing nothing,
//! and a full-screen sheet on a phone.

use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::Locator;
use redress_e2e::{fixture, Browser, Complaint, Edge};
use redress_shared::widget_ids as ids;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_serves_every_shopper_on_any_storefront() {
    let edge = Edge::start(&[]).await;
    edge.create_store("demo-store", "Demo Store");

    a_shopper_files_with_the_keyboard_alone_and_axe_finds_nothing_serious(&edge).await;
    a_hostile_storefront_stylesheet_changes_nothing(&edge).await;
    on_a_phone_the_widget_is_a_full_screen_sheet(&edge).await;
    at_200_percent_zoom_every_control_is_reachable(&edge).await;
    a_draft_survives_closing_and_reloading_until_it_is_sent(&edge).await;
    the_app_is_cached_for_good_and_the_loader_is_not(&edge).await;
    the_app_is_fetched_on_intent_and_not_before(&edge).await;
    the_page_names_the_order_at_every_opening(&edge).await;
}

/// A storefront pays for the loader alone until the shopper shows intent: focus on the
/// launcher (a keyboard user's Tab, as a pointer over it or a touch) starts fetching
/// the app, the store's settings and a form token before any click, and the click
/// fetches nothing twice. A shopper coming back gets the app and the settings from the
/// browser's cache and only a new form token from the network. A store that asks for
/// `data-prefetch="idle"` gets the app and the settings once the page is idle, and the
/// form drawn closed, and no form token before intent.
async fn the_app_is_fetched_on_intent_and_not_before(edge: &Edge) {
    const WASM: &str = "/app.wasm";
    const SETTINGS: &str = "/widget?locale=";
    const TOKEN: &str = "/form-token";
    async fn counts(browser: &Browser) -> Vec<usize> {
        let mut counts = Vec::new();
        for part in [WASM, SETTINGS, TOKEN] {
            counts.push(browser.fetched_when_idle(part).await);
        }
        counts
    }
    let browser = Browser::start().await;
    browser.goto(&edge.url("/")).await;
    browser.widget(ids::LAUNCHER).await;
    assert_eq!(counts(&browser).await, [0, 0, 0], "no intent yet");
    tab_until(&browser, ids::LAUNCHER, 20).await;
    let fetched = redress_e2e::eventually(Duration::from_secs(15), || async {
        (counts(&browser).await == [1, 1, 1]).then_some(())
    })
    .await;
    assert!(fetched.is_some(), "focus on the launcher fetches the app");
    browser.press(&String::from(char::from(Key::Enter))).await;
    browser.widget(ids::DESCRIPTION).await;
    assert_eq!(counts(&browser).await, [1, 1, 1], "nothing fetched twice");

    // The shopper comes back.
    browser.goto(&edge.url("/")).await;
    tab_until(&browser, ids::LAUNCHER, 20).await;
    browser.press(&String::from(char::from(Key::Enter))).await;
    browser.widget(ids::DESCRIPTION).await;
    assert_eq!(transferred(&browser, WASM).await, [0], "the app, cached");
    assert_eq!(
        transferred(&browser, SETTINGS).await,
        [0],
        "the settings, cached"
    );
    let token = transferred(&browser, TOKEN).await;
    assert!(token.len() == 1 && token[0] > 0, "a new token: {token:?}");
    browser.close().await;

    let browser = Browser::start().await;
    browser
        .storefront_with(
            &edge.url("/"),
            &[("store", "demo-store"), ("prefetch", "idle")],
        )
        .await;
    let drawn = redress_e2e::eventually(Duration::from_secs(15), || async {
        (browser.panel_open().await == Some(false)).then_some(())
    })
    .await;
    assert!(drawn.is_some(), "an idle page draws the form, closed");
    // Laid out ahead so that the click only shows it, the closed form is unseen: not
    // visible, out of focus's reach, and a click where it will show reaches the page.
    let unseen = browser
        .client
        .execute(
            "const host = document.getElementById(arguments[0]);
             const panel = host.shadowRoot.getElementById(arguments[1]);
             const field = host.shadowRoot.getElementById(arguments[2]);
             field.focus();
             const box = panel.getBoundingClientRect();
             const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
             return [box.height > 0, field.checkVisibility({ visibilityProperty: true }),
                     host.shadowRoot.activeElement === field, hit === host];",
            vec![ids::HOST.into(), ids::PANEL.into(), ids::DESCRIPTION.into()],
        )
        .await
        .expect("the closed form");
    assert_eq!(
        unseen,
        json!([true, false, false, false]),
        "laid out; seen, focused, hit"
    );
    assert_eq!(
        counts(&browser).await,
        [1, 1, 0],
        "the app and the settings, and no form token before intent"
    );
    // A quick shopper on a form drawn long before (longer than the edge's minimum time
    // to fill it in): their Send waits out that minimum from the form token's arrival
    // at the click, not from the drawing.
    tokio::time::sleep(Duration::from_millis(
        redress_shared::spam_guard::MIN_FILL_MS + 1_000,
    ))
    .await;
    browser.click(ids::LAUNCHER).await;
    Complaint {
        order_number: "I-1",
        email: "idle@example.com",
        description: "The kettle switch broke on the second day.",
        resolution: "replacement",
        file: None,
    }
    .file(&browser)
    .await;
    assert_eq!(
        counts(&browser).await,
        [1, 1, 1],
        "one form token, at the click"
    );
    browser.close().await;
}

/// A page listing orders opens the widget for one of them
/// (`Redress("open", {orderId, email})`), then for another: each opening fills in
/// what it names, but never over what the shopper typed.
async fn the_page_names_the_order_at_every_opening(edge: &Edge) {
    let browser = Browser::start().await;
    browser.goto(&edge.url("/")).await;
    browser.widget(ids::LAUNCHER).await;
    let open = |options: Value| {
        let client = browser.client.clone();
        async move {
            client
                .execute("Redress('open', arguments[0]); return true;", vec![options])
                .await
                .expect("open through the page API");
        }
    };
    let shows = |id: &'static str, expected: &'static str| {
        let browser = &browser;
        async move {
            let shown = redress_e2e::eventually(Duration::from_secs(15), || async {
                let value = browser.widget(id).await.prop("value").await.ok()??;
                (value == expected).then_some(())
            })
            .await;
            let now = browser.widget(id).await.prop("value").await;
            assert!(shown.is_some(), "#{id} shows {expected:?}, not {now:?}");
        }
    };
    open(serde_json::json!({ "orderId": "B-77", "email": "page@example.com" })).await;
    shows(ids::ORDER_NUMBER, "B-77").await;
    shows(ids::EMAIL, "page@example.com").await;
    assert_eq!(browser.panel_open().await, Some(true));

    browser.press(&String::from(char::from(Key::Escape))).await;
    open(serde_json::json!({ "orderId": "B-78" })).await;
    shows(ids::ORDER_NUMBER, "B-78").await;
    shows(ids::EMAIL, "page@example.com").await;

    browser.type_into(ids::ORDER_NUMBER, " and B-80").await;
    browser.press(&String::from(char::from(Key::Escape))).await;
    open(serde_json::json!({ "orderId": "B-79" })).await;
    shows(ids::ORDER_NUMBER, "B-78 and B-80").await;
    browser.close().await;
}

/// The bytes that crossed the network for each resource the page fetched whose address
/// contains `part` (0: from the browser's cache).
async fn transferred(browser: &Browser, part: &str) -> Vec<u64> {
    let sizes = browser
        .client
        .execute(
            "return performance.getEntriesByType('resource')
               .filter(e => e.name.includes(arguments[0])).map(e => e.transferSize);",
            vec![part.into()],
        )
        .await
        .expect("resource timing");
    sizes
        .as_array()
        .map(|s| s.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default()
}

/// The loader is short-lived (a new build reaches storefronts at its next load); the
/// app's files sit in a folder named by their digest, cached for a year without a
/// question.
async fn the_app_is_cached_for_good_and_the_loader_is_not(edge: &Edge) {
    use sha2::{Digest, Sha256};
    let http = redress_e2e::api::client();
    let get = |path: String| {
        let request = http.get(edge.url(&path)).send();
        async move { request.await.expect("an asset") }
    };
    let loader = get("/embed.js".to_owned()).await;
    let loader_cache = redress_e2e::api::header(&loader, "cache-control");
    assert!(!loader_cache.contains("immutable"), "{loader_cache}");
    let script = loader.text().await.expect("the loader");
    let start = script.find("/widget/").expect("the app's folder") + "/widget/".len();
    let version: String = script[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    let mut digest = Sha256::new();
    for file in ["app.js", "app.wasm", "cues.tsv"] {
        let response = get(format!("/widget/{version}/{file}")).await;
        assert_eq!(response.status(), 200, "{file}");
        assert_eq!(
            redress_e2e::api::header(&response, "cache-control"),
            "public, max-age=31536000, immutable",
            "{file}"
        );
        digest.update(response.bytes().await.expect("its bytes"));
    }
    let named = redress_shared::hex(&digest.finalize());
    assert_eq!(version, named[..16], "the folder is named by its files");
}

/// Nothing is stored until the shopper types; then their words (not their files) are
/// kept per store and product, restored after closing or reloading, gone once sent.
async fn a_draft_survives_closing_and_reloading_until_it_is_sent(edge: &Edge) {
    let stored = |browser: &Browser| {
        let client = browser.client.clone();
        async move {
            client
                .execute(
                    "return JSON.stringify(Object.assign({}, localStorage));",
                    vec![],
                )
                .await
                .expect("local storage")
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
    };
    let browser = Browser::with_widget_open(&edge.url("/")).await;
    browser.widget(ids::ORDER_NUMBER).await;
    assert_eq!(stored(&browser).await, "{}", "opening writes nothing");
    browser.type_into(ids::ORDER_NUMBER, "D-1").await;
    browser
        .type_into(
            ids::DESCRIPTION,
            "The blender jar arrived cracked down one side.",
        )
        .await;
    assert!(stored(&browser).await.contains("D-1"));

    browser.press(&String::from(char::from(Key::Escape))).await;
    browser.goto(&edge.url("/")).await;
    browser.click(ids::LAUNCHER).await;
    let restored = redress_e2e::eventually(Duration::from_secs(10), || async {
        let value = browser
            .widget(ids::DESCRIPTION)
            .await
            .prop("value")
            .await
            .ok()??;
        (!value.is_empty()).then_some(value)
    })
    .await;
    assert_eq!(
        restored.as_deref(),
        Some("The blender jar arrived cracked down one side.")
    );
    browser.type_into(ids::EMAIL, "draft@example.com").await;
    browser.choose(ids::RESOLUTION, "replacement").await;
    browser.click(ids::SUBMIT).await;
    browser
        .widget_text(ids::REFERENCE, Duration::from_secs(30))
        .await
        .expect("a case reference");
    assert_eq!(stored(&browser).await, "{}", "the sent draft is gone");
    browser.close().await;
}

async fn a_shopper_files_with_the_keyboard_alone_and_axe_finds_nothing_serious(edge: &Edge) {
    let browser = Browser::start().await;
    browser.goto(&edge.url("/")).await;
    browser.widget(ids::LAUNCHER).await;
    assert_accessible(&browser, "closed").await;

    // Tab through the storefront to the launcher, and open it with Enter.
    tab_until(&browser, ids::LAUNCHER, 30).await;
    browser.press(&String::from(char::from(Key::Enter))).await;
    let focused = eventually_focused(&browser, ids::ORDER_NUMBER).await;
    assert!(focused, "opening moves focus to the first field");
    assert_accessible(&browser, "open").await;

    // Sent empty, the errors are announced and the form stays usable.
    tab_until(&browser, ids::SUBMIT, 20).await;
    browser.press(&String::from(char::from(Key::Enter))).await;
    browser
        .widget_text(ids::FORM_ERROR, Duration::from_secs(10))
        .await
        .expect("a form error");
    let alert = browser.widget(ids::FORM_ERROR).await.attr("role").await;
    assert_eq!(alert.expect("role").as_deref(), Some("alert"));
    assert_accessible(&browser, "with errors").await;

    tab_until(&browser, ids::ORDER_NUMBER, 20).await;
    browser.press("K-1").await;
    tab_until(&browser, ids::EMAIL, 3).await;
    browser.press("keys@example.com").await;
    tab_until(&browser, ids::DESCRIPTION, 3).await;
    browser
        .press("The kettle arrived with a cracked lid and it leaks.")
        .await;
    tab_until(&browser, ids::RESOLUTION, 5).await;
    browser.press(&String::from(char::from(Key::Down))).await;
    browser
        .type_into(
            ids::FILES,
            fixture("cracked-shade.png").to_str().expect("path"),
        )
        .await;
    browser
        .widget(ids::UPLOADS)
        .await
        .find(Locator::Css("li[data-state=done]"))
        .await
        .ok();
    assert_accessible(&browser, "with a file").await;

    // The page behind the dialog is inert: Tab goes round the dialog's own controls
    // (and, past the last, through the browser's own, never the storefront's).
    for _ in 0..25 {
        browser.press(&String::from(char::from(Key::Tab))).await;
        let outside = browser
            .client
            .execute(
                "const a = document.activeElement;
                 return a !== document.body && a.id !== arguments[0] ? a.outerHTML : null;",
                vec![ids::HOST.into()],
            )
            .await
            .expect("focus");
        assert_eq!(outside, Value::Null, "focus reached the storefront");
    }
    tab_until(&browser, ids::SUBMIT, 25).await;
    browser.press(&String::from(char::from(Key::Enter))).await;
    browser
        .widget_text(ids::REFERENCE, Duration::from_secs(30))
        .await
        .expect("a case reference");
    assert_accessible(&browser, "receipt").await;

    // The receipt links to the case page (checked for accessibility on its own), in a
    // new tab so that the storefront stays where it was.
    let link = browser.widget(ids::STATUS_LINK).await;
    let href = link.attr("href").await.ok().flatten().unwrap_or_default();
    assert!(href.contains("/case/#RD-"), "{href}");
    assert_eq!(
        link.attr("target").await.ok().flatten().as_deref(),
        Some("_blank")
    );

    // Escape closes the dialog and gives focus back to the launcher.
    browser.press(&String::from(char::from(Key::Escape))).await;
    assert!(eventually_focused(&browser, ids::LAUNCHER).await);
    let open = browser.widget(ids::PANEL).await.attr("open").await;
    assert_eq!(open.expect("attr"), None, "the dialog is closed");
    browser.close().await;
}

/// A storefront whose stylesheet overrides everything it can, with `!important`, and
/// shows its own modal above the page: the widget looks and works the same.
async fn a_hostile_storefront_stylesheet_changes_nothing(edge: &Edge) {
    let browser = Browser::with_widget_open(&edge.url("/")).await;
    let calm = widget_styles(&browser).await;
    browser.close().await;

    let browser = Browser::start().await;
    browser.goto(&edge.url("/")).await;
    browser
        .client
        .execute(
            "const style = document.createElement('style');
             style.textContent = `
               * { font: 40px/3 serif !important; color: #f0f !important;
                   background: #0f0 !important; box-sizing: content-box !important;
                   display: block !important; letter-spacing: 9px !important; }
               html { font-size: 5px !important; }
               button, input, select, textarea, label, dialog { all: unset !important; }
               #page-modal { position: fixed !important; inset: 0; z-index: 2147483647;
                             background: rgba(0, 0, 0, .6) !important; }`;
             document.head.appendChild(style);
             const modal = document.createElement('div');
             modal.id = 'page-modal';
             document.body.appendChild(modal);
             return true;",
            vec![],
        )
        .await
        .expect("the hostile stylesheet");
    browser
        .client
        .execute("Redress('open'); return true;", vec![])
        .await
        .expect("open through the page API");
    browser.widget(ids::ORDER_NUMBER).await;
    let hostile = widget_styles(&browser).await;
    assert_eq!(hostile, calm, "the storefront's CSS reached the widget");

    // The open dialog is above the storefront's own modal: a click lands on it.
    let on_top = browser
        .client
        .execute(
            "const panel = document.getElementById('redress-host').shadowRoot
                 .getElementById('redress-panel');
             const box = panel.getBoundingClientRect();
             const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
             return hit && hit.id;",
            vec![],
        )
        .await
        .expect("hit test");
    assert_eq!(on_top, Value::from(ids::HOST));
    browser.type_into(ids::ORDER_NUMBER, "H-1").await;
    browser.close().await;
}

async fn on_a_phone_the_widget_is_a_full_screen_sheet(edge: &Edge) {
    let browser = opened_in_a_window_of(edge, 390, 844).await;
    let sheet = browser
        .client
        .execute(
            "const root = document.getElementById('redress-host').shadowRoot;
             const box = root.getElementById('redress-panel').getBoundingClientRect();
             const inputs = [...root.querySelectorAll('input:not([type=file]), textarea, select')];
             return {
               covers: box.left === 0 && box.top === 0 &&
                       Math.abs(box.width - innerWidth) < 1 && Math.abs(box.height - innerHeight) < 1,
               smallestFont: Math.min(...inputs.map(i => parseFloat(getComputedStyle(i).fontSize))),
               scrolls: getComputedStyle(root.getElementById('redress-panel')).overflowY,
             };",
            vec![],
        )
        .await
        .expect("the sheet's geometry");
    assert_eq!(sheet["covers"], true, "{sheet}");
    assert!(
        sheet["smallestFont"].as_f64() >= Some(16.0),
        "inputs of at least 16 px keep iOS from zooming: {sheet}"
    );
    assert_eq!(
        sheet["scrolls"], "auto",
        "the sheet scrolls to any field: {sheet}"
    );
    browser.close().await;
}

/// A 1280 × 900 screen at 200% zoom is a 640 × 450 CSS-pixel viewport: the dialog fits
/// in it and scrolls, so the Send button can be reached and pressed.
async fn at_200_percent_zoom_every_control_is_reachable(edge: &Edge) {
    let browser = opened_in_a_window_of(edge, 640, 450).await;
    let fits = browser
        .client
        .execute(
            "const root = document.getElementById('redress-host').shadowRoot;
             const panel = root.getElementById('redress-panel');
             const box = panel.getBoundingClientRect();
             root.getElementById('redress-submit').scrollIntoView();
             const send = root.getElementById('redress-submit').getBoundingClientRect();
             return box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight &&
                    box.right <= innerWidth && panel.scrollHeight > panel.clientHeight &&
                    send.top >= box.top && send.bottom <= box.bottom;",
            vec![],
        )
        .await
        .expect("the dialog's geometry");
    assert_eq!(fits, Value::Bool(true));
    browser.click(ids::SUBMIT).await;
    browser
        .widget_text(ids::FORM_ERROR, Duration::from_secs(10))
        .await
        .expect("Send answered at 200% zoom");
    browser.close().await;
}

/// The demo storefront in a `width` × `height` window, the widget opened.
async fn opened_in_a_window_of(edge: &Edge, width: u32, height: u32) -> Browser {
    let browser = Browser::start().await;
    browser
        .client
        .set_window_size(width, height)
        .await
        .expect("the window's size");
    browser.goto(&edge.url("/")).await;
    browser.click(ids::LAUNCHER).await;
    browser.widget(ids::ORDER_NUMBER).await;
    browser
}

/// Computed styles of the widget's parts that a leaking stylesheet would change.
async fn widget_styles(browser: &Browser) -> Value {
    browser.widget(ids::ORDER_NUMBER).await;
    browser
        .client
        .execute(
            "const root = document.getElementById('redress-host').shadowRoot;
             const pick = (selector) => {
               const s = getComputedStyle(root.querySelector(selector));
               return [s.fontSize, s.fontFamily, s.color, s.backgroundColor, s.display,
                       s.letterSpacing, s.lineHeight, s.boxSizing].join(' | ');
             };
             return ['#redress-panel', 'label', '#redress-order-number', '#redress-submit',
                     '#redress-launcher'].map(pick);",
            vec![],
        )
        .await
        .expect("computed styles")
}

async fn assert_accessible(browser: &Browser, state: &str) {
    let violations = browser.axe_violations().await;
    assert!(
        violations.is_empty(),
        "axe-core, widget {state}: {violations:#?}"
    );
}

/// Presses Tab until `id` has focus; panics after `most` presses.
async fn tab_until(browser: &Browser, id: &str, most: usize) {
    for _ in 0..most {
        if browser.focused_id().await == id {
            return;
        }
        browser.press(&String::from(char::from(Key::Tab))).await;
    }
    let at = browser.focused_id().await;
    assert_eq!(at, id, "Tab never reached #{id}");
}

async fn eventually_focused(browser: &Browser, id: &str) -> bool {
    redress_e2e::eventually(Duration::from_secs(15), || async {
        (browser.focused_id().await == id).then_some(())
    })
    .await
    .is_some()
}
