//! The complaint form: Leptos draws it once, then a handful of DOM event listeners
//! drive it over plain state; `redress_shared` decides every rule. No signals, effects
//! or Leptos event handlers: the form has one screen and a few texts that change, and
//! that machinery was 67 KB of the widget's 202 KB of wasm (#21).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Reflect;
use leptos::prelude::*;
use redress_shared::categorize::{assess_with, Category, Lexicon};
use redress_shared::html::escape;
use redress_shared::prefill::Prefilled;
use redress_shared::spam_guard::MIN_FILL_MS;
use redress_shared::widget_ids as ids;
use redress_shared::{
    validate, ComplaintSubmission, FieldError, FieldErrorCode, Limits, Resolution,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, spawn_local, JsFuture};

use crate::api::{self, Failure};
use crate::config::WidgetConfig;
use crate::dom::{by_id, listen, set_flag, set_value, sleep, target, value};
use crate::draft::{Draft, DraftFields};
use crate::receipt;
use crate::text::{self, t};
use crate::uploads::Uploads;

/// The fields that show their own message, by wire name, with the control the message
/// describes. Edge errors name files by position (`evidence[2]`); they show under
/// `evidence`.
const FIELDS: [(&str, &str); 6] = [
    ("order_number", ids::ORDER_NUMBER),
    ("email", ids::EMAIL),
    ("description", ids::DESCRIPTION),
    ("category", ids::CATEGORY),
    ("resolution", ids::RESOLUTION),
    ("evidence", ids::FILES),
];

/// How long typing must pause before the category is suggested again.
const SUGGEST_AFTER_MS: i32 = 300;

/// The form's elements, found once, and what it remembers between events.
struct Form {
    config: WidgetConfig,
    host: web_sys::Element,
    root: web_sys::Element,
    dialog: web_sys::HtmlDialogElement,
    form: web_sys::HtmlFormElement,
    draft: Draft,
    /// The product the complaint is about: the one the last opening named, or else the
    /// page's.
    product: RefCell<Option<String>>,
    /// What the page put in the order number and the email fields (`prefill`).
    prefilled: RefCell<[Prefilled; 2]>,
    /// The form token the loader asked for at intent, as the first opening brought it:
    /// a promise, held back until a person could have filled the form in (`opened`).
    form_token: RefCell<JsValue>,
    /// One key for the life of this form: a retried submit cannot file the case twice.
    idempotency_key: String,
    /// The shopper picked a category: the categorizer stops suggesting.
    category_chosen: Cell<bool>,
    /// Counts keystrokes, so that only the last one of a burst suggests.
    typing: Cell<u32>,
    /// The categorizer's cues: fetched on the first keystroke, then kept.
    lexicon: RefCell<Option<Lexicon>>,
    lexicon_requested: Cell<bool>,
    /// Evidence uploads as it is added; the form waits for it (see `uploads`).
    uploads: RefCell<Option<Uploads>>,
    /// The shopper pressed Send while files were still uploading.
    send_when_uploaded: Cell<bool>,
    sending: Cell<bool>,
}

/// Draws the form into `root` and wires it. `host` is where the loader says the form
/// opened and hears that a case was filed (`widget_ids::OPEN`, `SUBMITTED`).
pub fn show(
    root: &web_sys::HtmlElement,
    config: WidgetConfig,
    host: web_sys::Element,
) -> Result<(), JsValue> {
    leptos::mount::mount_to(root.clone(), form_view).forget();
    let find = |id: &str| by_id(root, id).ok_or_else(|| JsValue::from_str(id));
    let draft = Draft::new(&config);
    // A draft the shopper left here earlier wins over what the page knows (`prefill`).
    let saved = draft.load().unwrap_or_default();
    set_value(&find(ids::ORDER_NUMBER)?, &saved.order_number);
    set_value(&find(ids::EMAIL)?, &saved.email);
    set_value(&find(ids::DESCRIPTION)?, &saved.description);
    set_value(&find(ids::CATEGORY)?, Category::Other.code());

    let product = RefCell::new(config.product_id.clone());
    let form = Rc::new(Form {
        dialog: find(ids::PANEL)?.unchecked_into(),
        form: find(ids::FORM)?.unchecked_into(),
        root: root.clone().into(),
        config,
        host,
        draft,
        product,
        prefilled: RefCell::default(),
        form_token: RefCell::new(JsValue::UNDEFINED),
        idempotency_key: new_idempotency_key(),
        category_chosen: Cell::new(false),
        typing: Cell::new(0),
        lexicon: RefCell::new(None),
        lexicon_requested: Cell::new(false),
        uploads: RefCell::new(None),
        send_when_uploaded: Cell::new(false),
        sending: Cell::new(false),
    });

    form.prefill(
        form.config.order_number.as_deref(),
        form.config.email.as_deref(),
    );
    let opening = form.clone();
    listen(&form.host, ids::OPEN, move |e| opening.opened(e));

    // Every listener lives as long as the page, and so does the form they share.
    let on = |id: &str, event: &str, act: fn(&Rc<Form>, web_sys::Event)| {
        let form = form.clone();
        let element = find(id)?;
        listen(&element, event, move |e| act(&form, e));
        Ok::<_, JsValue>(())
    };
    on(ids::FORM, "submit", |form, e| {
        e.prevent_default();
        form.submit();
    })?;
    // Only once the shopper types is anything written to storage.
    on(ids::FORM, "input", |form, _| form.save_draft())?;
    on(ids::DESCRIPTION, "input", |form, _| form.typed())?;
    on(ids::CATEGORY, "change", |form, e| {
        let chosen = target(&e).and_then(|select| Category::from_code(&value(&select)));
        if let Some(chosen) = chosen {
            form.show_category(chosen);
            form.category_chosen.set(true);
        }
    })?;
    // Every way a file arrives ends in `attach`: picker, camera, drop, paste.
    for picker in [ids::FILES, ids::CAMERA] {
        on(picker, "change", |form, e| {
            if let Some(input) = target(&e) {
                let input: web_sys::HtmlInputElement = input.unchecked_into();
                form.attach(input.files());
                // The same file can be chosen again after it was removed.
                input.set_value("");
            }
        })?;
    }
    on(ids::PANEL, "dragover", |_, e| e.prevent_default())?;
    on(ids::PANEL, "drop", |form, e| {
        e.prevent_default();
        let drop: &web_sys::DragEvent = e.unchecked_ref();
        form.attach(drop.data_transfer().and_then(|d| d.files()));
    })?;
    on(ids::PANEL, "paste", |form, e| {
        // Pasted text stays text; pasted screenshots and files become evidence.
        let paste: &web_sys::ClipboardEvent = e.unchecked_ref();
        if form.attach(paste.clipboard_data().and_then(|d| d.files())) {
            e.prevent_default();
        }
    })?;
    // A real modal dialog: the loader opens it with `showModal()` (focus moves in and
    // stays in, the page behind is inert, Escape closes, focus returns to the launcher).
    on(ids::CLOSE, "click", |form, _| form.dialog.close())?;
    Ok(())
}

impl Form {
    fn element(&self, id: &str) -> Option<web_sys::Element> {
        by_id(&self.root, id)
    }

    fn field(&self, id: &str) -> String {
        self.element(id).map(|e| value(&e)).unwrap_or_default()
    }

    /// The loader opened the dialog (`widget_ids::OPEN`): the page's options fill in
    /// what they name, and the first opening brings the form token's promise.
    fn opened(&self, event: web_sys::Event) {
        let detail = Reflect::get(&event, &"detail".into()).unwrap_or_default();
        let options = Reflect::get(&detail, &0.into()).unwrap_or_default();
        let option = |key: &str| {
            Reflect::get(&options, &key.into())
                .ok()
                .and_then(|v| v.as_string())
                .filter(|v| !v.is_empty())
        };
        *self.product.borrow_mut() = option("productId").or_else(|| self.config.product_id.clone());
        self.prefill(option("orderId").as_deref(), option("email").as_deref());
        if self.form_token.borrow().is_undefined() {
            let asked = Reflect::get(&detail, &1.into()).unwrap_or_default();
            // The edge refuses a form sent sooner than `MIN_FILL_MS` after its token was
            // signed: the token is held back that long from its arrival, so a quick
            // shopper's Send waits out the rest. Counted from the token, not from the
            // drawing: an idle page draws the form long before anyone opens it.
            let held = future_to_promise(async move {
                let token = JsFuture::from(js_sys::Promise::resolve(&asked)).await;
                sleep(MIN_FILL_MS as i32 + 500).await;
                token
            });
            *self.form_token.borrow_mut() = held.into();
        }
    }

    /// Puts what the page knows into the fields the shopper has not written in.
    fn prefill(&self, order_number: Option<&str>, email: Option<&str>) {
        let mut prefilled = self.prefilled.borrow_mut();
        let offers = [(ids::ORDER_NUMBER, order_number), (ids::EMAIL, email)];
        for ((id, offered), field) in offers.into_iter().zip(prefilled.iter_mut()) {
            if let Some(control) = self.element(id) {
                if let Some(new) = field.offer(&value(&control), offered) {
                    set_value(&control, new);
                }
            }
        }
    }

    fn submit(self: &Rc<Self>) {
        if self.sending.get() {
            return;
        }
        let config = &self.config;
        let submission = ComplaintSubmission {
            store_id: config.store_id.clone(),
            order_number: self.field(ids::ORDER_NUMBER),
            email: self.field(ids::EMAIL),
            product_id: self.product.borrow().clone(),
            product_url: config.product_url.clone(),
            description: self.field(ids::DESCRIPTION),
            resolution: self.field(ids::RESOLUTION),
            evidence: Vec::new(),
            locale: Some(config.locale.clone()),
            category: self
                .category_chosen
                .get()
                .then(|| self.field(ids::CATEGORY)),
            order_value: None,
            // Asked for when the shopper showed intent; awaited only when sending.
            form_token: None,
            website: self.filled_in("input[name=website]"),
            // Left in the form by Cloudflare Turnstile's challenge, for a store that asks
            // for it (the loader draws it there).
            turnstile_token: self.filled_in("input[name=cf-turnstile-response]"),
        };
        let attached = self.uploads.borrow().clone();
        let mut found = text::field_errors(
            validate(&submission, &Limits::default())
                .err()
                .unwrap_or_default(),
        );
        if let Some(failure) = attached.as_ref().and_then(Uploads::failure) {
            found.push(evidence_error(failure));
        }
        self.show_errors(&found);
        if !found.is_empty() {
            self.show_form_error(&t("correct_fields"));
            return;
        }
        self.show_form_error("");
        if attached.as_ref().is_some_and(|u| u.pending() > 0) {
            self.send_when_uploaded.set(true);
            self.show_sending(Some(&t("sending_after_uploads")));
            return;
        }
        let submission = ComplaintSubmission {
            evidence: attached.map(|u| u.tokens()).unwrap_or_default(),
            ..submission
        };
        self.show_sending(Some(&t("sending")));
        let form = self.clone();
        spawn_local(async move {
            let asked = form.form_token.borrow().clone();
            let submission = ComplaintSubmission {
                form_token: api::form_token(&asked).await,
                ..submission
            };
            let answer = api::submit(&form.config, &submission, &form.idempotency_key).await;
            form.show_sending(None);
            match answer {
                Ok(filed) => form.filed(&filed),
                Err(failure) => form.refused(failure),
            }
        });
    }

    fn filed(&self, filed: &api::Filed) {
        self.draft.clear();
        set_flag(&self.form, "hidden", true);
        if let Some(outcome) = self.element(ids::OUTCOME) {
            receipt::show(&outcome, &self.config, filed);
        }
        announce_submitted(&self.host, &filed.reference);
    }

    fn refused(&self, failure: Failure) {
        let message = match failure {
            Failure::Refused { fields, .. } if !fields.is_empty() => {
                self.show_errors(&fields);
                t("correct_fields")
            }
            Failure::Refused { message, .. } => message,
            Failure::Unreachable(message) => message,
        };
        self.show_form_error(&message);
    }

    /// Whether a send is under way: said in the status line, and Send disabled.
    fn show_sending(&self, what: Option<&str>) {
        self.sending.set(what.is_some());
        if let Some(status) = self.form.query_selector(".status").ok().flatten() {
            status.set_text_content(what);
        }
        if let Some(submit) = self.element(ids::SUBMIT) {
            set_flag(&submit, "disabled", what.is_some());
        }
    }

    fn show_form_error(&self, message: &str) {
        if let Some(line) = self.element(ids::FORM_ERROR) {
            line.set_text_content(Some(message));
        }
    }

    /// Each field's messages under it, and its control marked invalid; fields without
    /// one are cleared.
    fn show_errors(&self, errors: &[FieldError]) {
        for (field, control) in FIELDS {
            self.show_field_error(field, control, errors);
        }
    }

    fn show_field_error(&self, field: &str, control: &str, errors: &[FieldError]) {
        let message = errors
            .iter()
            .filter(|e| e.field.split('[').next() == Some(field))
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(line) = self.element(&ids::field_error(field)) {
            line.set_text_content(Some(&message));
        }
        if let Some(control) = self.element(control) {
            let _ = if message.is_empty() {
                control.remove_attribute("aria-invalid")
            } else {
                control.set_attribute("aria-invalid", "true")
            };
        }
    }

    fn show_category(&self, category: Category) {
        if let Some(select) = self.element(ids::CATEGORY) {
            set_value(&select, category.code());
        }
    }

    /// The value of the input `selector` finds in the form, unless it is empty.
    fn filled_in(&self, selector: &str) -> Option<String> {
        let input = self.form.query_selector(selector).ok()??;
        Some(value(&input)).filter(|v| !v.is_empty())
    }

    fn save_draft(&self) {
        self.draft.save(&DraftFields {
            order_number: self.field(ids::ORDER_NUMBER),
            email: self.field(ids::EMAIL),
            description: self.field(ids::DESCRIPTION),
        });
    }

    /// Suggests a category once typing pauses, so the categorizer never delays a
    /// keystroke. Its lexicon arrives on the first keystroke; a suggestion waits for it.
    fn typed(self: &Rc<Self>) {
        if !self.lexicon_requested.replace(true) {
            let form = self.clone();
            spawn_local(async move {
                // Without the lexicon the shopper simply picks the category themself.
                if let Ok(loaded) = api::lexicon(&form.config).await {
                    *form.lexicon.borrow_mut() = Some(loaded);
                    form.suggest();
                }
            });
        }
        let generation = self.typing.get().wrapping_add(1);
        self.typing.set(generation);
        let form = self.clone();
        spawn_local(async move {
            sleep(SUGGEST_AFTER_MS).await;
            if form.typing.get() == generation {
                form.suggest();
            }
        });
    }

    fn suggest(&self) {
        if self.category_chosen.get() {
            return;
        }
        if let Some(lexicon) = self.lexicon.borrow().as_ref() {
            let description = self.field(ids::DESCRIPTION);
            self.show_category(assess_with(lexicon, &description).category);
        }
    }

    /// Adds the files to the uploads; whether there were any.
    fn attach(self: &Rc<Self>, list: Option<web_sys::FileList>) -> bool {
        let chosen: Vec<web_sys::File> = list
            .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
            .unwrap_or_default();
        if chosen.is_empty() {
            return false;
        }
        let uploads = self.uploads.borrow().clone();
        let uploads = match uploads {
            Some(uploads) => uploads,
            None => {
                let Some(list) = self.element(ids::UPLOADS) else {
                    return false;
                };
                let form = self.clone();
                let uploads = Uploads::new(
                    self.config.clone(),
                    list,
                    Rc::new(move || form.uploads_changed()),
                );
                *self.uploads.borrow_mut() = Some(uploads.clone());
                uploads
            }
        };
        uploads.add(chosen, self.config.limits);
        true
    }

    /// A file's upload moved on: its failure shows under the files, and a Send that
    /// waited for the uploads goes now (or says what stops it).
    fn uploads_changed(&self) {
        let Some(uploads) = self.uploads.borrow().clone() else {
            return;
        };
        let failure = uploads.failure();
        let errors: Vec<FieldError> = failure.clone().map(evidence_error).into_iter().collect();
        self.show_field_error("evidence", ids::FILES, &errors);
        if !self.send_when_uploaded.get() || uploads.pending() > 0 {
            return;
        }
        self.send_when_uploaded.set(false);
        self.show_sending(None);
        match failure {
            Some(_) => self.show_form_error(&t("retry_or_remove")),
            None => {
                let _ = self.form.request_submit();
            }
        }
    }
}

/// The whole form, as Leptos draws it once; what changes afterwards is set by `Form`.
fn form_view() -> impl IntoView {
    let described = |wire: &str| ids::field_error(wire);
    view! {
        <dialog id=ids::PANEL class="panel" aria-labelledby="redress-title">
            <header>
                <h2 id="redress-title">{t("title")}</h2>
                <button type="button" id=ids::CLOSE class="close" aria-label=t("close")>"×"</button>
            </header>
            <form id=ids::FORM novalidate=true>
                {label(ids::ORDER_NUMBER, t("order_number"))}
                <input id=ids::ORDER_NUMBER name="order_number" autocomplete="off" autofocus=true
                    aria-describedby=described("order_number") />
                {field_error("order_number")}
                {label(ids::EMAIL, t("email"))}
                <input id=ids::EMAIL name="email" type="email" autocomplete="email"
                    aria-describedby=described("email") />
                {field_error("email")}
                {label(ids::DESCRIPTION, t("description"))}
                <textarea id=ids::DESCRIPTION name="description" rows="4"
                    aria-describedby=described("description")></textarea>
                {field_error("description")}
                {label(ids::CATEGORY, t("category"))}
                <select id=ids::CATEGORY name="category" aria-describedby=described("category")
                    inner_html=options("category.", Category::ALL.iter().map(|c| c.code()))>
                </select>
                {field_error("category")}
                {label(ids::RESOLUTION, t("resolution"))}
                <select id=ids::RESOLUTION name="resolution" aria-describedby=described("resolution")
                    inner_html=format!(
                        "<option value=\"\" selected disabled>{}</option>{}",
                        escape(&t("choose")),
                        options("resolution.", Resolution::ALL.iter().map(|r| r.code()))
                    )>
                </select>
                {field_error("resolution")}
                {label(ids::FILES, t("files"))}
                <p class="hint">{t("files_hint")}</p>
                <input id=ids::FILES name="evidence" type="file" multiple=true
                    accept="image/*,video/mp4,video/quicktime,video/webm,application/pdf"
                    aria-describedby=described("evidence") />
                <label for=ids::CAMERA class="camera">{t("camera")}</label>
                <input id=ids::CAMERA type="file" accept="image/*" capture="environment" />
                <ul id=ids::UPLOADS class="uploads"></ul>
                {field_error("evidence")}
                <div class="hp" aria-hidden="true">
                    <label for=ids::HONEYPOT>"Website"</label>
                    <input id=ids::HONEYPOT name="website" tabindex="-1" autocomplete="off" />
                </div>
                <p id=ids::FORM_ERROR class="form-error" role="alert"></p>
                <p class="status" aria-live="polite"></p>
                <button id=ids::SUBMIT type="submit">{t("send")}</button>
            </form>
            <div id=ids::OUTCOME aria-live="polite"></div>
        </dialog>
    }
}

/// A field's label: one function, so that its code is generated once.
fn label(id: &'static str, text: String) -> impl IntoView {
    view! { <label for=id>{text}</label> }
}

/// Where a field's messages show (`Form::show_field_error`).
fn field_error(wire: &str) -> impl IntoView {
    view! { <p id=ids::field_error(wire) class="field-error"></p> }
}

/// A select's options, labelled from the catalog (`<prefix><code>`).
fn options<'a>(prefix: &str, codes: impl Iterator<Item = &'a str>) -> String {
    codes
        .map(|code| {
            let label = escape(&t(&format!("{prefix}{code}")));
            format!("<option value=\"{code}\">{label}</option>")
        })
        .collect()
}

/// Tells the storefront (through the loader) that a case was filed: the loader turns
/// this into `redress:submitted` on the document and `Redress("on", "submitted")`.
fn announce_submitted(host: &web_sys::Element, reference: &str) {
    let detail = js_sys::Object::new();
    let _ = Reflect::set(&detail, &"reference".into(), &reference.into());
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&detail);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(ids::SUBMITTED, &init) {
        let _ = host.dispatch_event(&event);
    }
}

/// A file that did not upload, shown under the files field.
fn evidence_error(message: String) -> FieldError {
    FieldError::new("evidence", FieldErrorCode::InvalidFormat, message)
}

fn new_idempotency_key() -> String {
    // Every browser that runs WebAssembly has crypto.randomUUID on https and localhost.
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_default()
}
