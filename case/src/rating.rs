//! "How did the store handle your complaint?" on the case page: once the case is
//! resolved, a score from 1 to 5 and an optional comment. The email's links open the
//! page with `?rate=N`, which sends that score at once (one click), then offers the
//! comment box; the same score sent twice changes nothing.

use js_sys::{Object, Reflect};
use redress_shared::case_page_ids as ids;
use redress_shared::routes;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;
use web_sys::{Document, HtmlInputElement, HtmlTextAreaElement};

use crate::{add, by_id, call, error_codes, lookup, set_text, t, text_of, with, Answer, Link};

/// Draws the rating: the question while the shopper may answer, their rating once given.
pub fn draw(document: &Document, view: &JsValue) {
    let (Some(section), Some(form), Some(given)) = (
        by_id(document, ids::RATING),
        by_id(document, ids::RATING_FORM),
        by_id(document, ids::RATING_GIVEN),
    ) else {
        return;
    };
    let rating = Reflect::get(view, &"rating".into()).unwrap_or(JsValue::UNDEFINED);
    let open = Reflect::get(view, &"rating_open".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    given.set_text_content(None);
    if let Some(score) = score_of(&rating) {
        add(
            document,
            &given,
            "p",
            &with("rating.given", &score.to_string()),
        );
        if let Some(comment) = text_of(&rating, "comment") {
            if let Some(p) = add(document, &given, "p", &comment) {
                p.set_class_name("words");
            }
        }
    }
    let asking = open || (score_of(&rating).is_some() && text_of(&rating, "comment").is_none());
    if score_of(&rating).is_none() && !open {
        let _ = section.set_attribute("hidden", "");
        return;
    }
    let _ = section.remove_attribute("hidden");
    if asking {
        let _ = form.remove_attribute("hidden");
        if let Some(score) = score_of(&rating) {
            check(document, score);
        }
    } else {
        let _ = form.set_attribute("hidden", "");
    }
}

fn score_of(rating: &JsValue) -> Option<u8> {
    Reflect::get(rating, &"score".into())
        .ok()?
        .as_f64()
        .map(|s| s as u8)
}

fn check(document: &Document, score: u8) {
    if let Some(radio) = by_id(document, &ids::rating_score(score))
        .and_then(|r| r.dyn_into::<HtmlInputElement>().ok())
    {
        radio.set_checked(true);
    }
}

/// Words the form, wires it, and sends the score an email's link carries.
pub fn wire(document: &Document, link: Link, locale: String) {
    set_text(document, "#rating-title", &t("rating.question"));
    set_text(document, "#case-rating-scale", &t("rating.scale"));
    set_text(
        document,
        "label[for=case-rating-comment]",
        &t("rating.comment"),
    );
    set_text(
        document,
        &format!("#{}", ids::RATING_SEND),
        &t("rating.send"),
    );
    for score in 1..=5 {
        set_text(
            document,
            &format!("label[for={}]", ids::rating_score(score)),
            &t(&format!("rating.{score}")),
        );
    }
    if let Some(form) = by_id(document, ids::RATING_FORM) {
        let (doc, link, locale) = (document.clone(), link.clone(), locale.clone());
        let submit = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            event.prevent_default();
            let (doc, link, locale) = (doc.clone(), link.clone(), locale.clone());
            spawn_local(async move { send(&doc, &link, &locale, None).await });
        });
        let _ = form.add_event_listener_with_callback("submit", submit.as_ref().unchecked_ref());
        submit.forget();
    }
    // One click from the email: `?rate=N` answers at once, while the question is open.
    let asked = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| {
            let score = search.strip_prefix("?rate=")?.parse::<u8>().ok()?;
            (1..=5).contains(&score).then_some(score)
        });
    if let Some(score) = asked {
        check(document, score);
        let document = document.clone();
        spawn_local(async move { send(&document, &link, &locale, Some(score)).await });
    }
}

/// Sends the chosen score (and comment), and redraws the case.
async fn send(document: &Document, link: &Link, locale: &str, score: Option<u8>) {
    let chosen = score.or_else(|| {
        (1..=5).find(|s| {
            by_id(document, &ids::rating_score(*s))
                .and_then(|r| r.dyn_into::<HtmlInputElement>().ok())
                .is_some_and(|r| r.checked())
        })
    });
    set_text(document, &format!("#{}", ids::RATING_ERROR), "");
    let Some(chosen) = chosen else {
        set_text(
            document,
            &format!("#{}", ids::RATING_ERROR),
            &t("rating.scale"),
        );
        return;
    };
    let body = Object::new();
    let _ = Reflect::set(&body, &"score".into(), &JsValue::from(chosen));
    // A one-click score goes alone; the form sends the comment typed with it.
    if score.is_none() {
        if let Some(comment) = by_id(document, ids::RATING_COMMENT)
            .and_then(|c| c.dyn_into::<HtmlTextAreaElement>().ok())
        {
            let _ = Reflect::set(&body, &"comment".into(), &comment.value().into());
        }
    }
    let path = routes::fill(routes::CASE_RATING, &[&link.reference]);
    match call("POST", &path, &link.token, Some(&body)).await {
        Answer::Ok(view) => {
            crate::draw(document, &view, locale, link);
            set_text(
                document,
                &format!("#{}", ids::RATING_STATUS),
                &t("rating.thanks"),
            );
        }
        refused => {
            let why = match refused {
                Answer::Refused(409, body) => error_codes(&body)
                    .0
                    .and_then(|code| lookup(&format!("rating.error.{code}"))),
                Answer::Refused(429, _) => Some(t("error.rate_limited")),
                Answer::Unreachable => Some(t("unreachable")),
                _ => None,
            };
            let why = why.unwrap_or_else(|| t("error.unexpected"));
            set_text(document, &format!("#{}", ids::RATING_ERROR), &why);
        }
    }
}
