//! The first bytes of an upload: `sniff` decides its type or refuses it, never panics,
//! and never accepts a page or a drawing, whatever follows.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redress_shared::sniff;

fuzz_target!(|head: &[u8]| {
    let _ = sniff(head);
    for markup in [&b"<html>"[..], b"<svg ", b"<script>"] {
        let mut page = markup.to_vec();
        page.extend_from_slice(head);
        assert_eq!(sniff(&page), None);
    }
});
