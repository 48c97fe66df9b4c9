//! The shoppers' emails as `wrangler dev` simulated sending them through Cloudflare
//! Email Service: read back from its local explorer API, which records each message
//! before the binding's `send()` returns.

use serde::Deserialize;
use serde_json::Value;

use crate::Edge;

/// One email the worker sent through the `send_email` binding.
#[derive(Debug, Clone, Deserialize)]
pub struct SentEmail {
    /// As a header writes it: `"Store" <address>`.
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    /// The extra headers the worker set (threading, language, auto-submitted).
    #[serde(default)]
    pub headers: std::collections::HashMap<String, String>,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub html: String,
    #[serde(rename = "messageId")]
    pub message_id: String,
    /// Where answers go (`Reply-To`).
    #[serde(rename = "replyTo", default)]
    pub reply_to: Option<String>,
}

const SENDING: &str = "/cdn-cgi/local/explorer/api/local/email/sending";

/// Every email sent to `address` so far, oldest first, with its bodies.
pub async fn emails_to(edge: &Edge, address: &str) -> Vec<SentEmail> {
    let http = reqwest::Client::new();
    let mut found = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{}?worker=redress&per_page=100", edge.url(SENDING));
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let page: Value = http
            .get(&url)
            .send()
            .await
            .expect("the local email explorer")
            .json()
            .await
            .expect("its JSON");
        for item in page["result"].as_array().into_iter().flatten() {
            let to_address = item["to"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|to| to.as_str().is_some_and(|to| to.contains(address)));
            if to_address {
                let id = item["messageId"].as_str().expect("a message id");
                let detail: Value = http
                    .get(edge.url(SENDING))
                    .query(&[("worker", "redress"), ("email_id", id)])
                    .send()
                    .await
                    .expect("an email's detail")
                    .json()
                    .await
                    .expect("its JSON");
                found.push(serde_json::from_value(detail["result"].clone()).expect("an email"));
            }
        }
        cursor = page["result_info"]["cursor"]
            .as_str()
            .filter(|_| page["result_info"]["has_more"] == true)
            .map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    found.reverse();
    found
}
