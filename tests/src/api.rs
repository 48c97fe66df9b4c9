//! The edge's HTTP API as the tests call it: complaints, uploads and the agent API.

use serde_json::{json, Value};

use crate::Edge;

/// A complaint to the demo store, as the widget would send it.
pub fn complaint(order_number: &str, email: &str, description: &str, resolution: &str) -> Value {
    json!({
        "store_id": "demo-store", "order_number": order_number, "email": email,
        "description": description, "resolution": resolution,
    })
}

/// Files a complaint over HTTP and returns its case reference.
pub async fn file(http: &reqwest::Client, edge: &Edge, complaint: Value) -> String {
    let (status, receipt) = post_json(http, edge, "/v1/complaints", complaint).await;
    assert_eq!(status, 201, "{receipt}");
    receipt["reference"].as_str().expect("reference").to_owned()
}

pub async fn post_json(
    http: &reqwest::Client,
    edge: &Edge,
    path: &str,
    body: Value,
) -> (u16, Value) {
    answer(
        http.post(edge.url(path))
            .json(&body)
            .send()
            .await
            .expect("send"),
    )
    .await
}

/// Uploads a file to the demo store.
pub async fn upload(
    http: &reqwest::Client,
    edge: &Edge,
    content_type: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    upload_to(http, edge, "demo-store", content_type, bytes).await
}

/// The WebAssembly memory of the worker's isolate, as `GET /v1/health` reports it.
pub async fn wasm_memory(http: &reqwest::Client, edge: &Edge) -> u64 {
    let health: Value = http
        .get(edge.url("/v1/health"))
        .send()
        .await
        .expect("health")
        .json()
        .await
        .expect("health json");
    health["wasm_memory_bytes"]
        .as_u64()
        .expect("wasm_memory_bytes")
}

pub async fn upload_to(
    http: &reqwest::Client,
    edge: &Edge,
    store: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let size = bytes.len();
    let response = http
        .post(edge.url("/v1/evidence"))
        .header("X-Redress-Store", store)
        .header("Content-Type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "upload of {size} bytes as {content_type}: {e}\n{}",
                edge.log_tail()
            )
        });
    answer(response).await
}

pub async fn answer(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or_else(|_| json!({ "raw": text }));
    (status, json)
}

/// A GET with an agent's bearer token (or none).
pub async fn agent_get(
    http: &reqwest::Client,
    edge: &Edge,
    token: Option<&str>,
    path: &str,
) -> (u16, Value) {
    let mut request = http.get(edge.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    answer(request.send().await.expect("send")).await
}

/// A JSON request with an agent's bearer token.
pub async fn agent_send(
    http: &reqwest::Client,
    edge: &Edge,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let request = http
        .request(method, edge.url(path))
        .bearer_auth(token)
        .json(&body);
    answer(request.send().await.expect("send")).await
}
