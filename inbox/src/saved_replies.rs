//! The store's saved replies: the list (the store's own, then Redress's starter set) and
//! the form that writes one, a version per language. The edge checks what is saved
//! (`shared::saved_reply`); its refusals are shown as they come.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use leptos::prelude::*;
use leptos::task::spawn_local;
use redress_shared::categorize::Category;
use redress_shared::inbox_ids as ids;
use redress_shared::routes;
use redress_shared::saved_reply::{SavedReply, SavedReplyDraft, SavedReplyList};

use crate::api::Api;
use crate::format::language_name;

/// One version of the reply in the form: its language and text, each its own signal so
/// that typing redraws nothing else, and a key that is its alone.
#[derive(Clone, Copy)]
struct Version {
    key: u64,
    language: RwSignal<String>,
    text: RwSignal<String>,
}

impl Version {
    fn new(language: &str, text: &str) -> Version {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        Version {
            key: NEXT.fetch_add(1, Ordering::Relaxed),
            language: RwSignal::new(language.to_owned()),
            text: RwSignal::new(text.to_owned()),
        }
    }
}

#[component]
pub fn SavedRepliesView(api: Api) -> impl IntoView {
    let replies = RwSignal::new(Vec::<SavedReply>::new());
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    // The form: the store's reply being replaced, or none for a new one.
    let editing = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let versions = RwSignal::new(vec![Version::new("en", "")]);

    let refresh = {
        let api = api.clone();
        move || {
            let api = api.clone();
            spawn_local(async move {
                match api.get::<SavedReplyList>(routes::AGENT_SAVED_REPLIES).await {
                    Ok(list) => replies.set(list.saved_replies),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    refresh();
    let refresh = StoredValue::new(refresh);

    let open = move |reply: &SavedReply| {
        // A starter is Redress's: opening it starts the store's own copy.
        editing.set((!reply.starter).then(|| reply.id.clone()));
        name.set(reply.name.clone());
        category.set(
            reply
                .category
                .map(|c| c.code().to_owned())
                .unwrap_or_default(),
        );
        versions.set(
            reply
                .variants
                .iter()
                .map(|(language, text)| Version::new(language, text))
                .collect(),
        );
        status.set(if reply.starter {
            format!(
                "Editing a copy of \u{201c}{}\u{201d}: saving makes it the store's own.",
                reply.name
            )
        } else {
            format!("Editing \u{201c}{}\u{201d}.", reply.name)
        });
    };
    let clear = move || {
        editing.set(None);
        name.set(String::new());
        category.set(String::new());
        versions.set(vec![Version::new("en", "")]);
    };

    let save = {
        let api = api.clone();
        move || {
            let api = api.clone();
            let variants: BTreeMap<String, String> = versions
                .get_untracked()
                .into_iter()
                .map(|v| (v.language.get_untracked(), v.text.get_untracked()))
                .filter(|(_, text)| !text.trim().is_empty())
                .collect();
            let draft = SavedReplyDraft {
                name: name.get_untracked(),
                category: Category::from_code(&category.get_untracked()),
                variants,
            };
            let id = editing.get_untracked();
            spawn_local(async move {
                let saved = match &id {
                    Some(id) => {
                        let path = routes::fill(routes::AGENT_SAVED_REPLY, &[id]);
                        api.put::<SavedReply>(&path, &draft).await
                    }
                    None => {
                        api.post::<SavedReply>(routes::AGENT_SAVED_REPLIES, &draft)
                            .await
                    }
                };
                match saved {
                    Ok(reply) => {
                        error.set(None);
                        status.set(format!("Saved \u{201c}{}\u{201d}.", reply.name));
                        clear();
                        refresh.with_value(|r| r());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let delete = move |reply: SavedReply| {
        let api = api.clone();
        spawn_local(async move {
            let path = routes::fill(routes::AGENT_SAVED_REPLY, &[&reply.id]);
            match api.delete(&path).await {
                Ok(()) => {
                    status.set(format!("Deleted \u{201c}{}\u{201d}.", reply.name));
                    refresh.with_value(|r| r());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let delete = StoredValue::new(delete);

    view! {
        <section id=ids::SAVED_REPLIES>
            <h1>"Saved replies"</h1>
            <p>"Ready answers the inbox suggests above the reply box, those for the case's category first. Placeholders are filled from the case: {reference}, {order_number}, {respond_by}, {tracking_link}, {offer}, {shopper_name}."</p>
            <table>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"For"</th><th scope="col">"Languages"</th><th scope="col">"Actions"</th></tr></thead>
                <tbody>
                    // Keyed by everything shown: a row is drawn anew when its reply changes,
                    // and its buttons always act on the reply they sit beside.
                    <For each=move || replies.get()
                        key=|r| (r.id.clone(), r.name.clone(), r.category, r.variants.clone())
                        let:reply>{
                        let languages = reply.variants.keys().map(|l| language_name(l)).collect::<Vec<_>>().join(", ");
                        let for_what = reply.category.map_or("any case", Category::code);
                        let opened = reply.clone();
                        let deleted = reply.clone();
                        view! {
                            <tr>
                                <td>{reply.name.clone()}{reply.starter.then_some(" (starter)")}</td>
                                <td>{for_what}</td>
                                <td>{languages}</td>
                                <td>
                                    <button id=ids::saved_reply_edit(&reply.id) on:click=move |_| open(&opened)>
                                        {if reply.starter { "Copy" } else { "Edit" }}
                                    </button>
                                    {(!reply.starter).then(|| view! {
                                        <button id=ids::saved_reply_delete(&reply.id)
                                            on:click=move |_| delete.with_value(|d| d(deleted.clone()))>"Delete"</button>
                                    })}
                                </td>
                            </tr>
                        }
                    }</For>
                </tbody>
            </table>
            <h2>{move || if editing.get().is_some() { "Edit the saved reply" } else { "A new saved reply" }}</h2>
            <label for=ids::SAVED_REPLY_NAME>"Name"</label>
            <input id=ids::SAVED_REPLY_NAME prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            <label for=ids::SAVED_REPLY_CATEGORY>"Suggested for"</label>
            <select id=ids::SAVED_REPLY_CATEGORY prop:value=move || category.get() on:change=move |ev| category.set(event_target_value(&ev))>
                <option value="">"Any case"</option>
                {Category::ALL.iter().map(|c| view! { <option value=c.code()>{c.code()}</option> }).collect_view()}
            </select>
            // Keyed: each box stays bound to its own version as versions come and go.
            <For each=move || versions.get().into_iter().enumerate()
                key=|(_, version)| version.key
                children=move |(i, version)| view! {
                <fieldset>
                    <legend>{format!("Version {}", i + 1)}</legend>
                    <label for=ids::saved_reply_language(i)>"Language (ISO 639-1, such as ko or pt-BR)"</label>
                    <input id=ids::saved_reply_language(i) prop:value=move || version.language.get()
                        on:input=move |ev| version.language.set(event_target_value(&ev)) />
                    <label for=ids::saved_reply_text(i)>"Text"</label>
                    <textarea id=ids::saved_reply_text(i) prop:value=move || version.text.get()
                        on:input=move |ev| version.text.set(event_target_value(&ev))></textarea>
                </fieldset>
            } />
            <button id=ids::SAVED_REPLY_ADD_LANGUAGE on:click=move |_| versions.update(|v| v.push(Version::new("", "")))>"Add a language"</button>
            <button id=ids::SAVED_REPLY_SAVE on:click=move |_| save()>"Save"</button>
            <button on:click=move |_| { clear(); status.set(String::new()) }>"Clear the form"</button>
            <p class="meta" role="status">{move || status.get()}</p>
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
}
