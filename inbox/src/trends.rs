//! The store's trends: complaints by one dimension over a range, as bars.

use leptos::prelude::*;
use leptos::task::spawn_local;
use redress_shared::inbox_ids as ids;
use redress_shared::routes;
use redress_shared::trends::{TrendDimension, Trends};

use crate::api::Api;

const BAR_HEIGHT: u32 = 22;
const CHART_WIDTH: f64 = 480.0;

#[component]
pub fn TrendsView(api: Api) -> impl IntoView {
    let by = RwSignal::new(TrendDimension::Category);
    let weekly = RwSignal::new(false);
    // Empty: the API's default range, the last 30 days.
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let trends = RwSignal::new(None::<Trends>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let mut path = format!(
            "{}?by={}&bucket={}",
            routes::AGENT_TRENDS,
            by.get().code(),
            if weekly.get() { "week" } else { "day" }
        );
        for (name, value) in [("from", from.get()), ("to", to.get())] {
            if !value.is_empty() {
                path.push_str(&format!("&{name}={value}"));
            }
        }
        let api = api.clone();
        spawn_local(async move {
            match api.get::<Trends>(&path).await {
                Ok(found) => {
                    error.set(None);
                    trends.set(Some(found));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    view! {
        <section id=ids::TRENDS>
            <h1>"Trends"</h1>
            <label>"Count by "
                <select on:change=move |ev| {
                    let code = event_target_value(&ev);
                    if let Some(d) = TrendDimension::ALL.into_iter().find(|d| d.code() == code) { by.set(d) }
                }>
                    {TrendDimension::ALL.iter().map(|d| view! { <option value=d.code()>{d.code()}</option> }).collect_view()}
                </select>
            </label>
            <label><input type="checkbox" on:change=move |ev| weekly.set(event_target_checked(&ev)) />"Per week"</label>
            <label>" From "<input id=ids::TRENDS_FROM type="date" on:change=move |ev| from.set(event_target_value(&ev)) /></label>
            <label>" to (not included) "<input id=ids::TRENDS_TO type="date" on:change=move |ev| to.set(event_target_value(&ev)) /></label>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || trends.get().map(|t| view! { <Chart trends=t /> })}
        </section>
    }
}

#[component]
fn Chart(trends: Trends) -> impl IntoView {
    let max = trends
        .totals
        .iter()
        .map(|t| t.count)
        .max()
        .unwrap_or(1)
        .max(1);
    let height = BAR_HEIGHT * trends.totals.len().max(1) as u32;
    let label = |key: &Option<String>| key.clone().unwrap_or_else(|| "(none)".to_owned());
    let periods = {
        let mut periods: Vec<String> = trends.series.iter().map(|p| p.period.clone()).collect();
        periods.dedup();
        periods
    };
    view! {
        <p>{format!("{} to {}", trends.from, trends.to)}</p>
        <svg class="bars" width=CHART_WIDTH + 200.0 height=height role="img" aria-label="Complaints by key">
            {trends.totals.iter().enumerate().map(|(i, t)| {
                let y = i as u32 * BAR_HEIGHT;
                let width = CHART_WIDTH * f64::from(t.count) / f64::from(max);
                view! {
                    <g>
                        <text x="0" y=y + 15>{label(&t.key)}</text>
                        <rect x="160" y=y + 3 width=width height=BAR_HEIGHT - 6></rect>
                        <text x=165.0 + width y=y + 15>{t.count}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
        <table>
            <thead><tr><th>"Period"</th><th>"Key"</th><th>"Complaints"</th></tr></thead>
            <tbody>
                {trends.series.iter().map(|p| view! {
                    <tr><td>{p.period.clone()}</td><td>{label(&p.key)}</td><td>{p.count}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
        <p>{format!("{} period(s)", periods.len())}</p>
    }
}
