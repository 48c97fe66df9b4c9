//! The inbox's words in the widget's twelve languages (`shared/locales/inbox/<tag>.json`,
//! flat maps from key to text, `{}` marking where a value goes, in order), for the
//! agent's language as their browser states it. The service dashboard speaks them; the
//! rest of the inbox is English so far.
//!
//! The words are a struct, not a map: code that names a key the catalogs lack does not
//! compile, and a catalog that lacks one of its fields fails the tests below.

use serde::Deserialize;

use crate::widget_text::{self, catalog_in};

/// The inbox catalog of a locale from `widget_text::LOCALES`, as JSON; English for any
/// other.
pub fn catalog(locale: &str) -> &'static str {
    catalog_in!("inbox/", locale)
}

/// The dashboard's words.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DashboardWords {
    pub dashboard_title: String,
    pub filed_from: String,
    pub filed_to: String,
    /// `{}` the period's start, `{}` its end.
    pub period: String,
    pub opened: String,
    pub resolved: String,
    pub first_response_median: String,
    pub first_response_p90: String,
    pub resolution_median: String,
    pub resolution_p90: String,
    pub first_responses_on_time: String,
    pub resolutions_on_time: String,
    pub reopened: String,
    pub satisfaction: String,
    /// `{}` an average score.
    pub out_of_five: String,
    pub rated: String,
    pub refunds: String,
    pub none: String,
    pub resent_replaced: String,
    pub open_now: String,
    pub chart_first_response: String,
    pub chart_open: String,
    pub chart_satisfaction: String,
    pub unit_cases: String,
    pub unit_open: String,
    pub unit_score: String,
    pub no_data: String,
    /// `{}` a date.
    pub week_of: String,
    /// `{}` an average score, `{}` how many ratings.
    pub score_with_ratings: String,
    /// `{}` a duration.
    pub under: String,
    /// `{}` a duration, `{}` a longer one.
    pub between: String,
    /// `{}` a duration.
    pub over: String,
}

/// The inbox's words in one language, and how that language is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxText {
    /// A tag of `widget_text::LOCALES`: the page's `lang`, and the locale numbers and
    /// dates are written in.
    pub locale: &'static str,
    pub right_to_left: bool,
    pub dashboard: DashboardWords,
}

impl InboxText {
    /// The words in the first of `wanted` (tags best first, comma-separated, as
    /// `navigator.languages` joined) that the inbox speaks, else English.
    pub fn for_languages(wanted: &str) -> InboxText {
        let locale = widget_text::pick(wanted, "en");
        let dashboard = serde_json::from_str(catalog(locale))
            .or_else(|_| serde_json::from_str(catalog("en")))
            .expect("the English inbox catalog is complete (tested)");
        InboxText {
            locale,
            right_to_left: widget_text::is_right_to_left(locale),
            dashboard,
        }
    }
}

/// `template` with each `{}` replaced by the next of `values`, in order; a `{}` past
/// the last value stays empty.
pub fn fill(template: &str, values: &[&str]) -> String {
    let mut values = values.iter();
    let mut pieces = template.split("{}");
    let mut out = pieces.next().unwrap_or_default().to_owned();
    for piece in pieces {
        out.push_str(values.next().copied().unwrap_or_default());
        out.push_str(piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn every_catalog_has_every_word_with_its_placeholders() {
        let english: BTreeMap<String, String> =
            serde_json::from_str(catalog("en")).expect("English parses");
        for locale in widget_text::LOCALES {
            let json = catalog(locale);
            let words: Result<DashboardWords, _> = serde_json::from_str(json);
            assert!(words.is_ok(), "{locale}: {words:?}");
            let map: BTreeMap<String, String> = serde_json::from_str(json).expect("a map");
            for (key, text) in &english {
                let translated = &map[key];
                assert_eq!(
                    translated.matches("{}").count(),
                    text.matches("{}").count(),
                    "{locale}.{key}: {translated}"
                );
                assert!(!translated.trim().is_empty(), "{locale}.{key}");
            }
        }
    }

    #[test]
    fn the_agents_first_language_the_inbox_speaks_is_chosen() {
        assert_eq!(InboxText::for_languages("ar-EG,en").locale, "ar");
        assert!(InboxText::for_languages("ar-EG,en").right_to_left);
        assert_eq!(InboxText::for_languages("nl,de-AT").locale, "de");
        let english = InboxText::for_languages("nl");
        assert_eq!(english.locale, "en");
        assert!(!english.right_to_left);
        assert_eq!(english.dashboard.dashboard_title, "Service dashboard");
        assert_ne!(
            InboxText::for_languages("ja").dashboard.dashboard_title,
            english.dashboard.dashboard_title
        );
    }

    #[test]
    fn values_fill_the_placeholders_in_order() {
        assert_eq!(fill("{} to {}", &["1 hr", "4 hr"]), "1 hr to 4 hr");
        assert_eq!(fill("{}から{}まで", &["a", "b"]), "aからbまで");
        assert_eq!(fill("under {}", &[]), "under ");
        assert_eq!(fill("no value", &["x"]), "no value");
    }
}
