//! The complaint form: renders state, and calls `redress_shared` for every rule.

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;

use redress_shared::categorize::{assess_with, Category, Lexicon};
use redress_shared::spam_guard::MIN_FILL_MS;
use redress_shared::widget_ids as ids;
use redress_shared::{
    validate, ComplaintSubmission, FieldError, FieldErrorCode, Limits, Resolution,
};

use crate::api::{self, Failure};
use crate::config::WidgetConfig;
use crate::draft::{Draft, DraftFields};
use crate::receipt;
use crate::text::{self, t};
use crate::uploads::Uploads;

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Editing,
    /// What is happening now, announced to assistive technology.
    Sending(String),
}

#[component]
pub fn ComplaintForm(config: WidgetConfig, host: web_sys::Element) -> impl IntoView {
    // A draft the shopper left here earlier wins over what the page prefilled.
    let draft = Rc::new(Draft::new(&config));
    let saved = draft.load().unwrap_or_default();
    let or_prefill = |kept: String, prefill: &Option<String>| {
        Some(kept)
            .filter(|k| !k.is_empty())
            .or_else(|| prefill.clone())
            .unwrap_or_default()
    };
    let initial_order_number = or_prefill(saved.order_number, &config.order_number);
    let initial_email = or_prefill(saved.email, &config.email);
    let initial_description = saved.description.clone();
    // The order number and email are read from their inputs when needed: two-way
    // bindings would cost the widget generated code for nothing.
    let order_input = NodeRef::<leptos::html::Input>::new();
    let email_input = NodeRef::<leptos::html::Input>::new();
    let typed = move |input: NodeRef<leptos::html::Input>| {
        input.get_untracked().map(|i| i.value()).unwrap_or_default()
    };
    let description = RwSignal::new(saved.description);
    let resolution = RwSignal::new(String::new());
    // The category shown: the categorizer's suggestion until the shopper picks one.
    let category = RwSignal::new(Category::Other);
    let category_chosen = RwSignal::new(false);
    let typing = RwSignal::new(0u32);
    // Evidence uploads as it is added; the form waits for it (see `uploads`).
    let uploads = StoredValue::new_local(None::<Uploads>);
    let upload_list = NodeRef::<leptos::html::Ul>::new();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    // The edge refuses a form sent sooner than a person could fill it in; a quick
    // shopper's Send waits out the rest of that time instead (`spam_guard`).
    let opened_at = js_sys::Date::now();
    // The shopper pressed Send while files were still uploading.
    let send_when_uploaded = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let form_error = RwSignal::new(None::<String>);
    let stage = RwSignal::new(Stage::Editing);
    // The receipt, or a case's status, replaces the form here (`receipt`, `status`).
    let outcome = NodeRef::<leptos::html::Div>::new();
    // One key for the life of this form: a retried submit cannot file the case twice.
    let idempotency_key = new_idempotency_key();

    let submit_config = config.clone();
    let submit_host = host.clone();
    let submit_draft = draft.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let config = &submit_config;
        ev.prevent_default();
        if matches!(stage.get_untracked(), Stage::Sending(_)) {
            return;
        }
        let submission = ComplaintSubmission {
            store_id: config.store_id.clone(),
            order_number: typed(order_input),
            email: typed(email_input),
            product_id: config.product_id.clone(),
            product_url: config.product_url.clone(),
            description: description.get_untracked(),
            resolution: resolution.get_untracked(),
            evidence: Vec::new(),
            locale: Some(config.locale.clone()),
            category: category_chosen
                .get_untracked()
                .then(|| category.get_untracked().code().to_owned()),
            order_value: None,
            form_token: config.form_token.clone(),
            website: form_ref
                .get_untracked()
                .and_then(|form| filled_in(&form, "input[name=website]")),
            // Left in the form by Cloudflare Turnstile's challenge, for a store that
            // asks for it (the loader draws it there).
            turnstile_token: form_ref
                .get_untracked()
                .and_then(|form| filled_in(&form, "input[name=cf-turnstile-response]")),
        };
        let attached = uploads.with_value(|u| u.clone());
        let mut found = text::field_errors(
            validate(&submission, &Limits::default())
                .err()
                .unwrap_or_default(),
        );
        if let Some(failure) = attached.as_ref().and_then(Uploads::failure) {
            found.push(evidence_error(failure));
        }
        form_error.set(None);
        errors.set(found.clone());
        if !found.is_empty() {
            form_error.set(Some(t("correct_fields")));
            return;
        }
        if attached.as_ref().is_some_and(|u| u.pending() > 0) {
            send_when_uploaded.set(true);
            stage.set(Stage::Sending(t("sending_after_uploads")));
            return;
        }
        let tokens = attached.map(|u| u.tokens()).unwrap_or_default();

        let config = config.clone();
        let idempotency_key = idempotency_key.clone();
        let host = submit_host.clone();
        let draft = submit_draft.clone();
        stage.set(Stage::Sending(t("sending")));
        let early_by = opened_at + MIN_FILL_MS as f64 + 500.0 - js_sys::Date::now();
        let send = async move {
            let submission = ComplaintSubmission {
                evidence: tokens,
                ..submission
            };
            match api::submit(&config, &submission, &idempotency_key).await {
                Ok(filed) => {
                    draft.clear();
                    stage.set(Stage::Editing);
                    if let (Some(form), Some(outcome)) =
                        (form_ref.get_untracked(), outcome.get_untracked())
                    {
                        let _ = form.set_attribute("hidden", "");
                        receipt::show(&outcome, &config, &filed);
                    }
                    announce_submitted(&host, &filed.reference);
                }
                Err(failure) => {
                    if let Failure::Refused { fields, .. } = &failure {
                        errors.set(fields.clone());
                    }
                    show_failure(failure, form_error);
                    stage.set(Stage::Editing);
                }
            }
        };
        set_timeout(
            move || spawn_local(send),
            std::time::Duration::from_millis(early_by.max(0.0) as u64),
        );
    };

    // Suggest a category once typing pauses, so the categorizer never delays a keystroke.
    // Its lexicon arrives on the first keystroke; a suggestion waits for it.
    let lexicon = StoredValue::new_local(None::<Rc<Lexicon>>);
    let lexicon_requested = StoredValue::new(false);
    let suggest = move || {
        if category_chosen.get_untracked() {
            return;
        }
        if let Some(lexicon) = lexicon.get_value() {
            category.set(assess_with(&lexicon, &description.get_untracked()).category);
        }
    };
    let on_description = {
        let config = config.clone();
        move |ev: leptos::ev::Event| {
            description.set(event_target_value(&ev));
            if !lexicon_requested.get_value() {
                lexicon_requested.set_value(true);
                let config = config.clone();
                spawn_local(async move {
                    // Without the lexicon the shopper simply picks the category themself.
                    if let Ok(loaded) = api::lexicon(&config).await {
                        lexicon.set_value(Some(Rc::new(loaded)));
                        suggest();
                    }
                });
            }
            let generation = typing.get_untracked().wrapping_add(1);
            typing.set(generation);
            set_timeout(
                move || {
                    if typing.get_untracked() == generation {
                        suggest();
                    }
                },
                SUGGEST_AFTER,
            );
        }
    };
    let on_category = move |ev: leptos::ev::Event| {
        if let Some(chosen) = Category::from_code(&event_target_value(&ev)) {
            category.set(chosen);
            category_chosen.set(true);
        }
    };

    // Every way a file arrives ends here: picker, camera, drop, paste.
    let attach = {
        let config = config.clone();
        move |list: Option<web_sys::FileList>| {
            let chosen: Vec<web_sys::File> = list
                .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
                .unwrap_or_default();
            if chosen.is_empty() {
                return false;
            }
            if uploads.with_value(Option::is_none) {
                let Some(list) = upload_list.get_untracked() else {
                    return false;
                };
                let on_change = Rc::new(move || {
                    let Some(attached) = uploads.with_value(|u| u.clone()) else {
                        return;
                    };
                    let failure = attached.failure();
                    errors.update(|e| {
                        e.retain(|f| f.field != "evidence");
                        e.extend(failure.clone().map(evidence_error));
                    });
                    if !send_when_uploaded.get_untracked() || attached.pending() > 0 {
                        return;
                    }
                    send_when_uploaded.set(false);
                    stage.set(Stage::Editing);
                    match failure {
                        Some(_) => form_error.set(Some(t("retry_or_remove"))),
                        None => {
                            if let Some(form) = form_ref.get_untracked() {
                                let _ = form.request_submit();
                            }
                        }
                    }
                });
                uploads.set_value(Some(Uploads::new(config.clone(), list.into(), on_change)));
            }
            uploads.with_value(|u| u.as_ref().map(|u| u.add(chosen, config.limits)));
            true
        }
    };
    let on_files = {
        let attach = attach.clone();
        move |ev: leptos::ev::Event| {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            attach(input.files());
            // The same file can be chosen again after it was removed.
            input.set_value("");
        }
    };
    let on_drop = {
        let attach = attach.clone();
        move |ev: leptos::ev::DragEvent| {
            ev.prevent_default();
            attach(ev.data_transfer().and_then(|d| d.files()));
        }
    };
    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        // Pasted text stays text; pasted screenshots and files become evidence.
        if attach(ev.clipboard_data().and_then(|d| d.files())) {
            ev.prevent_default();
        }
    };
    // Only once the shopper types is anything written to storage.
    let save_draft = move |_: leptos::ev::Event| {
        draft.save(&DraftFields {
            order_number: typed(order_input),
            email: typed(email_input),
            description: description.get_untracked(),
        });
    };
    // A real modal dialog: the loader opens it with `showModal()` (focus moves in and
    // stays in, the page behind is inert, Escape closes, focus returns to the launcher).
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let close = move |_| {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    let sending = move || matches!(stage.get(), Stage::Sending(_));
    let status = move || match stage.get() {
        Stage::Sending(what) => what,
        _ => String::new(),
    };

    view! {
        <dialog id=ids::PANEL class="panel" node_ref=dialog aria-labelledby="redress-title"
            on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=on_drop on:paste=on_paste>
            <header>
                <h2 id="redress-title">{t("title")}</h2>
                <button type="button" id=ids::CLOSE class="close" aria-label=t("close") on:click=close>"×"</button>
            </header>
            <form id=ids::FORM node_ref=form_ref novalidate=true on:submit=on_submit on:input=save_draft>
                <label for=ids::ORDER_NUMBER>{t("order_number")}</label>
                <input id=ids::ORDER_NUMBER name="order_number" autocomplete="off" autofocus=true
                    aria-describedby=ids::field_error("order_number") node_ref=order_input
                    prop:value=initial_order_number />
                <FieldMessage errors field="order_number" />

                <label for=ids::EMAIL>{t("email")}</label>
                <input id=ids::EMAIL name="email" type="email" autocomplete="email"
                    aria-describedby=ids::field_error("email") node_ref=email_input
                    prop:value=initial_email />
                <FieldMessage errors field="email" />

                <label for=ids::DESCRIPTION>{t("description")}</label>
                <textarea id=ids::DESCRIPTION name="description" rows="4"
                    aria-describedby=ids::field_error("description")
                    prop:value=initial_description on:input=on_description></textarea>
                <FieldMessage errors field="description" />

                <label for=ids::CATEGORY>{t("category")}</label>
                <select id=ids::CATEGORY name="category" aria-describedby=ids::field_error("category")
                    inner_html=options("category.", Category::ALL.iter().map(|c| c.code()))
                    prop:value=move || category.get().code() on:change=on_category>
                </select>
                <FieldMessage errors field="category" />

                <label for=ids::RESOLUTION>{t("resolution")}</label>
                <select id=ids::RESOLUTION name="resolution" aria-describedby=ids::field_error("resolution")
                    inner_html=format!(
                        "<option value=\"\" selected disabled>{}</option>{}",
                        escape(&t("choose")),
                        options("resolution.", Resolution::ALL.iter().map(|r| r.code()))
                    )
                    on:change=move |ev| resolution.set(event_target_value(&ev))>
                </select>
                <FieldMessage errors field="resolution" />

                <label for=ids::FILES>{t("files")}</label>
                <p class="hint">{t("files_hint")}</p>
                <input id=ids::FILES name="evidence" type="file" multiple=true
                    accept="image/*,video/mp4,video/quicktime,video/webm,application/pdf"
                    aria-describedby=ids::field_error("evidence") on:change=on_files.clone() />
                <label for=ids::CAMERA class="camera">{t("camera")}</label>
                <input id=ids::CAMERA type="file" accept="image/*" capture="environment" on:change=on_files />
                <ul id=ids::UPLOADS class="uploads" node_ref=upload_list></ul>
                <FieldMessage errors field="evidence" />

                <div class="hp" aria-hidden="true">
                    <label for=ids::HONEYPOT>"Website"</label>
                    <input id=ids::HONEYPOT name="website" tabindex="-1" autocomplete="off" />
                </div>
                <p id=ids::FORM_ERROR class="form-error" role="alert">{move || form_error.get()}</p>
                <p class="status" aria-live="polite">{status}</p>
                <button id=ids::SUBMIT type="submit" disabled=sending>{t("send")}</button>
            </form>
            <div id=ids::OUTCOME aria-live="polite" node_ref=outcome></div>
        </dialog>
    }
}

/// How long typing must pause before the category is suggested again.
const SUGGEST_AFTER: std::time::Duration = std::time::Duration::from_millis(300);

/// A select's options as markup, labelled from the catalog (`<prefix><code>`): one
/// string set once, rather than a view per option. Never the shopper's text.
fn options<'a>(prefix: &str, codes: impl Iterator<Item = &'a str>) -> String {
    codes
        .map(|code| {
            let label = escape(&t(&format!("{prefix}{code}")));
            format!("<option value=\"{code}\">{label}</option>")
        })
        .collect()
}

/// Catalog text as markup text (the catalog is ours, but comes over the network).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

/// The message under one field. Edge errors name files by position (`evidence[2]`);
/// they show under their field.
#[component]
fn FieldMessage(errors: RwSignal<Vec<FieldError>>, field: &'static str) -> impl IntoView {
    let message = move || {
        errors.with(|all| {
            all.iter()
                .filter(|e| e.field.split('[').next() == Some(field))
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    view! { <p id=ids::field_error(field) class="field-error">{message}</p> }
}

fn show_failure(failure: Failure, form_error: RwSignal<Option<String>>) {
    let message = match failure {
        Failure::Refused { fields, .. } if !fields.is_empty() => t("correct_fields"),
        Failure::Refused { message, .. } => message,
        Failure::Unreachable(message) => message,
    };
    form_error.set(Some(message));
}

/// The value of the input in `form` that `selector` finds, unless it is empty.
fn filled_in(form: &web_sys::Element, selector: &str) -> Option<String> {
    let input = form.query_selector(selector).ok()??;
    js_sys::Reflect::get(&input, &"value".into())
        .ok()?
        .as_string()
        .filter(|t| !t.is_empty())
}

/// Tells the storefront (through the loader) that a case was filed: the loader turns
/// this into `redress:submitted` on the document and `Redress("on", "submitted")`.
fn announce_submitted(host: &web_sys::Element, reference: &str) {
    let detail = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&detail, &"reference".into(), &reference.into());
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&detail);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict("redress:submitted", &init) {
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
