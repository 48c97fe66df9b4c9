//! `redress-bench`: Redress beside its peers and its limits, measured in one run. Run it
//! through `cargo xtask bench`, which builds everything in release mode first.
//!
//! It reports figures and ratios measured in the same run; it asserts nothing. The
//! table goes to stdout and the figures to `target/bench/latest.json`. Sections can be
//! named to run only those (`weight peers categorizer worker pages latency search load
//! uploads`).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use redress_e2e::api::{self, complaint, file, upload, wasm_memory};
use redress_e2e::{fixture, process, repo_root, Browser, Edge, Throttling};
use redress_shared::store::StoreConfig;
use redress_shared::{widget_ids as ids, widget_text};
use serde_json::{json, Value};

/// Requests per latency series: enough for a p99, few enough to finish in a minute.
const LATENCY_REQUESTS: usize = 200;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    process::stop_all_on_panic();
    let root = repo_root();
    let out_dir = root.join("target/bench");
    std::fs::create_dir_all(&out_dir).expect("target/bench");
    let mut report = Report::default();
    // `redress-bench search latency` runs only the sections named; no name runs all.
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    let runs = |section: &str| wanted.is_empty() || wanted.iter().any(|w| w == section);

    if runs("weight") {
        widget_weight(&root, &mut report);
    }
    if runs("peers") {
        peers(&root, &out_dir, &mut report);
    }
    if runs("categorizer") {
        categorizer(&root, &out_dir, &mut report);
    }
    if runs("worker") {
        worker_size(&out_dir, &mut report);
    }
    // Latency of the worker as deployed (wasm-opt, its rate limits), not the quicker dev
    // build with the tests' short windows.
    std::env::set_var("REDRESS_OPTIMIZE", "1");
    std::env::set_var("REDRESS_RATE_LIMITS", "production");
    let edge = Edge::start(&[]).await;
    edge.create_store("demo-store", "Demo Store");
    if runs("pages") {
        page_fetches(&edge, &mut report).await;
    }
    if runs("typing") {
        click_to_typing(&edge, &out_dir, &mut report).await;
    }
    if runs("latency") {
        latency(&edge, &mut report).await;
    }
    if runs("search") {
        search_at_scale(&edge, &mut report).await;
    }
    if runs("metrics") {
        metrics_at_scale(&edge, &mut report).await;
    }
    if runs("load") {
        under_load(&edge, &mut report).await;
    }
    if runs("uploads") {
        uploads(&edge, &mut report).await;
    }

    report.print();
    let json = serde_json::to_string_pretty(&report.json).expect("JSON");
    std::fs::write(out_dir.join("latest.json"), json).expect("write latest.json");
    println!("\nfigures written to target/bench/latest.json");
}

/// Rows for the table, and the same figures as JSON.
#[derive(Default)]
struct Report {
    rows: Vec<(String, String, String)>,
    json: serde_json::Map<String, Value>,
}

impl Report {
    fn section(&mut self, title: &str) {
        self.rows
            .push((format!("== {title}"), String::new(), String::new()));
    }

    fn row(&mut self, what: &str, figure: String, note: &str) {
        self.rows.push((what.to_owned(), figure, note.to_owned()));
    }

    fn put(&mut self, key: &str, value: Value) {
        self.json.insert(key.to_owned(), value);
    }

    fn print(&self) {
        let width = self.rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
        let fig = self.rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
        for (what, figure, note) in &self.rows {
            if figure.is_empty() {
                println!("\n{what}");
            } else {
                println!("{what:<width$}  {figure:>fig$}  {note}");
            }
        }
    }
}

/// Raw, gzip -9 and brotli (quality 11) sizes.
#[derive(Clone, Copy, Default)]
struct Sizes {
    raw: usize,
    gzip: usize,
    brotli: usize,
}

impl Sizes {
    fn of(bytes: &[u8]) -> Sizes {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(bytes).expect("gzip");
        let gzip = gz.finish().expect("gzip").len();
        let mut br = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut &bytes[..], &mut br, &params).expect("brotli");
        Sizes {
            raw: bytes.len(),
            gzip,
            brotli: br.len(),
        }
    }

    fn of_file(path: &Path) -> Sizes {
        Sizes::of(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    }

    fn plus(self, other: Sizes) -> Sizes {
        Sizes {
            raw: self.raw + other.raw,
            gzip: self.gzip + other.gzip,
            brotli: self.brotli + other.brotli,
        }
    }

    fn text(self) -> String {
        format!(
            "{} / {} / {}",
            kb(self.raw as f64),
            kb(self.gzip as f64),
            kb(self.brotli as f64)
        )
    }

    fn json(self) -> Value {
        json!({ "raw": self.raw, "gzip": self.gzip, "brotli": self.brotli })
    }
}

fn kb(bytes: f64) -> String {
    format!("{:.1} KB", bytes / 1000.0)
}

/// The widget's folder in the built site, named by its files' digest (scripts/build.sh).
fn widget_folder(site: &Path) -> std::path::PathBuf {
    std::fs::read_dir(site.join("widget"))
        .expect("dist/site/widget: run scripts/build.sh")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.join("app.wasm").is_file())
        .expect("the widget's folder")
}

fn widget_weight(root: &Path, report: &mut Report) {
    report.section("Widget weight (raw / gzip / brotli)");
    let site = root.join("dist/site");
    let loader = Sizes::of_file(&site.join("embed.js"));
    let app = widget_folder(&site);
    let glue = Sizes::of_file(&app.join("app.js"));
    let wasm = Sizes::of_file(&app.join("app.wasm"));
    let lexicon = Sizes::of_file(&app.join("cues.tsv"));
    // The store's settings with the shopper's catalog, as the edge answers them.
    let settings = |locale: &str| {
        let store = StoreConfig::new("demo-store", "Demo Store").widget_settings(locale);
        let json = serde_json::to_string(&store).expect("settings");
        Sizes::of(widget_text::with_catalog(&json, locale).as_bytes())
    };
    let english = settings("en");
    let (largest_locale, largest) = widget_text::LOCALES
        .iter()
        .map(|l| (*l, settings(l)))
        .max_by_key(|(_, s)| s.gzip)
        .expect("locales");
    let on_open = glue.plus(wasm).plus(english);
    let on_open_largest = glue.plus(wasm).plus(largest);
    report.row(
        "loader (embed.js), before opening",
        loader.text(),
        "budget 2 KB gzip",
    );
    report.row("JS glue", glue.text(), "");
    report.row("wasm", wasm.text(), "");
    report.row(
        "store settings + English words",
        english.text(),
        "fetched beside the wasm",
    );
    report.row(
        &format!("store settings + {largest_locale} words"),
        largest.text(),
        "the largest catalog",
    );
    report.row(
        "on opening (glue + wasm + settings), English",
        on_open.text(),
        "budget 100 KB gzip",
    );
    report.row(
        &format!("on opening, {largest_locale}"),
        on_open_largest.text(),
        "budget 100 KB gzip",
    );
    report.row("categorizer lexicon, first keystroke", lexicon.text(), "");
    report.put(
        "widget",
        json!({
            "loader": loader.json(), "glue": glue.json(), "wasm": wasm.json(),
            "settings_en": english.json(), "settings_largest": largest.json(),
            "largest_locale": largest_locale, "on_open": on_open.json(),
            "on_open_largest_locale": on_open_largest.json(), "lexicon": lexicon.json(),
        }),
    );
    let inbox = Sizes::of_file(&site.join("agent/redress-inbox_bg.wasm"))
        .plus(Sizes::of_file(&site.join("agent/redress-inbox.js")));
    report.row("agents' inbox (glue + wasm)", inbox.text(), "agents only");
    report.put("inbox", inbox.json());
    // The shopper's case page, as someone opening an Arabic case's link fetches it.
    let case = [
        "index.html",
        "case.css",
        "redress-case-page.js",
        "redress-case-page_bg.wasm",
        "text/ar.json",
    ]
    .iter()
    .map(|file| Sizes::of_file(&site.join("case").join(file)))
    .fold(Sizes::default(), Sizes::plus);
    report.row(
        "shopper's case page (HTML, CSS, glue, wasm, Arabic words)",
        case.text(),
        "case links only",
    );
    report.put("case_page", case.json());
}

/// The peers, installed from npm and bundled with esbuild as a browser receives them.
fn peers(root: &Path, out_dir: &Path, report: &mut Report) {
    report.section("Peers, bundled with esbuild --minify (raw / gzip / brotli)");
    let dir = out_dir.join("peers");
    std::fs::create_dir_all(&dir).expect("peers folder");
    std::fs::write(
        dir.join("package.json"),
        serde_json::to_string_pretty(&json!({
            "name": "redress-bench-peers", "private": true,
            "dependencies": {
                "@sentry/browser": "11.12.0",
                "@formbricks/js": "5.1.0",
                "@intercom/messenger-js-sdk": "0.0.20",
            }
        }))
        .expect("JSON"),
    )
    .expect("package.json");
    let installed = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .status();
    if !installed.is_ok_and(|s| s.success()) {
        report.row("peers", "not measured".to_owned(), "npm install failed");
        return;
    }
    let dsn = "https://public@o0.ingest.sentry.io/0";
    let entries = [
        (
            "sentry_sdk",
            "Sentry browser SDK (init only)",
            format!("import {{ init }} from '@sentry/browser'; init({{ dsn: '{dsn}' }});"),
        ),
        (
            "sentry_feedback_lazy",
            "Sentry SDK + lazy feedback button",
            format!("import {{ init, feedbackAsyncIntegration }} from '@sentry/browser'; init({{ dsn: '{dsn}', integrations: [feedbackAsyncIntegration()] }});"),
        ),
        (
            "sentry_feedback",
            "Sentry SDK + full feedback UI",
            format!("import {{ init, feedbackIntegration }} from '@sentry/browser'; init({{ dsn: '{dsn}', integrations: [feedbackIntegration()] }});"),
        ),
        (
            "formbricks",
            "Formbricks JS loader",
            "import formbricks from '@formbricks/js'; formbricks.setup({ environmentId: 'x', appUrl: 'https://app.formbricks.com' });".to_owned(),
        ),
        (
            "intercom",
            "Intercom loader",
            "import Intercom from '@intercom/messenger-js-sdk'; Intercom({ app_id: 'x' });".to_owned(),
        ),
    ];
    let esbuild = root.join("node_modules/.bin/esbuild");
    let mut figures = serde_json::Map::new();
    for (key, label, source) in entries {
        let entry = dir.join(format!("{key}.js"));
        let bundle = dir.join(format!("{key}.bundle.js"));
        std::fs::write(&entry, source).expect("entry");
        let built = Command::new(&esbuild)
            .arg(&entry)
            .args([
                "--bundle",
                "--minify",
                "--format=esm",
                "--platform=browser",
                "--log-level=error",
            ])
            .arg(format!("--outfile={}", bundle.display()))
            .current_dir(&dir)
            .status();
        if built.is_ok_and(|s| s.success()) {
            let sizes = Sizes::of_file(&bundle);
            report.row(label, sizes.text(), "");
            figures.insert(key.to_owned(), sizes.json());
        } else {
            report.row(label, "not measured".to_owned(), "esbuild failed");
        }
    }
    let redress = report.json["widget"]["on_open"]["gzip"].as_f64();
    let sentry = figures
        .get("sentry_feedback")
        .and_then(|s| s["gzip"].as_f64());
    if let (Some(redress), Some(sentry)) = (redress, sentry) {
        let ratio = redress / sentry;
        report.row(
            "ratio Redress on opening / Sentry full feedback (gzip)",
            format!("{ratio:.2}"),
            "",
        );
        figures.insert("ratio_redress_to_sentry_feedback".to_owned(), json!(ratio));
    }
    report.put("peers", Value::Object(figures));
}

fn categorizer(root: &Path, out_dir: &Path, report: &mut Report) {
    report.section("Categorizer (one core, release)");
    let figures: Value = std::fs::read_to_string(out_dir.join("categorizer.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    for (key, label) in [
        ("assess_per_s", "categorizer (assess), complaints/s"),
        (
            "language_per_s",
            "language detection (whatlang), complaints/s",
        ),
        ("classify_per_s", "categorizer + language, complaints/s"),
        (
            "baseline_per_s",
            "baseline (lower-case the text), complaints/s",
        ),
    ] {
        let figure = figures[key]
            .as_f64()
            .map_or("—".to_owned(), |v| format!("{v:.0}"));
        report.row(label, figure, "");
    }
    let share =
        categorizer_share(&root.join("target/wasm32-unknown-unknown/release/redress-widget.wasm"));
    if let Some((categorizer, total)) = share {
        report.row(
            "categorizer's share of the widget's code (its own functions)",
            format!("{:.1}%", 100.0 * categorizer as f64 / total as f64),
            &format!("{categorizer} of {total} bytes before wasm-opt; code inlined into the form counts there"),
        );
    }
    report.put(
        "categorizer",
        json!({ "rates": figures, "widget_code_share": share.map(|(c, t)| c as f64 / t as f64) }),
    );
}

/// Bytes of function bodies whose names are in `redress_shared::categorize`, and of all
/// function bodies, from the release wasm's name section.
fn categorizer_share(wasm: &Path) -> Option<(usize, usize)> {
    let bytes = std::fs::read(wasm).ok()?;
    let mut imported = 0u32;
    let mut bodies = Vec::new();
    let mut names = std::collections::HashMap::new();
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        match payload.ok()? {
            wasmparser::Payload::ImportSection(reader) => {
                for import in reader {
                    if matches!(import.ok()?.ty, wasmparser::TypeRef::Func(_)) {
                        imported += 1;
                    }
                }
            }
            wasmparser::Payload::CodeSectionEntry(body) => bodies.push(body.range().len()),
            wasmparser::Payload::CustomSection(section) if section.name() == "name" => {
                let reader = wasmparser::NameSectionReader::new(wasmparser::BinaryReader::new(
                    section.data(),
                    section.data_offset(),
                ));
                for name in reader.flatten() {
                    if let wasmparser::Name::Function(map) = name {
                        for naming in map.into_iter().flatten() {
                            names.insert(naming.index, naming.name.to_owned());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let total: usize = bodies.iter().sum();
    let categorizer = bodies
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            names
                .get(&(*i as u32 + imported))
                .is_some_and(|n| n.contains("categorize"))
        })
        .map(|(_, size)| size)
        .sum();
    (total > 0 && !names.is_empty()).then_some((categorizer, total))
}

/// The worker as `wrangler deploy` would upload it (built with wasm-opt).
fn worker_size(out_dir: &Path, report: &mut Report) {
    report.section("Edge");
    let bundle = out_dir.join("deploy");
    let dry_run = xtask::d1::run_wrangler(&[
        "deploy",
        "--dry-run",
        "--outdir",
        bundle.to_str().expect("utf-8 path"),
    ]);
    let wasm = std::fs::read_dir(&bundle)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|e| e == "wasm"));
    match (dry_run, wasm) {
        (Ok(_), Some(wasm)) => {
            let sizes = Sizes::of_file(&wasm);
            report.row(
                "worker wasm as deployed (raw / gzip / brotli)",
                sizes.text(),
                "old free-plan bound 3 MB compressed",
            );
            report.put("worker_wasm", sizes.json());
        }
        (Err(e), _) => report.row("worker wasm", "not measured".to_owned(), &e.to_string()),
        (Ok(_), None) => report.row(
            "worker wasm",
            "not measured".to_owned(),
            "no .wasm in the bundle",
        ),
    }
}

/// What the demo storefront fetches before and after the shopper opens the widget, as
/// Chromium's resource timing reports it.
async fn page_fetches(edge: &Edge, report: &mut Report) {
    let browser = Browser::start().await;
    browser.goto(&edge.url("/")).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = fetched(&browser).await;
    // Intent: the pointer over the launcher (as a hover, a touch or focus would).
    let launcher = browser.widget(ids::LAUNCHER).await;
    browser
        .client
        .execute(
            "arguments[0].dispatchEvent(new PointerEvent('pointerenter'));",
            vec![serde_json::to_value(&launcher).expect("an element")],
        )
        .await
        .expect("pointer over the launcher");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let intent = fetched(&browser).await;
    browser.click(ids::LAUNCHER).await;
    browser.widget(ids::DESCRIPTION).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let opened = fetched(&browser).await;
    browser
        .type_into(ids::DESCRIPTION, "The lamp arrived broken")
        .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let typed = fetched(&browser).await;
    // The shopper comes back another day: the app's files come from the browser's cache.
    browser.goto(&edge.url("/")).await;
    browser.click(ids::LAUNCHER).await;
    browser.widget(ids::DESCRIPTION).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let again = fetched(&browser).await;
    browser.close().await;
    report.row(
        "page fetches before opening (excluding the page itself)",
        kb(before.0),
        &format!("{} resource(s), {} wasm", before.1, before.2),
    );
    report.row(
        "page fetches after intent (pointer over the launcher)",
        kb(intent.0),
        &format!("{} resource(s), {} wasm", intent.1, intent.2),
    );
    report.row(
        "page fetches after opening",
        kb(opened.0),
        &format!("{} resource(s), {} wasm", opened.1, opened.2),
    );
    report.row(
        "page fetches after the first keystroke",
        kb(typed.0),
        "adds the lexicon",
    );
    report.row(
        "over the network by then, first visit",
        kb(typed.3),
        "transfer sizes (wrangler dev serves gzip)",
    );
    report.row(
        "over the network after opening, repeat visit",
        kb(again.3),
        &format!(
            "{} resource(s): the loader revalidated, a form token; the app and the settings from the cache",
            again.1
        ),
    );
    report.put(
        "page_fetches_bytes",
        json!({ "before_open": before.0, "after_intent": intent.0, "after_open": opened.0, "after_typing": typed.0,
                "transferred_first_visit": typed.3, "transferred_repeat_visit": again.3 }),
    );
}

/// Runs per figure of `click_to_typing`; the median is reported.
const TYPING_RUNS: usize = 9;

/// What the shopper waits for, as they feel it: the launcher visible after navigation,
/// and from the click on it to the description field ready for typing, on Lighthouse's
/// mobile and desktop profiles (Chromium slowed through the DevTools protocol), on a
/// first visit (a new browser) and a repeat one, beside a page with Sentry's full
/// feedback UI bundled from npm (the `peers` section's bundle) in the same run.
async fn click_to_typing(edge: &Edge, out_dir: &Path, report: &mut Report) {
    report.section(&format!(
        "Click to typing, median of {TYPING_RUNS} (wrangler dev serves gzip)"
    ));
    let bundle = out_dir.join("peers/sentry_feedback.bundle.js");
    let Ok(sentry_js) = std::fs::read(&bundle) else {
        report.row(
            "click to typing",
            "not measured".to_owned(),
            "run the peers section first",
        );
        return;
    };
    let sentry = SentryPage::serve(sentry_js);
    let redress = Widget {
        page: edge.url("/"),
        host: format!("#{}", ids::HOST),
        button: format!("#{}", ids::LAUNCHER),
        field: format!("#{}", ids::DESCRIPTION),
        prefetch_idle: false,
    };
    let idle = Widget {
        prefetch_idle: true,
        ..redress.clone()
    };
    let sentry_widget = Widget {
        page: sentry.url.clone(),
        host: "#sentry-feedback".to_owned(),
        button: ".widget__actor".to_owned(),
        field: "textarea".to_owned(),
        prefetch_idle: false,
    };
    let mut figures = serde_json::Map::new();
    for (profile_name, profile) in [
        ("mobile", Throttling::MOBILE),
        ("desktop", Throttling::DESKTOP),
    ] {
        let ours = measure(&redress, profile).await;
        let theirs = measure(&sentry_widget, profile).await;
        let prefetched = measure(&idle, profile).await;
        let row = |report: &mut Report, what: &str, ours: f64, theirs: Option<f64>| {
            let note = theirs.map_or(String::new(), |t| {
                format!("Sentry's page {t:.0} ms, ratio {:.2}", ours / t)
            });
            report.row(
                &format!("{profile_name}: {what}"),
                format!("{ours:.0} ms"),
                &note,
            );
        };
        row(
            report,
            "launcher visible after navigation",
            ours.visible,
            Some(theirs.visible),
        );
        row(
            report,
            "click → typing, first visit",
            ours.first,
            Some(theirs.first),
        );
        row(
            report,
            "click → typing, first visit, data-prefetch=\"idle\"",
            prefetched.first,
            Some(theirs.first),
        );
        row(
            report,
            "click → typing, repeat visit",
            ours.repeat,
            Some(theirs.repeat),
        );
        figures.insert(
            profile_name.to_owned(),
            json!({
                "redress": ours.json(), "redress_prefetch_idle": prefetched.json(),
                "sentry_feedback": theirs.json(),
            }),
        );
    }
    report.put("click_to_typing_ms", Value::Object(figures));
}

/// A feedback widget on a page: where its launcher and its text field are (inside the
/// shadow root of `host`, or one below it).
#[derive(Clone)]
struct Widget {
    page: String,
    host: String,
    button: String,
    field: String,
    /// Redress's tag with `data-prefetch="idle"`, waiting for the page to idle first.
    prefetch_idle: bool,
}

/// Medians in milliseconds.
struct Timings {
    visible: f64,
    first: f64,
    repeat: f64,
}

impl Timings {
    fn json(&self) -> Value {
        json!({ "launcher_visible": self.visible, "first_visit": self.first, "repeat_visit": self.repeat })
    }
}

async fn measure(widget: &Widget, profile: Throttling) -> Timings {
    let (mut visible, mut first, mut repeat) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..TYPING_RUNS {
        let browser = Browser::start().await;
        browser.throttle(profile).await;
        let (shown, typing) = visit(&browser, widget).await;
        visible.push(shown);
        first.push(typing);
        repeat.push(visit(&browser, widget).await.1);
        browser.close().await;
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    Timings {
        visible: median(visible),
        first: median(first),
        repeat: median(repeat),
    }
}

/// (launcher visible after navigation start, click → field ready), in milliseconds.
async fn visit(browser: &Browser, widget: &Widget) -> (f64, f64) {
    browser.goto("about:blank").await;
    if widget.prefetch_idle {
        let tag = [("store", "demo-store"), ("prefetch", "idle")];
        browser.storefront_with(&widget.page, &tag).await;
        // The form drawn, closed, while the page was idle, as the store asked.
        let drawn = redress_e2e::eventually(Duration::from_secs(60), || async {
            browser.panel_open().await.map(|_| ())
        });
        drawn.await.expect("the form, drawn when idle");
    } else {
        browser.goto(&widget.page).await;
    }
    let script = "const [host, button, field, done] = arguments;
        const deep = (root, selector) => {
          if (!root) return null;
          const found = root.querySelector(selector);
          if (found) return found;
          for (const el of root.querySelectorAll('*')) {
            const inner = el.shadowRoot && deep(el.shadowRoot, selector);
            if (inner) return inner;
          }
          return null;
        };
        const root = () => document.querySelector(host)?.shadowRoot;
        // Shown, not merely laid out: Redress lays its closed form out unseen.
        const ready = (el) => el && el.checkVisibility({ visibilityProperty: true }) ? el : null;
        const wait = (find, then) => {
          const el = find();
          el ? then(el) : requestAnimationFrame(() => wait(find, then));
        };
        wait(() => ready(deep(root(), button)), (launcher) => {
          const shown = performance.now();
          launcher.click();
          wait(() => ready(deep(root(), field)), () => done([shown, performance.now() - shown]));
        });";
    let times = browser
        .client
        .execute_async(
            script,
            vec![
                widget.host.clone().into(),
                widget.button.clone().into(),
                widget.field.clone().into(),
            ],
        )
        .await
        .expect("the widget opens");
    (
        times[0].as_f64().unwrap_or(f64::NAN),
        times[1].as_f64().unwrap_or(f64::NAN),
    )
}

/// A shop page carrying Sentry's full feedback UI, served on loopback like the demo.
struct SentryPage {
    url: String,
    _server: std::sync::Arc<tiny_http::Server>,
}

impl SentryPage {
    fn serve(bundle: Vec<u8>) -> SentryPage {
        let server = std::sync::Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind"));
        let url = format!("http://{}/", server.server_addr());
        let serving = server.clone();
        std::thread::spawn(move || {
            let page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
                <title>Shop</title><script type=\"module\" src=\"/sentry.js\"></script></head>\
                <body><h1>A lamp</h1><p>Our best desk lamp.</p></body></html>";
            for request in serving.incoming_requests() {
                let (body, kind) = if request.url().starts_with("/sentry.js") {
                    (bundle.clone(), "text/javascript")
                } else {
                    (page.as_bytes().to_vec(), "text/html; charset=utf-8")
                };
                let header = tiny_http::Header::from_bytes("Content-Type", kind).expect("header");
                let _ = request.respond(tiny_http::Response::from_data(body).with_header(header));
            }
        });
        SentryPage {
            url,
            _server: server,
        }
    }
}

/// (decoded bytes, resources, wasm resources, bytes over the network) the page has
/// fetched so far, besides the document itself.
async fn fetched(browser: &Browser) -> (f64, u64, u64, f64) {
    let script = "const r = performance.getEntriesByType('resource');
        return [r.reduce((n, e) => n + e.decodedBodySize, 0), r.length,
                r.filter(e => e.name.endsWith('.wasm')).length,
                r.reduce((n, e) => n + e.transferSize, 0)];";
    let value = browser
        .client
        .execute(script, vec![])
        .await
        .expect("resource timing");
    (
        value[0].as_f64().unwrap_or(0.0),
        value[1].as_u64().unwrap_or(0),
        value[2].as_u64().unwrap_or(0),
        value[3].as_f64().unwrap_or(0.0),
    )
}

async fn latency(edge: &Edge, report: &mut Report) {
    report.section(&format!(
        "Edge latency, wrangler dev on loopback, {LATENCY_REQUESTS} requests each"
    ));
    let http = api::client();
    let png = std::fs::read(fixture("cracked-shade.png")).expect("fixture");
    let health = series(|| async {
        let r = http
            .get(edge.url("/v1/health"))
            .send()
            .await
            .expect("health");
        assert!(r.status().is_success());
    })
    .await;
    let mut n = 0u32;
    let submit = series(|| {
        n += 1;
        let body = complaint(
            &format!("BENCH-{n}"),
            "bench@example.com",
            "The lamp arrived with a cracked shade.",
            "replacement",
        );
        let http = http.clone();
        async move {
            file(&http, edge, body).await;
        }
    })
    .await;
    let mut m = 0u32;
    let with_evidence = series(|| {
        m += 1;
        let mut body = complaint(
            &format!("BENCH-E-{m}"),
            "bench@example.com",
            "The lamp arrived with a cracked shade.",
            "replacement",
        );
        let (http, png) = (http.clone(), png.clone());
        async move {
            let (status, uploaded) = upload(&http, edge, "image/png", png).await;
            assert_eq!(status, 201);
            body["evidence"] = json!([uploaded["token"]]);
            file(&http, edge, body).await;
        }
    })
    .await;
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    let mut figures = serde_json::Map::new();
    for (key, label, s) in [
        ("health", "trivial endpoint (GET /v1/health)", &health),
        ("submit", "complaint submission", &submit),
        (
            "submit_with_evidence",
            "upload (328 B PNG) + submission",
            &with_evidence,
        ),
    ] {
        report.row(
            &format!("{label} p50 / p99"),
            format!("{} / {}", ms(s.p50), ms(s.p99)),
            "",
        );
        figures.insert(
            key.to_owned(),
            json!({ "p50_ms": s.p50.as_secs_f64() * 1e3, "p99_ms": s.p99.as_secs_f64() * 1e3 }),
        );
    }
    let ratio = |a: &Series| a.p50.as_secs_f64() / health.p50.as_secs_f64();
    report.row(
        "ratio submission / trivial (p50)",
        format!("{:.1}", ratio(&submit)),
        "",
    );
    report.row(
        "ratio upload + submission / trivial (p50)",
        format!("{:.1}", ratio(&with_evidence)),
        "",
    );
    figures.insert("ratio_submit_to_trivial".to_owned(), json!(ratio(&submit)));
    figures.insert(
        "ratio_evidence_submit_to_trivial".to_owned(),
        json!(ratio(&with_evidence)),
    );
    report.put("latency", Value::Object(figures));
}

/// The agents' text search over a store with 100,000 cases: the trigram index (three
/// characters or more) beside the same list unfiltered and two-character searches, which
/// scan descriptions with LIKE as every search did before the index.
async fn search_at_scale(edge: &Edge, report: &mut Report) {
    const CASES: usize = 100_000;
    const REQUESTS: usize = 50;
    report.section(&format!(
        "Agents' search, one store with {CASES} cases, {REQUESTS} requests each"
    ));
    edge.create_store("bench-search", "Bench Search");
    let seeded = Instant::now();
    edge.execute(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {CASES})
         INSERT INTO cases (id, reference, store_id, status, order_number, email, description,
                            resolution, locale, created_at, respond_by)
         SELECT printf('bench%027d', i), printf('RD-BNCH-%08d', i), 'bench-search', 'new',
                printf('S-%d', i), printf('s%d@example.com', i % 5000),
                CASE
                  WHEN i = 77777 THEN '玩具蓝鲸号的尾巴断了，订单 '
                  WHEN i % 5 = 0 THEN 'The lamp arrived with a cracked shade and a dented base, order '
                  WHEN i % 5 = 1 THEN 'Das Paket kam nie an, die Sendungsverfolgung steht still, Bestellung '
                  WHEN i % 5 = 2 THEN '快递盒子破损了，里面的花瓶碎了，订单 '
                  WHEN i % 5 = 3 THEN 'Le colis est arrivé ouvert et il manque un article, commande '
                  ELSE 'I was charged twice for the same order and want a refund, order '
                END || i,
                'full_refund', 'en',
                printf('2026-11-%02dT10:00:00.000Z', 1 + i % 28),
                printf('2026-11-%02dT12:00:00.000Z', 1 + i % 28)
         FROM n"
    ));
    report.row(
        "seeding the cases and their index (wrangler d1 execute)",
        format!("{:.1} s", seeded.elapsed().as_secs_f64()),
        "",
    );
    let token = edge.issue_agent_token("bench-search", "Bench Agent").token;
    let http = api::client();
    let timed = |query: &'static str| {
        p50_of(
            edge,
            &http,
            token.as_str(),
            format!("/v1/agent/cases?limit=50{query}"),
            REQUESTS,
        )
    };
    let unfiltered = timed("").await;
    let rare =
        timed("&q=arrived%20ouvert%20et%20il%20manque%20un%20article%2C%20commande%2077773").await;
    let common = timed("&q=charged%20twice%20for%20the%20same").await;
    let chinese = timed("&q=%E8%8A%B1%E7%93%B6%E7%A2%8E").await;
    let common_scan = timed("&q=%E8%8A%B1%E7%93%B6").await;
    let rare_chinese = timed("&q=%E8%93%9D%E9%B2%B8%E5%8F%B7").await;
    let rare_scan = timed("&q=%E8%93%9D%E9%B2%B8").await;
    let identifier = timed("&q=S-4242").await;
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    let ratio = |d: Duration| d.as_secs_f64() / unfiltered.as_secs_f64();
    let mut figures = serde_json::Map::new();
    for (key, label, p50) in [
        ("unfiltered", "first page, no search (baseline)", unfiltered),
        ("rare_phrase", "52-character phrase in 1 case (index)", rare),
        ("common_phrase", "phrase in 20,000 cases (index)", common),
        (
            "chinese_substring",
            "3 Chinese characters in 20,000 cases (index)",
            chinese,
        ),
        (
            "common_like_scan",
            "2 of them, in 20,000 cases (LIKE scan, stops early)",
            common_scan,
        ),
        (
            "rare_chinese",
            "3 Chinese characters in 1 case (index)",
            rare_chinese,
        ),
        (
            "rare_like_scan",
            "2 of them, in 1 case (LIKE scan of every case, as every search was)",
            rare_scan,
        ),
        ("order_number", "an order number, exactly", identifier),
    ] {
        report.row(
            &format!("{label} p50"),
            ms(p50),
            &format!("{:.1}× baseline", ratio(p50)),
        );
        figures.insert(key.to_owned(), json!({ "p50_ms": p50.as_secs_f64() * 1e3 }));
    }
    report.put("search_100k", Value::Object(figures));
}

/// The median time of `requests` agent API requests for `path`, one after another.
async fn p50_of(
    edge: &Edge,
    http: &reqwest::Client,
    token: &str,
    path: String,
    requests: usize,
) -> Duration {
    let mut times = Vec::with_capacity(requests);
    for _ in 0..requests {
        let start = Instant::now();
        let r = http
            .get(edge.url(&path))
            .bearer_auth(token)
            .send()
            .await
            .expect("an answer");
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.bytes().await.expect("body");
        times.push(start.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

/// The store's metrics over 100,000 cases filed in one month, every one answered, most
/// resolved and a third rated, beside the same period's trends (a plain `COUNT(*)` by
/// priority over the same rows, through the same stack).
async fn metrics_at_scale(edge: &Edge, report: &mut Report) {
    const CASES: usize = 100_000;
    const REQUESTS: usize = 20;
    report.section(&format!(
        "Agents' metrics, one store with {CASES} cases in the period, {REQUESTS} requests each"
    ));
    edge.create_store("bench-metrics", "Bench Metrics");
    let seeded = Instant::now();
    edge.execute(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {CASES})
         INSERT INTO cases (id, reference, store_id, status, order_number, email, description,
                            resolution, locale, created_at, respond_by, resolve_by, priority,
                            category, assignee, first_response_at, resolved_at, rating,
                            response_breached_at, resolution_taken)
         SELECT printf('metric%026d', i), printf('RD-MTRX-%08d', i), 'bench-metrics',
                CASE WHEN i % 10 = 0 THEN 'in_progress' ELSE 'resolved' END,
                printf('M-%d', i), 'm@example.com', 'The lamp arrived broken.', 'replacement',
                'en', printf('2026-11-%02dT%02d:%02d:00.000Z', 1 + i % 28, i % 24, i % 60),
                printf('2026-11-%02dT23:00:00.000Z', 1 + i % 28),
                printf('2026-11-%02dT23:30:00.000Z', 1 + i % 28),
                CASE i % 4 WHEN 0 THEN 'urgent' WHEN 1 THEN 'high' WHEN 2 THEN 'normal' ELSE 'low' END,
                'damaged', printf('Agent %d', i % 12),
                printf('2026-11-%02dT23:%02d:00.000Z', 1 + i % 28, i % 60),
                CASE WHEN i % 10 = 0 THEN NULL ELSE printf('2026-11-%02dT23:59:00.000Z', 1 + i % 28) END,
                CASE WHEN i % 3 = 0 THEN 1 + i % 5 END,
                CASE WHEN i % 17 = 0 THEN printf('2026-11-%02dT23:00:00.000Z', 1 + i % 28) END,
                CASE i % 7 WHEN 0 THEN 'resend' WHEN 1 THEN 'replacement' ELSE 'partial_refund' END
         FROM n"
    ));
    edge.execute(
        "INSERT INTO outcomes (case_id, number, kind, amount_minor, currency, details, recorded_at)
         SELECT id, 1, 'refund_issued', 1230, CASE WHEN rowid % 2 = 0 THEN 'EUR' ELSE 'USD' END,
                '{}', created_at
         FROM cases WHERE store_id = 'bench-metrics' AND resolution_taken = 'partial_refund'",
    );
    report.row(
        "seeding the cases and their refunds (wrangler d1 execute)",
        format!("{:.1} s", seeded.elapsed().as_secs_f64()),
        "",
    );
    let token = edge.issue_agent_token("bench-metrics", "Bench Agent").token;
    let http = api::client();
    let period = "from=2026-11-01&to=2026-12-01";
    let timed = |path: String| p50_of(edge, &http, token.as_str(), path, REQUESTS);
    let count = timed(format!("/v1/agent/trends?by=priority&bucket=week&{period}")).await;
    let totals = timed(format!("/v1/agent/metrics?{period}")).await;
    let by_agent = timed(format!("/v1/agent/metrics?{period}&by=agent")).await;
    let by_week = timed(format!("/v1/agent/metrics?{period}&by=week")).await;
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    let mut figures = serde_json::Map::new();
    for (key, label, p50) in [
        (
            "count",
            "trends: COUNT(*) by priority and week (baseline)",
            count,
        ),
        ("totals", "metrics, totals", totals),
        (
            "by_agent",
            "metrics by agent (12 groups, and totals)",
            by_agent,
        ),
        ("by_week", "metrics by week (5 groups, and totals)", by_week),
    ] {
        report.row(
            &format!("{label} p50"),
            ms(p50),
            &format!("{:.1}× baseline", p50.as_secs_f64() / count.as_secs_f64()),
        );
        figures.insert(key.to_owned(), json!({ "p50_ms": p50.as_secs_f64() * 1e3 }));
    }
    report.put("metrics_100k", Value::Object(figures));
}

/// Many shoppers at once (`tests/src/load.rs`, the load test's driver, without its
/// faults), beside the one-at-a-time figures above.
async fn under_load(edge: &Edge, report: &mut Report) {
    const COMPLAINTS: usize = 1000;
    const CONCURRENCY: usize = 20;
    report.section(&format!(
        "Under load: {COMPLAINTS} shoppers, {CONCURRENCY} at a time, each an upload + a submission"
    ));
    let stores: Vec<String> = (0..10).map(|i| format!("bench-load-{i}")).collect();
    for store in &stores {
        edge.create_store(store, "Bench load store");
    }
    let photo = std::fs::read(fixture("cracked-shade.png")).expect("fixture");
    let run = redress_e2e::load::run(
        &edge.url(""),
        COMPLAINTS,
        CONCURRENCY,
        &stores,
        &photo,
        |_| {},
    )
    .await;
    let (upload, submit) = (
        redress_e2e::load::percentiles(&run.upload_ms),
        redress_e2e::load::percentiles(&run.submit_ms),
    );
    let rate = run.filed.len() as f64 / run.wall.as_secs_f64();
    report.row(
        "acknowledged",
        format!("{} / {COMPLAINTS}", run.filed.len()),
        "",
    );
    report.row(
        "throughput",
        format!("{rate:.0} complaints/s"),
        "2 cores, worker and client",
    );
    report.row(
        "upload p50 / p99",
        format!("{:.1} / {:.1} ms", upload.0, upload.1),
        "",
    );
    report.row(
        "submission p50 / p99",
        format!("{:.1} / {:.1} ms", submit.0, submit.1),
        "",
    );
    report.row(
        "retried",
        format!("{:?}", run.retried),
        "429 / 5xx / no answer",
    );
    report.put(
        "load",
        json!({
            "complaints": COMPLAINTS, "concurrency": CONCURRENCY,
            "acknowledged": run.filed.len(), "per_second": rate,
            "upload_p50_ms": upload.0, "upload_p99_ms": upload.1,
            "submit_p50_ms": submit.0, "submit_p99_ms": submit.1,
            "retried": run.retried, "gave_up": run.gave_up,
        }),
    );
}

struct Series {
    p50: Duration,
    p99: Duration,
}

async fn series<F, Fut>(mut request: F) -> Series
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    // A few unmeasured requests first: the runtime compiles and warms up.
    for _ in 0..5 {
        request().await;
    }
    let mut times = Vec::with_capacity(LATENCY_REQUESTS);
    for _ in 0..LATENCY_REQUESTS {
        let start = Instant::now();
        request().await;
        times.push(start.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    Series {
        p50: at(0.50),
        p99: at(0.99),
    }
}

/// Throughput and the worker's memory while streaming 1, 10 and 100 MB videos to R2.
async fn uploads(edge: &Edge, report: &mut Report) {
    report.section("Uploads through the worker (an MP4 of the given size)");
    let http = api::client();
    let mut figures = Vec::new();
    let idle = edge.workerd_rss();
    report.row(
        "worker runtime memory, idle",
        mb(idle as f64),
        "resident, all workerd processes",
    );
    let wasm_idle = wasm_memory(&http, edge).await;
    report.row(
        "worker wasm memory, idle",
        mb(wasm_idle as f64),
        "the isolate's linear memory (GET /v1/health)",
    );
    for size_mb in [1u64, 10, 100] {
        let body = mp4_of(size_mb * 1_000_000);
        let before = edge.workerd_rss();
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(before));
        let sampling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let sampler = {
            let (peak, sampling) = (peak.clone(), sampling.clone());
            let group_rss = edge_rss_probe(edge);
            std::thread::spawn(move || {
                while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                    peak.fetch_max(group_rss(), std::sync::atomic::Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        };
        let start = Instant::now();
        let (status, _) = upload(&http, edge, "video/mp4", body).await;
        let elapsed = start.elapsed();
        sampling.store(false, std::sync::atomic::Ordering::Relaxed);
        let _ = sampler.join();
        let peak = peak.load(std::sync::atomic::Ordering::Relaxed);
        let rate = size_mb as f64 / elapsed.as_secs_f64();
        let grew = peak.saturating_sub(before);
        // Linear memory never shrinks: its growth is the most the worker's code held.
        let wasm = wasm_memory(&http, edge).await;
        report.row(
            &format!("{size_mb} MB upload"),
            format!("{rate:.1} MB/s"),
            &format!(
                "status {status}, workerd (with the local R2) +{} at peak, worker wasm {}",
                mb(grew as f64),
                mb(wasm as f64)
            ),
        );
        figures.push(
            json!({ "megabytes": size_mb, "mb_per_sec": rate, "status": status,
                    "peak_rss_growth_bytes": grew, "wasm_memory_bytes": wasm }),
        );
    }
    report.put(
        "uploads",
        json!({ "idle_rss_bytes": idle, "idle_wasm_memory_bytes": wasm_idle, "runs": figures }),
    );
}

/// A sampler of the edge's memory that can move to another thread.
fn edge_rss_probe(edge: &Edge) -> impl Fn() -> u64 + Send + 'static {
    let pids = edge.workerd_pids();
    move || process::resident_total(&pids)
}

fn mb(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1e6)
}

/// An MP4 of `len` bytes that the edge takes whole.
fn mp4_of(len: u64) -> Vec<u8> {
    redress_e2e::files::mp4_of_size(len as usize)
}
