//! Which language a complaint is written in: ISO 639-1, or `und` when the text is too
//! short or too mixed to tell. Detection is whatlang's (trigram profiles for 69
//! languages); this module only maps its answer to TAXONOMY.md's codes.
//!
//! Behind the `language` feature: the profiles weigh about 180 KB, which the widget
//! does not ship (the edge stores the language; the widget needs only the category).

use whatlang::{Detector, Lang};

/// Fewer letters than this and no language is claimed.
const MIN_LETTERS: usize = 8;
/// Han, kana and Hangul carry more per character.
const MIN_IDEOGRAPHS: usize = 2;
/// Below this whatlang confidence the answer is `und`.
const MIN_CONFIDENCE: f64 = 0.01;

pub const UNDETERMINED: &str = crate::UNDETERMINED_LANGUAGE;

pub fn detect(text: &str) -> &'static str {
    detect_with_hint(text, None)
}

/// Like [`detect`], with the language the categorizer's cues point to: on text too short
/// for whatlang to be sure, that hint decides (whatlang hears French in "Three different
/// agents gave me three different answers").
pub fn detect_with_hint(text: &str, hint: Option<&str>) -> &'static str {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let ideographs = text.chars().filter(|&c| is_ideographic(c)).count();
    if ideographs < MIN_IDEOGRAPHS && letters < MIN_LETTERS {
        return UNDETERMINED;
    }
    static ALL: std::sync::OnceLock<Detector> = std::sync::OnceLock::new();
    static CORE: std::sync::OnceLock<Detector> = std::sync::OnceLock::new();
    let all =
        ALL.get_or_init(|| Detector::with_allowlist(ALLOWED.iter().map(|(l, _)| *l).collect()));
    let Some(info) = all.detect(text) else {
        return UNDETERMINED;
    };
    if info.confidence() < MIN_CONFIDENCE && ideographs < MIN_IDEOGRAPHS {
        return UNDETERMINED;
    }
    if !info.is_reliable() {
        if let Some(code) = hint.and_then(|h| ALLOWED.iter().find(|(_, c)| *c == h)) {
            return code.1;
        }
    }
    // On short text whatlang can hear Danish in English: an uncertain answer outside the
    // shopping languages we serve most defers to the best of those.
    let lang = if CORE_LANGS.contains(&info.lang()) || info.is_reliable() {
        info.lang()
    } else {
        let core = CORE.get_or_init(|| Detector::with_allowlist(CORE_LANGS.to_vec()));
        core.detect_lang(text).unwrap_or(info.lang())
    };
    ALLOWED
        .iter()
        .find(|(l, _)| *l == lang)
        .map_or(UNDETERMINED, |(_, code)| code)
}

/// The languages the widget and the lexicon serve first.
const CORE_LANGS: &[Lang] = &[
    Lang::Eng,
    Lang::Cmn,
    Lang::Spa,
    Lang::Fra,
    Lang::Deu,
    Lang::Por,
    Lang::Rus,
    Lang::Jpn,
    Lang::Kor,
    Lang::Ara,
    Lang::Ita,
    Lang::Tur,
    Lang::Pol,
    Lang::Nld,
];

fn is_ideographic(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}')
}

/// The languages we answer with. Restricting whatlang to common shopping languages
/// avoids confusions with rare neighbours (Galician for Portuguese, Afrikaans for Dutch,
/// Bulgarian for short Russian).
const ALLOWED: &[(Lang, &str)] = &[
    (Lang::Eng, "en"),
    (Lang::Cmn, "zh"),
    (Lang::Spa, "es"),
    (Lang::Fra, "fr"),
    (Lang::Deu, "de"),
    (Lang::Por, "pt"),
    (Lang::Rus, "ru"),
    (Lang::Jpn, "ja"),
    (Lang::Kor, "ko"),
    (Lang::Ara, "ar"),
    (Lang::Ita, "it"),
    (Lang::Tur, "tr"),
    (Lang::Pol, "pl"),
    (Lang::Nld, "nl"),
    (Lang::Swe, "sv"),
    (Lang::Dan, "da"),
    (Lang::Nob, "no"),
    (Lang::Fin, "fi"),
    (Lang::Ces, "cs"),
    (Lang::Slk, "sk"),
    (Lang::Ron, "ro"),
    (Lang::Hun, "hu"),
    (Lang::Ukr, "uk"),
    (Lang::Ell, "el"),
    (Lang::Heb, "he"),
    (Lang::Hin, "hi"),
    (Lang::Tha, "th"),
    (Lang::Vie, "vi"),
    (Lang::Ind, "id"),
    (Lang::Pes, "fa"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_common_shopping_languages() {
        let cases = [
            (
                "My parcel never arrived and the tracking has not moved in two weeks.",
                "en",
            ),
            ("我的包裹一直没有到，物流信息也不更新。", "zh"),
            ("Mi pedido no ha llegado y nadie me responde.", "es"),
            (
                "Ma commande n'est jamais arrivée et personne ne répond.",
                "fr",
            ),
            (
                "Meine Bestellung ist nie angekommen und niemand antwortet.",
                "de",
            ),
            ("Meu pedido nunca chegou e ninguém responde.", "pt"),
            ("Мой заказ так и не пришёл, никто не отвечает.", "ru"),
            ("注文した商品がまだ届いていません。", "ja"),
            ("주문한 상품이 아직 도착하지 않았어요.", "ko"),
            ("لم يصل طلبي حتى الآن ولا أحد يرد.", "ar"),
            ("Il mio ordine non è mai arrivato e nessuno risponde.", "it"),
            ("Siparişim hala gelmedi ve kimse cevap vermiyor.", "tr"),
            ("Moje zamówienie nie dotarło i nikt nie odpowiada.", "pl"),
            (
                "Mijn bestelling is nooit aangekomen en niemand reageert.",
                "nl",
            ),
        ];
        for (text, code) in cases {
            assert_eq!(detect(text), code, "{text}");
        }
    }

    #[test]
    fn too_little_text_is_undetermined() {
        assert_eq!(detect("ok"), "und");
        assert_eq!(detect("???"), "und");
        assert_eq!(detect(""), "und");
    }
}
