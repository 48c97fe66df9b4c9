//! Satisfaction: once a case is resolved, the shopper is asked once how the store
//! handled it, 1 to 5 with an optional comment, for `RATING_DAYS`. The same answer
//! again changes nothing (a link clicked twice, a page reloaded); another score is
//! refused. A score of 1 or 2 flags the case for the store.

use serde::{Deserialize, Serialize};

use crate::api_error::{ApiError, ErrorCode, FieldError, FieldErrorCode};
use crate::case::CaseStatus;
use crate::time::{rfc3339, MS_PER_DAY};
use crate::timeline::EventKind;
use crate::validate::validate_text;
use crate::workflow::Events;

/// How long after resolving the shopper may answer.
pub const RATING_DAYS: i64 = 14;
/// The longest comment (a message's length).
pub const MAX_COMMENT_CHARS: usize = 5_000;
/// At or below this the case is flagged for the store.
pub const LOW_SCORE: u8 = 2;

/// `POST /v1/status/{reference}/rating`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingSubmission {
    pub score: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A shopper's rating, as agents, webhooks and the shopper see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub score: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub rated_at: String,
}

impl Rating {
    /// Whether the store should look at the case again.
    pub fn is_low(&self) -> bool {
        self.score <= LOW_SCORE
    }
}

/// Why a rating was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RatingError {
    Invalid(Vec<FieldError>),
    /// The case is not resolved, or was resolved more than `RATING_DAYS` ago.
    Closed,
    /// The shopper already gave another score (or another comment).
    AlreadyRated,
}

impl From<RatingError> for ApiError {
    fn from(error: RatingError) -> ApiError {
        match error {
            RatingError::Invalid(fields) => ApiError::validation(fields),
            RatingError::Closed => ApiError::new(
                ErrorCode::RatingClosed,
                format!("A case is rated once it is resolved, for {RATING_DAYS} days."),
            ),
            RatingError::AlreadyRated => {
                ApiError::new(ErrorCode::AlreadyRated, "This case was already rated.")
            }
        }
    }
}

/// Where a case stands for rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatingWindow<'a> {
    pub status: CaseStatus,
    /// When it was last resolved (RFC 3339, compared as text).
    pub resolved_at: Option<&'a str>,
    pub now_ms: i64,
    pub rated: Option<&'a Rating>,
}

impl RatingWindow<'_> {
    /// Whether the shopper may rate now (the case page shows the question).
    pub fn is_open(&self) -> bool {
        let opened_since = rfc3339(self.now_ms - RATING_DAYS * MS_PER_DAY);
        self.rated.is_none()
            && self.status == CaseStatus::Resolved
            && self
                .resolved_at
                .is_some_and(|at| at > opened_since.as_str())
    }
}

/// What rating does: the rating to store and its timeline entries (the score, then the
/// comment as the shopper's message), or nothing when the same rating is given again.
pub fn rate(
    window: RatingWindow<'_>,
    given: &RatingSubmission,
    at: &str,
) -> Result<Option<(Rating, Events)>, RatingError> {
    if !(1..=5).contains(&given.score) {
        return Err(RatingError::Invalid(vec![FieldError::new(
            "score",
            FieldErrorCode::OutOfRange,
            "A score is 1 to 5.",
        )]));
    }
    let comment = match given.comment.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => {
            Some(validate_text("comment", text, MAX_COMMENT_CHARS).map_err(RatingError::Invalid)?)
        }
    };
    if let Some(rated) = window.rated {
        // The same answer again (a link clicked twice) is no new rating.
        let same_comment = comment.is_none() || comment == rated.comment;
        return if rated.score == given.score && same_comment {
            Ok(None)
        } else if rated.score == given.score && rated.comment.is_none() {
            // The comment the page asks for after a one-click score.
            let rating = Rating {
                comment,
                ..rated.clone()
            };
            let events = vec![(EventKind::ShopperMessage, rating.comment.clone())];
            Ok(Some((rating, events)))
        } else {
            Err(RatingError::AlreadyRated)
        };
    }
    if !window.is_open() {
        return Err(RatingError::Closed);
    }
    let mut events = vec![(EventKind::Rated, Some(given.score.to_string()))];
    if let Some(text) = &comment {
        events.push((EventKind::ShopperMessage, Some(text.clone())));
    }
    let rating = Rating {
        score: given.score,
        comment,
        rated_at: at.to_owned(),
    };
    Ok(Some((rating, events)))
}

/// The case page's address that answers `score` at once: the case link with the score
/// in its query (the page sends it; a mail scanner fetching the link runs no script, so
/// rates nothing).
pub fn rating_link(case_link: &str, score: u8) -> String {
    match case_link.split_once('#') {
        Some((page, fragment)) => format!("{page}?rate={score}#{fragment}"),
        None => format!("{case_link}?rate={score}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESOLVED_MS: i64 = 1_796_000_000_000;
    const AT: &str = "2026-12-02T10:00:00.000Z";
    const RESOLVED_AT: &str = "2026-11-30T00:53:20.000Z";

    fn window(rated: Option<&Rating>) -> RatingWindow<'_> {
        RatingWindow {
            status: CaseStatus::Resolved,
            resolved_at: Some(RESOLVED_AT),
            now_ms: RESOLVED_MS + MS_PER_DAY,
            rated,
        }
    }

    fn given(score: u8, comment: Option<&str>) -> RatingSubmission {
        RatingSubmission {
            score,
            comment: comment.map(str::to_owned),
        }
    }

    #[test]
    fn a_resolved_case_is_rated_once_with_its_comment_as_the_shoppers_message() {
        let (rating, events) = rate(window(None), &given(2, Some(" Too slow. ")), AT)
            .expect("open")
            .expect("a new rating");
        assert_eq!(rating.score, 2);
        assert_eq!(rating.comment.as_deref(), Some("Too slow."));
        assert!(rating.is_low());
        assert_eq!(
            events,
            [
                (EventKind::Rated, Some("2".to_owned())),
                (EventKind::ShopperMessage, Some("Too slow.".to_owned())),
            ]
        );
        assert!(EventKind::Rated.is_public());
    }

    #[test]
    fn the_same_rating_again_changes_nothing_and_another_is_refused() {
        let (rating, _) = rate(window(None), &given(4, None), AT)
            .expect("open")
            .expect("new");
        assert_eq!(rate(window(Some(&rating)), &given(4, None), AT), Ok(None));
        assert_eq!(
            rate(window(Some(&rating)), &given(5, None), AT),
            Err(RatingError::AlreadyRated)
        );
        // The comment the page asks for after a one-click score, once.
        let (commented, events) = rate(window(Some(&rating)), &given(4, Some("Kind.")), AT)
            .expect("a comment")
            .expect("added");
        assert_eq!(commented.comment.as_deref(), Some("Kind."));
        assert_eq!(commented.rated_at, rating.rated_at);
        assert_eq!(
            events,
            [(EventKind::ShopperMessage, Some("Kind.".to_owned()))]
        );
        assert_eq!(
            rate(window(Some(&commented)), &given(4, Some("Kind.")), AT),
            Ok(None)
        );
        assert_eq!(
            rate(window(Some(&commented)), &given(4, Some("Other")), AT),
            Err(RatingError::AlreadyRated)
        );
    }

    #[test]
    fn only_a_case_resolved_in_the_last_fourteen_days_can_be_rated() {
        for status in [
            CaseStatus::New,
            CaseStatus::InProgress,
            CaseStatus::WaitingForShopper,
            CaseStatus::Closed,
        ] {
            let open_case = RatingWindow {
                status,
                ..window(None)
            };
            assert!(!open_case.is_open(), "{status:?}");
            assert_eq!(
                rate(open_case, &given(3, None), AT),
                Err(RatingError::Closed)
            );
        }
        let late = RatingWindow {
            now_ms: RESOLVED_MS + RATING_DAYS * MS_PER_DAY,
            ..window(None)
        };
        assert_eq!(rate(late, &given(3, None), AT), Err(RatingError::Closed));
        let last_moment = RatingWindow {
            now_ms: RESOLVED_MS + RATING_DAYS * MS_PER_DAY - 1,
            ..window(None)
        };
        assert!(last_moment.is_open());
        assert!(window(None).is_open());
        assert_eq!(ApiError::from(RatingError::Closed).status(), 409);
    }

    #[test]
    fn scores_are_one_to_five() {
        for score in [0, 6, 255] {
            let refused = rate(window(None), &given(score, None), AT).expect_err("refused");
            assert!(matches!(refused, RatingError::Invalid(_)), "{score}");
        }
    }

    #[test]
    fn a_rating_link_is_the_case_page_with_the_score_before_the_fragment() {
        assert_eq!(
            rating_link("https://r.example/case/#RD-1.st_x", 2),
            "https://r.example/case/?rate=2#RD-1.st_x"
        );
    }
}
