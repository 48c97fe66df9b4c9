//! The complaint form: renders state, and calls `redress_shared` for every rule.

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;

use redress_shared::categorize::{assess_with, Category, Lexicon};
use redress_shared::widget_ids as ids;
use redress_shared::{
    validate, ComplaintSubmission, FieldError, FieldErrorCode, Limits, Resolution,
};

use crate::api::{self, Failure, Filed};
use crate::config::{CaseLink, WidgetConfig};
use crate::status::StatusView;
use crate::uploads::Uploads;

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Editing,
    /// What is happening now, announced to assistive technology.
    Sending(String),
    Done(api::Filed),
}

#[component]
pub fn ComplaintForm(config: WidgetConfig, host: web_sys::Element) -> impl IntoView {
    let order_number = RwSignal::new(config.order_number.clone().unwrap_or_default());
    let email = RwSignal::new(config.email.clone().unwrap_or_default());
    let description = RwSignal::new(String::new());
    let resolution = RwSignal::new(String::new());
    // The category shown: the categorizer's suggestion until the shopper picks one.
    let category = RwSignal::new(Category::Other);
    let category_chosen = RwSignal::new(false);
    let typing = RwSignal::new(0u32);
    // Evidence uploads as it is added; the form waits for it (see `uploads`).
    let uploads = StoredValue::new_local(None::<Uploads>);
    let upload_list = NodeRef::<leptos::html::Ul>::new();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    // The shopper pressed Send while files were still uploading.
    let send_when_uploaded = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let form_error = RwSignal::new(None::<String>);
    let stage = RwSignal::new(Stage::Editing);
    // Set when the shopper follows a status link: the case is shown instead of the form.
    let case_link = RwSignal::new(config.case_link.clone());
    // One key for the life of this form: a retried submit cannot file the case twice.
    let idempotency_key = new_idempotency_key();

    let submit_config = config.clone();
    let submit_host = host.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let config = &submit_config;
        ev.prevent_default();
        if matches!(stage.get_untracked(), Stage::Sending(_)) {
            return;
        }
        let submission = ComplaintSubmission {
            store_id: config.store_id.clone(),
            order_number: order_number.get_untracked(),
            email: email.get_untracked(),
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
        };
        let attached = uploads.with_value(|u| u.clone());
        let mut found = validate(&submission, &Limits::default())
            .err()
            .unwrap_or_default();
        if let Some(failure) = attached.as_ref().and_then(Uploads::failure) {
            found.push(evidence_error(failure));
        }
        form_error.set(None);
        errors.set(found.clone());
        if !found.is_empty() {
            form_error.set(Some("Please correct the highlighted fields.".to_owned()));
            return;
        }
        if attached.as_ref().is_some_and(|u| u.pending() > 0) {
            send_when_uploaded.set(true);
            stage.set(Stage::Sending(
                "Sending as soon as your files have uploaded…".to_owned(),
            ));
            return;
        }
        let tokens = attached.map(|u| u.tokens()).unwrap_or_default();

        let config = config.clone();
        let idempotency_key = idempotency_key.clone();
        let host = submit_host.clone();
        spawn_local(async move {
            stage.set(Stage::Sending("Sending your complaint…".to_owned()));
            let submission = ComplaintSubmission {
                evidence: tokens,
                ..submission
            };
            match api::submit(&config, &submission, &idempotency_key).await {
                Ok(receipt) => {
                    announce_submitted(&host, &receipt.reference);
                    stage.set(Stage::Done(receipt));
                }
                Err(failure) => {
                    if let Failure::Refused { fields, .. } = &failure {
                        errors.set(fields.clone());
                    }
                    show_failure(failure, form_error);
                    stage.set(Stage::Editing);
                }
            }
        });
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
                        Some(_) => form_error.set(Some(
                            "Remove or retry the files that did not upload.".to_owned(),
                        )),
                        None => {
                            if let Some(form) = form_ref.get_untracked() {
                                let _ = form.request_submit();
                            }
                        }
                    }
                });
                uploads.set_value(Some(Uploads::new(config.clone(), list.into(), on_change)));
            }
            uploads.with_value(|u| u.as_ref().map(|u| u.add(chosen)));
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
    let close = move |_| {
        let _ = host.remove_attribute("data-open");
    };
    let sending = move || matches!(stage.get(), Stage::Sending(_));
    let done = move || matches!(stage.get(), Stage::Done(_));
    let status = move || match stage.get() {
        Stage::Sending(what) => what,
        _ => String::new(),
    };
    let reference = move || match stage.get() {
        Stage::Done(filed) => filed.reference,
        _ => String::new(),
    };
    let locale = config.locale.clone();
    let respond_by = move || match stage.get() {
        Stage::Done(filed) => local_time(&filed.respond_by, &locale),
        _ => String::new(),
    };
    // The receipt's status link: this page, with the case in its fragment.
    let page = config.product_url.clone().unwrap_or_default();
    let filed_link = move || match stage.get() {
        Stage::Done(Filed {
            reference,
            status_token: Some(token),
            ..
        }) => Some(CaseLink { reference, token }),
        _ => None,
    };
    let status_config = config.clone();

    view! {
        <section id=ids::PANEL class="panel" role="dialog" aria-modal="true" aria-labelledby="redress-title"
            on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=on_drop on:paste=on_paste>
            <header>
                <h2 id="redress-title">"Report a problem with your order"</h2>
                <button type="button" id=ids::CLOSE class="close" aria-label="Close" on:click=close>"×"</button>
            </header>
            {move || case_link.get().map(|link| view! { <StatusView config=status_config.clone() link /> })}
            <form id=ids::FORM node_ref=form_ref novalidate=true on:submit=on_submit hidden=move || done() || case_link.with(Option::is_some)>
                <label for=ids::ORDER_NUMBER>"Order number"</label>
                <input id=ids::ORDER_NUMBER name="order_number" autocomplete="off"
                    aria-describedby=ids::field_error("order_number") bind:value=order_number />
                <FieldMessage errors field="order_number" />

                <label for=ids::EMAIL>"Email"</label>
                <input id=ids::EMAIL name="email" type="email" autocomplete="email"
                    aria-describedby=ids::field_error("email") bind:value=email />
                <FieldMessage errors field="email" />

                <label for=ids::DESCRIPTION>"What went wrong?"</label>
                <textarea id=ids::DESCRIPTION name="description" rows="4"
                    aria-describedby=ids::field_error("description")
                    prop:value=move || description.get() on:input=on_description></textarea>
                <FieldMessage errors field="description" />

                <label for=ids::CATEGORY>"What kind of problem is it?"</label>
                <select id=ids::CATEGORY name="category" aria-describedby=ids::field_error("category")
                    prop:value=move || category.get().code() on:change=on_category>
                    {Category::ALL
                        .iter()
                        .map(|c| view! { <option value=c.code()>{category_label(*c)}</option> })
                        .collect_view()}
                </select>
                <FieldMessage errors field="category" />

                <label for=ids::RESOLUTION>"What would you like us to do?"</label>
                <select id=ids::RESOLUTION name="resolution" aria-describedby=ids::field_error("resolution")
                    on:change=move |ev| resolution.set(event_target_value(&ev))>
                    <option value="" selected=true disabled=true>"Choose…"</option>
                    {Resolution::ALL
                        .iter()
                        .map(|r| view! { <option value=r.code()>{r.label()}</option> })
                        .collect_view()}
                </select>
                <FieldMessage errors field="resolution" />

                <label for=ids::FILES>"Photos, videos or documents (optional)"</label>
                <p class="hint">"Add them here, drop them on this form, or paste a screenshot."</p>
                <input id=ids::FILES name="evidence" type="file" multiple=true
                    accept="image/*,video/mp4,video/quicktime,video/webm,application/pdf"
                    aria-describedby=ids::field_error("evidence") on:change=on_files.clone() />
                <label for=ids::CAMERA class="camera">"Take a photo"</label>
                <input id=ids::CAMERA type="file" accept="image/*" capture="environment" on:change=on_files />
                <ul id=ids::UPLOADS class="uploads" node_ref=upload_list></ul>
                <FieldMessage errors field="evidence" />

                <p id=ids::FORM_ERROR class="form-error" role="alert">{move || form_error.get()}</p>
                <p class="status" aria-live="polite">{status}</p>
                <button id=ids::SUBMIT type="submit" disabled=sending>"Send"</button>
            </form>
            <div id=ids::RECEIPT class="receipt" hidden=move || !done() || case_link.with(Option::is_some) aria-live="polite">
                <p>"Thank you. Your case reference is"</p>
                <p id=ids::REFERENCE class="reference">{reference}</p>
                <p>"You will hear from the store by "<strong id=ids::RESPOND_BY>{respond_by}</strong>"."</p>
                <p>"Keep your reference: the store will reply to your email."</p>
                {move || filed_link().map(|link| {
                    let href = format!("{page}#redress-case={}", link.encode());
                    view! {
                        <p>
                            <a id=ids::STATUS_LINK href=href on:click=move |_| case_link.set(Some(link.clone()))>
                                "Check your case at any time"
                            </a>
                        </p>
                    }
                })}
            </div>
        </section>
    }
}

/// How long typing must pause before the category is suggested again.
const SUGGEST_AFTER: std::time::Duration = std::time::Duration::from_millis(300);

fn category_label(category: Category) -> &'static str {
    match category {
        Category::NotReceived => "My order has not arrived",
        Category::Damaged => "It arrived damaged",
        Category::NotAsDescribed => "It is not what I ordered",
        Category::Defective => "It does not work or broke",
        Category::Counterfeit => "It is not genuine",
        Category::Billing => "A problem with a payment or refund",
        Category::Service => "A problem with your service",
        Category::Other => "Something else",
    }
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
        Failure::Refused { fields, .. } if !fields.is_empty() => {
            "Please correct the highlighted fields.".to_owned()
        }
        Failure::Refused { message, .. } => message,
        Failure::Unreachable(message) => message,
    };
    form_error.set(Some(message));
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

/// An RFC 3339 instant as the shopper reads it: their language, their time zone.
pub(crate) fn local_time(rfc3339: &str, locale: &str) -> String {
    let date = js_sys::Date::new(&rfc3339.into());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"full".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string(locale, &options).into()
}

fn new_idempotency_key() -> String {
    // Every browser that runs WebAssembly has crypto.randomUUID on https and localhost.
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_default()
}
