//! The receipt once a case is filed: its reference, when the store will answer, and
//! the link to the shopper's case page (on the edge, `/case/`), where they follow the
//! conversation. Drawn with DOM calls into the form's outcome container, to keep
//! generated view code out of the wasm.

use redress_shared::{routes, widget_ids as ids};

use crate::api::Filed;
use crate::config::WidgetConfig;
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
    let Some(token) = &filed.status_token else {
        return;
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
    // The case travels in the fragment: never sent to a server, nor in a `Referer`.
    let href = format!(
        "{}{}#{}.{token}",
        config.api_base,
        routes::CASE_PAGE,
        filed.reference
    );
    let _ = anchor.set_attribute("href", &href);
    let _ = anchor.set_attribute("target", "_blank");
    let _ = anchor.set_attribute("rel", "noopener noreferrer");
}
