//! Validation of a submission: every field error at once, each with a stable code.
//!
//! The widget runs this before sending and the edge runs it again as the authority,
//! so a shopper sees the same message in both places.

use crate::api_error::{FieldError, FieldErrorCode};
use crate::categorize::Category;
use crate::complaint::{ComplaintDetails, ComplaintSubmission, Resolution, ValidComplaint};
use crate::evidence::{is_bidi_control, UploadToken};

/// Ten billion in minor units: above any real order, below any float trouble in JSON.
const MAX_ORDER_VALUE: u64 = 1_000_000_000_000;

/// Field limits, in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_id_chars: usize,
    pub max_order_number_chars: usize,
    pub max_email_chars: usize,
    pub max_url_chars: usize,
    pub min_description_chars: usize,
    pub max_description_chars: usize,
    pub max_files: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_id_chars: 64,
            max_order_number_chars: 64,
            max_email_chars: 254,
            max_url_chars: 2048,
            min_description_chars: 10,
            max_description_chars: 5000,
            max_files: crate::evidence::EvidenceLimits::default().max_files_per_complaint,
        }
    }
}

/// Validates a submission, returning the normalised complaint or every field error.
pub fn validate(
    input: &ComplaintSubmission,
    limits: &Limits,
) -> Result<ValidComplaint, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut check = |field: &str, result: Result<(), (FieldErrorCode, String)>| {
        if let Err((code, message)) = result {
            errors.push(FieldError::new(field, code, message));
        }
    };

    let store_id = input.store_id.trim();
    check("store_id", identifier(store_id, limits.max_id_chars, true));

    let order_number = input.order_number.trim();
    check(
        "order_number",
        required(order_number)
            .and_then(|_| at_most(order_number, limits.max_order_number_chars))
            .and_then(|_| plain_line(order_number)),
    );

    let email = input.email.trim().to_ascii_lowercase();
    check(
        "email",
        required(&email)
            .and_then(|_| at_most(&email, limits.max_email_chars))
            .and_then(|_| email_shape(&email)),
    );

    let product_id = optional(&input.product_id);
    if let Some(id) = product_id {
        check("product_id", identifier(id, limits.max_id_chars * 2, false));
    }

    let product_url = optional(&input.product_url);
    if let Some(url) = product_url {
        check(
            "product_url",
            at_most(url, limits.max_url_chars).and_then(|_| web_url(url)),
        );
    }

    let description = input.description.trim();
    check(
        "description",
        required(description)
            .and_then(|_| at_least(description, limits.min_description_chars))
            .and_then(|_| at_most(description, limits.max_description_chars))
            .and_then(|_| free_text(description)),
    );

    let resolution = Resolution::from_code(input.resolution.trim());
    check(
        "resolution",
        required(input.resolution.trim()).and_then(|_| match resolution {
            Some(_) => Ok(()),
            None => Err((
                FieldErrorCode::UnknownResolution,
                "Choose one of the offered resolutions.".to_owned(),
            )),
        }),
    );

    let mut evidence: Vec<UploadToken> = Vec::with_capacity(input.evidence.len());
    if let Err(e) = validate_file_count(input.evidence.len(), limits) {
        check(&e.field, Err((e.code, e.message)));
    }
    for (i, raw) in input.evidence.iter().enumerate() {
        let field = format!("evidence[{i}]");
        match UploadToken::parse(raw) {
            None => check(
                &field,
                Err((
                    FieldErrorCode::InvalidFormat,
                    "This is not an upload token.".to_owned(),
                )),
            ),
            Some(token) if evidence.contains(&token) => check(
                &field,
                Err((
                    FieldErrorCode::DuplicateFile,
                    "This file is attached twice.".to_owned(),
                )),
            ),
            Some(token) => evidence.push(token),
        }
    }

    let locale = optional(&input.locale).unwrap_or("en");
    check("locale", locale_tag(locale));

    let shopper_category = optional(&input.category).map(Category::from_code);
    if let Some(None) = shopper_category {
        check(
            "category",
            Err((
                FieldErrorCode::UnknownCategory,
                "Choose one of the offered categories.".to_owned(),
            )),
        );
    }

    if input.order_value.is_some_and(|v| v > MAX_ORDER_VALUE) {
        check(
            "order_value",
            Err((
                FieldErrorCode::OutOfRange,
                "The order value is not plausible.".to_owned(),
            )),
        );
    }

    match (errors.is_empty(), resolution) {
        (true, Some(resolution)) => Ok(ValidComplaint {
            details: ComplaintDetails {
                store_id: store_id.to_owned(),
                order_number: order_number.to_owned(),
                email,
                product_id: product_id.map(str::to_owned),
                product_url: product_url.map(str::to_owned),
                description: description.to_owned(),
                resolution,
                locale: locale.to_owned(),
                shopper_category: shopper_category.flatten(),
                order_value: input.order_value,
            },
            evidence,
        }),
        _ => Err(errors),
    }
}

/// A shopper's message to the store, held to a complaint's rules for free text (at most
/// as long as a description, no control or bidi characters); answers it trimmed.
pub fn validate_message(text: &str, limits: &Limits) -> Result<String, Vec<FieldError>> {
    validate_text("text", text, limits.max_description_chars)
}

/// Checks someone's free text (a message, an offer's terms) in `field`: present, at
/// most `max_chars`, no control characters; trimmed.
pub fn validate_text(field: &str, text: &str, max_chars: usize) -> Result<String, Vec<FieldError>> {
    let text = text.trim();
    required(text)
        .and_then(|_| at_most(text, max_chars))
        .and_then(|_| free_text(text))
        .map(|_| text.to_owned())
        .map_err(|(code, message)| vec![FieldError::new(field, code, &message)])
}

/// Checks how many files are attached, before they are uploaded (the widget) or as
/// part of a submission.
pub fn validate_file_count(count: usize, limits: &Limits) -> Result<(), FieldError> {
    if count > limits.max_files {
        Err(FieldError::new(
            "evidence",
            FieldErrorCode::TooManyFiles,
            format!("Attach at most {} files.", limits.max_files),
        ))
    } else {
        Ok(())
    }
}

/// Checks a store id on its own, for endpoints that take it outside a submission.
pub fn validate_store_id(store_id: &str, limits: &Limits) -> Result<(), FieldError> {
    identifier(store_id, limits.max_id_chars, true)
        .map_err(|(code, message)| FieldError::new("store_id", code, message))
}

type Check = Result<(), (FieldErrorCode, String)>;

fn optional(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn required(value: &str) -> Check {
    if value.is_empty() {
        Err((
            FieldErrorCode::Required,
            "This field is required.".to_owned(),
        ))
    } else {
        Ok(())
    }
}

fn at_least(value: &str, min: usize) -> Check {
    if value.chars().count() < min {
        Err((
            FieldErrorCode::TooShort,
            format!("Write at least {min} characters."),
        ))
    } else {
        Ok(())
    }
}

fn at_most(value: &str, max: usize) -> Check {
    if value.chars().count() > max {
        Err((
            FieldErrorCode::TooLong,
            format!("Use at most {max} characters."),
        ))
    } else {
        Ok(())
    }
}

/// Store and product ids: ASCII letters, digits, `-`, `_`, `.`.
fn identifier(value: &str, max: usize, is_required: bool) -> Check {
    if is_required {
        required(value)?;
    }
    at_most(value, max)?;
    if value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        Ok(())
    } else {
        Err((
            FieldErrorCode::InvalidFormat,
            "Use only letters, digits, '-', '_' and '.'.".to_owned(),
        ))
    }
}

/// Single-line text: no control or bidi-override characters.
fn plain_line(value: &str) -> Check {
    if value.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        Err((
            FieldErrorCode::InvalidFormat,
            "Remove control characters.".to_owned(),
        ))
    } else {
        Ok(())
    }
}

/// Free text may hold line breaks and tabs, but no other control or bidi-override characters.
fn free_text(value: &str) -> Check {
    let bad = |c: char| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || is_bidi_control(c);
    if value.chars().any(bad) {
        Err((
            FieldErrorCode::InvalidFormat,
            "Remove control characters.".to_owned(),
        ))
    } else {
        Ok(())
    }
}

/// A deliberately plain check: one `@`, a non-empty local part, a dotted domain of
/// letters, digits and hyphens (any non-ASCII letter passes, for internationalised
/// addresses, without shipping Unicode tables to the widget). Deliverability is the
/// mail system's business.
/// Whether `value` looks like an email address (the rule the email field uses).
pub fn is_plausible_email(value: &str) -> bool {
    email_shape(value).is_ok()
}

fn email_shape(value: &str) -> Check {
    let invalid = || {
        Err((
            FieldErrorCode::InvalidEmail,
            "Enter an email address like name@example.com.".to_owned(),
        ))
    };
    let Some((local, domain)) = value.split_once('@') else {
        return invalid();
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local.chars().all(|c| {
            !c.is_ascii() || c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c)
        });
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars()
                    .all(|c| !c.is_ascii() || c.is_ascii_alphanumeric() || c == '-')
        });
    if local_ok && domain_ok {
        Ok(())
    } else {
        invalid()
    }
}

fn web_url(value: &str) -> Check {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(rest)
            if !rest.is_empty()
                && !rest.starts_with('/')
                && !value.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(())
        }
        _ => Err((
            FieldErrorCode::InvalidUrl,
            "Enter a web address starting with https://.".to_owned(),
        )),
    }
}

/// A BCP 47-shaped tag such as `en`, `pt-BR` or `zh-Hans-CN`.
fn locale_tag(value: &str) -> Check {
    let ok = value.len() <= 35
        && value.split('-').enumerate().all(|(i, part)| {
            let len_ok = if i == 0 {
                (2..=3).contains(&part.len())
            } else {
                (1..=8).contains(&part.len())
            };
            len_ok && part.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    if ok {
        Ok(())
    } else {
        Err((
            FieldErrorCode::InvalidFormat,
            "Use a language tag such as en or pt-BR.".to_owned(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ComplaintSubmission {
        ComplaintSubmission {
            store_id: "demo-store".into(),
            order_number: "A-1001".into(),
            email: "  Shopper@Example.COM ".into(),
            product_id: Some("lamp-42".into()),
            product_url: Some("https://shop.example/lamp".into()),
            description: "The lamp arrived with a cracked shade.".into(),
            resolution: "replacement".into(),
            evidence: vec![UploadToken::from_random([1; 16]).as_str().to_owned()],
            locale: Some("en-GB".into()),
            category: None,
            order_value: None,
            ..ComplaintSubmission::default()
        }
    }

    fn codes(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.code()))
            .collect()
    }

    #[test]
    fn a_good_submission_is_normalised() {
        let valid = validate(&good(), &Limits::default()).expect("valid");
        assert_eq!(valid.details.email, "shopper@example.com");
        assert_eq!(valid.details.resolution, Resolution::Replacement);
        assert_eq!(valid.details.locale, "en-GB");
        assert_eq!(valid.evidence.len(), 1);
    }

    #[test]
    fn an_empty_submission_reports_every_required_field_at_once() {
        let errors =
            validate(&ComplaintSubmission::default(), &Limits::default()).expect_err("invalid");
        assert_eq!(
            codes(&errors),
            vec![
                ("store_id", "required"),
                ("order_number", "required"),
                ("email", "required"),
                ("description", "required"),
                ("resolution", "required"),
            ]
        );
    }

    #[test]
    fn each_kind_of_bad_value_has_its_own_code() {
        let input = ComplaintSubmission {
            store_id: "demo store!".into(),
            order_number: "x".repeat(65),
            email: "not-an-email".into(),
            product_url: Some("javascript:alert(1)".into()),
            description: "short".into(),
            resolution: "free_money".into(),
            locale: Some("english please".into()),
            ..good()
        };
        let errors = validate(&input, &Limits::default()).expect_err("invalid");
        assert_eq!(
            codes(&errors),
            vec![
                ("store_id", "invalid_format"),
                ("order_number", "too_long"),
                ("email", "invalid_email"),
                ("product_url", "invalid_url"),
                ("description", "too_short"),
                ("resolution", "unknown_resolution"),
                ("locale", "invalid_format"),
            ]
        );
    }

    #[test]
    fn too_many_and_duplicate_files_are_refused() {
        let token = UploadToken::from_random([2; 16]).as_str().to_owned();
        let mut input = good();
        input.evidence = vec![token.clone(); 11];
        let errors = validate(&input, &Limits::default()).expect_err("invalid");
        assert_eq!(errors[0].code, FieldErrorCode::TooManyFiles);
        assert!(errors[1..]
            .iter()
            .all(|e| e.code == FieldErrorCode::DuplicateFile));
        assert_eq!(errors[1].field, "evidence[1]");
    }

    #[test]
    fn a_malformed_token_is_refused_by_position() {
        let mut input = good();
        input.evidence.push("../secret".into());
        let errors = validate(&input, &Limits::default()).expect_err("invalid");
        assert_eq!(codes(&errors), vec![("evidence[1]", "invalid_format")]);
    }

    #[test]
    fn description_length_counts_characters_not_bytes() {
        let mut input = good();
        input.description = "快递盒子被压扁了，灯罩裂了".into(); // 13 characters, 39 bytes
        assert!(validate(&input, &Limits::default()).is_ok());
        input.description = "坏".repeat(5001);
        let errors = validate(&input, &Limits::default()).expect_err("invalid");
        assert_eq!(codes(&errors), vec![("description", "too_long")]);
    }

    #[test]
    fn bidi_overrides_and_control_characters_are_refused() {
        let mut input = good();
        input.order_number = "A-1\u{202E}001".into();
        input.description = "Line one\nline two\u{0007} with a bell".into();
        let errors = validate(&input, &Limits::default()).expect_err("invalid");
        assert_eq!(
            codes(&errors),
            vec![
                ("order_number", "invalid_format"),
                ("description", "invalid_format")
            ]
        );
    }

    #[test]
    fn plausible_emails_pass_and_broken_ones_do_not() {
        for ok in [
            "a@b.co",
            "first.last+tag@mail.example.org",
            "用户@例子.中国",
        ] {
            assert_eq!(email_shape(ok), Ok(()), "{ok}");
        }
        for bad in [
            "a@b", "@b.co", "a@.co", "a b@c.co", "a@b..co", ".a@b.co", "a@-b.co",
        ] {
            assert!(email_shape(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_shoppers_category_is_kept_when_it_is_a_known_code() {
        let mut input = good();
        input.category = Some("damaged".into());
        let valid = validate(&input, &Limits::default()).expect("valid");
        assert_eq!(valid.details.shopper_category, Some(Category::Damaged));
        input.category = Some("broken_stuff".into());
        let errors = validate(&input, &Limits::default()).expect_err("invalid");
        assert_eq!(codes(&errors), vec![("category", "unknown_category")]);
    }

    #[test]
    fn missing_locale_defaults_to_english() {
        let mut input = good();
        input.locale = None;
        assert_eq!(
            validate(&input, &Limits::default())
                .expect("valid")
                .details
                .locale,
            "en"
        );
    }
}
