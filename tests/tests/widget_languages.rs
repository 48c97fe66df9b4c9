//! The widget in the shopper's language, against the real worker and Chromium: the
//! loader's launcher, every label and message from the catalog the edge picked, dates
//! in the shopper's locale, and Arabic laid out right to left.

use std::time::Duration;

use redress_e2e::{Browser, Complaint, Edge, TestApp};
use redress_shared::widget_ids as ids;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_speaks_the_shoppers_language() {
    let app = TestApp::start(&[]).await;
    app.edge.create_store("demo-store", "Demo Store");

    the_edge_picks_the_first_language_it_speaks(&app).await;
    an_arabic_shopper_files_a_complaint_right_to_left(&app.edge).await;
    a_french_shopper_reads_refusals_in_french(&app.edge).await;
}

async fn the_edge_picks_the_first_language_it_speaks(app: &TestApp) {
    let settings = |locale| app.widget_settings("demo-store", locale);
    let portuguese = settings("pt-PT,en;q=0.5").await;
    assert_eq!(portuguese["locale"], "pt-BR");
    assert_eq!(portuguese["dir"], "ltr");
    assert_eq!(portuguese["text"]["send"], "Enviar");
    assert_eq!(portuguese["evidence"]["max_files_per_complaint"], 10);
    let unknown = settings("sw,xx").await;
    assert_eq!(
        unknown["locale"], "en",
        "the store's default (en) when none is spoken"
    );
    assert_eq!(settings("ar").await["dir"], "rtl");
}

async fn an_arabic_shopper_files_a_complaint_right_to_left(edge: &Edge) {
    let browser = embed_with_locale(edge, "ar").await;
    let launcher = browser.widget(ids::LAUNCHER).await;
    assert_eq!(launcher.text().await.expect("label"), "الإبلاغ عن مشكلة");
    launcher.click().await.expect("open");
    let root = browser.widget(ids::ROOT).await;
    assert_eq!(root.attr("dir").await.expect("dir").as_deref(), Some("rtl"));
    assert_eq!(
        root.attr("lang").await.expect("lang").as_deref(),
        Some("ar")
    );
    let title = browser
        .widget_text("redress-title", Duration::from_secs(10))
        .await
        .expect("a title");
    assert_eq!(title, "الإبلاغ عن مشكلة في طلبك");

    // Sent empty: every message is Arabic, none of the API's English.
    browser.click(ids::SUBMIT).await;
    let required = browser
        .widget_text(&ids::field_error("email"), Duration::from_secs(10))
        .await
        .expect("an error under the email");
    assert_eq!(required, "هذا الحقل مطلوب.");
    let form_error = browser
        .widget_text(ids::FORM_ERROR, Duration::from_secs(10))
        .await
        .expect("a form error");
    assert_eq!(form_error, "يرجى تصحيح الحقول المميزة.");

    Complaint {
        order_number: "AR-1",
        email: "shopper@example.com",
        description: "وصل الطلب والمصباح مكسور، أريد استبداله من فضلكم.",
        resolution: "replacement",
        file: None,
    }
    .file(&browser)
    .await;
    let respond_by = browser
        .widget_text(ids::RESPOND_BY, Duration::from_secs(30))
        .await
        .expect("a deadline");
    assert!(
        respond_by
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "the deadline is written in Arabic: {respond_by}"
    );
    let receipt = browser
        .widget(ids::RECEIPT)
        .await
        .text()
        .await
        .expect("receipt");
    assert!(receipt.contains("شكرًا لك"), "{receipt}");
    browser.close().await;
}

async fn a_french_shopper_reads_refusals_in_french(edge: &Edge) {
    let dir = tempfile::tempdir().expect("temp dir");
    let disguised = dir.path().join("facture.pdf");
    std::fs::write(&disguised, b"<html><script>alert(1)</script></html>").expect("write");
    let browser = embed_with_locale(edge, "fr-CA").await;
    browser.click(ids::LAUNCHER).await;
    assert_eq!(
        browser
            .widget_text("redress-title", Duration::from_secs(10))
            .await
            .as_deref(),
        Some("Signaler un problème avec votre commande")
    );
    browser
        .type_into(ids::FILES, disguised.to_str().expect("path"))
        .await;
    let refused = browser
        .widget_text(&ids::field_error("evidence"), Duration::from_secs(30))
        .await
        .expect("the refusal under the files");
    assert!(refused.contains("Joignez une photo"), "{refused}");
    browser.close().await;
}

/// The demo storefront in the shopper's language.
async fn embed_with_locale(edge: &Edge, locale: &str) -> Browser {
    let browser = Browser::start().await;
    browser
        .storefront_in(&edge.url("/"), "demo-store", locale)
        .await;
    browser
}
