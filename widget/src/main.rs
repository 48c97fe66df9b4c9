//! The Redress complaint widget. The loader (`site/embed.js`) creates a shadow root on
//! the storefront page, imports this module when the shopper shows intent, and
//! calls [`mount`]; nothing here touches the host page outside that shadow root.

mod api;
mod config;
mod dom;
mod draft;
mod form;
mod photos;
mod receipt;
mod text;
mod uploads;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Trunk builds a binary; the loader calls [`mount`] instead.
fn main() {}

/// Draws the complaint form, closed, into `root`. `config` is a plain object from the
/// loader: `{store, api, assets, settings?, product?, productUrl?, locale?,
/// orderNumber?, email?, nonce?}`. The loader then opens it (`widget_ids::OPEN`).
#[wasm_bindgen]
pub fn mount(root: web_sys::ShadowRoot, config: JsValue) -> Result<(), JsValue> {
    let config = config::WidgetConfig::from_js(&config)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let style = document.create_element("style")?;
    // Under a strict CSP, the nonce the storefront passed on the tag lets our CSS in.
    if let Some(nonce) = &config.nonce {
        style.set_attribute("nonce", nonce)?;
    }
    // The CSS lives inside the shadow root: none of it reaches the host page, and the
    // host's inherited styles stop at `:host`. (No comments in the file: it ships in
    // the wasm.) The closed panel is laid out but unseen (`visibility: hidden`: not
    // focusable, not hit by clicks, not in the accessibility tree), not `display:
    // none`: drawn ahead of the click (intent, an idle page), its style and layout are
    // done by then and the click only shows it.
    style.set_text_content(Some(include_str!("../widget.css")));
    root.append_child(&style)?;
    let container: web_sys::HtmlElement = document.create_element("div")?.dyn_into()?;
    // The shopper's language, and its direction (Arabic reads right to left).
    container.set_id(redress_shared::widget_ids::ROOT);
    container.set_attribute("lang", &config.text_locale)?;
    container.set_attribute("dir", if config.right_to_left { "rtl" } else { "ltr" })?;
    root.append_child(&container)?;
    let originals_allowed = config.original_photos_allowed;
    form::show(&container, config, root.host())?;
    if originals_allowed {
        if let Some(list) = root.get_element_by_id(redress_shared::widget_ids::UPLOADS) {
            uploads::offer_originals(&list);
        }
    }
    Ok(())
}
