//! What the store did, on the case page: each outcome in the shopper's words, with the
//! amount in their locale, the payment reference, the code to redeem, or the parcel's
//! carrier and tracking number, linked to the carrier's tracking page where known.

use js_sys::Reflect;
use redress_shared::case_page_ids as ids;
use redress_shared::outcome::tracking_link;
use wasm_bindgen::JsValue;
use web_sys::Document;

use crate::offers::format_money;
use crate::{add, by_id, list_of, local_time, t, text_of, with};

/// Draws the outcomes section (hidden while nothing is recorded).
pub fn draw(document: &Document, view: &JsValue, locale: &str) {
    let (Some(section), Some(list)) = (
        by_id(document, ids::OUTCOMES),
        by_id(document, ids::OUTCOME_LIST),
    ) else {
        return;
    };
    list.set_text_content(None);
    let outcomes = list_of(view, "outcomes");
    if outcomes.length() == 0 {
        let _ = section.set_attribute("hidden", "");
        return;
    }
    let _ = section.remove_attribute("hidden");
    for outcome in outcomes.iter() {
        let Some(item) = add(document, &list, "li", "") else {
            continue;
        };
        if let Some(at) = text_of(&outcome, "recorded_at") {
            if let Some(when) = add(document, &item, "span", &local_time(&at, locale)) {
                when.set_class_name("when");
            }
        }
        let field = |name: &str| text_of(&outcome, name).unwrap_or_default();
        let amount = Reflect::get(&outcome, &"amount".into())
            .ok()
            .and_then(|amount| format_money(&amount, locale));
        let mut lines: Vec<String> = Vec::new();
        let (headline, words) = match field("kind").as_str() {
            "refund_issued" => {
                if !field("reference").is_empty() {
                    lines.push(with("outcome.reference", &field("reference")));
                }
                (
                    with("outcome.refund_issued", &amount.unwrap_or_default()),
                    None,
                )
            }
            "shipped" => {
                lines.push(with("outcome.tracking", &field("tracking")));
                (with("outcome.shipped", &field("carrier")), None)
            }
            "credit" => {
                if let Some(amount) = amount {
                    lines.push(with("outcome.credit_amount", &amount));
                }
                (with("outcome.credit", &field("code")), None)
            }
            "repaired" => (t("outcome.repaired"), Some(field("note"))),
            _ => (t("outcome.no_action"), Some(field("reason"))),
        };
        add(document, &item, "strong", &headline);
        for line in lines {
            add(document, &item, "p", &line);
        }
        if let Some(words) = words.filter(|w| !w.is_empty()) {
            if let Some(p) = add(document, &item, "p", &words) {
                p.set_class_name("words");
            }
        }
        // Only a checked number in a known carrier's address: never the store's text.
        if let Some(href) = tracking_link(&field("carrier"), &field("tracking")) {
            if let Some(a) = add(document, &item, "a", &t("outcome.track")) {
                let _ = a.set_attribute("href", &href);
                let _ = a.set_attribute("rel", "noopener noreferrer");
                let _ = a.set_attribute("target", "_blank");
            }
        }
    }
}
