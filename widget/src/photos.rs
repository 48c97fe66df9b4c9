//! Photos are made ready in the browser before they upload (`redress_shared::photo`):
//! decoded, drawn at most 2560 px on their longest side and re-encoded, which leaves
//! the phone's metadata (location included) behind. Anything the browser cannot decode
//! or encode travels as it is.

use redress_shared::photo;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, ImageBitmap, OffscreenCanvas, OffscreenCanvasRenderingContext2d};

/// What to upload for `file`: a re-encoded copy with its type, or the file itself.
pub async fn prepare(file: &File) -> (Blob, String) {
    let declared = file.type_();
    if photo::may_reencode(&declared) {
        if let Ok(Some(ready)) = reencode(file, &declared).await {
            return ready;
        }
    }
    (file.clone().into(), declared)
}

async fn reencode(file: &File, declared: &str) -> Result<Option<(Blob, String)>, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    // Decoding applies the EXIF orientation, so the copy stands the right way up.
    let bitmap: ImageBitmap = JsFuture::from(window.create_image_bitmap_with_blob(file)?)
        .await?
        .dyn_into()?;
    let Some(plan) = photo::plan(declared, bitmap.width(), bitmap.height()) else {
        bitmap.close();
        return Ok(None);
    };
    let canvas = OffscreenCanvas::new(plan.width, plan.height)?;
    let context: OffscreenCanvasRenderingContext2d =
        canvas.get_context("2d")?.ok_or(JsValue::NULL)?.dyn_into()?;
    // A plain property write: the enum's binding would cost more than it says.
    js_sys::Reflect::set(&context, &"imageSmoothingQuality".into(), &"high".into())?;
    context.draw_image_with_image_bitmap_and_dw_and_dh(
        &bitmap,
        0.0,
        0.0,
        plan.width.into(),
        plan.height.into(),
    )?;
    bitmap.close();
    // `ImageEncodeOptions` as a plain object: its generated setters cost more glue.
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"type".into(), &plan.mime.into())?;
    js_sys::Reflect::set(&options, &"quality".into(), &photo::JPEG_QUALITY.into())?;
    // Every canvas encodes JPEG and PNG, the only types a plan asks for.
    let blob: Blob = JsFuture::from(canvas.convert_to_blob_with_options(options.unchecked_ref())?)
        .await?
        .dyn_into()?;
    Ok(Some((blob, plan.mime.to_owned())))
}
