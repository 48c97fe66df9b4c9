//! A store's configuration as operators set it: who may embed the widget, how long the
//! store has to answer, and where its cases go. The operator command validates with
//! these rules before it writes; the edge reads the stored values and asks
//! [`StoreConfig::allows_origin`].

use serde::{Deserialize, Serialize};

use crate::business_hours::{BusinessHours, BusinessHoursError, Calendar, Zone};
use crate::deadline::PriorityHours;
use crate::evidence::EvidenceLimits;
use crate::notification::NotificationEvent;
use crate::service_level::ServiceLevels;
use crate::translation::TranslationSettings;
use crate::validate::{validate_store_id, Limits};
use crate::widget_text;

/// One store, as kept in the `stores` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreConfig {
    pub id: String,
    pub name: String,
    /// Storefront origins (`https://shop.example`) the widget may be used from. Empty
    /// means any origin: a store that has not listed its sites yet.
    pub allowed_origins: Vec<String>,
    /// The widget's language when neither the tag nor the page says (BCP 47, e.g. `en`).
    pub default_locale: String,
    /// Hours to a first response, by priority (the shopper's promised deadline).
    pub policy: PriorityHours,
    /// Hours to a resolution, by priority.
    pub resolution_policy: PriorityHours,
    /// When the service-level clocks count; `None`: around the clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_hours: Option<BusinessHours>,
    /// Orders worth at least this much (in minor units) are at least `high` priority.
    pub high_value_order_minor: Option<u64>,
    pub channels: Channels,
    /// What a complaint may attach: per-file sizes by type, count and total.
    pub evidence: EvidenceLimits,
    /// Whether the widget offers to send photos at full size, with their metadata,
    /// instead of downscaled and stripped (see `photo`).
    pub original_photos_allowed: bool,
    /// Whether shoppers see the name of the agent who replied (on their case page and
    /// in the reply's email); otherwise they hear from the store alone.
    pub agent_names_shown: bool,
    /// What the store's offers may be made in (ISO 4217), its main currency first.
    pub currencies: Vec<String>,
    /// How many days a shopper has to answer an offer.
    pub offer_days: u32,
    /// Cloudflare Turnstile, when the store asks shoppers to pass it (`turnstile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnstile: Option<TurnstileKeys>,
    /// What shoppers' texts are translated into, and how much a day.
    #[serde(default)]
    pub translation: TranslationSettings,
}

/// A store's Turnstile widget: the site key is public, the secret is only ever sent to
/// siteverify (never serialized, so `store show` cannot print it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnstileKeys {
    pub site_key: String,
    #[serde(skip_serializing, default)]
    pub secret: String,
}

/// How long a browser keeps a store's widget settings: fresh for five minutes, then
/// shown at once while they are fetched again, for a week. A returning shopper's form
/// opens without waiting for the network; a store's change reaches them a visit later
/// (the edge, which enforces every limit, has it at once).
pub const WIDGET_SETTINGS_CACHE: &str = "max-age=300, stale-while-revalidate=604800";

/// What the widget needs to show a store's Turnstile challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnstileWidget {
    pub site_key: String,
    /// Cloudflare's `api.js` (the edge's `TURNSTILE_SCRIPT_URL` can point elsewhere).
    pub script: String,
}

/// What the widget may know of its store before the shopper sends anything: nothing
/// in it is secret, nor changes from one shopper to the next, so browsers keep it a
/// while ([`WIDGET_SETTINGS_CACHE`]; `GET /v1/stores/{store}/widget`; the edge adds
/// the catalog of `locale`, see `widget_text`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetSettings {
    pub name: String,
    /// The language the widget will speak: the shopper's first one it knows.
    pub locale: String,
    /// `ltr` or `rtl`.
    pub dir: String,
    pub evidence: EvidenceLimits,
    pub original_photos_allowed: bool,
    /// Present when the store asks shoppers to pass Turnstile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnstile: Option<TurnstileWidget>,
}

/// Where a store's notifications go; any of them may be unset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channels {
    /// Receives every case event as signed JSON.
    pub webhook_url: Option<String>,
    /// A Slack-compatible incoming webhook.
    pub chat_webhook_url: Option<String>,
    /// An inbox that gets each case as a plain-text email.
    pub email_to: Option<String>,
    /// The events the chat gets (the webhook gets every one).
    pub chat_events: Vec<NotificationEvent>,
    /// The events the email inbox gets.
    pub email_events: Vec<NotificationEvent>,
}

impl Default for Channels {
    fn default() -> Channels {
        Channels {
            webhook_url: None,
            chat_webhook_url: None,
            email_to: None,
            chat_events: NotificationEvent::ATTENTION.to_vec(),
            email_events: NotificationEvent::ATTENTION.to_vec(),
        }
    }
}

/// A `stores` row as D1 (and `wrangler d1 execute --json`) returns it.
#[derive(Debug, Clone, Deserialize)]
pub struct StoreRow {
    pub id: String,
    pub name: String,
    /// A JSON array of origins.
    pub allowed_origins: String,
    pub default_locale: String,
    pub urgent_hours: u32,
    pub high_hours: u32,
    pub normal_hours: u32,
    pub low_hours: u32,
    pub high_value_order_minor: Option<u64>,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    pub chat_webhook_url: Option<String>,
    pub email_to: Option<String>,
    /// JSON arrays of event codes; NULL: [`NotificationEvent::ATTENTION`].
    pub chat_events: Option<String>,
    pub email_events: Option<String>,
    pub max_files: Option<usize>,
    pub max_image_bytes: Option<u64>,
    pub max_video_bytes: Option<u64>,
    pub max_total_bytes: Option<u64>,
    /// 0 or 1.
    pub original_photos: u8,
    /// 0 or 1.
    pub agent_names_shown: u8,
    /// A JSON array of ISO 4217 codes.
    pub currencies: String,
    pub offer_days: u32,
    /// JSON of [`PriorityHours`]; NULL: [`PriorityHours::resolution_default`].
    pub resolution_hours: Option<String>,
    /// JSON of [`BusinessHours`]; NULL: around the clock.
    pub business_hours: Option<String>,
    pub turnstile_site_key: Option<String>,
    pub turnstile_secret: Option<String>,
    pub working_language: String,
    pub translation_characters_per_day: u64,
}

impl StoreRow {
    /// The columns to select for a [`StoreRow`].
    pub const COLUMNS: &'static str = "id, name, allowed_origins, default_locale, urgent_hours, \
        high_hours, normal_hours, low_hours, high_value_order_minor, webhook_url, webhook_secret, \
        chat_webhook_url, email_to, max_files, max_image_bytes, max_video_bytes, max_total_bytes, \
        original_photos, turnstile_site_key, turnstile_secret, chat_events, email_events, \
        agent_names_shown, currencies, offer_days, resolution_hours, business_hours, \
        working_language, translation_characters_per_day";

    /// The configuration, and the webhook signing secret kept beside it.
    pub fn into_config(self) -> (StoreConfig, Option<String>) {
        let defaults = EvidenceLimits::default();
        let evidence = EvidenceLimits {
            max_image_or_document_bytes: self
                .max_image_bytes
                .unwrap_or(defaults.max_image_or_document_bytes),
            max_video_bytes: self.max_video_bytes.unwrap_or(defaults.max_video_bytes),
            max_files_per_complaint: self.max_files.unwrap_or(defaults.max_files_per_complaint),
            max_total_bytes: self.max_total_bytes.unwrap_or(defaults.max_total_bytes),
        };
        let config = StoreConfig {
            evidence,
            original_photos_allowed: self.original_photos != 0,
            agent_names_shown: self.agent_names_shown != 0,
            currencies: parse_origins(&self.currencies),
            offer_days: self.offer_days,
            resolution_policy: self
                .resolution_hours
                .and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_else(PriorityHours::resolution_default),
            business_hours: self
                .business_hours
                .and_then(|json| serde_json::from_str(&json).ok()),
            turnstile: self
                .turnstile_site_key
                .zip(self.turnstile_secret)
                .map(|(site_key, secret)| TurnstileKeys { site_key, secret }),
            translation: TranslationSettings {
                working_language: self.working_language,
                characters_per_day: self.translation_characters_per_day,
            },
            allowed_origins: parse_origins(&self.allowed_origins),
            id: self.id,
            name: self.name,
            default_locale: self.default_locale,
            policy: PriorityHours {
                urgent_hours: self.urgent_hours,
                high_hours: self.high_hours,
                normal_hours: self.normal_hours,
                low_hours: self.low_hours,
            },
            high_value_order_minor: self.high_value_order_minor,
            channels: Channels {
                webhook_url: self.webhook_url,
                chat_webhook_url: self.chat_webhook_url,
                email_to: self.email_to,
                chat_events: parse_events(self.chat_events.as_deref()),
                email_events: parse_events(self.email_events.as_deref()),
            },
        };
        (config, self.webhook_secret)
    }
}

/// A stored event choice; codes this version does not know are left out.
fn parse_events(json: Option<&str>) -> Vec<NotificationEvent> {
    match json {
        None => NotificationEvent::ATTENTION.to_vec(),
        Some(json) => parse_origins(json)
            .iter()
            .filter_map(|code| NotificationEvent::from_code(code))
            .collect(),
    }
}

/// The stored form of an event choice.
pub fn events_json(events: &[NotificationEvent]) -> String {
    let codes: Vec<String> = events.iter().map(|e| e.code().to_owned()).collect();
    origins_json(&codes)
}

/// The stored origin list; a corrupt one allows nothing rather than everything.
fn parse_origins(json: &str) -> Vec<String> {
    let inner = json
        .trim()
        .strip_prefix('[')
        .and_then(|j| j.strip_suffix(']'));
    match inner {
        Some(inner) if inner.trim().is_empty() => Vec::new(),
        Some(inner) => inner
            .split(',')
            .map(|o| o.trim().trim_matches('"').to_owned())
            .collect(),
        None => vec![String::new()],
    }
}

/// The stored form of an origin list (origins never contain quotes or commas).
pub fn origins_json(origins: &[String]) -> String {
    let quoted: Vec<String> = origins.iter().map(|o| format!("\"{o}\"")).collect();
    format!("[{}]", quoted.join(","))
}

/// What is wrong with a store's configuration, one value per rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreConfigError {
    InvalidId,
    /// Empty, over 100 characters, or with control characters.
    InvalidName,
    /// An allowed origin that is not `http(s)://host[:port]`.
    InvalidOrigin(String),
    InvalidLocale(String),
    /// A deadline of zero hours, or more than a year.
    InvalidHours(u32),
    /// Evidence limits outside what the edge can take (1-20 files, 1 byte to 500 MB).
    InvalidEvidenceLimits,
    /// A channel URL that is not `http(s)://...`.
    InvalidUrl(String),
    InvalidEmail(String),
    /// A Turnstile site key or secret that is missing or not printable ASCII.
    InvalidTurnstileKeys,
    /// No currency, or a code that is not ISO 4217 (as `money` knows them).
    InvalidCurrencies,
    /// Offers stay open 1 to 60 days.
    InvalidOfferDays(u32),
    InvalidBusinessHours(BusinessHoursError),
    /// A working language that is not a language code, or a daily allowance of more
    /// than 100 million characters.
    InvalidTranslation,
}

impl std::fmt::Display for StoreConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreConfigError::InvalidId => {
                f.write_str("a store id is 1-64 letters, digits, '.', '-' or '_'")
            }
            StoreConfigError::InvalidName => {
                f.write_str("a store's name is 1-100 characters, none of them control characters")
            }
            StoreConfigError::InvalidOrigin(o) => write!(
                f,
                "{o:?} is not an origin: use scheme://host[:port] with no path"
            ),
            StoreConfigError::InvalidLocale(l) => {
                write!(f, "{l:?} is not a language tag such as en or pt-BR")
            }
            StoreConfigError::InvalidHours(h) => {
                write!(f, "{h} hours is not a deadline: use 1 to 8760")
            }
            StoreConfigError::InvalidUrl(u) => write!(f, "{u:?} is not an http(s) URL"),
            StoreConfigError::InvalidEvidenceLimits => {
                f.write_str("evidence limits are 1-20 files and 1 byte to 500 MB")
            }
            StoreConfigError::InvalidEmail(e) => write!(f, "{e:?} is not an email address"),
            StoreConfigError::InvalidCurrencies => f.write_str(
                "currencies are one or more ISO 4217 codes such as EUR,USD (upper case)",
            ),
            StoreConfigError::InvalidOfferDays(d) => {
                write!(f, "{d} days is not an offer's life: use 1 to {MAX_OFFER_DAYS}")
            }
            StoreConfigError::InvalidBusinessHours(e) => e.fmt(f),
            StoreConfigError::InvalidTranslation => write!(
                f,
                "the working language is a language code such as en, and translations are 0 to {MAX_TRANSLATION_CHARACTERS_PER_DAY} characters a day"
            ),
            StoreConfigError::InvalidTurnstileKeys => f.write_str(
                "Turnstile needs both --turnstile-site-key and --turnstile-secret, as Cloudflare shows them",
            ),
        }
    }
}

impl std::error::Error for StoreConfigError {}

const MAX_DEADLINE_HOURS: u32 = 24 * 365;
const MAX_OFFER_DAYS: u32 = 60;
const MAX_TRANSLATION_CHARACTERS_PER_DAY: u64 = 100_000_000;
/// The most files any store may allow on one complaint.
pub const MAX_FILES: usize = 20;
/// Cloudflare's request body limit on its larger plans.
const MAX_EVIDENCE_BYTES: u64 = 500 * 1024 * 1024;

impl StoreConfig {
    /// A store with the default policy and no channels.
    pub fn new(id: &str, name: &str) -> StoreConfig {
        StoreConfig {
            id: id.to_owned(),
            name: name.to_owned(),
            allowed_origins: Vec::new(),
            default_locale: "en".to_owned(),
            policy: PriorityHours::default(),
            resolution_policy: PriorityHours::resolution_default(),
            business_hours: None,
            high_value_order_minor: None,
            channels: Channels::default(),
            evidence: EvidenceLimits::default(),
            original_photos_allowed: false,
            agent_names_shown: false,
            currencies: vec!["USD".to_owned()],
            offer_days: 7,
            turnstile: None,
            translation: TranslationSettings::default(),
        }
    }

    /// The settings for a shopper whose languages are `wanted` (best first, commas).
    pub fn widget_settings(&self, wanted: &str) -> WidgetSettings {
        let locale = widget_text::pick(wanted, &self.default_locale);
        WidgetSettings {
            name: self.name.clone(),
            locale: locale.to_owned(),
            dir: if widget_text::is_right_to_left(locale) {
                "rtl"
            } else {
                "ltr"
            }
            .to_owned(),
            evidence: self.evidence,
            original_photos_allowed: self.original_photos_allowed,
            turnstile: None,
        }
    }

    /// Every rule a stored configuration keeps; the first one broken.
    pub fn check(&self) -> Result<(), StoreConfigError> {
        validate_store_id(&self.id, &Limits::default()).map_err(|_| StoreConfigError::InvalidId)?;
        if !is_display_name(&self.name) {
            return Err(StoreConfigError::InvalidName);
        }
        if let Some(bad) = self.allowed_origins.iter().find(|o| !is_origin(o)) {
            return Err(StoreConfigError::InvalidOrigin(bad.clone()));
        }
        if !is_language_tag(&self.default_locale) {
            return Err(StoreConfigError::InvalidLocale(self.default_locale.clone()));
        }
        for p in [&self.policy, &self.resolution_policy] {
            for hours in [p.urgent_hours, p.high_hours, p.normal_hours, p.low_hours] {
                if hours == 0 || hours > MAX_DEADLINE_HOURS {
                    return Err(StoreConfigError::InvalidHours(hours));
                }
            }
        }
        if let Some(hours) = &self.business_hours {
            hours
                .check()
                .map_err(StoreConfigError::InvalidBusinessHours)?;
        }
        let e = &self.evidence;
        let bytes_ok = |b: u64| (1..=MAX_EVIDENCE_BYTES).contains(&b);
        if !(1..=MAX_FILES).contains(&e.max_files_per_complaint)
            || ![
                e.max_image_or_document_bytes,
                e.max_video_bytes,
                e.max_total_bytes,
            ]
            .into_iter()
            .all(bytes_ok)
        {
            return Err(StoreConfigError::InvalidEvidenceLimits);
        }
        if self.currencies.is_empty()
            || !self.currencies.iter().all(|c| crate::money::is_currency(c))
        {
            return Err(StoreConfigError::InvalidCurrencies);
        }
        if !(1..=MAX_OFFER_DAYS).contains(&self.offer_days) {
            return Err(StoreConfigError::InvalidOfferDays(self.offer_days));
        }
        let c = &self.channels;
        for url in [&c.webhook_url, &c.chat_webhook_url].into_iter().flatten() {
            if !is_http_url(url) {
                return Err(StoreConfigError::InvalidUrl(url.clone()));
            }
        }
        if let Some(email) = &c.email_to {
            if !crate::validate::is_plausible_email(email) {
                return Err(StoreConfigError::InvalidEmail(email.clone()));
            }
        }
        let translation = &self.translation;
        if !is_language_tag(&translation.working_language)
            || translation.characters_per_day > MAX_TRANSLATION_CHARACTERS_PER_DAY
        {
            return Err(StoreConfigError::InvalidTranslation);
        }
        if let Some(keys) = &self.turnstile {
            let plausible = |k: &str| {
                (1..=256).contains(&k.len())
                    && k.bytes()
                        .all(|b| b.is_ascii_graphic() && b != b'\'' && b != b'"')
            };
            if !plausible(&keys.site_key) || !plausible(&keys.secret) {
                return Err(StoreConfigError::InvalidTurnstileKeys);
            }
        }
        Ok(())
    }

    /// The store's service levels, its business hours counted in `zone` (the zone
    /// they name, as the platform knows it).
    pub fn service_levels<'a>(&'a self, zone: &'a dyn Zone) -> ServiceLevels<'a> {
        ServiceLevels {
            response: self.policy,
            resolution: self.resolution_policy,
            calendar: Calendar::of(self.business_hours.as_ref(), zone),
        }
    }

    /// Whether a browser request from `origin` may submit to this store.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.allowed_origins.is_empty()
            || self
                .allowed_origins
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(origin))
    }
}

/// A name people see (a store's, an agent's): 1-100 characters, none of them control
/// or bidi-override characters, not only spaces.
pub fn is_display_name(value: &str) -> bool {
    !value.trim().is_empty()
        && value.chars().count() <= 100
        && !value.chars().any(|c| {
            c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
}

/// `scheme://host[:port]`, exactly as browsers send it in `Origin`.
fn is_origin(value: &str) -> bool {
    let Some(rest) = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
    else {
        return false;
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) if !host.contains(']') || host.ends_with(']') => (host, Some(port)),
        _ => (rest, None),
    };
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'))
        && port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// An `http(s)` URL whose authority is a valid origin (any path and query).
fn is_http_url(value: &str) -> bool {
    let after_scheme = value.find("://").map_or(0, |i| i + 3);
    let authority_end = value[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(value.len(), |i| after_scheme + i);
    is_origin(&value[..authority_end])
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A BCP 47 tag as browsers write them: a 2-3 letter language, optional subtags.
pub(crate) fn is_language_tag(value: &str) -> bool {
    let mut parts = value.split('-');
    let language = parts.next().unwrap_or_default();
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> StoreConfig {
        StoreConfig::new("aurora-lamps", "Aurora Lamps")
    }

    #[test]
    fn a_new_store_has_the_default_policy_and_passes_its_checks() {
        let s = store();
        assert_eq!(s.policy, PriorityHours::default());
        assert_eq!(s.check(), Ok(()));
    }

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        for good in [
            "https://shop.example",
            "http://127.0.0.1:8787",
            "https://xn--bcher-kva.example",
            "http://[::1]:3000",
        ] {
            let s = StoreConfig {
                allowed_origins: vec![good.to_owned()],
                ..store()
            };
            assert_eq!(s.check(), Ok(()), "{good}");
        }
        for bad in [
            "shop.example",
            "https://shop.example/",
            "https://shop.example/path",
            "ftp://shop.example",
            "https://",
            "https://shop.example:",
            "https://shop.example:99999x",
            "https://sh op.example",
        ] {
            let s = StoreConfig {
                allowed_origins: vec![bad.to_owned()],
                ..store()
            };
            assert_eq!(
                s.check(),
                Err(StoreConfigError::InvalidOrigin(bad.to_owned())),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_store_without_origins_accepts_any_and_one_with_origins_only_those() {
        let open = store();
        assert!(open.allows_origin("https://anywhere.example"));
        let listed = StoreConfig {
            allowed_origins: vec!["https://shop.example".to_owned()],
            ..store()
        };
        assert!(listed.allows_origin("https://shop.example"));
        assert!(listed.allows_origin("HTTPS://SHOP.EXAMPLE"));
        assert!(!listed.allows_origin("https://shop.example.evil.test"));
        assert!(!listed.allows_origin("http://shop.example"));
    }

    #[test]
    fn deadlines_are_between_an_hour_and_a_year() {
        for hours in [0, MAX_DEADLINE_HOURS + 1] {
            let s = StoreConfig {
                policy: PriorityHours {
                    low_hours: hours,
                    ..PriorityHours::default()
                },
                ..store()
            };
            assert_eq!(s.check(), Err(StoreConfigError::InvalidHours(hours)));
        }
    }

    #[test]
    fn offers_are_in_known_currencies_and_stay_open_one_to_sixty_days() {
        let with = |currencies: &[&str], offer_days| StoreConfig {
            currencies: currencies.iter().map(|c| (*c).to_owned()).collect(),
            offer_days,
            ..store()
        };
        assert_eq!(with(&["EUR", "USD"], 14).check(), Ok(()));
        for bad in [&[][..], &["eur"], &["EUR", "EURO"]] {
            assert_eq!(
                with(bad, 7).check(),
                Err(StoreConfigError::InvalidCurrencies),
                "{bad:?}"
            );
        }
        for days in [0, MAX_OFFER_DAYS + 1] {
            assert_eq!(
                with(&["EUR"], days).check(),
                Err(StoreConfigError::InvalidOfferDays(days))
            );
        }
    }

    #[test]
    fn evidence_limits_stay_within_what_the_edge_can_take() {
        let with = |limits: EvidenceLimits| StoreConfig {
            evidence: limits,
            ..store()
        };
        let five_videos = EvidenceLimits {
            max_files_per_complaint: 5,
            max_video_bytes: 200 * 1024 * 1024,
            ..EvidenceLimits::default()
        };
        assert_eq!(with(five_videos).check(), Ok(()));
        for bad in [
            EvidenceLimits {
                max_files_per_complaint: 0,
                ..EvidenceLimits::default()
            },
            EvidenceLimits {
                max_files_per_complaint: 21,
                ..EvidenceLimits::default()
            },
            EvidenceLimits {
                max_video_bytes: MAX_EVIDENCE_BYTES + 1,
                ..EvidenceLimits::default()
            },
            EvidenceLimits {
                max_total_bytes: 0,
                ..EvidenceLimits::default()
            },
        ] {
            assert_eq!(
                with(bad).check(),
                Err(StoreConfigError::InvalidEvidenceLimits)
            );
        }
    }

    #[test]
    fn channels_must_be_http_urls_and_an_email_address() {
        let webhook = |url: &str| StoreConfig {
            channels: Channels {
                webhook_url: Some(url.to_owned()),
                ..Channels::default()
            },
            ..store()
        };
        assert_eq!(webhook("https://hooks.example/redress?x=1").check(), Ok(()));
        assert_eq!(webhook("http://127.0.0.1:9000/hooks").check(), Ok(()));
        for bad in [
            "javascript:alert(1)",
            "https://",
            "https://a b/",
            "hooks.example",
        ] {
            assert_eq!(
                webhook(bad).check(),
                Err(StoreConfigError::InvalidUrl(bad.to_owned())),
                "{bad}"
            );
        }
        let email = StoreConfig {
            channels: Channels {
                email_to: Some("not-an-address".to_owned()),
                ..Channels::default()
            },
            ..store()
        };
        assert!(matches!(
            email.check(),
            Err(StoreConfigError::InvalidEmail(_))
        ));
    }

    #[test]
    fn origin_lists_round_trip_through_their_stored_form() {
        for origins in [
            vec![],
            vec!["https://a.example".to_owned()],
            vec![
                "https://a.example".to_owned(),
                "http://127.0.0.1:8787".to_owned(),
            ],
        ] {
            assert_eq!(parse_origins(&origins_json(&origins)), origins);
        }
        // A damaged column must not open the store to every origin.
        let damaged = parse_origins("not json");
        assert!(!damaged.is_empty());
    }

    #[test]
    fn locales_are_language_tags() {
        for good in ["en", "pt-BR", "zh-Hans-CN", "ar"] {
            let s = StoreConfig {
                default_locale: good.to_owned(),
                ..store()
            };
            assert_eq!(s.check(), Ok(()), "{good}");
        }
        for bad in ["", "e", "english-", "en_US", "12"] {
            let s = StoreConfig {
                default_locale: bad.to_owned(),
                ..store()
            };
            assert!(s.check().is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_and_names_are_required() {
        let s = StoreConfig::new("has space", "X");
        assert_eq!(s.check(), Err(StoreConfigError::InvalidId));
        let s = StoreConfig::new("ok", "  ");
        assert_eq!(s.check(), Err(StoreConfigError::InvalidName));
        let s = StoreConfig::new("ok", "Shop\u{202e}");
        assert_eq!(s.check(), Err(StoreConfigError::InvalidName));
    }
}
