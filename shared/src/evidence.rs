//! Evidence files: what types we accept (judged by their bytes), whether a file's
//! container is what it claims (`container`, checked as it streams), their limits, and
//! the token a shopper gets for each upload.

use serde::{Deserialize, Serialize};

use crate::encoding::hex;
use crate::{ApiError, ErrorCode, FieldError, FieldErrorCode};

mod container;
pub use container::{check_container, ContainerCheck, ContainerError, MAX_PIXELS};

/// The file types a shopper may attach. Anything else (SVG and HTML included) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    Jpeg,
    Png,
    Webp,
    Gif,
    Heic,
    Heif,
    Mp4,
    Mov,
    Webm,
    Pdf,
}

/// How long an upload waits for a complaint to claim it. After that a complaint cannot
/// refer to it, and the scheduled cleanup removes it (an hour later, so a claim racing
/// the deadline never finds its file gone).
pub const UPLOAD_TTL_HOURS: u32 = 24;
pub const UPLOAD_CLEANUP_GRACE_HOURS: u32 = 1;

/// Bytes [`sniff`] needs to see before it can decide: enough to find markup hidden
/// behind a valid header (a polyglot).
pub const SNIFF_LEN: usize = 512;

/// Decides the type of a file from its first bytes (at least [`SNIFF_LEN`] of them
/// when the file is that long), never from its name or declared type.
pub fn sniff(head: &[u8]) -> Option<EvidenceKind> {
    let window = &head[..head.len().min(SNIFF_LEN)];
    if contains_markup(window) {
        return None;
    }
    kind_of(window)
}

fn kind_of(head: &[u8]) -> Option<EvidenceKind> {
    use EvidenceKind::*;
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        // Start of image, then a real marker: an application segment, tables, a frame
        // or a comment. Anything else is not a JPEG, whatever its first bytes say.
        return head
            .get(3)
            .is_some_and(|&m| matches!(m, 0xE0..=0xEF | 0xDB | 0xC0..=0xC4 | 0xDD | 0xFE))
            .then_some(Jpeg);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        // The header chunk comes first; a file cut before it is no image.
        return (head.get(12..16) == Some(b"IHDR")).then_some(Png);
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        return Some(Gif);
    }
    if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Some(Webp);
    }
    if head.starts_with(b"%PDF-") {
        return Some(Pdf);
    }
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        // EBML: WebM declares its doctype near the start; plain Matroska is not accepted.
        let window = &head[..head.len().min(64)];
        return window.windows(4).any(|w| w == b"webm").then_some(Webm);
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return match &head[8..12] {
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" => Some(Heic),
            b"mif1" | b"msf1" | b"heif" => Some(Heif),
            b"qt  " => Some(Mov),
            b"isom" | b"iso2" | b"iso4" | b"iso5" | b"iso6" | b"mp41" | b"mp42" | b"avc1"
            | b"M4V " | b"dash" | b"3gp4" | b"3gp5" | b"MSNV" => Some(Mp4),
            _ => None,
        };
    }
    None
}

/// Tags a browser would run or render if it ever sniffed the file as a page. No photo,
/// video or PDF has them in its first bytes (XMP metadata is XML, but never these).
fn contains_markup(head: &[u8]) -> bool {
    const TAGS: [&[u8]; 9] = [
        b"<html",
        b"<script",
        b"<svg",
        b"<!doctype",
        b"<body",
        b"<iframe",
        b"<object",
        b"<embed",
        b"<meta",
    ];
    TAGS.iter()
        .any(|tag| head.windows(tag.len()).any(|w| w.eq_ignore_ascii_case(tag)))
}

impl EvidenceKind {
    pub fn mime(self) -> &'static str {
        use EvidenceKind::*;
        match self {
            Jpeg => "image/jpeg",
            Png => "image/png",
            Webp => "image/webp",
            Gif => "image/gif",
            Heic => "image/heic",
            Heif => "image/heif",
            Mp4 => "video/mp4",
            Mov => "video/quicktime",
            Webm => "video/webm",
            Pdf => "application/pdf",
        }
    }

    pub fn is_video(self) -> bool {
        matches!(
            self,
            EvidenceKind::Mp4 | EvidenceKind::Mov | EvidenceKind::Webm
        )
    }

    /// Whether a declared `Content-Type` is consistent with what the bytes say.
    /// An absent or generic declaration is consistent with anything.
    pub fn agrees_with_declared(self, declared: &str) -> bool {
        let declared = declared
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if declared.is_empty() || declared == "application/octet-stream" {
            return true;
        }
        let aliases: &[&str] = match self {
            EvidenceKind::Jpeg => &["image/jpeg", "image/jpg", "image/pjpeg"],
            EvidenceKind::Heic | EvidenceKind::Heif => &[
                "image/heic",
                "image/heif",
                "image/heic-sequence",
                "image/heif-sequence",
            ],
            EvidenceKind::Mp4 => &["video/mp4", "video/x-m4v"],
            other => return declared == other.mime(),
        };
        aliases.contains(&declared.as_str())
    }
}

/// Size limits for evidence. Defaults suit phone photos and short videos; a store may
/// set its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceLimits {
    pub max_image_or_document_bytes: u64,
    pub max_video_bytes: u64,
    pub max_files_per_complaint: usize,
    pub max_total_bytes: u64,
}

impl Default for EvidenceLimits {
    fn default() -> Self {
        const MB: u64 = 1024 * 1024;
        EvidenceLimits {
            max_image_or_document_bytes: 20 * MB,
            max_video_bytes: 100 * MB,
            max_files_per_complaint: 10,
            max_total_bytes: 200 * MB,
        }
    }
}

impl EvidenceLimits {
    /// The largest body any upload may have, before its type is known.
    pub fn max_upload_bytes(&self) -> u64 {
        self.max_image_or_document_bytes.max(self.max_video_bytes)
    }

    pub fn max_bytes_for(&self, kind: EvidenceKind) -> u64 {
        if kind.is_video() {
            self.max_video_bytes
        } else {
            self.max_image_or_document_bytes
        }
    }

    /// Why a file of `size` bytes whose declared type is `declared_type` may not join
    /// `kept` files of `kept_bytes` in all, if it may not: what the widget checks before
    /// it uploads (the edge checks again, by the bytes).
    pub fn refusal_for(
        &self,
        declared_type: &str,
        size: u64,
        kept: usize,
        kept_bytes: u64,
    ) -> Option<FileRefusal> {
        let max_bytes = if declared_type.starts_with("video/") {
            self.max_video_bytes
        } else {
            self.max_image_or_document_bytes
        };
        if kept >= self.max_files_per_complaint {
            Some(FileRefusal::TooMany {
                max_files: self.max_files_per_complaint,
            })
        } else if size > max_bytes {
            Some(FileRefusal::TooLarge { max_bytes })
        } else if kept_bytes + size > self.max_total_bytes {
            Some(FileRefusal::TotalTooLarge {
                max_bytes: self.max_total_bytes,
            })
        } else if size == 0 {
            Some(FileRefusal::Empty)
        } else {
            None
        }
    }
}

/// Why a file may not join a complaint, judged before it is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRefusal {
    TooMany { max_files: usize },
    TooLarge { max_bytes: u64 },
    TotalTooLarge { max_bytes: u64 },
    Empty,
}

impl From<FileRefusal> for ApiError {
    fn from(refusal: FileRefusal) -> ApiError {
        let megabytes = |bytes: u64| bytes / (1024 * 1024);
        match refusal {
            FileRefusal::TooMany { max_files } => ApiError::validation(vec![FieldError::new(
                "file",
                FieldErrorCode::TooManyFiles,
                format!("A case may hold at most {max_files} files."),
            )]),
            FileRefusal::TooLarge { max_bytes } => ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!(
                    "Files of this type may be at most {} MB.",
                    megabytes(max_bytes)
                ),
            ),
            FileRefusal::TotalTooLarge { max_bytes } => ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!(
                    "A case's files may be at most {} MB in all.",
                    megabytes(max_bytes)
                ),
            ),
            FileRefusal::Empty => ApiError::validation(vec![FieldError::new(
                "file",
                FieldErrorCode::Required,
                "The file is empty.",
            )]),
        }
    }
}

/// The opaque handle a shopper gets for an upload and quotes in a complaint:
/// `up_` and 128 random bits in hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UploadToken(String);

impl UploadToken {
    const PREFIX: &'static str = "up_";

    pub fn from_random(bytes: [u8; 16]) -> UploadToken {
        UploadToken(format!("{}{}", Self::PREFIX, hex(&bytes)))
    }

    pub fn parse(input: &str) -> Option<UploadToken> {
        let digits = input.strip_prefix(Self::PREFIX)?;
        let well_formed = digits.len() == 32
            && digits
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        well_formed.then(|| UploadToken(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The answer to an upload: what the shopper quotes, and what we found in the bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadReceipt {
    pub token: UploadToken,
    pub size: u64,
    pub kind: EvidenceKind,
    pub content_type: String,
    pub sha256: String,
}

/// Keeps a shopper's file name as harmless data: no path, no control or bidi
/// characters, at most 200 characters. It is never used to name stored objects.
pub fn sanitize_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn padded(head: &[u8]) -> Vec<u8> {
        let mut v = head.to_vec();
        v.resize(SNIFF_LEN, 0);
        v
    }

    #[test]
    fn recognises_every_allowed_type_by_its_magic_bytes() {
        let cases: &[(&[u8], EvidenceKind)] = &[
            (b"\xFF\xD8\xFF\xE0\0\x10JFIF", EvidenceKind::Jpeg),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", EvidenceKind::Png),
            (b"GIF89a\x01\0\x01\0", EvidenceKind::Gif),
            (b"RIFF\x24\0\0\0WEBPVP8 ", EvidenceKind::Webp),
            (b"\0\0\0\x18ftypheic\0\0\0\0", EvidenceKind::Heic),
            (b"\0\0\0\x18ftypmif1\0\0\0\0", EvidenceKind::Heif),
            (b"\0\0\0\x20ftypisom\0\0\x02\0", EvidenceKind::Mp4),
            (b"\0\0\0\x14ftypqt  \0\0\0\0", EvidenceKind::Mov),
            (
                b"\x1A\x45\xDF\xA3\x9f\x42\x86\x81\x01\x42\x82\x84webm",
                EvidenceKind::Webm,
            ),
            (b"%PDF-1.7\n", EvidenceKind::Pdf),
        ];
        for (head, kind) in cases {
            assert_eq!(sniff(&padded(head)), Some(*kind), "{kind:?}");
        }
    }

    #[test]
    fn refuses_markup_scripts_and_unknown_bytes() {
        for head in [
            &b"<svg xmlns='http://www.w3.org/2000/svg'>"[..],
            b"<!DOCTYPE html><html>",
            b"<script>alert(1)</script>",
            b"PK\x03\x04 zip archive",
            b"MZ\x90\0 executable",
            b"\x1A\x45\xDF\xA3\x9f\x42\x86\x81matroska",
            b"",
        ] {
            assert_eq!(sniff(&padded(head)), None, "{head:?}");
        }
    }

    #[test]
    fn a_valid_header_does_not_excuse_markup_behind_it() {
        let polyglot = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0<html><script>alert(1)</script></html>";
        assert_eq!(sniff(&padded(polyglot)), None);
        let svg_in_png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0<SVG onload=alert(1)>";
        assert_eq!(sniff(&padded(svg_in_png)), None);
        let pdf_page = b"%PDF-1.7\n<!DOCTYPE html>";
        assert_eq!(sniff(&padded(pdf_page)), None);
    }

    #[test]
    fn headers_must_be_real_not_just_their_first_bytes() {
        // JPEG's start-of-image followed by HTML's bytes, and a PNG cut before IHDR.
        assert_eq!(sniff(&padded(b"\xFF\xD8\xFF<p>hi</p>")), None);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn declared_type_must_agree_with_the_bytes() {
        assert!(EvidenceKind::Png.agrees_with_declared("image/png"));
        assert!(EvidenceKind::Png.agrees_with_declared(""));
        assert!(EvidenceKind::Png.agrees_with_declared("application/octet-stream"));
        assert!(EvidenceKind::Jpeg.agrees_with_declared("image/jpg; charset=binary"));
        assert!(!EvidenceKind::Png.agrees_with_declared("image/jpeg"));
        assert!(!EvidenceKind::Pdf.agrees_with_declared("text/html"));
    }

    #[test]
    fn videos_get_the_larger_limit() {
        let limits = EvidenceLimits::default();
        assert!(limits.max_bytes_for(EvidenceKind::Mp4) > limits.max_bytes_for(EvidenceKind::Png));
        assert_eq!(limits.max_upload_bytes(), limits.max_video_bytes);
    }

    #[test]
    fn a_file_is_refused_before_upload_by_count_size_total_and_emptiness() {
        const MB: u64 = 1024 * 1024;
        let limits = EvidenceLimits {
            max_image_or_document_bytes: 10 * MB,
            max_video_bytes: 50 * MB,
            max_files_per_complaint: 3,
            max_total_bytes: 60 * MB,
        };
        assert_eq!(limits.refusal_for("image/png", MB, 0, 0), None);
        assert_eq!(
            limits.refusal_for("image/png", MB, 3, 3 * MB),
            Some(FileRefusal::TooMany { max_files: 3 })
        );
        assert_eq!(
            limits.refusal_for("image/jpeg", 11 * MB, 0, 0),
            Some(FileRefusal::TooLarge { max_bytes: 10 * MB })
        );
        assert_eq!(limits.refusal_for("video/mp4", 11 * MB, 0, 0), None);
        assert_eq!(
            limits.refusal_for("video/mp4", 20 * MB, 2, 45 * MB),
            Some(FileRefusal::TotalTooLarge { max_bytes: 60 * MB })
        );
        assert_eq!(
            limits.refusal_for("application/pdf", 0, 0, 0),
            Some(FileRefusal::Empty)
        );
    }

    #[test]
    fn upload_tokens_round_trip_and_reject_anything_else() {
        let token = UploadToken::from_random([7; 16]);
        assert_eq!(UploadToken::parse(token.as_str()), Some(token));
        assert_eq!(UploadToken::parse("up_xyz"), None);
        assert_eq!(UploadToken::parse("../../etc/passwd"), None);
        assert_eq!(UploadToken::parse(&format!("up_{}", "A".repeat(32))), None);
    }

    #[test]
    fn file_names_are_kept_as_harmless_text() {
        assert_eq!(sanitize_file_name("C:\\Users\\me\\photo.jpg"), "photo.jpg");
        assert_eq!(sanitize_file_name("../../.htaccess"), "htaccess");
        assert_eq!(
            sanitize_file_name("invoice\u{202E}fdp.exe"),
            "invoicefdp.exe"
        );
        assert_eq!(sanitize_file_name("\n\t"), "file");
        assert_eq!(sanitize_file_name(&"a".repeat(500)).chars().count(), 200);
    }

    #[test]
    fn a_refused_file_answers_with_a_stable_code() {
        const MB: u64 = 1024 * 1024;
        let code = |refusal| ApiError::from(refusal);
        let too_many = code(FileRefusal::TooMany { max_files: 10 });
        assert_eq!(too_many.code, ErrorCode::ValidationFailed);
        assert_eq!(too_many.fields[0].code, FieldErrorCode::TooManyFiles);
        let too_large = code(FileRefusal::TooLarge { max_bytes: 10 * MB });
        assert_eq!(too_large.code, ErrorCode::PayloadTooLarge);
        assert!(too_large.message.contains("10 MB"), "{}", too_large.message);
        let total = code(FileRefusal::TotalTooLarge { max_bytes: 60 * MB });
        assert_eq!(total.code, ErrorCode::PayloadTooLarge);
        assert_eq!(
            code(FileRefusal::Empty).fields[0].code,
            FieldErrorCode::Required
        );
    }
}
