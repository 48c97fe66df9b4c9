//! The codes of TAXONOMY.md: stable API in cases, queue messages, webhooks and `classify`.

use serde::{Deserialize, Serialize};

macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

coded_enum! {
    /// What went wrong, from the shopper's point of view.
    Category {
        NotReceived => "not_received",
        Damaged => "damaged",
        NotAsDescribed => "not_as_described",
        Defective => "defective",
        Counterfeit => "counterfeit",
        Billing => "billing",
        Service => "service",
        Other => "other",
    }
}

coded_enum! {
    /// How soon a store should act.
    Priority {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
}

coded_enum! {
    /// A finer reason under a category, for agents' filters and the evidence to ask for.
    SubReason {
        NoTracking => "no_tracking",
        InTransitOverdue => "in_transit_overdue",
        MarkedDelivered => "marked_delivered",
        ReturnedToSender => "returned_to_sender",
        CustomsHold => "customs_hold",
        WrongItem => "wrong_item",
        SizeFit => "size_fit",
        ColourStyle => "colour_style",
        Material => "material",
        FunctionSpecs => "function_specs",
        MissingParts => "missing_parts",
        QuantityShort => "quantity_short",
        EmptyPackage => "empty_package",
        NotWorking => "not_working",
        PoorQuality => "poor_quality",
        Expired => "expired",
        DuplicateCharge => "duplicate_charge",
        WrongAmount => "wrong_amount",
        Coupon => "coupon",
        RefundNotReceived => "refund_not_received",
        Unauthorized => "unauthorized",
        FeesDuties => "fees_duties",
        RefusedReturn => "refused_return",
        Suggestion => "suggestion",
    }
}
