//! Per-client limits on the routes that hash a password for anyone who asks (`POST /users` and
//! `POST /auth/login`). argon2 is deliberately expensive, so without a limit a single client
//! could keep every core busy, or try passwords as fast as the hub can hash them.
//!
//! Clients are told apart by the peer address of the connection (an IPv6 client by its /64,
//! which one subscriber usually holds whole). Behind a reverse proxy every client shares the
//! proxy's address: give the proxy its own limit, or raise these.
//!
//! Built on `governor` (GCRA, MIT-licensed) rather than actix-governor, whose GPL-3.0 licence
//! does not fit this MIT/Apache-2.0 project.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use actix_web::HttpRequest;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// How many password attempts one client may make: a burst, then one per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptQuota {
    pub burst: NonZeroU32,
    pub period: Duration,
}

/// The shared limiter of password attempts.
pub struct PasswordAttempts {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

impl std::fmt::Debug for PasswordAttempts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordAttempts")
            .field("clients", &self.limiter.len())
            .finish()
    }
}

impl PasswordAttempts {
    /// A limiter allowing `quota` per client; `None` when the period is zero.
    pub fn new(quota: AttemptQuota) -> Option<Self> {
        let quota = Quota::with_period(quota.period)?.allow_burst(quota.burst);
        Some(Self {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
        })
    }

    /// Counts one attempt of the request's client; a 429 with `Retry-After` when it has none
    /// left. Requests without a peer address (not over TCP) share one allowance.
    pub fn check(&self, request: &HttpRequest) -> Result<(), ApiError> {
        let client = request
            .peer_addr()
            .map_or(IpAddr::from([0, 0, 0, 0]), |peer| client_key(peer.ip()));
        // Forget clients whose allowance is whole again, so the map stays small.
        if self.limiter.len() > 10_000 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            let retry_after_secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            ApiError::RateLimited {
                detail: format!(
                    "too many password attempts from this address; retry in {retry_after_secs} s"
                ),
                retry_after_secs: retry_after_secs.max(1),
            }
        })
    }
}

/// The key of a client: its IPv4 address, or the /64 an IPv6 address belongs to.
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut octets = v6.octets();
            octets[8..].fill(0);
            IpAddr::from(octets)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn from(ip: &str) -> HttpRequest {
        let peer = format!("{ip}:4000")
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        TestRequest::default().peer_addr(peer).to_http_request()
    }

    fn attempts(burst: u32) -> PasswordAttempts {
        let quota = AttemptQuota {
            burst: NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN),
            period: Duration::from_secs(60),
        };
        PasswordAttempts::new(quota).unwrap_or_else(|| panic!("zero period"))
    }

    #[test]
    fn a_client_past_its_burst_waits_and_others_are_not_affected() {
        let limit = attempts(2);
        assert!(limit.check(&from("10.0.0.1")).is_ok());
        assert!(limit.check(&from("10.0.0.1")).is_ok());
        match limit.check(&from("10.0.0.1")) {
            Err(ApiError::RateLimited {
                retry_after_secs, ..
            }) => assert!((1..=60).contains(&retry_after_secs)),
            other => panic!("expected a rate limit, got {other:?}"),
        }
        assert!(limit.check(&from("10.0.0.2")).is_ok());
    }

    #[test]
    fn an_ipv6_client_is_limited_by_its_slash_64() {
        let limit = attempts(1);
        assert!(limit.check(&from("[2001:db8:1:2::1]")).is_ok());
        assert!(limit.check(&from("[2001:db8:1:2::ffff]")).is_err());
        assert!(limit.check(&from("[2001:db8:1:3::1]")).is_ok());
    }
}
