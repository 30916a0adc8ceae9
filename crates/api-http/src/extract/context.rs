//! The request's context for the domain (request id, client IP, user agent). The client IP is
//! the socket's peer unless the service runs behind a trusted proxy (`TRUST_PROXY=true`), then
//! the address the proxy reports (`Forwarded` / `X-Forwarded-For`).

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
    let trust_proxy = req.app_data::<web::Data<HttpState>>().is_some_and(|s| s.config.trust_proxy);
    if trust_proxy {
        let info = req.connection_info();
        let forwarded = info.realip_remote_addr().map(str::to_owned);
        if let Some(ip) = forwarded.as_deref().and_then(parse_ip) {
            return Some(ip);
        }
    }
    req.peer_addr().map(|a| a.ip())
}

/// An address as proxies write it: `ip`, `ip:port`, `[ipv6]` or `[ipv6]:port`.
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
    fn forwarded_addresses_parse_with_or_without_ports() {
        assert_eq!(parse_ip("203.0.113.7"), Some("203.0.113.7".parse().unwrap()));
        assert_eq!(parse_ip("203.0.113.7:4711"), Some("203.0.113.7".parse().unwrap()));
        assert_eq!(parse_ip("[2001:db8::1]:443"), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(parse_ip("2001:db8::1"), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(parse_ip("[2001:db8::1]"), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(parse_ip("not an ip"), None);
    }
}
