//! What the widget does to a photo before it uploads it: large photos are downscaled,
//! and JPEG and WebP photos are re-encoded as JPEG whatever their size, which drops
//! the metadata a phone writes into them (where it was taken, the device). The store
//! may let the shopper send originals instead (`StoreConfig::original_photos_allowed`).
//!
//! The edge does not enforce this: a browser that cannot decode a photo (HEIC outside
//! Safari) sends it as it is, and the edge judges every file by its bytes alike.

/// The longest side, in pixels, of a photo the widget uploads.
pub const PHOTO_MAX_SIDE: u32 = 2560;

/// The JPEG quality the widget encodes at (0 to 1).
pub const JPEG_QUALITY: f64 = 0.85;

/// How to re-encode one photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoPlan {
    pub width: u32,
    pub height: u32,
    /// The type to encode as.
    pub mime: &'static str,
}

/// Whether a file of this declared type is worth decoding to plan its re-encoding.
pub fn may_reencode(declared: &str) -> bool {
    is_lossy_photo(declared) || declared == "image/png"
}

/// The re-encoding of a `width` × `height` photo of the declared type, or `None` to
/// send it as it is. PNGs (often screenshots, where text must stay sharp) are left
/// alone unless they are too large, and then stay PNG.
pub fn plan(declared: &str, width: u32, height: u32) -> Option<PhotoPlan> {
    let longest = width.max(height);
    let too_large = longest > PHOTO_MAX_SIDE;
    let mime = if is_lossy_photo(declared) {
        "image/jpeg"
    } else if declared == "image/png" && too_large {
        "image/png"
    } else {
        return None;
    };
    if width == 0 || height == 0 {
        return None;
    }
    let fit = |side: u32| {
        if too_large {
            (u64::from(side) * u64::from(PHOTO_MAX_SIDE) / u64::from(longest)).max(1) as u32
        } else {
            side
        }
    };
    Some(PhotoPlan {
        width: fit(width),
        height: fit(height),
        mime,
    })
}

/// The name to keep for a photo whose bytes are `mime`: a WebP the widget re-encoded
/// as JPEG is named `.jpg`.
pub fn renamed(name: &str, mime: &str) -> String {
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    let fits = match mime {
        "image/jpeg" => ["jpg", "jpeg", "jpe"].contains(&extension.to_ascii_lowercase().as_str()),
        _ => true,
    };
    if fits || stem.is_empty() {
        name.to_owned()
    } else {
        format!("{stem}.jpg")
    }
}

fn is_lossy_photo(declared: &str) -> bool {
    matches!(
        declared,
        "image/jpeg" | "image/jpg" | "image/pjpeg" | "image/webp"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_photos_shrink_to_the_longest_side_keeping_their_shape() {
        assert_eq!(
            plan("image/jpeg", 4032, 3024),
            Some(PhotoPlan {
                width: 2560,
                height: 1920,
                mime: "image/jpeg"
            })
        );
        let portrait = plan("image/webp", 3000, 6000).expect("a plan");
        assert_eq!((portrait.width, portrait.height), (1280, 2560));
        assert_eq!(portrait.mime, "image/jpeg");
    }

    #[test]
    fn small_jpegs_are_still_reencoded_so_their_location_is_dropped() {
        assert_eq!(
            plan("image/jpeg", 800, 600),
            Some(PhotoPlan {
                width: 800,
                height: 600,
                mime: "image/jpeg"
            })
        );
    }

    #[test]
    fn screenshots_stay_png_and_are_left_alone_unless_too_large() {
        assert_eq!(plan("image/png", 1170, 2532), None);
        assert_eq!(
            plan("image/png", 5120, 2880),
            Some(PhotoPlan {
                width: 2560,
                height: 1440,
                mime: "image/png"
            })
        );
    }

    #[test]
    fn other_kinds_travel_as_they_are() {
        for declared in [
            "image/gif",
            "image/heic",
            "video/mp4",
            "application/pdf",
            "",
        ] {
            assert!(!may_reencode(declared) || declared == "image/png");
            assert_eq!(plan(declared, 4000, 3000), None, "{declared}");
        }
        assert!(may_reencode("image/png") && may_reencode("image/webp"));
    }

    #[test]
    fn a_sliver_keeps_at_least_one_pixel() {
        assert_eq!(plan("image/jpeg", 100_000, 1).map(|p| p.height), Some(1));
        assert_eq!(plan("image/jpeg", 0, 10), None);
    }

    #[test]
    fn a_webp_sent_as_jpeg_is_named_jpg() {
        assert_eq!(renamed("cracked.webp", "image/jpeg"), "cracked.jpg");
        assert_eq!(renamed("IMG_0001.JPG", "image/jpeg"), "IMG_0001.JPG");
        assert_eq!(renamed("shot.png", "image/png"), "shot.png");
        assert_eq!(renamed("noextension", "image/jpeg"), "noextension.jpg");
        assert_eq!(renamed(".jpg", "image/jpeg"), ".jpg");
    }
}
