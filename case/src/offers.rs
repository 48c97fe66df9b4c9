//! The store's offers on the case page: what each proposes (the amount in the
//! shopper's locale), until when, and for an open one the shopper's three answers:
//! accept, decline, or propose something else (a message to the store).

use js_sys::{Array, Object, Reflect};
use redress_shared::case_page_ids as ids;
use redress_shared::{money, routes};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;
use web_sys::{Document, Element, HtmlElement, HtmlTextAreaElement};

use crate::{
    add, by_id, call, error_codes, list_of, local_time, lookup, t, text_of, with, Answer, Link,
};

/// The view's offers, oldest first.
fn offers(view: &JsValue) -> Array {
    list_of(view, "offers")
}

/// Offer `number` of the view.
pub fn by_number(view: &JsValue, number: &str) -> Option<JsValue> {
    let number: u32 = number.parse().ok()?;
    offers(view).iter().find(|offer| number_of(offer) == number)
}

fn number_of(offer: &JsValue) -> u32 {
    Reflect::get(offer, &"number".into())
        .ok()
        .and_then(|n| n.as_f64())
        .map_or(0, |n| n as u32)
}

/// What an offer proposes, in the shopper's words: "Partial refund · 12,30 €".
pub fn describe(offer: &JsValue, locale: &str) -> String {
    let kind = t(&format!(
        "resolution.{}",
        text_of(offer, "kind").unwrap_or_default()
    ));
    let amount = Reflect::get(offer, &"amount".into()).unwrap_or(JsValue::UNDEFINED);
    match format_money(&amount, locale) {
        Some(amount) => format!("{kind} · {amount}"),
        None => kind,
    }
}

/// An amount (`{minor, currency}`) as the shopper's locale writes it, by the browser's
/// `Intl.NumberFormat` (no number formatting in the wasm).
pub fn format_money(amount: &JsValue, locale: &str) -> Option<String> {
    let minor = Reflect::get(amount, &"minor".into()).ok()?.as_f64()?;
    let currency = text_of(amount, "currency")?;
    let digits = money::minor_digits(&currency)?;
    let options = Object::new();
    Reflect::set(&options, &"style".into(), &"currency".into()).ok()?;
    Reflect::set(&options, &"currency".into(), &currency.into()).ok()?;
    let locales = Array::of1(&locale.into());
    let format = js_sys::Intl::NumberFormat::new(&locales, &options).format();
    let value = minor / 10_f64.powi(i32::from(digits));
    format
        .call1(&JsValue::UNDEFINED, &value.into())
        .ok()?
        .as_string()
}

/// Draws the offers section (hidden while there are none).
pub fn draw(document: &Document, view: &JsValue, locale: &str, link: &Link) {
    let (Some(section), Some(list)) = (
        by_id(document, ids::OFFERS),
        by_id(document, ids::OFFER_LIST),
    ) else {
        return;
    };
    list.set_text_content(None);
    let offers = offers(view);
    if offers.length() == 0 {
        let _ = section.set_attribute("hidden", "");
        return;
    }
    let _ = section.remove_attribute("hidden");
    for offer in offers.iter() {
        let Some(item) = add(document, &list, "li", "") else {
            continue;
        };
        let number = number_of(&offer);
        let state = text_of(&offer, "state").unwrap_or_default();
        item.set_class_name(&format!("offer {state}"));
        add(document, &item, "strong", &describe(&offer, locale));
        if let Some(terms) = text_of(&offer, "terms").filter(|t| !t.is_empty()) {
            if let Some(p) = add(document, &item, "p", &terms) {
                p.set_class_name("words");
            }
        }
        if state != "offered" {
            add(document, &item, "p", &t(&format!("offer.state.{state}")));
            continue;
        }
        if let Some(by) = text_of(&offer, "expires_at") {
            add(
                document,
                &item,
                "p",
                &with("offer.answer_by", &local_time(&by, locale)),
            );
        }
        let Some(actions) = add(document, &item, "div", "") else {
            continue;
        };
        actions.set_class_name("actions");
        for (answer, label) in [
            ("accept", "offer.accept"),
            ("decline", "offer.decline"),
            ("counter", "offer.counter"),
        ] {
            let Some(button) = add(document, &actions, "button", &t(label)) else {
                continue;
            };
            let _ = button.set_attribute("type", "button");
            button.set_id(&ids::offer_button(number, answer));
            let (document, link, locale) = (document.clone(), link.clone(), locale.to_owned());
            let item = item.clone();
            on_click(&button, move || {
                if answer == "counter" {
                    open_counter(&document, &item, number, &link, &locale);
                } else {
                    let (document, link, locale) = (document.clone(), link.clone(), locale.clone());
                    spawn_local(async move {
                        send(&document, &link, &locale, number, answer, None).await;
                    });
                }
            });
        }
    }
}

/// The box for a proposal of the shopper's own, under the offer.
fn open_counter(document: &Document, item: &Element, number: u32, link: &Link, locale: &str) {
    let text_id = ids::offer_counter_text(number);
    if let Some(open) = by_id(document, &text_id) {
        let _ = open.unchecked_ref::<HtmlElement>().focus();
        return;
    }
    let Some(label) = add(document, item, "label", &t("offer.counter_hint")) else {
        return;
    };
    let _ = label.set_attribute("for", &text_id);
    let Some(text) = add(document, item, "textarea", "") else {
        return;
    };
    text.set_id(&text_id);
    let _ = text.set_attribute("rows", "4");
    let _ = text.set_attribute("maxlength", "5000");
    let Some(button) = add(document, item, "button", &t("offer.send_counter")) else {
        return;
    };
    let _ = button.set_attribute("type", "button");
    button.set_id(&ids::offer_button(number, "send_counter"));
    let (document, link, locale) = (document.clone(), link.clone(), locale.to_owned());
    let area = text.clone();
    on_click(&button, move || {
        let message = area
            .dyn_ref::<HtmlTextAreaElement>()
            .map(|a| a.value())
            .unwrap_or_default();
        let (document, link, locale) = (document.clone(), link.clone(), locale.clone());
        spawn_local(async move {
            send(&document, &link, &locale, number, "counter", Some(message)).await;
        });
    });
    let _ = text.unchecked_ref::<HtmlElement>().focus();
}

/// Sends the shopper's answer and redraws the case, or says why it was refused.
async fn send(
    document: &Document,
    link: &Link,
    locale: &str,
    number: u32,
    answer: &str,
    message: Option<String>,
) {
    crate::set_text(document, &format!("#{}", ids::OFFER_ERROR), "");
    let body = Object::new();
    let _ = Reflect::set(&body, &"answer".into(), &answer.into());
    if let Some(message) = message {
        let _ = Reflect::set(&body, &"message".into(), &message.into());
    }
    let path = routes::fill(routes::CASE_OFFER, &[&link.reference, &number.to_string()]);
    let refusal = match call("POST", &path, &link.token, Some(&body)).await {
        Answer::Ok(view) => {
            crate::draw(document, &view, locale, link);
            if let Some(title) = by_id(document, "offers-title") {
                let _ = title.set_attribute("tabindex", "-1");
                let _ = title.unchecked_ref::<HtmlElement>().focus();
            }
            return;
        }
        Answer::Refused(409, body) => error_codes(&body)
            .0
            .and_then(|code| lookup(&format!("offer.error.{code}")))
            .unwrap_or_else(|| t("error.unexpected")),
        Answer::Refused(429, _) => t("error.rate_limited"),
        Answer::Refused(400, body) => error_codes(&body)
            .1
            .and_then(|code| lookup(&format!("error.{code}")))
            .unwrap_or_else(|| t("error.unexpected")),
        Answer::Refused(404, _) => t("not_found"),
        Answer::Unreachable => t("unreachable"),
        Answer::Refused(..) => t("error.unexpected"),
    };
    crate::set_text(document, &format!("#{}", ids::OFFER_ERROR), &refusal);
}

fn on_click(element: &Element, action: impl FnMut() + 'static) {
    let click = Closure::<dyn FnMut()>::new(action);
    let _ = element.add_event_listener_with_callback("click", click.as_ref().unchecked_ref());
    // Lives as long as the element: redrawing replaces both.
    click.forget();
}
