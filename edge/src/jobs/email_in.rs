//! Replies by email: Cloudflare Email Routing hands mail sent to the reply domain to
//! the worker's `email` handler. A reply lands only on the case its address was made
//! for (`shared::email_reply`), only from the address on that case; machines (auto-
//! replies, bounces, list mail) are dropped unanswered, so mail never loops. The
//! shopper's own words join the conversation as a message from the case page would; the
//! files attached to it are judged as uploads are, each kept or refused on its own (a
//! refused file never loses the message).

use mail_parser::{MessageParser, MimeHeaders};
use redress_shared::intake::{judge_attachment, StoredUpload};
use redress_shared::validate::{validate_message, Limits};
use redress_shared::{email_reply, hex, Case, EvidenceKind, UploadToken};
use sha2::{Digest, Sha256};
use worker::{Env, ForwardableEmailMessage, Headers, HttpMetadata};

use crate::api::{evidence_upload, shopper_status};
use crate::db::{cases, stores};
use crate::jobs::outbox;
use crate::{bindings, clock};

/// Far above any reply with its text; attachments beyond it are refused whole.
const MAX_EMAIL_BYTES: f64 = 25.0 * 1024.0 * 1024.0;

/// Handles one incoming email. What cannot land is refused with a reason the sender's
/// mail server reports back; nothing is ever written for it.
pub async fn receive(message: ForwardableEmailMessage, env: &Env) {
    match land(&message, env).await {
        Ok(Landed::Message) => {}
        Ok(Landed::Dropped(why)) => {
            worker::console_log!("dropped an automatic email ({})", why.code())
        }
        Err(refusal) => {
            worker::console_warn!("refused an email: {refusal:?}");
            message.set_reject(&refusal.reason());
        }
    }
}

enum Landed {
    Message,
    Dropped(email_reply::Automatic),
}

/// Why an email does not join a case.
#[derive(Debug)]
enum Refusal {
    /// Not a reply address of ours, its signature does not hold, or its case is gone.
    UnknownAddress,
    /// From another address than the case's.
    NotTheShopper,
    TooLarge,
    Unreadable,
    /// The shopper's words break a message's rules (empty, control characters...).
    NotAMessage(String),
    /// Storage could not be reached: the sender's server should try again later.
    Unavailable,
}

impl Refusal {
    /// What the sender's mail server reports back.
    fn reason(&self) -> String {
        match self {
            Refusal::UnknownAddress => "This address does not accept email.".to_owned(),
            Refusal::NotTheShopper => {
                "Only the address this case was filed from can answer it.".to_owned()
            }
            Refusal::TooLarge => "This email is too large.".to_owned(),
            Refusal::Unreadable => "This email could not be read.".to_owned(),
            Refusal::NotAMessage(why) => {
                format!("This reply could not be added to the case: {why}")
            }
            Refusal::Unavailable => {
                "The complaints service is unavailable; please try again later.".to_owned()
            }
        }
    }
}

async fn land(message: &ForwardableEmailMessage, env: &Env) -> Result<Landed, Refusal> {
    let (Some(key), Some(domain)) = (bindings::signing_key(env), bindings::reply_domain(env))
    else {
        return Err(Refusal::UnknownAddress);
    };
    let headers = Headers(message.headers());
    let header = |name: &str| headers.get(name).ok().flatten();
    let from = message.from();
    if let Some(why) = email_reply::automatic(
        header("Auto-Submitted").as_deref(),
        header("Precedence").as_deref(),
        header("Return-Path").as_deref(),
        header("X-Auto-Response-Suppress").as_deref(),
        &from,
    ) {
        return Ok(Landed::Dropped(why));
    }
    let to = message.to();
    let case_id = email_reply::case_of_address(key.as_bytes(), &to, &domain)
        .ok_or(Refusal::UnknownAddress)?;
    let db = bindings::db(env).map_err(|_| Refusal::Unavailable)?;
    let case = cases::load(&db, case_id)
        .await
        .map_err(|_| Refusal::Unavailable)?
        .ok_or(Refusal::UnknownAddress)?;
    if !from.trim().eq_ignore_ascii_case(case.details.email.trim()) {
        return Err(Refusal::NotTheShopper);
    }
    if message.raw_size() > MAX_EMAIL_BYTES {
        return Err(Refusal::TooLarge);
    }
    let raw = message.raw_bytes().await.map_err(|_| Refusal::Unreadable)?;
    let parsed = MessageParser::default()
        .parse(&raw)
        .ok_or(Refusal::Unreadable)?;
    let text = parsed.body_text(0).unwrap_or_default();
    let words =
        validate_message(&email_reply::own_words(&text), &Limits::default()).map_err(|errors| {
            let why = errors.first().map_or("", |e| e.message.as_str());
            Refusal::NotAMessage(why.to_owned())
        })?;
    let written =
        shopper_status::record_message(env, &db, &case.details.store_id, case.id.as_str(), &words)
            .await
            .map_err(|_| Refusal::Unavailable)?;
    if !written {
        return Err(Refusal::Unavailable);
    }
    keep_attachments(env, &db, &case, &parsed).await;
    Ok(Landed::Message)
}

/// Keeps each attached file that passes the evidence checks as the case's evidence.
async fn keep_attachments(
    env: &Env,
    db: &worker::D1Database,
    case: &Case,
    parsed: &mail_parser::Message<'_>,
) {
    if parsed.attachment_count() == 0 {
        return;
    }
    let limits = match stores::load(db, &case.details.store_id).await {
        Ok(Some(store)) => store.config.evidence,
        _ => Default::default(),
    };
    let mut kept = case.evidence.len();
    let mut kept_bytes: u64 = case.evidence.iter().map(|e| e.size).sum();
    for part in parsed.attachments() {
        let bytes = part.contents();
        let name = part.attachment_name().unwrap_or("attachment");
        match judge_attachment(bytes, &limits, kept, kept_bytes) {
            Ok(kind) => match keep(env, db, case, kind, name, bytes).await {
                Ok(()) => {
                    kept += 1;
                    kept_bytes += bytes.len() as u64;
                }
                Err(e) => {
                    worker::console_error!("case {}: an attachment was lost: {e}", case.id.as_str())
                }
            },
            Err(why) => {
                worker::console_warn!("case {}: attachment refused: {why:?}", case.id.as_str())
            }
        }
    }
    outbox::announce(env, db, case.id.as_str()).await;
}

/// Stores one file in R2 and records it on the case; an object whose rows could not be
/// written is deleted again.
async fn keep(
    env: &Env,
    db: &worker::D1Database,
    case: &Case,
    kind: EvidenceKind,
    name: &str,
    bytes: &[u8],
) -> Result<(), String> {
    let store_id = &case.details.store_id;
    let random = |e: redress_shared::ApiError| e.message;
    let r2_key = format!(
        "evidence/{store_id}/{}",
        hex(&clock::random::<16>().map_err(random)?)
    );
    let bucket = bindings::evidence(env).map_err(|e| e.message)?;
    bucket
        .put(&r2_key, bytes.to_vec())
        .http_metadata(HttpMetadata {
            content_type: Some(kind.mime().to_owned()),
            ..HttpMetadata::default()
        })
        .execute()
        .await
        .map_err(|e| e.to_string())?;
    let upload = StoredUpload {
        token: UploadToken::from_random(clock::random().map_err(random)?)
            .as_str()
            .to_owned(),
        store_id: store_id.clone(),
        r2_key,
        kind,
        content_type: kind.mime().to_owned(),
        size: bytes.len() as u64,
        sha256: hex(&Sha256::digest(bytes)),
        file_name: redress_shared::evidence::sanitize_file_name(name),
        claimed_by: None,
        created_at: clock::now_rfc3339(),
    };
    let rows = cases::add_evidence(db, case.id.as_str(), &upload);
    evidence_upload::record(env, &upload, rows)
        .await
        .map_err(|e| e.message)
}
