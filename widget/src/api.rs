//! Calls to the edge: what it refused (with its stable codes and field errors) is kept
//! apart from not reaching it at all.

use gloo_net::http::{Request, Response};
use redress_shared::api_error::ErrorBody;
use redress_shared::categorize::Lexicon;
use redress_shared::{routes, ApiError, ComplaintSubmission};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::config::WidgetConfig;

/// What the widget reads of an upload's receipt (`shared::UploadReceipt`): deserialising
/// only this keeps the evidence-kind enum's parser out of the wasm.
#[derive(Debug, Clone, Deserialize)]
pub struct Uploaded {
    pub token: String,
}

/// What the widget reads of a case's receipt (`shared::CaseReceipt`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Filed {
    pub reference: String,
    /// RFC 3339, UTC.
    pub respond_by: String,
}

/// Why a call did not succeed.
#[derive(Debug, Clone)]
pub enum Failure {
    /// The edge answered with an error.
    Refused(ApiError),
    /// The edge could not be reached, or answered something that is not ours.
    Unreachable(String),
}

/// Uploads one file; the edge decides its type from the bytes.
pub async fn upload(config: &WidgetConfig, file: &web_sys::File) -> Result<Uploaded, Failure> {
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
) -> Result<Filed, Failure> {
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
    Lexicon::parse(&text).map_err(|_| Failure::Unreachable(format!("{url} is not a lexicon")))
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

/// The shopper can act on "try again", not on a transport error's details (and
/// formatting those would ship serde_json's error messages in the wasm).
fn network(_: gloo_net::Error) -> Failure {
    Failure::Unreachable(
        "We could not reach the complaints service. Check your connection and try again."
            .to_owned(),
    )
}
