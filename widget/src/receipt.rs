//! The receipt once a case is filed: its reference, when the store will answer, and
//! the link that opens the case's status later. Drawn with DOM calls into the form's
//! outcome container, like `status`, to keep generated view code out of the wasm.

use redress_shared::widget_ids as ids;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::api::Filed;
use crate::config::{CaseLink, WidgetConfig};
use crate::status;
use crate::text::{self, local_time, t};

pub fn show(outcome: &web_sys::Element, config: &WidgetConfig, filed: &Filed) {
    // The markup is ours; every text goes in as text.
    outcome.set_inner_html(&format!(
        "<div id=\"{}\" class=\"receipt\"><p class=\"thanks\"></p>\
         <p id=\"{}\" class=\"reference\"></p>\
         <p><span class=\"before\"></span><strong id=\"{}\"></strong><span class=\"after\"></span></p></div>",
        ids::RECEIPT,
        ids::REFERENCE,
        ids::RESPOND_BY
    ));
    let find = |selector: &str| outcome.query_selector(selector).ok().flatten();
    let (before, after) = text::around("receipt.respond_by");
    let texts = [
        (".thanks", t("receipt.thanks")),
        (".reference", filed.reference.clone()),
        (".before", before),
        ("strong", local_time(&filed.respond_by, &config.text_locale)),
        (".after", after),
    ];
    for (selector, text) in texts {
        if let Some(element) = find(selector) {
            element.set_text_content(Some(&text));
        }
    }
    let Some(token) = filed.status_token.clone() else {
        return;
    };
    let link = CaseLink {
        reference: filed.reference.clone(),
        token,
    };
    let _ = find(".receipt").map(|receipt| {
        receipt.insert_adjacent_html(
            "beforeend",
            &format!("<p><a id=\"{}\"></a></p>", ids::STATUS_LINK),
        )
    });
    let Some(anchor) = find("a") else {
        return;
    };
    anchor.set_text_content(Some(&t("receipt.check")));
    // The link is this page with the case in its fragment: kept, it reopens the case.
    let page = config.product_url.clone().unwrap_or_default();
    let _ = anchor.set_attribute("href", &format!("{page}#redress-case={}", link.encode()));
    let (outcome, config) = (outcome.clone(), config.clone());
    let open = Closure::once_into_js(move || status::show(&outcome, config, link));
    let _ = anchor.add_event_listener_with_callback("click", open.unchecked_ref());
}
