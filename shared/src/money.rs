//! Money as stores and shoppers agree on it: an integer count of the currency's minor
//! units (cents, yen, fils) with its ISO 4217 code, never a float. Shown in the
//! reader's locale by the platform's `Intl.NumberFormat`, given [`Money::decimal`].

use serde::{Deserialize, Serialize};

use crate::api_error::{FieldError, FieldErrorCode};

/// An amount of one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// In the currency's minor units: 1230 EUR is €12.30, 1230 JPY is ¥1,230.
    pub minor: i64,
    /// ISO 4217, upper case (`EUR`).
    pub currency: String,
}

/// More than any one complaint settles for: 10 million in a two-decimal currency. An
/// amount above it is a typo (minor units entered as major ones, a pasted order id).
pub const MAX_MINOR: i64 = 1_000_000_000;

/// ISO 4217 codes Redress knows, with their minor-unit digits: the currencies of the
/// markets cross-border sellers serve. A store lists those it uses (`StoreConfig`).
const CURRENCIES: [(&str, u8); 48] = [
    ("AED", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EGP", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("KZT", 2),
    ("MAD", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("NGN", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("QAR", 2),
    ("RON", 2),
    ("RUB", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TRY", 2),
    ("TWD", 2),
    ("UAH", 2),
    ("USD", 2),
    ("VND", 0),
];

/// How many minor-unit digits `currency` has; `None` for a code Redress does not know.
pub fn minor_digits(currency: &str) -> Option<u8> {
    CURRENCIES
        .binary_search_by(|(code, _)| (*code).cmp(currency))
        .ok()
        .map(|i| CURRENCIES[i].1)
}

pub fn is_currency(code: &str) -> bool {
    minor_digits(code).is_some()
}

impl Money {
    /// The amount as a plain decimal (`"12.30"`, `"1230"`, `"-0.05"`), exact, for
    /// `Intl.NumberFormat` and for people who type amounts.
    pub fn decimal(&self) -> String {
        let digits = usize::from(minor_digits(&self.currency).unwrap_or(2));
        let sign = if self.minor < 0 { "-" } else { "" };
        let magnitude = self.minor.unsigned_abs().to_string();
        if digits == 0 {
            return format!("{sign}{magnitude}");
        }
        let padded = format!("{magnitude:0>width$}", width = digits + 1);
        let (whole, fraction) = padded.split_at(padded.len() - digits);
        format!("{sign}{whole}.{fraction}")
    }

    /// An amount typed as a decimal (`12.3`, `12,30`, `1230`) in `currency`; `None`
    /// when it is not a number or has more decimals than the currency.
    pub fn parse(text: &str, currency: &str) -> Option<Money> {
        let digits = u32::from(minor_digits(currency)?);
        let text = text.trim();
        let (whole, fraction) = match text.find(['.', ',']) {
            Some(at) => (&text[..at], &text[at + 1..]),
            None => (text, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || fraction.len() > digits as usize
            || whole.len() > 15
        {
            return None;
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let fraction: i64 = format!("{fraction:0<width$}", width = digits as usize)
            .parse()
            .unwrap_or(0);
        Some(Money {
            minor: whole.checked_mul(10_i64.pow(digits))? + fraction,
            currency: currency.to_owned(),
        })
    }

    /// What is wrong with this amount as something a store pays or grants, taking only
    /// `accepted` currencies; `field` names it in the errors (`amount`).
    pub fn check(&self, accepted: &[String], field: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if !accepted.contains(&self.currency) || !is_currency(&self.currency) {
            errors.push(FieldError::new(
                &format!("{field}.currency"),
                FieldErrorCode::OutOfRange,
                format!(
                    "The store does not pay in {:?}: use one of {}.",
                    self.currency,
                    accepted.join(", ")
                ),
            ));
        }
        if self.minor <= 0 || self.minor > MAX_MINOR {
            errors.push(FieldError::new(
                &format!("{field}.minor"),
                FieldErrorCode::OutOfRange,
                format!("An amount is 1 to {MAX_MINOR} in the currency's minor units."),
            ));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(minor: i64, currency: &str) -> Money {
        Money {
            minor,
            currency: currency.to_owned(),
        }
    }

    #[test]
    fn the_currency_table_is_sorted_for_its_search() {
        assert!(CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(minor_digits("EUR"), Some(2));
        assert_eq!(minor_digits("JPY"), Some(0));
        assert_eq!(minor_digits("KWD"), Some(3));
        assert_eq!(minor_digits("eur"), None);
        assert_eq!(minor_digits("XXX"), None);
    }

    #[test]
    fn decimals_are_exact_in_each_currencys_digits() {
        assert_eq!(money(1230, "EUR").decimal(), "12.30");
        assert_eq!(money(5, "EUR").decimal(), "0.05");
        assert_eq!(money(-5, "USD").decimal(), "-0.05");
        assert_eq!(money(1230, "JPY").decimal(), "1230");
        assert_eq!(money(1500, "KWD").decimal(), "1.500");
        assert_eq!(money(MAX_MINOR, "USD").decimal(), "10000000.00");
    }

    #[test]
    fn typed_amounts_become_minor_units_or_nothing() {
        assert_eq!(Money::parse("12.3", "EUR"), Some(money(1230, "EUR")));
        assert_eq!(Money::parse(" 12,30 ", "EUR"), Some(money(1230, "EUR")));
        assert_eq!(Money::parse("12", "EUR"), Some(money(1200, "EUR")));
        assert_eq!(Money::parse(".5", "EUR"), Some(money(50, "EUR")));
        assert_eq!(Money::parse("1230", "JPY"), Some(money(1230, "JPY")));
        for refused in ["12.345", "", ".", "1,000.00", "-3", "1e3", "12.3 €", "１２"] {
            assert_eq!(Money::parse(refused, "EUR"), None, "{refused:?}");
        }
        assert_eq!(Money::parse("12.5", "JPY"), None, "yen have no cents");
        assert_eq!(Money::parse("12", "XXX"), None);
        assert_eq!(Money::parse("9999999999999999", "EUR"), None);
    }

    #[test]
    fn an_amount_is_positive_sane_and_in_a_currency_the_store_uses() {
        let store = ["EUR".to_owned(), "USD".to_owned()];
        assert!(money(1230, "EUR").check(&store, "amount").is_empty());
        let codes = |m: Money| -> Vec<(String, FieldErrorCode)> {
            m.check(&store, "amount")
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        let minor = ("amount.minor".to_owned(), FieldErrorCode::OutOfRange);
        let currency = ("amount.currency".to_owned(), FieldErrorCode::OutOfRange);
        assert_eq!(codes(money(-100, "EUR")), vec![minor.clone()]);
        assert_eq!(codes(money(0, "EUR")), vec![minor.clone()]);
        assert_eq!(codes(money(MAX_MINOR + 1, "USD")), vec![minor.clone()]);
        assert_eq!(codes(money(100, "GBP")), vec![currency.clone()]);
        assert_eq!(codes(money(-1, "XXX")), [currency, minor]);
    }
}
