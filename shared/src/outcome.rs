//! Outcomes: what the store actually did to put a complaint right (a refund issued, a
//! parcel shipped, a code given, a repair, or no action and why), recorded as it
//! happens and shown to the shopper; and, for the store's own learning, why the
//! problem happened and who was responsible.

use serde::{Deserialize, Serialize};

use crate::api_error::{FieldError, FieldErrorCode};
use crate::money::Money;
use crate::timeline::EventKind;
use crate::validate::validate_text;
use crate::workflow::Events;

/// What was done, with what the shopper needs to see it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Done {
    /// Money went back to the shopper.
    RefundIssued {
        amount: Money,
        /// The payment provider's or marketplace's reference, if any.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reference: String,
    },
    /// A replacement or the missing items are on their way.
    Shipped { carrier: String, tracking: String },
    /// A coupon or store credit the shopper redeems with its code.
    Credit {
        code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount: Option<Money>,
    },
    Repaired {
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    /// Nothing more will be done, and why (the shopper reads it).
    NoAction { reason: String },
}

impl Done {
    /// The code of a refund issued, as the `outcomes` table's `kind` keeps it.
    pub const REFUND_ISSUED: &'static str = "refund_issued";

    pub fn code(&self) -> &'static str {
        match self {
            Done::RefundIssued { .. } => Done::REFUND_ISSUED,
            Done::Shipped { .. } => "shipped",
            Done::Credit { .. } => "credit",
            Done::Repaired { .. } => "repaired",
            Done::NoAction { .. } => "no_action",
        }
    }

    /// An outcome in a few words: `refund_issued 12.30 EUR`, `shipped DHL 1Z999`.
    pub fn in_words(&self) -> String {
        let mut words = vec![self.code().to_owned()];
        if let Some(amount) = self.amount() {
            words.push(format!("{} {}", amount.decimal(), amount.currency));
        }
        match self {
            Done::RefundIssued { reference, .. } if !reference.is_empty() => {
                words.push(reference.clone())
            }
            Done::Shipped { carrier, tracking } => {
                words.push(carrier.clone());
                words.push(tracking.clone());
            }
            Done::Credit { code, .. } => words.push(code.clone()),
            Done::RefundIssued { .. } | Done::Repaired { .. } | Done::NoAction { .. } => {}
        }
        words.join(" ")
    }

    /// The money the store paid or granted, if any (for the totals per currency).
    pub fn amount(&self) -> Option<&Money> {
        match self {
            Done::RefundIssued { amount, .. } => Some(amount),
            Done::Credit { amount, .. } => amount.as_ref(),
            Done::Shipped { .. } | Done::Repaired { .. } | Done::NoAction { .. } => None,
        }
    }

    /// Every rule an outcome keeps, with the store's currencies; its texts trimmed.
    pub fn checked(self, currencies: &[String]) -> Result<Done, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut text = |field: &str, value: String, max: usize, required: bool| -> String {
            if value.trim().is_empty() && !required {
                return String::new();
            }
            validate_text(field, &value, max).unwrap_or_else(|e| {
                errors.extend(e);
                String::new()
            })
        };
        let done = match self {
            Done::RefundIssued { amount, reference } => Done::RefundIssued {
                reference: text("reference", reference, 100, false),
                amount,
            },
            Done::Shipped { carrier, tracking } => Done::Shipped {
                carrier: text("carrier", carrier, 60, true),
                tracking: tracking.trim().to_owned(),
            },
            Done::Credit { code, amount } => Done::Credit {
                code: text("code", code, 60, true),
                amount,
            },
            Done::Repaired { note } => Done::Repaired {
                note: text("note", note, 1_000, false),
            },
            Done::NoAction { reason } => Done::NoAction {
                reason: text("reason", reason, 1_000, true),
            },
        };
        if let Some(amount) = done.amount() {
            errors.extend(amount.check(currencies, "amount"));
        }
        if let Done::Shipped { tracking, .. } = &done {
            if !is_tracking_number(tracking) {
                errors.push(FieldError::new(
                    "tracking",
                    FieldErrorCode::InvalidFormat,
                    "A tracking number is 4 to 40 letters, digits and dashes.",
                ));
            }
        }
        if errors.is_empty() {
            Ok(done)
        } else {
            Err(errors)
        }
    }
}

fn is_tracking_number(tracking: &str) -> bool {
    (4..=40).contains(&tracking.len())
        && tracking
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Carriers whose tracking pages take the number in their address, by the names agents
/// type (compared without case, spaces or punctuation).
const CARRIERS: [(&str, &str); 12] = [
    ("17track", "https://t.17track.net/en#nums="),
    (
        "cainiao",
        "https://global.cainiao.com/newDetail.htm?mailNoList=",
    ),
    ("chinapost", "https://track.chinapost.com.cn/?trackNumber="),
    (
        "correos",
        "https://www.correos.es/es/es/herramientas/localizador/envios/detalle?tracking-number=",
    ),
    (
        "dhl",
        "https://www.dhl.com/global-en/home/tracking/tracking-parcel.html?tracking-id=",
    ),
    ("dpd", "https://tracking.dpd.de/status/en_US/parcel/"),
    ("fedex", "https://www.fedex.com/fedextrack/?trknbr="),
    ("gls", "https://gls-group.com/track/"),
    (
        "laposte",
        "https://www.laposte.fr/outils/suivre-vos-envois?code=",
    ),
    (
        "royalmail",
        "https://www.royalmail.com/track-your-item#/tracking-results/",
    ),
    ("ups", "https://www.ups.com/track?tracknum="),
    (
        "usps",
        "https://tools.usps.com/go/TrackConfirmAction?tLabels=",
    ),
];

/// The carrier's tracking page for `tracking`, where Redress knows the carrier. The
/// number is checked (letters, digits, dashes), so it is safe in the address.
pub fn tracking_link(carrier: &str, tracking: &str) -> Option<String> {
    if !is_tracking_number(tracking) {
        return None;
    }
    let name: String = carrier
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    CARRIERS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, prefix)| format!("{prefix}{tracking}"))
}

/// One thing the store did, recorded on the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// 1, 2, 3... on its case: the value of its timeline entry.
    pub number: u32,
    #[serde(flatten)]
    pub done: Done,
    pub recorded_at: String,
}

/// What recording `done` (already checked) at `at` writes, beside the case's
/// `recorded` outcomes: the next outcome and its timeline entry.
pub fn record(recorded: &[Outcome], done: Done, at: &str) -> (Outcome, Events) {
    let number = recorded.iter().map(|o| o.number).max().unwrap_or(0) + 1;
    let entry = (EventKind::OutcomeRecorded, Some(number.to_string()));
    let outcome = Outcome {
        number,
        done,
        recorded_at: at.to_owned(),
    };
    (outcome, vec![entry])
}

/// Why the problem happened, as the store finds out (internal: never shown to the
/// shopper).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RootCause {
    ProductDefect,
    ListingError,
    Packing,
    Carrier,
    Supplier,
    Fraud,
    ShopperMisuse,
    Other,
}

impl RootCause {
    pub const ALL: [RootCause; 8] = [
        RootCause::ProductDefect,
        RootCause::ListingError,
        RootCause::Packing,
        RootCause::Carrier,
        RootCause::Supplier,
        RootCause::Fraud,
        RootCause::ShopperMisuse,
        RootCause::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RootCause::ProductDefect => "product_defect",
            RootCause::ListingError => "listing_error",
            RootCause::Packing => "packing",
            RootCause::Carrier => "carrier",
            RootCause::Supplier => "supplier",
            RootCause::Fraud => "fraud",
            RootCause::ShopperMisuse => "shopper_misuse",
            RootCause::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<RootCause> {
        RootCause::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// Who was responsible for the problem (internal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsibility {
    Store,
    Supplier,
    Carrier,
    Shopper,
    ForceMajeure,
}

impl Responsibility {
    pub const ALL: [Responsibility; 5] = [
        Responsibility::Store,
        Responsibility::Supplier,
        Responsibility::Carrier,
        Responsibility::Shopper,
        Responsibility::ForceMajeure,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Responsibility::Store => "store",
            Responsibility::Supplier => "supplier",
            Responsibility::Carrier => "carrier",
            Responsibility::Shopper => "shopper",
            Responsibility::ForceMajeure => "force_majeure",
        }
    }

    pub fn from_code(code: &str) -> Option<Responsibility> {
        Responsibility::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(minor: i64) -> Money {
        Money {
            minor,
            currency: "EUR".to_owned(),
        }
    }

    fn codes(errors: Vec<FieldError>) -> Vec<(String, FieldErrorCode)> {
        errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    const STORE: &[String] = &[];

    fn store() -> Vec<String> {
        vec!["EUR".to_owned()]
    }

    #[test]
    fn an_outcome_reads_as_json_with_its_kind_and_keeps_its_texts_trimmed() {
        let json = r#"{"kind": "refund_issued", "amount": {"minor": 1230, "currency": "EUR"},
                       "reference": "  RF-889 "}"#;
        let done: Done = serde_json::from_str(json).expect("reads");
        let done = done.checked(&store()).expect("valid");
        assert_eq!(
            done,
            Done::RefundIssued {
                amount: eur(1230),
                reference: "RF-889".to_owned()
            }
        );
        assert_eq!(done.code(), "refund_issued");
        assert_eq!(done.amount(), Some(&eur(1230)));
        let json = serde_json::to_value(&done).expect("json");
        assert_eq!(json["kind"], "refund_issued");
        let repaired = Done::Repaired {
            note: String::new(),
        };
        assert_eq!(
            serde_json::to_string(&repaired).expect("json"),
            r#"{"kind":"repaired"}"#
        );
    }

    #[test]
    fn what_the_shopper_needs_is_required_and_money_is_the_stores() {
        let refused = |done: Done| codes(done.checked(&store()).expect_err("refused"));
        assert_eq!(
            refused(Done::NoAction {
                reason: " ".to_owned()
            }),
            [("reason".to_owned(), FieldErrorCode::Required)]
        );
        assert_eq!(
            refused(Done::Credit {
                code: String::new(),
                amount: None
            }),
            [("code".to_owned(), FieldErrorCode::Required)]
        );
        assert_eq!(
            refused(Done::RefundIssued {
                amount: Money {
                    minor: 1230,
                    currency: "GBP".to_owned()
                },
                reference: String::new()
            }),
            [("amount.currency".to_owned(), FieldErrorCode::OutOfRange)]
        );
        assert_eq!(
            refused(Done::RefundIssued {
                amount: eur(0),
                reference: String::new()
            }),
            [("amount.minor".to_owned(), FieldErrorCode::OutOfRange)]
        );
        assert!(Done::Repaired {
            note: String::new()
        }
        .checked(STORE)
        .is_ok());
    }

    #[test]
    fn a_tracking_number_is_plain_so_it_can_go_in_a_link() {
        let shipped = |tracking: &str| Done::Shipped {
            carrier: "DHL".to_owned(),
            tracking: tracking.to_owned(),
        };
        assert!(shipped(" JD014600006281230704 ").checked(&store()).is_ok());
        for bad in [
            "<script>",
            "12 34",
            "abc",
            "x\"onmouseover",
            &"9".repeat(41),
        ] {
            assert_eq!(
                codes(shipped(bad).checked(&store()).expect_err("refused")),
                [("tracking".to_owned(), FieldErrorCode::InvalidFormat)],
                "{bad:?}"
            );
        }
    }

    #[test]
    fn known_carriers_link_to_their_tracking_page_and_others_to_none() {
        assert_eq!(
            tracking_link("DHL", "JD014600006281230704").as_deref(),
            Some("https://www.dhl.com/global-en/home/tracking/tracking-parcel.html?tracking-id=JD014600006281230704")
        );
        assert_eq!(
            tracking_link("Royal Mail", "AB123456789GB").as_deref(),
            Some("https://www.royalmail.com/track-your-item#/tracking-results/AB123456789GB")
        );
        assert!(tracking_link("china-post", "LX123456789CN").is_some());
        assert_eq!(tracking_link("Speedy Local Couriers", "123456"), None);
        assert_eq!(
            tracking_link("DHL", "<b>"),
            None,
            "never a link with markup"
        );
        assert!(CARRIERS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn outcomes_are_numbered_on_their_case_and_each_is_a_public_entry() {
        let at = "2026-12-02T10:00:00.000Z";
        let repaired = Done::Repaired {
            note: String::new(),
        };
        let (first, events) = record(&[], repaired.clone(), at);
        assert_eq!(first.number, 1);
        assert_eq!(events, [(EventKind::OutcomeRecorded, Some("1".to_owned()))]);
        assert!(EventKind::OutcomeRecorded.is_public());
        let (second, _) = record(&[first], repaired, at);
        assert_eq!(second.number, 2);
    }

    #[test]
    fn causes_and_responsibilities_round_trip_their_codes() {
        for cause in RootCause::ALL {
            assert_eq!(RootCause::from_code(cause.code()), Some(cause));
        }
        for party in Responsibility::ALL {
            assert_eq!(Responsibility::from_code(party.code()), Some(party));
        }
        assert_eq!(
            serde_json::to_string(&RootCause::ShopperMisuse).expect("json"),
            "\"shopper_misuse\""
        );
    }
}
