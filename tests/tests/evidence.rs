//! Evidence against the real worker under `wrangler dev`: a corpus of bad files each
//! refused with its code and nothing stored, the same file twice kept once, and uploads
//! nobody claimed expiring and being cleaned up.
//!
//! One worker serves every scenario, in order, inside one test.

use redress_e2e::api::complaint;
use std::time::Duration;

use fantoccini::Locator;
use redress_e2e::{
    assert_refused, field_codes, files, fixture, sha256_hex, Browser, Complaint, Edge, TestApp,
};
use redress_shared::widget_ids;
use serde_json::{json, Value};
use xtask::stores::StoreChanges;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_is_judged_by_its_bytes_kept_once_and_expires_unclaimed() {
    let app = TestApp::start(&[]).await;
    app.edge.create_store("demo-store", "Demo Store");

    every_bad_file_is_refused_with_its_code_and_nothing_is_stored(&app).await;
    the_same_file_twice_is_one_piece_of_evidence(&app).await;
    an_upload_nobody_claimed_expires_and_is_cleaned_up(&app).await;
    a_store_sets_its_own_evidence_limits(&app).await;
    the_widget_uploads_each_file_as_it_is_added_with_progress_and_retry(&app.edge).await;
    the_widget_downscales_photos_and_follows_the_store_settings(&app.edge).await;
    an_upload_passes_through_the_worker_without_being_held(&app).await;
}

async fn every_bad_file_is_refused_with_its_code_and_nothing_is_stored(app: &TestApp) {
    let edge = &app.edge;
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
        let (got, body) = app.try_upload(declared, bytes).await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{name}: {body}"
        );
    }

    // Over the limit for its type: a 21 MB "photo" (20 MB allowed).
    let mut oversized = std::fs::read(fixture("cracked-shade.png")).expect("fixture");
    oversized.resize(21 * 1024 * 1024, 0);
    assert_refused(
        app.try_upload("image/png", oversized).await,
        413,
        "payload_too_large",
    );

    // Eleven files on one complaint (ten allowed): refused before any is looked up.
    let mut eleven = complaint(
        "T-11",
        "t@example.com",
        "The lamp arrived broken.",
        "repair",
    );
    eleven["evidence"] = json!((0..11).map(|i| format!("up_{i:032x}")).collect::<Vec<_>>());
    let body = assert_refused(
        app.try_file_complaint(eleven).await,
        400,
        "validation_failed",
    );
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

async fn the_same_file_twice_is_one_piece_of_evidence(app: &TestApp) {
    let photo = std::fs::read(fixture("cracked-shade.png")).expect("fixture");
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let uploaded = app.upload_evidence("image/png", photo.clone()).await;
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
    let receipt = app.file_complaint(twice).await;
    let rows = app.edge.count(&format!(
        "SELECT COUNT(*) AS n FROM evidence WHERE case_id = '{}'",
        receipt["id"].as_str().expect("id")
    ));
    assert_eq!(rows, 1, "the same bytes are kept once");
}

async fn an_upload_nobody_claimed_expires_and_is_cleaned_up(app: &TestApp) {
    let edge = &app.edge;
    let photo = std::fs::read(fixture("cracked-shade.png")).expect("fixture");
    let uploaded = app.upload_evidence("image/png", photo).await;
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
    let body = assert_refused(app.try_file_complaint(late).await, 400, "validation_failed");
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

async fn a_store_sets_its_own_evidence_limits(app: &TestApp) {
    let edge = &app.edge;
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
        let png = std::fs::read(fixture("cracked-shade.png")).expect("fixture");
        files::png_of_size(&png, bytes)
    };
    assert_refused(
        app.try_upload_to("small-store", "image/png", photo(1_200_000))
            .await,
        413,
        "payload_too_large",
    );

    let mut tokens = Vec::new();
    for size in [600_000, 600_001] {
        let (status, uploaded) = app
            .try_upload_to("small-store", "image/png", photo(size))
            .await;
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
    let refused = app.try_file_complaint(to_small(three)).await;
    let body = assert_refused(refused, 400, "validation_failed");
    assert_eq!(field_codes(&body), ["too_many_files"]);
    let refused = app.try_file_complaint(to_small(json!(tokens))).await;
    let body = assert_refused(refused, 400, "validation_failed");
    assert_eq!(
        field_codes(&body),
        ["out_of_range"],
        "1.2 MB in all, 1 MB allowed"
    );
    assert_eq!(edge.count("SELECT COUNT(*) AS n FROM cases"), cases_before);

    app.file_complaint(to_small(json!([tokens[0]]))).await;
}

/// In Chromium: files upload as they are added, each with its progress; a refused file
/// says why; a file the worker refused (the store did not yet list this site) uploads
/// on retry once it does; the case keeps exactly the bytes the widget sent.
async fn the_widget_uploads_each_file_as_it_is_added_with_progress_and_retry(edge: &Edge) {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    };
    let photo = std::fs::read(fixture("cracked-shade.png")).expect("fixture");
    let png = write("shade.png", &photo);
    let pdf = write(
        "invoice.pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    );
    let mp4 = files::mp4_of_size(3_000_000);
    let video = write("unboxing.mp4", &mp4);
    let disguised = write("receipt.png", b"<html><script>alert(1)</script></html>");

    // The store lists only another site at first: the worker refuses this page.
    edge.put_store(
        "demo-store",
        StoreChanges {
            allowed_origins: Some(vec!["https://shop.example".to_owned()]),
            ..StoreChanges::default()
        },
    );
    let browser = Browser::with_widget_open(&edge.url("/")).await;
    browser.type_into(widget_ids::FILES, path(&png)).await;
    let refused = row_where(&browser, 0, |state, _| state == "failed").await;
    assert!(refused.1.contains("does not accept"), "{refused:?}");

    edge.put_store(
        "demo-store",
        StoreChanges {
            allowed_origins: Some(vec!["https://shop.example".to_owned(), edge.url("")]),
            ..StoreChanges::default()
        },
    );
    let retry = browser
        .widget(widget_ids::UPLOADS)
        .await
        .find(Locator::Css("li .retry"))
        .await
        .expect("a retry button");
    retry.click().await.expect("retry");
    row_where(&browser, 0, |state, progress| {
        state == "done" && progress == "100"
    })
    .await;

    for file in [&pdf, &video, &disguised] {
        browser.type_into(widget_ids::FILES, path(file)).await;
    }
    row_where(&browser, 1, |state, progress| {
        state == "done" && progress == "100"
    })
    .await;
    row_where(&browser, 2, |state, progress| {
        state == "done" && progress == "100"
    })
    .await;
    let bad = row_where(&browser, 3, |state, _| state == "failed").await;
    assert!(bad.1.contains("Attach a photo"), "{bad:?}");
    let under_field = browser
        .widget_text(&widget_ids::field_error("evidence"), Duration::from_secs(5))
        .await
        .expect("the refusal shows under the files field too");
    assert!(under_field.contains("receipt.png"), "{under_field}");

    // Removing the refused file lets the complaint go.
    remove_row(&browser, 3).await;
    Complaint {
        order_number: "W-3",
        email: "files@example.com",
        description: "The lamp arrived with its shade cracked; invoice and video attached.",
        resolution: "replacement",
        file: Some(&png),
    }
    .fill_fields(&browser)
    .await;
    browser.click(widget_ids::SUBMIT).await;
    let reference = browser
        .widget_text(widget_ids::REFERENCE, Duration::from_secs(30))
        .await
        .expect("a case reference");
    browser.close().await;

    let stored = edge.query(&format!(
        "SELECT e.sha256, e.kind, e.r2_key FROM evidence e JOIN cases c ON c.id = e.case_id
         WHERE c.reference = '{reference}' ORDER BY e.position"
    ));
    let kinds: Vec<&str> = stored
        .iter()
        .map(|r| r["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["png", "pdf", "mp4"]);
    for (row, file) in stored.iter().zip([&png, &pdf, &video]) {
        let sent = sha256_hex(&std::fs::read(file).expect("file"));
        assert_eq!(row["sha256"], sent.as_str());
        let kept = edge.object(row["r2_key"].as_str().expect("key"));
        assert_eq!(
            sha256_hex(&kept),
            sent,
            "the bucket holds the bytes the widget sent"
        );
    }
}

/// In Chromium: a 3000 × 2000 phone photo with its location in EXIF is sent
/// downscaled to 2560 px without the location; the store's own file limit is checked
/// in the widget before any upload; where the store allows originals, the shopper's
/// choice sends the file as it is.
async fn the_widget_downscales_photos_and_follows_the_store_settings(edge: &Edge) {
    let dir = tempfile::tempdir().expect("temp dir");
    let original = phone_photo_with_location(3000, 2000);
    let photo = dir.path().join("porch.jpg");
    std::fs::write(&photo, &original).expect("write");
    let pdf = dir.path().join("invoice.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n%%EOF\n").expect("write");
    edge.put_store(
        "demo-store",
        StoreChanges {
            allowed_origins: Some(Vec::new()),
            max_files: Some(2),
            original_photos_allowed: Some(false),
            ..StoreChanges::default()
        },
    );

    let browser = Browser::with_widget_open(&edge.url("/")).await;
    browser.type_into(widget_ids::FILES, path(&photo)).await;
    let sent = row_where(&browser, 0, |state, _| state == "done").await;
    assert!(
        !sent.1.contains(" MB"),
        "the row shows the downscaled size: {sent:?}"
    );
    assert!(
        browser
            .widget(widget_ids::UPLOADS)
            .await
            .find(Locator::Css(&format!("#{}", widget_ids::ORIGINALS)))
            .await
            .is_err(),
        "no originals are offered by a store that does not allow them"
    );
    // Two files allowed by this store: the third is refused here, never uploaded.
    browser.type_into(widget_ids::FILES, path(&pdf)).await;
    browser.type_into(widget_ids::FILES, path(&pdf)).await;
    let third = row_where(&browser, 2, |state, _| state == "failed").await;
    assert!(third.1.contains("Attach at most 2 files"), "{third:?}");
    let uploads_before = edge.count("SELECT COUNT(*) AS n FROM uploads");
    remove_row(&browser, 2).await;
    let reference = file_complaint(&browser, "W-4").await;
    browser.close().await;
    assert_eq!(
        edge.count("SELECT COUNT(*) AS n FROM uploads"),
        uploads_before,
        "the refused file was never uploaded"
    );

    let (row, kept) = stored_photo(edge, &reference);
    let size = image::load_from_memory(&kept).expect("a JPEG").into_rgb8();
    assert_eq!(size.dimensions(), (2560, 1706));
    assert!(
        !contains(&kept, b"Exif\0\0"),
        "the location metadata stayed on the phone"
    );
    assert_eq!(row["sha256"], sha256_hex(&kept).as_str());

    // This store lets shoppers keep originals: ticked, the photo goes as it is.
    edge.put_store(
        "demo-store",
        StoreChanges {
            original_photos_allowed: Some(true),
            ..StoreChanges::default()
        },
    );
    let browser = Browser::with_widget_open(&edge.url("/")).await;
    browser.click(widget_ids::ORIGINALS).await;
    browser.type_into(widget_ids::FILES, path(&photo)).await;
    row_where(&browser, 0, |state, _| state == "done").await;
    let reference = file_complaint(&browser, "W-5").await;
    browser.close().await;
    let (row, kept) = stored_photo(edge, &reference);
    assert_eq!(kept, original);
    assert_eq!(row["sha256"], sha256_hex(&original).as_str());
}

/// The worker's WebAssembly memory never shrinks: after a 64 MB upload it would have
/// grown by at least that much had the body been read whole. It has not.
async fn an_upload_passes_through_the_worker_without_being_held(app: &TestApp) {
    let before = app.wasm_memory().await;
    let video = files::mp4_of_size(64 * 1024 * 1024);
    app.upload_evidence("video/mp4", video).await;
    let after = app.wasm_memory().await;
    assert!(
        after < before + 16 * 1024 * 1024,
        "wasm memory went from {before} to {after} bytes for a 64 MB upload"
    );
}

async fn file_complaint(browser: &Browser, order_number: &str) -> String {
    Complaint {
        order_number,
        email: "photos@example.com",
        description: "The porch light arrived with a cracked cover; photo attached.",
        resolution: "replacement",
        file: None,
    }
    .file(browser)
    .await
}

/// The first piece of evidence of a case: its row, and the bytes in the bucket.
fn stored_photo(edge: &Edge, reference: &str) -> (Value, Vec<u8>) {
    let rows = edge.query(&format!(
        "SELECT e.sha256, e.kind, e.r2_key FROM evidence e JOIN cases c ON c.id = e.case_id
         WHERE c.reference = '{reference}' ORDER BY e.position"
    ));
    let row = rows.into_iter().next().expect("evidence");
    assert_eq!(row["kind"], "jpeg");
    let kept = edge.object(row["r2_key"].as_str().expect("key"));
    (row, kept)
}

/// A JPEG as a phone writes it: its pixels, and an EXIF block that says where it was
/// taken (a GPS directory with a latitude reference).
fn phone_photo_with_location(width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&pixels)
        .expect("encode");
    // TIFF header; IFD0 with one entry, GPSInfo (0x8825) → offset 26; the GPS IFD with
    // GPSLatitudeRef = "N".
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec();
    exif.extend_from_slice(&[0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]);
    exif.extend_from_slice(&[0, 1, 0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0, 0, 0, 0, 0]);
    let length = u16::try_from(exif.len() + 2).expect("short segment");
    let mut photo = jpeg[..2].to_vec();
    photo.extend_from_slice(&[0xFF, 0xE1]);
    photo.extend_from_slice(&length.to_be_bytes());
    photo.extend_from_slice(&exif);
    photo.extend_from_slice(&jpeg[2..]);
    assert!(image::load_from_memory(&photo).is_ok());
    photo
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Presses Remove on the `index`th attached file's row.
async fn remove_row(browser: &Browser, index: usize) {
    let buttons = browser
        .widget(widget_ids::UPLOADS)
        .await
        .find_all(Locator::Css("li .remove"))
        .await
        .expect("remove buttons");
    buttons[index].click().await.expect("remove");
}

/// Waits until the `index`th attached file's row satisfies `accept(state, progress)`;
/// answers its state and text.
async fn row_where(
    browser: &Browser,
    index: usize,
    accept: impl Fn(&str, &str) -> bool,
) -> (String, String) {
    let found = redress_e2e::eventually(Duration::from_secs(30), || async {
        let rows = browser
            .widget(widget_ids::UPLOADS)
            .await
            .find_all(Locator::Css("li"))
            .await
            .ok()?;
        let row = rows.get(index)?;
        let state = row.attr("data-state").await.ok()??;
        let progress = row
            .find(Locator::Css("progress"))
            .await
            .ok()?
            .attr("value")
            .await
            .ok()??;
        let text = row.text().await.ok()?;
        accept(&state, &progress).then_some((state, text))
    })
    .await;
    found.unwrap_or_else(|| panic!("file {index} never reached the expected state"))
}

fn path(file: &std::path::Path) -> &str {
    file.to_str().expect("utf-8 path")
}
