//! Responses: JSON bodies, the error envelope, and CORS.

use redress_shared::rate_limit::RETRY_AFTER_SECONDS;
use redress_shared::{ApiError, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{Fetch, Headers, Method, Request, RequestInit, Response};

pub fn json<T: Serialize>(status: u16, body: &T) -> Response {
    match Response::from_json(body) {
        Ok(response) => response.with_status(status),
        Err(e) => plain_500(&e.to_string()),
    }
}

/// A file the agent saves, streamed from `body` as it is written: never cached, never
/// sniffed into another type.
pub fn attachment<S>(body: S, content_type: &str, file_name: &str) -> Result<Response, ApiError>
where
    S: futures_util::TryStream<Ok = Vec<u8>, Error = worker::Error> + 'static,
{
    let response = Response::from_stream(body)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let headers = response.headers();
    let _ = headers.set("Content-Type", content_type);
    let _ = headers.set(
        "Content-Disposition",
        &format!("attachment; filename=\"{file_name}\""),
    );
    let _ = headers.set("Cache-Control", "no-store");
    let _ = headers.set("X-Content-Type-Options", "nosniff");
    Ok(response)
}

/// A JSON body already written as text.
pub fn json_text(status: u16, body: String) -> Response {
    match Response::ok(body) {
        Ok(response) => {
            let _ = response.headers().set("Content-Type", "application/json");
            response.with_status(status)
        }
        Err(e) => plain_500(&e.to_string()),
    }
}

/// The request's JSON body as `T`, refusing bodies over `max_bytes` before reading
/// them when their length is declared.
pub async fn read_json<T: DeserializeOwned>(
    req: &mut Request,
    max_bytes: usize,
) -> Result<T, ApiError> {
    let too_large = || {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("The body may be at most {} KB.", max_bytes / 1024),
        )
    };
    let declared = req
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max_bytes) {
        return Err(too_large());
    }
    let bytes = req
        .bytes()
        .await
        .map_err(|_| ApiError::new(ErrorCode::MalformedJson, "The body could not be read."))?;
    if bytes.len() > max_bytes {
        return Err(too_large());
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            ErrorCode::MalformedJson,
            format!("The body is not what this endpoint takes: {e}"),
        )
    })
}

/// A request header's value, if sent.
pub fn header(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).ok().flatten()
}

/// A query parameter's value, if given.
pub fn query_param(req: &Request, name: &str) -> Result<Option<String>, ApiError> {
    Ok(query_pairs(req)?
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value))
}

/// The request's query parameters, decoded, in order.
pub fn query_pairs(req: &Request) -> Result<Vec<(String, String)>, ApiError> {
    let url = req
        .url()
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    Ok(url.query_pairs().into_owned().collect())
}

pub fn error(error: ApiError) -> Response {
    if error.status() >= 500 {
        worker::console_error!("{:?}: {}", error.code, error.message);
    }
    let status = error.status();
    let limited = error.code == ErrorCode::RateLimited;
    let response = json(status, &error.into_body());
    if limited {
        let _ = response
            .headers()
            .set("Retry-After", &RETRY_AFTER_SECONDS.to_string());
    }
    response
}

pub fn preflight() -> Response {
    Response::empty()
        .map(|r| r.with_status(204))
        .unwrap_or_else(|e| plain_500(&e.to_string()))
}

/// Reflects the caller's origin so the widget can call us from a storefront.
/// Per-store allowed origins narrow this (see the abuse issue).
pub fn with_cors(response: Response, origin: Option<&str>) -> Response {
    let Some(origin) = origin else {
        return response;
    };
    let headers = Headers::new();
    for (name, value) in response.headers().entries() {
        let _ = headers.set(&name, &value);
    }
    let _ = headers.set("Access-Control-Allow-Origin", origin);
    let _ = headers.set("Vary", "Origin");
    let _ = headers.set(
        "Access-Control-Allow-Methods",
        "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    );
    // Bearer tokens, never cookies: a cross-origin caller must hold a token to act.
    let _ = headers.set(
        "Access-Control-Allow-Headers",
        "Authorization, Content-Type, Idempotency-Key, X-Redress-Store, X-File-Name",
    );
    let _ = headers.set("Access-Control-Max-Age", "600");
    let _ = headers.set(
        "Access-Control-Expose-Headers",
        "Retry-After, Idempotent-Replayed",
    );
    response.with_headers(headers)
}

fn plain_500(reason: &str) -> Response {
    worker::console_error!("could not build a response: {reason}");
    Response::error("internal error", 500).unwrap_or_else(|_| unreachable_response())
}

#[allow(clippy::unwrap_used)] // Response::empty() cannot fail; this is the last resort.
fn unreachable_response() -> Response {
    Response::empty().unwrap()
}

/// POSTs `json` to `url` with `headers` besides its content type: how the edge speaks to
/// every outside service (webhooks, chats, mail, Turnstile, translators). Anything but a
/// 2xx answer is an error, in words for the logs and the delivery record.
pub async fn post_json(
    url: &str,
    json: String,
    headers: &[(&str, &str)],
) -> Result<Response, String> {
    let set = Headers::new();
    for (name, value) in headers
        .iter()
        .chain(&[("Content-Type", "application/json")])
    {
        set.set(name, value).map_err(|e| e.to_string())?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(set)
        .with_body(Some(json.into()));
    let request = Request::new_with_init(url, &init).map_err(|e| e.to_string())?;
    let response = Fetch::Request(request)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    match response.status_code() {
        200..=299 => Ok(response),
        status => Err(format!("answered {status}")),
    }
}
