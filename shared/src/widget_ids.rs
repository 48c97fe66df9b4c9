//! Element ids inside the widget's shadow root, shared by the widget and its browser
//! tests so that tests never hard-code selectors. The loader (`site/embed.js`) uses
//! `HOST` and `LAUNCHER` too.

/// The element the loader adds to the host page; its shadow root holds everything else.
pub const HOST: &str = "redress-host";
pub const LAUNCHER: &str = "redress-launcher";
pub const PANEL: &str = "redress-panel";
pub const FORM: &str = "redress-form";
pub const ORDER_NUMBER: &str = "redress-order-number";
pub const EMAIL: &str = "redress-email";
pub const DESCRIPTION: &str = "redress-description";
pub const RESOLUTION: &str = "redress-resolution";
/// The kind of problem: suggested from the description as the shopper types.
pub const CATEGORY: &str = "redress-category";
pub const FILES: &str = "redress-files";
/// A second file input that asks phones for the camera.
pub const CAMERA: &str = "redress-camera";
/// "Send photos at full size": shown only where the store allows originals.
pub const ORIGINALS: &str = "redress-originals";
/// The list of attached files, each with its progress, retry and remove.
pub const UPLOADS: &str = "redress-uploads";
pub const SUBMIT: &str = "redress-submit";
/// The honeypot: off screen, out of the tab order and hidden from assistive
/// technology, so only a script fills it in (`spam_guard`).
pub const HONEYPOT: &str = "redress-website";
/// Where Cloudflare Turnstile draws its challenge, for a store that asks for it.
pub const TURNSTILE: &str = "redress-turnstile";
pub const CLOSE: &str = "redress-close";
pub const FORM_ERROR: &str = "redress-form-error";
/// The element the widget renders into, carrying its `lang` and `dir`.
pub const ROOT: &str = "redress-root";
/// Where the receipt replaces the form.
pub const OUTCOME: &str = "redress-outcome";
pub const RECEIPT: &str = "redress-receipt";
pub const REFERENCE: &str = "redress-reference";
/// The promised answer time, in the shopper's language and time zone.
pub const RESPOND_BY: &str = "redress-respond-by";
/// The receipt's link to the shopper's case page.
pub const STATUS_LINK: &str = "redress-status-link";

/// Events on the host element between the loader and the widget. The loader sends
/// `OPEN` at every opening, its detail `[options, formToken]`: the page's
/// `Redress("open", {orderId, email, productId})` options (or undefined) and the promise
/// of a form token (`spam_guard::FormToken`), asked for at intent. The widget sends
/// `SUBMITTED`, its detail `{reference}`, which the loader passes on to the page.
pub const OPEN: &str = "redress:open";
pub const SUBMITTED: &str = "redress:submitted";

/// The id of the message shown under a field, by the field's wire name
/// (`email`, `order_number`, `evidence`...).
pub fn field_error(field: &str) -> String {
    format!("redress-error-{}", field.replace('_', "-"))
}
