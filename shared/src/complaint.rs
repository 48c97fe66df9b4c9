//! What a shopper submits, and what it becomes once validated.

use serde::{Deserialize, Serialize};

use crate::categorize::Category;
use crate::evidence::UploadToken;

/// The body of `POST /v1/complaints`, exactly as it crosses the wire.
///
/// Every field defaults, so that a missing field becomes a `required` field error
/// from [`crate::validate`] (reported together with every other error) rather than a
/// deserialisation failure that stops at the first problem.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComplaintSubmission {
    pub store_id: String,
    pub order_number: String,
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_url: Option<String>,
    pub description: String,
    /// A [`Resolution`] code; kept as text so an unknown code is a field error.
    pub resolution: String,
    /// Upload tokens returned by `POST /v1/evidence`.
    pub evidence: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// The category the shopper picked, if the widget offered one (a Category code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The order's value in the currency's minor units (cents), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_value: Option<u64>,
    /// From the store's widget settings when the form was opened (`spam_guard`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form_token: Option<String>,
    /// The honeypot: a field people never see, so it is empty unless a script filled it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Cloudflare Turnstile's token, for a store that turned it on (`turnstile`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub turnstile_token: Option<String>,
}

/// What the shopper wants done (codes from TAXONOMY.md: stable API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    FullRefund,
    PartialRefund,
    ReturnAndRefund,
    Replacement,
    Resend,
    Repair,
    StoreCredit,
    Other,
}

impl Resolution {
    pub const ALL: [Resolution; 8] = [
        Resolution::FullRefund,
        Resolution::PartialRefund,
        Resolution::ReturnAndRefund,
        Resolution::Replacement,
        Resolution::Resend,
        Resolution::Repair,
        Resolution::StoreCredit,
        Resolution::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Resolution::FullRefund => "full_refund",
            Resolution::PartialRefund => "partial_refund",
            Resolution::ReturnAndRefund => "return_and_refund",
            Resolution::Replacement => "replacement",
            Resolution::Resend => "resend",
            Resolution::Repair => "repair",
            Resolution::StoreCredit => "store_credit",
            Resolution::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Resolution> {
        Resolution::ALL.into_iter().find(|r| r.code() == code)
    }

    /// English label for the widget's picker.
    pub fn label(self) -> &'static str {
        match self {
            Resolution::FullRefund => "Full refund",
            Resolution::PartialRefund => "Partial refund (keep the item)",
            Resolution::ReturnAndRefund => "Return and refund",
            Resolution::Replacement => "Replacement",
            Resolution::Resend => "Resend missing or lost items",
            Resolution::Repair => "Repair",
            Resolution::StoreCredit => "Store credit",
            Resolution::Other => "Something else",
        }
    }
}

/// What the shopper told us, validated and normalised: the part of a complaint that
/// its case keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintDetails {
    pub store_id: String,
    pub order_number: String,
    /// Trimmed; ASCII letters lower-cased.
    pub email: String,
    pub product_id: Option<String>,
    pub product_url: Option<String>,
    pub description: String,
    pub resolution: Resolution,
    pub locale: String,
    /// The shopper's own choice of category, kept beside the computed one.
    pub shopper_category: Option<Category>,
    pub order_value: Option<u64>,
}

/// A submission that passed [`crate::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidComplaint {
    pub details: ComplaintDetails,
    /// Distinct tokens, in the order the shopper attached them.
    pub evidence: Vec<UploadToken>,
}
