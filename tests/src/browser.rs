//! Debian's chromedriver driving headless Chromium, and the way into the widget's
//! shadow root.

use std::process::Command;
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use redress_shared::{inbox_ids, widget_ids};
use tempfile::TempDir;

use crate::process::Group;
use crate::{eventually, free_port};

/// How a device and its network are slowed, as Lighthouse's profiles define them.
#[derive(Debug, Clone, Copy)]
pub struct Throttling {
    pub round_trip_ms: u32,
    pub download_kbps: f64,
    pub upload_kbps: f64,
    /// How many times slower the CPU runs.
    pub cpu_slowdown: f64,
}

impl Throttling {
    /// Lighthouse's mobile profile (a mid-range phone on a slow 4G network).
    pub const MOBILE: Throttling = Throttling {
        round_trip_ms: 150,
        download_kbps: 1638.4,
        upload_kbps: 750.0,
        cpu_slowdown: 4.0,
    };
    /// Lighthouse's desktop profile.
    pub const DESKTOP: Throttling = Throttling {
        round_trip_ms: 40,
        download_kbps: 10240.0,
        upload_kbps: 10240.0,
        cpu_slowdown: 1.0,
    };
}

/// A DevTools protocol command, sent through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct DevTools(&'static str, serde_json::Value);

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.0, "params": self.1 });
        (http::Method::POST, Some(body.to_string()))
    }
}

pub struct Browser {
    pub client: Client,
    // Fields drop in order: the session's driver stops before the profile is removed.
    _driver: Group,
    _profile: TempDir,
}

impl Browser {
    pub async fn start() -> Browser {
        Browser::start_with(None).await
    }

    /// A browser whose person reads `languages` (tags best first, comma-separated):
    /// its `navigator.languages` and `Accept-Language`.
    pub async fn start_in(languages: &str) -> Browser {
        Browser::start_with(Some(languages)).await
    }

    async fn start_with(languages: Option<&str>) -> Browser {
        let profile = tempfile::Builder::new()
            .prefix("redress-chromium-")
            .tempdir()
            .expect("profile folder");
        let port = free_port();
        let mut command = Command::new("chromedriver");
        command.args([
            format!("--port={port}"),
            "--allowed-ips=127.0.0.1".to_owned(),
        ]);
        let driver = Group::spawn(
            "chromedriver",
            command,
            &profile.path().join("chromedriver.log"),
        );
        let url = format!("http://127.0.0.1:{port}");

        let status = format!("{url}/status");
        let http = reqwest::Client::new();
        eventually(Duration::from_secs(30), || {
            let request = http.get(&status).send();
            async move { request.await.ok().filter(|r| r.status().is_success()) }
        })
        .await
        .expect("chromedriver answers /status");

        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), "chrome".into());
        let mut options = serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.path().join("profile").display()),
            ],
        });
        if let Some(languages) = languages {
            let first = languages.split(',').next().unwrap_or(languages);
            options["args"]
                .as_array_mut()
                .expect("args")
                .push(format!("--lang={first}").into());
            options["prefs"] = serde_json::json!({ "intl.accept_languages": languages });
        }
        capabilities.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&url)
            .await
            .expect("a Chromium session");
        Browser {
            client,
            _driver: driver,
            _profile: profile,
        }
    }

    /// A fresh browser on `url` (a storefront page), the widget opened from its launcher.
    pub async fn with_widget_open(url: &str) -> Browser {
        let browser = Browser::start().await;
        browser.goto(url).await;
        browser.click(widget_ids::LAUNCHER).await;
        browser
    }

    /// The demo storefront at `page`, its tag swapped for one that names the shopper's
    /// `locale`, for `store`.
    pub async fn storefront_in(&self, page: &str, store: &str, locale: &str) {
        self.storefront_with(page, &[("store", store), ("locale", locale)])
            .await;
    }

    /// The demo storefront at `page`, its tag swapped for one with these `data-`
    /// attributes (`("prefetch", "idle")` for `data-prefetch="idle"`).
    pub async fn storefront_with(&self, page: &str, data: &[(&str, &str)]) {
        self.goto(page).await;
        self.widget(widget_ids::LAUNCHER).await;
        let data: serde_json::Map<String, serde_json::Value> = data
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).into()))
            .collect();
        self.client
            .execute(
                "document.getElementById(arguments[1]).remove();
                 delete window.__redress;
                 const tag = document.createElement('script');
                 tag.src = '/embed.js';
                 Object.assign(tag.dataset, arguments[0]);
                 document.body.appendChild(tag);",
                vec![data.into(), widget_ids::HOST.into()],
            )
            .await
            .expect("a new tag");
    }

    /// How many resources whose address contains `part` the page has fetched, once the
    /// page is idle or a second has passed (what it fetches of its own accord has been
    /// asked for by then).
    pub async fn fetched_when_idle(&self, part: &str) -> usize {
        let count = self
            .client
            .execute_async(
                "const [part, done] = arguments;
                 const count = () => done(performance.getEntriesByType('resource')
                   .filter(e => e.name.includes(part)).length);
                 // An open modal may keep the page from ever idling: a second at most.
                 window.requestIdleCallback
                   ? requestIdleCallback(count, { timeout: 1000 })
                   : setTimeout(count, 100);",
                vec![part.into()],
            )
            .await
            .expect("resource timing");
        count.as_u64().expect("a count") as usize
    }

    /// An element inside the widget's shadow root, waiting for it to appear (the
    /// WebAssembly app loads only when the shopper opens the launcher).
    pub async fn widget(&self, id: &str) -> Element {
        let selector = format!("#{id}");
        let found = eventually(Duration::from_secs(30), || async {
            let host = self
                .client
                .find(Locator::Css(&format!("#{}", widget_ids::HOST)))
                .await
                .ok()?;
            let root = host.shadow_root().await.ok()?;
            root.find(Locator::Css(&selector)).await.ok()
        })
        .await;
        found.unwrap_or_else(|| panic!("no #{id} in the widget's shadow root"))
    }

    /// Whether the widget's dialog is open; `None` before the form is drawn.
    pub async fn panel_open(&self) -> Option<bool> {
        let open = self
            .client
            .execute(
                "return document.getElementById(arguments[0])?.shadowRoot
                   ?.getElementById(arguments[1])?.open ?? null;",
                vec![widget_ids::HOST.into(), widget_ids::PANEL.into()],
            )
            .await
            .expect("the panel's state");
        open.as_bool()
    }

    /// An element of the page itself (outside any shadow root), waiting for it.
    pub async fn page(&self, selector: &str) -> Element {
        let found = eventually(Duration::from_secs(30), || async {
            self.client.find(Locator::Css(selector)).await.ok()
        })
        .await;
        found.unwrap_or_else(|| panic!("no {selector} on the page"))
    }

    /// The text of a page element once `accept` holds for it.
    pub async fn page_text_where(
        &self,
        selector: &str,
        accept: impl Fn(&str) -> bool,
    ) -> Option<String> {
        eventually(Duration::from_secs(30), || async {
            let text = self.page(selector).await.text().await.ok()?;
            accept(&text).then_some(text)
        })
        .await
    }

    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("load {url}: {e}"));
    }

    pub async fn click(&self, id: &str) {
        self.widget(id)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click #{id}: {e}"));
    }

    /// Clicks a page element (outside any shadow root), waiting for it.
    pub async fn click_on(&self, selector: &str) {
        self.page(selector)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {selector}: {e}"));
    }

    /// Types into an input, or gives a file input a file's path.
    pub async fn type_into(&self, id: &str, text: &str) {
        self.widget(id)
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into #{id}: {e}"));
    }

    pub async fn choose(&self, id: &str, value: &str) {
        self.widget(id)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choose {value} in #{id}: {e}"));
    }

    /// The inbox (at `inbox`, its URL) open at case `reference`, signing in with
    /// `token` unless this tab already has.
    pub async fn open_in_inbox(&self, inbox: &str, token: &str, reference: &str) {
        self.goto("about:blank").await;
        self.goto(inbox).await;
        let row = format!("[data-reference='{reference}']");
        let sign_in = format!("#{}", inbox_ids::TOKEN_INPUT);
        let signed_in = eventually(Duration::from_secs(30), || async {
            if self.client.find(Locator::Css(&row)).await.is_ok() {
                Some(true)
            } else {
                let form = self.client.find(Locator::Css(&sign_in)).await;
                form.ok().map(|_| false)
            }
        })
        .await
        .expect("the inbox");
        if !signed_in {
            self.page(&sign_in)
                .await
                .send_keys(token)
                .await
                .expect("type the token");
            self.click_on(&format!("#{}", inbox_ids::SIGN_IN)).await;
        }
        self.click_on(&row).await;
    }

    /// Slows this browser's network and CPU to `profile` from now on.
    pub async fn throttle(&self, profile: Throttling) {
        let bytes_per_second = |kbps: f64| kbps * 1024.0 / 8.0;
        let commands = [
            ("Network.enable", serde_json::json!({})),
            (
                "Network.emulateNetworkConditions",
                serde_json::json!({
                    "offline": false,
                    "latency": profile.round_trip_ms,
                    "downloadThroughput": bytes_per_second(profile.download_kbps),
                    "uploadThroughput": bytes_per_second(profile.upload_kbps),
                }),
            ),
            (
                "Emulation.setCPUThrottlingRate",
                serde_json::json!({ "rate": profile.cpu_slowdown }),
            ),
        ];
        for (command, params) in commands {
            self.client
                .issue_cmd(DevTools(command, params))
                .await
                .unwrap_or_else(|e| panic!("{command}: {e}"));
        }
    }

    /// Sets an input of the page (a date, where typing depends on the locale) as a
    /// person's choice would, with its `change` event.
    pub async fn set_value(&self, selector: &str, value: &str) {
        self.page(selector).await;
        self.client
            .execute(
                "const input = document.querySelector(arguments[0]);
                 input.value = arguments[1];
                 input.dispatchEvent(new Event('change', { bubbles: true }));
                 return true;",
                vec![selector.into(), value.into()],
            )
            .await
            .unwrap_or_else(|e| panic!("set {selector} to {value}: {e}"));
    }

    /// Scrolls the page so that `selector` is at the top of the window (for a screenshot).
    pub async fn scroll_to(&self, selector: &str) {
        self.page(selector).await;
        self.client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView(); return true;",
                vec![selector.into()],
            )
            .await
            .unwrap_or_else(|e| panic!("scroll to {selector}: {e}"));
    }

    /// The address the widget's receipt links to: the case page.
    pub async fn receipt_link(&self) -> String {
        self.widget(widget_ids::STATUS_LINK)
            .await
            .attr("href")
            .await
            .expect("href")
            .expect("the receipt links to the case page")
    }

    /// The text of a widget element once it is not empty.
    pub async fn widget_text(&self, id: &str, limit: Duration) -> Option<String> {
        eventually(limit, || async {
            let text = self.widget(id).await.text().await.ok()?;
            (!text.trim().is_empty()).then_some(text)
        })
        .await
    }

    /// Presses keys (text, or `fantoccini::key::Key` as chars) on whatever has focus,
    /// as a keyboard would: nothing is clicked or focused for it.
    pub async fn press(&self, keys: &str) {
        let mut actions = KeyActions::new("keyboard".into());
        for key in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        self.client
            .perform_actions(actions)
            .await
            .unwrap_or_else(|e| panic!("press {keys:?}: {e}"));
    }

    /// The id of the focused element, looking into the widget's shadow root.
    pub async fn focused_id(&self) -> String {
        let id = self
            .client
            .execute(
                "const a = document.activeElement;
                 const inner = a && a.shadowRoot ? a.shadowRoot.activeElement : null;
                 return (inner || a || {}).id || '';",
                vec![],
            )
            .await
            .expect("the focused element");
        id.as_str().unwrap_or_default().to_owned()
    }

    /// Runs axe-core (from the project's `node_modules`) on the widget and answers its
    /// serious and critical violations, each as `rule: elements`.
    pub async fn axe_violations(&self) -> Vec<String> {
        self.axe_violations_in("#redress-host").await
    }

    /// Saves what the browser shows as a PNG under `target/screens/` (for the README),
    /// and answers where.
    pub async fn screenshot(&self, name: &str) -> std::path::PathBuf {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = crate::repo_root().join("target/screens");
        std::fs::create_dir_all(&dir).expect("target/screens");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        path
    }

    /// As [`Browser::axe_violations`], for the part of the page `selector` names.
    pub async fn axe_violations_in(&self, selector: &str) -> Vec<String> {
        let axe = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../node_modules/axe-core/axe.min.js");
        let source = std::fs::read_to_string(&axe)
            .unwrap_or_else(|e| panic!("{}: {e} (run scripts/install-tools.sh)", axe.display()));
        self.client
            .execute(&format!("{source}\nreturn true;"), vec![])
            .await
            .expect("inject axe-core");
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run({ include: [[arguments[0]]] }, { resultTypes: ['violations'] })
                   .then(r => done(r.violations
                     .filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.id + ': ' + v.nodes.map(n => JSON.stringify(n.target)).join(', '))))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![selector.into()],
            )
            .await
            .expect("axe.run");
        serde_json::from_value(found).expect("a list of violations")
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// What a shopper types into the widget.
pub struct Complaint<'a> {
    pub order_number: &'a str,
    pub email: &'a str,
    pub description: &'a str,
    pub resolution: &'a str,
    pub file: Option<&'a std::path::Path>,
}

impl Complaint<'_> {
    pub async fn fill(&self, browser: &Browser) {
        self.fill_fields(browser).await;
        if let Some(file) = self.file {
            let path = file.to_str().expect("utf-8 path");
            browser.type_into(widget_ids::FILES, path).await;
        }
    }

    /// Everything but the file.
    pub async fn fill_fields(&self, browser: &Browser) {
        browser
            .type_into(widget_ids::ORDER_NUMBER, self.order_number)
            .await;
        browser.type_into(widget_ids::EMAIL, self.email).await;
        browser
            .type_into(widget_ids::DESCRIPTION, self.description)
            .await;
        browser
            .choose(widget_ids::RESOLUTION, self.resolution)
            .await;
    }

    pub async fn fill_and_send(&self, browser: &Browser) {
        self.fill(browser).await;
        browser.click(widget_ids::SUBMIT).await;
    }

    /// Fills, sends, and answers the case reference the receipt shows.
    pub async fn file(&self, browser: &Browser) -> String {
        self.fill_and_send(browser).await;
        browser
            .widget_text(widget_ids::REFERENCE, Duration::from_secs(30))
            .await
            .expect("a case reference")
    }
}
