//! The agent API, with the signed-in agent's token. The token lives in the tab's
//! session storage: closing the tab signs out.

use gloo_net::http::{Request, RequestBuilder, Response};
use redress_shared::agent_api::param;
use redress_shared::api_error::ErrorBody;
use redress_shared::routes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

const STORAGE_KEY: &str = "redress-agent-token";

#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    token: String,
}

impl Api {
    pub fn new(token: &str) -> Api {
        Api {
            token: token.to_owned(),
        }
    }

    pub fn from_session() -> Option<Api> {
        let token = session()?.get_item(STORAGE_KEY).ok()??;
        Some(Api::new(&token))
    }

    pub fn remember(&self) {
        if let Some(storage) = session() {
            let _ = storage.set_item(STORAGE_KEY, &self.token);
        }
    }

    pub fn forget() {
        if let Some(storage) = session() {
            let _ = storage.remove_item(STORAGE_KEY);
        }
    }

    /// Whether the token opens the API.
    pub async fn check(&self) -> Result<(), String> {
        let path = format!("{}?{}=1", routes::AGENT_CASES, param::LIMIT);
        self.get::<serde_json::Value>(&path).await.map(|_| ())
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, String> {
        let response = self.authorized(Request::get(path)).send().await;
        answer(response.map_err(|e| e.to_string())?).await
    }

    pub async fn patch<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, String> {
        self.send(Request::patch(path), body).await
    }

    pub async fn put<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, String> {
        self.send(Request::put(path), body).await
    }

    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, String> {
        self.send(Request::post(path), body).await
    }

    pub async fn delete(&self, path: &str) -> Result<(), String> {
        let response = self.authorized(Request::delete(path)).send().await;
        answer::<serde_json::Value>(response.map_err(|e| e.to_string())?)
            .await
            .map(|_| ())
    }

    /// What `path` answers (a piece of evidence, an export, a bundle) as a `blob:` URL the
    /// page can show (images, video) or save.
    pub async fn blob_url(&self, path: &str) -> Result<String, String> {
        let response = self
            .authorized(Request::get(path))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.ok() {
            return Err(format!(
                "the file could not be loaded ({})",
                response.status()
            ));
        }
        let raw: web_sys::Response = response.into();
        let promise = raw.blob().map_err(js_error)?;
        let blob: web_sys::Blob = JsFuture::from(promise)
            .await
            .map_err(js_error)?
            .dyn_into()
            .map_err(js_error)?;
        web_sys::Url::create_object_url_with_blob(&blob).map_err(js_error)
    }

    async fn send<T: DeserializeOwned>(
        &self,
        builder: RequestBuilder,
        body: &impl Serialize,
    ) -> Result<T, String> {
        let request = self
            .authorized(builder)
            .json(body)
            .map_err(|e| e.to_string())?;
        let response = request.send().await.map_err(|e| e.to_string())?;
        answer(response).await
    }

    fn authorized(&self, builder: RequestBuilder) -> RequestBuilder {
        builder.header("Authorization", &format!("Bearer {}", self.token))
    }
}

/// The body as `T`, or the edge's error message with each field's own.
async fn answer<T: DeserializeOwned>(response: Response) -> Result<T, String> {
    if response.ok() {
        return response.json::<T>().await.map_err(|e| e.to_string());
    }
    match response.json::<ErrorBody>().await {
        Ok(body) => {
            let mut message = body.error.message;
            for field in body.error.fields {
                message.push_str(&format!(" {}: {}", field.field, field.message));
            }
            Err(message)
        }
        Err(_) => Err(format!("The server answered {}.", response.status())),
    }
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn js_error(e: wasm_bindgen::JsValue) -> String {
    format!("{e:?}")
}
