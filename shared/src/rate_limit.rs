//! Rate limits on the open endpoints: who a request is counted against, and what a
//! refused caller is told. The limits themselves (how many per window) are the
//! `[[ratelimits]]` bindings' configuration in `wrangler.toml`.

/// Every limit counts over a minute, so this is the longest a caller waits.
pub const RETRY_AFTER_SECONDS: u32 = 60;

/// The key a client is counted under, from the address Cloudflare reports
/// (`CF-Connecting-IP`). An IPv6 client is counted by its /64, the block one home or
/// phone is given, so cycling through its own addresses does not reset its count.
/// Requests with no readable address (never the case behind Cloudflare) share one key.
pub fn client_key(address: Option<&str>) -> String {
    match address.map(str::trim).map(str::parse::<std::net::IpAddr>) {
        Some(Ok(std::net::IpAddr::V4(v4))) => v4.to_string(),
        Some(Ok(std::net::IpAddr::V6(v6))) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
            }
        },
        _ => "unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv4_client_is_counted_by_its_address() {
        assert_eq!(client_key(Some("203.0.113.7")), "203.0.113.7");
        assert_eq!(client_key(Some("::ffff:203.0.113.7")), "203.0.113.7");
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64_block() {
        let one = client_key(Some("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        let other = client_key(Some("2001:0db8:0001:0002:1:2:3:4"));
        assert_eq!(one, "2001:db8:1:2::/64");
        assert_eq!(one, other);
        assert_ne!(one, client_key(Some("2001:db8:1:3::1")));
    }

    #[test]
    fn no_readable_address_shares_one_key() {
        assert_eq!(client_key(None), "unknown");
        assert_eq!(client_key(Some("not an address")), "unknown");
        assert_eq!(client_key(Some("")), "unknown");
    }
}
