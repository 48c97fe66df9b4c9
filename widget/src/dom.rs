//! The DOM calls the widget makes over and over, each written once (one closure type
//! for every listener, one for every timer). Values are read and set as properties
//! through `Reflect`: one path for inputs, textareas and selects.

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

/// Runs `then` after `ms` milliseconds. One boxed type, so one glue function for all.
pub fn after(ms: i32, then: impl FnOnce() + 'static) {
    let then: Box<dyn FnOnce()> = Box::new(then);
    let callback = Closure::once_into_js(then);
    if let Some(window) = web_sys::window() {
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms);
    }
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
