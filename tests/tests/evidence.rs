//! Evidence against the real worker under `wrangler dev`: a corpus of bad files each
//! refused with its code and nothing stored, the same file twice kept once, and uploads
//! nobody claimed expiring and being cleaned up.
//!
//! One worker serves every scenario, in order, inside one test.

use redress_e2e::api::{answer, complaint, post_json, upload, upload_to};
use redress_e2e::{fixture, Edge};
use serde_json::{json, Value};
use xtask::stores::StoreChanges;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_is_judged_by_its_bytes_kept_once_and_expires_unclaimed() {
    let edge = Edge::start(&[]).await;
    edge.put_store(
        "demo-store",
        StoreChanges {
            name: Some("Demo Store".to_owned()),
            ..StoreChanges::default()
        },
    );
    let http = reqwest::Client::new();

    every_bad_file_is_refused_with_its_code_and_nothing_is_stored(&edge, &http).await;
    the_same_file_twice_is_one_piece_of_evidence(&edge, &http).await;
    an_upload_nobody_claimed_expires_and_is_cleaned_up(&edge, &http).await;
    a_store_sets_its_own_evidence_limits(&edge, &http).await;
}

async fn every_bad_file_is_refused_with_its_code_and_nothing_is_stored(
    edge: &Edge,
    http: &reqwest::Client,
) {
    let uploads_before = edge.count("SELECT COUNT(*) AS n FROM uploads");
    let blobs_before = edge.r2_blob_count();
    let corpus = [
        (
            "renamed-executable.jpg",
            "image/jpeg",
            415,
            "file_type_not_allowed",
        ),
        ("page.html.jpg", "image/jpeg", 415, "file_type_not_allowed"),
        (
            "drawing.svg.jpg",
            "image/jpeg",
            415,
            "file_type_not_allowed",
        ),
        (
            "jpeg-then-html.jpg",
            "image/jpeg",
            415,
            "file_type_not_allowed",
        ),
        ("truncated.png", "image/png", 415, "file_type_not_allowed"),
        ("zero-byte.jpg", "image/jpeg", 400, "validation_failed"),
    ];
    for (name, declared, status, code) in corpus {
        let bytes = std::fs::read(fixture(&format!("bad/{name}"))).expect("corpus file");
        let (got, body) = upload(http, edge, declared, bytes).await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{name}: {body}"
        );
    }

    // Over the limit for its type: a 21 MB "photo" (20 MB allowed).
    let mut oversized = std::fs::read(fixture("cracked-shade.png")).expect("fixture");
    oversized.resize(21 * 1024 * 1024, 0);
    let (got, body) = upload(http, edge, "image/png", oversized).await;
    assert_eq!(
        (got, body["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );

    // Eleven files on one complaint (ten allowed): refused before any is looked up.
    let mut eleven = complaint(
        "T-11",
        "t@example.com",
        "The lamp arrived broken.",
        "repair",
    );
    eleven["evidence"] = json!((0..11).map(|i| format!("up_{i:032x}")).collect::<Vec<_>>());
    let (got, body) = post_json(http, edge, "/v1/complaints", eleven).await;
    assert_eq!(got, 400, "{body}");
    assert!(
        field_codes(&body).contains(&"too_many_files".to_owned()),
        "{body}"
    );

    assert_eq!(
        edge.count("SELECT COUNT(*) AS n FROM uploads"),
        uploads_before
    );
    assert_eq!(edge.count("SELECT COUNT(*) AS n FROM cases"), 0);
    assert_eq!(
        edge.r2_blob_count(),
        blobs_before,
        "nothing reached the bucket"
    );
}

async fn the_same_file_twice_is_one_piece_of_evidence(edge: &Edge, http: &reqwest::Client) {
    let photo = std::fs::read(fixture("cracked-shade.png")).expect("fixture");
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let (status, uploaded) = upload(http, edge, "image/png", photo.clone()).await;
        assert_eq!(status, 201, "{uploaded}");
        tokens.push(uploaded["token"].clone());
    }
    assert_ne!(tokens[0], tokens[1]);
    let mut twice = complaint(
        "D-2",
        "d@example.com",
        "The shade arrived cracked.",
        "replacement",
    );
    twice["evidence"] = json!(tokens);
    let (status, receipt) = post_json(http, edge, "/v1/complaints", twice).await;
    assert_eq!(status, 201, "{receipt}");
    let rows = edge.count(&format!(
        "SELECT COUNT(*) AS n FROM evidence WHERE case_id = '{}'",
        receipt["id"].as_str().expect("id")
    ));
    assert_eq!(rows, 1, "the same bytes are kept once");
}

async fn an_upload_nobody_claimed_expires_and_is_cleaned_up(edge: &Edge, http: &reqwest::Client) {
    let photo = std::fs::read(fixture("cracked-shade.png")).expect("fixture");
    let (status, uploaded) = upload(http, edge, "image/png", photo).await;
    assert_eq!(status, 201, "{uploaded}");
    let token = uploaded["token"].as_str().expect("token").to_owned();
    let key = edge.query(&format!(
        "SELECT r2_key FROM uploads WHERE token = '{token}'"
    ))[0]["r2_key"]
        .as_str()
        .expect("r2 key")
        .to_owned();
    assert!(edge.object_exists(&key));

    // A day and a bit later (the clock moved back in the database, not in the test).
    edge.execute(&format!(
        "UPDATE uploads SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-26 hours')
         WHERE token = '{token}'"
    ));
    let cases_before = edge.count("SELECT COUNT(*) AS n FROM cases");
    let mut late = complaint(
        "E-1",
        "late@example.com",
        "The lamp arrived broken.",
        "repair",
    );
    late["evidence"] = json!([token]);
    let response = http
        .post(edge.url("/v1/complaints"))
        .json(&late)
        .send()
        .await
        .expect("submit");
    let (status, body) = answer(response).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(field_codes(&body), ["unknown_evidence"]);
    assert_eq!(edge.count("SELECT COUNT(*) AS n FROM cases"), cases_before);

    edge.run_scheduled().await;
    let left = edge.count(&format!(
        "SELECT COUNT(*) AS n FROM uploads WHERE token = '{token}'"
    ));
    assert_eq!(left, 0, "the expired upload's row is gone");
    assert!(!edge.object_exists(&key), "and so is its object");
    // Claimed evidence is never cleaned up.
    assert_eq!(edge.count("SELECT COUNT(*) AS n FROM evidence"), 1);
}

async fn a_store_sets_its_own_evidence_limits(edge: &Edge, http: &reqwest::Client) {
    edge.put_store(
        "small-store",
        StoreChanges {
            name: Some("Small Store".to_owned()),
            max_files: Some(2),
            max_image_mb: Some(1),
            max_total_mb: Some(1),
            ..StoreChanges::default()
        },
    );
    let photo = |bytes: usize| {
        let mut png = std::fs::read(fixture("cracked-shade.png")).expect("fixture");
        png.resize(bytes, 0);
        png
    };
    let (status, body) = upload_to(http, edge, "small-store", "image/png", photo(1_200_000)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );

    let mut tokens = Vec::new();
    for size in [600_000, 600_001] {
        let (status, uploaded) =
            upload_to(http, edge, "small-store", "image/png", photo(size)).await;
        assert_eq!(status, 201, "{uploaded}");
        tokens.push(uploaded["token"].clone());
    }
    let to_small = |evidence: Value| {
        let mut body = complaint("S-3", "s@example.com", "The lamp arrived broken.", "repair");
        body["store_id"] = json!("small-store");
        body["evidence"] = evidence;
        body
    };
    let cases_before = edge.count("SELECT COUNT(*) AS n FROM cases");
    let three = json!([tokens[0], tokens[1], format!("up_{:032x}", 7)]);
    let (status, body) = post_json(http, edge, "/v1/complaints", to_small(three)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(field_codes(&body), ["too_many_files"]);
    let (status, body) = post_json(http, edge, "/v1/complaints", to_small(json!(tokens))).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        field_codes(&body),
        ["out_of_range"],
        "1.2 MB in all, 1 MB allowed"
    );
    assert_eq!(edge.count("SELECT COUNT(*) AS n FROM cases"), cases_before);

    let (status, body) =
        post_json(http, edge, "/v1/complaints", to_small(json!([tokens[0]]))).await;
    assert_eq!(status, 201, "{body}");
}

fn field_codes(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .filter_map(|f| f["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
