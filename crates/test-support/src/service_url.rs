//! The address part of a service URL (`scheme://[user:pass@]host[:port][/path][?query]`):
//! where a test connects, and the same URL pointed at another address (a proxy's).

/// The `host:port` of `url` after one of `schemes` (`default_port` when it names none).
pub(crate) fn host_port(url: &str, schemes: &[&str], default_port: u16) -> Option<String> {
    let rest = schemes.iter().find_map(|scheme| url.strip_prefix(scheme))?;
    let authority = rest.split(['/', '?']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    if host_port.is_empty() {
        return None;
    }
    Some(if host_port.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok()) {
        host_port.to_owned()
    } else {
        format!("{host_port}:{default_port}")
    })
}

/// `url` with its `host:port` replaced by `addr` (scheme, credentials, path and query kept).
pub(crate) fn with_addr(url: &str, addr: std::net::SocketAddr) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let credentials = authority.rsplit_once('@').map(|(c, _)| format!("{c}@")).unwrap_or_default();
    Some(format!("{scheme}://{credentials}{addr}{tail}"))
}
