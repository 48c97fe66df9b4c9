//! Translating what shoppers write into their store's working language, so agents read
//! every language: which texts are translated (never one already in the store's
//! language), what a translation is stored under (the text's digest and the target: each
//! text is translated once), a store's daily allowance of characters, retries when the
//! provider fails, the state agents and webhooks see, and the providers' wire formats
//! (LibreTranslate's `POST /translate`; Workers AI's m2m100).
//!
//! The original is always kept and is the authority: a translation only ever sits
//! beside it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::notification::{Activity, CaseNotification, NotificationEvent};
use crate::timeline::{EventKind, TimelineEvent};

/// How many times the provider is asked for one text before it is given up as
/// unavailable (the original stands).
pub const MAX_ATTEMPTS: u32 = 4;

/// Seconds before the first retry; each further retry waits three times longer.
const FIRST_RETRY_SECONDS: u32 = 10;

/// A store's daily allowance when the operator sets none: about 60 long complaints an
/// hour, well within Workers AI's free allocation.
pub const DEFAULT_CHARACTERS_PER_DAY: u64 = 200_000;

/// Workers AI's translation model, and what the edge sends it.
pub const WORKERS_AI_MODEL: &str = "@cf/meta/m2m100-1.2b";

/// A store's translation settings (`stores.working_language`,
/// `stores.translation_characters_per_day`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranslationSettings {
    /// The language the store's agents work in (ISO 639-1): shoppers' texts in any
    /// other are translated into it.
    pub working_language: String,
    /// How many characters a day the store may have translated.
    pub characters_per_day: u64,
}

impl Default for TranslationSettings {
    fn default() -> TranslationSettings {
        TranslationSettings {
            working_language: "en".to_owned(),
            characters_per_day: DEFAULT_CHARACTERS_PER_DAY,
        }
    }
}

/// Where a text's translation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TranslationState {
    /// Translated: the translation's `text` is there.
    Translated,
    /// The provider failed; the text is being tried again.
    Pending,
    /// Not translated, for good: the original stands (see `reason`).
    Unavailable,
}

impl TranslationState {
    pub fn code(self) -> &'static str {
        match self {
            TranslationState::Translated => "translated",
            TranslationState::Pending => "pending",
            TranslationState::Unavailable => "unavailable",
        }
    }

    pub fn from_code(code: &str) -> Option<TranslationState> {
        [
            TranslationState::Translated,
            TranslationState::Pending,
            TranslationState::Unavailable,
        ]
        .into_iter()
        .find(|state| state.code() == code)
    }
}

/// Why a text was not translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unavailable {
    /// The provider failed every attempt.
    ProviderFailed,
    /// The store had used its characters for the day.
    DailyLimit,
    /// The operator configured no translator (an agent asked to read a reply translated).
    NoProvider,
}

impl Unavailable {
    pub fn code(self) -> &'static str {
        match self {
            Unavailable::ProviderFailed => "provider_failed",
            Unavailable::DailyLimit => "daily_limit",
            Unavailable::NoProvider => "no_provider",
        }
    }

    pub fn from_code(code: &str) -> Option<Unavailable> {
        [
            Unavailable::ProviderFailed,
            Unavailable::DailyLimit,
            Unavailable::NoProvider,
        ]
        .into_iter()
        .find(|reason| reason.code() == code)
    }
}

/// A shopper's text in the store's language, beside the original: what the agent API,
/// the inbox, webhooks and store emails carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Translation {
    pub state: TranslationState,
    /// The original's language (ISO 639-1), as detected.
    pub source_language: String,
    /// The language translated into: the store's working language.
    pub language: String,
    /// The translation, once `translated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Why, when `unavailable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Unavailable>,
}

/// A case's shopper texts in the store's working language, as the agent API gives
/// them: the complaint's description and the shopper's messages that have one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseTranslations {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Translation>,
    /// The shopper's messages', by their place in the case's `timeline`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<EntryTranslation>,
}

/// The translation of the timeline entry at `index`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryTranslation {
    pub index: usize,
    #[serde(flatten)]
    pub translation: Translation,
}

impl CaseTranslations {
    /// The translation of the timeline entry at `index`, if it has one.
    pub fn of_entry(&self, index: usize) -> Option<&Translation> {
        self.timeline
            .iter()
            .find(|t| t.index == index)
            .map(|t| &t.translation)
    }
}

/// Where a shopper's text sits in a case: its description, or a timeline entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Description,
    Entry(usize),
}

impl CaseTranslations {
    /// Sets the translation of the text at `place`.
    pub fn put(&mut self, place: Place, translation: Translation) {
        match place {
            Place::Description => self.description = Some(translation),
            Place::Entry(index) => {
                self.timeline.retain(|t| t.index != index);
                self.timeline.push(EntryTranslation { index, translation });
                self.timeline.sort_by_key(|t| t.index);
            }
        }
    }

    /// Whether the text at `place` has a translation that stands, or one still being
    /// retried by the queue consumer.
    fn has(&self, place: Place) -> bool {
        let found = match place {
            Place::Description => self.description.as_ref(),
            Place::Entry(index) => self.of_entry(index),
        };
        found.is_some_and(|t| t.is_final() || t.state == TranslationState::Pending)
    }
}

/// A case's shopper texts, where they sit and their digests: what its translations
/// are looked up by, and made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopperTexts {
    /// The description's language, as the categorizer detected it.
    description_language: String,
    texts: Vec<(Place, String, String)>,
}

impl ShopperTexts {
    pub fn of(
        description: &str,
        description_language: &str,
        timeline: &[TimelineEvent],
    ) -> ShopperTexts {
        let messages = timeline.iter().enumerate().filter_map(|(i, entry)| {
            let text = entry.value.as_deref()?;
            (entry.kind == EventKind::ShopperMessage).then_some((Place::Entry(i), text))
        });
        ShopperTexts {
            description_language: description_language.to_owned(),
            texts: std::iter::once((Place::Description, description))
                .chain(messages)
                .map(|(place, text)| (place, text.to_owned(), text_sha256(text)))
                .collect(),
        }
    }

    pub fn digests(&self) -> Vec<String> {
        self.texts
            .iter()
            .map(|(_, _, digest)| digest.clone())
            .collect()
    }

    /// The case's translations among `found` (by digest).
    pub fn translations(&self, found: &HashMap<String, Translation>) -> CaseTranslations {
        let mut translations = CaseTranslations::default();
        for (place, _, digest) in &self.texts {
            if let Some(translation) = found.get(digest).cloned() {
                translations.put(*place, translation);
            }
        }
        translations
    }

    /// The translations into `language` that `have` lacks and the texts need, by place:
    /// the description in its detected language, each message in the one `detect`
    /// tells.
    pub fn missing<'a>(
        &'a self,
        have: &CaseTranslations,
        language: &str,
        detect: impl Fn(&str) -> &'static str,
    ) -> Vec<(Place, Job<'a>)> {
        self.texts
            .iter()
            .filter(|(place, _, _)| !have.has(*place))
            .filter_map(|(place, text, _)| {
                let source = match place {
                    Place::Description => self.description_language.as_str(),
                    Place::Entry(_) => detect(text),
                };
                Some((*place, job(text, source, language)?))
            })
            .collect()
    }
}

impl Translation {
    /// Whether the provider need not be asked for this text again: translated, or
    /// given up after its retries. Neither a text still being retried nor one refused
    /// for a day's allowance is: the next time it is needed (the same text again, an
    /// agent reading it), it is tried again.
    pub fn is_final(&self) -> bool {
        match (self.state, self.reason) {
            (TranslationState::Translated, _) => true,
            (TranslationState::Pending, _) => false,
            (TranslationState::Unavailable, Some(Unavailable::DailyLimit)) => false,
            (TranslationState::Unavailable, _) => true,
        }
    }

    /// What is said before the translation (the store's email, the inbox), languages
    /// named by `name` (their codes, or their names in the reader's language).
    pub fn heading(&self, name: impl Fn(&str) -> String) -> String {
        let (from, into) = (name(&self.source_language), name(&self.language));
        match (self.state, self.reason) {
            (TranslationState::Translated, _) => format!("Machine translation from {from} into {into}:"),
            (TranslationState::Pending, _) => format!("Translation from {from} into {into}: pending"),
            (TranslationState::Unavailable, Some(Unavailable::DailyLimit)) => format!(
                "Not translated from {from} into {into}: the store's translations for today are used up"
            ),
            (TranslationState::Unavailable, Some(Unavailable::NoProvider)) => format!(
                "Not translated from {from} into {into}: no translator is set up"
            ),
            (TranslationState::Unavailable, _) => {
                format!("Not translated from {from} into {into}: the translator failed")
            }
        }
    }
}

/// What an agent wrote when the shopper received it translated: kept beside the reply
/// the shopper reads, shown to agents as the authority and to the shopper on request
/// ("show the store's original").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Original {
    /// The language the agent wrote in (ISO 639-1).
    pub language: String,
    pub text: String,
}

/// Whether `tag` names a language a provider can take: a primary subtag of two or three
/// letters, with or without a region (`ko`, `pt-BR`).
pub fn is_language(tag: &str) -> bool {
    let primary = primary(tag);
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && tag.len() <= 16
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The translation an agent's reply written in `agent_language` needs for a shopper
/// whose case speaks `case_locale`; `None` when the shopper reads it as written.
pub fn reply_job<'a>(text: &'a str, agent_language: &str, case_locale: &str) -> Option<Job<'a>> {
    job(text, agent_language, case_locale)
}

/// One text to translate: from, into, and the key its translation is stored under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job<'a> {
    pub text: &'a str,
    pub source_language: String,
    pub language: String,
    /// SHA-256 of the text, hex: with the target language, the translation's key.
    pub text_sha256: String,
    /// What it costs against the store's allowance: its characters.
    pub characters: u64,
}

impl Job<'_> {
    pub fn translated(&self, text: String) -> Translation {
        self.with(TranslationState::Translated, Some(text), None)
    }

    pub fn pending(&self) -> Translation {
        self.with(TranslationState::Pending, None, None)
    }

    pub fn unavailable(&self, reason: Unavailable) -> Translation {
        self.with(TranslationState::Unavailable, None, Some(reason))
    }

    fn with(
        &self,
        state: TranslationState,
        text: Option<String>,
        reason: Option<Unavailable>,
    ) -> Translation {
        Translation {
            state,
            source_language: self.source_language.clone(),
            language: self.language.clone(),
            text,
            reason,
        }
    }
}

/// The translation `text`, written in `source_language`, needs into the store's
/// `working_language`; `None` when it needs none: already in that language, a language
/// nobody could tell (too short, or no words at all), or nothing but digits and signs.
pub fn job<'a>(text: &'a str, source_language: &str, working_language: &str) -> Option<Job<'a>> {
    let (source, target) = (primary(source_language), primary(working_language));
    let unknown = source.is_empty() || source == crate::UNDETERMINED_LANGUAGE;
    if unknown || target.is_empty() || source == target || !text.chars().any(char::is_alphabetic) {
        return None;
    }
    Some(Job {
        text,
        source_language: source,
        language: target,
        text_sha256: text_sha256(text),
        characters: text.chars().count() as u64,
    })
}

/// The digest a text's translations are stored under.
pub fn text_sha256(text: &str) -> String {
    crate::hex(&Sha256::digest(text.as_bytes()))
}

/// A language tag's primary subtag in lower case (`pt-BR` → `pt`): providers translate
/// between languages, not regions.
pub fn primary(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The shopper's text an event brings, and its language when already known: the
/// complaint (the categorizer detected its language) or a message (not detected yet).
pub fn shopper_text(notification: &CaseNotification) -> Option<(&str, Option<&str>)> {
    match (&notification.event, &notification.activity) {
        (NotificationEvent::CaseCreated, _) => Some((
            &notification.case.details.description,
            Some(&notification.case.classification.lang),
        )),
        (_, Some(Activity { entry, .. })) if entry.kind == EventKind::ShopperMessage => {
            Some((entry.value.as_deref()?, None))
        }
        _ => None,
    }
}

/// Whether a store that has used `used_today` characters may spend `characters` more.
pub fn within_allowance(used_today: u64, characters: u64, per_day: u64) -> bool {
    used_today.saturating_add(characters) <= per_day
}

/// The day a store's usage is counted in: the UTC date of an RFC 3339 instant.
pub fn usage_day(now: &str) -> &str {
    now.get(..10).unwrap_or(now)
}

/// What to do after the provider failed a text for the `attempts`-th time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    RetryIn { seconds: u32 },
    GiveUp,
}

pub fn after_failure(attempts: u32) -> AfterFailure {
    if attempts >= MAX_ATTEMPTS {
        return AfterFailure::GiveUp;
    }
    let seconds =
        FIRST_RETRY_SECONDS.saturating_mul(3u32.saturating_pow(attempts.saturating_sub(1)));
    AfterFailure::RetryIn { seconds }
}

/// LibreTranslate's `POST /translate` body: what the HTTP provider is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderRequest {
    pub q: String,
    pub source: String,
    pub target: String,
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
}

impl ProviderRequest {
    pub fn new(job: &Job<'_>, api_key: Option<&str>) -> ProviderRequest {
        ProviderRequest {
            q: job.text.to_owned(),
            source: job.source_language.clone(),
            target: job.language.clone(),
            format: "text".to_owned(),
            api_key: api_key.map(str::to_owned),
        }
    }
}

/// LibreTranslate's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderAnswer {
    #[serde(rename = "translatedText")]
    pub translated_text: String,
}

/// Workers AI m2m100's input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkersAiInput<'a> {
    pub text: &'a str,
    pub source_lang: &'a str,
    pub target_lang: &'a str,
}

impl<'a> WorkersAiInput<'a> {
    pub fn new(job: &'a Job<'_>) -> WorkersAiInput<'a> {
        WorkersAiInput {
            text: job.text,
            source_lang: &job.source_language,
            target_lang: &job.language,
        }
    }
}

/// Workers AI m2m100's output.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WorkersAiOutput {
    pub translated_text: String,
}

/// A provider's translation, unless it is empty: an empty answer is a failure, never a
/// translation that would hide the original.
pub fn accepted(translated: &str) -> Option<String> {
    let translated = translated.trim();
    (!translated.is_empty()).then(|| translated.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agents_reply_is_translated_into_the_language_the_shopper_filed_in() {
        let job = reply_job("We are sending a new lamp today.", "en", "ko").expect("a job");
        assert_eq!(
            (job.source_language.as_str(), job.language.as_str()),
            ("en", "ko")
        );
        assert_eq!(reply_job("Enviamos hoje.", "pt", "pt-BR"), None);
    }

    #[test]
    fn language_tags_are_checked_before_a_provider_sees_them() {
        for tag in ["ko", "en", "pt-BR", "zh-CN", "fil"] {
            assert!(is_language(tag), "{tag}");
        }
        for tag in [
            "",
            "k",
            "english",
            "e1",
            "ko;drop",
            "../en",
            "zh-CN-Hans-Hant-xx-yy",
        ] {
            assert!(!is_language(tag), "{tag}");
        }
    }

    #[test]
    fn a_text_in_the_stores_language_is_never_translated() {
        assert_eq!(job("The lamp arrived broken.", "en", "en"), None);
        assert_eq!(job("The lamp arrived broken.", "en", "en-GB"), None);
        assert_eq!(job("Chegou partido.", "pt-BR", "pt"), None);
    }

    #[test]
    fn a_text_whose_language_nobody_could_tell_or_without_words_is_not_translated() {
        assert_eq!(job("ok", "und", "en"), None);
        assert_eq!(job("12345 !!!", "ko", "en"), None);
        assert_eq!(job("주문", "", "en"), None);
    }

    #[test]
    fn a_text_in_another_language_is_translated_into_the_stores() {
        let text = "주문한 램프가 깨진 채로 도착했어요.";
        let job = job(text, "ko", "EN-us").expect("a job");
        assert_eq!(job.source_language, "ko");
        assert_eq!(job.language, "en");
        assert_eq!(job.characters, text.chars().count() as u64);
        assert_eq!(job.text_sha256, text_sha256(text));
        assert_eq!(job.text_sha256.len(), 64);
    }

    #[test]
    fn the_same_text_has_the_same_key_and_another_text_another() {
        assert_eq!(
            text_sha256("환불을 원합니다."),
            text_sha256("환불을 원합니다.")
        );
        assert_ne!(
            text_sha256("환불을 원합니다."),
            text_sha256("환불을 원합니다")
        );
    }

    fn entry(kind: EventKind, value: &str) -> TimelineEvent {
        TimelineEvent {
            at: "2026-12-02T10:00:00.000Z".to_owned(),
            actor: "shopper".to_owned(),
            kind,
            value: Some(value.to_owned()),
            public: true,
            original: None,
        }
    }

    /// Regression: a text refused for the store's daily allowance stayed untranslated
    /// for good, the next day too.
    #[test]
    fn a_text_refused_for_the_days_allowance_is_tried_again_when_read_later() {
        let job = job("환불을 원합니다.", "ko", "en").expect("a job");
        assert!(!job.unavailable(Unavailable::DailyLimit).is_final());
        assert!(job.unavailable(Unavailable::ProviderFailed).is_final());
        assert!(job
            .translated("I would like a refund.".to_owned())
            .is_final());
        assert!(!job.pending().is_final());
        let texts = ShopperTexts::of("환불을 원합니다.", "ko", &[]);
        let mut have = CaseTranslations::default();
        have.put(Place::Description, job.unavailable(Unavailable::DailyLimit));
        assert_eq!(texts.missing(&have, "en", |_| "ko").len(), 1);
        have.put(Place::Description, job.pending());
        assert!(
            texts.missing(&have, "en", |_| "ko").is_empty(),
            "the consumer retries it"
        );
    }

    #[test]
    fn an_agent_with_a_language_of_their_own_gets_what_is_missing_in_it() {
        let timeline = [
            entry(EventKind::ShopperMessage, "사진을 더 보내 드릴까요?"),
            entry(EventKind::Reply, "请再发几张照片。"),
            entry(EventKind::ShopperMessage, "这是照片。"),
        ];
        let texts = ShopperTexts::of("환불을 원합니다.", "ko", &timeline);
        let mut have = CaseTranslations::default();
        let asked = job("사진을 더 보내 드릴까요?", "ko", "zh").expect("a job");
        have.put(
            Place::Entry(0),
            asked.translated("需要我再发一些照片吗？".to_owned()),
        );
        let detect = |text: &str| if text.contains('照') { "zh" } else { "ko" };
        let missing = texts.missing(&have, "zh-CN", detect);
        // The description still; not the message already translated, not the agent's
        // reply, not the message already in Chinese.
        assert_eq!(missing.len(), 1, "{missing:?}");
        let (place, job) = &missing[0];
        assert_eq!(*place, Place::Description);
        assert_eq!(
            (job.text, job.language.as_str()),
            ("환불을 원합니다.", "zh")
        );
        have.put(*place, job.translated("我想要退款。".to_owned()));
        assert!(texts.missing(&have, "zh", detect).is_empty());
    }

    #[test]
    fn a_cases_translations_are_its_descriptions_and_its_shoppers_messages() {
        let timeline = [
            entry(EventKind::ShopperMessage, "사진을 더 보내 드릴까요?"),
            entry(EventKind::Reply, "Please send more photos."),
            entry(EventKind::ShopperMessage, "네"),
        ];
        let texts = ShopperTexts::of("환불을 원합니다.", "ko", &timeline);
        assert_eq!(
            texts.digests(),
            ["환불을 원합니다.", "사진을 더 보내 드릴까요?", "네"].map(text_sha256)
        );
        let job = job("사진을 더 보내 드릴까요?", "ko", "en").expect("a job");
        let photos = job.translated("Shall I send you more photos?".to_owned());
        let found = HashMap::from([(job.text_sha256.clone(), photos.clone())]);
        let translations = texts.translations(&found);
        assert_eq!(translations.description, None);
        assert_eq!(translations.of_entry(0), Some(&photos));
        assert_eq!(translations.of_entry(1), None);
        assert_eq!(
            serde_json::to_value(&translations).expect("serialises"),
            serde_json::json!({"timeline": [{"index": 0, "state": "translated",
                "source_language": "ko", "language": "en",
                "text": "Shall I send you more photos?"}]})
        );
    }

    #[test]
    fn the_allowance_counts_characters_up_to_the_limit_inclusive() {
        assert!(within_allowance(0, 100, 100));
        assert!(within_allowance(60, 40, 100));
        assert!(!within_allowance(61, 40, 100));
        assert!(!within_allowance(u64::MAX, 1, 100));
    }

    #[test]
    fn usage_is_counted_per_utc_day() {
        assert_eq!(usage_day("2026-12-02T23:59:59.999Z"), "2026-12-02");
    }

    #[test]
    fn failures_are_retried_with_growing_waits_then_given_up() {
        assert_eq!(after_failure(1), AfterFailure::RetryIn { seconds: 10 });
        assert_eq!(after_failure(2), AfterFailure::RetryIn { seconds: 30 });
        assert_eq!(after_failure(3), AfterFailure::RetryIn { seconds: 90 });
        assert_eq!(after_failure(MAX_ATTEMPTS), AfterFailure::GiveUp);
    }

    #[test]
    fn an_empty_answer_is_not_a_translation() {
        assert_eq!(accepted("  \n"), None);
        assert_eq!(accepted(" The lamp. "), Some("The lamp.".to_owned()));
    }

    #[test]
    fn states_and_reasons_round_trip_their_codes() {
        for state in [
            TranslationState::Translated,
            TranslationState::Pending,
            TranslationState::Unavailable,
        ] {
            assert_eq!(TranslationState::from_code(state.code()), Some(state));
            assert_eq!(
                serde_json::to_value(state).expect("serialises"),
                state.code()
            );
        }
        for reason in [Unavailable::ProviderFailed, Unavailable::DailyLimit] {
            assert_eq!(Unavailable::from_code(reason.code()), Some(reason));
            assert_eq!(
                serde_json::to_value(reason).expect("serialises"),
                reason.code()
            );
        }
    }

    #[test]
    fn the_http_provider_is_sent_libretranslates_body() {
        let job = job("환불을 원합니다.", "ko", "en").expect("a job");
        let body =
            serde_json::to_value(ProviderRequest::new(&job, Some("key"))).expect("serialises");
        assert_eq!(
            body,
            serde_json::json!({"q": "환불을 원합니다.", "source": "ko", "target": "en",
                "format": "text", "api_key": "key"})
        );
        let answer: ProviderAnswer =
            serde_json::from_str(r#"{"translatedText": "I would like a refund."}"#)
                .expect("parses");
        assert_eq!(answer.translated_text, "I would like a refund.");
    }
}
