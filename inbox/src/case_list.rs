//! The store's cases: filters, soonest deadline first, more on demand.

use leptos::prelude::*;
use leptos::task::spawn_local;
use redress_shared::agent_api::{param, CasePage, CaseSummary};
use redress_shared::categorize::{Category, Priority};
use redress_shared::inbox_ids as ids;
use redress_shared::workflow::open_statuses;
use redress_shared::{routes, CaseStatus};

use crate::api::Api;
use crate::download::Download;
use crate::format::{local_time, missed};

#[derive(Debug, Clone, Default, PartialEq)]
struct Filters {
    status: String,
    category: String,
    priority: String,
    overdue: bool,
    rated_low: bool,
    breached: bool,
    text: String,
}

impl Filters {
    /// The list's page after `cursor` (the first without).
    fn query(&self, cursor: Option<&str>) -> String {
        self.path(routes::AGENT_CASES, cursor)
    }

    /// Every case these filters select, as CSV.
    fn export(&self) -> String {
        self.path(routes::AGENT_EXPORT_CASES, None)
    }

    fn path(&self, base: &str, cursor: Option<&str>) -> String {
        let mut query = vec![format!("{}=50", param::LIMIT)];
        let mut add = |name: &str, value: &str| {
            if !value.is_empty() {
                query.push(format!("{name}={}", js_sys::encode_uri_component(value)));
            }
        };
        add(param::STATUS, &self.status);
        add(param::CATEGORY, &self.category);
        add(param::PRIORITY, &self.priority);
        add(param::TEXT, self.text.trim());
        if self.overdue {
            add(param::OVERDUE, "true");
        }
        if self.rated_low {
            add(param::RATED_LOW, "true");
        }
        if self.breached {
            add(param::BREACHED, "true");
        }
        add(param::CURSOR, cursor.unwrap_or_default());
        format!("{base}?{}", query.join("&"))
    }
}

#[component]
pub fn CaseList(api: Api, open: impl Fn(String) + Copy + Send + Sync + 'static) -> impl IntoView {
    let filters = RwSignal::new(Filters::default());
    let cases = RwSignal::new(Vec::<CaseSummary>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);

    let load = {
        let api = api.clone();
        move |append: bool| {
            let api = api.clone();
            let cursor = if append { next.get_untracked() } else { None };
            let path = filters.get_untracked().query(cursor.as_deref());
            loading.set(true);
            spawn_local(async move {
                match api.get::<CasePage>(&path).await {
                    Ok(page) => {
                        if append {
                            cases.update(|c| c.extend(page.cases));
                        } else {
                            cases.set(page.cases);
                        }
                        next.set(page.next_cursor);
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
                loading.set(false);
            });
        }
    };
    load(false);
    let search = load.clone();
    let more = load.clone();

    let select = |label: &'static str,
                  id: &'static str,
                  options: Vec<(String, String)>,
                  set: fn(&mut Filters, String)| {
        view! {
            <label>{label}
                <select id=id on:change=move |ev| filters.update(|f| set(f, event_target_value(&ev)))>
                    <option value="">"All"</option>
                    {options.into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
                </select>
            </label>
        }
    };
    let codes = |code: &str| (code.to_owned(), code.to_owned());
    let open_codes = open_statuses()
        .iter()
        .map(|s| s.code())
        .collect::<Vec<_>>()
        .join(",");
    let statuses = vec![(open_codes, "Open".to_owned())]
        .into_iter()
        .chain(CaseStatus::ALL.iter().map(|s| codes(s.code())))
        .collect();
    let categories = Category::ALL.iter().map(|c| codes(c.code())).collect();
    let priorities = Priority::ALL.iter().map(|p| codes(p.code())).collect();

    view! {
        <section>
            <form class="filters" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); search(false) }>
                {select("Status", ids::FILTER_STATUS, statuses, |f, v| f.status = v)}
                {select("Category", ids::FILTER_CATEGORY, categories, |f, v| f.category = v)}
                {select("Priority", ids::FILTER_PRIORITY, priorities, |f, v| f.priority = v)}
                <label><input type="checkbox" on:change=move |ev| filters.update(|f| f.overdue = event_target_checked(&ev)) />"Overdue"</label>
                <label><input id=ids::FILTER_RATED_LOW type="checkbox" on:change=move |ev| filters.update(|f| f.rated_low = event_target_checked(&ev)) />"Rated 1–2 by the shopper"</label>
                <label><input id=ids::FILTER_BREACHED type="checkbox" on:change=move |ev| filters.update(|f| f.breached = event_target_checked(&ev)) />"Missed a service level"</label>
                <label>"Search"
                    <input id=ids::FILTER_TEXT type="search" placeholder="words, reference, order, email"
                        on:input=move |ev| filters.update(|f| f.text = event_target_value(&ev)) />
                </label>
                <button type="submit" id=ids::FILTER_APPLY>"Show"</button>
                <Download api=api.clone() id=ids::EXPORT_CSV label="Export as CSV" file_name="redress-cases.csv".to_owned()
                    path=move || filters.get_untracked().export() error />
            </form>
            <p class="error" role="alert">{move || error.get()}</p>
            <table id=ids::CASE_LIST>
                <thead><tr>
                    <th>"Priority"</th><th>"Reference"</th><th>"Category"</th><th>"Status"</th>
                    <th>"Answer by"</th><th>"Order"</th><th>"Complaint"</th>
                </tr></thead>
                <tbody>
                    <For each=move || cases.get() key=|c| c.id.clone() let:case>
                        <CaseRow case open />
                    </For>
                </tbody>
            </table>
            <p aria-live="polite">{move || if loading.get() { "Loading…" } else if cases.with(Vec::is_empty) { "No cases match." } else { "" }}</p>
            <Show when=move || next.with(Option::is_some)>
                <button on:click={let more = more.clone(); move |_| more(true)}>"More"</button>
            </Show>
        </section>
    }
}

#[component]
fn CaseRow(
    case: CaseSummary,
    open: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = case.id.clone();
    let row_class = if case.overdue { "overdue" } else { "" };
    view! {
        <tr class=row_class>
            <td><span class=format!("priority {}", case.priority.code())>{case.priority.code()}</span></td>
            <td>
                <button class="link" data-reference=case.reference.clone() on:click=move |_| open(id.clone())>
                    {case.reference.clone()}
                </button>
            </td>
            <td>{case.category.code()}</td>
            <td>{case.status.code()}{case.rating.map(|score| format!(" · rated {score}/5"))}</td>
            <td>{local_time(&case.respond_by)}{case.overdue.then_some(" (overdue)")}{missed(&case.breaches)}</td>
            <td>{case.order_number.clone()}</td>
            <td class="excerpt">{case.excerpt.clone()}</td>
        </tr>
    }
}
