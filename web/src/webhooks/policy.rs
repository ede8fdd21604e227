//! Where webhooks may point: webhook URLs are user input aimed at the hub's own network, so the
//! hub refuses targets that are not public Internet addresses (loopback, RFC 1918 and other
//! private ranges, link-local including the cloud metadata address 169.254.169.254, CGNAT,
//! unique-local IPv6, multicast, unspecified, documentation and reserved ranges, and IPv6 forms
//! embedding such an IPv4 address) unless the operator allow-lists them
//! (`APP_WEBHOOKS__ALLOW_HOSTS`: host names, addresses or CIDR ranges).
//!
//! The same [`Policy`] judges a URL when a webhook is created ([`Policy::check_url`], resolving
//! its host name) and every address the delivery client resolves before it connects
//! (`sender.rs`), so a name that later resolves elsewhere (DNS rebinding) is still refused.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use hub::ValidationErrors;
use ipnet::IpNet;
use reqwest::Url;

/// Longest webhook URL.
pub const MAX_URL_CHARS: usize = 2048;
/// How long creating a webhook waits for its host name to resolve.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(3);

/// Why an address is refused, in words for a problem document or a delivery's error.
pub fn refusal(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refusal_v4(v4),
        IpAddr::V6(v6) => refusal_v6(v6),
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn refusal_v4(ip: Ipv4Addr) -> Option<&'static str> {
    const RANGES: [([u8; 4], u32, &str); 16] = [
        ([0, 0, 0, 0], 8, "unspecified (\"this network\")"),
        ([127, 0, 0, 0], 8, "loopback"),
        ([10, 0, 0, 0], 8, "private (RFC 1918)"),
        ([172, 16, 0, 0], 12, "private (RFC 1918)"),
        ([192, 168, 0, 0], 16, "private (RFC 1918)"),
        ([169, 254, 0, 0], 16, "link-local (cloud metadata)"),
        ([100, 64, 0, 0], 10, "shared address space (CGNAT)"),
        ([192, 0, 0, 0], 24, "IETF protocol assignments"),
        ([192, 0, 2, 0], 24, "documentation"),
        ([198, 51, 100, 0], 24, "documentation"),
        ([203, 0, 113, 0], 24, "documentation"),
        ([198, 18, 0, 0], 15, "benchmarking"),
        ([192, 88, 99, 0], 24, "6to4 relay anycast"),
        ([224, 0, 0, 0], 4, "multicast"),
        ([240, 0, 0, 0], 4, "reserved"),
        ([255, 255, 255, 255], 32, "broadcast"),
    ];
    RANGES
        .iter()
        .find(|(net, prefix, _)| in_v4(ip, *net, *prefix))
        .map(|(_, _, why)| *why)
}

fn in_v6(ip: Ipv6Addr, net: u128, prefix: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    u128::from(ip) & mask == net & mask
}

fn refusal_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let bits = u128::from(ip);
    if ip.is_unspecified() {
        return Some("unspecified");
    }
    if ip.is_loopback() {
        return Some("loopback");
    }
    // Forms that carry an IPv4 address are judged by it: mapped (::ffff:a.b.c.d), compatible
    // (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
    let low32 = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    if in_v6(ip, 0xffff << 32, 96) || in_v6(ip, 0, 96) || in_v6(ip, 0x64ff9b << 96, 96) {
        return refusal_v4(low32);
    }
    if in_v6(ip, 0x2002 << 112, 16) {
        let embedded = Ipv4Addr::from(((bits >> 80) & 0xffff_ffff) as u32);
        return refusal_v4(embedded);
    }
    const RANGES: [(u128, u32, &str); 10] = [
        (0xfc00 << 112, 7, "unique local (ULA)"),
        (0xfe80 << 112, 10, "link-local"),
        (0xfec0 << 112, 10, "site-local"),
        (0xff00 << 112, 8, "multicast"),
        (0x2001_0db8 << 96, 32, "documentation"),
        (0x3fff << 112, 20, "documentation"),
        (0x0100 << 112, 64, "discard-only"),
        (0x0064_ff9b_0001 << 80, 48, "local-use NAT64"),
        (0x2001 << 112, 32, "Teredo"),
        (0x2001_0010 << 96, 28, "ORCHID"),
    ];
    RANGES
        .iter()
        .find(|(net, prefix, _)| in_v6(ip, *net, *prefix))
        .map(|(_, _, why)| *why)
}

/// The operator's exceptions: host names (exact, case-insensitive) and address ranges.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AllowList {
    hosts: Vec<String>,
    nets: Vec<IpNet>,
}

impl AllowList {
    /// Parses a comma-separated list of host names, addresses (`127.0.0.1`, `::1`) and CIDR
    /// ranges (`10.0.0.0/8`); blank entries are ignored.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut allow = Self::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if let Ok(net) = entry.parse::<IpNet>() {
                allow.nets.push(net);
            } else if let Ok(ip) = entry.trim_matches(['[', ']']).parse::<IpAddr>() {
                allow.nets.push(IpNet::from(ip));
            } else if entry.contains('/') || entry.contains(char::is_whitespace) {
                return Err(format!(
                    "{entry:?} is neither a host name, an address nor a range"
                ));
            } else {
                allow.hosts.push(entry.to_ascii_lowercase());
            }
        }
        Ok(allow)
    }
}

/// Decides which webhook targets are acceptable.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    allow: AllowList,
}

impl Policy {
    pub fn new(allow: AllowList) -> Self {
        Self { allow }
    }

    /// Whether `host` (a name) is allow-listed: then any address it resolves to is accepted.
    pub fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.allow.hosts.contains(&host)
    }

    /// Why the hub must not connect to `ip`, unless an allow-listed range holds it.
    pub fn check_address(&self, ip: IpAddr) -> Result<(), String> {
        if self.allow.nets.iter().any(|net| net.contains(&ip)) {
            return Ok(());
        }
        match refusal(ip) {
            Some(why) => Err(format!(
                "{ip} is a {why} address; the hub only calls public addresses unless \
                 APP_WEBHOOKS__ALLOW_HOSTS allows it"
            )),
            None => Ok(()),
        }
    }

    /// Checks a webhook URL as a client sent it: `http` or `https`, a host, no user name or
    /// password, at most [`MAX_URL_CHARS`]; an address literal must be acceptable, and a host
    /// name that is not allow-listed must resolve, to acceptable addresses only. Refusals name
    /// the field `url`.
    pub async fn check_url(&self, raw: &str) -> Result<Url, ValidationErrors> {
        let refuse = |message: String| ValidationErrors::single("url", message);
        if raw.chars().count() > MAX_URL_CHARS {
            return Err(refuse(format!(
                "must be at most {MAX_URL_CHARS} characters"
            )));
        }
        let url = Url::parse(raw.trim()).map_err(|e| refuse(format!("is not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(refuse(format!(
                "scheme {:?} is not http or https",
                url.scheme()
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse("must not carry a user name or password".into()));
        }
        let port = url.port_or_known_default().unwrap_or(80);
        match url.host() {
            None => Err(refuse("has no host".into())),
            Some(url::Host::Ipv4(ip)) => {
                self.check_address(ip.into()).map_err(refuse).map(|()| url)
            }
            Some(url::Host::Ipv6(ip)) => {
                self.check_address(ip.into()).map_err(refuse).map(|()| url)
            }
            Some(url::Host::Domain(name)) if self.host_allowed(name) => Ok(url),
            Some(url::Host::Domain(name)) => {
                let addresses = resolve(name, port).await.map_err(refuse)?;
                for address in addresses {
                    self.check_address(address.ip())
                        .map_err(|why| refuse(format!("{name} resolves to {why}")))?;
                }
                Ok(url)
            }
        }
    }
}

/// The addresses `name` resolves to (at least one), within [`RESOLVE_TIMEOUT`].
pub async fn resolve(name: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    let lookup = tokio::net::lookup_host((name, port));
    let addresses: Vec<SocketAddr> = match tokio::time::timeout(RESOLVE_TIMEOUT, lookup).await {
        Ok(Ok(found)) => found.collect(),
        Ok(Err(e)) => return Err(format!("host {name} does not resolve: {e}")),
        Err(_) => return Err(format!("host {name} did not resolve in time")),
    };
    if addresses.is_empty() {
        return Err(format!("host {name} resolves to no address"));
    }
    Ok(addresses)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn internal_addresses_are_refused_and_public_ones_pass() {
        for refused in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "2001:db8::1",
        ] {
            assert!(refusal(ip(refused)).is_some(), "{refused} passed");
        }
        for public in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "2002:0808:0808::",
        ] {
            assert_eq!(refusal(ip(public)), None, "{public} refused");
        }
    }

    #[test]
    fn the_allow_list_admits_its_ranges_and_names_only() {
        let allow = AllowList::parse(" 127.0.0.1, 10.1.0.0/16, Hooks.Internal ,, [::1]");
        let policy = Policy::new(allow.unwrap_or_default());
        assert!(policy.check_address(ip("127.0.0.1")).is_ok());
        assert!(policy.check_address(ip("127.0.0.2")).is_err());
        assert!(policy.check_address(ip("10.1.200.3")).is_ok());
        assert!(policy.check_address(ip("10.2.0.1")).is_err());
        assert!(policy.check_address(ip("::1")).is_ok());
        assert!(policy.host_allowed("hooks.internal."));
        assert!(!policy.host_allowed("other.internal"));
        assert!(AllowList::parse("10.0.0.0/99").is_err());
    }

    #[tokio::test]
    async fn urls_are_checked_before_anything_is_stored() {
        let policy = Policy::default();
        for (url, says) in [
            ("ftp://example.com/", "scheme"),
            ("http://10.0.0.1/hook", "private"),
            ("http://169.254.169.254/latest/meta-data", "link-local"),
            ("http://[::1]:8080/", "loopback"),
            ("http://localhost:9/", "resolves to"),
            ("https://user:pw@example.com/", "user name"),
            ("not a url", "not a URL"),
        ] {
            let errors = policy.check_url(url).await.err().unwrap_or_default();
            let message = errors
                .errors()
                .first()
                .map(|e| e.message.clone())
                .unwrap_or_default();
            assert!(message.contains(says), "{url}: {message}");
        }
        let allowed = Policy::new(AllowList::parse("127.0.0.1").unwrap_or_default());
        assert!(allowed
            .check_url("http://127.0.0.1:4000/hook")
            .await
            .is_ok());
    }
}
