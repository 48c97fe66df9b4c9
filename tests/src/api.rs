//! The edge's HTTP API as the tests call it: complaints, uploads and the agent API.

use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::{json, Value};

use crate::Edge;

/// A client with an address of its own, sent as `CF-Connecting-IP` (which Cloudflare
/// sets in production and `wrangler dev` passes through), so the edge's per-client
/// rate limits count it apart from every other test client.
pub fn client() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let address = next_address()
        .parse()
        .expect("an address is a header value");
    headers.insert("CF-Connecting-IP", address);
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("an HTTP client")
}

/// A shopper's address not used before in this process, from the benchmarking block
/// 198.18.0.0/15. The helpers below send each request from a new one, as independent
/// shoppers would; a test about one client's allowance sets its own.
pub fn next_address() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!(
        "198.{}.{}.{}",
        18 + (n >> 16) % 2,
        (n >> 8) & 0xff,
        n & 0xff
    )
}

/// A complaint to the demo store, as the widget would send it.
pub fn complaint(order_number: &str, email: &str, description: &str, resolution: &str) -> Value {
    json!({
        "store_id": "demo-store", "order_number": order_number, "email": email,
        "description": description, "resolution": resolution,
    })
}

/// A complaint as the widget sends it: with a form token for its store, handed out a
/// minute ago (signed with the key the harness starts the edge with), unless the body
/// already says what its `form_token` is.
pub fn signed(mut body: Value) -> Value {
    if body.get("form_token").is_none() {
        let store = body["store_id"].as_str().unwrap_or_default();
        body["form_token"] = json!(form_token(store, 60));
    }
    body
}

/// A form token for `store` as the edge would have handed it out `seconds_ago`.
pub fn form_token(store: &str, seconds_ago: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis() as u64;
    redress_shared::spam_guard::form_token(
        Edge::STATUS_LINK_KEY.as_bytes(),
        store,
        now - seconds_ago * 1000,
    )
}

/// Files a complaint over HTTP and returns its case reference.
pub async fn file(http: &reqwest::Client, edge: &Edge, complaint: Value) -> String {
    let (status, receipt) = post_json(http, edge, "/v1/complaints", complaint).await;
    assert_eq!(status, 201, "{receipt}");
    receipt["reference"].as_str().expect("reference").to_owned()
}

/// Posts JSON from a new shopper address; complaints go [`signed`].
pub async fn post_json(
    http: &reqwest::Client,
    edge: &Edge,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let body = if path == redress_shared::routes::COMPLAINTS {
        signed(body)
    } else {
        body
    };
    answer(
        http.post(edge.url(path))
            .header("CF-Connecting-IP", next_address())
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
        .header("CF-Connecting-IP", next_address())
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

/// What an agent's GET of a file (an export, a dispute bundle) answers: its status,
/// `Content-Type`, `Content-Disposition` and bytes.
pub async fn agent_file(edge: &Edge, token: &str, path: &str) -> (u16, String, String, Vec<u8>) {
    let response = client()
        .get(edge.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    let (kind, disposition) = (
        header(&response, "content-type"),
        header(&response, "content-disposition"),
    );
    let body = response.bytes().await.expect("body").to_vec();
    (status, kind, disposition, body)
}

/// A response header's value as text (empty when absent).
pub fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The entries of one kind in a case's timeline as the agent API answers it.
pub fn entries(case: &Value, kind: &str) -> Vec<Value> {
    case["timeline"]
        .as_array()
        .expect("a timeline")
        .iter()
        .filter(|e| e["kind"] == kind)
        .cloned()
        .collect()
}
