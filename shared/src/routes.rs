//! The edge's HTTP routes: the worker routes by these, and a test holds them and
//! `openapi.json` in step. Templates name path parameters in braces, as OpenAPI does.

pub const HEALTH: &str = "/v1/health";
pub const EVIDENCE: &str = "/v1/evidence";
pub const COMPLAINTS: &str = "/v1/complaints";
pub const CASE_STATUS: &str = "/v1/status/{reference}";
/// The shopper's case page (static, with the case in its fragment).
pub const CASE_PAGE: &str = "/case/";
/// The shopper writes to the store, with their status token.
pub const CASE_MESSAGES: &str = "/v1/status/{reference}/messages";
/// The shopper adds a file to their case, with their status token: one file per request.
pub const CASE_EVIDENCE: &str = "/v1/status/{reference}/evidence";
/// The shopper answers one of the store's offers, with their status token.
pub const CASE_OFFER: &str = "/v1/status/{reference}/offers/{number}";
/// The shopper rates how the store handled their resolved case, with their status token.
pub const CASE_RATING: &str = "/v1/status/{reference}/rating";
pub const STORE_WIDGET: &str = "/v1/stores/{store}/widget";
/// A fresh form token (`spam_guard`), asked for when the shopper shows intent.
pub const STORE_FORM_TOKEN: &str = "/v1/stores/{store}/form-token";
pub const AGENT_CASES: &str = "/v1/agent/cases";
/// Who the token names, and the language they read shoppers in.
pub const AGENT_ME: &str = "/v1/agent/me";
pub const AGENT_TRENDS: &str = "/v1/agent/trends";
/// How well the store handles complaints over a period (`metrics`).
pub const AGENT_METRICS: &str = "/v1/agent/metrics";
/// The cases the list's filters select, as CSV (`export`).
pub const AGENT_EXPORT_CASES: &str = "/v1/agent/exports/cases";
pub const AGENT_CASE: &str = "/v1/agent/cases/{id}";
pub const AGENT_CASE_NOTES: &str = "/v1/agent/cases/{id}/notes";
pub const AGENT_CASE_REPLIES: &str = "/v1/agent/cases/{id}/replies";
/// The agent's reply as the shopper would read it, before it is sent.
pub const AGENT_CASE_REPLY_TRANSLATION: &str = "/v1/agent/cases/{id}/reply-translation";
pub const AGENT_CASE_EVIDENCE: &str = "/v1/agent/cases/{id}/evidence/{position}";
/// The case's dispute bundle: a ZIP of its transcript, evidence and manifest.
pub const AGENT_CASE_BUNDLE: &str = "/v1/agent/cases/{id}/bundle";
pub const AGENT_CASE_OFFERS: &str = "/v1/agent/cases/{id}/offers";
pub const AGENT_CASE_OUTCOMES: &str = "/v1/agent/cases/{id}/outcomes";
pub const AGENT_CASE_OFFER_WITHDRAWAL: &str = "/v1/agent/cases/{id}/offers/{number}/withdrawal";
/// The store's saved replies and Redress's starter set; a new one.
pub const AGENT_SAVED_REPLIES: &str = "/v1/agent/saved-replies";
/// One of the store's own saved replies: replaced or deleted.
pub const AGENT_SAVED_REPLY: &str = "/v1/agent/saved-replies/{id}";

/// Every (method, path template) the worker answers, besides CORS preflights.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", HEALTH),
    ("POST", EVIDENCE),
    ("POST", COMPLAINTS),
    ("GET", CASE_STATUS),
    ("POST", CASE_MESSAGES),
    ("POST", CASE_EVIDENCE),
    ("POST", CASE_OFFER),
    ("POST", CASE_RATING),
    ("GET", STORE_WIDGET),
    ("GET", STORE_FORM_TOKEN),
    ("GET", AGENT_ME),
    ("PUT", AGENT_ME),
    ("GET", AGENT_CASES),
    ("GET", AGENT_TRENDS),
    ("GET", AGENT_METRICS),
    ("GET", AGENT_EXPORT_CASES),
    ("GET", AGENT_CASE),
    ("PATCH", AGENT_CASE),
    ("POST", AGENT_CASE_NOTES),
    ("POST", AGENT_CASE_REPLIES),
    ("POST", AGENT_CASE_REPLY_TRANSLATION),
    ("GET", AGENT_CASE_EVIDENCE),
    ("GET", AGENT_CASE_BUNDLE),
    ("POST", AGENT_CASE_OFFERS),
    ("POST", AGENT_CASE_OFFER_WITHDRAWAL),
    ("POST", AGENT_CASE_OUTCOMES),
    ("GET", AGENT_SAVED_REPLIES),
    ("POST", AGENT_SAVED_REPLIES),
    ("PUT", AGENT_SAVED_REPLY),
    ("DELETE", AGENT_SAVED_REPLY),
];

/// The path of `template` with its `{parameters}` set to `values`, in order. (Segment
/// by segment rather than `str::replace`, whose substring search costs the widget
/// about 1 KB.)
pub fn fill(template: &str, values: &[&str]) -> String {
    let mut values = values.iter();
    template
        .split('/')
        .map(|segment| match segment.starts_with('{') {
            true => values.next().copied().unwrap_or(segment),
            false => segment,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The template that `path` matches and the values of its parameters, in order.
pub fn resolve(path: &str) -> Option<(&'static str, Vec<&str>)> {
    ROUTES
        .iter()
        .find_map(|&(_, template)| params(template, path).map(|p| (template, p)))
}

/// Whether any method is routed at `path` (a wrong method then answers 405, not 404).
pub fn is_known_path(path: &str) -> bool {
    resolve(path).is_some()
}

/// The values of `template`'s `{parameters}` in `path`, if it matches. A parameter is
/// one non-empty segment.
fn params<'a>(template: &str, path: &'a str) -> Option<Vec<&'a str>> {
    let mut values = Vec::new();
    let mut expected = template.split('/');
    let mut actual = path.split('/');
    loop {
        match (expected.next(), actual.next()) {
            (None, None) => return Some(values),
            (Some(e), Some(a)) if e.starts_with('{') && !a.is_empty() => values.push(a),
            (Some(e), Some(a)) if e == a => {}
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_paths_match_themselves_only() {
        assert_eq!(resolve("/v1/complaints"), Some((COMPLAINTS, vec![])));
        assert_eq!(resolve("/v1/complaints/"), None);
        assert_eq!(resolve("/v1/complaint"), None);
    }

    #[test]
    fn filled_templates_resolve_back_to_their_values() {
        let path = fill(AGENT_CASE_EVIDENCE, &["abc", "2"]);
        assert_eq!(path, "/v1/agent/cases/abc/evidence/2");
        assert_eq!(
            resolve(&path),
            Some((AGENT_CASE_EVIDENCE, vec!["abc", "2"]))
        );
        assert_eq!(fill(HEALTH, &[]), HEALTH);
    }

    #[test]
    fn templates_hand_back_their_parameters() {
        assert_eq!(
            resolve("/v1/agent/cases/abc/evidence/2"),
            Some((AGENT_CASE_EVIDENCE, vec!["abc", "2"]))
        );
        assert_eq!(
            resolve("/v1/agent/cases/abc"),
            Some((AGENT_CASE, vec!["abc"]))
        );
        assert_eq!(resolve("/v1/agent/cases//notes"), None);
        assert_eq!(resolve("/v1/agent/cases/abc/notes/x"), None);
    }
}
