//! Many shoppers at once against the real edge: each uploads a photo of its own and
//! files a complaint quoting it, from an address of its own, with an `Idempotency-Key`
//! of its own, and retries through outages the way the widget does (same key, so a
//! complaint stored before its answer was lost is answered, not filed twice).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{json, Value};

use crate::api;

/// One acknowledged complaint: what the shopper was told, and what they sent.
#[derive(Debug, Clone)]
pub struct Filed {
    pub id: String,
    pub reference: String,
    pub store: String,
    pub evidence_sha256: String,
}

/// What a run did, and how long each kind of request took when it succeeded.
#[derive(Debug, Default)]
pub struct Report {
    pub filed: Vec<Filed>,
    pub upload_ms: Vec<f64>,
    pub submit_ms: Vec<f64>,
    /// Failed attempts that were retried, by what went wrong.
    pub retried: BTreeMap<String, usize>,
    /// Shoppers who never got an answer within the patience given them.
    pub gave_up: usize,
    pub wall: Duration,
}

impl Report {
    pub fn summary(&self) -> String {
        let (upload, submit) = (percentiles(&self.upload_ms), percentiles(&self.submit_ms));
        format!(
            "{} complaints acknowledged in {:.1} s ({:.0}/s); upload p50 {:.1} ms p99 {:.1} ms; \
             submit p50 {:.1} ms p99 {:.1} ms; retried {:?}; gave up {}",
            self.filed.len(),
            self.wall.as_secs_f64(),
            self.filed.len() as f64 / self.wall.as_secs_f64(),
            upload.0,
            upload.1,
            submit.0,
            submit.1,
            self.retried,
            self.gave_up,
        )
    }
}

/// p50 and p99 of some durations in milliseconds.
pub fn percentiles(ms: &[f64]) -> (f64, f64) {
    let mut sorted = ms.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| {
        sorted
            .get(((sorted.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    (at(0.5), at(0.99))
}

/// `complaints` shoppers, `concurrency` at a time, spread over `stores`; `progress`
/// hears of each acknowledgement (so a test can break things part way through).
pub async fn run(
    base: &str,
    complaints: usize,
    concurrency: usize,
    stores: &[String],
    photo: &[u8],
    progress: impl Fn(usize),
) -> Report {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client");
    let started = Instant::now();
    let mut report = Report::default();
    let mut shoppers = futures_util::stream::iter(0..complaints)
        .map(|n| shopper(&http, base, n, &stores[n % stores.len()], photo))
        .buffer_unordered(concurrency);
    while let Some(outcome) = shoppers.next().await {
        for (why, count) in outcome.retried {
            *report.retried.entry(why).or_default() += count;
        }
        report.upload_ms.extend(outcome.upload_ms);
        report.submit_ms.extend(outcome.submit_ms);
        match outcome.filed {
            Some(filed) => {
                report.filed.push(filed);
                progress(report.filed.len());
            }
            None => report.gave_up += 1,
        }
    }
    report.wall = started.elapsed();
    report
}

#[derive(Default)]
struct Outcome {
    filed: Option<Filed>,
    upload_ms: Option<f64>,
    submit_ms: Option<f64>,
    retried: BTreeMap<String, usize>,
}

/// How long a shopper keeps retrying: through a restart of the edge.
const PATIENCE: Duration = Duration::from_secs(240);

async fn shopper(
    http: &reqwest::Client,
    base: &str,
    n: usize,
    store: &str,
    photo: &[u8],
) -> Outcome {
    let address = api::next_address();
    // A text chunk of its own in the image: every shopper's evidence differs.
    let bytes = crate::files::png_with_text(photo, format!("load-{n}").as_bytes());
    let evidence_sha256 = crate::sha256_hex(&bytes);
    let mut outcome = Outcome::default();
    let give_up_at = Instant::now() + PATIENCE;

    let upload = || {
        http.post(format!("{base}/v1/evidence"))
            .header("CF-Connecting-IP", &address)
            .header("X-Redress-Store", store)
            .header("Content-Type", "image/png")
            .header("X-File-Name", format!("photo-{n}.png"))
            .body(bytes.clone())
            .send()
    };
    let Some((receipt, ms)) = until_answered(upload, give_up_at, &mut outcome.retried).await else {
        return outcome;
    };
    outcome.upload_ms = Some(ms);
    let token = receipt["token"].as_str().unwrap_or_default().to_owned();

    let body = api::signed(json!({
        "store_id": store, "order_number": format!("L-{n}"),
        "email": format!("shopper{n}@example.com"),
        "description": format!("Order L-{n} arrived with a cracked screen; photo attached."),
        "resolution": "replacement", "evidence": [token],
    }));
    let submit = || {
        http.post(format!("{base}/v1/complaints"))
            .header("CF-Connecting-IP", &address)
            .header("Idempotency-Key", format!("load-{n}"))
            .json(&body)
            .send()
    };
    let Some((receipt, ms)) = until_answered(submit, give_up_at, &mut outcome.retried).await else {
        return outcome;
    };
    outcome.submit_ms = Some(ms);
    outcome.filed = Some(Filed {
        id: receipt["id"].as_str().unwrap_or_default().to_owned(),
        reference: receipt["reference"].as_str().unwrap_or_default().to_owned(),
        store: store.to_owned(),
        evidence_sha256,
    });
    outcome
}

/// Sends until a whole 2xx answer (with its JSON and how long that attempt took),
/// retrying what a client should retry: no answer, an answer cut off (the edge
/// stopped mid-response), 429 and 5xx.
async fn until_answered<F, Fut>(
    send: F,
    give_up_at: Instant,
    retried: &mut BTreeMap<String, usize>,
) -> Option<(Value, f64)>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = reqwest::Result<reqwest::Response>>,
{
    loop {
        let started = Instant::now();
        let why = match send().await {
            Ok(response) if response.status().is_success() => match response.json().await {
                Ok(json) => return Some((json, started.elapsed().as_secs_f64() * 1000.0)),
                Err(_) => "answer cut off".to_owned(),
            },
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.text().await.unwrap_or_default();
                if !(status == 429 || status >= 500) {
                    panic!("a shopper was refused {status}: {body}");
                }
                format!("HTTP {status}")
            }
            Err(e) if e.is_timeout() => "timed out".to_owned(),
            Err(_) => "no connection".to_owned(),
        };
        *retried.entry(why).or_default() += 1;
        if Instant::now() >= give_up_at {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
