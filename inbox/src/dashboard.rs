//! The store's dashboard: how well it handled the period's complaints (`GET
//! /v1/agent/metrics`), as figures and three charts: how long first responses took, how
//! many cases were open over time, and what shoppers thought week by week. Each chart is
//! an SVG with its title and a description of every value, and the same values in a
//! table beside it, so a screen reader reads what the eye sees. Numbers, money and
//! percentages are written in the agent's own locale.

use leptos::prelude::*;
use leptos::task::spawn_local;
use redress_shared::inbox_ids as ids;
use redress_shared::metrics::{param, Durations, Metrics, MetricsDimension, MetricsGroup};
use redress_shared::money::minor_digits;
use redress_shared::routes;
use wasm_bindgen::JsValue;

use crate::api::Api;
use crate::format::local_time;

const BAR_HEIGHT: f64 = 26.0;
const LABEL_WIDTH: f64 = 150.0;
const BAR_SPACE: f64 = 360.0;

#[component]
pub fn DashboardView(api: Api) -> impl IntoView {
    // Empty: the API's default period, the last 30 days.
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let metrics = RwSignal::new(None::<(Metrics, Metrics)>);
    let error = RwSignal::new(None::<String>);
    // Only the latest period's answer is shown: an earlier one may arrive after it.
    let latest = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        let mut period = Vec::new();
        for (name, value) in [(param::FROM, from.get()), (param::TO, to.get())] {
            if !value.is_empty() {
                period.push(format!("{name}={value}"));
            }
        }
        let totals = format!("{}?{}", routes::AGENT_METRICS, period.join("&"));
        let weekly = format!("{totals}&{}={}", param::BY, MetricsDimension::Week.code());
        let api = api.clone();
        spawn_local(async move {
            let both = async {
                Ok::<_, String>((
                    api.get::<Metrics>(&totals).await?,
                    api.get::<Metrics>(&weekly).await?,
                ))
            };
            let answer = both.await;
            if latest.get_value() != ticket {
                return;
            }
            match answer {
                Ok(found) => {
                    error.set(None);
                    metrics.set(Some(found));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    view! {
        <section id=ids::DASHBOARD>
            <h1>"Service dashboard"</h1>
            <div class="filters">
                <label>"Filed from"<input id=ids::DASHBOARD_FROM type="date" on:change=move |ev| from.set(event_target_value(&ev)) /></label>
                <label>"to (not included)"<input id=ids::DASHBOARD_TO type="date" on:change=move |ev| to.set(event_target_value(&ev)) /></label>
            </div>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || metrics.get().map(|(totals, weekly)| view! { <Figures totals weekly /> })}
        </section>
    }
}

#[component]
fn Figures(totals: Metrics, weekly: Metrics) -> impl IntoView {
    let t = &totals.total;
    let b = &totals.backlog;
    let refunds = if t.outcomes.refunds.is_empty() {
        "none".to_owned()
    } else {
        t.outcomes
            .refunds
            .iter()
            .map(|r| format!("{} ({})", money(r.total_minor, &r.currency), r.count))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let figures = [
        ("Cases filed", number(t.opened as f64)),
        ("Resolved", number(t.resolved as f64)),
        (
            "First response, median",
            minutes(t.first_response.p50_minutes),
        ),
        (
            "First response, 90th percentile",
            minutes(t.first_response.p90_minutes),
        ),
        ("Resolution, median", minutes(t.resolution.p50_minutes)),
        (
            "Resolution, 90th percentile",
            minutes(t.resolution.p90_minutes),
        ),
        (
            "First responses on time",
            percent(t.first_response_target.share),
        ),
        ("Resolutions on time", percent(t.resolution_target.share)),
        ("Reopened", percent(t.reopen_rate)),
        (
            "Satisfaction (1–5)",
            t.satisfaction
                .average
                .map_or_else(|| "—".to_owned(), |a| format!("{} / 5", decimals(a, 1))),
        ),
        ("Shoppers who rated", percent(t.satisfaction.response_rate)),
        ("Refunds issued", refunds),
        (
            "Resent / replaced",
            format!(
                "{} / {}",
                number(t.outcomes.resends as f64),
                number(t.outcomes.replacements as f64)
            ),
        ),
        (
            "Open now",
            number(
                (b.under_1_day + b.from_1_to_3_days + b.from_3_to_7_days + b.over_7_days) as f64,
            ),
        ),
    ];
    let distribution = distribution_bars(&t.first_response);
    let open_over_time: Vec<Bar> = totals
        .open_over_time
        .iter()
        .map(|o| Bar::new(local_date(&o.day), o.open as f64, number(o.open as f64)))
        .collect();
    let satisfaction: Vec<Bar> = weekly
        .groups
        .iter()
        .filter_map(|g: &MetricsGroup| {
            let average = g.satisfaction.average?;
            Some(Bar::new(
                format!("week of {}", local_date(&g.key)),
                average,
                format!(
                    "{} ({} ratings)",
                    decimals(average, 1),
                    g.satisfaction.ratings
                ),
            ))
        })
        .collect();
    view! {
        <p>"Cases filed from "<time datetime=totals.from.clone()>{local_time(&totals.from)}</time>
            " to "<time datetime=totals.to.clone()>{local_time(&totals.to)}</time></p>
        <dl id=ids::DASHBOARD_FIGURES class="figures">
            {figures.into_iter().map(|(name, value)| view! { <div><dt>{name}</dt><dd>{value}</dd></div> }).collect_view()}
        </dl>
        <BarChart id="chart-first-response" title="How long the first response took" unit="cases" bars=distribution max=None />
        <BarChart id="chart-open" title="Open cases at the start of each week" unit="open cases" bars=open_over_time max=None />
        <BarChart id="chart-satisfaction" title="Satisfaction by week filed (1–5)" unit="average score" bars=satisfaction max=Some(5.0) />
    }
}

/// One bar: its label, its value, and how the value is written.
#[derive(Clone)]
struct Bar {
    label: String,
    value: f64,
    shown: String,
}

impl Bar {
    fn new(label: String, value: f64, shown: String) -> Bar {
        Bar {
            label,
            value,
            shown,
        }
    }
}

/// A horizontal bar chart with its title and every value in its description, and the
/// same values as a table.
#[component]
fn BarChart(
    id: &'static str,
    title: &'static str,
    unit: &'static str,
    bars: Vec<Bar>,
    max: Option<f64>,
) -> impl IntoView {
    let top = max
        .unwrap_or_else(|| bars.iter().map(|b| b.value).fold(0.0, f64::max))
        .max(1.0);
    let height = BAR_HEIGHT * bars.len().max(1) as f64;
    let description = if bars.is_empty() {
        "No data in this period.".to_owned()
    } else {
        bars.iter()
            .map(|b| format!("{}: {}", b.label, b.shown))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled_by = format!("{title_id} {desc_id}");
    view! {
        <figure class="chart">
            <figcaption id=title_id.clone()>{title}</figcaption>
            <svg class="bars" width=LABEL_WIDTH + BAR_SPACE + 140.0 height=height role="img"
                aria-labelledby=labelled_by>
                <desc id=desc_id>{description}</desc>
                {bars.iter().enumerate().map(|(i, b)| {
                    let y = i as f64 * BAR_HEIGHT;
                    let width = BAR_SPACE * b.value / top;
                    view! {
                        <g aria-hidden="true">
                            <text x="0" y=y + 17.0>{b.label.clone()}</text>
                            <rect x=LABEL_WIDTH y=y + 4.0 width=width height=BAR_HEIGHT - 8.0></rect>
                            <text x=LABEL_WIDTH + width + 6.0 y=y + 17.0>{b.shown.clone()}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <table class="chart-data">
                <thead><tr><th scope="col">""</th><th scope="col">{unit}</th></tr></thead>
                <tbody>
                    {bars.into_iter().map(|b| view! { <tr><th scope="row">{b.label}</th><td>{b.shown}</td></tr> }).collect_view()}
                </tbody>
            </table>
        </figure>
    }
}

/// First responses by how long they took, in the API's buckets.
fn distribution_bars(durations: &Durations) -> Vec<Bar> {
    let bounds = Durations::BOUNDS_MINUTES;
    durations
        .distribution
        .iter()
        .enumerate()
        .map(|(i, &count)| {
            let label = match (i.checked_sub(1).map(|j| bounds[j]), bounds.get(i)) {
                (None, Some(&upper)) => format!("under {}", minutes(Some(f64::from(upper)))),
                (Some(lower), Some(&upper)) => format!(
                    "{} to {}",
                    minutes(Some(f64::from(lower))),
                    minutes(Some(f64::from(upper)))
                ),
                (Some(lower), None) => format!("over {}", minutes(Some(f64::from(lower)))),
                (None, None) => String::new(),
            };
            Bar::new(label, count as f64, number(count as f64))
        })
        .collect()
}

/// `Intl.NumberFormat` in the browser's locale with `options`.
fn intl(value: f64, options: &[(&str, JsValue)]) -> String {
    let settings = js_sys::Object::new();
    for (key, value) in options {
        let _ = js_sys::Reflect::set(&settings, &JsValue::from_str(key), value);
    }
    let format = js_sys::Intl::NumberFormat::new(&js_sys::Array::new(), &settings).format();
    format
        .call1(&JsValue::UNDEFINED, &JsValue::from_f64(value))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| value.to_string())
}

fn number(value: f64) -> String {
    intl(value, &[])
}

fn decimals(value: f64, digits: u32) -> String {
    intl(
        value,
        &[
            ("maximumFractionDigits", JsValue::from(digits)),
            ("minimumFractionDigits", JsValue::from(digits)),
        ],
    )
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(
        || "—".to_owned(),
        |s| {
            intl(
                s,
                &[
                    ("style", "percent".into()),
                    ("maximumFractionDigits", JsValue::from(1)),
                ],
            )
        },
    )
}

fn money(minor: i64, currency: &str) -> String {
    let digits = i32::from(minor_digits(currency).unwrap_or(2));
    intl(
        minor as f64 / 10_f64.powi(digits),
        &[("style", "currency".into()), ("currency", currency.into())],
    )
}

/// Minutes as the agent would say them: minutes, hours or days.
fn minutes(value: Option<f64>) -> String {
    let Some(m) = value else {
        return "—".to_owned();
    };
    let unit = |v: f64, unit: &str| {
        intl(
            v,
            &[
                ("style", "unit".into()),
                ("unit", unit.into()),
                ("maximumFractionDigits", JsValue::from(1)),
            ],
        )
    };
    if m < 60.0 {
        unit(m, "minute")
    } else if m < 48.0 * 60.0 {
        unit(m / 60.0, "hour")
    } else {
        unit(m / 1440.0, "day")
    }
}

/// A date (`2026-11-02`) or instant in the agent's locale, without the time.
fn local_date(text: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(text));
    if date.get_time().is_nan() {
        return text.to_owned();
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &"UTC".into());
    String::from(date.to_locale_date_string("default", &options))
}
