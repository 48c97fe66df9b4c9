//! One case: what the shopper said and sent, why Redress categorized it so, where its
//! notifications went, its timeline, and the agent's actions.

use leptos::prelude::*;
use leptos::task::spawn_local;
use redress_shared::agent_api::{
    AgentLanguage, AgentMessage, AgentProfile, CaseDetail, CaseUpdate, ReplyTranslation,
    ReplyTranslationRequest,
};
use redress_shared::categorize::Priority;
use redress_shared::complaint::Resolution;
use redress_shared::dispute_bundle;
use redress_shared::inbox_ids as ids;
use redress_shared::money::Money;
use redress_shared::offer::{moves_money, Offer, OfferDraft, OfferState};
use redress_shared::outcome;
use redress_shared::outcome::{Done, Responsibility, RootCause};
use redress_shared::saved_reply::{self, SavedReply, SavedReplyList, Values};
use redress_shared::translation::{self, Original, Translation};
use redress_shared::{routes, widget_text, CaseEvidence, CaseStatus, UNDETERMINED_LANGUAGE};

use crate::api::Api;
use crate::download::Download;
use crate::format::{date_time_in, language_name, local_time, missed, money_in};

#[component]
pub fn CaseView(
    api: Api,
    id: String,
    back: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let detail = RwSignal::new(None::<CaseDetail>);
    let error = RwSignal::new(None::<String>);
    let path = routes::fill(routes::AGENT_CASE, &[&id]);
    {
        let (api, path) = (api.clone(), path.clone());
        spawn_local(async move {
            match api.get::<CaseDetail>(&path).await {
                Ok(found) => detail.set(Some(found)),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    view! {
        <section id=ids::CASE_VIEW>
            <button class="link" on:click=move |_| back()>"← All cases"</button>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || detail.get().map(|case| view! {
                <CaseBody case=case.clone() api=api.clone() error />
                <Actions case path=path.clone() api=api.clone() detail error />
            })}
        </section>
    }
}

#[component]
fn CaseBody(case: CaseDetail, api: Api, error: RwSignal<Option<String>>) -> impl IntoView {
    let c = &case.case;
    let verdict = &c.classification.assessment;
    let shopper_category = c
        .details
        .shopper_category
        .map(|s| s.code().to_owned())
        .unwrap_or_else(|| "—".to_owned());
    let case_id = c.id.as_str().to_owned();
    let bundle = routes::fill(routes::AGENT_CASE_BUNDLE, &[&case_id]);
    view! {
        <h1>{c.reference.as_str().to_owned()}</h1>
        <dl class="facts">
            <dt>"Status"</dt><dd id=ids::CASE_STATUS>{c.status.code()}</dd>
            <dt>"Priority"</dt><dd>{verdict.priority.code()}{verdict.safety.then_some(" · safety")}</dd>
            <dt>"Category"</dt><dd>{verdict.category.code()}{verdict.sub_reason.map(|s| format!(" / {}", s.code()))}</dd>
            <dt>"Shopper's category"</dt><dd>{shopper_category}</dd>
            <dt>"Language"</dt><dd>{c.classification.lang.clone()}</dd>
            <dt>"Answer by"</dt><dd>{local_time(&c.respond_by)}{case.overdue.then_some(" (overdue)")}</dd>
            <dt>"Resolve by"</dt><dd>{local_time(&c.resolve_by)}</dd>
            <dt>"Service level"</dt><dd id=ids::CASE_SERVICE_LEVEL>{missed(&case.breaches).map_or_else(|| "on track".to_owned(), |m| m.trim_start_matches(" · ").to_owned())}</dd>
            <dt>"Order"</dt><dd>{c.details.order_number.clone()}</dd>
            <dt>"Email"</dt><dd>{c.details.email.clone()}</dd>
            <dt>"Product"</dt><dd>{c.details.product_id.clone().unwrap_or_default()}</dd>
            <dt>"Wants"</dt><dd>{c.details.resolution.code()}</dd>
            <dt>"Assignee"</dt><dd>{case.assignee.clone().unwrap_or_else(|| "nobody".to_owned())}</dd>
            <dt>"Resolution taken"</dt><dd>{case.resolution_taken.map(Resolution::code).unwrap_or("—")}</dd>
            <dt>"Shopper's rating"</dt><dd id=ids::CASE_RATING>{case.rating.as_ref().map(|r| format!("{}/5{}", r.score, r.comment.as_ref().map(|c| format!(": “{c}”")).unwrap_or_default())).unwrap_or_else(|| "—".to_owned())}</dd>
            <dt>"Root cause"</dt><dd>{case.root_cause.map(RootCause::code).unwrap_or("—")}</dd>
            <dt>"Responsibility"</dt><dd>{case.responsibility.map(Responsibility::code).unwrap_or("—")}</dd>
        </dl>
        <h2>"The shopper wrote"</h2>
        <ShopperText text=c.details.description.clone() language=c.classification.lang.clone()
            translation=case.translations.description.clone()
            ids=Some((ids::CASE_DESCRIPTION, ids::CASE_TRANSLATION)) />
        <h2>"Why this category"</h2>
        <ul class="signals">
            {verdict.signals.iter().map(|s| view! { <li>{format!("{}: “{}”", s.rule, s.cue)}</li> }).collect_view()}
        </ul>
        <h2>"Evidence"</h2>
        <ul class="evidence">
            {c.evidence.iter().enumerate().map(|(i, e)| view! {
                <EvidenceItem evidence=e.clone() url=routes::fill(routes::AGENT_CASE_EVIDENCE, &[&case_id, &i.to_string()]) api=api.clone() />
            }).collect_view()}
        </ul>
        <h2>"For a dispute"</h2>
        <p>"One ZIP for a marketplace, a payment provider or a chargeback: the conversation with the shopper (no internal notes), every file as stored, and their SHA-256 digests."</p>
        <Download api=api.clone() id=ids::DISPUTE_BUNDLE label="Download the dispute bundle"
            file_name=dispute_bundle::download_name(c.reference.as_str()) path=move || bundle.clone() error />
        <h2>"Notifications"</h2>
        <ul>
            {case.deliveries.iter().map(|d| view! {
                <li>{format!("{} → {}: {} after {} attempt(s)", d.event.code(), d.channel.code(), d.state.code(), d.attempts)}</li>
            }).collect_view()}
        </ul>
        <h2>"Timeline"</h2>
        <ol id=ids::CASE_TIMELINE class="timeline">
            {case.timeline.iter().enumerate().map(|(i, e)| {
                let translation = case.translations.of_entry(i).cloned();
                view! {
                    <li class=if e.public { "public" } else { "internal" }>
                        <time>{local_time(&e.at)}</time>" "
                        <strong>{e.actor.clone()}</strong>" "
                        <span>{e.kind.code()}</span>
                        {e.value.clone().map(|v| match (translation, e.original.clone()) {
                            (Some(translation), _) => view! {
                                <ShopperText text=v language=translation.source_language.clone()
                                    translation=Some(translation) ids=None />
                            }.into_any(),
                            (None, Some(original)) => view! {
                                <SentTranslated sent=v original language=c.details.locale.clone() />
                            }.into_any(),
                            (None, None) => {
                                // An offer's entries name it by its number (see "Offers").
                                let v = if e.kind.names_offer() { format!("offer #{v}") } else { v };
                                view! { <p class="value">{v}</p> }.into_any()
                            }
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// What a shopper wrote, as written (the authority, marked with its language), and
/// beside it its translation into the store's language, or why there is none yet.
/// `ids`: the original's and the translation's element ids.
#[component]
fn ShopperText(
    text: String,
    language: String,
    translation: Option<Translation>,
    ids: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    let (original_id, translation_id) = ids.unzip();
    let Some(translation) = translation else {
        let lang = (language != UNDETERMINED_LANGUAGE).then_some(language);
        return view! { <p id=original_id lang=lang class="description">{text}</p> }.into_any();
    };
    let from = language_name(&translation.source_language);
    let caption = translation.heading(language_name);
    view! {
        <div class="side-by-side">
            <figure>
                <figcaption>{format!("{from} · as the shopper wrote it")}</figcaption>
                <p id=original_id lang=translation.source_language.clone() class="description">{text}</p>
            </figure>
            <figure id=translation_id class="translation">
                <figcaption>{caption}</figcaption>
                {translation.text.clone().map(|body| view! { <p lang=translation.language.clone() class="description">{body}</p> })}
            </figure>
        </div>
    }
    .into_any()
}

/// A reply the shopper received translated: what the agent wrote (the authority) and
/// beside it what was sent, in the shopper's `language`.
#[component]
fn SentTranslated(sent: String, original: Original, language: String) -> impl IntoView {
    let language = translation::primary(&language);
    view! {
        <div class="side-by-side">
            <figure>
                <figcaption>{format!("{} · as the agent wrote it", language_name(&original.language))}</figcaption>
                <p lang=original.language.clone() class="description">{original.text}</p>
            </figure>
            <figure class="translation">
                <figcaption>{format!("Sent in {}, translated by machine and checked by the agent", language_name(&language))}</figcaption>
                <p lang=language class="description">{sent}</p>
            </figure>
        </div>
    }
}

/// A file as the agent sees it: images and video inline (fetched with the token), the
/// rest as a download. Its SHA-256 lets the agent show it is what the shopper sent.
#[component]
fn EvidenceItem(evidence: CaseEvidence, url: String, api: Api) -> impl IntoView {
    let blob = RwSignal::new(None::<String>);
    {
        let url = url.clone();
        spawn_local(async move {
            if let Ok(found) = api.blob_url(&url).await {
                blob.set(Some(found));
            }
        });
    }
    let kind = evidence.content_type.clone();
    let name = evidence.file_name.clone();
    view! {
        <li>
            {move || blob.get().map(|src| {
                if kind.starts_with("image/") {
                    view! { <img src=src alt=name.clone() /> }.into_any()
                } else if kind.starts_with("video/") {
                    view! { <video src=src controls=true></video> }.into_any()
                } else {
                    view! { <a href=src download=name.clone()>"Download"</a> }.into_any()
                }
            })}
            <p class="meta">{format!("{} · {} · {} bytes · SHA-256 {}", evidence.file_name, evidence.content_type, evidence.size, evidence.sha256)}</p>
        </li>
    }
}

#[component]
fn Actions(
    case: CaseDetail,
    path: String,
    api: Api,
    detail: RwSignal<Option<CaseDetail>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let resolution = RwSignal::new(
        case.resolution_taken
            .map(|r| r.code().to_owned())
            .unwrap_or_default(),
    );
    let assignee = RwSignal::new(case.assignee.clone().unwrap_or_default());
    let note = RwSignal::new(String::new());
    let reply = RwSignal::new(String::new());
    // The language the agent reads shoppers in and writes replies in (`/v1/agent/me`).
    let writing = RwSignal::new(String::new());
    {
        let api = api.clone();
        spawn_local(async move {
            match api.get::<AgentProfile>(routes::AGENT_ME).await {
                Ok(me) => writing.set(me.reads().to_owned()),
                Err(e) => error.set(Some(e)),
            }
        });
    }
    // The reply as the shopper would read it, once asked for: the agent may edit it.
    let translated = RwSignal::new(None::<String>);
    let translation_note = RwSignal::new(String::new());
    let case_language = translation::primary(&case.case.details.locale);
    let offer_kind = RwSignal::new(Resolution::PartialRefund.code().to_owned());
    let amount = RwSignal::new(String::new());
    let currency = RwSignal::new(case.currencies.first().cloned().unwrap_or_default());
    let terms = RwSignal::new(String::new());
    let outcome = OutcomeForm::new(case.currencies.first().cloned().unwrap_or_default());
    let id = case.case.id.as_str().to_owned();
    let api_for_replies = api.clone();
    let api_for_translation = api.clone();
    let api_for_language = (api.clone(), path.clone());
    let translate_path = routes::fill(
        routes::AGENT_CASE_REPLY_TRANSLATION,
        &[case.case.id.as_str()],
    );

    // Every action answers with the case as it now stands.
    let act = move |request: Request| {
        let (api, path, id) = (api.clone(), path.clone(), id.clone());
        spawn_local(async move {
            let answer = match &request {
                Request::Update(update) => api.patch::<CaseDetail>(&path, update).await,
                Request::Note(message) => {
                    api.post(&routes::fill(routes::AGENT_CASE_NOTES, &[&id]), message)
                        .await
                }
                Request::Reply(message) => {
                    api.post(&routes::fill(routes::AGENT_CASE_REPLIES, &[&id]), message)
                        .await
                }
                Request::Offer(draft) => {
                    api.post(&routes::fill(routes::AGENT_CASE_OFFERS, &[&id]), draft)
                        .await
                }
                Request::Outcome(done) => {
                    api.post(&routes::fill(routes::AGENT_CASE_OUTCOMES, &[&id]), done)
                        .await
                }
                Request::Withdraw(number) => {
                    let number = number.to_string();
                    let path = routes::fill(routes::AGENT_CASE_OFFER_WITHDRAWAL, &[&id, &number]);
                    api.post(&path, &serde_json::json!({})).await
                }
            };
            match answer {
                Ok(updated) => {
                    error.set(None);
                    match request {
                        Request::Note(_) => note.set(String::new()),
                        Request::Reply(_) => {
                            reply.set(String::new());
                            translated.set(None);
                            translation_note.set(String::new());
                        }
                        Request::Offer(_) => {
                            amount.set(String::new());
                            terms.set(String::new());
                        }
                        Request::Outcome(_) => outcome.reset(),
                        Request::Update(_) | Request::Withdraw(_) => {}
                    }
                    detail.set(Some(updated));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let act = StoredValue::new(act);
    let translate = move || {
        let (api, path) = (api_for_translation.clone(), translate_path.clone());
        let request = ReplyTranslationRequest {
            text: reply.get_untracked(),
            language: writing.get_untracked(),
        };
        translation_note.set("Translating…".to_owned());
        spawn_local(async move {
            match api.post::<ReplyTranslation>(&path, &request).await {
                Ok(ReplyTranslation {
                    translation: Some(t),
                }) => {
                    let heading = t.heading(language_name);
                    match t.text {
                        Some(text) => {
                            translation_note.set(format!(
                                "{heading} read it, and edit it if needed, before sending."
                            ));
                            translated.set(Some(text));
                        }
                        None => {
                            translation_note.set(format!("{heading}. You may send your own words."))
                        }
                    }
                }
                Ok(ReplyTranslation { translation: None }) => {
                    translation_note
                        .set("The shopper reads this language: send it as written.".to_owned());
                }
                Err(e) => {
                    translation_note.set(String::new());
                    error.set(Some(e));
                }
            }
        });
    };
    let translate = StoredValue::new(translate);
    // Sent translated once translated: the translation as the agent left it, with their
    // own words beside it.
    let send_reply = move || {
        let text = reply.get_untracked();
        let message = match translated.get_untracked() {
            Some(sent) => AgentMessage {
                text: sent,
                original: Some(Original {
                    language: writing.get_untracked(),
                    text,
                }),
            },
            None => AgentMessage {
                text,
                original: None,
            },
        };
        act.with_value(|act| act(Request::Reply(message)));
    };
    let languages = move || {
        let mut all: Vec<String> = widget_text::LOCALES
            .iter()
            .map(|l| translation::primary(l))
            .collect();
        let current = writing.get();
        if !current.is_empty() && !all.contains(&current) {
            all.push(current);
        }
        all
    };
    // The agent's choice is theirs on every device: shoppers' texts are translated into
    // it, and the case is read again in it.
    let choose_language = {
        let (api, path) = api_for_language;
        move |language: String| {
            let (api, path) = (api.clone(), path.clone());
            writing.set(language.clone());
            translated.set(None);
            translation_note.set(String::new());
            spawn_local(async move {
                let chosen = AgentLanguage {
                    working_language: Some(language),
                };
                let saved = api.put::<AgentProfile>(routes::AGENT_ME, &chosen).await;
                match saved {
                    Ok(_) => match api.get::<CaseDetail>(&path).await {
                        Ok(updated) => detail.set(Some(updated)),
                        Err(e) => error.set(Some(e)),
                    },
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let case_language_name = language_name(&case_language);
    let needs_translation = {
        let case_language = case_language.clone();
        move || writing.get() != case_language
    };
    let move_to = move |status: CaseStatus| {
        let resolution = Resolution::from_code(&resolution.get_untracked());
        act.with_value(|act| {
            act(Request::Update(CaseUpdate {
                status: Some(status),
                resolution,
                ..CaseUpdate::default()
            }))
        });
    };
    // The amount is typed as a decimal in the chosen currency and sent in minor units.
    let make_offer = move || {
        let Some(kind) = Resolution::from_code(&offer_kind.get_untracked()) else {
            return;
        };
        let typed = amount.get_untracked();
        let amount = if moves_money(kind) {
            match Money::parse(&typed, &currency.get_untracked()) {
                Some(money) => Some(money),
                None => {
                    error.set(Some(format!(
                        "{typed:?} is not an amount: write it as 12.30"
                    )));
                    return;
                }
            }
        } else {
            None
        };
        let draft = OfferDraft {
            kind,
            amount,
            terms: terms.get_untracked(),
        };
        act.with_value(|act| act(Request::Offer(draft)));
    };
    let offers = case.offers.clone();
    let outcomes = case.outcomes.clone();
    let currencies = case.currencies.clone();
    let record = move || match outcome.done(&currencies) {
        Ok(done) => act.with_value(|act| act(Request::Outcome(done))),
        Err(why) => error.set(Some(why)),
    };
    let analyse = move |update: CaseUpdate| act.with_value(|act| act(Request::Update(update)));
    view! {
        <section class="actions offers">
            <h2>"Offers"</h2>
            <ol id=ids::OFFERS>
                {offers.into_iter().map(|offer| {
                    let number = offer.number;
                    let open = offer.state == OfferState::Offered;
                    view! {
                        <li data-offer=number data-state=offer.state.code()>
                            <strong>{describe(&offer)}</strong>" · "{offer.state.code()}
                            " · until "{local_time(&offer.expires_at)}
                            {(!offer.terms.is_empty()).then(|| view! { <p class="value">{offer.terms.clone()}</p> })}
                            {open.then(|| view! {
                                <button on:click=move |_| act.with_value(|act| act(Request::Withdraw(number)))>"Withdraw"</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <h3>"Propose a solution"</h3>
            <label>"Outcome"
                <select id=ids::OFFER_KIND on:change=move |ev| offer_kind.set(event_target_value(&ev))>
                    {Resolution::ALL.iter().map(|r| view! {
                        <option value=r.code() selected=offer_kind.get_untracked() == r.code()>{r.code()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Amount (refunds and store credit)"
                <input id=ids::OFFER_AMOUNT inputmode="decimal" placeholder="12.30" prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev)) />
            </label>
            <label>"Currency"
                <select id=ids::OFFER_CURRENCY on:change=move |ev| currency.set(event_target_value(&ev))>
                    {case.currencies.iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label for=ids::OFFER_TERMS>"What happens next (the shopper reads it)"</label>
            <textarea id=ids::OFFER_TERMS prop:value=move || terms.get() on:input=move |ev| terms.set(event_target_value(&ev))></textarea>
            <button id=ids::OFFER_SEND on:click=move |_| make_offer()>"Make offer"</button>
        </section>
        <section class="actions outcomes">
            <h2>"What the store did"</h2>
            <ol id=ids::OUTCOMES>
                {outcomes.iter().map(|o| view! {
                    <li data-outcome=o.number>{format!("#{} {}", o.number, o.done.in_words())}" · "{local_time(&o.recorded_at)}</li>
                }).collect_view()}
            </ol>
            <h3>"Record what was done (the shopper is told)"</h3>
            <label>"Outcome"
                <select id=ids::OUTCOME_KIND on:change=move |ev| outcome.kind.set(event_target_value(&ev))>
                    {OUTCOME_KINDS.iter().map(|k| view! { <option value=*k>{*k}</option> }).collect_view()}
                </select>
            </label>
            <label>"Amount (refund, credit)"
                <input id=ids::OUTCOME_AMOUNT inputmode="decimal" placeholder="12.30" prop:value=move || outcome.amount.get() on:input=move |ev| outcome.amount.set(event_target_value(&ev)) />
            </label>
            <label>"Currency"
                <select id=ids::OUTCOME_CURRENCY on:change=move |ev| outcome.currency.set(event_target_value(&ev))>
                    {case.currencies.iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label>"Payment reference (refund)"
                <input id=ids::OUTCOME_REFERENCE prop:value=move || outcome.reference.get() on:input=move |ev| outcome.reference.set(event_target_value(&ev)) />
            </label>
            <label>"Carrier (shipped)"
                <input id=ids::OUTCOME_CARRIER placeholder="DHL" prop:value=move || outcome.carrier.get() on:input=move |ev| outcome.carrier.set(event_target_value(&ev)) />
            </label>
            <label>"Tracking number (shipped)"
                <input id=ids::OUTCOME_TRACKING prop:value=move || outcome.tracking.get() on:input=move |ev| outcome.tracking.set(event_target_value(&ev)) />
            </label>
            <label>"Code (coupon or store credit)"
                <input id=ids::OUTCOME_CODE prop:value=move || outcome.code.get() on:input=move |ev| outcome.code.set(event_target_value(&ev)) />
            </label>
            <label for=ids::OUTCOME_TEXT>"Note (repair) or reason (no action): the shopper reads it"</label>
            <textarea id=ids::OUTCOME_TEXT prop:value=move || outcome.text.get() on:input=move |ev| outcome.text.set(event_target_value(&ev))></textarea>
            <button id=ids::OUTCOME_SEND on:click=move |_| record()>"Record"</button>
            <h3>"Learn from it (agents only)"</h3>
            <label>"Root cause"
                <select id=ids::ROOT_CAUSE on:change=move |ev| {
                    let root_cause = RootCause::from_code(&event_target_value(&ev));
                    if root_cause.is_some() { analyse(CaseUpdate { root_cause, ..CaseUpdate::default() }) }
                }>
                    <option value="">"—"</option>
                    {RootCause::ALL.iter().map(|c| view! { <option value=c.code() selected=case.root_cause == Some(*c)>{c.code()}</option> }).collect_view()}
                </select>
            </label>
            <label>"Responsibility"
                <select id=ids::RESPONSIBILITY on:change=move |ev| {
                    let responsibility = Responsibility::from_code(&event_target_value(&ev));
                    if responsibility.is_some() { analyse(CaseUpdate { responsibility, ..CaseUpdate::default() }) }
                }>
                    <option value="">"—"</option>
                    {Responsibility::ALL.iter().map(|r| view! { <option value=r.code() selected=case.responsibility == Some(*r)>{r.code()}</option> }).collect_view()}
                </select>
            </label>
        </section>
        <section class="actions">
            <h2>"Work the case"</h2>
            <label>"Resolution taken"
                <select id=ids::RESOLUTION on:change=move |ev| resolution.set(event_target_value(&ev))>
                    <option value="">"—"</option>
                    {Resolution::ALL.iter().map(|r| view! {
                        <option value=r.code() selected=resolution.get_untracked() == r.code()>{r.code()}</option>
                    }).collect_view()}
                </select>
            </label>
            <div class="moves">
                {case.next_statuses.iter().map(|&status| view! {
                    <button data-status=status.code() on:click=move |_| move_to(status)>{format!("Move to {}", status.code())}</button>
                }).collect_view()}
            </div>
            <label>"Priority (moves the due times)"
                <select id=ids::PRIORITY on:change=move |ev| {
                    let priority = Priority::from_code(&event_target_value(&ev));
                    if priority.is_some() { analyse(CaseUpdate { priority, ..CaseUpdate::default() }) }
                }>
                    {Priority::ALL.iter().map(|p| view! { <option value=p.code() selected=case.case.classification.assessment.priority == *p>{p.code()}</option> }).collect_view()}
                </select>
            </label>
            <label>"Assignee"
                <input id=ids::ASSIGNEE prop:value=move || assignee.get() on:input=move |ev| assignee.set(event_target_value(&ev)) />
            </label>
            <button id=ids::ASSIGN on:click=move |_| act.with_value(|act| act(Request::Update(CaseUpdate {
                assignee: Some(assignee.get_untracked()), ..CaseUpdate::default()
            })))>"Assign"</button>
            <label for=ids::NOTE_TEXT>"Internal note (agents only)"</label>
            <textarea id=ids::NOTE_TEXT prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            <button id=ids::NOTE_SEND on:click=move |_| act.with_value(|act| act(Request::Note(AgentMessage { text: note.get_untracked(), original: None })))>"Add note"</button>
            <SavedReplies case=case.clone() api=api_for_replies reply writing error
                translate=Callback::new(move |language: String| {
                    writing.set(language);
                    translated.set(None);
                    translate.with_value(|t| t());
                }) />
            <label for=ids::REPLY_LANGUAGE>"I read and write in"</label>
            <select id=ids::REPLY_LANGUAGE prop:value=move || writing.get()
                on:change=move |ev| choose_language(event_target_value(&ev))>
                {move || languages().into_iter().map(|l| {
                    let selected = writing.get() == l;
                    view! { <option value=l.clone() selected=selected>{language_name(&l)}</option> }
                }).collect_view()}
            </select>
            <label for=ids::REPLY_TEXT>"Reply to the shopper"</label>
            <textarea id=ids::REPLY_TEXT prop:value=move || reply.get() on:input=move |ev| {
                reply.set(event_target_value(&ev));
                // A translation of other words must not go out as this reply's.
                if translated.get_untracked().is_some() {
                    translated.set(None);
                    translation_note.set("Your reply changed: translate it again.".to_owned());
                }
            }></textarea>
            <Show when=needs_translation>
                <button id=ids::REPLY_TRANSLATE on:click=move |_| translate.with_value(|t| t())>{format!("Translate into {case_language_name}")}</button>
            </Show>
            <p id=ids::REPLY_TRANSLATION_NOTE class="meta" role="status">{move || translation_note.get()}</p>
            // Shown while there is a translation, not redrawn as the agent edits it.
            <Show when=move || translated.with(Option::is_some)>
                <label for=ids::REPLY_TRANSLATION>{format!("What the shopper receives, in {}", language_name(&case_language))}</label>
                <textarea id=ids::REPLY_TRANSLATION lang=case_language.clone() dir="auto"
                    prop:value=move || translated.get().unwrap_or_default()
                    on:input=move |ev| translated.set(Some(event_target_value(&ev)))></textarea>
            </Show>
            <button id=ids::REPLY_SEND on:click=move |_| send_reply()>
                {move || if translated.get().is_some() { "Send the translated reply" } else { "Send reply" }}
            </button>
        </section>
    }
}

/// The store's saved replies, those made for the case's category first, and the button
/// that puts the chosen one in the reply: in the shopper's language where it has one,
/// else in the agent's `writing` language (or the first it has), sent to `translate`
/// into the shopper's; its placeholders filled from the case (what the case cannot
/// fill is left for the agent, and named).
#[component]
fn SavedReplies(
    case: CaseDetail,
    api: Api,
    reply: RwSignal<String>,
    writing: RwSignal<String>,
    error: RwSignal<Option<String>>,
    translate: Callback<String>,
) -> impl IntoView {
    let replies = RwSignal::new(Vec::<SavedReply>::new());
    let chosen = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let category = case.case.classification.assessment.category;
    spawn_local(async move {
        match api.get::<SavedReplyList>(routes::AGENT_SAVED_REPLIES).await {
            Ok(list) => {
                let ordered: Vec<SavedReply> =
                    saved_reply::suggested(&list.saved_replies, category)
                        .into_iter()
                        .cloned()
                        .collect();
                chosen.set(ordered.first().map(|r| r.id.clone()).unwrap_or_default());
                replies.set(ordered);
            }
            Err(e) => error.set(Some(e)),
        }
    });
    let locale = case.case.details.locale.clone();
    let values = reply_values(&case);
    let insert = move || {
        let id = chosen.get_untracked();
        let found = replies.with_untracked(|all| all.iter().find(|r| r.id == id).cloned());
        let Some((language, template)) = found
            .as_ref()
            .and_then(|r| r.variant_for(&locale, &writing.get_untracked()))
        else {
            return;
        };
        let filled = saved_reply::fill(template, &values);
        let language = translation::primary(language);
        let foreign = language != translation::primary(&locale);
        let mut said = Vec::new();
        if foreign {
            said.push(format!(
                "This reply has no {} version: its {} one is translated below.",
                language_name(&translation::primary(&locale)),
                language_name(&language)
            ));
        }
        if !filled.missing.is_empty() {
            let blanks: Vec<String> = filled
                .missing
                .iter()
                .map(|p| format!("{{{}}}", p.code()))
                .collect();
            said.push(format!("Fill in {} before sending.", blanks.join(", ")));
        }
        note.set(said.join(" "));
        reply.set(filled.text);
        if foreign {
            translate.run(language);
        }
    };
    view! {
        <label for=ids::SAVED_REPLY>"Saved replies (for this kind of case first)"</label>
        <select id=ids::SAVED_REPLY on:change=move |ev| chosen.set(event_target_value(&ev))>
            {move || replies.get().into_iter().map(|r| {
                let label = match r.category {
                    Some(c) => format!("{} · {}{}", r.name, c.code(), if r.starter { " · starter" } else { "" }),
                    None => r.name.clone(),
                };
                view! { <option value=r.id.clone() selected=chosen.get_untracked() == r.id>{label}</option> }
            }).collect_view()}
        </select>
        <button id=ids::SAVED_REPLY_INSERT on:click=move |_| insert()>"Insert in the reply"</button>
        <p id=ids::SAVED_REPLY_NOTE class="meta" role="status">{move || note.get()}</p>
    }
}

/// What the case gives a saved reply's placeholders, in the shopper's language.
fn reply_values(case: &CaseDetail) -> Values {
    let c = &case.case;
    let locale = c.details.locale.as_str();
    let tracking_link = case.outcomes.iter().rev().find_map(|o| match &o.done {
        Done::Shipped { carrier, tracking } => outcome::tracking_link(carrier, tracking),
        _ => None,
    });
    let offer = case
        .offers
        .iter()
        .rev()
        .find(|o| o.state == OfferState::Offered)
        .and_then(|o| o.amount.as_ref())
        .map(|money| money_in(money, locale));
    Values {
        reference: Some(c.reference.as_str().to_owned()),
        shopper_name: None,
        respond_by: Some(date_time_in(&c.respond_by, locale)),
        order_number: Some(c.details.order_number.clone()),
        tracking_link,
        offer,
    }
}

enum Request {
    Update(CaseUpdate),
    Note(AgentMessage),
    Reply(AgentMessage),
    Offer(OfferDraft),
    Withdraw(u32),
    Outcome(Done),
}

const OUTCOME_KINDS: [&str; 5] = [
    "refund_issued",
    "shipped",
    "credit",
    "repaired",
    "no_action",
];

/// The outcome form's fields, as the agent types them.
#[derive(Clone, Copy)]
struct OutcomeForm {
    kind: RwSignal<String>,
    amount: RwSignal<String>,
    currency: RwSignal<String>,
    reference: RwSignal<String>,
    carrier: RwSignal<String>,
    tracking: RwSignal<String>,
    code: RwSignal<String>,
    text: RwSignal<String>,
}

impl OutcomeForm {
    fn new(currency: String) -> OutcomeForm {
        OutcomeForm {
            kind: RwSignal::new(OUTCOME_KINDS[0].to_owned()),
            amount: RwSignal::new(String::new()),
            currency: RwSignal::new(currency),
            reference: RwSignal::new(String::new()),
            carrier: RwSignal::new(String::new()),
            tracking: RwSignal::new(String::new()),
            code: RwSignal::new(String::new()),
            text: RwSignal::new(String::new()),
        }
    }

    fn reset(&self) {
        for field in [
            self.amount,
            self.reference,
            self.carrier,
            self.tracking,
            self.code,
            self.text,
        ] {
            field.set(String::new());
        }
    }

    /// The outcome the form describes; the edge checks the rest.
    fn done(&self, currencies: &[String]) -> Result<Done, String> {
        let typed = self.amount.get_untracked();
        let currency = self.currency.get_untracked();
        let currency = if currency.is_empty() {
            currencies.first().cloned().unwrap_or_default()
        } else {
            currency
        };
        let amount = || {
            Money::parse(&typed, &currency)
                .ok_or_else(|| format!("{typed:?} is not an amount: write it as 12.30"))
        };
        Ok(match self.kind.get_untracked().as_str() {
            "refund_issued" => Done::RefundIssued {
                amount: amount()?,
                reference: self.reference.get_untracked(),
            },
            "shipped" => Done::Shipped {
                carrier: self.carrier.get_untracked(),
                tracking: self.tracking.get_untracked(),
            },
            "credit" => Done::Credit {
                code: self.code.get_untracked(),
                amount: if typed.trim().is_empty() {
                    None
                } else {
                    Some(amount()?)
                },
            },
            "repaired" => Done::Repaired {
                note: self.text.get_untracked(),
            },
            _ => Done::NoAction {
                reason: self.text.get_untracked(),
            },
        })
    }
}

/// An offer as agents read it: `partial_refund 12.30 EUR`.
fn describe(offer: &Offer) -> String {
    match &offer.amount {
        Some(money) => format!(
            "#{} {} {} {}",
            offer.number,
            offer.kind.code(),
            money.decimal(),
            money.currency
        ),
        None => format!("#{} {}", offer.number, offer.kind.code()),
    }
}
