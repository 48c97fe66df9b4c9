//! What the loader tells the widget: which store, where the edge is, and what the
//! storefront already knows about the shopper's order.

use js_sys::Reflect;
use redress_shared::EvidenceLimits;
use wasm_bindgen::JsValue;

#[derive(Debug, Clone)]
pub struct WidgetConfig {
    pub store_id: String,
    /// Origin of the edge, without a trailing slash.
    pub api_base: String,
    /// Where the loader and the widget's files are served from, without a trailing slash.
    pub assets_base: String,
    pub product_id: Option<String>,
    pub product_url: Option<String>,
    pub locale: String,
    pub order_number: Option<String>,
    pub email: Option<String>,
    /// The storefront's CSP nonce, for the `<style>` the widget adds.
    pub nonce: Option<String>,
    /// The store's evidence limits (the defaults if the loader could not fetch them).
    pub limits: EvidenceLimits,
    /// Whether the store lets shoppers send photos at full size.
    pub original_photos_allowed: bool,
    /// The language the widget speaks (the edge picked its catalog), for dates too.
    pub text_locale: String,
    pub right_to_left: bool,
}

impl WidgetConfig {
    pub fn from_js(value: &JsValue) -> Result<WidgetConfig, JsValue> {
        let get = |key: &str| {
            Reflect::get(value, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_string())
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        let store_id = get("store").ok_or_else(|| JsValue::from_str("data-store is required"))?;
        let api_base = get("api").ok_or_else(|| JsValue::from_str("api is required"))?;
        let locale = get("locale")
            .or_else(|| web_sys::window().and_then(|w| w.navigator().language()))
            .unwrap_or_else(|| "en".to_owned());
        // The widget's own folder (content-addressed: its files never change), where the
        // loader found it.
        let assets_base = get("assets").ok_or_else(|| JsValue::from_str("assets is required"))?;
        // `shared::store::WidgetSettings`, as the loader fetched it.
        let settings = Reflect::get(value, &JsValue::from_str("settings")).unwrap_or_default();
        let evidence = Reflect::get(&settings, &JsValue::from_str("evidence")).unwrap_or_default();
        let number = |key: &str, default: u64| {
            Reflect::get(&evidence, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_f64())
                .map_or(default, |n| n as u64)
        };
        let d = EvidenceLimits::default();
        let limits = EvidenceLimits {
            max_image_or_document_bytes: number(
                "max_image_or_document_bytes",
                d.max_image_or_document_bytes,
            ),
            max_video_bytes: number("max_video_bytes", d.max_video_bytes),
            max_files_per_complaint: number(
                "max_files_per_complaint",
                d.max_files_per_complaint as u64,
            ) as usize,
            max_total_bytes: number("max_total_bytes", d.max_total_bytes),
        };
        let setting = |key: &str| Reflect::get(&settings, &JsValue::from_str(key)).ok();
        let original_photos_allowed = setting("original_photos_allowed")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        crate::text::set_catalog(setting("text").unwrap_or_default());
        let text_locale = setting("locale")
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| "en".to_owned());
        let right_to_left = setting("dir").and_then(|v| v.as_string()).as_deref() == Some("rtl");
        Ok(WidgetConfig {
            store_id,
            api_base: api_base.trim_end_matches('/').to_owned(),
            assets_base: assets_base.trim_end_matches('/').to_owned(),
            product_id: get("product"),
            product_url: get("productUrl"),
            locale,
            order_number: get("orderNumber"),
            email: get("email"),
            nonce: get("nonce"),
            limits,
            original_photos_allowed,
            text_locale,
            right_to_left,
        })
    }
}
