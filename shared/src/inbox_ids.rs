//! Element ids of the agents' inbox page, shared with its browser tests.

pub const TOKEN_INPUT: &str = "redress-inbox-token";
pub const SIGN_IN: &str = "redress-inbox-sign-in";
pub const NAV_CASES: &str = "redress-inbox-nav-cases";
pub const NAV_TRENDS: &str = "redress-inbox-nav-trends";
pub const FILTER_STATUS: &str = "redress-inbox-filter-status";
pub const FILTER_CATEGORY: &str = "redress-inbox-filter-category";
pub const FILTER_PRIORITY: &str = "redress-inbox-filter-priority";
pub const FILTER_TEXT: &str = "redress-inbox-filter-text";
pub const FILTER_APPLY: &str = "redress-inbox-filter-apply";
pub const CASE_LIST: &str = "redress-inbox-cases";
pub const CASE_VIEW: &str = "redress-inbox-case";
pub const CASE_STATUS: &str = "redress-inbox-case-status";
pub const CASE_DESCRIPTION: &str = "redress-inbox-case-description";
pub const CASE_TIMELINE: &str = "redress-inbox-case-timeline";
pub const RESOLUTION: &str = "redress-inbox-resolution";
pub const ASSIGNEE: &str = "redress-inbox-assignee";
pub const ASSIGN: &str = "redress-inbox-assign";
pub const NOTE_TEXT: &str = "redress-inbox-note";
pub const NOTE_SEND: &str = "redress-inbox-note-send";
pub const REPLY_TEXT: &str = "redress-inbox-reply";
pub const REPLY_SEND: &str = "redress-inbox-reply-send";
pub const TRENDS: &str = "redress-inbox-trends";
pub const TRENDS_FROM: &str = "redress-inbox-trends-from";
pub const TRENDS_TO: &str = "redress-inbox-trends-to";
