//! The shopper's unsent words, kept in local storage per store and product once they
//! have typed, so closing the widget or the page loses nothing; cleared once the case
//! is filed. Files are not kept (they upload at once, and expire unclaimed). The
//! product is the page's (`data-product`): the draft belongs to the page it was
//! written on, whichever product an opening then named.

use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::JsValue;

use crate::config::WidgetConfig;

/// The fields a draft keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftFields {
    pub order_number: String,
    pub email: String,
    pub description: String,
}

pub struct Draft {
    key: String,
}

const FIELDS: [&str; 3] = ["order_number", "email", "description"];

impl Draft {
    pub fn new(config: &WidgetConfig) -> Draft {
        Draft {
            key: format!(
                "redress-draft:{}:{}",
                config.store_id,
                config.product_id.as_deref().unwrap_or_default()
            ),
        }
    }

    pub fn load(&self) -> Option<DraftFields> {
        let text = storage()?.get_item(&self.key).ok()??;
        let saved = JSON::parse(&text).ok()?;
        let get = |key: &str| {
            Reflect::get(&saved, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        Some(DraftFields {
            order_number: get(FIELDS[0]),
            email: get(FIELDS[1]),
            description: get(FIELDS[2]),
        })
    }

    pub fn save(&self, fields: &DraftFields) {
        let object = Object::new();
        for (key, value) in
            FIELDS
                .iter()
                .zip([&fields.order_number, &fields.email, &fields.description])
        {
            let _ = Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
        }
        if let (Some(storage), Ok(text)) = (storage(), JSON::stringify(&object)) {
            // A full or blocked storage only costs the draft.
            let _ = storage.set_item(&self.key, &String::from(text));
        }
    }

    pub fn clear(&self) {
        if let Some(storage) = storage() {
            let _ = storage.remove_item(&self.key);
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}
