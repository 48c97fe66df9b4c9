//! `cargo xtask store ...`: create, update and read stores.

use redress_shared::business_hours::{BusinessHours, BusinessHoursError};
use redress_shared::categorize::Priority;
use redress_shared::deadline::PriorityHours;
use redress_shared::store::{
    events_json, origins_json, StoreConfig, StoreConfigError, StoreRow, TurnstileKeys,
};
use redress_shared::webhook_signature;
use redress_shared::{EvidenceLimits, NotificationEvent};

use crate::d1::{nullable_text, text};
use crate::{Error, D1};

/// What to change; `None` leaves a value as it is (or at its default for a new store).
#[derive(Debug, Clone, Default)]
pub struct StoreChanges {
    pub name: Option<String>,
    /// Replaces the list; an empty list accepts every origin.
    pub allowed_origins: Option<Vec<String>>,
    pub default_locale: Option<String>,
    pub urgent_hours: Option<u32>,
    pub high_hours: Option<u32>,
    pub normal_hours: Option<u32>,
    pub low_hours: Option<u32>,
    /// Hours to resolve, for the priorities given.
    pub resolution_hours: Vec<(Priority, u32)>,
    /// `Some(None)` counts around the clock again; new hours keep the store's holidays.
    pub business_hours: Option<Option<BusinessHours>>,
    /// Replaces the holidays of the store's business hours.
    pub holidays: Option<Vec<String>>,
    /// `Some(0)` turns the order-value rule off.
    pub high_value_order_minor: Option<u64>,
    /// `Some("")` removes a channel.
    pub webhook_url: Option<String>,
    pub chat_webhook_url: Option<String>,
    pub email_to: Option<String>,
    /// Replaces the events the chat (and the email inbox) gets.
    pub chat_events: Option<Vec<NotificationEvent>>,
    pub email_events: Option<Vec<NotificationEvent>>,
    /// Issue a new webhook signing secret even if the store has one.
    pub rotate_webhook_secret: bool,
    /// Evidence limits: files per complaint, and MB (2^20 bytes) per image or PDF, per
    /// video and per complaint.
    pub max_files: Option<usize>,
    pub max_image_mb: Option<u64>,
    pub max_video_mb: Option<u64>,
    pub max_total_mb: Option<u64>,
    /// Whether the widget offers to send photos at full size, with their metadata.
    pub original_photos_allowed: Option<bool>,
    /// Whether shoppers see the name of the agent who replied.
    pub agent_names_shown: Option<bool>,
    /// Replaces the currencies offers may be made in (ISO 4217), main one first.
    pub currencies: Option<Vec<String>>,
    /// How many days a shopper has to answer an offer.
    pub offer_days: Option<u32>,
    /// Cloudflare Turnstile's site key and secret for the store; `Some("")` as the
    /// site key turns Turnstile off.
    pub turnstile_site_key: Option<String>,
    pub turnstile_secret: Option<String>,
    /// The language shoppers' texts are translated into for the store's agents.
    pub working_language: Option<String>,
    /// How many characters a day the store may have translated.
    pub translation_characters_per_day: Option<u64>,
}

const MB: u64 = 1024 * 1024;

/// What `put` did.
#[derive(Debug)]
pub struct Put {
    pub config: StoreConfig,
    pub created: bool,
    /// A signing secret issued by this call: shown to the operator once, here.
    pub new_webhook_secret: Option<String>,
}

/// Creates the store or applies `changes` to it, after checking the result.
pub fn put(d1: &D1, id: &str, changes: StoreChanges) -> Result<Put, Error> {
    let existing = load(d1, id)?;
    let created = existing.is_none();
    let (mut config, secret) = match existing {
        Some(row) => row.into_config(),
        None => {
            let name = changes.name.as_deref().ok_or(Error::NameRequired)?;
            (StoreConfig::new(id, name), None)
        }
    };
    if changes.holidays.is_some()
        && config.business_hours.is_none()
        && !matches!(changes.business_hours, Some(Some(_)))
    {
        return Err(Error::InvalidStore(StoreConfigError::InvalidBusinessHours(
            BusinessHoursError::Shape,
        )));
    }
    apply(&mut config, changes.clone());
    config.check().map_err(Error::InvalidStore)?;

    let needs_secret = config.channels.webhook_url.is_some() && secret.is_none();
    let new_webhook_secret = (needs_secret || changes.rotate_webhook_secret)
        .then(|| webhook_signature::secret_from_random(crate::random()));
    let secret_column = new_webhook_secret.as_deref().or(secret.as_deref());
    d1.execute(&upsert_sql(&config, secret_column))?;
    Ok(Put {
        config,
        created,
        new_webhook_secret,
    })
}

/// The store's row, if there is one.
pub fn load(d1: &D1, id: &str) -> Result<Option<StoreRow>, Error> {
    let sql = format!(
        "SELECT {} FROM stores WHERE id = {}",
        StoreRow::COLUMNS,
        text(id)
    );
    Ok(d1.query::<StoreRow>(&sql)?.into_iter().next())
}

/// Every store, by id.
pub fn list(d1: &D1) -> Result<Vec<StoreConfig>, Error> {
    let sql = format!("SELECT {} FROM stores ORDER BY id", StoreRow::COLUMNS);
    let rows = d1.query::<StoreRow>(&sql)?;
    Ok(rows.into_iter().map(|row| row.into_config().0).collect())
}

/// One day of a store's translations.
#[derive(Debug, serde::Deserialize)]
pub struct TranslationDay {
    pub day: String,
    pub characters: u64,
    pub texts: u64,
}

/// What store `id` had translated over the last `days` days, the latest first.
pub fn translation_usage(d1: &D1, id: &str, days: u32) -> Result<Vec<TranslationDay>, Error> {
    d1.query(&format!(
        "SELECT day, characters, texts FROM translation_usage
         WHERE store_id = {id} AND day >= date('now', '-{days} days') ORDER BY day DESC",
        id = text(id),
    ))
}

fn apply(config: &mut StoreConfig, changes: StoreChanges) {
    let set_channel = |slot: &mut Option<String>, value: Option<String>| {
        if let Some(value) = value {
            *slot = Some(value).filter(|v| !v.is_empty());
        }
    };
    if let Some(name) = changes.name {
        config.name = name;
    }
    if let Some(origins) = changes.allowed_origins {
        config.allowed_origins = origins;
    }
    if let Some(locale) = changes.default_locale {
        config.default_locale = locale;
    }
    let policy = &mut config.policy;
    policy.urgent_hours = changes.urgent_hours.unwrap_or(policy.urgent_hours);
    policy.high_hours = changes.high_hours.unwrap_or(policy.high_hours);
    policy.normal_hours = changes.normal_hours.unwrap_or(policy.normal_hours);
    policy.low_hours = changes.low_hours.unwrap_or(policy.low_hours);
    let resolution = &mut config.resolution_policy;
    for (priority, hours) in changes.resolution_hours {
        *match priority {
            Priority::Urgent => &mut resolution.urgent_hours,
            Priority::High => &mut resolution.high_hours,
            Priority::Normal => &mut resolution.normal_hours,
            Priority::Low => &mut resolution.low_hours,
        } = hours;
    }
    if let Some(hours) = changes.business_hours {
        let kept = config.business_hours.take().map(|h| h.holidays);
        config.business_hours = hours.map(|h| BusinessHours {
            holidays: kept.unwrap_or_default(),
            ..h
        });
    }
    if let (Some(days), Some(hours)) = (changes.holidays, config.business_hours.as_mut()) {
        hours.holidays = days;
    }
    if let Some(minor) = changes.high_value_order_minor {
        config.high_value_order_minor = Some(minor).filter(|&m| m > 0);
    }
    let evidence = &mut config.evidence;
    if let Some(files) = changes.max_files {
        evidence.max_files_per_complaint = files;
    }
    let mb = |value: Option<u64>, slot: &mut u64| {
        if let Some(value) = value {
            *slot = value.saturating_mul(MB);
        }
    };
    mb(
        changes.max_image_mb,
        &mut evidence.max_image_or_document_bytes,
    );
    mb(changes.max_video_mb, &mut evidence.max_video_bytes);
    mb(changes.max_total_mb, &mut evidence.max_total_bytes);
    if let Some(allowed) = changes.original_photos_allowed {
        config.original_photos_allowed = allowed;
    }
    if let Some(shown) = changes.agent_names_shown {
        config.agent_names_shown = shown;
    }
    if let Some(currencies) = changes.currencies {
        config.currencies = currencies;
    }
    if let Some(days) = changes.offer_days {
        config.offer_days = days;
    }
    if let Some(language) = changes.working_language {
        config.translation.working_language = language;
    }
    if let Some(characters) = changes.translation_characters_per_day {
        config.translation.characters_per_day = characters;
    }
    match (changes.turnstile_site_key, changes.turnstile_secret) {
        (Some(site_key), _) if site_key.is_empty() => config.turnstile = None,
        (site_key, secret) => {
            let kept = config.turnstile.take().unwrap_or_default();
            let keys = TurnstileKeys {
                site_key: site_key.unwrap_or(kept.site_key),
                secret: secret.unwrap_or(kept.secret),
            };
            config.turnstile = Some(keys).filter(|k| *k != TurnstileKeys::default());
        }
    }
    let channels = &mut config.channels;
    set_channel(&mut channels.webhook_url, changes.webhook_url);
    set_channel(&mut channels.chat_webhook_url, changes.chat_webhook_url);
    set_channel(&mut channels.email_to, changes.email_to);
    if let Some(events) = changes.chat_events {
        channels.chat_events = events;
    }
    if let Some(events) = changes.email_events {
        channels.email_events = events;
    }
}

fn upsert_sql(config: &StoreConfig, webhook_secret: Option<&str>) -> String {
    let p = &config.policy;
    let c = &config.channels;
    let e = &config.evidence;
    let d = EvidenceLimits::default();
    format!(
        "INSERT INTO stores (id, name, allowed_origins, default_locale, urgent_hours, high_hours,
                             normal_hours, low_hours, high_value_order_minor, webhook_url,
                             webhook_secret, chat_webhook_url, email_to, max_files,
                             max_image_bytes, max_video_bytes, max_total_bytes, original_photos,
                             turnstile_site_key, turnstile_secret, chat_events, email_events,
                             agent_names_shown, currencies, offer_days, resolution_hours,
                             business_hours, working_language,
                             translation_characters_per_day, updated_at)
         VALUES ({id}, {name}, {origins}, {locale}, {urgent}, {high}, {normal}, {low}, {value},
                 {webhook}, {secret}, {chat}, {email}, {files}, {image}, {video}, {total},
                 {originals}, {turnstile_site_key}, {turnstile_secret}, {chat_events},
                 {email_events}, {names}, {currencies}, {offer_days}, {resolution},
                 {business}, {working_language}, {characters_per_day},
                 strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
         ON CONFLICT (id) DO UPDATE SET
           name = excluded.name, allowed_origins = excluded.allowed_origins,
           default_locale = excluded.default_locale, urgent_hours = excluded.urgent_hours,
           high_hours = excluded.high_hours, normal_hours = excluded.normal_hours,
           low_hours = excluded.low_hours, high_value_order_minor = excluded.high_value_order_minor,
           webhook_url = excluded.webhook_url, webhook_secret = excluded.webhook_secret,
           chat_webhook_url = excluded.chat_webhook_url, email_to = excluded.email_to,
           max_files = excluded.max_files, max_image_bytes = excluded.max_image_bytes,
           max_video_bytes = excluded.max_video_bytes, max_total_bytes = excluded.max_total_bytes,
           original_photos = excluded.original_photos,
           turnstile_site_key = excluded.turnstile_site_key,
           turnstile_secret = excluded.turnstile_secret, chat_events = excluded.chat_events,
           email_events = excluded.email_events,
           agent_names_shown = excluded.agent_names_shown, currencies = excluded.currencies,
           offer_days = excluded.offer_days, resolution_hours = excluded.resolution_hours,
           business_hours = excluded.business_hours,
           working_language = excluded.working_language,
           translation_characters_per_day = excluded.translation_characters_per_day,
           updated_at = excluded.updated_at",
        id = text(&config.id),
        name = text(&config.name),
        origins = text(&origins_json(&config.allowed_origins)),
        locale = text(&config.default_locale),
        urgent = p.urgent_hours,
        high = p.high_hours,
        normal = p.normal_hours,
        low = p.low_hours,
        value = config
            .high_value_order_minor
            .map_or_else(|| "NULL".to_owned(), |v| v.to_string()),
        webhook = nullable_text(c.webhook_url.as_deref()),
        secret = nullable_text(webhook_secret),
        chat = nullable_text(c.chat_webhook_url.as_deref()),
        email = nullable_text(c.email_to.as_deref()),
        files = unless_default(
            e.max_files_per_complaint as u64,
            d.max_files_per_complaint as u64
        ),
        image = unless_default(e.max_image_or_document_bytes, d.max_image_or_document_bytes),
        video = unless_default(e.max_video_bytes, d.max_video_bytes),
        total = unless_default(e.max_total_bytes, d.max_total_bytes),
        originals = u8::from(config.original_photos_allowed),
        names = u8::from(config.agent_names_shown),
        currencies = text(&origins_json(&config.currencies)),
        offer_days = config.offer_days,
        resolution = if config.resolution_policy == PriorityHours::resolution_default() {
            "NULL".to_owned()
        } else {
            text(&json(&config.resolution_policy))
        },
        business = nullable_text(config.business_hours.as_ref().map(json).as_deref()),
        working_language = text(&config.translation.working_language),
        characters_per_day = config.translation.characters_per_day,
        turnstile_site_key = nullable_text(config.turnstile.as_ref().map(|t| t.site_key.as_str())),
        turnstile_secret = nullable_text(config.turnstile.as_ref().map(|t| t.secret.as_str())),
        chat_events = unless_attention(&c.chat_events),
        email_events = unless_attention(&c.email_events),
    )
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("plain data serializes")
}

/// A store's own choice of events, or NULL where it keeps the default.
fn unless_attention(events: &[NotificationEvent]) -> String {
    if events == NotificationEvent::ATTENTION {
        "NULL".to_owned()
    } else {
        text(&events_json(events))
    }
}

/// A store's own limit, or NULL where it keeps the default (so it follows the default).
fn unless_default(value: u64, default: u64) -> String {
    if value == default {
        "NULL".to_owned()
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_touch_only_what_they_name() {
        let mut config = StoreConfig::new("s", "Shop");
        config.channels.chat_webhook_url = Some("https://chat.example/x".to_owned());
        apply(
            &mut config,
            StoreChanges {
                normal_hours: Some(120),
                webhook_url: Some("https://hooks.example/r".to_owned()),
                ..StoreChanges::default()
            },
        );
        assert_eq!(config.policy.normal_hours, 120);
        assert_eq!(config.policy.urgent_hours, 2);
        assert_eq!(config.name, "Shop");
        assert_eq!(
            config.channels.chat_webhook_url.as_deref(),
            Some("https://chat.example/x")
        );
        assert_eq!(
            config.channels.webhook_url.as_deref(),
            Some("https://hooks.example/r")
        );
    }

    #[test]
    fn turnstile_keys_are_set_together_kept_and_turned_off() {
        let keys = |site_key: Option<&str>, secret: Option<&str>| StoreChanges {
            turnstile_site_key: site_key.map(str::to_owned),
            turnstile_secret: secret.map(str::to_owned),
            ..StoreChanges::default()
        };
        let mut config = StoreConfig::new("s", "Shop");
        apply(&mut config, keys(Some("0xsite"), Some("0xsecret")));
        let expected = |secret: &str| {
            Some(TurnstileKeys {
                site_key: "0xsite".to_owned(),
                secret: secret.to_owned(),
            })
        };
        assert_eq!(config.turnstile, expected("0xsecret"));
        apply(&mut config, keys(None, Some("0xrotated")));
        assert_eq!(config.turnstile, expected("0xrotated"));
        apply(&mut config, keys(None, None));
        assert_eq!(
            config.turnstile,
            expected("0xrotated"),
            "other changes keep it"
        );
        apply(&mut config, keys(Some(""), None));
        assert_eq!(config.turnstile, None);

        let mut half = StoreConfig::new("s", "Shop");
        apply(&mut half, keys(Some("0xsite"), None));
        assert!(
            half.check().is_err(),
            "a site key without its secret is refused"
        );
    }

    #[test]
    fn an_empty_value_removes_a_channel_and_zero_turns_the_value_rule_off() {
        let mut config = StoreConfig::new("s", "Shop");
        config.channels.email_to = Some("care@shop.example".to_owned());
        config.high_value_order_minor = Some(50_000);
        apply(
            &mut config,
            StoreChanges {
                email_to: Some(String::new()),
                high_value_order_minor: Some(0),
                ..StoreChanges::default()
            },
        );
        assert_eq!(config.channels.email_to, None);
        assert_eq!(config.high_value_order_minor, None);
    }

    #[test]
    fn evidence_limits_are_set_in_megabytes_and_defaults_stay_null() {
        let mut config = StoreConfig::new("s", "Shop");
        apply(
            &mut config,
            StoreChanges {
                max_files: Some(3),
                max_video_mb: Some(250),
                ..StoreChanges::default()
            },
        );
        assert_eq!(config.evidence.max_files_per_complaint, 3);
        assert_eq!(config.evidence.max_video_bytes, 250 * MB);
        let sql = upsert_sql(&config, None);
        assert!(
            sql.contains(&format!("3, NULL, {}, NULL", 250 * MB)),
            "{sql}"
        );
    }

    #[test]
    fn names_with_quotes_are_stored_as_written() {
        let config = StoreConfig::new("s", "Bob's 'Bargains'");
        let sql = upsert_sql(&config, None);
        assert!(sql.contains("'Bob''s ''Bargains'''"), "{sql}");
    }
}
