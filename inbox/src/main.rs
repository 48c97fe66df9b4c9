//! The agents' inbox: a Leptos page the worker serves at `/agent/`. It signs in with
//! an agent token (kept for the browser tab only), lists the store's cases, opens one
//! with its evidence and timeline, works it, and charts the store's trends and service
//! levels, and keeps the store's saved replies. It only
//! talks to the agent API; everything a shopper wrote is rendered as text.

mod api;
mod case_list;
mod case_view;
mod dashboard;
mod download;
mod format;
mod saved_replies;
mod trends;

use leptos::prelude::*;
use redress_shared::inbox_ids as ids;

use crate::api::Api;

fn main() {
    leptos::mount::mount_to_body(App);
}

/// Which part of the inbox is showing.
#[derive(Debug, Clone, PartialEq)]
enum Page {
    Cases,
    Case(String),
    Trends,
    Dashboard,
    SavedReplies,
}

#[component]
fn App() -> impl IntoView {
    let api = RwSignal::new(Api::from_session());
    let page = RwSignal::new(Page::Cases);
    view! {
        <main>
            {move || match api.get() {
                None => view! { <SignIn api /> }.into_any(),
                Some(client) => view! {
                    <nav>
                        <strong>"Redress inbox"</strong>
                        <button id=ids::NAV_CASES on:click=move |_| page.set(Page::Cases)>"Cases"</button>
                        <button id=ids::NAV_TRENDS on:click=move |_| page.set(Page::Trends)>"Trends"</button>
                        <button id=ids::NAV_DASHBOARD on:click=move |_| page.set(Page::Dashboard)>"Dashboard"</button>
                        <button id=ids::NAV_SAVED_REPLIES on:click=move |_| page.set(Page::SavedReplies)>"Saved replies"</button>
                        <button on:click=move |_| { Api::forget(); api.set(None) }>"Sign out"</button>
                    </nav>
                    {move || match page.get() {
                        Page::Cases => view! {
                            <case_list::CaseList api=client.clone() open=move |id| page.set(Page::Case(id)) />
                        }.into_any(),
                        Page::Case(id) => view! {
                            <case_view::CaseView api=client.clone() id back=move || page.set(Page::Cases) />
                        }.into_any(),
                        Page::Trends => view! { <trends::TrendsView api=client.clone() /> }.into_any(),
                        Page::Dashboard => view! { <dashboard::DashboardView api=client.clone() /> }.into_any(),
                        Page::SavedReplies => view! { <saved_replies::SavedRepliesView api=client.clone() /> }.into_any(),
                    }}
                }.into_any(),
            }}
        </main>
    }
}

#[component]
fn SignIn(api: RwSignal<Option<Api>>) -> impl IntoView {
    let token = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let candidate = Api::new(token.get_untracked().trim());
        leptos::task::spawn_local(async move {
            match candidate.check().await {
                Ok(()) => {
                    candidate.remember();
                    api.set(Some(candidate));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="sign-in" on:submit=on_submit>
            <h1>"Redress inbox"</h1>
            <label for=ids::TOKEN_INPUT>"Agent token"</label>
            <input id=ids::TOKEN_INPUT type="password" autocomplete="off" placeholder="rdat_..."
                prop:value=move || token.get()
                on:input=move |ev| token.set(event_target_value(&ev)) />
            <p class="hint">"Your operator issues tokens with cargo xtask agent issue."</p>
            <button id=ids::SIGN_IN type="submit">"Sign in"</button>
            <p class="error" role="alert">{move || error.get()}</p>
        </form>
    }
}
