//! Money: integer cents and ISO 4217 currency codes.

use std::fmt;

use super::validation::InvalidValue;

/// A non-negative amount in the smallest unit of a currency (cents), at most 100,000,000
/// (one million units): prices of tutoring sessions and bundles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cents(i64);

impl Cents {
    /// The largest accepted amount.
    pub const MAX: i64 = 100_000_000;
    /// Nothing to pay (a seat paid by a bundle credit).
    pub const ZERO: Cents = Cents(0);

    /// An amount in cents.
    ///
    /// # Errors
    /// When negative or above [`Cents::MAX`].
    pub fn new(cents: i64) -> Result<Self, InvalidValue> {
        if (0..=Self::MAX).contains(&cents) {
            Ok(Self(cents))
        } else {
            Err(InvalidValue::new("must be between 0 and 100000000 cents"))
        }
    }

    /// The amount in cents.
    pub const fn get(self) -> i64 {
        self.0
    }
}

/// Active ISO 4217 currency codes.
const ISO_4217: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC",
    "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
    "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD",
    "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
    "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD",
    "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD",
    "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
    "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES",
    "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

/// An active ISO 4217 currency code such as `EUR`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// The euro, the default currency of a new organization.
    pub const EUR: Currency = Currency(*b"EUR");

    /// Every code [`Currency::parse`] accepts (upper case; lower case is accepted too), sorted.
    pub const CODES: &'static [&'static str] = ISO_4217;

    /// Parses a code; lower case is accepted and normalized.
    ///
    /// # Errors
    /// When the code is not an active ISO 4217 code.
    pub fn parse(code: &str) -> Result<Self, InvalidValue> {
        let upper = code.trim().to_ascii_uppercase();
        match ISO_4217.binary_search(&upper.as_str()) {
            Ok(i) => {
                let b = ISO_4217[i].as_bytes();
                Ok(Self([b[0], b[1], b[2]]))
            }
            Err(_) => Err(InvalidValue::new("must be an ISO 4217 currency code")),
        }
    }

    /// The three-letter code.
    pub fn as_str(&self) -> &str {
        // Only ever built from ASCII entries of ISO_4217.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_table_is_sorted_for_binary_search() {
        assert!(ISO_4217.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn currencies_parse_case_insensitively() {
        assert_eq!(Currency::parse("eur").unwrap(), Currency::EUR);
        assert_eq!(Currency::parse("JPY").unwrap().as_str(), "JPY");
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("ABC").is_err());
        assert!(Currency::parse("").is_err());
    }

    #[test]
    fn cents_are_bounded() {
        assert_eq!(Cents::new(0).unwrap(), Cents::ZERO);
        assert_eq!(Cents::new(100_000_000).unwrap().get(), 100_000_000);
        assert!(Cents::new(-1).is_err());
        assert!(Cents::new(100_000_001).is_err());
    }
}
