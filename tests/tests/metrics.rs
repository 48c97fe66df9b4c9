//! The store's metrics against the real worker, from a fixture of cases with known
//! times written straight into D1: every figure of `GET /v1/agent/metrics` is exact, in
//! total and by agent and week, percentiles as `shared::metrics::nearest_rank` defines
//! them; another store's cases and cases outside the period count for nothing; a bad
//! query is refused by field. The CSV export holds every case the filters select, page
//! after page, and a description written as a formula opens as text. Trends count the
//! country Cloudflare saw each complaint come from, and what the store did.
//!
//! One worker serves every scenario, in order, inside one test.

use redress_e2e::{api, assert_refused, field_codes, AgentClient, Browser, TestApp};
use redress_shared::inbox_ids as ids;
use redress_shared::inbox_text::InboxText;
use redress_shared::metrics::{nearest_rank, Metrics, MetricsGroup};
use redress_shared::routes;
use reqwest::Method;
use serde_json::json;
use serde_json::Value;

const STORE: &str = "metrics-shop";
const PERIOD: &str = "from=2026-11-01&to=2026-11-20";

/// One fixture case: filed at `created`, answered and resolved so many minutes later.
struct Fixture {
    id: &'static str,
    priority: &'static str,
    assignee: Option<&'static str>,
    created: &'static str,
    status: &'static str,
    first_response_after: Option<i64>,
    resolved_after: Option<i64>,
    rating: Option<u8>,
    response_breached: bool,
    resolution_breached: bool,
    resolution_taken: Option<&'static str>,
    /// Resolved, put back to work and resolved again.
    reopened: bool,
}

const CASES: [Fixture; 5] = [
    Fixture {
        id: "m1",
        priority: "normal",
        assignee: Some("Ana"),
        created: "2026-11-02T10:00:00.000Z",
        status: "resolved",
        first_response_after: Some(30),
        resolved_after: Some(600),
        rating: Some(5),
        response_breached: false,
        resolution_breached: false,
        resolution_taken: Some("replacement"),
        reopened: false,
    },
    Fixture {
        id: "m2",
        priority: "normal",
        assignee: Some("Ana"),
        created: "2026-11-03T10:00:00.000Z",
        status: "resolved",
        first_response_after: Some(90),
        resolved_after: Some(1500),
        rating: Some(2),
        response_breached: false,
        resolution_breached: false,
        resolution_taken: Some("resend"),
        reopened: true,
    },
    Fixture {
        id: "m3",
        priority: "urgent",
        assignee: Some("Ben"),
        created: "2026-11-04T10:00:00.000Z",
        status: "in_progress",
        first_response_after: Some(200),
        resolved_after: None,
        rating: None,
        response_breached: true,
        resolution_breached: false,
        resolution_taken: None,
        reopened: false,
    },
    Fixture {
        id: "m4",
        priority: "high",
        assignee: Some("Ben"),
        created: "2026-11-10T10:00:00.000Z",
        status: "resolved",
        first_response_after: Some(60),
        resolved_after: Some(3000),
        rating: None,
        response_breached: false,
        resolution_breached: true,
        resolution_taken: Some("partial_refund"),
        reopened: false,
    },
    Fixture {
        id: "m5",
        priority: "low",
        assignee: None,
        created: "2026-11-11T10:00:00.000Z",
        status: "new",
        first_response_after: None,
        resolved_after: None,
        rating: None,
        response_breached: false,
        resolution_breached: false,
        resolution_taken: None,
        reopened: false,
    },
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stores_metrics_are_exact_over_a_known_fixture() {
    let app = TestApp::start(&[]).await;
    app.edge.create_store(STORE, "Metrics Shop");
    app.edge.create_store("other-shop", "Other Shop");
    seed(&app);
    let token = app.edge.issue_agent_token(STORE, "Ana");
    let agent = app.agent(token.token.as_str());

    the_totals_are_exact(&agent).await;
    by_agent_and_by_week_the_groups_add_up(&agent).await;
    the_backlog_counts_open_cases_by_age(&agent).await;
    a_bad_query_is_refused_by_field(&agent).await;
    the_dashboard_shows_the_figures_and_charts_them_accessibly(&app, &agent).await;
    a_reopened_case_and_its_refund_count_as_the_api_records_them(&app, &agent).await;
    an_export_holds_every_case_selected_and_hostile_cells_open_safely(&app).await;
    trends_count_the_shoppers_country_and_what_the_store_did(&app).await;
}

fn sql_text(value: Option<&str>) -> String {
    value.map_or_else(|| "NULL".to_owned(), |v| format!("'{v}'"))
}

fn minutes_after(created: &str, minutes: Option<i64>) -> String {
    sql_text(
        minutes
            .map(|m| {
                let at = redress_shared::time::parse_rfc3339(created).expect("an instant");
                redress_shared::time::rfc3339(at + m * 60_000)
            })
            .as_deref(),
    )
}

fn insert_case(app: &TestApp, store: &str, f: &Fixture) {
    let breached = |yes: bool| sql_text(yes.then_some(f.created));
    app.edge.execute(&format!(
        "INSERT INTO cases (id, reference, store_id, status, order_number, email, description,
                            resolution, locale, created_at, respond_by, resolve_by, priority,
                            category, assignee, first_response_at, resolved_at, rating,
                            response_breached_at, resolution_breached_at, resolution_taken,
                            reopened)
         VALUES ('{store}-{id}', 'RD-MTRC-{store_tag}-{id}', '{store}', '{status}', 'O-{id}',
                 'm@example.com', 'The blender arrived broken.', 'replacement', 'en',
                 '{created}', '{created}', '{created}', '{priority}', 'damaged', {assignee},
                 {first}, {resolved}, {rating}, {response_breached}, {resolution_breached},
                 {taken}, {reopened})",
        id = f.id,
        store_tag = &store[..4],
        status = f.status,
        created = f.created,
        priority = f.priority,
        assignee = sql_text(f.assignee),
        first = minutes_after(f.created, f.first_response_after),
        resolved = minutes_after(f.created, f.resolved_after),
        rating = f
            .rating
            .map_or_else(|| "NULL".to_owned(), |r| r.to_string()),
        response_breached = breached(f.response_breached),
        resolution_breached = breached(f.resolution_breached),
        taken = sql_text(f.resolution_taken),
        reopened = u8::from(f.reopened),
    ));
}

fn seed(app: &TestApp) {
    for case in &CASES {
        insert_case(app, STORE, case);
        // The same cases at another store count for nothing here.
        insert_case(app, "other-shop", case);
    }
    // Outside the period: filed in October, and a case still open from two days ago.
    let october = Fixture {
        id: "m6",
        created: "2026-10-20T10:00:00.000Z",
        ..CASES[0]
    };
    insert_case(app, STORE, &october);
    let two_days_ago = redress_shared::time::rfc3339(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_millis() as i64
            - 2 * 86_400_000,
    );
    app.edge.execute(&format!(
        "INSERT INTO cases (id, reference, store_id, status, order_number, email, description,
                            resolution, locale, created_at, respond_by)
         VALUES ('{STORE}-m7', 'RD-MTRC-RCNT-0007', '{STORE}', 'new', 'O-7', 'm@example.com',
                 'It never came.', 'resend', 'en', '{two_days_ago}', '{two_days_ago}')"
    ));
    // Refunds: two in euros, one in dollars.
    app.edge.execute(&format!(
        "INSERT INTO outcomes (case_id, number, kind, amount_minor, currency, details, recorded_at,
                               store_id, case_created_at)
         SELECT id, 1, 'refund_issued', CASE id WHEN '{STORE}-m4' THEN 1230 WHEN '{STORE}-m2' THEN 500
                                                 ELSE 1000 END,
                CASE id WHEN '{STORE}-m1' THEN 'USD' ELSE 'EUR' END, '{{}}', created_at, store_id,
                created_at
         FROM cases WHERE id IN ('{STORE}-m1', '{STORE}-m2', '{STORE}-m4')
         UNION ALL
         SELECT id, 2, 'shipped', NULL, NULL, '{{}}', created_at, store_id, created_at
         FROM cases WHERE id = '{STORE}-m1'"
    ));
}

async fn metrics(agent: &AgentClient<'_>, query: &str) -> Metrics {
    let body = agent
        .get(&format!("{}?{PERIOD}{query}", routes::AGENT_METRICS))
        .await;
    serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// The nearest-rank p50 and p90 of some minutes, as the worker must compute them.
fn p50_p90(mut minutes: Vec<f64>) -> (Option<f64>, Option<f64>) {
    minutes.sort_by(f64::total_cmp);
    (nearest_rank(&minutes, 50), nearest_rank(&minutes, 90))
}

fn minutes<'a>(
    cases: impl Iterator<Item = &'a Fixture>,
    pick: fn(&Fixture) -> Option<i64>,
) -> Vec<f64> {
    cases.filter_map(pick).map(|m| m as f64).collect()
}

async fn the_totals_are_exact(agent: &AgentClient<'_>) {
    let m = metrics(agent, "").await;
    let t: &MetricsGroup = &m.total;
    assert_eq!(t.key, "all");
    assert_eq!((t.opened, t.resolved, t.reopened), (5, 3, 1), "{t:?}");
    assert_eq!(t.reopen_rate, Some(1.0 / 3.0));
    let (p50, p90) = p50_p90(minutes(CASES.iter(), |f| f.first_response_after));
    assert_eq!(
        (p50, p90),
        (Some(60.0), Some(200.0)),
        "the fixture's own figures"
    );
    assert_eq!(t.first_response.count, 4);
    assert_eq!(
        t.first_response.distribution,
        [1, 3, 0, 0, 0],
        "under an hour, 1–4 hours…"
    );
    assert_eq!(
        (t.first_response.p50_minutes, t.first_response.p90_minutes),
        (p50, p90)
    );
    let (p50, p90) = p50_p90(minutes(CASES.iter(), |f| f.resolved_after));
    assert_eq!(
        (t.resolution.p50_minutes, t.resolution.p90_minutes),
        (p50, p90)
    );
    assert_eq!(t.resolution.count, 3);
    assert_eq!(
        (t.first_response_target.met, t.first_response_target.missed),
        (3, 1)
    );
    assert_eq!(t.first_response_target.share, Some(0.75));
    assert_eq!(
        (t.resolution_target.met, t.resolution_target.missed),
        (2, 1)
    );
    assert_eq!(t.satisfaction.ratings, 2);
    assert_eq!(t.satisfaction.average, Some(3.5));
    assert_eq!(t.satisfaction.response_rate, Some(2.0 / 3.0));
    let refunds: Vec<(String, u64, i64)> = t
        .outcomes
        .refunds
        .iter()
        .map(|r| (r.currency.clone(), r.count, r.total_minor))
        .collect();
    assert_eq!(
        refunds,
        [("EUR".to_owned(), 2, 1730), ("USD".to_owned(), 1, 1000)]
    );
    assert_eq!((t.outcomes.resends, t.outcomes.replacements), (1, 1));
    assert!(m.groups.is_empty() && m.by.is_none());
    assert_eq!(m.from, "2026-11-01");
    let open: Vec<(&str, u64)> = m
        .open_over_time
        .iter()
        .map(|o| (o.day.as_str(), o.open))
        .collect();
    assert_eq!(
        open,
        [
            ("2026-11-02", 0),
            ("2026-11-09", 1),
            ("2026-11-16", 2),
            ("2026-11-20", 2)
        ],
        "open at the start of each Monday and of the last day"
    );
}

async fn by_agent_and_by_week_the_groups_add_up(agent: &AgentClient<'_>) {
    let m = metrics(agent, "&by=agent").await;
    let keys: Vec<&str> = m.groups.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(
        keys,
        ["", "Ana", "Ben"],
        "nobody's cases first, then by name"
    );
    let ana = &m.groups[1];
    let (p50, p90) = p50_p90(minutes(
        CASES.iter().filter(|f| f.assignee == Some("Ana")),
        |f| f.first_response_after,
    ));
    assert_eq!(
        (
            ana.first_response.p50_minutes,
            ana.first_response.p90_minutes
        ),
        (p50, p90)
    );
    assert_eq!((ana.opened, ana.resolved, ana.reopened), (2, 2, 1));
    let ben = &m.groups[2];
    assert_eq!(ben.first_response_target.missed, 1);
    assert_eq!(ben.resolution_target.missed, 1);
    let opened: u64 = m.groups.iter().map(|g| g.opened).sum();
    assert_eq!(opened, m.total.opened, "the groups add up to the totals");

    let weeks = metrics(agent, "&by=week").await;
    let by_week: Vec<(&str, u64)> = weeks
        .groups
        .iter()
        .map(|g| (g.key.as_str(), g.opened))
        .collect();
    assert_eq!(
        by_week,
        [("2026-11-02", 3), ("2026-11-09", 2)],
        "weeks named by their Monday"
    );
}

async fn the_backlog_counts_open_cases_by_age(agent: &AgentClient<'_>) {
    let b = metrics(agent, "").await.backlog;
    // Open: m3 and m5 (November), m7 (two days ago); the period does not matter.
    assert_eq!(
        (
            b.under_1_day,
            b.from_1_to_3_days,
            b.from_3_to_7_days,
            b.over_7_days
        ),
        (0, 1, 0, 2)
    );
}

async fn a_bad_query_is_refused_by_field(agent: &AgentClient<'_>) {
    let refused = assert_refused(
        agent
            .try_get(&format!(
                "{}?by=country&from=last-week",
                routes::AGENT_METRICS
            ))
            .await,
        400,
        "validation_failed",
    );
    assert_eq!(field_codes(&refused), ["invalid_format", "invalid_format"]);
    let fields: Vec<&Value> = refused["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| &f["field"])
        .collect();
    assert_eq!(fields, ["by", "from"]);
}

/// Today's case, resolved and reopened and refunded through the agent API: the worker's
/// own writes (the reopen count, the refund's store and filing time) feed the figures.
async fn a_reopened_case_and_its_refund_count_as_the_api_records_them(
    app: &TestApp,
    agent: &AgentClient<'_>,
) {
    let mut complaint = api::complaint(
        "T-1",
        "today@example.com",
        "The kettle arrived dented.",
        "full_refund",
    );
    complaint["store_id"] = json!(STORE);
    let reference = app.file_complaint(complaint).await["reference"]
        .as_str()
        .expect("reference")
        .to_owned();
    let id = agent.case_id_of(&reference).await;
    let (status, recorded) = agent
        .try_send(
            Method::POST,
            &routes::fill(routes::AGENT_CASE_OUTCOMES, &[&id]),
            json!({ "kind": "refund_issued", "amount": { "minor": 999, "currency": "USD" } }),
        )
        .await;
    assert_eq!(status, 201, "{recorded}");
    agent
        .update(
            &id,
            json!({ "status": "resolved", "resolution": "full_refund" }),
        )
        .await;
    agent.update(&id, json!({ "status": "in_progress" })).await;
    let today = &agent.case(&id).await["created_at"]
        .as_str()
        .expect("created_at")[..10]
        .to_owned();
    let body = agent
        .get(&format!("{}?from={today}", routes::AGENT_METRICS))
        .await;
    let m: Metrics = serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{e}: {body}"));
    let t = &m.total;
    assert_eq!((t.opened, t.resolved, t.reopened), (1, 1, 1), "{body}");
    assert_eq!(t.reopen_rate, Some(1.0));
    assert_eq!(t.outcomes.refunds.len(), 1, "{body}");
    assert_eq!(
        (
            t.outcomes.refunds[0].count,
            t.outcomes.refunds[0].total_minor
        ),
        (1, 999)
    );
    assert_eq!(t.first_response.count, 1, "resolving answered the shopper");
}

/// The inbox's dashboard over the fixture's period: the same figures, written in the
/// agent's locale, and charts whose values a screen reader reads (axe finds nothing
/// serious).
async fn the_dashboard_shows_the_figures_and_charts_them_accessibly(
    app: &TestApp,
    agent: &AgentClient<'_>,
) {
    let browser = Browser::start().await;
    browser
        .open_in_inbox(&app.edge.url("/agent/"), agent.token(), "RD-MTRC-metr-m5")
        .await;
    browser.click_on(&format!("#{}", ids::NAV_DASHBOARD)).await;
    browser
        .set_value(&format!("#{}", ids::DASHBOARD_FROM), "2026-11-01")
        .await;
    browser
        .set_value(&format!("#{}", ids::DASHBOARD_TO), "2026-11-20")
        .await;
    // The figures of the period chosen, not of the default one shown first.
    browser.page("time[datetime='2026-11-20']").await;
    let figures = browser
        .page_text_where(&format!("#{}", ids::DASHBOARD_FIGURES), |t| !t.is_empty())
        .await
        .expect("the period's figures");
    for shown in ["75%", "3.5 / 5", "€17.30", "$10.00", "1 hr"] {
        assert!(figures.contains(shown), "{shown} in {figures}");
    }
    let dashboard = format!("#{}", ids::DASHBOARD);
    let charts = browser
        .page_text_where(&dashboard, |t| t.contains("Open cases at the start"))
        .await
        .expect("the charts");
    assert!(charts.contains("under 1 hr"), "{charts}");
    let described = browser
        .page("#chart-first-response-desc")
        .await
        .html(true)
        .await
        .expect("the chart's description");
    assert!(described.contains("under 1 hr: 1"), "{described}");
    assert_eq!(
        browser.axe_violations_in(&dashboard).await,
        Vec::<String>::new()
    );
    browser.screenshot("inbox-dashboard").await;
    browser.close().await;

    // An agent whose browser reads Arabic gets the dashboard in Arabic, right to left.
    let browser = Browser::start_in("ar-EG,en").await;
    browser
        .open_in_inbox(&app.edge.url("/agent/"), agent.token(), "RD-MTRC-metr-m5")
        .await;
    browser.click_on(&format!("#{}", ids::NAV_DASHBOARD)).await;
    let arabic = InboxText::for_languages("ar").dashboard;
    browser
        .page(&format!("#{}[dir='rtl'][lang='ar']", ids::DASHBOARD))
        .await;
    let shown = browser
        .page_text_where(&dashboard, |t| t.contains(&arabic.chart_open))
        .await
        .expect("the charts, in Arabic");
    for words in [
        &arabic.dashboard_title,
        &arabic.opened,
        &arabic.first_responses_on_time,
    ] {
        assert!(shown.contains(words.as_str()), "{words} in {shown}");
    }
    assert!(!shown.contains("Open cases at the start"), "{shown}");
    assert_eq!(
        browser.axe_violations_in(&dashboard).await,
        Vec::<String>::new()
    );
    browser.screenshot("inbox-dashboard-ar").await;
    browser.close().await;
}

const EXPORT_STORE: &str = "export-shop";
/// More cases than one page of an export (100) holds.
const EXPORTED: usize = 250;

async fn export(app: &TestApp, token: &str, query: &str) -> (u16, String, String, Vec<u8>) {
    let path = format!("{}?{query}", routes::AGENT_EXPORT_CASES);
    api::agent_file(&app.edge, token, &path).await
}

/// The rows of a CSV export as a spreadsheet reads them, by header.
fn rows_of(body: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::str::from_utf8(body).expect("UTF-8");
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark, so spreadsheets read UTF-8");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            r.expect("a well-formed record")
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect();
    (header, rows)
}

async fn an_export_holds_every_case_selected_and_hostile_cells_open_safely(app: &TestApp) {
    use redress_shared::export::ExportRow;
    app.edge.create_store(EXPORT_STORE, "Export Shop");
    app.edge.execute(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {EXPORTED})
         INSERT INTO cases (id, reference, store_id, status, order_number, email, description,
                            resolution, locale, created_at, respond_by)
         SELECT printf('export%026d', i), printf('RD-XPRT-%08d', i), '{EXPORT_STORE}',
                CASE WHEN i % 5 = 0 THEN 'resolved' ELSE 'new' END, printf('X-%d', i),
                'x@example.com', 'Ordinary words, case ' || i, 'resend', 'en',
                printf('2026-11-%02dT10:00:00.000Z', 1 + i % 28),
                printf('2026-11-%02dT12:%02d:00.000Z', 1 + i % 28, i % 60)
         FROM n"
    ));
    let hostile = [
        "=HYPERLINK(\"http://evil.example\",\"Open your refund\")",
        "+1+cmd|' /C calc'!A0",
        "-2+3 in the order total",
        "@SUM(A1:A9) is what I paid",
        "\tTabbed \"quotes\", commas\nand a new line",
    ];
    let values: Vec<String> = hostile
        .iter()
        .enumerate()
        .map(|(i, text)| {
            format!(
                "('hostile{i}', 'RD-HSTL-0000-000{i}', '{EXPORT_STORE}', 'new', '=1+1',
                  'h@example.com', '{}', 'resend', 'en', '2026-11-30T10:00:00.000Z',
                  '2026-12-01T10:00:00.000Z')",
                text.replace('\'', "''")
            )
        })
        .collect();
    app.edge.execute(&format!(
        "INSERT INTO cases (id, reference, store_id, status, order_number, email, description,
                            resolution, locale, created_at, respond_by)
         VALUES {}",
        values.join(", ")
    ));
    app.edge.execute(&format!(
        "INSERT INTO outcomes (case_id, number, kind, amount_minor, currency, details, recorded_at,
                               store_id, case_created_at)
         VALUES ('export{:026}', 1, 'shipped', NULL, NULL,
                 '{{\"kind\":\"shipped\",\"carrier\":\"DHL\",\"tracking\":\"1Z999\"}}',
                 '2026-11-20T10:00:00.000Z', '{EXPORT_STORE}', '2026-11-02T10:00:00.000Z')",
        1
    ));
    let token = app.edge.issue_agent_token(EXPORT_STORE, "Eve").token;

    let (status, kind, disposition, body) = export(app, token.as_str(), "").await;
    assert_eq!(status, 200);
    assert_eq!(kind, "text/csv; charset=utf-8");
    assert!(
        disposition.starts_with("attachment; filename=\"redress-cases-export-shop-"),
        "{disposition}"
    );
    let (header, rows) = rows_of(&body);
    assert_eq!(header, ExportRow::HEADER);
    assert_eq!(
        rows.len(),
        EXPORTED + hostile.len(),
        "every case, across pages"
    );
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let references: std::collections::BTreeSet<&str> = rows
        .iter()
        .map(|r| r[column("reference")].as_str())
        .collect();
    assert_eq!(references.len(), rows.len(), "no case twice");
    let due: Vec<&str> = rows
        .iter()
        .map(|r| r[column("respond_by")].as_str())
        .collect();
    assert!(
        due.windows(2).all(|w| w[0] <= w[1]),
        "in the list's order, soonest due first"
    );

    for (i, text) in hostile.iter().enumerate() {
        let row = rows
            .iter()
            .find(|r| r[column("reference")] == format!("RD-HSTL-0000-000{i}"))
            .expect("the hostile case");
        assert_eq!(
            row[column("description")],
            format!("'{text}"),
            "opens as text"
        );
        assert_eq!(row[column("order_number")], "'=1+1");
    }
    let shipped = rows
        .iter()
        .find(|r| r[column("reference")] == "RD-XPRT-00000001")
        .expect("the shipped case");
    assert_eq!(shipped[column("outcomes")], "shipped DHL 1Z999");

    // The list's filters select what is exported.
    let (_, _, _, body) = export(app, token.as_str(), "status=resolved").await;
    let (_, resolved) = rows_of(&body);
    assert_eq!(resolved.len(), EXPORTED / 5);
    assert!(resolved.iter().all(|r| r[column("status")] == "resolved"));
    let (status, _, _, body) = export(app, token.as_str(), "status=bogus").await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
}

/// Complaints from Korea and Brazil (the country as Cloudflare's request metadata names
/// it: `wrangler dev` takes it from the `MF-CF-Blob` header), one of them put right with
/// a parcel: trends count both by country and by what the store did last.
async fn trends_count_the_shoppers_country_and_what_the_store_did(app: &TestApp) {
    const SHOP: &str = "country-shop";
    app.edge.create_store(SHOP, "Country Shop");
    let token = app.edge.issue_agent_token(SHOP, "Kim");
    let agent = app.agent(token.token.as_str());
    let mut ids = Vec::new();
    for (order, country) in [("KR-1", "KR"), ("BR-1", "BR"), ("TOR-1", "T1")] {
        let mut complaint = api::complaint(
            order,
            "world@example.com",
            "The parcel never arrived.",
            "resend",
        );
        complaint["store_id"] = json!(SHOP);
        let response = api::client()
            .post(app.edge.url(routes::COMPLAINTS))
            .header("CF-Connecting-IP", api::next_address())
            // The whole `cf` object: with the request's accepted encodings as workerd
            // would have them (none), so the answer comes back uncompressed.
            .header(
                "MF-CF-Blob",
                json!({ "country": country, "clientAcceptEncoding": "" }).to_string(),
            )
            .json(&api::signed(complaint))
            .send()
            .await
            .expect("file");
        let (status, receipt) = api::answer(response).await;
        assert_eq!(status, 201, "{receipt}");
        let reference = receipt["reference"]
            .as_str()
            .unwrap_or_else(|| panic!("{receipt}"))
            .to_owned();
        ids.push(agent.case_id_of(&reference).await);
    }
    let korean = agent.case(&ids[0]).await;
    assert_eq!(korean["country"], "KR", "{korean}");
    assert!(
        agent.case(&ids[2]).await["country"].is_null(),
        "Tor is no country"
    );
    let (status, recorded) = agent
        .try_send(
            Method::POST,
            &routes::fill(routes::AGENT_CASE_OUTCOMES, &[&ids[0]]),
            json!({ "kind": "shipped", "carrier": "DHL", "tracking": "1Z999AA1" }),
        )
        .await;
    assert_eq!(status, 201, "{recorded}");

    let totals = |trends: Value| -> Vec<(Value, Value)> {
        let mut found: Vec<(Value, Value)> = trends["totals"]
            .as_array()
            .expect("totals")
            .iter()
            .map(|t| (t["key"].clone(), t["count"].clone()))
            .collect();
        found.sort_by_key(|(key, _)| key.to_string());
        found
    };
    let by_country = agent
        .get(&format!("{}?by=country", routes::AGENT_TRENDS))
        .await;
    assert_eq!(
        totals(by_country),
        [
            (json!("BR"), json!(1)),
            (json!("KR"), json!(1)),
            (Value::Null, json!(1))
        ]
    );
    let by_outcome = agent
        .get(&format!("{}?by=outcome", routes::AGENT_TRENDS))
        .await;
    assert_eq!(
        totals(by_outcome),
        [(json!("shipped"), json!(1)), (Value::Null, json!(2))]
    );
}
