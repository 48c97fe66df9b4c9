//! The shopper's side of their case, opened by the status token from their receipt: its
//! view (`GET /v1/status/{reference}`), their messages and files to the store, their
//! answers to its offers and their rating of how it went. A wrong token and an unknown
//! reference answer alike, so references cannot be probed.

use redress_shared::agent_api::CaseMessage;
use redress_shared::credentials::is_status_token;
use redress_shared::deadline::ResponseClock;
use redress_shared::offer::{self, Offer, OfferAnswer, OfferError, OfferState};
use redress_shared::public_status::{PublicStatus, Resolving};
use redress_shared::rating::{self, Rating, RatingSubmission, RatingWindow};
use redress_shared::timeline::actor;
use redress_shared::validate::{validate_message, Limits};
use redress_shared::workflow::{self, WorkState};
use redress_shared::{hex, ApiError, ErrorCode};
use worker::{D1Database, Env, Request, Response};

use crate::api::evidence_upload::{self, Room};
use crate::db::agent_cases::{self, Change};
use crate::db::cases::{self, ForShopper};
use crate::db::{events, offers, outcomes, stores};
use crate::jobs::outbox;
use crate::rate_limits::{self, Limit};
use crate::{bindings, clock, db, http};

/// Far above the longest message (5,000 characters of four bytes each).
const MAX_BODY_BYTES: usize = 24 * 1024;

pub async fn handle(req: Request, env: &Env, reference: &str) -> Result<Response, ApiError> {
    let (db, case) = open(&req, env, reference).await?;
    answer(&db, &case).await
}

/// `POST /v1/status/{reference}/messages`: the shopper writes to the store. The message
/// is stored verbatim and announced to the store (`case.shopper_replied`); a case that
/// waited for the shopper goes back to the store.
pub async fn post_message(
    mut req: Request,
    env: &Env,
    reference: &str,
) -> Result<Response, ApiError> {
    let (db, case) = open_to_write(&req, env, reference).await?;
    let message: CaseMessage = http::read_json(&mut req, MAX_BODY_BYTES).await?;
    let text = validate_message(&message.text, &Limits::default()).map_err(ApiError::validation)?;
    if !record_message(env, &db, &case.store_id, &case.id, &text).await? {
        return Err(ApiError::new(
            ErrorCode::EditConflict,
            "The case changed while your message was saved; nothing was saved. Please send it again.",
        ));
    }
    answer_afresh(&db, reference).await
}

/// `POST /v1/status/{reference}/evidence`: the shopper adds a file to their case, one
/// per request, checked and streamed as the widget's uploads are and held to the
/// store's limits beside the files the case already has. It is evidence at once
/// (`case.evidence_added`), and a case that waited for the shopper goes back to the
/// store.
pub async fn post_evidence(req: Request, env: &Env, reference: &str) -> Result<Response, ApiError> {
    rate_limits::count(env, Limit::UploadsPerClient, rate_limits::client(&req)).await?;
    rate_limits::count(env, Limit::MessagesPerCase, reference.to_owned()).await?;
    let (db, case) = open(&req, env, reference).await?;
    let limits = stores::load(&db, &case.store_id)
        .await?
        .map(|store| store.config.evidence)
        .unwrap_or_default();
    let (kept, kept_bytes) = cases::evidence_held(&db, &case.id).await?;
    let room = Room {
        limits,
        kept,
        kept_bytes,
    };
    let received = evidence_upload::receive(&req, env, &case.store_id, &room).await?;
    let upload = &received.upload;
    evidence_upload::record(env, upload, cases::add_evidence(&db, &case.id, upload)).await?;
    // The file is kept whatever happens next; a case that kept changing keeps its status.
    let answered = shopper_acted(env, &db, &case.store_id, &case.id, |from, _| {
        let (to, events) = workflow::shopper_answered(from);
        Ok((to, events, Vec::new()))
    });
    if !answered.await? {
        outbox::announce(env, &db, &case.id).await;
    }
    Ok(answer_afresh(&db, reference).await?.with_status(201))
}

/// Writes the shopper's message (from the case page or a reply by email) and announces
/// it. `false`: the case kept changing and nothing was written.
pub async fn record_message(
    env: &Env,
    db: &D1Database,
    store_id: &str,
    case_id: &str,
    text: &str,
) -> Result<bool, ApiError> {
    let wrote = |from: &WorkState, _: &[Offer]| {
        let (to, events) = workflow::shopper_wrote(from, text);
        Ok((to, events, Vec::new()))
    };
    shopper_acted(env, db, store_id, case_id, wrote).await
}

/// `POST /v1/status/{reference}/offers/{number}`: the shopper accepts, declines or
/// counters an offer (a counter carries their message). Accepting withdraws the case's
/// other open offers; the case goes back to the store, which hears of it
/// (`case.offer_answered`).
pub async fn answer_offer(
    mut req: Request,
    env: &Env,
    reference: &str,
    number: &str,
) -> Result<Response, ApiError> {
    let (db, case) = open_to_write(&req, env, reference).await?;
    let number: u32 = number
        .parse()
        .map_err(|_| ApiError::from(OfferError::NoSuchOffer))?;
    let given: OfferAnswer = http::read_json(&mut req, MAX_BODY_BYTES).await?;
    let now = clock::now_rfc3339();
    let answered = shopper_acted(env, &db, &case.store_id, &case.id, |from, offers| {
        let answered = offer::answer(from, offers, number, &given, &now)?;
        Ok((answered.case, answered.events, answered.moves))
    });
    if !answered.await? {
        return Err(ApiError::new(
            ErrorCode::EditConflict,
            "The case changed while your answer was saved; nothing was saved. Please answer again.",
        ));
    }
    answer_afresh(&db, reference).await
}

/// `POST /v1/status/{reference}/rating`: the shopper rates how the store handled their
/// resolved case, 1 to 5 with an optional comment (what the email's links and the case
/// page send). The same rating again changes nothing; the store hears a new one
/// (`case.rated`), its comment as the shopper's message.
pub async fn post_rating(
    mut req: Request,
    env: &Env,
    reference: &str,
) -> Result<Response, ApiError> {
    let (db, case) = open_to_write(&req, env, reference).await?;
    let given: RatingSubmission = http::read_json(&mut req, MAX_BODY_BYTES).await?;
    let before = case.rating();
    let at = clock::now_rfc3339();
    let window = window(&case, &before, clock::now_ms());
    if let Some((rating, events)) = rating::rate(window, &given, &at)? {
        let write_id = hex(&clock::random::<8>()?);
        let written = cases::rate(
            &db,
            &case.id,
            (before.as_ref(), &rating),
            (&write_id, &at, &events),
        );
        if !written.await? {
            return Err(ApiError::new(
                ErrorCode::EditConflict,
                "The case changed while your rating was saved; nothing was saved. Please rate again.",
            ));
        }
        outbox::announce(env, &db, &case.id).await;
    }
    answer_afresh(&db, reference).await
}

/// Where the case stands for rating at `now_ms`.
fn window<'a>(case: &'a ForShopper, rated: &'a Option<Rating>, now_ms: i64) -> RatingWindow<'a> {
    RatingWindow {
        status: case.status,
        resolved_at: case.resolved_at.as_deref(),
        now_ms,
        rated: rated.as_ref(),
    }
}

/// What the shopper's act does: the case's new work state, its events, and the offers
/// it settles.
type Plan = (WorkState, workflow::Events, Vec<(u32, OfferState)>);

/// Applies what the shopper did (`act`, a rule of `shared::workflow` or `offer`, given
/// the case and its offers) and announces it. A store's change can land between the
/// read and the write; what the shopper did is theirs, so it is tried again on the new
/// state. `false`: the case kept changing.
async fn shopper_acted(
    env: &Env,
    db: &D1Database,
    store_id: &str,
    case_id: &str,
    act: impl Fn(&WorkState, &[Offer]) -> Result<Plan, ApiError>,
) -> Result<bool, ApiError> {
    for _ in 0..3 {
        let (from, offers) = agent_cases::work_and_offers(db, store_id, case_id)
            .await?
            .ok_or_else(not_found)?;
        let (to, events, offer_moves) = act(&from, &offers)?;
        if events.is_empty() {
            // Nothing changes: no write, so no agent's edit is refused for it.
            outbox::announce(env, db, case_id).await;
            return Ok(true);
        }
        let (at, write_id) = (clock::now_rfc3339(), hex(&clock::random::<8>()?));
        let change = Change::new(
            (store_id, case_id),
            actor::SHOPPER,
            (&at, &write_id),
            events,
        )
        .settling(offer_moves);
        let to = super::settle_clocks(db, store_id, (&from, to), &at).await?;
        if agent_cases::apply(db, &change, &from, &to).await? {
            outbox::announce(env, db, case_id).await;
            return Ok(true);
        }
    }
    Ok(false)
}

/// The case a shopper's write (a message, an answer, a rating) is for: counted before
/// anything is read, by the client and by the case it names, then opened.
async fn open_to_write(
    req: &Request,
    env: &Env,
    reference: &str,
) -> Result<(D1Database, ForShopper), ApiError> {
    rate_limits::count(env, Limit::MessagesPerClient, rate_limits::client(req)).await?;
    rate_limits::count(env, Limit::MessagesPerCase, reference.to_owned()).await?;
    open(req, env, reference).await
}

/// The case the request's status token opens.
async fn open(
    req: &Request,
    env: &Env,
    reference: &str,
) -> Result<(D1Database, ForShopper), ApiError> {
    let key = bindings::signing_key(env).ok_or_else(not_found)?;
    let header = http::header(req, "Authorization");
    let token = header
        .as_deref()
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or_else(not_found)?;
    let db = bindings::db(env)?;
    let case = cases::for_shopper(&db, reference)
        .await?
        .ok_or_else(not_found)?;
    if !is_status_token(key.as_bytes(), &case.id, token.trim()) {
        return Err(not_found());
    }
    Ok((db, case))
}

/// The shopper's view of the case as it is after their change.
async fn answer_afresh(db: &D1Database, reference: &str) -> Result<Response, ApiError> {
    let case = cases::for_shopper(db, reference)
        .await?
        .ok_or_else(not_found)?;
    answer(db, &case).await
}

/// The shopper's view of the case.
async fn answer(db: &D1Database, case: &ForShopper) -> Result<Response, ApiError> {
    // One round trip: the public timeline and the offers.
    let results = db::batch(
        db,
        vec![
            events::timeline_statement(db, &case.id, true),
            offers::of_case_statement(db, &case.id),
            outcomes::of_case_statement(db, &case.id),
        ],
    )
    .await?;
    let timeline = events::timeline_from_rows(db::rows(&results, 0)?)?;
    let rating = case.rating();
    let offers = offer::as_of(
        offers::from_rows(db::rows(&results, 1)?)?,
        &clock::now_rfc3339(),
    );
    let clock = ResponseClock {
        status: case.status,
        respond_by: &case.respond_by,
        first_response_at: case.first_response_at.as_deref(),
    };
    let status = PublicStatus::new(
        case.reference.clone(),
        &case.locale,
        clock,
        case.created_at.clone(),
        timeline,
        case.agent_names_shown != 0,
        Resolving {
            offers,
            outcomes: outcomes::from_rows(db::rows(&results, 2)?)?,
            rating_open: window(case, &rating, clock::now_ms()).is_open(),
            rating,
        },
    );
    let response = http::json(200, &status);
    // The view holds the store's replies to one shopper: never in a shared cache.
    let _ = response.headers().set("Cache-Control", "private, no-store");
    Ok(response)
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "No case matches this reference and status link.",
    )
}
