//! `translations` and `translation_usage`: shoppers' texts in their stores' working
//! languages, keyed by the text's digest and the language, and what each store used.

use std::collections::HashMap;

use redress_shared::translation::{Job, Translation, TranslationState, Unavailable};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{query, D1Database};

use super::Result;

/// A stored translation, and how many times the provider was asked for it.
#[derive(Debug, Clone, Deserialize)]
pub struct Stored {
    text_sha256: String,
    source_language: String,
    language: String,
    state: String,
    text: Option<String>,
    reason: Option<String>,
    pub attempts: u32,
}

impl Stored {
    pub fn translation(&self) -> Option<Translation> {
        Some(Translation {
            state: TranslationState::from_code(&self.state)?,
            source_language: self.source_language.clone(),
            language: self.language.clone(),
            text: self.text.clone(),
            reason: self.reason.as_deref().and_then(Unavailable::from_code),
        })
    }

    /// Whether the provider need not be asked again (`Translation::is_final`).
    pub fn settled(&self) -> bool {
        self.translation().is_some_and(|t| t.is_final())
    }
}

const COLUMNS: &str = "text_sha256, source_language, language, state, text, reason, attempts";

/// The translation of one text into one language, if any was attempted.
pub async fn find(db: &D1Database, job: &Job<'_>) -> Result<Option<Stored>> {
    super::first(
        db.prepare(format!(
            "SELECT {COLUMNS} FROM translations WHERE text_sha256 = ?1 AND language = ?2"
        ))
        .bind(&[
            job.text_sha256.as_str().into(),
            job.language.as_str().into(),
        ]),
    )
    .await
}

/// The translations of the texts with these digests, by digest, into `language` (an
/// agent's own) or else store `store_id`'s working language.
pub async fn for_reader(
    db: &D1Database,
    store_id: &str,
    language: Option<&str>,
    digests: &[String],
) -> Result<HashMap<String, Translation>> {
    let mut found = HashMap::new();
    // D1 binds at most 100 parameters a statement.
    for chunk in digests.chunks(90) {
        let mut binds = vec![store_id.into(), language.map_or(JsValue::NULL, Into::into)];
        binds.extend(chunk.iter().map(|d| d.as_str().into()));
        let rows: Vec<Stored> = super::all(
            db.prepare(format!(
                "SELECT {COLUMNS} FROM translations
                 WHERE language = COALESCE(?2, (SELECT working_language FROM stores WHERE id = ?1))
                   AND text_sha256 IN ({})",
                super::parameters(3, chunk.len())
            ))
            .bind(&binds),
        )
        .await?;
        for row in rows {
            if let Some(translation) = row.translation() {
                found.insert(row.text_sha256, translation);
            }
        }
    }
    Ok(found)
}

/// Characters store `store_id` had translated on `day`.
pub async fn used(db: &D1Database, store_id: &str, day: &str) -> Result<u64> {
    #[derive(Deserialize)]
    struct Used {
        characters: u64,
    }
    let used: Option<Used> = super::first(query!(
        db,
        "SELECT characters FROM translation_usage WHERE store_id = ?1 AND day = ?2",
        store_id,
        day
    ))
    .await?;
    Ok(used.map_or(0, |u| u.characters))
}

/// Stores where a text's translation stands; a translated one is counted against the
/// store that asked, in the same transaction.
pub async fn record(
    db: &D1Database,
    job: &Job<'_>,
    translation: &Translation,
    attempts: u32,
    (store_id, day, at): (&str, &str, &str),
) -> Result<()> {
    let row = query!(
        db,
        "INSERT INTO translations (text_sha256, language, source_language, state, text, reason,
                                   attempts, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (text_sha256, language) DO UPDATE
           SET source_language = excluded.source_language, state = excluded.state,
               text = excluded.text, reason = excluded.reason, attempts = excluded.attempts,
               updated_at = excluded.updated_at",
        &job.text_sha256,
        &job.language,
        &job.source_language,
        translation.state.code(),
        translation.text.as_deref(),
        translation.reason.map(Unavailable::code),
        attempts,
        at
    );
    if translation.state != TranslationState::Translated {
        return super::run(row).await;
    }
    let usage = query!(
        db,
        "INSERT INTO translation_usage (store_id, day, characters, texts) VALUES (?1, ?2, ?3, 1)
         ON CONFLICT (store_id, day) DO UPDATE
           SET characters = characters + excluded.characters, texts = texts + 1",
        store_id,
        day,
        job.characters
    );
    super::batch(db, vec![row, usage]).await.map(|_| ())
}
