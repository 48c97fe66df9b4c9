//! The DOM calls the widget makes over and over, each written once (one closure type
//! for every listener, one promise for every timer). Values are read and set as
//! properties through `Reflect`: one path for inputs, textareas and selects.

use js_sys::Reflect;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Calls `handler` on every `event` at `target`, for the life of the page.
pub fn listen(
    target: &web_sys::EventTarget,
    event: &str,
    handler: impl FnMut(web_sys::Event) + 'static,
) {
    let handler = Closure::<dyn FnMut(web_sys::Event)>::new(handler);
    let _ = target.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
    handler.forget();
}

/// Resolves after `ms` milliseconds (a `setTimeout` awaited).
pub async fn sleep(ms: i32) {
    let timer = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(timer).await;
}

/// The element with `id` under `root`.
pub fn by_id(root: &web_sys::Element, id: &str) -> Option<web_sys::Element> {
    root.query_selector(&format!("#{id}")).ok()?
}

pub fn target(event: &web_sys::Event) -> Option<web_sys::Element> {
    event.target().map(JsCast::unchecked_into)
}

/// An input's, a textarea's or a select's value (one property for all three).
pub fn value(control: &web_sys::Element) -> String {
    Reflect::get(control, &"value".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

pub fn set_value(control: &web_sys::Element, value: &str) {
    let _ = Reflect::set(control, &"value".into(), &value.into());
}

/// Sets or removes a boolean attribute (`hidden`, `disabled`).
pub fn set_flag(element: &web_sys::Element, name: &str, on: bool) {
    let _ = if on {
        element.set_attribute(name, "")
    } else {
        element.remove_attribute(name)
    };
}
