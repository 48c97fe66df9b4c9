//! What the edge reads from the world for `shared`: random bytes and the time.

use redress_shared::{ApiError, ErrorCode};

/// `N` bytes from the platform's CSPRNG (`crypto.getRandomValues`).
pub fn random<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes)
        .map_err(|_| ApiError::new(ErrorCode::Internal, "No randomness available."))?;
    Ok(bytes)
}

/// Now, as RFC 3339 in UTC with milliseconds.
pub fn now_rfc3339() -> String {
    rfc3339(now_ms())
}

/// Now, in unix milliseconds.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Now, in unix milliseconds, as `shared`'s form tokens count them.
pub fn now_unix_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Unix milliseconds as RFC 3339 in UTC.
pub fn rfc3339(ms: i64) -> String {
    js_sys::Date::new(&(ms as f64).into())
        .to_iso_string()
        .into()
}

/// `days` ago, as RFC 3339 in UTC, comparable as text with [`now_rfc3339`].
pub fn rfc3339_days_ago(days: u32) -> String {
    rfc3339_minutes_ago(f64::from(days) * 24.0 * 60.0)
}

/// `minutes` ago, as RFC 3339 in UTC.
pub fn rfc3339_minutes_ago(minutes: f64) -> String {
    rfc3339(now_ms() - (minutes * 60_000.0) as i64)
}
