//! The store's dashboard: how well it handled the period's complaints (`GET
//! /v1/agent/metrics`), as figures and three charts: how long first responses took, how
//! many cases were open over time, and what shoppers thought week by week. Each chart is
//! an SVG with its title and a description of every value, and the same values in a
//! table beside it, so a screen reader reads what the eye sees. Its words are in the
//! agent's language (`shared::inbox_text`, the first of the browser's languages the
//! inbox speaks); numbers, money, durations and dates in their own locale.

use leptos::prelude::*;
use leptos::task::spawn_local;
use redress_shared::inbox_ids as ids;
use redress_shared::inbox_text::{fill, DashboardWords, InboxText};
use redress_shared::metrics::{param, Durations, Metrics, MetricsDimension, MetricsGroup};
use redress_shared::money::minor_digits;
use redress_shared::routes;
use wasm_bindgen::JsValue;

use crate::api::Api;
use crate::format::{agent_languages, agent_locale, local_time};

const BAR_HEIGHT: f64 = 26.0;
const LABEL_WIDTH: f64 = 150.0;
const BAR_SPACE: f64 = 360.0;
/// Labels, bars and room for the longest value.
const CHART_WIDTH: f64 = LABEL_WIDTH + BAR_SPACE + 140.0;

#[component]
pub fn DashboardView(api: Api) -> impl IntoView {
    // Empty: the API's default period, the last 30 days.
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let metrics = RwSignal::new(None::<(Metrics, Metrics)>);
    let error = RwSignal::new(None::<String>);
    let text = InboxText::for_languages(&agent_languages().join(","));
    let words = text.dashboard.clone();
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
        <section id=ids::DASHBOARD lang=text.locale dir=if text.right_to_left { "rtl" } else { "ltr" }>
            <h1>{words.dashboard_title.clone()}</h1>
            <div class="filters">
                <label>{words.filed_from.clone()}<input id=ids::DASHBOARD_FROM type="date" on:change=move |ev| from.set(event_target_value(&ev)) /></label>
                <label>{words.filed_to.clone()}<input id=ids::DASHBOARD_TO type="date" on:change=move |ev| to.set(event_target_value(&ev)) /></label>
            </div>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || metrics.get().map(|(totals, weekly)| view! { <Figures totals weekly words=words.clone() rtl=text.right_to_left /> })}
        </section>
    }
}

#[component]
fn Figures(totals: Metrics, weekly: Metrics, words: DashboardWords, rtl: bool) -> impl IntoView {
    let t = &totals.total;
    let b = &totals.backlog;
    let w = &words;
    let refunds = if t.outcomes.refunds.is_empty() {
        w.none.clone()
    } else {
        t.outcomes
            .refunds
            .iter()
            .map(|r| format!("{} ({})", money(r.total_minor, &r.currency), r.count))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let figures = [
        (&w.opened, number(t.opened as f64)),
        (&w.resolved, number(t.resolved as f64)),
        (
            &w.first_response_median,
            minutes(t.first_response.p50_minutes),
        ),
        (&w.first_response_p90, minutes(t.first_response.p90_minutes)),
        (&w.resolution_median, minutes(t.resolution.p50_minutes)),
        (&w.resolution_p90, minutes(t.resolution.p90_minutes)),
        (
            &w.first_responses_on_time,
            percent(t.first_response_target.share),
        ),
        (&w.resolutions_on_time, percent(t.resolution_target.share)),
        (&w.reopened, percent(t.reopen_rate)),
        (
            &w.satisfaction,
            t.satisfaction.average.map_or_else(
                || "—".to_owned(),
                |a| fill(&w.out_of_five, &[&decimals(a, 1)]),
            ),
        ),
        (&w.rated, percent(t.satisfaction.response_rate)),
        (&w.refunds, refunds),
        (
            &w.resent_replaced,
            format!(
                "{} / {}",
                number(t.outcomes.resends as f64),
                number(t.outcomes.replacements as f64)
            ),
        ),
        (
            &w.open_now,
            number(
                (b.under_1_day + b.from_1_to_3_days + b.from_3_to_7_days + b.over_7_days) as f64,
            ),
        ),
    ];
    let distribution = distribution_bars(&t.first_response, w);
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
                fill(&w.week_of, &[&local_date(&g.key)]),
                average,
                fill(
                    &w.score_with_ratings,
                    &[
                        &decimals(average, 1),
                        &number(g.satisfaction.ratings as f64),
                    ],
                ),
            ))
        })
        .collect();
    // The period's words around its two times, in the language's order.
    let mut pieces = w.period.split("{}");
    let times = [&totals.from, &totals.to]
        .map(|at| view! { <time datetime=at.clone()>{local_time(at)}</time> });
    let period = pieces.next().unwrap_or_default().to_owned();
    let period = (
        period,
        times
            .into_iter()
            .zip(pieces.map(str::to_owned))
            .collect_view(),
    );
    view! {
        <p>{period}</p>
        <dl id=ids::DASHBOARD_FIGURES class="figures">
            {figures.into_iter().map(|(name, value)| view! { <div><dt>{name.clone()}</dt><dd>{value}</dd></div> }).collect_view()}
        </dl>
        <BarChart id="chart-first-response" rtl title=w.chart_first_response.clone() unit=w.unit_cases.clone() empty=w.no_data.clone() bars=distribution max=None />
        <BarChart id="chart-open" rtl title=w.chart_open.clone() unit=w.unit_open.clone() empty=w.no_data.clone() bars=open_over_time max=None />
        <BarChart id="chart-satisfaction" rtl title=w.chart_satisfaction.clone() unit=w.unit_score.clone() empty=w.no_data.clone() bars=satisfaction max=Some(5.0) />
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
    title: String,
    unit: String,
    /// What the description says when there are no bars.
    empty: String,
    /// Labels on the right, bars growing leftwards.
    rtl: bool,
    bars: Vec<Bar>,
    max: Option<f64>,
) -> impl IntoView {
    let top = max
        .unwrap_or_else(|| bars.iter().map(|b| b.value).fold(0.0, f64::max))
        .max(1.0);
    let height = BAR_HEIGHT * bars.len().max(1) as f64;
    let description = if bars.is_empty() {
        empty
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
            <svg class="bars" width=CHART_WIDTH height=height role="img"
                aria-labelledby=labelled_by>
                <desc id=desc_id>{description}</desc>
                {bars.iter().enumerate().map(|(i, b)| {
                    let y = i as f64 * BAR_HEIGHT;
                    let width = BAR_SPACE * b.value / top;
                    // Drawn left to right, then mirrored for a right-to-left language: each
                    // text starts at its x in the language's direction.
                    let x = |at: f64, span: f64| if rtl { CHART_WIDTH - at - span } else { at };
                    let direction = if rtl { "rtl" } else { "ltr" };
                    view! {
                        <g aria-hidden="true">
                            <text x=x(0.0, 0.0) y=y + 17.0 direction=direction>{b.label.clone()}</text>
                            <rect x=x(LABEL_WIDTH, width) y=y + 4.0 width=width height=BAR_HEIGHT - 8.0></rect>
                            <text x=x(LABEL_WIDTH + width + 6.0, 0.0) y=y + 17.0 direction=direction>{b.shown.clone()}</text>
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
fn distribution_bars(durations: &Durations, w: &DashboardWords) -> Vec<Bar> {
    let bounds = Durations::BOUNDS_MINUTES;
    durations
        .distribution
        .iter()
        .enumerate()
        .map(|(i, &count)| {
            let label = match (i.checked_sub(1).map(|j| bounds[j]), bounds.get(i)) {
                (None, Some(&upper)) => fill(&w.under, &[&minutes(Some(f64::from(upper)))]),
                (Some(lower), Some(&upper)) => fill(
                    &w.between,
                    &[
                        &minutes(Some(f64::from(lower))),
                        &minutes(Some(f64::from(upper))),
                    ],
                ),
                (Some(lower), None) => fill(&w.over, &[&minutes(Some(f64::from(lower)))]),
                (None, None) => String::new(),
            };
            Bar::new(label, count as f64, number(count as f64))
        })
        .collect()
}

/// `Intl.NumberFormat` in the agent's languages with `options`.
fn intl(value: f64, options: &[(&str, JsValue)]) -> String {
    let settings = js_sys::Object::new();
    for (key, value) in options {
        let _ = js_sys::Reflect::set(&settings, &JsValue::from_str(key), value);
    }
    let locales: js_sys::Array = agent_languages().into_iter().map(JsValue::from).collect();
    let format = js_sys::Intl::NumberFormat::new(&locales, &settings).format();
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
    String::from(date.to_locale_date_string(&agent_locale(), &options))
}
