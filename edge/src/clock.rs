//! What the edge reads from the world for `shared`: random bytes and the time.

use redress_shared::{ApiError, ErrorCode};

/// `N` bytes from the platform's CSPRNG (`crypto.getRandomValues`).
pub fn random<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes)
        .map_err(|_| ApiError::new(ErrorCode::Internal, "No randomness available."))?;
    Ok(bytes)
}

/// Now, as RFC 3339 in UTC with milliseconds (`shared::time`).
pub fn now_rfc3339() -> String {
    redress_shared::time::rfc3339(now_ms())
}

/// Now, in unix milliseconds.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Now, in unix milliseconds, as `shared`'s form tokens count them.
pub fn now_unix_ms() -> u64 {
    js_sys::Date::now() as u64
}
