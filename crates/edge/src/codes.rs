//! The edge's own error codes: refusals made around a use case rather than by it (a body that
//! cannot be read, a method the path does not take, a rate limit, an idempotency key in use),
//! each with its title and HTTP status. Business refusals are `domain::shared::ErrorCode`; a
//! transport answers with either.

macro_rules! edge_codes {
    ($($variant:ident = $code:literal, $title:literal, $status:literal;)*) => {
        /// An error code of the public contract (`api.md`) that only the edge returns.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EdgeCode {
            $(
                #[doc = concat!("`", $code, "` (", stringify!($status), "): ", $title, ".")]
                $variant,
            )*
        }

        impl EdgeCode {
            /// Every code, by status.
            pub const ALL: &'static [EdgeCode] = &[$(EdgeCode::$variant,)*];

            /// The snake_case code clients match on, e.g. `rate_limited`.
            pub const fn as_str(self) -> &'static str {
                match self { $(EdgeCode::$variant => $code,)* }
            }

            /// A short human-readable summary, e.g. `Rate limited`.
            pub const fn title(self) -> &'static str {
                match self { $(EdgeCode::$variant => $title,)* }
            }

            /// The HTTP status it is answered with.
            pub const fn status(self) -> u16 {
                match self { $(EdgeCode::$variant => $status,)* }
            }
        }
    };
}

edge_codes! {
    MalformedRequest = "malformed_request", "Malformed request", 400;
    MethodNotAllowed = "method_not_allowed", "Method not allowed", 405;
    RequestTimeout = "request_timeout", "Request timeout", 408;
    IdempotencyKeyInProgress = "idempotency_key_in_progress", "Idempotency key in progress", 409;
    PayloadTooLarge = "payload_too_large", "Payload too large", 413;
    UnsupportedMediaType = "unsupported_media_type", "Unsupported media type", 415;
    IdempotencyKeyReused = "idempotency_key_reused", "Idempotency key reused", 422;
    RateLimited = "rate_limited", "Rate limited", 429;
}

impl std::fmt::Display for EdgeCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::EdgeCode;

    #[test]
    fn codes_are_snake_case_client_errors_in_status_order_and_none_is_a_domain_code() {
        let mut last = 0;
        for code in EdgeCode::ALL {
            assert!((400..500).contains(&code.status()), "{code}");
            assert!(code.status() >= last, "{code} out of order");
            last = code.status();
            assert!(code.as_str().chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{code}");
            assert!(!code.title().is_empty());
            let domain = domain::shared::ErrorCode::ALL.iter().any(|d| d.as_str() == code.as_str());
            assert!(!domain, "{code} is also a domain code");
        }
        assert_eq!(EdgeCode::MethodNotAllowed.status(), 405);
        assert_eq!(EdgeCode::RateLimited.to_string(), "rate_limited");
    }
}
