//! One case: what the shopper said and sent, why Redress categorized it so, where its
//! notifications went, its timeline, and the agent's actions.

use leptos::prelude::*;
use leptos::task::spawn_local;
use redress_shared::agent_api::{CaseDetail, CaseMessage, CaseUpdate};
use redress_shared::complaint::Resolution;
use redress_shared::inbox_ids as ids;
use redress_shared::{routes, CaseEvidence, CaseStatus};

use crate::api::Api;
use crate::format::local_time;

#[component]
pub fn CaseView(
    api: Api,
    id: String,
    back: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let detail = RwSignal::new(None::<CaseDetail>);
    let error = RwSignal::new(None::<String>);
    let path = routes::fill(routes::AGENT_CASE, &[&id]);
    {
        let (api, path) = (api.clone(), path.clone());
        spawn_local(async move {
            match api.get::<CaseDetail>(&path).await {
                Ok(found) => detail.set(Some(found)),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    view! {
        <section id=ids::CASE_VIEW>
            <button class="link" on:click=move |_| back()>"← All cases"</button>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || detail.get().map(|case| view! {
                <CaseBody case=case.clone() api=api.clone() />
                <Actions case path=path.clone() api=api.clone() detail error />
            })}
        </section>
    }
}

#[component]
fn CaseBody(case: CaseDetail, api: Api) -> impl IntoView {
    let c = &case.case;
    let verdict = &c.classification.assessment;
    let shopper_category = c
        .details
        .shopper_category
        .map(|s| s.code().to_owned())
        .unwrap_or_else(|| "—".to_owned());
    let case_id = c.id.as_str().to_owned();
    view! {
        <h1>{c.reference.as_str().to_owned()}</h1>
        <dl class="facts">
            <dt>"Status"</dt><dd id=ids::CASE_STATUS>{c.status.code()}</dd>
            <dt>"Priority"</dt><dd>{verdict.priority.code()}{verdict.safety.then_some(" · safety")}</dd>
            <dt>"Category"</dt><dd>{verdict.category.code()}{verdict.sub_reason.map(|s| format!(" / {}", s.code()))}</dd>
            <dt>"Shopper's category"</dt><dd>{shopper_category}</dd>
            <dt>"Language"</dt><dd>{c.classification.lang.clone()}</dd>
            <dt>"Answer by"</dt><dd>{local_time(&c.respond_by)}{case.overdue.then_some(" (overdue)")}</dd>
            <dt>"Order"</dt><dd>{c.details.order_number.clone()}</dd>
            <dt>"Email"</dt><dd>{c.details.email.clone()}</dd>
            <dt>"Product"</dt><dd>{c.details.product_id.clone().unwrap_or_default()}</dd>
            <dt>"Wants"</dt><dd>{c.details.resolution.code()}</dd>
            <dt>"Assignee"</dt><dd>{case.assignee.clone().unwrap_or_else(|| "nobody".to_owned())}</dd>
            <dt>"Resolution taken"</dt><dd>{case.resolution_taken.map(Resolution::code).unwrap_or("—")}</dd>
        </dl>
        <h2>"The shopper wrote"</h2>
        <p id=ids::CASE_DESCRIPTION class="description">{c.details.description.clone()}</p>
        <h2>"Why this category"</h2>
        <ul class="signals">
            {verdict.signals.iter().map(|s| view! { <li>{format!("{}: “{}”", s.rule, s.cue)}</li> }).collect_view()}
        </ul>
        <h2>"Evidence"</h2>
        <ul class="evidence">
            {c.evidence.iter().enumerate().map(|(i, e)| view! {
                <EvidenceItem evidence=e.clone() url=routes::fill(routes::AGENT_CASE_EVIDENCE, &[&case_id, &i.to_string()]) api=api.clone() />
            }).collect_view()}
        </ul>
        <h2>"Notifications"</h2>
        <ul>
            {case.deliveries.iter().map(|d| view! {
                <li>{format!("{} → {}: {} after {} attempt(s)", d.event.code(), d.channel.code(), d.state.code(), d.attempts)}</li>
            }).collect_view()}
        </ul>
        <h2>"Timeline"</h2>
        <ol id=ids::CASE_TIMELINE class="timeline">
            {case.timeline.iter().map(|e| view! {
                <li class=if e.public { "public" } else { "internal" }>
                    <time>{local_time(&e.at)}</time>" "
                    <strong>{e.actor.clone()}</strong>" "
                    <span>{e.kind.code()}</span>
                    {e.value.clone().map(|v| view! { <p class="value">{v}</p> })}
                </li>
            }).collect_view()}
        </ol>
    }
}

/// A file as the agent sees it: images and video inline (fetched with the token), the
/// rest as a download. Its SHA-256 lets the agent show it is what the shopper sent.
#[component]
fn EvidenceItem(evidence: CaseEvidence, url: String, api: Api) -> impl IntoView {
    let blob = RwSignal::new(None::<String>);
    {
        let url = url.clone();
        spawn_local(async move {
            if let Ok(found) = api.evidence_url(&url).await {
                blob.set(Some(found));
            }
        });
    }
    let kind = evidence.content_type.clone();
    let name = evidence.file_name.clone();
    view! {
        <li>
            {move || blob.get().map(|src| {
                if kind.starts_with("image/") {
                    view! { <img src=src alt=name.clone() /> }.into_any()
                } else if kind.starts_with("video/") {
                    view! { <video src=src controls=true></video> }.into_any()
                } else {
                    view! { <a href=src download=name.clone()>"Download"</a> }.into_any()
                }
            })}
            <p class="meta">{format!("{} · {} · {} bytes · SHA-256 {}", evidence.file_name, evidence.content_type, evidence.size, evidence.sha256)}</p>
        </li>
    }
}

#[component]
fn Actions(
    case: CaseDetail,
    path: String,
    api: Api,
    detail: RwSignal<Option<CaseDetail>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let resolution = RwSignal::new(
        case.resolution_taken
            .map(|r| r.code().to_owned())
            .unwrap_or_default(),
    );
    let assignee = RwSignal::new(case.assignee.clone().unwrap_or_default());
    let note = RwSignal::new(String::new());
    let reply = RwSignal::new(String::new());
    let id = case.case.id.as_str().to_owned();

    // Every action answers with the case as it now stands.
    let act = move |request: Request| {
        let (api, path, id) = (api.clone(), path.clone(), id.clone());
        spawn_local(async move {
            let answer = match &request {
                Request::Update(update) => api.patch::<CaseDetail>(&path, update).await,
                Request::Note(text) => {
                    api.post(
                        &routes::fill(routes::AGENT_CASE_NOTES, &[&id]),
                        &CaseMessage { text: text.clone() },
                    )
                    .await
                }
                Request::Reply(text) => {
                    api.post(
                        &routes::fill(routes::AGENT_CASE_REPLIES, &[&id]),
                        &CaseMessage { text: text.clone() },
                    )
                    .await
                }
            };
            match answer {
                Ok(updated) => {
                    error.set(None);
                    match request {
                        Request::Note(_) => note.set(String::new()),
                        Request::Reply(_) => reply.set(String::new()),
                        Request::Update(_) => {}
                    }
                    detail.set(Some(updated));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let act = StoredValue::new(act);
    let move_to = move |status: CaseStatus| {
        let resolution = Resolution::from_code(&resolution.get_untracked());
        act.with_value(|act| {
            act(Request::Update(CaseUpdate {
                status: Some(status),
                resolution,
                assignee: None,
            }))
        });
    };
    view! {
        <section class="actions">
            <h2>"Work the case"</h2>
            <label>"Resolution taken"
                <select id=ids::RESOLUTION on:change=move |ev| resolution.set(event_target_value(&ev))>
                    <option value="">"—"</option>
                    {Resolution::ALL.iter().map(|r| view! {
                        <option value=r.code() selected=resolution.get_untracked() == r.code()>{r.code()}</option>
                    }).collect_view()}
                </select>
            </label>
            <div class="moves">
                {case.next_statuses.iter().map(|&status| view! {
                    <button data-status=status.code() on:click=move |_| move_to(status)>{format!("Move to {}", status.code())}</button>
                }).collect_view()}
            </div>
            <label>"Assignee"
                <input id=ids::ASSIGNEE prop:value=move || assignee.get() on:input=move |ev| assignee.set(event_target_value(&ev)) />
            </label>
            <button id=ids::ASSIGN on:click=move |_| act.with_value(|act| act(Request::Update(CaseUpdate {
                assignee: Some(assignee.get_untracked()), ..CaseUpdate::default()
            })))>"Assign"</button>
            <label for=ids::NOTE_TEXT>"Internal note (agents only)"</label>
            <textarea id=ids::NOTE_TEXT prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            <button id=ids::NOTE_SEND on:click=move |_| act.with_value(|act| act(Request::Note(note.get_untracked())))>"Add note"</button>
            <label for=ids::REPLY_TEXT>"Reply to the shopper"</label>
            <textarea id=ids::REPLY_TEXT prop:value=move || reply.get() on:input=move |ev| reply.set(event_target_value(&ev))></textarea>
            <button id=ids::REPLY_SEND on:click=move |_| act.with_value(|act| act(Request::Reply(reply.get_untracked())))>"Send reply"</button>
        </section>
    }
}

enum Request {
    Update(CaseUpdate),
    Note(String),
    Reply(String),
}
