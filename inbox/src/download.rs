//! Files the agent saves (the CSV export, a case's dispute bundle): fetched with the
//! agent's token, then saved through a link to the fetched `blob:`, since a plain link
//! could not carry the token.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::Api;

/// A button that saves what `path()` answers as `file_name`; a failure shows in `error`.
#[component]
pub fn Download(
    api: Api,
    id: &'static str,
    label: &'static str,
    file_name: String,
    path: impl Fn() -> String + Send + Sync + 'static,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let link = NodeRef::<leptos::html::A>::new();
    let busy = RwSignal::new(false);
    let save = move |_| {
        let (api, path) = (api.clone(), path());
        busy.set(true);
        spawn_local(async move {
            match api.blob_url(&path).await {
                Ok(url) => {
                    if let Some(link) = link.get_untracked() {
                        link.set_href(&url);
                        link.click();
                    }
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <button type="button" id=id on:click=save disabled=move || busy.get()>{label}</button>
        <a node_ref=link class="hidden" download=file_name aria-hidden="true" tabindex="-1">{label}</a>
    }
}
