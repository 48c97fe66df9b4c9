//! The widget's words in twelve languages (`shared/locales/<tag>.json`, flat maps
//! from key to text, `{}` marking where a value goes) and the choice of one for a
//! shopper. The edge sends the chosen catalog with the store's widget settings, so the
//! widget carries no text of its own and only the shopper's language travels.

/// The languages the widget speaks, as BCP 47 tags.
pub const LOCALES: [&str; 12] = [
    "en", "zh-CN", "es", "fr", "de", "pt-BR", "ru", "ja", "ko", "ar", "it", "tr",
];

/// `match` on a locale from [`LOCALES`]: the catalog `shared/locales/<dir><tag>.json`
/// as JSON, English for any other tag. Every kind of catalog (the widget's, the
/// emails', the inbox's) is chosen the same way.
macro_rules! catalog_in {
    ($dir:literal, $locale:expr) => {
        match $locale {
            "zh-CN" => include_str!(concat!("../locales/", $dir, "zh-CN.json")),
            "es" => include_str!(concat!("../locales/", $dir, "es.json")),
            "fr" => include_str!(concat!("../locales/", $dir, "fr.json")),
            "de" => include_str!(concat!("../locales/", $dir, "de.json")),
            "pt-BR" => include_str!(concat!("../locales/", $dir, "pt-BR.json")),
            "ru" => include_str!(concat!("../locales/", $dir, "ru.json")),
            "ja" => include_str!(concat!("../locales/", $dir, "ja.json")),
            "ko" => include_str!(concat!("../locales/", $dir, "ko.json")),
            "ar" => include_str!(concat!("../locales/", $dir, "ar.json")),
            "it" => include_str!(concat!("../locales/", $dir, "it.json")),
            "tr" => include_str!(concat!("../locales/", $dir, "tr.json")),
            _ => include_str!(concat!("../locales/", $dir, "en.json")),
        }
    };
}
pub(crate) use catalog_in;

/// The catalog of a locale from [`LOCALES`], as JSON; English for any other.
pub fn catalog(locale: &str) -> &'static str {
    catalog_in!("", locale)
}

/// The settings as the edge sends them: `settings_json` (a JSON object, e.g. a
/// serialized `store::WidgetSettings`) with the locale's catalog as its `text`. The
/// catalog goes in as written: it is never parsed on the way.
pub fn with_catalog(settings_json: &str, locale: &str) -> String {
    let object = settings_json.trim_end();
    let object = object.strip_suffix('}').unwrap_or(object).trim_end();
    let separator = if object.ends_with('{') { "" } else { "," };
    format!("{object}{separator}\"text\":{}}}", catalog(locale).trim())
}

/// The first of the shopper's languages (`wanted`: tags best first, comma-separated,
/// as in `Accept-Language`, weights ignored) that the widget speaks, else the store's
/// default, else English. A tag matches exactly, then by its language alone: `pt-PT`
/// gets `pt-BR`, `zh-TW` gets `zh-CN`, `en-GB` gets `en`.
pub fn pick(wanted: &str, store_default: &str) -> &'static str {
    wanted
        .split(',')
        .chain(std::iter::once(store_default))
        .map(|tag| tag.split(';').next().unwrap_or("").trim())
        .filter(|tag| !tag.is_empty())
        .find_map(|tag| {
            let exact = LOCALES.iter().find(|l| l.eq_ignore_ascii_case(tag));
            exact.or_else(|| {
                let language = primary(tag);
                LOCALES
                    .iter()
                    .find(|l| primary(l).eq_ignore_ascii_case(language))
            })
        })
        .copied()
        .unwrap_or("en")
}

/// Whether the locale's script reads right to left.
pub fn is_right_to_left(locale: &str) -> bool {
    primary(locale).eq_ignore_ascii_case("ar")
}

fn primary(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn parsed(locale: &str) -> BTreeMap<String, String> {
        serde_json::from_str(catalog(locale)).unwrap_or_else(|e| panic!("{locale}: {e}"))
    }

    #[test]
    fn every_catalog_has_every_english_key_with_the_same_placeholders() {
        let english = parsed("en");
        for locale in LOCALES {
            let text = parsed(locale);
            assert_eq!(
                text.keys().collect::<Vec<_>>(),
                english.keys().collect::<Vec<_>>(),
                "{locale}"
            );
            for (key, value) in &text {
                assert!(!value.trim().is_empty(), "{locale} {key}");
                assert_eq!(
                    value.matches("{}").count(),
                    english[key].matches("{}").count(),
                    "{locale} {key}"
                );
                assert_eq!(value.matches('{').count(), value.matches("{}").count());
            }
        }
    }

    #[test]
    fn each_language_is_its_own_catalog() {
        for locale in LOCALES.into_iter().filter(|l| *l != "en") {
            assert_ne!(parsed(locale)["send"], parsed("en")["send"], "{locale}");
        }
    }

    #[test]
    fn the_shoppers_languages_are_tried_in_order_then_the_stores() {
        assert_eq!(pick("fr-CA,en;q=0.8", "en"), "fr");
        assert_eq!(pick("pt-PT", "en"), "pt-BR");
        assert_eq!(pick("zh-TW,zh", "en"), "zh-CN");
        assert_eq!(pick("PT-br", "en"), "pt-BR");
        assert_eq!(pick("sw,ar-EG", "en"), "ar");
        assert_eq!(pick("sw", "de"), "de");
        assert_eq!(pick("", "xx"), "en");
        assert_eq!(pick(" , ;q=1", "it"), "it");
    }

    #[test]
    fn the_catalog_joins_the_settings_as_their_text() {
        let joined: serde_json::Value =
            serde_json::from_str(&with_catalog(r#"{"locale":"fr","dir":"ltr"}"#, "fr"))
                .expect("JSON");
        assert_eq!(joined["locale"], "fr");
        assert_eq!(joined["text"]["send"], parsed("fr")["send"].as_str());
        let alone: serde_json::Value =
            serde_json::from_str(&with_catalog("{}", "en")).expect("JSON");
        assert_eq!(alone["text"]["send"], "Send");
    }

    #[test]
    fn arabic_reads_right_to_left() {
        assert!(is_right_to_left("ar") && is_right_to_left("ar-EG"));
        assert!(!is_right_to_left("en") && !is_right_to_left("tr"));
    }
}
