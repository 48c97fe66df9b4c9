//! Translating a shopper's text for the store, in the queue consumer (never on the
//! shopper's request path): before an event with a shopper's text is delivered, its
//! translation into the store's working language is found or made, so the webhook and
//! the store's email carry it. And an agent's reply for the shopper, on the agent's
//! request, for them to read and edit before sending. `shared::translation` decides
//! what is translated, the allowance and the retries; this module asks the provider
//! and stores the answer.

use redress_shared::translation::{
    self, AfterFailure, Job, ProviderAnswer, ProviderRequest, Translation, TranslationSettings,
    TranslationState, Unavailable, WorkersAiInput, WorkersAiOutput,
};
use redress_shared::{ApiError, CaseNotification};
use worker::{Ai, D1Database};

use crate::db::translations;
use crate::{clock, http};

/// Who translates: Workers AI (the `AI` binding) or an HTTP provider with LibreTranslate's
/// API (`TRANSLATE_URL`, and `TRANSLATE_API_KEY` if it wants one).
pub enum Translator {
    WorkersAi(Ai),
    Http {
        url: String,
        api_key: Option<String>,
    },
}

/// What the consumer does with an event before delivering it.
pub enum Step {
    /// Deliver it as it is: nothing to translate, or no provider.
    Deliver,
    /// Deliver it with this translation beside the original.
    Attach(Translation),
    /// The provider failed: ask for the message again in this many seconds.
    RetryIn(u32),
}

pub async fn step(
    db: &D1Database,
    translator: Option<&Translator>,
    store_id: &str,
    settings: &TranslationSettings,
    notification: &CaseNotification,
) -> Result<Step, ApiError> {
    let Some(translator) = translator else {
        return Ok(Step::Deliver);
    };
    let Some((text, language)) = translation::shopper_text(notification) else {
        return Ok(Step::Deliver);
    };
    let source = language.unwrap_or_else(|| redress_shared::language::detect(text));
    let Some(job) = translation::job(text, source, &settings.working_language) else {
        return Ok(Step::Deliver);
    };
    let stored = translations::find(db, &job).await?;
    if let Some(translation) = stored
        .as_ref()
        .filter(|s| s.settled())
        .and_then(|s| s.translation())
    {
        return Ok(Step::Attach(translation));
    }
    let at = clock::now_rfc3339();
    let day = translation::usage_day(&at);
    let attempts = stored.map_or(0, |s| s.attempts) + 1;
    let (translation, attempts, retry_in) =
        match ask_within_allowance(db, translator, (store_id, settings, day), &job).await? {
            // Not asked: this attempt costs nothing and counts as none.
            Asked::OverAllowance => (job.unavailable(Unavailable::DailyLimit), attempts - 1, None),
            Asked::Translated(text) => (job.translated(text), attempts, None),
            Asked::Failed => match translation::after_failure(attempts) {
                AfterFailure::RetryIn { seconds } => (job.pending(), attempts, Some(seconds)),
                AfterFailure::GiveUp => {
                    (job.unavailable(Unavailable::ProviderFailed), attempts, None)
                }
            },
        };
    translations::record(db, &job, &translation, attempts, (store_id, day, &at)).await?;
    Ok(match retry_in {
        Some(seconds) => Step::RetryIn(seconds),
        None => Step::Attach(translation),
    })
}

/// The job's translation now, for an agent reading their reply in the shopper's
/// language before sending it: from the store of translations if it was made before,
/// else from the provider within the store's allowance. A failure is answered, not
/// retried (the agent may ask again) and not stored, so it never stands for the text.
pub async fn now(
    db: &D1Database,
    translator: Option<&Translator>,
    store_id: &str,
    settings: &TranslationSettings,
    job: &Job<'_>,
) -> Result<Translation, ApiError> {
    let Some(translator) = translator else {
        return Ok(job.unavailable(Unavailable::NoProvider));
    };
    let stored = translations::find(db, job).await?;
    if let Some(translation) = stored
        .and_then(|s| s.translation())
        .filter(|t| t.state == TranslationState::Translated)
    {
        return Ok(translation);
    }
    let at = clock::now_rfc3339();
    let day = translation::usage_day(&at);
    match ask_within_allowance(db, translator, (store_id, settings, day), job).await? {
        Asked::OverAllowance => Ok(job.unavailable(Unavailable::DailyLimit)),
        Asked::Translated(text) => {
            let translation = job.translated(text);
            translations::record(db, job, &translation, 1, (store_id, day, &at)).await?;
            Ok(translation)
        }
        Asked::Failed => Ok(job.unavailable(Unavailable::ProviderFailed)),
    }
}

/// What one request for a job's translation came to.
enum Asked {
    Translated(String),
    /// Not asked: the store had used its characters for the day.
    OverAllowance,
    /// The provider failed (the reason is logged).
    Failed,
}

/// Asks the provider for the job's translation, unless store `store_id` has used its
/// characters for `day`.
async fn ask_within_allowance(
    db: &D1Database,
    translator: &Translator,
    (store_id, settings, day): (&str, &TranslationSettings, &str),
    job: &Job<'_>,
) -> Result<Asked, ApiError> {
    let used = translations::used(db, store_id, day).await?;
    if !translation::within_allowance(used, job.characters, settings.characters_per_day) {
        return Ok(Asked::OverAllowance);
    }
    Ok(match ask(translator, job).await {
        Ok(text) => Asked::Translated(text),
        Err(why) => {
            let (from, into) = (&job.source_language, &job.language);
            worker::console_warn!("translation {from}→{into} for {store_id} failed: {why}");
            Asked::Failed
        }
    })
}

/// The provider's translation of the job's text.
async fn ask(translator: &Translator, job: &Job<'_>) -> Result<String, String> {
    let translated = match translator {
        Translator::WorkersAi(ai) => {
            let output: WorkersAiOutput = ai
                .run(translation::WORKERS_AI_MODEL, WorkersAiInput::new(job))
                .await
                .map_err(|e| e.to_string())?;
            output.translated_text
        }
        Translator::Http { url, api_key } => {
            let body = serde_json::to_string(&ProviderRequest::new(job, api_key.as_deref()))
                .map_err(|e| e.to_string())?;
            let mut response = http::post_json(url, body, &[]).await?;
            let answer: ProviderAnswer = response.json().await.map_err(|e| e.to_string())?;
            answer.translated_text
        }
    };
    translation::accepted(&translated).ok_or_else(|| "an empty translation".to_owned())
}
