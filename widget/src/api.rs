//! Calls to the edge: what it refused (with its stable codes and field errors) is kept
//! apart from not reaching it at all.

use gloo_net::http::{Request, Response};
use redress_shared::api_error::ErrorBody;
use redress_shared::categorize::Lexicon;
use redress_shared::{routes, ApiError, CaseReceipt, ComplaintSubmission, UploadReceipt};
use serde::de::DeserializeOwned;

use crate::config::WidgetConfig;

/// Why a call did not succeed.
#[derive(Debug, Clone)]
pub enum Failure {
    /// The edge answered with an error.
    Refused(ApiError),
    /// The edge could not be reached, or answered something that is not ours.
    Unreachable(String),
}

/// Uploads one file; the edge decides its type from the bytes.
pub async fn upload(config: &WidgetConfig, file: &web_sys::File) -> Result<UploadReceipt, Failure> {
    let name = String::from(js_sys::encode_uri_component(&file.name()));
    let request = Request::post(&format!("{}{}", config.api_base, routes::EVIDENCE))
        .header("X-Redress-Store", &config.store_id)
        .header("X-File-Name", &name)
        .header("Content-Type", &file.type_())
        .body(file.clone())
        .map_err(network)?;
    answer(request.send().await.map_err(network)?).await
}

pub async fn submit(
    config: &WidgetConfig,
    submission: &ComplaintSubmission,
    idempotency_key: &str,
) -> Result<CaseReceipt, Failure> {
    let request = Request::post(&format!("{}{}", config.api_base, routes::COMPLAINTS))
        .header("Idempotency-Key", idempotency_key)
        .json(submission)
        .map_err(network)?;
    answer(request.send().await.map_err(network)?).await
}

/// The categorizer's cue lexicon, fetched on the first keystroke rather than shipped in
/// the wasm (see `redress_shared::categorize`).
pub async fn lexicon(config: &WidgetConfig) -> Result<Lexicon, Failure> {
    let url = format!("{}/widget/cues.tsv", config.assets_base);
    let response = Request::get(&url).send().await.map_err(network)?;
    if !response.ok() {
        return Err(Failure::Unreachable(format!(
            "{url} answered {}",
            response.status()
        )));
    }
    let text = response.text().await.map_err(network)?;
    Lexicon::parse(&text).map_err(|e| Failure::Unreachable(e.to_string()))
}

async fn answer<T: DeserializeOwned>(response: Response) -> Result<T, Failure> {
    if response.ok() {
        return response.json::<T>().await.map_err(network);
    }
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(Failure::Refused(body.error)),
        Err(_) => Err(Failure::Unreachable(format!(
            "The service answered {}. Please try again.",
            response.status()
        ))),
    }
}

fn network(e: gloo_net::Error) -> Failure {
    Failure::Unreachable(format!(
        "We could not reach the complaints service ({e}). Check your connection and try again."
    ))
}
