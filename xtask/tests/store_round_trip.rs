//! A store's settings live in five parallel places: `StoreConfig`, `StoreChanges` (the
//! `store put` flags), the upsert's SQL, `StoreRow` with its `COLUMNS`, and the row's
//! mapping back. This test fails when one of them forgets a setting: every change is
//! named (a new one fails to compile here), every setting is set away from its default
//! and must come back so from a real local D1 (applied by wrangler, as operators do).

use redress_shared::business_hours::BusinessHours;
use redress_shared::categorize::Priority;
use redress_shared::store::{Channels, StoreConfig, TurnstileKeys};
use redress_shared::translation::TranslationSettings;
use redress_shared::NotificationEvent;
use xtask::stores::{self, StoreChanges};
use xtask::D1;

#[test]
fn every_store_setting_survives_put_and_load() {
    let state =
        std::env::temp_dir().join(format!("redress-store-round-trip-{}", std::process::id()));
    xtask::d1::apply_local_migrations(&state).expect("migrations apply");
    let d1 = D1::Local {
        persist_to: Some(state.clone()),
    };

    let changes = StoreChanges {
        name: Some("Round Trip Shop".to_owned()),
        allowed_origins: Some(vec!["https://shop.example".to_owned()]),
        default_locale: Some("pt-BR".to_owned()),
        urgent_hours: Some(1),
        high_hours: Some(6),
        normal_hours: Some(48),
        low_hours: Some(120),
        resolution_hours: vec![
            (Priority::Urgent, 12),
            (Priority::High, 36),
            (Priority::Normal, 96),
            (Priority::Low, 200),
        ],
        business_hours: Some(Some(
            BusinessHours::parse("mon-fri 09:00-18:00 Europe/Berlin", &[]).expect("valid"),
        )),
        holidays: Some(vec!["2026-12-25".to_owned()]),
        high_value_order_minor: Some(50_000),
        webhook_url: Some("https://shop.example/hooks/redress".to_owned()),
        chat_webhook_url: Some("https://chat.example/hooks/T0".to_owned()),
        email_to: Some("care@shop.example".to_owned()),
        chat_events: Some(vec![NotificationEvent::CaseShopperReplied]),
        email_events: Some(vec![]),
        rotate_webhook_secret: true,
        max_files: Some(4),
        max_image_mb: Some(8),
        max_video_mb: Some(40),
        max_total_mb: Some(60),
        original_photos_allowed: Some(true),
        agent_names_shown: Some(true),
        currencies: Some(vec!["EUR".to_owned(), "GBP".to_owned()]),
        offer_days: Some(14),
        turnstile_site_key: Some("0x4AAAAAAA-site".to_owned()),
        turnstile_secret: Some("0x4AAAAAAA-secret".to_owned()),
        working_language: Some("zh".to_owned()),
        translation_characters_per_day: Some(5_000),
    };
    let put = stores::put(&d1, "round-trip", changes).expect("store put");
    let row = stores::load(&d1, "round-trip")
        .expect("store show")
        .expect("the store is there");
    let (read, webhook_secret) = row.into_config();
    let _ = std::fs::remove_dir_all(&state);

    assert_eq!(read, put.config, "what was put is what is read");
    assert_eq!(webhook_secret, put.new_webhook_secret);
    let defaults = StoreConfig::new("round-trip", "Round Trip Shop");
    let StoreConfig {
        id: _,
        name: _,
        allowed_origins,
        default_locale,
        policy,
        resolution_policy,
        business_hours,
        high_value_order_minor,
        channels,
        evidence,
        original_photos_allowed,
        agent_names_shown,
        currencies,
        offer_days,
        turnstile,
        translation,
    } = read;
    assert_ne!(allowed_origins, defaults.allowed_origins);
    assert_ne!(default_locale, defaults.default_locale);
    assert_ne!(policy.urgent_hours, defaults.policy.urgent_hours);
    assert_ne!(policy.high_hours, defaults.policy.high_hours);
    assert_ne!(policy.normal_hours, defaults.policy.normal_hours);
    assert_ne!(policy.low_hours, defaults.policy.low_hours);
    let r = defaults.resolution_policy;
    assert_ne!(resolution_policy.urgent_hours, r.urgent_hours);
    assert_ne!(resolution_policy.high_hours, r.high_hours);
    assert_ne!(resolution_policy.normal_hours, r.normal_hours);
    assert_ne!(resolution_policy.low_hours, r.low_hours);
    let hours = business_hours.expect("business hours kept");
    assert_eq!(hours.time_zone, "Europe/Berlin");
    assert_eq!(hours.holidays, ["2026-12-25"]);
    assert_ne!(high_value_order_minor, defaults.high_value_order_minor);
    let TranslationSettings {
        working_language,
        characters_per_day,
    } = translation;
    assert_ne!(working_language, defaults.translation.working_language);
    assert_ne!(characters_per_day, defaults.translation.characters_per_day);
    let Channels {
        webhook_url,
        chat_webhook_url,
        email_to,
        chat_events,
        email_events,
    } = channels;
    assert!(webhook_url.is_some());
    assert!(chat_webhook_url.is_some());
    assert!(email_to.is_some());
    assert_ne!(chat_events, defaults.channels.chat_events);
    assert_ne!(email_events, defaults.channels.email_events);
    let d = defaults.evidence;
    assert_ne!(evidence.max_files_per_complaint, d.max_files_per_complaint);
    assert_ne!(
        evidence.max_image_or_document_bytes,
        d.max_image_or_document_bytes
    );
    assert_ne!(evidence.max_video_bytes, d.max_video_bytes);
    assert_ne!(evidence.max_total_bytes, d.max_total_bytes);
    assert_ne!(original_photos_allowed, defaults.original_photos_allowed);
    assert_ne!(agent_names_shown, defaults.agent_names_shown);
    assert_ne!(currencies, defaults.currencies);
    assert_ne!(offer_days, defaults.offer_days);
    assert_eq!(
        turnstile,
        Some(TurnstileKeys {
            site_key: "0x4AAAAAAA-site".to_owned(),
            secret: "0x4AAAAAAA-secret".to_owned(),
        })
    );
}
