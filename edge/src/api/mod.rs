//! The HTTP handlers: each reads the request, calls `redress_shared` for every rule,
//! calls `db`, and answers.

pub mod agent;
pub mod agent_auth;
pub mod complaints;
pub mod evidence_upload;
pub mod shopper_status;
pub mod stores;
