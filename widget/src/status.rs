//! "Check my case": the shopper's view of a filed case, opened from the link on their
//! receipt (`#redress-case=<reference>.<status token>` on the store's page). It shows
//! what `GET /v1/status/{reference}` returns: where the case stands, when the store
//! will answer, and the store's replies, all as text.
//!
//! The case itself is drawn with plain DOM calls into one Leptos-owned container,
//! without signals: the same view in `view!` markup with a signal cost the widget
//! about 3 KB gzip more of generated code, against a 100 KB budget.

use leptos::prelude::*;
use leptos::task::spawn_local;
use redress_shared::widget_ids as ids;
use wasm_bindgen::JsCast;

use crate::api::{self, CaseStatusView};
use crate::config::{CaseLink, WidgetConfig};
use crate::form::local_time;

/// Where loading the case stands.
enum Shown {
    Loading,
    Failed(String),
    Found(CaseStatusView),
}

#[component]
pub fn StatusView(config: WidgetConfig, link: CaseLink) -> impl IntoView {
    let container = NodeRef::<leptos::html::Div>::new();
    let reference = link.reference.clone();
    // No signals: the loaded case is drawn straight into the container.
    let load = move || {
        let (config, link) = (config.clone(), link.clone());
        let locale = config.locale.clone();
        let show = move |shown: Shown| {
            if let Some(div) = container.get_untracked() {
                draw(&div, &shown, &locale);
            }
        };
        show(Shown::Loading);
        spawn_local(async move {
            show(match api::case_status(&config, &link).await {
                Ok(case) => Shown::Found(case),
                Err(api::Failure::Refused { .. }) => Shown::Failed(
                    "We could not find this case. Check the link from your receipt.".to_owned(),
                ),
                Err(api::Failure::Unreachable(message)) => Shown::Failed(message),
            });
        });
    };
    let reload = load.clone();
    container.on_load(move |_| load());
    view! {
        <div class="status-view">
            <p>"Case "<strong class="reference">{reference}</strong></p>
            <div id=ids::STATUS_VIEW aria-live="polite" node_ref=container></div>
            <button type="button" on:click=move |_| reload()>"Refresh"</button>
        </div>
    }
}

/// Replaces `into`'s content with the case as it now stands. Only `textContent` is
/// ever set: nothing from the server is parsed as markup.
fn draw(into: &web_sys::HtmlDivElement, shown: &Shown, locale: &str) {
    let Some(document) = into.owner_document() else {
        return;
    };
    into.set_text_content(None);
    let add = |parent: &web_sys::Element, tag: &str, text: &str| -> Option<web_sys::Element> {
        let element = document.create_element(tag).ok()?;
        element.set_text_content(Some(text));
        parent.append_child(&element).ok()?;
        Some(element)
    };
    let root: &web_sys::Element = into.unchecked_ref();
    match shown {
        Shown::Loading => {
            add(root, "p", "Loading…");
        }
        Shown::Failed(message) => {
            if let Some(p) = add(root, "p", message) {
                p.set_class_name("form-error");
                let _ = p.set_attribute("role", "alert");
            }
        }
        Shown::Found(case) => {
            if let Some(p) = add(root, "p", "Status: ") {
                if let Some(status) = add(&p, "strong", status_label(&case.status)) {
                    status.set_id(ids::CASE_STATUS);
                }
            }
            let deadline = local_time(&case.respond_by, locale);
            add(root, "p", &format!("The store will answer by {deadline}."));
            let Some(list) = add(root, "ol", "") else {
                return;
            };
            list.set_id(ids::CASE_TIMELINE);
            list.set_class_name("timeline");
            for event in &case.timeline {
                let what = match event.kind.as_str() {
                    "created" => "You filed this case",
                    "reply" => "The store replied",
                    _ => status_label(event.value.as_deref().unwrap_or_default()),
                };
                let when = local_time(&event.at, locale);
                let Some(item) = add(&list, "li", &format!("{when} · {what}")) else {
                    continue;
                };
                if event.kind == "reply" {
                    if let Some(reply) = add(&item, "p", event.value.as_deref().unwrap_or_default())
                    {
                        reply.set_class_name("reply");
                    }
                }
            }
        }
    }
}

/// A case status as the shopper reads it.
fn status_label(code: &str) -> &'static str {
    match code {
        "new" => "Received",
        "in_progress" => "Being handled",
        "waiting_for_shopper" => "Waiting for your answer",
        "resolved" => "Resolved",
        "closed" => "Closed",
        _ => "Updated",
    }
}
