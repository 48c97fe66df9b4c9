//! The one error shape every Redress endpoint answers with, and its stable codes.
//!
//! ```json
//! {"error": {"code": "validation_failed", "message": "...",
//!            "fields": [{"field": "email", "code": "invalid_email", "message": "..."}]}}
//! ```

use serde::{Deserialize, Serialize};

/// Stable, machine-readable error codes, each tied to one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// One or more fields are wrong; see `fields`.
    ValidationFailed,
    /// The body is not the JSON the endpoint expects.
    MalformedJson,
    /// An upload did not say how long it is.
    LengthRequired,
    /// A body, or a file for its type, is over the limit.
    PayloadTooLarge,
    /// The file's bytes are not of an allowed type.
    FileTypeNotAllowed,
    /// The file's bytes disagree with the type it was declared as.
    FileTypeMismatch,
    /// The upload ended before its declared length, or ran past it.
    IncompleteUpload,
    /// The file's bytes start as an allowed type but its structure is broken, cut off,
    /// or followed by something else (a polyglot).
    FileMalformed,
    /// The image declares more pixels than an agent's browser should decode.
    ImageTooLarge,
    /// No agent token, or one that is unknown or revoked.
    Unauthorized,
    /// The request's `Origin` is not one the store allows.
    OriginNotAllowed,
    /// The store id is not one Redress serves.
    UnknownStore,
    /// No such case, evidence or other resource (or not this caller's to see).
    NotFound,
    /// Nothing is served at this path: a mistyped URL, not a missing resource.
    RouteNotFound,
    MethodNotAllowed,
    /// The case cannot move to that status from where it is.
    IllegalTransition,
    /// Someone changed the case since it was read; read it again and retry.
    EditConflict,
    /// The offer was answered, withdrawn or has expired.
    OfferNotOpen,
    /// The case was already rated (with another score or comment).
    AlreadyRated,
    /// The case is not resolved, or was resolved too long ago to be rated.
    RatingClosed,
    /// The `Idempotency-Key` was first used with a different request.
    IdempotencyKeyReused,
    /// The form's token is missing, forged, for another store, or a day old.
    FormTokenInvalid,
    /// The form came back sooner after it was opened than a person could fill it in.
    SubmittedTooSoon,
    /// A field only scripts fill in was filled in.
    LooksAutomated,
    /// The store asks for Cloudflare Turnstile and its check did not pass.
    TurnstileFailed,
    /// Too many requests from this client or for this store; see `Retry-After`.
    RateLimited,
    /// A storage service failed; nothing was written, the request may be retried.
    StorageUnavailable,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 28] = [
        ErrorCode::ValidationFailed,
        ErrorCode::MalformedJson,
        ErrorCode::LengthRequired,
        ErrorCode::PayloadTooLarge,
        ErrorCode::FileTypeNotAllowed,
        ErrorCode::FileTypeMismatch,
        ErrorCode::IncompleteUpload,
        ErrorCode::FileMalformed,
        ErrorCode::ImageTooLarge,
        ErrorCode::Unauthorized,
        ErrorCode::OriginNotAllowed,
        ErrorCode::UnknownStore,
        ErrorCode::NotFound,
        ErrorCode::RouteNotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::IllegalTransition,
        ErrorCode::EditConflict,
        ErrorCode::OfferNotOpen,
        ErrorCode::AlreadyRated,
        ErrorCode::RatingClosed,
        ErrorCode::IdempotencyKeyReused,
        ErrorCode::FormTokenInvalid,
        ErrorCode::SubmittedTooSoon,
        ErrorCode::LooksAutomated,
        ErrorCode::TurnstileFailed,
        ErrorCode::RateLimited,
        ErrorCode::StorageUnavailable,
        ErrorCode::Internal,
    ];

    pub fn status(self) -> u16 {
        match self {
            ErrorCode::ValidationFailed
            | ErrorCode::MalformedJson
            | ErrorCode::IncompleteUpload => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::OriginNotAllowed
            | ErrorCode::FormTokenInvalid
            | ErrorCode::TurnstileFailed => 403,
            ErrorCode::UnknownStore | ErrorCode::NotFound | ErrorCode::RouteNotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::IllegalTransition
            | ErrorCode::EditConflict
            | ErrorCode::OfferNotOpen
            | ErrorCode::AlreadyRated
            | ErrorCode::RatingClosed => 409,
            ErrorCode::LengthRequired => 411,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::IdempotencyKeyReused
            | ErrorCode::SubmittedTooSoon
            | ErrorCode::LooksAutomated => 422,
            // 422, not 415: the type is one we accept and the one declared (415 says
            // so when it is not); it is this file's content that cannot be processed.
            // Nor 413: a few bytes can declare a 60,000 x 60,000 image.
            ErrorCode::FileMalformed | ErrorCode::ImageTooLarge => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::FileTypeNotAllowed | ErrorCode::FileTypeMismatch => 415,
            ErrorCode::Internal => 500,
            ErrorCode::StorageUnavailable => 503,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// The JSON envelope: `{"error": ApiError}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ApiError,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn validation(fields: Vec<FieldError>) -> ApiError {
        ApiError {
            code: ErrorCode::ValidationFailed,
            message: "Some fields need attention.".to_owned(),
            fields,
        }
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }

    pub fn into_body(self) -> ErrorBody {
        ErrorBody { error: self }
    }
}

/// Why a field was refused. The snake_case codes are stable API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    Required,
    TooShort,
    TooLong,
    InvalidFormat,
    InvalidEmail,
    InvalidUrl,
    UnknownResolution,
    UnknownCategory,
    OutOfRange,
    TooManyFiles,
    DuplicateFile,
    /// Known only to the edge: the token is unknown, expired or another store's.
    UnknownEvidence,
}

impl FieldErrorCode {
    pub const ALL: [FieldErrorCode; 12] = [
        FieldErrorCode::Required,
        FieldErrorCode::TooShort,
        FieldErrorCode::TooLong,
        FieldErrorCode::InvalidFormat,
        FieldErrorCode::InvalidEmail,
        FieldErrorCode::InvalidUrl,
        FieldErrorCode::UnknownResolution,
        FieldErrorCode::UnknownCategory,
        FieldErrorCode::OutOfRange,
        FieldErrorCode::TooManyFiles,
        FieldErrorCode::DuplicateFile,
        FieldErrorCode::UnknownEvidence,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FieldErrorCode::Required => "required",
            FieldErrorCode::TooShort => "too_short",
            FieldErrorCode::TooLong => "too_long",
            FieldErrorCode::InvalidFormat => "invalid_format",
            FieldErrorCode::InvalidEmail => "invalid_email",
            FieldErrorCode::InvalidUrl => "invalid_url",
            FieldErrorCode::UnknownResolution => "unknown_resolution",
            FieldErrorCode::UnknownCategory => "unknown_category",
            FieldErrorCode::OutOfRange => "out_of_range",
            FieldErrorCode::TooManyFiles => "too_many_files",
            FieldErrorCode::DuplicateFile => "duplicate_file",
            FieldErrorCode::UnknownEvidence => "unknown_evidence",
        }
    }

    pub fn from_code(code: &str) -> Option<FieldErrorCode> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// One refused field, with an English message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: FieldErrorCode,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: FieldErrorCode, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_owned(),
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_serialise_with_codes_and_fields() {
        let error = ApiError::validation(vec![FieldError::new(
            "email",
            FieldErrorCode::InvalidEmail,
            "bad",
        )]);
        let json = serde_json::to_value(error.into_body()).expect("serialises");
        assert_eq!(json["error"]["code"], "validation_failed");
        assert_eq!(json["error"]["fields"][0]["field"], "email");
        assert_eq!(json["error"]["fields"][0]["code"], "invalid_email");
    }

    #[test]
    fn codes_map_to_the_documented_statuses() {
        assert_eq!(ErrorCode::ValidationFailed.status(), 400);
        assert_eq!(ErrorCode::PayloadTooLarge.status(), 413);
        assert_eq!(ErrorCode::FileTypeNotAllowed.status(), 415);
        assert_eq!(ErrorCode::FileTypeMismatch.status(), 415);
        assert_eq!(ErrorCode::NotFound.status(), 404);
        assert_eq!(ErrorCode::MethodNotAllowed.status(), 405);
    }

    #[test]
    fn files_that_are_not_what_they_claim_are_unprocessable_not_unsupported() {
        assert_eq!(ErrorCode::FileMalformed.status(), 422);
        assert_eq!(ErrorCode::ImageTooLarge.status(), 422);
        for (code, text) in [
            (ErrorCode::FileMalformed, "file_malformed"),
            (ErrorCode::ImageTooLarge, "image_too_large"),
        ] {
            assert_eq!(serde_json::to_value(code).expect("serialises"), text);
            assert!(ErrorCode::ALL.contains(&code));
        }
    }

    #[test]
    fn every_code_is_listed_once_in_all() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code), "{code:?} twice");
            assert!((400..600).contains(&code.status()), "{code:?} is an error");
        }
    }

    #[test]
    fn a_field_error_code_has_the_same_text_in_json_and_in_code() {
        for code in [
            FieldErrorCode::Required,
            FieldErrorCode::UnknownEvidence,
            FieldErrorCode::TooManyFiles,
        ] {
            assert_eq!(serde_json::to_value(code).expect("serialises"), code.code());
        }
    }
}
