//! Where sources may fetch from. Templates that name their hosts are checked against those
//! hosts by the fetcher (or the administrator's base URL override), so any address they
//! resolve to is accepted ([`NamedHosts`]). The generic JSON template takes any URL from the
//! user, so it gets the webhooks' SSRF policy ([`GenericPolicy`]: no loopback, private,
//! link-local ... addresses unless `APP_SOURCES__ALLOW_HOSTS` allows them), checked on every
//! resolved address and after every redirect.

use std::net::IpAddr;

use crate::webhooks::Policy;

/// Accepts every address: the host itself was checked against the template's list.
#[derive(Debug, Clone, Copy, Default)]
pub struct NamedHosts;

impl ::sources::AddressPolicy for NamedHosts {
    fn check(&self, _host: &str, _ip: IpAddr) -> Result<(), String> {
        Ok(())
    }
}

/// The SSRF policy of the generic template.
#[derive(Debug, Clone)]
pub struct GenericPolicy(pub Policy);

impl ::sources::AddressPolicy for GenericPolicy {
    fn check(&self, host: &str, ip: IpAddr) -> Result<(), String> {
        if self.0.host_allowed(host) {
            return Ok(());
        }
        self.0
            .check_address(ip)
            .map_err(|why| why.replace("APP_WEBHOOKS__ALLOW_HOSTS", "APP_SOURCES__ALLOW_HOSTS"))
    }
}

#[cfg(test)]
mod tests {
    use ::sources::AddressPolicy;

    use super::*;
    use crate::webhooks::AllowList;

    #[test]
    fn the_generic_policy_refuses_internal_addresses_unless_allowed() {
        let Ok(none) = AllowList::parse("") else {
            panic!("empty allow-list")
        };
        let Ok(local) = AllowList::parse("127.0.0.1") else {
            panic!("allow-list")
        };
        let loopback: IpAddr = [127, 0, 0, 1].into();
        let metadata: IpAddr = [169, 254, 169, 254].into();
        let public: IpAddr = [93, 184, 216, 34].into();
        let strict = GenericPolicy(Policy::new(none));
        let Err(why) = strict.check("localhost", loopback) else {
            panic!("loopback accepted")
        };
        assert!(why.contains("APP_SOURCES__ALLOW_HOSTS"), "{why}");
        assert!(strict.check("metadata", metadata).is_err());
        assert!(strict.check("example.com", public).is_ok());
        assert!(GenericPolicy(Policy::new(local))
            .check("localhost", loopback)
            .is_ok());
    }
}
