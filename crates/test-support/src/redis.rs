//! Where Redis comes from in tests: `TEST_REDIS_URL`, else the test is skipped with one line
//! (or fails, with `ENGIFY_REQUIRE_SERVICES=1`; see [`crate::services`]).
//!
//! Tests share one Redis and keep apart by a key prefix unique to each call, so nothing needs
//! flushing and tests run in parallel.

use crate::services;

/// The Redis URL and a fresh key prefix (`engify-test:{uuid}:`), or `None` after reporting
/// Redis as missing.
///
/// # Panics
/// When `TEST_REDIS_URL` is unset and `ENGIFY_REQUIRE_SERVICES=1`.
pub fn url_and_prefix() -> Option<(String, String)> {
    match std::env::var("TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some((url, unique_prefix())),
        _ => {
            services::missing("Redis", "TEST_REDIS_URL unset");
            None
        }
    }
}

/// A key prefix no other test uses.
pub fn unique_prefix() -> String {
    format!("engify-test:{}:", uuid::Uuid::now_v7().simple())
}

/// The `host:port` of a `redis://[user:pass@]host:port[/db]` URL (port 6379 if absent), for
/// putting a [`crate::proxy::TcpProxy`] in front of it.
pub fn host_port(url: &str) -> Option<String> {
    crate::service_url::host_port(url, &["redis://"], 6379)
}

/// `url` with its `host:port` replaced by `addr` (credentials, database and query kept).
pub fn with_addr(url: &str, addr: std::net::SocketAddr) -> Option<String> {
    url.starts_with("redis://").then(|| crate::service_url::with_addr(url, addr)).flatten()
}

/// Deletes every key of `url`'s Redis that starts with `prefix` (what a Redis restarted without
/// persistence would have lost); returns how many. One `EVAL` over a plain RESP connection, so
/// that test support needs no Redis client.
///
/// # Errors
/// When Redis cannot be reached or answers with an error.
pub async fn delete_prefixed(url: &str, prefix: &str) -> std::io::Result<u64> {
    use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
    let address = host_port(url).ok_or_else(|| std::io::Error::other("not a redis:// URL"))?;
    let script =
        "local n = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) n = n + 1 end return n";
    let pattern = format!("{prefix}*");
    let args = ["EVAL", script, "0", &pattern];
    let mut command = format!("*{}\r\n", args.len());
    for arg in args {
        command.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
    }
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    stream.write_all(command.as_bytes()).await?;
    let mut reply = String::new();
    BufReader::new(stream).read_line(&mut reply).await?;
    reply
        .trim_end()
        .strip_prefix(':')
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("Redis answered {reply:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_and_with_addr_keep_the_rest_of_the_url() {
        assert_eq!(host_port("redis://127.0.0.1:6379").as_deref(), Some("127.0.0.1:6379"));
        assert_eq!(host_port("redis://u:p@redis/2").as_deref(), Some("redis:6379"));
        assert_eq!(host_port("http://x"), None);
        let addr: std::net::SocketAddr = "127.0.0.1:4000".parse().unwrap_or_else(|_| unreachable!());
        assert_eq!(
            with_addr("redis://u:p@redis:6379/2?x=1", addr).as_deref(),
            Some("redis://u:p@127.0.0.1:4000/2?x=1")
        );
        assert_eq!(with_addr("redis://localhost", addr).as_deref(), Some("redis://127.0.0.1:4000"));
    }
}
