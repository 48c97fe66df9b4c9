//! The complaint model and the rules every part of Redress agrees on.
//!
//! Pure by design: no I/O, no clocks, no randomness, no platform types. The edge and
//! the widget pass in what they read from the world (bytes, random numbers, times)
//! and get back plain values, so the same rules run natively in tests and in wasm.

pub mod agent_api;
pub mod api_error;
pub mod business_hours;
pub mod case;
pub mod case_page_ids;
pub mod categorize;
pub mod chat_message;
pub mod complaint;
pub mod credentials;
pub mod deadline;
pub mod delivery;
pub mod dispute_bundle;
pub mod email_message;
pub mod email_reply;
pub mod encoding;
pub mod evidence;
pub mod export;
pub mod html;
pub mod idempotency;
pub mod inbox_ids;
pub mod inbox_text;
pub mod intake;
#[cfg(feature = "language")]
pub mod language;
pub mod metrics;
pub mod money;
pub mod notification;
pub mod offer;
pub mod outcome;
pub mod photo;
pub mod prefill;
pub mod public_status;
pub mod rate_limit;
pub mod rating;
pub mod routes;
pub mod saved_reply;
pub mod service_level;
pub mod shopper_email;
pub mod spam_guard;
pub mod store;
pub mod template;
pub mod time;
pub mod timeline;
pub mod translation;
pub mod trends;
pub mod turnstile;
pub mod validate;
pub mod webhook_signature;
pub mod widget_ids;
pub mod widget_text;
pub mod workflow;

pub use api_error::{ApiError, ErrorCode, FieldError, FieldErrorCode};
pub use case::{Case, CaseEvidence, CaseId, CaseReceipt, CaseReference, CaseStatus};
pub use complaint::{ComplaintDetails, ComplaintSubmission, Resolution, ValidComplaint};
pub use evidence::{
    sanitize_file_name, sniff, EvidenceKind, EvidenceLimits, UploadReceipt, UploadToken, SNIFF_LEN,
};
pub use notification::{CaseNotification, NotificationEvent};
pub use validate::{validate, validate_file_count, validate_store_id, Limits};

/// Lowercase hex of some bytes (ids, tokens, SHA-256 digests).
pub use encoding::hex;

/// The language code of a text whose language nobody could tell (TAXONOMY.md).
pub const UNDETERMINED_LANGUAGE: &str = "und";
