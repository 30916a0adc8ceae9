//! The request's context for the domain (request id, client IP, user agent).
//!
//! The client IP is the socket's peer, unless the service runs behind `TRUSTED_PROXY_HOPS`
//! proxies that each append the address they saw to `X-Forwarded-For`: then it is the entry
//! that many places from the right — the one the outermost trusted proxy wrote. Entries further
//! left were written by the client and are ignored, so no client can choose its own address
//! (and with it its rate-limit bucket, lockout scope or audit IP). `Forwarded` is not read.

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::net::IpAddr;

use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use domain::shared::RequestContext;

use crate::middleware::request_id::RequestId;
use crate::state::HttpState;

/// The client IP as the service sees it.
pub fn client_ip(req: &HttpRequest) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip());
    let hops = req.app_data::<web::Data<HttpState>>().map_or(0, |s| s.config.trusted_proxy_hops);
    if hops == 0 {
        return peer;
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all(header::X_FORWARDED_FOR)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    forwarded_client(&forwarded, hops).and_then(parse_ip).or(peer)
}

/// The `X-Forwarded-For` entry naming the client behind `hops` trusted proxies, each of which
/// appended the address it saw: `hops` places from the right (1: the last entry).
///
/// With fewer entries than hops (the request did not pass every proxy, or a proxy overwrote the
/// header), the leftmost: every entry was written by a trusted proxy, and the leftmost is the
/// farthest address any of them saw. With none, `None`: the caller falls back to the peer.
fn forwarded_client<'a>(entries: &[&'a str], hops: usize) -> Option<&'a str> {
    entries.get(entries.len().saturating_sub(hops)).copied()
}

/// An address as proxies write it: `ip`, `ip:port`, `[ipv6]` or `[ipv6]:port`. Anything else
/// (`unknown`, a host name) is no address: the peer stands in for it.
fn parse_ip(value: &str) -> Option<IpAddr> {
    let value = value.trim();
    value
        .parse::<IpAddr>()
        .ok()
        .or_else(|| value.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| value.strip_prefix('[')?.strip_suffix(']')?.parse().ok())
}

/// The context of this request.
pub fn request_context(req: &HttpRequest) -> RequestContext {
    RequestContext {
        request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default(),
        ip: client_ip(req),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(512).collect()),
    }
}

/// The request context as an extractor.
#[derive(Debug, Clone)]
pub struct Context(pub RequestContext);

impl FromRequest for Context {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self(request_context(req))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_counted_from_the_right() {
        let chain = ["198.51.100.66", " 203.0.113.9", " 10.0.0.2"];
        // One proxy appended the last entry; the client wrote the ones before it.
        assert_eq!(forwarded_client(&chain, 1), Some(" 10.0.0.2"));
        assert_eq!(forwarded_client(&chain, 2), Some(" 203.0.113.9"));
        assert_eq!(forwarded_client(&chain, 3), Some("198.51.100.66"));
        // More hops than entries: the leftmost, which a trusted proxy wrote.
        assert_eq!(forwarded_client(&chain, 4), Some("198.51.100.66"));
        assert_eq!(forwarded_client(&chain[2..], 2), Some(" 10.0.0.2"));
        assert_eq!(forwarded_client(&[], 1), None);
    }

    #[test]
    fn spoofed_entries_on_the_left_never_move_the_answer() {
        for spoofed in [vec![], vec!["1.1.1.1"], vec!["1.1.1.1", "2.2.2.2", "garbage"]] {
            let mut chain = spoofed.clone();
            chain.extend(["203.0.113.9", "10.0.0.2"]);
            assert_eq!(forwarded_client(&chain, 2).and_then(parse_ip), Some("203.0.113.9".parse().unwrap()));
        }
    }

    #[test]
    fn forwarded_addresses_parse_with_or_without_ports() {
        assert_eq!(parse_ip("203.0.113.7"), Some("203.0.113.7".parse().unwrap()));
        assert_eq!(parse_ip("203.0.113.7:4711"), Some("203.0.113.7".parse().unwrap()));
        assert_eq!(parse_ip("[2001:db8::1]:443"), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(parse_ip("2001:db8::1"), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(parse_ip("[2001:db8::1]"), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(parse_ip("not an ip"), None);
    }
}
