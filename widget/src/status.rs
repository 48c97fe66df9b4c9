//! "Check my case": the shopper's view of a filed case, opened from the link on their
//! receipt (`#redress-case=<reference>.<status token>` on the store's page). It shows
//! what `GET /v1/status/{reference}` returns: where the case stands, when the store
//! will answer, and the store's replies, all as text.
//!
//! It is drawn with plain DOM calls into the form's outcome container, without
//! signals: the same view in `view!` markup with a signal cost the widget about 3 KB
//! gzip more of generated code, against a 100 KB budget.

use leptos::task::spawn_local;
use redress_shared::widget_ids as ids;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::api::{self, CaseStatusView};
use crate::config::{CaseLink, WidgetConfig};
use crate::text::{self, local_time, t, with};

/// Where loading the case stands.
enum Shown {
    Loading,
    Failed(String),
    Found(CaseStatusView),
}

/// Shows the case `link` opens in `outcome` (replacing what it held), and loads it.
pub fn show(outcome: &web_sys::Element, config: WidgetConfig, link: CaseLink) {
    outcome.set_inner_html(&format!(
        "<div class=\"status-view\"><p><span></span> <strong class=\"reference\"></strong></p>\
         <div id=\"{}\" aria-live=\"polite\"></div>\
         <button type=\"button\"></button></div>",
        ids::STATUS_VIEW
    ));
    let find = |selector: &str| outcome.query_selector(selector).ok().flatten();
    for (selector, text) in [
        ("span", t("status.case")),
        (".reference", link.reference.clone()),
        ("button", t("status.refresh")),
    ] {
        if let Some(element) = find(selector) {
            element.set_text_content(Some(&text));
        }
    }
    let (Some(into), Some(refresh)) = (find(&format!("#{}", ids::STATUS_VIEW)), find("button"))
    else {
        return;
    };
    let load = move || {
        let (config, link, into) = (config.clone(), link.clone(), into.clone());
        draw(&into, &Shown::Loading, &config.text_locale);
        spawn_local(async move {
            let shown = match api::case_status(&config, &link).await {
                Ok(case) => Shown::Found(case),
                Err(api::Failure::Refused { .. }) => Shown::Failed(t("status.not_found")),
                Err(api::Failure::Unreachable(message)) => Shown::Failed(message),
            };
            draw(&into, &shown, &config.text_locale);
        });
    };
    load();
    let handler = Closure::<dyn FnMut()>::new(load);
    let _ = refresh.add_event_listener_with_callback("click", handler.as_ref().unchecked_ref());
    // The button lives as long as the page; so may its handler.
    handler.forget();
}

/// Replaces `into`'s content with the case as it now stands. Only `textContent` is
/// ever set: nothing from the server is parsed as markup.
fn draw(into: &web_sys::Element, shown: &Shown, locale: &str) {
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
    let root = into;
    match shown {
        Shown::Loading => {
            add(root, "p", &t("status.loading"));
        }
        Shown::Failed(message) => {
            if let Some(p) = add(root, "p", message) {
                p.set_class_name("form-error");
                let _ = p.set_attribute("role", "alert");
            }
        }
        Shown::Found(case) => {
            if let Some(p) = add(root, "p", &(t("status.status") + " ")) {
                if let Some(status) = add(&p, "strong", &status_label(&case.status)) {
                    status.set_id(ids::CASE_STATUS);
                }
            }
            if let Some(respond_by) = &case.respond_by {
                add(
                    root,
                    "p",
                    &with("status.answer_by", &local_time(respond_by, locale)),
                );
            }
            let Some(list) = add(root, "ol", "") else {
                return;
            };
            list.set_id(ids::CASE_TIMELINE);
            list.set_class_name("timeline");
            for event in &case.timeline {
                let what = match event.kind.as_str() {
                    "created" => t("status.filed"),
                    "reply" => t("status.replied"),
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
fn status_label(code: &str) -> String {
    text::lookup(&format!("status.{code}")).unwrap_or_else(|| t("status.updated"))
}
