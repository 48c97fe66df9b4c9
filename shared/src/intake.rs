//! Turning a valid complaint into a case: which uploads it may claim as evidence, the
//! store's total-size limit, what only the edge knows about it (repeat complaints, the
//! order's value), and the case itself with its deadline; and the files a shopper
//! attaches to a reply by email, judged as uploads are. The edge's handler reads,
//! calls these, writes.

use serde::Deserialize;

use crate::api_error::{FieldError, FieldErrorCode};
use crate::case::{Case, CaseEvidence, CaseId, CaseReference, CaseStatus};
use crate::categorize::{Classification, EdgeContext};
use crate::complaint::ValidComplaint;
use crate::evidence::{
    check_container, sniff, ContainerError, EvidenceKind, EvidenceLimits, FileRefusal,
    UPLOAD_TTL_HOURS,
};
use crate::service_level::ServiceLevels;
use crate::store::StoreConfig;
use crate::time::{rfc3339, MS_PER_DAY, MS_PER_HOUR};

/// Earlier complaints from the same email or about the same order within this many
/// days raise a new one's priority.
pub const REPEAT_WINDOW_DAYS: u32 = 7;

/// Where the repeat window starts for a complaint filed at `now_ms`.
pub fn repeat_window_start(now_ms: i64) -> String {
    rfc3339(now_ms - i64::from(REPEAT_WINDOW_DAYS) * MS_PER_DAY)
}

/// An upload as stored (`uploads`), before or after a case claims it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StoredUpload {
    pub token: String,
    pub store_id: String,
    pub r2_key: String,
    pub kind: EvidenceKind,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub file_name: String,
    /// Set when a case already claimed this upload.
    pub claimed_by: Option<String>,
    /// When it was uploaded (RFC 3339): unclaimed uploads expire.
    pub created_at: String,
}

impl StoredUpload {
    pub fn as_case_evidence(&self) -> CaseEvidence {
        CaseEvidence {
            kind: self.kind,
            content_type: self.content_type.clone(),
            size: self.size,
            sha256: self.sha256.clone(),
            file_name: self.file_name.clone(),
        }
    }
}

/// Why a file that arrived whole (attached to a reply by email) is not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentRefusal {
    /// Its bytes are none of the kinds evidence may be.
    NotAllowed,
    /// Too many files, too large for its kind or in all, or empty.
    Limits(FileRefusal),
    /// Not what it claims to be (`evidence::container`).
    Malformed(ContainerError),
}

/// An attachment judged as an upload is: its kind by its bytes, the store's limits with
/// the case's `kept` files of `kept_bytes` in all, and its container to the end.
pub fn judge_attachment(
    bytes: &[u8],
    limits: &EvidenceLimits,
    kept: usize,
    kept_bytes: u64,
) -> Result<EvidenceKind, AttachmentRefusal> {
    let kind = sniff(bytes).ok_or(AttachmentRefusal::NotAllowed)?;
    if let Some(refusal) = limits.refusal_for(kind.mime(), bytes.len() as u64, kept, kept_bytes) {
        return Err(AttachmentRefusal::Limits(refusal));
    }
    check_container(kind, bytes).map_err(AttachmentRefusal::Malformed)?;
    Ok(kind)
}

/// The uploads the complaint refers to, if every one exists (is in `found`), belongs
/// to the complaint's store, is younger than [`UPLOAD_TTL_HOURS`] at `now_ms` and is
/// not yet evidence of another case; otherwise a field error for each that is not.
/// The same bytes uploaded twice are one piece of evidence: the spare upload stays
/// unclaimed and expires.
pub fn claimable_uploads(
    complaint: &ValidComplaint,
    found: &[StoredUpload],
    now_ms: i64,
) -> Result<Vec<StoredUpload>, Vec<FieldError>> {
    let fresh_since = rfc3339(now_ms - i64::from(UPLOAD_TTL_HOURS) * MS_PER_HOUR);
    let mut uploads: Vec<StoredUpload> = Vec::with_capacity(complaint.evidence.len());
    let mut errors = Vec::new();
    for (i, token) in complaint.evidence.iter().enumerate() {
        let usable = found.iter().find(|row| {
            row.token == token.as_str()
                && row.store_id == complaint.details.store_id
                && row.claimed_by.is_none()
                && row.created_at >= fresh_since
        });
        match usable {
            Some(row) if uploads.iter().any(|u| u.sha256 == row.sha256) => {}
            Some(row) => uploads.push(row.clone()),
            None => errors.push(FieldError::new(
                &format!("evidence[{i}]"),
                FieldErrorCode::UnknownEvidence,
                "This file is unknown, expired, or already attached to another case. Upload it again.",
            )),
        }
    }
    if errors.is_empty() {
        Ok(uploads)
    } else {
        Err(errors)
    }
}

/// The store's limit on all of a complaint's evidence together.
pub fn check_total_size(
    uploads: &[StoredUpload],
    limits: &EvidenceLimits,
) -> Result<(), FieldError> {
    let total: u64 = uploads.iter().map(|u| u.size).sum();
    if total > limits.max_total_bytes {
        return Err(FieldError::new(
            "evidence",
            FieldErrorCode::OutOfRange,
            format!(
                "Attach at most {} MB in all.",
                limits.max_total_bytes / (1024 * 1024)
            ),
        ));
    }
    Ok(())
}

/// The categorizer's verdict on the text, raised by what only the edge knows: earlier
/// complaints in the repeat window and the order's value against the store's threshold.
pub fn with_edge_context(
    classification: Classification,
    complaint: &ValidComplaint,
    store: &StoreConfig,
    recent_complaints: u32,
) -> Classification {
    let context = EdgeContext {
        recent_complaints,
        order_value: complaint.details.order_value,
        high_value_threshold: store.high_value_order_minor,
    };
    let Classification { assessment, lang } = classification;
    Classification {
        assessment: assessment.with_context(&context),
        lang,
    }
}

/// What the edge draws from the world for a new case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    pub id: CaseId,
    pub reference: CaseReference,
    pub at_ms: i64,
    /// Where the request came from (`case::country_code`).
    pub country: Option<String>,
}

/// The case a complaint becomes: new, due by the store's service levels for its
/// priority (`levels`: the store's, on its calendar).
pub fn new_case(
    complaint: ValidComplaint,
    classification: Classification,
    levels: &ServiceLevels<'_>,
    uploads: &[StoredUpload],
    filing: Filing,
) -> Case {
    let (respond_by, resolve_by) =
        levels.due_at_filing(filing.at_ms, classification.assessment.priority);
    Case {
        id: filing.id,
        reference: filing.reference,
        status: CaseStatus::New,
        details: complaint.details,
        classification,
        evidence: uploads.iter().map(StoredUpload::as_case_evidence).collect(),
        created_at: rfc3339(filing.at_ms),
        respond_by,
        resolve_by,
        country: filing.country,
    }
}

#[cfg(all(test, feature = "embedded-lexicon"))]
mod tests {
    use super::*;
    use crate::categorize::{assess, Priority};
    use crate::evidence::UploadToken;

    const NOW: i64 = 1_764_000_000_000;

    fn complaint(tokens: &[UploadToken]) -> ValidComplaint {
        let mut details =
            crate::chat_message::tests::case("A-1", "The lamp arrived broken.").details;
        details.order_value = Some(25_000);
        ValidComplaint {
            details,
            evidence: tokens.to_vec(),
        }
    }

    fn token(n: u8) -> UploadToken {
        UploadToken::from_random([n; 16])
    }

    fn upload(n: u8, sha: &str) -> StoredUpload {
        StoredUpload {
            token: token(n).as_str().to_owned(),
            store_id: "demo-store".into(),
            r2_key: format!("evidence/demo-store/{n}"),
            kind: EvidenceKind::Png,
            content_type: "image/png".into(),
            size: 1024 * 1024,
            sha256: sha.into(),
            file_name: "photo.png".into(),
            claimed_by: None,
            created_at: rfc3339(NOW - MS_PER_HOUR),
        }
    }

    fn refused_fields(result: Result<Vec<StoredUpload>, Vec<FieldError>>) -> Vec<String> {
        result
            .expect_err("refused")
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn fresh_uploads_of_the_same_store_are_claimed_in_order_and_duplicates_kept_once() {
        let found = [upload(2, "bb"), upload(1, "aa"), upload(3, "aa")];
        let claimed = claimable_uploads(&complaint(&[token(1), token(2), token(3)]), &found, NOW)
            .expect("claimable");
        let tokens: Vec<&str> = claimed.iter().map(|u| u.token.as_str()).collect();
        assert_eq!(tokens, [token(1).as_str(), token(2).as_str()]);
    }

    #[test]
    fn unknown_foreign_claimed_and_expired_uploads_are_each_refused_by_position() {
        let mut foreign = upload(2, "b");
        foreign.store_id = "other-store".into();
        let mut claimed = upload(3, "c");
        claimed.claimed_by = Some("case".into());
        let mut expired = upload(4, "d");
        expired.created_at = rfc3339(NOW - 25 * MS_PER_HOUR);
        let found = [upload(0, "z"), foreign, claimed, expired];
        let tokens = [token(0), token(1), token(2), token(3), token(4)];
        assert_eq!(
            refused_fields(claimable_uploads(&complaint(&tokens), &found, NOW)),
            ["evidence[1]", "evidence[2]", "evidence[3]", "evidence[4]"]
        );
    }

    #[test]
    fn the_total_is_held_to_the_stores_limit() {
        let limits = EvidenceLimits {
            max_total_bytes: 2 * 1024 * 1024,
            ..EvidenceLimits::default()
        };
        let two = [upload(1, "a"), upload(2, "b")];
        assert_eq!(check_total_size(&two, &limits), Ok(()));
        let three = [upload(1, "a"), upload(2, "b"), upload(3, "c")];
        let refused = check_total_size(&three, &limits).expect_err("over");
        assert_eq!(
            (refused.field.as_str(), refused.code),
            ("evidence", FieldErrorCode::OutOfRange)
        );
    }

    #[test]
    fn a_repeat_complaint_or_a_valuable_order_raises_priority_to_high() {
        let verdict = || Classification {
            assessment: assess("The colour is a bit different from the photo."),
            lang: "en".into(),
        };
        let mut store = StoreConfig::new("demo-store", "Demo");
        assert!(verdict().assessment.priority < Priority::High);
        let plain = with_edge_context(verdict(), &complaint(&[]), &store, 0);
        assert_eq!(plain.assessment.priority, verdict().assessment.priority);
        let repeat = with_edge_context(verdict(), &complaint(&[]), &store, 2);
        assert_eq!(repeat.assessment.priority, Priority::High);
        store.high_value_order_minor = Some(20_000);
        let valuable = with_edge_context(verdict(), &complaint(&[]), &store, 0);
        assert_eq!(valuable.assessment.priority, Priority::High);
    }

    #[test]
    fn a_new_case_is_due_by_the_stores_hours_for_its_priority() {
        let store = StoreConfig::new("demo-store", "Demo");
        let classification = Classification {
            assessment: assess("The lamp arrived broken."),
            lang: "en".into(),
        };
        let hours = store.policy.hours_for(classification.assessment.priority);
        let filing = Filing {
            id: CaseId::from_random([1; 16]),
            reference: CaseReference::from_random([2; 8]),
            at_ms: NOW,
            country: Some("KR".to_owned()),
        };
        let case = new_case(
            complaint(&[token(1)]),
            classification,
            &store.service_levels(&crate::business_hours::Utc),
            &[upload(1, "a")],
            filing,
        );
        assert_eq!(case.status, CaseStatus::New);
        assert_eq!(case.created_at, rfc3339(NOW));
        assert_eq!(
            case.respond_by,
            rfc3339(NOW + i64::from(hours) * MS_PER_HOUR)
        );
        assert_eq!(case.evidence.len(), 1);
    }

    #[test]
    fn the_repeat_window_is_seven_days() {
        assert_eq!(repeat_window_start(NOW), rfc3339(NOW - 7 * MS_PER_DAY));
    }

    #[test]
    fn an_attachment_is_judged_as_an_upload_is() {
        let limits = EvidenceLimits::default();
        let png = include_bytes!("../../tests/fixtures/cracked-shade.png");
        assert_eq!(judge_attachment(png, &limits, 0, 0), Ok(EvidenceKind::Png));
        assert_eq!(
            judge_attachment(b"<html><script>alert(1)</script>", &limits, 0, 0),
            Err(AttachmentRefusal::NotAllowed)
        );
        assert!(matches!(
            judge_attachment(&png[..png.len() - 20], &limits, 0, 0),
            Err(AttachmentRefusal::Malformed(_))
        ));
        assert_eq!(
            judge_attachment(png, &limits, limits.max_files_per_complaint, 0),
            Err(AttachmentRefusal::Limits(FileRefusal::TooMany {
                max_files: limits.max_files_per_complaint
            }))
        );
    }
}
