//! The edge's HTTP routes: the worker routes by these, and a test holds them and
//! `openapi.json` in step.

pub const HEALTH: &str = "/v1/health";
pub const EVIDENCE: &str = "/v1/evidence";
pub const COMPLAINTS: &str = "/v1/complaints";

/// Every (method, path) the worker answers, besides CORS preflights.
pub const ROUTES: &[(&str, &str)] = &[("GET", HEALTH), ("POST", EVIDENCE), ("POST", COMPLAINTS)];

/// Whether any method is routed at `path` (a wrong method then answers 405, not 404).
pub fn is_known_path(path: &str) -> bool {
    ROUTES.iter().any(|(_, p)| *p == path)
}
