//! `TestApp`: the worker and a client, with a method per thing a test does to it, so
//! scenarios read as the behaviour they pin rather than as HTTP plumbing.

use redress_shared::routes;
use reqwest::Method;
use serde_json::Value;

use crate::api::{self, agent_get, agent_send, post_json};
use crate::Edge;

pub struct TestApp {
    pub edge: Edge,
    pub http: reqwest::Client,
}

impl TestApp {
    /// The worker with the given `[vars]`, and a client.
    pub async fn start(vars: &[(&str, &str)]) -> TestApp {
        TestApp {
            edge: Edge::start(vars).await,
            http: api::client(),
        }
    }

    /// Files a complaint (as `api::complaint` shapes it) and answers its receipt.
    pub async fn file_complaint(&self, complaint: Value) -> Value {
        let (status, receipt) = self.try_file_complaint(complaint).await;
        assert_eq!(status, 201, "{receipt}");
        receipt
    }

    /// Files a complaint and answers its case reference.
    pub async fn file(&self, complaint: Value) -> String {
        let receipt = self.file_complaint(complaint).await;
        receipt["reference"]
            .as_str()
            .expect("a reference")
            .to_owned()
    }

    /// Files a complaint from a new shopper address, answered as it came (a refusal too).
    pub async fn try_file_complaint(&self, complaint: Value) -> (u16, Value) {
        post_json(&self.http, &self.edge, routes::COMPLAINTS, complaint).await
    }

    /// Uploads a file to the demo store and answers its receipt.
    pub async fn upload_evidence(&self, content_type: &str, bytes: Vec<u8>) -> Value {
        let (status, uploaded) = self.try_upload_to("demo-store", content_type, bytes).await;
        assert_eq!(status, 201, "{uploaded}");
        uploaded
    }

    /// Uploads a file to the demo store, answered as it came (a refusal too).
    pub async fn try_upload(&self, content_type: &str, bytes: Vec<u8>) -> (u16, Value) {
        self.try_upload_to("demo-store", content_type, bytes).await
    }

    /// Uploads a file to `store`, answered as it came (a refusal too).
    pub async fn try_upload_to(
        &self,
        store: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> (u16, Value) {
        api::upload_to(&self.http, &self.edge, store, content_type, bytes).await
    }

    /// The worker isolate's WebAssembly memory, as `GET /v1/health` reports it.
    pub async fn wasm_memory(&self) -> u64 {
        api::wasm_memory(&self.http, &self.edge).await
    }

    /// The shopper's view of their case, opened with the receipt's status token.
    pub async fn shopper_status(&self, receipt: &Value) -> Value {
        let reference = receipt["reference"].as_str().expect("a reference");
        let token = receipt["status_token"].as_str().expect("a status token");
        let (status, body) = self.try_shopper_status(reference, Some(token)).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// The shopper's view of case `reference` with `token` (or none), as answered.
    pub async fn try_shopper_status(&self, reference: &str, token: Option<&str>) -> (u16, Value) {
        let path = routes::fill(routes::CASE_STATUS, &[reference]);
        agent_get(&self.http, &self.edge, token, &path).await
    }

    /// The shopper's message on case `reference` with status token `token`, as answered.
    pub async fn try_shopper_message(
        &self,
        reference: &str,
        token: &str,
        text: &str,
    ) -> (u16, Value) {
        let path = routes::fill(routes::CASE_MESSAGES, &[reference]);
        self.try_shopper_post(&path, token, serde_json::json!({ "text": text }))
            .await
    }

    /// A shopper's JSON request to `path` with status token `token` (a message, an
    /// answer to an offer, a rating), from a new address, as answered.
    pub async fn try_shopper_post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(self.edge.url(path))
            .header("CF-Connecting-IP", api::next_address())
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("send");
        api::answer(response).await
    }

    /// A file the shopper adds on the page of case `reference`, with status token
    /// `token`, as answered.
    pub async fn try_case_file(
        &self,
        (reference, token): (&str, &str),
        content_type: &str,
        bytes: Vec<u8>,
    ) -> (u16, Value) {
        let path = routes::fill(routes::CASE_EVIDENCE, &[reference]);
        let response = self
            .http
            .post(self.edge.url(&path))
            .header("CF-Connecting-IP", api::next_address())
            .header("Content-Type", content_type)
            .header("X-File-Name", "photo")
            .bearer_auth(token)
            .body(bytes)
            .send()
            .await
            .expect("send");
        api::answer(response).await
    }

    /// A store's widget settings as the widget asks for them, in `locale`'s language.
    pub async fn widget_settings(&self, store: &str, locale: &str) -> Value {
        let path = routes::fill(routes::STORE_WIDGET, &[store]);
        let (status, body) = agent_get(
            &self.http,
            &self.edge,
            None,
            &format!("{path}?locale={locale}"),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// A form token the edge hands out for `store` now.
    pub async fn form_token(&self, store: &str) -> String {
        let path = routes::fill(routes::STORE_FORM_TOKEN, &[store]);
        let (status, body) = agent_get(&self.http, &self.edge, None, &path).await;
        assert_eq!(status, 200, "{body}");
        body["form_token"]
            .as_str()
            .expect("a form token")
            .to_owned()
    }

    /// The emails sent to `address` so far, oldest first.
    pub async fn emails_to(&self, address: &str) -> Vec<crate::mailbox::SentEmail> {
        crate::mailbox::emails_to(&self.edge, address).await
    }

    /// Waits until `count` emails have been sent to `address`, then a little longer so
    /// that one too many would have been sent too; answers them all.
    pub async fn settled_emails_to(
        &self,
        address: &str,
        count: usize,
    ) -> Vec<crate::mailbox::SentEmail> {
        crate::eventually(std::time::Duration::from_secs(30), || async {
            (self.emails_to(address).await.len() >= count).then_some(())
        })
        .await;
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        self.emails_to(address).await
    }

    /// The agent API as the holder of `token`.
    pub fn agent<'a>(&'a self, token: &'a str) -> AgentClient<'a> {
        AgentClient { app: self, token }
    }
}

/// Asserts that an answer is the refusal `status` with error `code`, and hands the body
/// on for what else the test checks.
#[track_caller]
pub fn assert_refused((got, body): (u16, Value), status: u16, code: &str) -> Value {
    assert_eq!(
        (got, body["error"]["code"].as_str()),
        (status, Some(code)),
        "{body}"
    );
    body
}

/// The codes of a validation refusal's fields, in order.
pub fn field_codes(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .filter_map(|f| f["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// An agent's calls to the agent API; each asserts that the call succeeded.
pub struct AgentClient<'a> {
    app: &'a TestApp,
    token: &'a str,
}

impl AgentClient<'_> {
    /// The bearer token, for what the client does not wrap (a download, a sign-in page).
    pub fn token(&self) -> &str {
        self.token
    }

    pub async fn get(&self, path: &str) -> Value {
        let (status, body) = self.try_get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        body
    }

    pub async fn send(&self, method: Method, path: &str, body: Value) -> Value {
        let (status, answer) = self.try_send(method, path, body).await;
        assert_eq!(status, 200, "{path}: {answer}");
        answer
    }

    /// A GET, answered as it came (a refusal too).
    pub async fn try_get(&self, path: &str) -> (u16, Value) {
        agent_get(&self.app.http, &self.app.edge, Some(self.token), path).await
    }

    /// A JSON request, answered as it came (a refusal too).
    pub async fn try_send(&self, method: Method, path: &str, body: Value) -> (u16, Value) {
        agent_send(
            &self.app.http,
            &self.app.edge,
            method,
            self.token,
            path,
            body,
        )
        .await
    }

    /// The case as the agent sees it.
    pub async fn case(&self, id: &str) -> Value {
        self.get(&routes::fill(routes::AGENT_CASE, &[id])).await
    }

    /// Changes a case (`{"status"?, "assignee"?, "resolution"?}`).
    pub async fn update(&self, id: &str, change: Value) -> Value {
        self.send(
            Method::PATCH,
            &routes::fill(routes::AGENT_CASE, &[id]),
            change,
        )
        .await
    }

    /// Replies to the shopper.
    pub async fn reply(&self, id: &str, text: &str) -> Value {
        let path = routes::fill(routes::AGENT_CASE_REPLIES, &[id]);
        self.send(Method::POST, &path, serde_json::json!({ "text": text }))
            .await
    }

    /// Adds an internal note.
    pub async fn note(&self, id: &str, text: &str) -> Value {
        let path = routes::fill(routes::AGENT_CASE_NOTES, &[id]);
        self.send(Method::POST, &path, serde_json::json!({ "text": text }))
            .await
    }

    /// The id of the case with this reference (the one case a search for it finds).
    pub async fn case_id_of(&self, reference: &str) -> String {
        let found = self.list(format!("?q={reference}")).await;
        assert_eq!(found.len(), 1, "{reference}: {found:?}");
        found[0].clone()
    }

    /// The ids of the cases a list query (`?overdue=true`) answers, in its order.
    pub async fn list(&self, query: impl AsRef<str>) -> Vec<String> {
        let path = format!("{}{}", routes::AGENT_CASES, query.as_ref());
        self.get(&path).await["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .map(|c| c["id"].as_str().expect("id").to_owned())
            .collect()
    }
}
