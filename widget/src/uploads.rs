//! Evidence in the widget: each file uploads as soon as it is added (picker, camera,
//! drag and drop, paste), with its own progress bar, a thumbnail or a name chip, and
//! remove and retry buttons. The form only ever waits for uploads, never redoes them.
//!
//! Photos are first made ready by `photos` (downscaled, metadata dropped) unless the
//! store lets the shopper keep originals and they chose to.
//!
//! Progress needs `XMLHttpRequest` (fetch reports no upload progress). The list is
//! drawn with plain DOM calls, without signals: every reactive view costs the widget
//! generated code against its 100 KB budget. The form hears of changes through
//! `on_change`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Reflect, JSON};
use redress_shared::evidence::FileRefusal;
use redress_shared::{routes, widget_ids as ids, EvidenceLimits};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::config::WidgetConfig;
use crate::text::{self, t, with};
use crate::{dom, photos};

/// Offers "Send photos at full size" above the list: for stores that allow originals.
pub fn offer_originals(list: &web_sys::Element) {
    let _ = list.insert_adjacent_html(
        "beforebegin",
        &format!(
            "<label class=\"originals\"><input id=\"{}\" type=\"checkbox\"> </label>",
            ids::ORIGINALS
        ),
    );
    if let Some(label) = list.previous_element_sibling() {
        let _ = label.append_with_str_1(&t("originals"));
    }
}

/// The shared list of attachments; cheap to clone.
#[derive(Clone)]
pub struct Uploads(Rc<RefCell<Inner>>);

struct Inner {
    config: WidgetConfig,
    list: web_sys::Element,
    items: Vec<Item>,
    next_id: u32,
    on_change: Rc<dyn Fn()>,
}

struct Item {
    id: u32,
    file: web_sys::File,
    /// What uploads: the file, or its re-encoded copy once `photos` made it.
    body: Option<web_sys::Blob>,
    mime: String,
    size: u64,
    state: State,
    row: web_sys::Element,
    request: Option<web_sys::XmlHttpRequest>,
    /// The request's event handlers, alive as long as the item.
    handlers: Vec<Closure<dyn FnMut(web_sys::ProgressEvent)>>,
    thumbnail: Option<String>,
}

#[derive(Clone, PartialEq)]
enum State {
    Uploading,
    Done(String),
    /// Refused here or by the edge; the message says why.
    Failed(String),
}

impl Uploads {
    pub fn new(config: WidgetConfig, list: web_sys::Element, on_change: Rc<dyn Fn()>) -> Uploads {
        Uploads(Rc::new(RefCell::new(Inner {
            config,
            list,
            items: Vec::new(),
            next_id: 0,
            on_change,
        })))
    }

    /// Adds files: each is made ready, checked against the limits here, then uploaded.
    pub fn add(&self, files: Vec<web_sys::File>, limits: EvidenceLimits) {
        let keep_originals = self.originals_kept();
        for file in files {
            let id = {
                let mut inner = self.0.borrow_mut();
                inner.next_id += 1;
                inner.next_id
            };
            let Some(row) = self.draw_row(id, &file) else {
                continue;
            };
            self.0.borrow_mut().items.push(Item {
                id,
                thumbnail: None,
                body: None,
                mime: file.type_(),
                size: file.size() as u64,
                file: file.clone(),
                state: State::Uploading,
                row,
                request: None,
                handlers: Vec::new(),
            });
            let uploads = self.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let (body, mime) = if keep_originals {
                    (file.clone().into(), file.type_())
                } else {
                    photos::prepare(&file).await
                };
                uploads.ready(id, body, mime, &limits);
            });
        }
        self.changed();
    }

    /// A file is ready to go: checked, shown, and started (or refused).
    fn ready(&self, id: u32, body: web_sys::Blob, mime: String, limits: &EvidenceLimits) {
        let size = body.size() as u64;
        {
            let mut inner = self.0.borrow_mut();
            let Some(item) = inner.items.iter_mut().find(|i| i.id == id) else {
                return; // removed while it was being made ready
            };
            set_text(&item.row, ".name", &label(&item.file.name(), size));
            (item.body, item.mime, item.size) = (Some(body), mime, size);
        }
        match self.refusal(id, limits) {
            Some(message) => self.settle(id, State::Failed(message)),
            None => {
                self.show_thumbnail(id);
                self.start(id);
            }
        }
    }

    /// Whether the shopper ticked "Send photos at full size" (see [`offer_originals`]).
    fn originals_kept(&self) -> bool {
        let inner = self.0.borrow();
        let selector = format!("#{}", ids::ORIGINALS);
        let found = inner
            .list
            .parent_element()
            .and_then(|form| form.query_selector(&selector).ok());
        found
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some_and(|input| input.checked())
    }

    /// Uploads still running.
    pub fn pending(&self) -> usize {
        self.count(|s| *s == State::Uploading)
    }

    /// The first file that failed, with its message, as the form shows it.
    pub fn failure(&self) -> Option<String> {
        self.0
            .borrow()
            .items
            .iter()
            .find_map(|item| match &item.state {
                State::Failed(message) => Some(format!("{}: {message}", item.file.name())),
                _ => None,
            })
    }

    /// The tokens of the uploaded files, in the order they were added.
    pub fn tokens(&self) -> Vec<String> {
        self.0
            .borrow()
            .items
            .iter()
            .filter_map(|item| match &item.state {
                State::Done(token) => Some(token.clone()),
                _ => None,
            })
            .collect()
    }

    fn count(&self, which: impl Fn(&State) -> bool) -> usize {
        self.0
            .borrow()
            .items
            .iter()
            .filter(|i| which(&i.state))
            .count()
    }

    /// Why the item cannot go, counting only the files added before it.
    fn refusal(&self, id: u32, limits: &EvidenceLimits) -> Option<String> {
        let inner = self.0.borrow();
        let item = inner.items.iter().find(|i| i.id == id)?;
        let earlier = inner
            .items
            .iter()
            .take_while(|i| i.id != id)
            .filter(|i| !matches!(i.state, State::Failed(_)));
        let (kept, total) = earlier.fold((0, 0), |(n, bytes), i| (n + 1, bytes + i.size));
        Some(
            match limits.refusal_for(&item.mime, item.size, kept, total)? {
                FileRefusal::TooMany { max_files } => {
                    with("upload.too_many", &max_files.to_string())
                }
                FileRefusal::TooLarge { max_bytes } => {
                    with("upload.too_large", &mb(max_bytes).to_string())
                }
                FileRefusal::TotalTooLarge { max_bytes } => {
                    with("upload.total_too_large", &mb(max_bytes).to_string())
                }
                FileRefusal::Empty => t("upload.empty"),
            },
        )
    }

    /// A row: thumbnail or chip, name and size, progress, message, retry and remove.
    fn draw_row(&self, id: u32, file: &web_sys::File) -> Option<web_sys::Element> {
        let inner = self.0.borrow();
        let document = inner.list.owner_document()?;
        let row = document.create_element("li").ok()?;
        row.set_class_name("upload");
        let _ = row.set_attribute("data-state", "preparing");
        row.set_inner_html(
            "<img class=\"thumb\" alt=\"\" hidden><span class=\"name\"></span>\
             <progress max=\"100\" value=\"0\"></progress><span class=\"message\" role=\"status\"></span>\
             <button type=\"button\" class=\"retry\" hidden></button>\
             <button type=\"button\" class=\"remove\"></button>",
        );
        set_text(&row, ".retry", &t("upload.retry"));
        set_text(&row, ".remove", &t("upload.remove"));
        // The file's name is the shopper's text: set as text, never as markup.
        set_text(&row, ".name", &label(&file.name(), file.size() as u64));
        if let Ok(Some(remove)) = row.query_selector(".remove") {
            let _ = remove.set_attribute("aria-label", &with("upload.remove_file", &file.name()));
        }
        self.on_click(&row, ".remove", id, |uploads, id| uploads.remove(id));
        self.on_click(&row, ".retry", id, |uploads, id| uploads.start(id));
        inner.list.append_child(&row).ok()?;
        Some(row)
    }

    fn on_click(&self, row: &web_sys::Element, selector: &str, id: u32, act: fn(&Uploads, u32)) {
        let Ok(Some(button)) = row.query_selector(selector) else {
            return;
        };
        let uploads = self.clone();
        // The row and its buttons live as long as the page; so may their handlers.
        dom::listen(&button, "click", move |_| act(&uploads, id));
    }

    fn show_thumbnail(&self, id: u32) {
        let mut inner = self.0.borrow_mut();
        let Some(item) = inner.items.iter_mut().find(|i| i.id == id) else {
            return;
        };
        let Some(body) = item
            .body
            .as_ref()
            .filter(|_| item.mime.starts_with("image/"))
        else {
            return;
        };
        if let Ok(url) = web_sys::Url::create_object_url_with_blob(body) {
            if let Ok(Some(img)) = item.row.query_selector(".thumb") {
                let _ = img.set_attribute("src", &url);
                let _ = img.remove_attribute("hidden");
            }
            item.thumbnail = Some(url);
        }
    }

    /// Starts (or restarts) one file's upload.
    fn start(&self, id: u32) {
        let Ok(request) = web_sys::XmlHttpRequest::new() else {
            return self.settle(id, State::Failed(t("unreachable")));
        };
        let (url, store, body, mime, name) = {
            let inner = self.0.borrow();
            let Some((item, body)) = inner
                .items
                .iter()
                .find(|i| i.id == id)
                .and_then(|i| Some((i, i.body.clone()?)))
            else {
                return;
            };
            (
                format!("{}{}", inner.config.api_base, routes::EVIDENCE),
                inner.config.store_id.clone(),
                body,
                item.mime.clone(),
                item.file.name(),
            )
        };
        let name = String::from(js_sys::encode_uri_component(&name));
        let opened = request.open("POST", &url).is_ok()
            && request
                .set_request_header("X-Redress-Store", &store)
                .is_ok()
            && request.set_request_header("X-File-Name", &name).is_ok()
            && request.set_request_header("Content-Type", &mime).is_ok();
        if !opened {
            return self.settle(id, State::Failed(t("unreachable")));
        }

        let progress = {
            let uploads = self.clone();
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    uploads.show_progress(id, (e.loaded() / e.total() * 100.0) as u32);
                }
            })
        };
        let finished = {
            let (uploads, request) = (self.clone(), request.clone());
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |_| {
                uploads.settle(id, outcome(&request));
            })
        };
        let failed = {
            let uploads = self.clone();
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |_| {
                uploads.settle(id, State::Failed(t("unreachable")));
            })
        };
        if let Ok(upload) = request.upload() {
            upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
        }
        request.set_onload(Some(finished.as_ref().unchecked_ref()));
        request.set_onerror(Some(failed.as_ref().unchecked_ref()));
        {
            let mut inner = self.0.borrow_mut();
            if let Some(item) = inner.items.iter_mut().find(|i| i.id == id) {
                item.state = State::Uploading;
                item.request = Some(request.clone());
                item.handlers = vec![progress, finished, failed];
                let _ = item.row.set_attribute("data-state", "uploading");
                set_text(&item.row, ".message", &t("upload.uploading"));
                set_hidden(&item.row, ".retry", true);
            }
        }
        self.show_progress(id, 0);
        if request.send_with_opt_blob(Some(&body)).is_err() {
            self.settle(id, State::Failed(t("unreachable")));
        }
        self.changed();
    }

    fn show_progress(&self, id: u32, percent: u32) {
        let inner = self.0.borrow();
        if let Some(item) = inner.items.iter().find(|i| i.id == id) {
            if let Ok(Some(bar)) = item.row.query_selector("progress") {
                let _ = bar.set_attribute("value", &percent.to_string());
            }
        }
    }

    fn settle(&self, id: u32, state: State) {
        {
            let mut inner = self.0.borrow_mut();
            let Some(item) = inner.items.iter_mut().find(|i| i.id == id) else {
                return;
            };
            let (data_state, message) = match &state {
                State::Uploading => ("uploading", t("upload.uploading")),
                State::Done(_) => ("done", t("upload.done")),
                State::Failed(message) => ("failed", message.clone()),
            };
            let _ = item.row.set_attribute("data-state", data_state);
            set_text(&item.row, ".message", &message);
            // Retrying helps with the network or the store's settings, not a refused file
            // type; offering it either way keeps the rule in one place, the edge.
            set_hidden(&item.row, ".retry", !matches!(state, State::Failed(_)));
            if matches!(state, State::Done(_)) {
                if let Ok(Some(bar)) = item.row.query_selector("progress") {
                    let _ = bar.set_attribute("value", "100");
                }
            }
            item.state = state;
            item.request = None;
        }
        self.changed();
    }

    fn remove(&self, id: u32) {
        {
            let mut inner = self.0.borrow_mut();
            let Some(at) = inner.items.iter().position(|i| i.id == id) else {
                return;
            };
            let item = inner.items.remove(at);
            if let Some(request) = &item.request {
                let _ = request.abort();
            }
            if let Some(url) = &item.thumbnail {
                let _ = web_sys::Url::revoke_object_url(url);
            }
            item.row.remove();
        }
        self.changed();
    }

    fn changed(&self) {
        let on_change = self.0.borrow().on_change.clone();
        on_change();
    }
}

/// The state an answered upload request leaves its file in.
fn outcome(request: &web_sys::XmlHttpRequest) -> State {
    let status = request.status().unwrap_or(0);
    let body = request
        .response_text()
        .ok()
        .flatten()
        .and_then(|text| JSON::parse(&text).ok());
    let field = |value: &JsValue, key: &str| {
        Reflect::get(value, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    };
    match (status, body) {
        (201, Some(receipt)) => {
            field(&receipt, "token").map_or_else(|| State::Failed(t("unreachable")), State::Done)
        }
        (_, Some(refusal)) => {
            let error = Reflect::get(&refusal, &JsValue::from_str("error")).unwrap_or_default();
            State::Failed(text::refusal(&field(&error, "code").unwrap_or_default()))
        }
        _ => State::Failed(t("unreachable")),
    }
}

/// A file's name and size. Integers only: formatting an f64 would add 9 KB of float
/// printing to the wasm.
fn label(name: &str, bytes: u64) -> String {
    let kb = bytes.div_ceil(1024);
    if kb >= 1024 {
        format!("{name} · {}.{} MB", kb / 1024, kb % 1024 * 10 / 1024)
    } else {
        format!("{name} · {kb} KB")
    }
}

fn mb(bytes: u64) -> u64 {
    bytes / (1024 * 1024)
}

fn set_text(row: &web_sys::Element, selector: &str, text: &str) {
    if let Ok(Some(element)) = row.query_selector(selector) {
        element.set_text_content(Some(text));
    }
}

fn set_hidden(row: &web_sys::Element, selector: &str, hidden: bool) {
    if let Ok(Some(element)) = row.query_selector(selector) {
        dom::set_flag(&element, "hidden", hidden);
    }
}
