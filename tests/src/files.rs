//! Real files of a chosen size or content, for tests that need large or distinct
//! evidence: padded the way encoders pad, so the edge's container check (which refuses
//! bytes after a file's end) takes them as it takes a phone's.

/// `png` with a text chunk (`tEXt`, keyword `Comment`) holding `text`, before its end.
pub fn png_with_text(png: &[u8], text: &[u8]) -> Vec<u8> {
    const IEND_CHUNK: usize = 12;
    assert!(
        png.ends_with(b"IEND\xAE\x42\x60\x82"),
        "a PNG ending in IEND"
    );
    let mut data = b"Comment\0".to_vec();
    data.extend_from_slice(text);
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(b"tEXt");
    chunk.extend_from_slice(&data);
    chunk.extend_from_slice(&crc32(&chunk[4..]).to_be_bytes());
    let end = png.len() - IEND_CHUNK;
    [&png[..end], &chunk, &png[end..]].concat()
}

/// `png` grown to exactly `size` bytes by a text chunk of spaces.
pub fn png_of_size(png: &[u8], size: usize) -> Vec<u8> {
    const CHUNK_OVERHEAD: usize = 12 + b"Comment\0".len();
    let filler = size
        .checked_sub(png.len() + CHUNK_OVERHEAD)
        .expect("a size above the PNG's own");
    png_with_text(png, &vec![b' '; filler])
}

/// An MP4 of exactly `size` bytes: a file type box, an empty movie box and the rest as
/// media data.
pub fn mp4_of_size(size: usize) -> Vec<u8> {
    let mut mp4 = b"\0\0\0\x18ftypisom\0\0\x02\0isommp41\0\0\0\x08moov".to_vec();
    let media = u32::try_from(size - mp4.len()).expect("under 4 GB");
    mp4.extend_from_slice(&media.to_be_bytes());
    mp4.extend_from_slice(b"mdat");
    mp4.resize(size, 0);
    mp4
}

/// CRC-32 (ISO-HDLC), as PNG's chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use redress_shared::evidence::check_container;
    use redress_shared::EvidenceKind;

    #[test]
    fn grown_files_are_whole_files_of_the_size_asked() {
        let png = std::fs::read(crate::fixture("cracked-shade.png")).expect("fixture");
        let grown = png_of_size(&png, 600_001);
        assert_eq!(grown.len(), 600_001);
        assert_eq!(check_container(EvidenceKind::Png, &grown), Ok(()));
        let labelled = png_with_text(&png, b"load-7");
        assert_eq!(check_container(EvidenceKind::Png, &labelled), Ok(()));
        let mp4 = mp4_of_size(3_000_000);
        assert_eq!(mp4.len(), 3_000_000);
        assert_eq!(check_container(EvidenceKind::Mp4, &mp4), Ok(()));
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
