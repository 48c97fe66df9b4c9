//! Files the shopper adds to their case: each sent on its own as soon as it is chosen
//! (`POST /v1/status/{reference}/evidence`), one after another, each with its progress,
//! what happened, and a retry when the network or the service failed it.
//! `XMLHttpRequest`, since `fetch` reports no upload progress.

use js_sys::{Promise, JSON};
use redress_shared::case_page_ids as ids;
use redress_shared::routes;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Document, Element, File, HtmlInputElement, ProgressEvent, XmlHttpRequest};

use crate::{add, by_id, draw, error_codes, t, with, Answer, Link};

/// Sends the files chosen in the file input, in the order chosen.
pub fn wire(document: &Document, link: Link, locale: String) {
    let Some(input) =
        by_id(document, ids::FILE).and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    else {
        return;
    };
    let (document, chooser) = (document.clone(), input.clone());
    let change = Closure::<dyn FnMut()>::new(move || {
        let Some(list) = chooser.files() else {
            return;
        };
        let files: Vec<File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        // Emptied, so that choosing the same file again is a change too.
        chooser.set_value("");
        let sending = Sending {
            document: document.clone(),
            link: link.clone(),
            locale: locale.clone(),
        };
        spawn_local(async move {
            for file in files {
                if let Some(row) = sending.row_for(&file) {
                    sending.attempt(&file, &row).await;
                }
            }
        });
    });
    let _ = input.add_event_listener_with_callback("change", change.as_ref().unchecked_ref());
    // The input lives as long as the page; so may its handler.
    change.forget();
}

#[derive(Clone)]
struct Sending {
    document: Document,
    link: Link,
    locale: String,
}

impl Sending {
    /// A row in the list of files: name, progress, what happened, and a retry button.
    fn row_for(&self, file: &File) -> Option<Element> {
        let list = by_id(&self.document, ids::FILES)?;
        let row = add(&self.document, &list, "li", "")?;
        let name = file.name();
        add(&self.document, &row, "span", &name)?.set_class_name("name");
        let bar = add(&self.document, &row, "progress", "")?;
        let _ = bar.set_attribute("max", "100");
        let _ = bar.set_attribute("aria-label", &name);
        let message = add(&self.document, &row, "span", "")?;
        message.set_class_name("message");
        let _ = message.set_attribute("role", "status");
        let retry = add(&self.document, &row, "button", &t("file.retry"))?;
        let _ = retry.set_attribute("type", "button");
        let _ = retry.set_attribute("aria-label", &with("file.retry_name", &name));
        let _ = retry.set_attribute("hidden", "");
        let (again, file, target) = (self.clone(), file.clone(), row.clone());
        let click = Closure::<dyn FnMut()>::new(move || {
            let (again, file, row) = (again.clone(), file.clone(), target.clone());
            spawn_local(async move { again.attempt(&file, &row).await });
        });
        let _ = retry.add_event_listener_with_callback("click", click.as_ref().unchecked_ref());
        // The row stays on the page; so may its button's handler.
        click.forget();
        Some(row)
    }

    async fn attempt(&self, file: &File, row: &Element) {
        let part = |selector: &str| row.query_selector(selector).ok().flatten();
        let (bar, message, retry) = (part("progress"), part(".message"), part("button"));
        let say = |text: &str| {
            if let Some(message) = &message {
                message.set_text_content(Some(text));
            }
        };
        if let Some(retry) = &retry {
            let _ = retry.set_attribute("hidden", "");
        }
        if let Some(bar) = &bar {
            let _ = bar.set_attribute("value", "0");
        }
        say(&t("file.uploading"));
        row.set_class_name("");
        match upload(&self.link, file, bar.as_ref()).await {
            Answer::Ok(view) => {
                if let Some(bar) = &bar {
                    let _ = bar.set_attribute("value", "100");
                }
                say(&t("file.sent"));
                draw(&self.document, &view, &self.locale, &self.link);
            }
            refused => {
                let (why, worth_retrying) = refusal(&refused);
                row.set_class_name("error");
                say(&why);
                if let (Some(retry), true) = (&retry, worth_retrying) {
                    let _ = retry.remove_attribute("hidden");
                }
            }
        }
    }
}

/// Why a file was not kept, in the shopper's words, and whether sending it again may
/// help (a refusal for what the file is would only be repeated).
fn refusal(answer: &Answer) -> (String, bool) {
    match answer {
        Answer::Refused(429, _) => (t("error.rate_limited"), true),
        Answer::Refused(404, _) => (t("not_found"), false),
        Answer::Refused(status, body) if *status < 500 => {
            let (code, field) = error_codes(body);
            let key = match (code.as_deref(), field.as_deref()) {
                (Some("validation_failed"), Some("too_many_files")) => "too_many_files",
                (Some(code), _) => code,
                (None, _) => "failed",
            };
            match crate::lookup(&format!("file.{key}")) {
                Some(why) => (why, false),
                None => (t("file.failed"), true),
            }
        }
        _ => (t("file.failed"), true),
    }
}

/// Sends one file, showing its progress on `bar`; answers when the request has ended.
async fn upload(link: &Link, file: &File, bar: Option<&Element>) -> Answer {
    let Ok(request) = XmlHttpRequest::new() else {
        return Answer::Unreachable;
    };
    let path = routes::fill(routes::CASE_EVIDENCE, &[&link.reference]);
    if request.open("POST", &path).is_err() {
        return Answer::Unreachable;
    }
    let declared = file.type_();
    let headers = [
        ("Authorization", format!("Bearer {}", link.token)),
        (
            "Content-Type",
            if declared.is_empty() {
                "application/octet-stream".to_owned()
            } else {
                declared
            },
        ),
        // Headers are Latin-1: the name travels percent-encoded.
        (
            "X-File-Name",
            js_sys::encode_uri_component(&file.name()).into(),
        ),
    ];
    for (name, value) in headers {
        let _ = request.set_request_header(name, &value);
    }
    let bar = bar.cloned();
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
        if let (Some(bar), true) = (&bar, e.length_computable() && e.total() > 0.0) {
            let percent = (e.loaded() / e.total() * 100.0) as u32;
            let _ = bar.set_attribute("value", &percent.to_string());
        }
    });
    if let Ok(upload) = request.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    let ended = Promise::new(&mut |resolve, _| request.set_onloadend(Some(&resolve)));
    if request.send_with_opt_blob(Some(file)).is_err() {
        return Answer::Unreachable;
    }
    let _ = JsFuture::from(ended).await;
    // The request is over: its handlers may go.
    if let Ok(upload) = request.upload() {
        upload.set_onprogress(None);
    }
    request.set_onloadend(None);
    drop(progress);
    let status = request.status().unwrap_or(0);
    if status == 0 {
        return Answer::Unreachable;
    }
    let body = request
        .response_text()
        .ok()
        .flatten()
        .and_then(|text| JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL);
    if (200..300).contains(&status) {
        Answer::Ok(body)
    } else {
        Answer::Refused(status, body)
    }
}
