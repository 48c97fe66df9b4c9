//! Whether an evidence file is what its first bytes claim, judged while it streams.
//!
//! [`sniff`](super::sniff) decides a file's kind from its first bytes; a GIF header
//! followed by script, or a PNG cut off inside its header chunk, passes that. This walks
//! the container's structure from the first byte to its end marker (PNG chunks and
//! their CRCs to `IEND`, JPEG segments and entropy-coded data to `EOI`, GIF blocks to
//! the trailer, RIFF chunks of WebP, the top-level boxes of ISO-BMFF, WebM's EBML
//! header and segment, a PDF's header and `%%EOF`) and refuses images that declare
//! more than [`MAX_PIXELS`], so an agent's browser never decodes them.
//!
//! The edge feeds the body chunk by chunk as it streams to storage: memory stays
//! bounded (a 32-byte window for headers, PDF's 2 KB tail, a few counters), whatever
//! the file's size and however it is chunked.

use std::fmt;

use super::EvidenceKind;
use crate::api_error::{ApiError, ErrorCode};

/// The most pixels an image (or a GIF's canvas, or a HEIF item) may declare: 100
/// megapixels, over any phone camera's photos, far under what would exhaust a browser.
pub const MAX_PIXELS: u64 = 100_000_000;

/// Why a file is not what it claims to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerError {
    /// Its structure breaks its format's rules (a wrong checksum, a box past the end,
    /// bytes after the end marker, …).
    Malformed { reason: &'static str },
    /// It ends before its structure does: no end marker, or cut off inside a header.
    Truncated,
    /// It declares more than [`MAX_PIXELS`].
    TooManyPixels { width: u32, height: u32 },
    /// More or fewer bytes arrived than the upload declared.
    LengthMismatch { declared: u64, received: u64 },
}

impl ContainerError {
    /// The stable code the API answers with.
    pub fn code(&self) -> ErrorCode {
        match self {
            ContainerError::Malformed { .. } | ContainerError::Truncated => {
                ErrorCode::FileMalformed
            }
            ContainerError::TooManyPixels { .. } => ErrorCode::ImageTooLarge,
            ContainerError::LengthMismatch { .. } => ErrorCode::IncompleteUpload,
        }
    }

    /// A short English explanation (the widget shows its own words, by code).
    pub fn message(&self) -> String {
        match self {
            ContainerError::Malformed { reason } => {
                format!("The file is damaged or is not what its type says: {reason}.")
            }
            ContainerError::Truncated => {
                "The file ends before its own structure does: it is cut off or damaged.".to_owned()
            }
            ContainerError::TooManyPixels { width, height } => format!(
                "The image declares {width} × {height} pixels; at most {} megapixels are accepted.",
                MAX_PIXELS / 1_000_000
            ),
            ContainerError::LengthMismatch { declared, received } => format!(
                "The upload declared {declared} bytes but {received} arrived; nothing was kept."
            ),
        }
    }
}

impl From<ContainerError> for ApiError {
    fn from(error: ContainerError) -> ApiError {
        ApiError::new(error.code(), error.message())
    }
}

impl fmt::Display for ContainerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ContainerError {}

type Verdict<T> = Result<T, ContainerError>;

fn malformed(reason: &'static str) -> ContainerError {
    ContainerError::Malformed { reason }
}

/// Checks one file's container as its bytes arrive, in order.
///
/// ```
/// use redress_shared::evidence::{ContainerCheck, EvidenceKind};
/// let gif = b"GIF89a\x01\0\x01\0\0\0\0\x2c\0\0\0\0\x01\0\x01\0\0\x02\x02\x44\x01\0\x3b";
/// let mut check = ContainerCheck::new(EvidenceKind::Gif, gif.len() as u64);
/// for byte in gif.chunks(5) {
///     check.feed(byte);
/// }
/// assert_eq!(check.finish(), Ok(()));
/// ```
#[derive(Debug, Clone)]
pub struct ContainerCheck {
    length: u64,
    /// Bytes fed so far (also the offset of the next one).
    at: u64,
    want: Want,
    window: [u8; WINDOW],
    have: usize,
    walker: Walker,
    error: Option<ContainerError>,
}

/// The largest header a walker asks to see whole.
const WINDOW: usize = 32;

impl ContainerCheck {
    /// `kind` is what `sniff` decided from the first bytes; `length` the declared total
    /// length of the body.
    pub fn new(kind: EvidenceKind, length: u64) -> ContainerCheck {
        let (walker, want) = Walker::start(kind);
        ContainerCheck {
            length,
            at: 0,
            want,
            window: [0; WINDOW],
            have: 0,
            walker,
            error: None,
        }
    }

    /// The next bytes of the file, in order; chunks may be of any size. After the first
    /// refusal the rest is ignored (see [`ContainerCheck::refusal`]).
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.error.is_some() {
            return;
        }
        let received = self.at.saturating_add(chunk.len() as u64);
        if received > self.length {
            self.error = Some(ContainerError::LengthMismatch {
                declared: self.length,
                received,
            });
            return;
        }
        if let Err(e) = self.walk(chunk) {
            self.error = Some(e);
        }
    }

    /// The refusal already certain before the last byte, if any.
    pub fn refusal(&self) -> Option<&ContainerError> {
        self.error.as_ref()
    }

    /// After the last byte: `Ok`, or why the file is not what it claims.
    pub fn finish(self) -> Result<(), ContainerError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if self.at != self.length {
            return Err(ContainerError::LengthMismatch {
                declared: self.length,
                received: self.at,
            });
        }
        match self.want {
            Want::End => Ok(()),
            Want::Scan => self.walker.finish_scan(),
            Want::Bytes(_) | Want::Skip(_) => Err(ContainerError::Truncated),
        }
    }

    fn walk(&mut self, mut chunk: &[u8]) -> Verdict<()> {
        while !chunk.is_empty() {
            match self.want {
                Want::Bytes(n) => {
                    let take = (n - self.have).min(chunk.len());
                    self.window[self.have..self.have + take].copy_from_slice(&chunk[..take]);
                    self.have += take;
                    self.at += take as u64;
                    chunk = &chunk[take..];
                    if self.have == n {
                        self.have = 0;
                        let got = self.window;
                        let want = self.walker.step(&got[..n], self.at, self.length)?;
                        self.settle(want)?;
                    }
                }
                Want::Skip(k) => {
                    let take = k.min(chunk.len() as u64) as usize;
                    self.walker.skipped(&chunk[..take]);
                    self.at += take as u64;
                    chunk = &chunk[take..];
                    if take as u64 == k {
                        let want = self.walker.step(&[], self.at, self.length)?;
                        self.settle(want)?;
                    } else {
                        self.want = Want::Skip(k - take as u64);
                    }
                }
                Want::Scan => {
                    let (used, want) = self.walker.scan(chunk, self.at, self.length)?;
                    self.at += used as u64;
                    chunk = &chunk[used..];
                    if used == 0 && want == Want::Scan {
                        return Err(malformed("the checker made no progress"));
                    }
                    self.settle(want)?;
                }
                Want::End => return Err(malformed("there are bytes after its end marker")),
            }
        }
        Ok(())
    }

    /// Takes a walker's next wish, answering empty ones at once.
    fn settle(&mut self, mut want: Want) -> Verdict<()> {
        while matches!(want, Want::Bytes(0) | Want::Skip(0)) {
            want = self.walker.step(&[], self.at, self.length)?;
        }
        debug_assert!(!matches!(want, Want::Bytes(n) if n > WINDOW));
        self.want = want;
        Ok(())
    }
}

/// Checks a whole file held in memory (tests, tools): the same verdict as feeding it.
pub fn check_container(kind: EvidenceKind, bytes: &[u8]) -> Result<(), ContainerError> {
    let mut check = ContainerCheck::new(kind, bytes.len() as u64);
    check.feed(bytes);
    check.finish()
}

/// What a walker needs next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Exactly this many bytes (at most [`WINDOW`]), handed to `step` together.
    Bytes(usize),
    /// Pass over this many bytes (shown to `skipped`), then call `step` with none.
    Skip(u64),
    /// Hand every byte to `scan`, which says how far it got.
    Scan,
    /// The structure is complete: the file must end here.
    End,
}

#[derive(Debug, Clone)]
enum Walker {
    Png(Png),
    Jpeg(Jpeg),
    Gif(Gif),
    Webp(Webp),
    Bmff(Bmff),
    Webm(Webm),
    Pdf(Pdf),
}

impl Walker {
    fn start(kind: EvidenceKind) -> (Walker, Want) {
        use EvidenceKind::*;
        match kind {
            Png => (Walker::Png(self::Png::default()), Want::Bytes(8)),
            Jpeg => (Walker::Jpeg(self::Jpeg::default()), Want::Bytes(2)),
            Gif => (Walker::Gif(self::Gif::default()), Want::Bytes(13)),
            Webp => (Walker::Webp(self::Webp::default()), Want::Bytes(12)),
            Heic | Heif => (Walker::Bmff(Bmff::new(*b"meta", true)), Want::Bytes(8)),
            Mp4 | Mov => (Walker::Bmff(Bmff::new(*b"moov", false)), Want::Bytes(8)),
            Webm => (Walker::Webm(self::Webm::default()), Want::Bytes(1)),
            Pdf => (Walker::Pdf(self::Pdf::default()), Want::Bytes(8)),
        }
    }

    fn step(&mut self, got: &[u8], at: u64, length: u64) -> Verdict<Want> {
        match self {
            Walker::Png(w) => w.step(got),
            Walker::Jpeg(w) => w.step(got, at, length),
            Walker::Gif(w) => w.step(got),
            Walker::Webp(w) => w.step(got, at, length),
            Walker::Bmff(w) => w.step(got, at, length),
            Walker::Webm(w) => w.step(got, at, length),
            Walker::Pdf(w) => w.step(got),
        }
    }

    fn skipped(&mut self, bytes: &[u8]) {
        if let Walker::Png(w) = self {
            w.crc = crc32_update(w.crc, bytes);
        }
    }

    fn scan(&mut self, bytes: &[u8], at: u64, length: u64) -> Verdict<(usize, Want)> {
        match self {
            Walker::Jpeg(w) => w.scan(bytes, at, length),
            Walker::Webm(_) => Ok((bytes.len(), Want::Scan)),
            Walker::Pdf(w) => {
                w.keep_tail(bytes);
                Ok((bytes.len(), Want::Scan))
            }
            _ => Err(malformed("the checker lost its place")),
        }
    }

    fn finish_scan(&self) -> Verdict<()> {
        match self {
            Walker::Jpeg(w) => w.finish_scan(),
            Walker::Webm(_) => Ok(()),
            Walker::Pdf(w) => w.finish(),
            _ => Err(ContainerError::Truncated),
        }
    }
}

/// Refuses what no browser should decode: zero-sized images or more than [`MAX_PIXELS`].
fn image_size(width: u32, height: u32) -> Verdict<()> {
    if width == 0 || height == 0 {
        return Err(malformed("the image declares no pixels"));
    }
    pixels_within_limit(width, height)
}

fn pixels_within_limit(width: u32, height: u32) -> Verdict<()> {
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ContainerError::TooManyPixels { width, height });
    }
    Ok(())
}

fn be16(b: &[u8]) -> u16 {
    u16::from_be_bytes([b[0], b[1]])
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn be64(b: &[u8]) -> u64 {
    u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

fn le16(b: &[u8]) -> u16 {
    u16::from_le_bytes([b[0], b[1]])
}

fn le24(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], 0])
}

fn le32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

// ---------------------------------------------------------------------------------
// PNG: the signature, then chunks (length, type, data, CRC-32), IHDR first, IEND last.

const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum PngAt {
    #[default]
    Signature,
    ChunkHeader,
    Header,
    Data,
    Crc,
}

#[derive(Debug, Clone, Default)]
struct Png {
    at: PngAt,
    crc: u32,
    chunk: [u8; 4],
    chunks: u32,
    colour_type: u8,
    palette: bool,
    image_data: bool,
}

impl Png {
    fn step(&mut self, got: &[u8]) -> Verdict<Want> {
        match self.at {
            PngAt::Signature => {
                if got != PNG_SIGNATURE {
                    return Err(malformed("it does not start with PNG's signature"));
                }
                self.at = PngAt::ChunkHeader;
                Ok(Want::Bytes(8))
            }
            PngAt::ChunkHeader => {
                let length = be32(got);
                self.chunk = [got[4], got[5], got[6], got[7]];
                if length > 0x7FFF_FFFF {
                    return Err(malformed("a PNG chunk is longer than PNG allows"));
                }
                if !self.chunk.iter().all(u8::is_ascii_alphabetic) {
                    return Err(malformed("a PNG chunk has no valid type"));
                }
                self.crc = crc32_update(CRC_INIT, &self.chunk);
                let first = self.chunks == 0;
                self.chunks += 1;
                match &self.chunk {
                    b"IHDR" if first => {
                        if length != 13 {
                            return Err(malformed("the PNG header chunk is not 13 bytes"));
                        }
                        self.at = PngAt::Header;
                        return Ok(Want::Bytes(13));
                    }
                    _ if first => return Err(malformed("the PNG header chunk is not first")),
                    b"IHDR" => return Err(malformed("a second PNG header chunk")),
                    b"IEND" if length != 0 => {
                        return Err(malformed("the PNG end chunk is not empty"))
                    }
                    b"PLTE" => self.palette = true,
                    b"IDAT" => {
                        if self.colour_type == 3 && !self.palette {
                            return Err(malformed("an indexed-colour PNG has no palette"));
                        }
                        self.image_data = true;
                    }
                    _ => {}
                }
                self.at = PngAt::Data;
                Ok(Want::Skip(u64::from(length)))
            }
            PngAt::Header => {
                self.crc = crc32_update(self.crc, got);
                let (width, height) = (be32(&got[0..4]), be32(&got[4..8]));
                if width > 0x7FFF_FFFF || height > 0x7FFF_FFFF {
                    return Err(malformed("the PNG header declares an impossible size"));
                }
                image_size(width, height)?;
                let (depth, colour_type) = (got[8], got[9]);
                let depth_allowed: &[u8] = match colour_type {
                    0 => &[1, 2, 4, 8, 16],
                    3 => &[1, 2, 4, 8],
                    2 | 4 | 6 => &[8, 16],
                    _ => &[],
                };
                if !depth_allowed.contains(&depth) {
                    return Err(malformed("the PNG header declares no valid colour type"));
                }
                if got[10] != 0 || got[11] != 0 || got[12] > 1 {
                    return Err(malformed("the PNG header declares an unknown method"));
                }
                self.colour_type = colour_type;
                self.at = PngAt::Crc;
                Ok(Want::Bytes(4))
            }
            PngAt::Data => {
                self.at = PngAt::Crc;
                Ok(Want::Bytes(4))
            }
            PngAt::Crc => {
                if be32(got) != self.crc ^ CRC_INIT {
                    return Err(malformed("a PNG chunk's checksum is wrong"));
                }
                if &self.chunk == b"IEND" {
                    if !self.image_data {
                        return Err(malformed("the PNG has no image data"));
                    }
                    return Ok(Want::End);
                }
                self.at = PngAt::ChunkHeader;
                Ok(Want::Bytes(8))
            }
        }
    }
}

const CRC_INIT: u32 = 0xFFFF_FFFF;

/// CRC-32 (ISO-HDLC, PNG's), eight bytes a step: 8 KB of tables built at compile time,
/// kept only in binaries that check containers (the widget does not).
const CRC_TABLES: [[u32; 256]; 8] = crc_tables();

const fn crc_tables() -> [[u32; 256]; 8] {
    let mut tables = [[0u32; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        tables[0][i] = c;
        i += 1;
    }
    let mut i = 0;
    while i < 256 {
        let mut t = 1;
        while t < 8 {
            let previous = tables[t - 1][i];
            tables[t][i] = (previous >> 8) ^ tables[0][(previous & 0xFF) as usize];
            t += 1;
        }
        i += 1;
    }
    tables
}

/// Continues a CRC-32 (start from [`CRC_INIT`], finish by xoring with it).
fn crc32_update(mut crc: u32, bytes: &[u8]) -> u32 {
    let t = &CRC_TABLES;
    let mut eights = bytes.chunks_exact(8);
    for b in &mut eights {
        let lo = crc ^ le32(&b[0..4]);
        let hi = le32(&b[4..8]);
        crc = t[7][(lo & 0xFF) as usize]
            ^ t[6][((lo >> 8) & 0xFF) as usize]
            ^ t[5][((lo >> 16) & 0xFF) as usize]
            ^ t[4][(lo >> 24) as usize]
            ^ t[3][(hi & 0xFF) as usize]
            ^ t[2][((hi >> 8) & 0xFF) as usize]
            ^ t[1][((hi >> 16) & 0xFF) as usize]
            ^ t[0][(hi >> 24) as usize];
    }
    for &b in eights.remainder() {
        crc = t[0][((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
    }
    crc
}

// ---------------------------------------------------------------------------------
// JPEG: SOI, marker segments (one frame header, scans of entropy-coded data), EOI.
// After EOI only what phones write there is accepted: further complete JPEG images (a
// multi-picture file: depth maps, HDR gain maps), an appended ISO-BMFF video (a
// "motion photo"), padding of 0x00/0xFF bytes, or Samsung's trailer (its "SEF" block,
// which also carries its motion photos' video), which ends in `SEFT`.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum JpegAt {
    #[default]
    Soi,
    /// Expecting 0xFF, the start of a marker.
    Marker,
    /// Passing over a segment's payload; then a marker.
    SegmentRest,
    /// After 0xFF: the marker's code (or more 0xFF fill).
    MarkerCode,
    SegmentLength(u8),
    FrameHeader {
        rest: u16,
    },
    ScanHeader,
    /// Scanning entropy-coded data; `true` just after an 0xFF.
    Entropy(bool),
    TrailerProbe,
    TrailerBox([u8; 2]),
    /// Only 0x00/0xFF to the end.
    Padding,
    /// Anything, provided the file's last four bytes are `SEFT`: the last four so far.
    SamsungTrailer([u8; 4]),
    /// An appended ISO-BMFF file, walked to the end.
    Motion,
}

#[derive(Debug, Clone, Default)]
struct Jpeg {
    at: JpegAt,
    frame: bool,
    scan: bool,
    motion: Option<Bmff>,
}

impl Jpeg {
    fn step(&mut self, got: &[u8], at: u64, length: u64) -> Verdict<Want> {
        match self.at {
            JpegAt::Soi => {
                if got != [0xFF, 0xD8] {
                    return Err(malformed("it does not start with JPEG's start of image"));
                }
                self.frame = false;
                self.scan = false;
                self.at = JpegAt::Marker;
                Ok(Want::Bytes(1))
            }
            JpegAt::SegmentRest => {
                self.at = JpegAt::Marker;
                Ok(Want::Bytes(1))
            }
            JpegAt::Marker => {
                if got[0] != 0xFF {
                    return Err(malformed("there are stray bytes between JPEG segments"));
                }
                self.at = JpegAt::MarkerCode;
                Ok(Want::Bytes(1))
            }
            JpegAt::MarkerCode => self.marker(got[0], at, length),
            JpegAt::SegmentLength(marker) => {
                let length = be16(got);
                if length < 2 {
                    return Err(malformed("a JPEG segment is shorter than its length field"));
                }
                let payload = length - 2;
                match marker {
                    0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                        if self.frame {
                            return Err(malformed("a JPEG image has two frame headers"));
                        }
                        if payload < 6 {
                            return Err(malformed("a JPEG frame header is too short"));
                        }
                        self.frame = true;
                        self.at = JpegAt::FrameHeader { rest: payload - 6 };
                        Ok(Want::Bytes(6))
                    }
                    0xDA => {
                        if !self.frame {
                            return Err(malformed("a JPEG scan comes before its frame header"));
                        }
                        if payload < 6 {
                            return Err(malformed("a JPEG scan header is too short"));
                        }
                        self.scan = true;
                        self.at = JpegAt::ScanHeader;
                        Ok(Want::Skip(u64::from(payload)))
                    }
                    _ => {
                        self.at = JpegAt::SegmentRest;
                        Ok(Want::Skip(u64::from(payload)))
                    }
                }
            }
            JpegAt::FrameHeader { rest } => {
                let (height, width) = (be16(&got[1..3]), be16(&got[3..5]));
                image_size(u32::from(width), u32::from(height))?;
                if got[5] == 0 {
                    return Err(malformed("a JPEG frame has no components"));
                }
                self.at = JpegAt::SegmentRest;
                Ok(Want::Skip(u64::from(rest)))
            }
            JpegAt::ScanHeader => {
                self.at = JpegAt::Entropy(false);
                Ok(Want::Scan)
            }
            JpegAt::TrailerProbe => {
                if got == [0xFF, 0xD8] {
                    // Another image of a multi-picture file.
                    self.at = JpegAt::Soi;
                    return self.step(got, at, length);
                }
                if length - at >= 6 {
                    self.at = JpegAt::TrailerBox([got[0], got[1]]);
                    return Ok(Want::Bytes(6));
                }
                self.padding(got, at, length)
            }
            JpegAt::TrailerBox(first) => {
                let mut header = [0u8; 8];
                header[..2].copy_from_slice(&first);
                header[2..].copy_from_slice(got);
                if &header[4..8] == b"ftyp" {
                    let mut video = Bmff::new(*b"moov", false);
                    let want = video.step(&header, at, length)?;
                    self.motion = Some(video);
                    self.at = JpegAt::Motion;
                    return Ok(want);
                }
                self.padding(&header, at, length)
            }
            JpegAt::Motion => match &mut self.motion {
                Some(video) => video.step(got, at, length),
                None => Err(malformed("the checker lost its place")),
            },
            JpegAt::Entropy(_) | JpegAt::Padding | JpegAt::SamsungTrailer(_) => {
                Err(malformed("the checker lost its place"))
            }
        }
    }

    /// After 0xFF (and any fill): what the marker `code` starts.
    fn marker(&mut self, code: u8, at: u64, length: u64) -> Verdict<Want> {
        match code {
            0xFF => {
                self.at = JpegAt::MarkerCode;
                Ok(Want::Bytes(1))
            }
            0xD9 => {
                if !self.frame || !self.scan {
                    return Err(malformed("a JPEG ends before it has an image"));
                }
                if at == length {
                    return Ok(Want::End);
                }
                self.at = JpegAt::TrailerProbe;
                Ok(Want::Bytes(if length - at >= 2 { 2 } else { 1 }))
            }
            0xD8 => Err(malformed("a JPEG starts again inside its image")),
            0x00 => Err(malformed("a JPEG has a marker of code zero")),
            // Standalone markers: restart intervals and TEM carry no length.
            0xD0..=0xD7 | 0x01 => {
                self.at = JpegAt::Marker;
                Ok(Want::Bytes(1))
            }
            _ => {
                self.at = JpegAt::SegmentLength(code);
                Ok(Want::Bytes(2))
            }
        }
    }

    fn padding(&mut self, got: &[u8], at: u64, length: u64) -> Verdict<Want> {
        self.at = if got.iter().all(|&b| b == 0x00 || b == 0xFF) {
            JpegAt::Padding
        } else {
            JpegAt::SamsungTrailer(last_four([0; 4], got))
        };
        if at == length {
            self.finish_scan()?;
            return Ok(Want::End);
        }
        Ok(Want::Scan)
    }

    fn scan(&mut self, bytes: &[u8], at: u64, length: u64) -> Verdict<(usize, Want)> {
        match self.at {
            JpegAt::Entropy(mut after_ff) => {
                let mut i = 0;
                while i < bytes.len() {
                    if !after_ff {
                        match bytes[i..].iter().position(|&b| b == 0xFF) {
                            Some(p) => {
                                i += p + 1;
                                after_ff = true;
                            }
                            None => {
                                i = bytes.len();
                            }
                        }
                        continue;
                    }
                    let code = bytes[i];
                    i += 1;
                    match code {
                        // Stuffing, and restart markers inside the scan.
                        0x00 | 0xD0..=0xD7 => after_ff = false,
                        0xFF => {}
                        _ => return Ok((i, self.marker(code, at + i as u64, length)?)),
                    }
                }
                self.at = JpegAt::Entropy(after_ff);
                Ok((bytes.len(), Want::Scan))
            }
            JpegAt::Padding => {
                if !bytes.iter().all(|&b| b == 0x00 || b == 0xFF) {
                    self.at = JpegAt::SamsungTrailer(last_four([0; 4], bytes));
                }
                Ok((bytes.len(), Want::Scan))
            }
            JpegAt::SamsungTrailer(last) => {
                self.at = JpegAt::SamsungTrailer(last_four(last, bytes));
                Ok((bytes.len(), Want::Scan))
            }
            _ => Err(malformed("the checker lost its place")),
        }
    }

    fn finish_scan(&self) -> Verdict<()> {
        match self.at {
            JpegAt::Padding => Ok(()),
            JpegAt::SamsungTrailer(last) if &last == b"SEFT" => Ok(()),
            JpegAt::SamsungTrailer(_) => {
                Err(malformed("there are bytes after the JPEG's end of image"))
            }
            _ => Err(ContainerError::Truncated),
        }
    }
}

// ---------------------------------------------------------------------------------
// GIF: header and logical screen, a colour table, blocks (images, extensions) with
// their sub-blocks, the trailer 0x3B and nothing after it.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum GifAt {
    #[default]
    Screen,
    Block,
    ImageDescriptor,
    CodeSize,
    ExtensionLabel,
    SubBlock,
    /// Passing over a sub-block's data or a colour table.
    Skipping(GifThen),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GifThen {
    Block,
    CodeSize,
    SubBlock,
}

#[derive(Debug, Clone, Default)]
struct Gif {
    at: GifAt,
    image: bool,
}

fn colour_table_bytes(packed: u8) -> u64 {
    if packed & 0x80 == 0 {
        0
    } else {
        3 << ((packed & 0x07) + 1)
    }
}

impl Gif {
    fn step(&mut self, got: &[u8]) -> Verdict<Want> {
        match self.at {
            GifAt::Screen => {
                if &got[..6] != b"GIF87a" && &got[..6] != b"GIF89a" {
                    return Err(malformed("it does not start with a GIF header"));
                }
                // Some encoders leave the screen 0 x 0 and let the frames size it.
                pixels_within_limit(u32::from(le16(&got[6..8])), u32::from(le16(&got[8..10])))?;
                self.at = GifAt::Skipping(GifThen::Block);
                Ok(Want::Skip(colour_table_bytes(got[10])))
            }
            GifAt::Block => match got[0] {
                0x2C => {
                    self.at = GifAt::ImageDescriptor;
                    Ok(Want::Bytes(9))
                }
                0x21 => {
                    self.at = GifAt::ExtensionLabel;
                    Ok(Want::Bytes(1))
                }
                0x3B if self.image => Ok(Want::End),
                0x3B => Err(malformed("the GIF ends before any image")),
                _ => Err(malformed(
                    "a GIF block is neither an image nor an extension",
                )),
            },
            GifAt::ImageDescriptor => {
                let (left, top) = (u32::from(le16(&got[0..2])), u32::from(le16(&got[2..4])));
                let (width, height) = (u32::from(le16(&got[4..6])), u32::from(le16(&got[6..8])));
                // A frame reaching past the screen makes browsers grow the canvas.
                pixels_within_limit(left + width, top + height)?;
                self.image = true;
                self.at = GifAt::Skipping(GifThen::CodeSize);
                Ok(Want::Skip(colour_table_bytes(got[8])))
            }
            GifAt::CodeSize => {
                if !(1..=11).contains(&got[0]) {
                    return Err(malformed("a GIF image declares an impossible code size"));
                }
                self.at = GifAt::SubBlock;
                Ok(Want::Bytes(1))
            }
            GifAt::ExtensionLabel => {
                self.at = GifAt::SubBlock;
                Ok(Want::Bytes(1))
            }
            GifAt::SubBlock => {
                if got[0] == 0 {
                    self.at = GifAt::Block;
                    return Ok(Want::Bytes(1));
                }
                self.at = GifAt::Skipping(GifThen::SubBlock);
                Ok(Want::Skip(u64::from(got[0])))
            }
            GifAt::Skipping(then) => {
                self.at = match then {
                    GifThen::Block => GifAt::Block,
                    GifThen::CodeSize => GifAt::CodeSize,
                    GifThen::SubBlock => GifAt::SubBlock,
                };
                Ok(Want::Bytes(1))
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// WebP: a RIFF whose size is the file's, chunks tiling it, VP8/VP8L/VP8X first.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum WebpAt {
    #[default]
    Riff,
    ChunkHeader,
    /// The first bytes of an image chunk, then `rest` to pass over.
    ChunkStart {
        fourcc: [u8; 4],
        rest: u64,
    },
    ChunkRest,
}

#[derive(Debug, Clone, Default)]
struct Webp {
    at: WebpAt,
    chunks: u32,
    image: bool,
}

impl Webp {
    fn step(&mut self, got: &[u8], at: u64, length: u64) -> Verdict<Want> {
        match self.at {
            WebpAt::Riff => {
                if &got[0..4] != b"RIFF" || &got[8..12] != b"WEBP" {
                    return Err(malformed("it does not start with a WebP header"));
                }
                if u64::from(le32(&got[4..8])) + 8 != length {
                    return Err(malformed("the WebP's RIFF size is not the file's length"));
                }
                self.at = WebpAt::ChunkHeader;
                self.next_chunk(at, length)
            }
            WebpAt::ChunkHeader => {
                let fourcc = [got[0], got[1], got[2], got[3]];
                let size = u64::from(le32(&got[4..8]));
                // Chunks are padded to an even size; a missing last pad is forgiven.
                let mut padded = size + (size & 1);
                if at + padded > length {
                    if at + size == length {
                        padded = size;
                    } else {
                        return Err(malformed("a WebP chunk runs past the end of the file"));
                    }
                }
                let first = self.chunks == 0;
                self.chunks += 1;
                let head = match &fourcc {
                    b"VP8 " => 10,
                    b"VP8L" => 5,
                    b"VP8X" if first => 10,
                    b"VP8X" => return Err(malformed("a WebP's extended header is not first")),
                    _ if first => return Err(malformed("a WebP does not start with an image")),
                    b"ANMF" => {
                        self.image = true;
                        0
                    }
                    _ => 0,
                };
                if size < head {
                    return Err(malformed("a WebP image chunk is too short"));
                }
                if head == 0 {
                    self.at = WebpAt::ChunkRest;
                    return Ok(Want::Skip(padded));
                }
                self.at = WebpAt::ChunkStart {
                    fourcc,
                    rest: padded - head,
                };
                Ok(Want::Bytes(head as usize))
            }
            WebpAt::ChunkStart { fourcc, rest } => {
                match &fourcc {
                    b"VP8 " => {
                        if got[0] & 1 != 0 || got[3..6] != [0x9D, 0x01, 0x2A] {
                            return Err(malformed("a WebP's VP8 data is not a key frame"));
                        }
                        let width = le16(&got[6..8]) & 0x3FFF;
                        let height = le16(&got[8..10]) & 0x3FFF;
                        image_size(u32::from(width), u32::from(height))?;
                        self.image = true;
                    }
                    b"VP8L" => {
                        if got[0] != 0x2F {
                            return Err(malformed("a WebP's lossless data has no signature"));
                        }
                        let bits = le32(&got[1..5]);
                        image_size((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)?;
                        self.image = true;
                    }
                    _ => {
                        // VP8X: the canvas, 24 bits each less one.
                        image_size(le24(&got[4..7]) + 1, le24(&got[7..10]) + 1)?;
                    }
                }
                self.at = WebpAt::ChunkRest;
                Ok(Want::Skip(rest))
            }
            WebpAt::ChunkRest => {
                self.at = WebpAt::ChunkHeader;
                self.next_chunk(at, length)
            }
        }
    }

    fn next_chunk(&mut self, at: u64, length: u64) -> Verdict<Want> {
        if at == length {
            if !self.image {
                return Err(malformed("the WebP has no image data"));
            }
            return Ok(Want::End);
        }
        if length - at < 8 {
            return Err(malformed("a WebP chunk runs past the end of the file"));
        }
        Ok(Want::Bytes(8))
    }
}

// ---------------------------------------------------------------------------------
// ISO-BMFF (HEIC/HEIF, MP4, MOV): top-level boxes tiling the file exactly, `ftyp`
// first, the box the format needs (`moov`, `meta`) present. For HEIF, the image sizes
// (`ispe`) inside meta/iprp/ipco are checked as they pass.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum BmffAt {
    #[default]
    BoxHeader,
    LargeSize([u8; 4]),
    /// meta's version and flags, before its children.
    FullBoxHeader,
    ImageSize,
    BoxRest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BmffParent {
    Meta,
    Iprp,
    Ipco,
}

#[derive(Debug, Clone)]
struct Bmff {
    at: BmffAt,
    required: [u8; 4],
    found: bool,
    boxes: u64,
    image_sizes: bool,
    /// Open boxes being walked inside (end offset, which box), innermost last.
    parents: [(u64, BmffParent); 3],
    depth: usize,
    box_end: u64,
}

impl Bmff {
    fn new(required: [u8; 4], image_sizes: bool) -> Bmff {
        Bmff {
            at: BmffAt::BoxHeader,
            required,
            found: false,
            boxes: 0,
            image_sizes,
            parents: [(0, BmffParent::Meta); 3],
            depth: 0,
            box_end: 0,
        }
    }

    fn step(&mut self, got: &[u8], at: u64, length: u64) -> Verdict<Want> {
        match self.at {
            BmffAt::BoxHeader => {
                let start = at - 8;
                let kind = [got[4], got[5], got[6], got[7]];
                match be32(got) {
                    1 => {
                        if self.parent_end(length) - at < 8 {
                            return Err(malformed("a box runs past the end of the file"));
                        }
                        self.at = BmffAt::LargeSize(kind);
                        Ok(Want::Bytes(8))
                    }
                    0 => self.open(kind, start, self.parent_end(length) - start, at, length),
                    size => self.open(kind, start, u64::from(size), at, length),
                }
            }
            BmffAt::LargeSize(kind) => self.open(kind, at - 16, be64(got), at, length),
            BmffAt::FullBoxHeader => {
                self.push(BmffParent::Meta);
                self.next_box(at, length)
            }
            BmffAt::ImageSize => {
                image_size(be32(&got[4..8]), be32(&got[8..12]))?;
                self.at = BmffAt::BoxRest;
                Ok(Want::Skip(self.box_end - at))
            }
            BmffAt::BoxRest => self.next_box(at, length),
        }
    }

    fn parent_end(&self, length: u64) -> u64 {
        match self.depth {
            0 => length,
            d => self.parents[d - 1].0,
        }
    }

    fn push(&mut self, parent: BmffParent) {
        self.parents[self.depth] = (self.box_end, parent);
        self.depth += 1;
    }

    /// A box's header is read: `at` is just after it.
    fn open(
        &mut self,
        kind: [u8; 4],
        start: u64,
        size: u64,
        at: u64,
        length: u64,
    ) -> Verdict<Want> {
        let header = at - start;
        if size < header {
            return Err(malformed("a box is smaller than its own header"));
        }
        let end = start
            .checked_add(size)
            .filter(|&end| end <= self.parent_end(length))
            .ok_or(if self.depth == 0 {
                malformed("a box runs past the end of the file")
            } else {
                malformed("a box runs past the end of the box holding it")
            })?;
        self.box_end = end;
        let parent = self.depth.checked_sub(1).map(|d| self.parents[d].1);
        if parent.is_none() {
            if self.boxes == 0 && (&kind != b"ftyp" || size < header + 8) {
                return Err(malformed("the file does not start with its type box"));
            }
            self.boxes += 1;
            if kind == self.required {
                self.found = true;
            }
        }
        if self.image_sizes {
            match (parent, &kind) {
                (None, b"meta") if size >= header + 4 => {
                    self.at = BmffAt::FullBoxHeader;
                    return Ok(Want::Bytes(4));
                }
                (Some(BmffParent::Meta), b"iprp") => {
                    self.push(BmffParent::Iprp);
                    return self.next_box(at, length);
                }
                (Some(BmffParent::Iprp), b"ipco") => {
                    self.push(BmffParent::Ipco);
                    return self.next_box(at, length);
                }
                (Some(BmffParent::Ipco), b"ispe") => {
                    if size < header + 12 {
                        return Err(malformed("an image size box is too short"));
                    }
                    self.at = BmffAt::ImageSize;
                    return Ok(Want::Bytes(12));
                }
                _ => {}
            }
        }
        self.at = BmffAt::BoxRest;
        Ok(Want::Skip(end - at))
    }

    /// At a box boundary: the next box, the end of the one holding it, or the file's.
    fn next_box(&mut self, at: u64, length: u64) -> Verdict<Want> {
        while self.depth > 0 && at == self.parents[self.depth - 1].0 {
            self.depth -= 1;
        }
        self.at = BmffAt::BoxHeader;
        if self.depth == 0 && at == length {
            if !self.found {
                return Err(malformed(if &self.required == b"moov" {
                    "the video has no movie box"
                } else {
                    "the image has no metadata box"
                }));
            }
            return Ok(Want::End);
        }
        if self.parent_end(length) - at < 8 {
            return Err(malformed("a box runs past the end of the file"));
        }
        Ok(Want::Bytes(8))
    }
}

// ---------------------------------------------------------------------------------
// WebM: the EBML header (DocType "webm"), then one Segment; a live recording's segment
// of unknown size runs to the end of the file.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum WebmAt {
    #[default]
    IdFirst,
    IdRest(u8),
    SizeFirst,
    SizeRest(u8),
    DocType,
    Skipped,
    /// The rest of an unknown-size segment.
    Segment,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum WebmLevel {
    /// Before the EBML header.
    #[default]
    Start,
    /// Inside the EBML header, which ends at `header_end`.
    Header,
    /// After the header, before the segment.
    BeforeSegment,
    /// After a segment of known size: only Void elements may follow.
    AfterSegment,
}

#[derive(Debug, Clone, Default)]
struct Webm {
    at: WebmAt,
    level: WebmLevel,
    header_end: u64,
    id: u32,
    size_first: u8,
    webm: bool,
}

const EBML_HEADER: u32 = 0x1A45_DFA3;
const EBML_DOC_TYPE: u32 = 0x4282;
const EBML_VOID: u32 = 0xEC;
const SEGMENT: u32 = 0x1853_8067;

impl Webm {
    fn step(&mut self, got: &[u8], at: u64, length: u64) -> Verdict<Want> {
        match self.at {
            WebmAt::IdFirst => {
                let extra = got[0].leading_zeros();
                if extra > 3 {
                    return Err(malformed("an EBML element has no valid id"));
                }
                self.id = u32::from(got[0]);
                if extra == 0 {
                    return self.read_size();
                }
                self.at = WebmAt::IdRest(extra as u8);
                Ok(Want::Bytes(extra as usize))
            }
            WebmAt::IdRest(_) => {
                for &b in got {
                    self.id = (self.id << 8) | u32::from(b);
                }
                self.read_size()
            }
            WebmAt::SizeFirst => {
                let extra = got[0].leading_zeros();
                if extra > 7 {
                    return Err(malformed("an EBML element has no valid size"));
                }
                if extra == 0 {
                    return self.element(&got[..1], at, length);
                }
                self.size_first = got[0];
                self.at = WebmAt::SizeRest(extra as u8);
                Ok(Want::Bytes(extra as usize))
            }
            WebmAt::SizeRest(extra) => {
                let mut bytes = [0u8; 8];
                bytes[0] = self.size_first;
                bytes[1..=usize::from(extra)].copy_from_slice(got);
                self.element(&bytes[..=usize::from(extra)], at, length)
            }
            WebmAt::DocType => {
                let doc_type = got.split(|&b| b == 0).next().unwrap_or_default();
                self.webm = doc_type == b"webm";
                self.next_element(at, length)
            }
            WebmAt::Skipped => self.next_element(at, length),
            WebmAt::Segment => Err(malformed("the checker lost its place")),
        }
    }

    fn read_size(&mut self) -> Verdict<Want> {
        self.at = WebmAt::SizeFirst;
        Ok(Want::Bytes(1))
    }

    /// An element's id and size (its vint, marker bit included) are read.
    fn element(&mut self, vint: &[u8], at: u64, length: u64) -> Verdict<Want> {
        let marker = 0x80u8 >> (vint.len() - 1);
        let mut size = u64::from(vint[0] & !marker);
        let mut unknown = vint[0] | (marker.wrapping_sub(1) ^ 0xFF) == 0xFF;
        for &b in &vint[1..] {
            size = (size << 8) | u64::from(b);
            unknown &= b == 0xFF;
        }
        let end = if unknown {
            None
        } else {
            Some(
                at.checked_add(size)
                    .ok_or(malformed("an EBML size overflows"))?,
            )
        };
        match self.level {
            WebmLevel::Start => {
                if self.id != EBML_HEADER {
                    return Err(malformed("it does not start with an EBML header"));
                }
                let end = end
                    .filter(|&end| end <= length)
                    .ok_or(malformed("the EBML header runs past the end of the file"))?;
                self.header_end = end;
                self.level = WebmLevel::Header;
                self.next_element(at, length)
            }
            WebmLevel::Header => {
                let end = end
                    .filter(|&end| end <= self.header_end)
                    .ok_or(malformed("an element runs past the end of the EBML header"))?;
                if self.id == EBML_DOC_TYPE {
                    if size > WINDOW as u64 {
                        return Err(malformed("the EBML doc type is too long"));
                    }
                    self.at = WebmAt::DocType;
                    return Ok(Want::Bytes(size as usize));
                }
                self.at = WebmAt::Skipped;
                Ok(Want::Skip(end - at))
            }
            WebmLevel::BeforeSegment | WebmLevel::AfterSegment => {
                let segment = self.id == SEGMENT && self.level == WebmLevel::BeforeSegment;
                if !segment && self.id != EBML_VOID {
                    return Err(malformed("the WebM has an element where its segment goes"));
                }
                match end {
                    None if segment => {
                        self.at = WebmAt::Segment;
                        Ok(Want::Scan)
                    }
                    None => Err(malformed("an element of unknown size outside the segment")),
                    Some(end) if end > length => {
                        Err(malformed("an element runs past the end of the file"))
                    }
                    Some(end) => {
                        if segment {
                            self.level = WebmLevel::AfterSegment;
                        }
                        self.at = WebmAt::Skipped;
                        Ok(Want::Skip(end - at))
                    }
                }
            }
        }
    }

    fn next_element(&mut self, at: u64, length: u64) -> Verdict<Want> {
        if self.level == WebmLevel::Header && at == self.header_end {
            if !self.webm {
                return Err(malformed("the EBML header does not declare WebM"));
            }
            self.level = WebmLevel::BeforeSegment;
        }
        if at == length {
            if self.level != WebmLevel::AfterSegment {
                return Err(ContainerError::Truncated);
            }
            return Ok(Want::End);
        }
        self.at = WebmAt::IdFirst;
        Ok(Want::Bytes(1))
    }
}

// ---------------------------------------------------------------------------------
// PDF: `%PDF-d.d`, and `%%EOF` within the last 1024 bytes (where readers look for it).

const PDF_TAIL: usize = 1024;

#[derive(Debug, Clone, Default)]
struct Pdf {
    /// The last bytes seen: between PDF_TAIL and twice that, trimmed as it grows.
    tail: Vec<u8>,
}

impl Pdf {
    fn step(&mut self, got: &[u8]) -> Verdict<Want> {
        let version = &got[5..8];
        if &got[..5] != b"%PDF-"
            || !version[0].is_ascii_digit()
            || version[1] != b'.'
            || !version[2].is_ascii_digit()
        {
            return Err(malformed("it does not start with a PDF header"));
        }
        self.tail.extend_from_slice(got);
        Ok(Want::Scan)
    }

    fn keep_tail(&mut self, bytes: &[u8]) {
        if bytes.len() >= PDF_TAIL {
            self.tail.clear();
            self.tail
                .extend_from_slice(&bytes[bytes.len() - PDF_TAIL..]);
            return;
        }
        self.tail.extend_from_slice(bytes);
        if self.tail.len() > 2 * PDF_TAIL {
            let excess = self.tail.len() - PDF_TAIL;
            self.tail.drain(..excess);
        }
    }

    fn finish(&self) -> Verdict<()> {
        let tail = &self.tail[self.tail.len().saturating_sub(PDF_TAIL)..];
        if tail.windows(5).any(|w| w == b"%%EOF") {
            Ok(())
        } else {
            Err(malformed(
                "its end marker %%EOF is not in its last 1024 bytes",
            ))
        }
    }
}

/// The last four bytes of what ended in `before` and continues with `more`.
fn last_four(before: [u8; 4], more: &[u8]) -> [u8; 4] {
    let mut last = before;
    for &b in more.iter().rev().take(4).rev() {
        last.rotate_left(1);
        last[3] = b;
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::sniff;
    use proptest::prelude::*;
    use EvidenceKind::*;

    // ---- Feeding ---------------------------------------------------------------

    /// The verdict when `bytes` arrive in chunks of the given sizes (cycled).
    fn fed_in(kind: EvidenceKind, bytes: &[u8], sizes: &[usize]) -> Result<(), ContainerError> {
        let mut check = ContainerCheck::new(kind, bytes.len() as u64);
        let mut rest = bytes;
        for &size in sizes.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (chunk, after) = rest.split_at(size.clamp(1, rest.len()));
            check.feed(chunk);
            rest = after;
        }
        check.finish()
    }

    /// Chunk sizes from 1 byte to a few hundred, from a fixed seed (xorshift).
    fn random_sizes(seed: u64) -> Vec<usize> {
        let mut state = seed | 1;
        (0..64)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                1 + (state % 300) as usize
            })
            .collect()
    }

    /// The verdict, having checked that one chunk, single bytes and random chunks agree.
    fn verdict(kind: EvidenceKind, bytes: &[u8]) -> Result<(), ContainerError> {
        let whole = check_container(kind, bytes);
        assert_eq!(
            fed_in(kind, bytes, &[1]),
            whole,
            "{kind:?} fed a byte at a time"
        );
        for seed in [1, 7, 2024] {
            assert_eq!(
                fed_in(kind, bytes, &random_sizes(seed)),
                whole,
                "{kind:?} fed in random chunks (seed {seed})"
            );
        }
        whole
    }

    fn refused_as(kind: EvidenceKind, bytes: &[u8], reason: &'static str) {
        assert_eq!(
            verdict(kind, bytes),
            Err(ContainerError::Malformed { reason })
        );
    }

    // ---- Builders of real files ------------------------------------------------

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
        chunk.extend_from_slice(kind);
        chunk.extend_from_slice(data);
        let crc = crc32_update(crc32_update(CRC_INIT, kind), data) ^ CRC_INIT;
        chunk.extend_from_slice(&crc.to_be_bytes());
        chunk
    }

    /// An RGBA PNG of the given size whose image data is one white pixel's (real for
    /// 1 x 1; for other sizes only the data would be short, which no walker decodes).
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut header = width.to_be_bytes().to_vec();
        header.extend_from_slice(&height.to_be_bytes());
        header.extend_from_slice(&[8, 6, 0, 0, 0]);
        let mut file = PNG_SIGNATURE.to_vec();
        file.extend(png_chunk(b"IHDR", &header));
        file.extend(png_chunk(
            b"IDAT",
            &[
                0x78, 0xDA, 0x63, 0xF8, 0x0F, 0x04, 0x00, 0x09, 0xFB, 0x03, 0xFD,
            ],
        ));
        file.extend(png_chunk(b"IEND", &[]));
        file
    }

    /// A 1 x 1 white RGBA PNG, its pixel compressed by zlib (ImageMagick reads it).
    const ONE_PIXEL_PNG: &str = "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000b4944415478da63f80f040009fb03fd68fa1ccc0000000049454e44ae426082";

    const CRACKED_SHADE_PNG: &[u8] = include_bytes!("../../../tests/fixtures/cracked-shade.png");

    /// An 8 x 8 baseline JPEG written by ffmpeg (JFIF, DQT, SOF0, DHT, SOS, EOI).
    const SMALL_JPEG: &str = "ffd8ffe000104a46494600010200000100010000ffdb0043000804040404040505050505050606060606060606060606060607070708080807070706060707080808080909090808080809090a0a0a0c0c0b0b0e0e0e111114ffc4004a000100000000000000000000000000000000010100000000000000000000000000000000100100000000000000000000000000000000110100000000000000000000000000000000ffc00011080008000803011200021200031200ffda000c03010002110311003f00000fffd9";

    /// A 1 x 1 GIF89a written by ImageMagick: colour table, graphic control extension,
    /// one image, trailer.
    const ONE_PIXEL_GIF: &str =
        "47494638396101000100f00000ffffff00000021f90400000000002c00000000010001000002024401003b";

    /// A 1 x 1 lossless WebP written by cwebp.
    const ONE_PIXEL_WEBP: &str =
        "524946461e000000574542505650384c110000002f0000000007d0befa95afff8188e87f0000";

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
            .collect()
    }

    /// A JPEG with a frame header declaring `width` x `height` and a little entropy-coded
    /// data with stuffing and a restart marker.
    fn jpeg(width: u16, height: u16) -> Vec<u8> {
        let mut file = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        file.extend_from_slice(b"JFIF\0\x01\x02\0\0\x01\0\x01\0\0");
        file.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
        file.extend_from_slice(&[1; 64]);
        file.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 0x08]);
        file.extend_from_slice(&height.to_be_bytes());
        file.extend_from_slice(&width.to_be_bytes());
        file.extend_from_slice(&[0x01, 0x01, 0x11, 0x00]);
        file.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x14, 0x00]);
        file.extend_from_slice(&[0; 17]);
        file.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x14, 0x10]);
        file.extend_from_slice(&[0; 17]);
        file.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
        file.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xFF, 0xD1]);
        file.extend_from_slice(&[0xFF, 0xD9]);
        file
    }

    fn gif(width: u16, height: u16) -> Vec<u8> {
        let mut file = b"GIF89a".to_vec();
        file.extend_from_slice(&width.to_le_bytes());
        file.extend_from_slice(&height.to_le_bytes());
        file.extend_from_slice(&[0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF]);
        file.extend_from_slice(&[0x21, 0xFE, 0x03, b'h', b'i', b'!', 0x00]);
        file.extend_from_slice(&[0x2C, 0, 0, 0, 0]);
        file.extend_from_slice(&width.to_le_bytes());
        file.extend_from_slice(&height.to_le_bytes());
        file.extend_from_slice(&[0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B]);
        file
    }

    fn riff(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let mut body = b"WEBP".to_vec();
        for (kind, data) in chunks {
            body.extend_from_slice(*kind);
            body.extend_from_slice(&(data.len() as u32).to_le_bytes());
            body.extend_from_slice(data);
            if data.len() % 2 == 1 {
                body.push(0);
            }
        }
        let mut file = b"RIFF".to_vec();
        file.extend_from_slice(&(body.len() as u32).to_le_bytes());
        file.extend(body);
        file
    }

    fn vp8(width: u16, height: u16) -> Vec<u8> {
        let mut data = vec![0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A];
        data.extend_from_slice(&width.to_le_bytes());
        data.extend_from_slice(&height.to_le_bytes());
        data.extend_from_slice(&[0x11; 9]);
        data
    }

    fn vp8x(width: u32, height: u32) -> Vec<u8> {
        let mut data = vec![0x10, 0, 0, 0];
        data.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
        data.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
        data
    }

    fn iso_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut b = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(payload);
        b
    }

    fn full_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut body = vec![0, 0, 0, 0];
        body.extend_from_slice(payload);
        iso_box(kind, &body)
    }

    fn ftyp(brand: &[u8; 4]) -> Vec<u8> {
        let mut payload = brand.to_vec();
        payload.extend_from_slice(&[0, 0, 2, 0]);
        payload.extend_from_slice(brand);
        payload.extend_from_slice(b"mp41");
        iso_box(b"ftyp", &payload)
    }

    fn moov() -> Vec<u8> {
        let mvhd = full_box(b"mvhd", &[0; 96]);
        let tkhd = full_box(b"tkhd", &[0; 80]);
        let trak = iso_box(b"trak", &tkhd);
        iso_box(b"moov", &[mvhd, trak].concat())
    }

    fn mp4() -> Vec<u8> {
        [
            ftyp(b"isom"),
            moov(),
            iso_box(b"free", &[]),
            iso_box(b"mdat", &[7; 300]),
        ]
        .concat()
    }

    /// An iPhone-shaped HEIC: ftyp, meta (hdlr, pitm, iinf, iprp with ipco's sizes and
    /// ipma, iloc), mdat.
    fn heic(width: u32, height: u32) -> Vec<u8> {
        let mut size = width.to_be_bytes().to_vec();
        size.extend_from_slice(&height.to_be_bytes());
        let ispe = full_box(b"ispe", &size);
        let tile = full_box(b"ispe", &[0, 0, 2, 0, 0, 0, 2, 0]);
        let hvcc = iso_box(b"hvcC", &[1; 23]);
        let ipco = iso_box(b"ipco", &[hvcc, tile, ispe].concat());
        let ipma = full_box(b"ipma", &[0, 0, 0, 1, 0, 1, 2, 0x81, 0x82]);
        let iprp = iso_box(b"iprp", &[ipco, ipma].concat());
        let meta = full_box(
            b"meta",
            &[
                full_box(b"hdlr", b"\0\0\0\0pict\0\0\0\0\0\0\0\0\0\0\0\0\0"),
                full_box(b"pitm", &[0, 1]),
                full_box(b"iinf", &[0, 0]),
                iprp,
                full_box(b"iloc", &[0x44, 0, 0, 0]),
            ]
            .concat(),
        );
        [ftyp(b"heic"), meta, iso_box(b"mdat", &[3; 64])].concat()
    }

    /// An EBML vint of `len` bytes holding `value`.
    fn vint(value: u64, len: usize) -> Vec<u8> {
        let marked = value | (1 << (7 * len));
        marked.to_be_bytes()[8 - len..].to_vec()
    }

    fn ebml(id: &[u8], payload: &[u8]) -> Vec<u8> {
        [id, &vint(payload.len() as u64, 1)[..], payload].concat()
    }

    fn ebml_header(doc_type: &[u8]) -> Vec<u8> {
        let children = [
            ebml(&[0x42, 0x86], &[1]),
            ebml(&[0x42, 0xF7], &[1]),
            ebml(&[0x42, 0xF2], &[4]),
            ebml(&[0x42, 0xF3], &[8]),
            ebml(&[0x42, 0x82], doc_type),
            ebml(&[0x42, 0x87], &[4]),
            ebml(&[0x42, 0x85], &[2]),
        ]
        .concat();
        ebml(&[0x1A, 0x45, 0xDF, 0xA3], &children)
    }

    fn webm_segment(payload: &[u8]) -> Vec<u8> {
        [
            &[0x18, 0x53, 0x80, 0x67][..],
            &vint(payload.len() as u64, 8),
            payload,
        ]
        .concat()
    }

    /// A live recording's segment: size all ones (unknown), then clusters.
    fn webm_live() -> Vec<u8> {
        let mut file = ebml_header(b"webm");
        file.extend_from_slice(&[
            0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        ]);
        file.extend_from_slice(&[0x1F, 0x43, 0xB6, 0x75, 0xFF, 0xE7, 0x81, 0x00]);
        file.extend_from_slice(&[0xA3, 0x85, 0x81, 0x00, 0x00, 0x80, 0x42]);
        file
    }

    fn pdf(body: &[u8]) -> Vec<u8> {
        [
            &b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"[..],
            body,
            b"trailer\n<< /Root 1 0 R >>\nstartxref\n9\n%%EOF\n",
        ]
        .concat()
    }

    /// A valid file of every kind, named.
    fn valid_files() -> Vec<(&'static str, EvidenceKind, Vec<u8>)> {
        let mut mov = ftyp(b"qt  ");
        mov.extend(iso_box(b"wide", &[]));
        mov.extend(iso_box(b"mdat", &[5; 100]));
        mov.extend(moov());
        let mut largesize = ftyp(b"isom");
        largesize.extend(moov());
        largesize.extend_from_slice(&[0, 0, 0, 1]);
        largesize.extend_from_slice(b"mdat");
        largesize.extend_from_slice(&(16u64 + 40).to_be_bytes());
        largesize.extend_from_slice(&[9; 40]);
        let mut to_the_end = ftyp(b"mp42");
        to_the_end.extend(moov());
        to_the_end.extend_from_slice(&[0, 0, 0, 0]);
        to_the_end.extend_from_slice(b"mdat");
        to_the_end.extend_from_slice(&[1; 33]);
        let mut heif = heic(1920, 1080);
        heif[8..12].copy_from_slice(b"mif1");
        let mut multi_picture = jpeg(64, 48);
        multi_picture.extend(jpeg(8, 6));
        let mut motion_photo = hex(SMALL_JPEG);
        motion_photo.extend(mp4());
        let mut padded = hex(SMALL_JPEG);
        padded.extend_from_slice(&[0; 700]);
        let mut animated = gif(10, 10);
        animated.pop();
        animated.extend_from_slice(&[0x21, 0xF9, 0x04, 0x04, 0x0A, 0x00, 0x00, 0x00]);
        animated.extend_from_slice(&[0x2C, 2, 0, 2, 0, 4, 0, 4, 0, 0x80, 1, 2, 3, 4, 5, 6]);
        animated.extend_from_slice(&[0x02, 0x02, 0x44, 0x01, 0x00, 0x3B]);
        vec![
            ("a 1 x 1 PNG", Png, hex(ONE_PIXEL_PNG)),
            ("the cracked shade photo", Png, CRACKED_SHADE_PNG.to_vec()),
            ("a 4000 x 3000 PNG", Png, png(4000, 3000)),
            ("a JPEG from ffmpeg", Jpeg, hex(SMALL_JPEG)),
            ("a JPEG with stuffing and restarts", Jpeg, jpeg(4032, 3024)),
            ("a multi-picture JPEG", Jpeg, multi_picture),
            ("a motion photo", Jpeg, motion_photo),
            ("a JPEG padded with zeros", Jpeg, padded),
            ("a 1 x 1 GIF", Gif, hex(ONE_PIXEL_GIF)),
            ("an animated GIF", Gif, animated),
            ("a 1 x 1 WebP from cwebp", Webp, hex(ONE_PIXEL_WEBP)),
            ("a lossy WebP", Webp, riff(&[(b"VP8 ", vp8(640, 480))])),
            (
                "an extended WebP",
                Webp,
                riff(&[
                    (b"VP8X", vp8x(8000, 6000)),
                    (b"ALPH", vec![0; 5]),
                    (b"VP8 ", vp8(8000, 6000)),
                    (b"EXIF", vec![1; 9]),
                ]),
            ),
            ("an HEIC", Heic, heic(4032, 3024)),
            ("an HEIF", Heif, heif),
            ("an MP4", Mp4, mp4()),
            ("a MOV", Mov, mov),
            ("an MP4 with a 64-bit box", Mp4, largesize),
            ("an MP4 whose last box runs to the end", Mp4, to_the_end),
            (
                "a WebM",
                Webm,
                [ebml_header(b"webm"), webm_segment(&[0xEC, 0x82, 0, 0])].concat(),
            ),
            ("a live WebM", Webm, webm_live()),
            (
                "a PDF",
                Pdf,
                pdf(b"1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
            ),
        ]
    }

    // ---- Valid files -------------------------------------------------------------

    #[test]
    fn real_files_of_every_kind_are_accepted_however_they_are_chunked() {
        let mut kinds = std::collections::HashSet::new();
        for (name, kind, bytes) in valid_files() {
            assert_eq!(verdict(kind, &bytes), Ok(()), "{name}");
            kinds.insert(kind);
        }
        assert_eq!(kinds.len(), 10, "every kind has a valid file");
    }

    #[test]
    fn the_sniffer_and_the_checker_agree_on_valid_files() {
        for (name, kind, bytes) in valid_files() {
            assert_eq!(sniff(&bytes), Some(kind), "{name}");
        }
    }

    #[test]
    fn crc32_is_pngs() {
        assert_eq!(crc32_update(CRC_INIT, b"123456789") ^ CRC_INIT, 0xCBF4_3926);
        assert_eq!(crc32_update(CRC_INIT, b"") ^ CRC_INIT, 0);
        let long: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let split = crc32_update(crc32_update(CRC_INIT, &long[..333]), &long[333..]);
        let bytewise = long
            .iter()
            .fold(CRC_INIT, |crc, b| crc32_update(crc, &[*b]));
        assert_eq!(split, bytewise);
    }

    // ---- Issue #15's three files ------------------------------------------------

    const GIF_JAVASCRIPT_POLYGLOT: &[u8] =
        include_bytes!("../../../tests/fixtures/bad/gif-then-script.gif");
    const PNG_CUT_IN_HEADER: &[u8] =
        include_bytes!("../../../tests/fixtures/bad/cut-inside-header.png");
    const PNG_60000_SQUARED: &[u8] =
        include_bytes!("../../../tests/fixtures/bad/60000-by-60000.png");

    #[test]
    fn a_gif_javascript_polyglot_is_refused() {
        let polyglot: &[u8] = b"GIF89a/*\x01\0\0\0\0*/=alert(origin);";
        assert_eq!(polyglot.len(), 30);
        assert_eq!(
            GIF_JAVASCRIPT_POLYGLOT, polyglot,
            "the fixture is this file"
        );
        assert_eq!(
            sniff(polyglot),
            Some(Gif),
            "the sniffer alone lets it through"
        );
        let refusal = verdict(Gif, polyglot).expect_err("refused");
        assert_eq!(refusal.code(), ErrorCode::FileMalformed);
        // Whatever its screen and colour table say, script is no GIF block.
        refused_as(
            Gif,
            polyglot,
            "a GIF block is neither an image nor an extension",
        );
        refused_as(
            Gif,
            b"GIF89a/*\x0a\0\x80\0\0*/=1;alert(1)//",
            "a GIF block is neither an image nor an extension",
        );
        // Script whose first bytes read as a huge screen is refused for that first.
        assert_eq!(
            verdict(Gif, b"GIF87a=1;alert(1);;;;;;"),
            Err(ContainerError::TooManyPixels {
                width: 0x313D,
                height: 0x613B
            })
        );
    }

    #[test]
    fn a_png_cut_off_inside_its_header_chunk_is_refused() {
        assert_eq!(
            PNG_CUT_IN_HEADER,
            &hex(ONE_PIXEL_PNG)[..20],
            "the fixture is this file"
        );
        assert_eq!(
            sniff(PNG_CUT_IN_HEADER),
            Some(Png),
            "the sniffer alone lets it through"
        );
        assert_eq!(
            verdict(Png, PNG_CUT_IN_HEADER),
            Err(ContainerError::Truncated)
        );
        assert_eq!(ContainerError::Truncated.code(), ErrorCode::FileMalformed);
        // Cut anywhere before its end, a PNG is refused.
        let whole = hex(ONE_PIXEL_PNG);
        for cut in 1..whole.len() {
            assert!(verdict(Png, &whole[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn an_image_declaring_60000_by_60000_pixels_is_refused() {
        let too_many = Err(ContainerError::TooManyPixels {
            width: 60_000,
            height: 60_000,
        });
        assert_eq!(
            PNG_60000_SQUARED,
            &png(60_000, 60_000)[..],
            "the fixture is this file"
        );
        assert_eq!(verdict(Png, PNG_60000_SQUARED), too_many);
        assert_eq!(verdict(Jpeg, &jpeg(60_000, 60_000)), too_many);
        assert_eq!(verdict(Gif, &gif(60_000, 60_000)), too_many);
        assert_eq!(
            verdict(
                Webp,
                &riff(&[(b"VP8X", vp8x(60_000, 60_000)), (b"VP8 ", vp8(600, 600))])
            ),
            too_many
        );
        assert_eq!(verdict(Heic, &heic(60_000, 60_000)), too_many);
        assert_eq!(
            too_many.map_err(|e| e.code()),
            Err(ErrorCode::ImageTooLarge)
        );
    }

    #[test]
    fn up_to_100_megapixels_is_allowed_and_one_more_row_is_not() {
        assert_eq!(verdict(Png, &png(10_000, 10_000)), Ok(()));
        assert_eq!(
            verdict(Png, &png(10_000, 10_001)),
            Err(ContainerError::TooManyPixels {
                width: 10_000,
                height: 10_001
            })
        );
        // A lossless WebP can declare up to 16384 x 16384: 268 megapixels.
        let mut lossless = hex(ONE_PIXEL_WEBP);
        lossless[21..25].copy_from_slice(&(0x3FFF | (0x3FFF << 14) as u32).to_le_bytes());
        assert_eq!(
            verdict(Webp, &lossless),
            Err(ContainerError::TooManyPixels {
                width: 16_384,
                height: 16_384
            })
        );
        assert_eq!(
            verdict(Webp, &riff(&[(b"VP8 ", vp8(16_000, 16_000))])).map_err(|e| e.code()),
            Err(ErrorCode::ImageTooLarge)
        );
    }

    #[test]
    fn a_gif_frame_reaching_far_past_its_screen_is_refused() {
        let mut file = gif(10, 10);
        let frame = file.len() - 16;
        assert_eq!(file[frame], 0x2C);
        file[frame + 1..frame + 5].copy_from_slice(&[0x60, 0xEA, 0x60, 0xEA]);
        file[frame + 5..frame + 9].copy_from_slice(&[0x10, 0x27, 0x10, 0x27]);
        assert_eq!(
            verdict(Gif, &file),
            Err(ContainerError::TooManyPixels {
                width: 70_000,
                height: 70_000
            })
        );
    }

    // ---- PNG ---------------------------------------------------------------------

    #[test]
    fn a_png_with_a_wrong_checksum_is_refused() {
        let mut file = hex(ONE_PIXEL_PNG);
        let idat_crc = file.len() - 12 - 4;
        file[idat_crc] ^= 0x01;
        refused_as(Png, &file, "a PNG chunk's checksum is wrong");
        let mut data = hex(ONE_PIXEL_PNG);
        data[45] ^= 0x40;
        refused_as(Png, &data, "a PNG chunk's checksum is wrong");
    }

    #[test]
    fn script_appended_after_a_pngs_end_is_refused() {
        let mut file = hex(ONE_PIXEL_PNG);
        file.extend_from_slice(b"<script>alert(1)</script>");
        refused_as(Png, &file, "there are bytes after its end marker");
        let mut one_zero = hex(ONE_PIXEL_PNG);
        one_zero.push(0);
        refused_as(Png, &one_zero, "there are bytes after its end marker");
    }

    #[test]
    fn a_png_must_open_with_its_header_and_hold_image_data() {
        let mut no_header = PNG_SIGNATURE.to_vec();
        no_header.extend(png_chunk(b"tEXt", b"Comment\0hi"));
        no_header.extend_from_slice(&hex(ONE_PIXEL_PNG)[8..]);
        refused_as(Png, &no_header, "the PNG header chunk is not first");
        let mut no_data = hex(ONE_PIXEL_PNG)[..33].to_vec();
        no_data.extend(png_chunk(b"IEND", &[]));
        refused_as(Png, &no_data, "the PNG has no image data");
        let mut indexed = hex(ONE_PIXEL_PNG);
        indexed[25] = 3;
        let crc = crc32_update(CRC_INIT, &indexed[12..29]) ^ CRC_INIT;
        indexed[29..33].copy_from_slice(&crc.to_be_bytes());
        refused_as(Png, &indexed, "an indexed-colour PNG has no palette");
        let mut sixteen_bit_palette = indexed.clone();
        sixteen_bit_palette[24] = 16;
        let crc = crc32_update(CRC_INIT, &sixteen_bit_palette[12..29]) ^ CRC_INIT;
        sixteen_bit_palette[29..33].copy_from_slice(&crc.to_be_bytes());
        refused_as(
            Png,
            &sixteen_bit_palette,
            "the PNG header declares no valid colour type",
        );
        assert_eq!(
            verdict(Png, &png(0, 10)),
            Err(ContainerError::Malformed {
                reason: "the image declares no pixels"
            })
        );
    }

    // ---- JPEG --------------------------------------------------------------------

    #[test]
    fn a_jpeg_without_its_end_of_image_is_refused() {
        let file = hex(SMALL_JPEG);
        assert_eq!(
            verdict(Jpeg, &file[..file.len() - 2]),
            Err(ContainerError::Truncated)
        );
        assert_eq!(
            verdict(Jpeg, &file[..file.len() - 1]),
            Err(ContainerError::Truncated)
        );
        for cut in 2..file.len() {
            assert!(verdict(Jpeg, &file[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn markup_or_an_archive_after_a_jpegs_end_is_refused() {
        for tail in [
            &b"<html><script>alert(1)</script></html>"[..],
            b"PK\x03\x04\x14\0\0\0\x08\0",
            b"\0\0\0\0<svg onload=alert(1)>",
            b"A",
        ] {
            let mut file = hex(SMALL_JPEG);
            file.extend_from_slice(tail);
            refused_as(Jpeg, &file, "there are bytes after the JPEG's end of image");
        }
        // An appended box that is not a file type box is no motion photo.
        let mut boxed = hex(SMALL_JPEG);
        boxed.extend(iso_box(b"mdat", b"<script>alert(1)</script>"));
        refused_as(
            Jpeg,
            &boxed,
            "there are bytes after the JPEG's end of image",
        );
        // An appended video must itself be whole.
        let mut cut_video = hex(SMALL_JPEG);
        cut_video.extend_from_slice(&mp4()[..100]);
        assert!(verdict(Jpeg, &cut_video).is_err());
    }

    #[test]
    fn a_samsung_trailer_after_a_jpegs_end_is_kept_and_a_lookalike_is_not() {
        // Samsung's SEF block (here a motion photo's video) ends in `SEFT`.
        let mut samsung = hex(SMALL_JPEG);
        samsung.extend_from_slice(b"MotionPhoto_Data");
        samsung.extend(mp4());
        samsung.extend_from_slice(b"SEFH\x6b\0\0\0\x01\0\0\0\x28\0\0\0SEFT");
        assert_eq!(verdict(Jpeg, &samsung), Ok(()));
        let mut almost = samsung.clone();
        almost.push(b'!');
        refused_as(
            Jpeg,
            &almost,
            "there are bytes after the JPEG's end of image",
        );
        let mut padded_then_trailer = hex(SMALL_JPEG);
        padded_then_trailer.extend_from_slice(b"\0\0\xFF\xFFSEFHxxxxSEFT");
        assert_eq!(verdict(Jpeg, &padded_then_trailer), Ok(()));
    }

    #[test]
    fn a_jpeg_needs_one_frame_and_a_scan_before_its_end() {
        refused_as(
            Jpeg,
            b"\xFF\xD8\xFF\xE0\0\x04hi\xFF\xD9",
            "a JPEG ends before it has an image",
        );
        let mut two_frames = jpeg(8, 8);
        let sof = two_frames
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("SOF");
        let frame = two_frames[sof..sof + 13].to_vec();
        two_frames.splice(sof..sof, frame);
        refused_as(Jpeg, &two_frames, "a JPEG image has two frame headers");
        let mut stray = jpeg(8, 8);
        stray.insert(20, b'x');
        refused_as(Jpeg, &stray, "there are stray bytes between JPEG segments");
    }

    // ---- GIF ---------------------------------------------------------------------

    #[test]
    fn anything_after_a_gifs_trailer_or_a_gif_without_one_is_refused() {
        let mut after = hex(ONE_PIXEL_GIF);
        after.extend_from_slice(b"//alert(1)");
        refused_as(Gif, &after, "there are bytes after its end marker");
        let whole = hex(ONE_PIXEL_GIF);
        assert_eq!(
            verdict(Gif, &whole[..whole.len() - 1]),
            Err(ContainerError::Truncated)
        );
        refused_as(
            Gif,
            b"GIF89a\x01\0\x01\0\0\0\0\x3b",
            "the GIF ends before any image",
        );
    }

    // ---- WebP --------------------------------------------------------------------

    #[test]
    fn a_webp_whose_riff_size_or_chunks_disagree_with_its_length_is_refused() {
        let mut longer = hex(ONE_PIXEL_WEBP);
        longer.extend_from_slice(b"<script>");
        refused_as(
            Webp,
            &longer,
            "the WebP's RIFF size is not the file's length",
        );
        let mut overrun = riff(&[(b"VP8 ", vp8(64, 64))]);
        overrun[16..20].copy_from_slice(&1000u32.to_le_bytes());
        refused_as(Webp, &overrun, "a WebP chunk runs past the end of the file");
        refused_as(
            Webp,
            &riff(&[(b"EXIF", vec![0; 4])]),
            "a WebP does not start with an image",
        );
        refused_as(
            Webp,
            &riff(&[(b"VP8X", vp8x(64, 64))]),
            "the WebP has no image data",
        );
    }

    // ---- ISO-BMFF ----------------------------------------------------------------

    #[test]
    fn an_mp4_whose_boxes_overrun_the_file_is_refused() {
        let mut file = mp4();
        let mdat = file.len() - 308;
        assert_eq!(&file[mdat + 4..mdat + 8], b"mdat");
        file[mdat..mdat + 4].copy_from_slice(&10_000u32.to_be_bytes());
        refused_as(Mp4, &file, "a box runs past the end of the file");
        let mut cut = mp4();
        cut.truncate(cut.len() - 5);
        refused_as(Mp4, &cut, "a box runs past the end of the file");
        // A few bytes after the last box are no box at all.
        let mut tail = mp4();
        tail.extend_from_slice(b"<a>");
        refused_as(Mp4, &tail, "a box runs past the end of the file");
        let mut script = mp4();
        script.extend_from_slice(b"<script>alert(1)</script>");
        assert!(verdict(Mp4, &script).is_err());
    }

    #[test]
    fn iso_media_must_start_with_its_type_and_hold_its_movie_or_metadata() {
        refused_as(
            Mp4,
            &[ftyp(b"isom"), iso_box(b"mdat", &[1; 20])].concat(),
            "the video has no movie box",
        );
        refused_as(
            Heic,
            &[ftyp(b"heic"), iso_box(b"mdat", &[1; 20])].concat(),
            "the image has no metadata box",
        );
        refused_as(
            Mov,
            &[moov(), ftyp(b"qt  ")].concat(),
            "the file does not start with its type box",
        );
        refused_as(
            Mp4,
            &[&[0, 0, 0, 4][..], b"ftyp"].concat(),
            "a box is smaller than its own header",
        );
        let mut nested = heic(100, 100);
        let iprp = nested.windows(4).position(|w| w == b"iprp").expect("iprp") - 4;
        let size = be32(&nested[iprp..]) + 64;
        nested[iprp..iprp + 4].copy_from_slice(&size.to_be_bytes());
        refused_as(
            Heic,
            &nested,
            "a box runs past the end of the box holding it",
        );
    }

    // ---- WebM --------------------------------------------------------------------

    #[test]
    fn a_webm_needs_its_ebml_header_declaring_webm_and_a_segment() {
        let segment = webm_segment(&[0xEC, 0x80]);
        refused_as(
            Webm,
            &[ebml_header(b"matroska"), segment.clone()].concat(),
            "the EBML header does not declare WebM",
        );
        assert_eq!(
            verdict(Webm, &ebml_header(b"webm")),
            Err(ContainerError::Truncated)
        );
        refused_as(
            Webm,
            &[
                ebml_header(b"webm"),
                ebml(&[0x1F, 0x43, 0xB6, 0x75], &[0; 4]),
            ]
            .concat(),
            "the WebM has an element where its segment goes",
        );
        let mut overrun = [ebml_header(b"webm"), segment.clone()].concat();
        overrun.pop();
        refused_as(Webm, &overrun, "an element runs past the end of the file");
        let mut after = [ebml_header(b"webm"), segment].concat();
        after.extend_from_slice(b"<script>");
        refused_as(
            Webm,
            &after,
            "the WebM has an element where its segment goes",
        );
    }

    // ---- PDF ---------------------------------------------------------------------

    #[test]
    fn a_pdf_without_its_end_marker_near_its_end_is_refused() {
        let reason = "its end marker %%EOF is not in its last 1024 bytes";
        let whole = pdf(b"1 0 obj << >> endobj\n");
        refused_as(Pdf, &whole[..whole.len() - 3], reason);
        let mut appended = whole.clone();
        appended.extend_from_slice(&[b' '; 1025]);
        refused_as(Pdf, &appended, reason);
        let mut near = whole.clone();
        near.extend_from_slice(&[b'\n'; 1000]);
        assert_eq!(verdict(Pdf, &near), Ok(()));
        let big = pdf(&vec![b'x'; 200_000]);
        assert_eq!(verdict(Pdf, &big), Ok(()));
        refused_as(
            Pdf,
            b"%PDF-x.y\n%%EOF",
            "it does not start with a PDF header",
        );
    }

    // ---- The checker itself ------------------------------------------------------

    #[test]
    fn more_or_fewer_bytes_than_declared_is_an_incomplete_upload() {
        let file = hex(ONE_PIXEL_PNG);
        let mut check = ContainerCheck::new(Png, file.len() as u64 - 1);
        check.feed(&file);
        let declared = file.len() as u64 - 1;
        let received = file.len() as u64;
        assert_eq!(
            check.refusal(),
            Some(&ContainerError::LengthMismatch { declared, received })
        );
        let mut short = ContainerCheck::new(Png, file.len() as u64 + 10);
        short.feed(&file);
        let error = short.finish().expect_err("short");
        assert_eq!(error.code(), ErrorCode::IncompleteUpload);
    }

    #[test]
    fn a_refusal_is_known_as_soon_as_the_bytes_show_it() {
        let mut check = ContainerCheck::new(Mp4, 100_000_000);
        check.feed(&[0, 0, 0, 8]);
        assert_eq!(check.refusal(), None);
        check.feed(b"moov");
        assert_eq!(
            check.refusal(),
            Some(&ContainerError::Malformed {
                reason: "the file does not start with its type box"
            })
        );
        check.feed(&[0; 1000]);
        assert!(check.finish().is_err());
    }

    #[test]
    fn memory_stays_bounded_whatever_the_files_size() {
        assert!(
            std::mem::size_of::<ContainerCheck>() <= 256,
            "{}",
            std::mem::size_of::<ContainerCheck>()
        );
        let chunk = vec![b'x'; 700];
        let mut check = ContainerCheck::new(Pdf, 8 + 700 * 3000 + 6);
        check.feed(b"%PDF-1.4");
        for _ in 0..3000 {
            check.feed(&chunk);
            let Walker::Pdf(pdf) = &check.walker else {
                panic!("a PDF walker")
            };
            assert!(
                pdf.tail.capacity() <= 4 * PDF_TAIL,
                "{}",
                pdf.tail.capacity()
            );
        }
        check.feed(b"%%EOF\n");
        assert_eq!(check.finish(), Ok(()));
        // A 64 MB video passes through in 64 KB chunks with nothing kept.
        let mut video = ContainerCheck::new(Mp4, 64 * 1024 * 1024);
        let head = [ftyp(b"isom"), moov()].concat();
        video.feed(&head);
        let rest = 64 * 1024 * 1024 - head.len() as u64;
        video.feed(&[0, 0, 0, 0]);
        video.feed(b"mdat");
        let block = vec![0u8; 64 * 1024];
        let mut left = rest - 8;
        while left > 0 {
            let n = left.min(block.len() as u64) as usize;
            video.feed(&block[..n]);
            left -= n as u64;
        }
        assert_eq!(video.finish(), Ok(()));
    }

    #[test]
    fn each_refusal_has_a_stable_code_and_an_english_message() {
        let cases = [
            (
                ContainerError::Malformed {
                    reason: "a PNG chunk's checksum is wrong",
                },
                "file_malformed",
                "checksum",
            ),
            (ContainerError::Truncated, "file_malformed", "cut off"),
            (
                ContainerError::TooManyPixels {
                    width: 60_000,
                    height: 60_000,
                },
                "image_too_large",
                "60000 × 60000",
            ),
            (
                ContainerError::LengthMismatch {
                    declared: 10,
                    received: 9,
                },
                "incomplete_upload",
                "declared 10",
            ),
        ];
        for (error, code, words) in cases {
            assert_eq!(serde_json::to_value(error.code()).expect("code"), code);
            assert!(error.message().contains(words), "{}", error.message());
            assert_eq!(error.to_string(), error.message());
        }
    }

    // ---- Properties ----------------------------------------------------------------

    fn kinds() -> impl Strategy<Value = EvidenceKind> {
        prop::sample::select(vec![Jpeg, Png, Webp, Gif, Heic, Heif, Mp4, Mov, Webm, Pdf])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn chunking_never_changes_the_verdict_of_valid_or_damaged_files(
            which in 0usize..22,
            at in any::<prop::sample::Index>(),
            flip in any::<u8>(),
            cut in any::<bool>(),
            sizes in prop::collection::vec(1usize..64, 1..8),
        ) {
            let files = valid_files();
            let (_, kind, mut bytes) = files[which % files.len()].clone();
            let i = at.index(bytes.len());
            if cut {
                bytes.truncate(i);
            } else {
                bytes[i] ^= flip;
            }
            prop_assert_eq!(fed_in(kind, &bytes, &sizes), check_container(kind, &bytes));
        }

        #[test]
        fn hostile_bytes_never_panic_and_chunking_never_changes_the_verdict(
            kind in kinds(),
            bytes in prop::collection::vec(any::<u8>(), 0..600),
            sizes in prop::collection::vec(1usize..40, 1..6),
        ) {
            prop_assert_eq!(fed_in(kind, &bytes, &sizes), check_container(kind, &bytes));
        }
    }
}
