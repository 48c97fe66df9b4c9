//! The stored case: identity, the reference shown to the shopper, and its status.

use serde::{Deserialize, Serialize};

use crate::categorize::Classification;
use crate::complaint::ComplaintDetails;
use crate::encoding::hex;
use crate::evidence::EvidenceKind;

/// Internal identifier of a case: 128 random bits as 32 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CaseId(String);

impl CaseId {
    pub fn from_random(bytes: [u8; 16]) -> CaseId {
        CaseId(hex(&bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The reference a shopper quotes: `RD-XXXX-XXXX-XXXX`, 60 random bits in Crockford
/// base32 (no I, L, O, U), so it reads aloud well and cannot be guessed or enumerated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CaseReference(String);

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl CaseReference {
    pub const PREFIX: &'static str = "RD-";

    /// Builds a reference from 8 random bytes; only the low 60 bits are used.
    pub fn from_random(bytes: [u8; 8]) -> CaseReference {
        let mut bits = u64::from_le_bytes(bytes);
        let mut out = String::from(Self::PREFIX);
        for group in 0..3 {
            if group > 0 {
                out.push('-');
            }
            for _ in 0..4 {
                out.push(CROCKFORD[(bits & 31) as usize] as char);
                bits >>= 5;
            }
        }
        CaseReference(out)
    }

    /// Accepts what a shopper types: any case, with or without dashes and prefix.
    pub fn parse(input: &str) -> Option<CaseReference> {
        let compact: String = input
            .trim()
            .to_ascii_uppercase()
            .chars()
            .filter(|c| *c != '-')
            .collect();
        let symbols = match compact.strip_prefix("RD") {
            Some(rest) if rest.len() == 12 => rest,
            _ => compact.as_str(),
        };
        if symbols.len() != 12 || !symbols.bytes().all(|b| CROCKFORD.contains(&b)) {
            return None;
        }
        Some(CaseReference(format!(
            "{}{}-{}-{}",
            Self::PREFIX,
            &symbols[0..4],
            &symbols[4..8],
            &symbols[8..12]
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a case stands in the agents' workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    New,
    InProgress,
    WaitingForShopper,
    Resolved,
    Closed,
}

impl CaseStatus {
    pub fn code(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::InProgress => "in_progress",
            CaseStatus::WaitingForShopper => "waiting_for_shopper",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Closed => "closed",
        }
    }

    pub const ALL: [CaseStatus; 5] = [
        CaseStatus::New,
        CaseStatus::InProgress,
        CaseStatus::WaitingForShopper,
        CaseStatus::Resolved,
        CaseStatus::Closed,
    ];

    pub fn from_code(code: &str) -> Option<CaseStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// One piece of evidence as attached to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvidence {
    pub kind: EvidenceKind,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    /// The shopper's file name, sanitised; never used as a storage key.
    pub file_name: String,
}

/// A stored case, as the edge returns it and as notifications carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: CaseId,
    pub reference: CaseReference,
    pub status: CaseStatus,
    #[serde(flatten)]
    pub details: ComplaintDetails,
    /// The edge's authoritative verdict: category, sub-reason, priority, safety,
    /// language and the signals behind them.
    #[serde(flatten)]
    pub classification: Classification,
    pub evidence: Vec<CaseEvidence>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// When the store has promised a first answer, RFC 3339, UTC.
    pub respond_by: String,
    /// When the store means to have resolved it (`service_level`), RFC 3339, UTC.
    #[serde(default)]
    pub resolve_by: String,
    /// Where the shopper filed from (ISO 3166-1 alpha-2, as Cloudflare saw the request);
    /// `None` when unknown.
    #[serde(default)]
    pub country: Option<String>,
}

/// A country as Cloudflare names a request's (`cf.country`): two capital letters kept,
/// anything else (`XX` unknown, `T1` Tor, nothing) is no country.
pub fn country_code(cf_country: Option<&str>) -> Option<String> {
    cf_country
        .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) && *c != "XX")
        .map(str::to_owned)
}

impl Case {
    /// The `cases` columns a case is stored in, named as its JSON fields (its evidence
    /// is a table of its own). The edge inserts and selects exactly these.
    pub const COLUMNS: [&'static str; 23] = [
        "id",
        "reference",
        "status",
        "store_id",
        "order_number",
        "email",
        "product_id",
        "product_url",
        "description",
        "resolution",
        "locale",
        "shopper_category",
        "order_value",
        "category",
        "sub_reason",
        "priority",
        "safety",
        "signals",
        "lang",
        "created_at",
        "respond_by",
        "resolve_by",
        "country",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_has_the_documented_shape() {
        let r = CaseReference::from_random([0xff; 8]);
        assert_eq!(r.as_str().len(), "RD-XXXX-XXXX-XXXX".len());
        assert!(r.as_str().starts_with("RD-"));
        assert!(r.as_str()[3..]
            .chars()
            .all(|c| c == '-' || CROCKFORD.contains(&(c as u8))));
    }

    #[test]
    fn different_random_bytes_give_different_references() {
        let a = CaseReference::from_random([1, 2, 3, 4, 5, 6, 7, 8]);
        let b = CaseReference::from_random([1, 2, 3, 4, 5, 6, 7, 9]);
        assert_ne!(a, b);
    }

    #[test]
    fn reference_parses_back_from_what_a_shopper_types() {
        let r = CaseReference::from_random([9, 8, 7, 6, 5, 4, 3, 2]);
        let typed = r.as_str().to_lowercase().replace('-', "");
        assert_eq!(CaseReference::parse(&typed), Some(r.clone()));
        assert_eq!(CaseReference::parse(r.as_str()), Some(r));
        assert_eq!(CaseReference::parse("RD-OOOO-IIII-LLLL"), None);
        assert_eq!(CaseReference::parse("RD-1234"), None);
    }

    #[test]
    #[cfg(feature = "embedded-lexicon")]
    fn a_case_serialises_flat_as_webhooks_document_it() {
        use crate::complaint::Resolution;
        let case = Case {
            id: CaseId::from_random([1; 16]),
            reference: CaseReference::from_random([2; 8]),
            status: CaseStatus::New,
            details: ComplaintDetails {
                store_id: "demo-store".into(),
                order_number: "A-1".into(),
                email: "a@example.com".into(),
                product_id: None,
                product_url: None,
                description: "Arrived broken.".into(),
                resolution: Resolution::Replacement,
                locale: "en".into(),
                shopper_category: None,
                order_value: None,
            },
            classification: Classification {
                assessment: crate::categorize::assess("It arrived broken."),
                lang: "en".into(),
            },
            evidence: Vec::new(),
            created_at: "2026-11-23T00:00:00.000Z".into(),
            respond_by: "2026-11-24T00:00:00.000Z".into(),
            resolve_by: String::new(),
            country: None,
        };
        let json = serde_json::to_value(&case).expect("serialises");
        assert_eq!(json["order_number"], "A-1");
        assert_eq!(json["resolution"], "replacement");
        assert_eq!(json["status"], "new");
        assert!(json.get("details").is_none());
        assert_eq!(json["category"], "damaged");
        assert_eq!(json["priority"], "normal");
        assert_eq!(json["lang"], "en");
        // The cue-language hint is internal and does not travel.
        let mut expected = case;
        expected.classification.assessment.cue_language = None;
        assert_eq!(
            serde_json::from_value::<Case>(json).expect("deserialises"),
            expected
        );
    }

    #[test]
    #[cfg(feature = "embedded-lexicon")]
    fn the_stored_columns_are_exactly_the_cases_fields() {
        let case = crate::chat_message::tests::case("A-1", "It arrived broken.");
        let json = serde_json::to_value(&case).expect("serialises");
        let mut fields: Vec<&str> = json
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .filter(|field| *field != "evidence")
            .collect();
        let mut columns = Case::COLUMNS.to_vec();
        fields.sort_unstable();
        columns.sort_unstable();
        assert_eq!(fields, columns);
    }

    #[test]
    fn a_country_is_two_capital_letters_or_none() {
        assert_eq!(country_code(Some("KR")).as_deref(), Some("KR"));
        for unknown in [
            None,
            Some("XX"),
            Some("T1"),
            Some("kr"),
            Some("KOR"),
            Some(""),
        ] {
            assert_eq!(country_code(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn case_id_is_32_hex_digits() {
        let id = CaseId::from_random([0xab; 16]);
        assert_eq!(id.as_str(), "ab".repeat(16));
    }
}

/// The answer to a submission: what the shopper keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseReceipt {
    pub id: CaseId,
    pub reference: CaseReference,
    pub status: CaseStatus,
    pub created_at: String,
    /// When the shopper will hear back at the latest, RFC 3339, UTC.
    pub respond_by: String,
    /// Opens the case's status view (`GET /v1/status/{reference}`), when the operator
    /// has set a status-link key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_token: Option<String>,
}

impl Case {
    pub fn receipt(&self) -> CaseReceipt {
        CaseReceipt {
            id: self.id.clone(),
            reference: self.reference.clone(),
            status: self.status,
            created_at: self.created_at.clone(),
            respond_by: self.respond_by.clone(),
            status_token: None,
        }
    }
}
