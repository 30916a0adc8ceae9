//! Reading emails in tests: [`ParsedMail`] splits a raw RFC 5322 message into headers (unfolded,
//! RFC 2047 encoded words decoded) and MIME parts (multipart split, `quoted-printable` and
//! `base64` bodies decoded), enough to check what a mailer produced without a MIME crate.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// One part of a message: its headers and its decoded body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailPart {
    headers: Vec<(String, String)>,
    /// The body, transfer-decoded, `\r\n` turned into `\n`.
    pub body: String,
}

impl MailPart {
    /// The value of the first header of that name (case-insensitive), encoded words decoded.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every header as `(lower-case name, value)`, in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The media type, lower-cased and without parameters (`text/plain`); `text/plain` when
    /// absent, as RFC 2045 says.
    pub fn content_type(&self) -> String {
        self.header("content-type")
            .and_then(|v| v.split(';').next())
            .map_or_else(|| "text/plain".to_owned(), |t| t.trim().to_ascii_lowercase())
    }
}

/// A whole message: its top-level headers and its leaf parts (one for a single-part message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedMail {
    /// The top-level headers (the body of a multipart message is not in here).
    pub top: MailPart,
    /// The leaf parts in order (nested multiparts flattened).
    pub parts: Vec<MailPart>,
}

impl ParsedMail {
    /// Parses a raw message (CRLF or LF line ends).
    pub fn parse(raw: &str) -> Self {
        let raw = raw.replace("\r\n", "\n");
        let (top, body) = split_part(&raw);
        let mut parts = Vec::new();
        collect_parts(&top, body, &mut parts);
        Self { top: MailPart { headers: top, body: String::new() }, parts }
    }

    /// The value of the first top-level header of that name, encoded words decoded.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.top.header(name)
    }

    /// The `Subject`, decoded.
    pub fn subject(&self) -> Option<&str> {
        self.header("subject")
    }

    /// The first part of that media type (`text/plain`, `text/html`).
    pub fn part(&self, content_type: &str) -> Option<&MailPart> {
        self.parts.iter().find(|p| p.content_type() == content_type)
    }

    /// The decoded text/plain body.
    pub fn text(&self) -> Option<&str> {
        self.part("text/plain").map(|p| p.body.as_str())
    }

    /// The decoded text/html body.
    pub fn html(&self) -> Option<&str> {
        self.part("text/html").map(|p| p.body.as_str())
    }

    /// The first `http://` or `https://` link of the text body (else of the HTML body), up to
    /// the first white space, quote or angle bracket.
    pub fn first_link(&self) -> Option<String> {
        [self.text(), self.html()].into_iter().flatten().find_map(first_link)
    }
}

/// The first `http(s)://…` in a text.
pub fn first_link(text: &str) -> Option<String> {
    let start = [text.find("https://"), text.find("http://")].into_iter().flatten().min()?;
    let link: String =
        text[start..].chars().take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | '<' | '>')).collect();
    Some(link)
}

/// Headers (unfolded, names lower-cased, values decoded) and the rest.
fn split_part(raw: &str) -> (Vec<(String, String)>, &str) {
    let (head, body) = match raw.split_once("\n\n") {
        Some((head, body)) => (head, body),
        None => (raw, ""),
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    for header in &mut headers {
        header.1 = decode_words(&header.1);
    }
    (headers, body)
}

fn collect_parts(headers: &[(String, String)], body: &str, out: &mut Vec<MailPart>) {
    let content_type = headers.iter().find(|(n, _)| n == "content-type").map(|(_, v)| v.as_str()).unwrap_or("");
    if content_type.to_ascii_lowercase().starts_with("multipart/")
        && let Some(boundary) = parameter(content_type, "boundary")
    {
        let delimiter = format!("--{boundary}");
        for (i, section) in body.split(&format!("\n{delimiter}")).enumerate() {
            // The preamble before the first delimiter (which may start the body) is skipped.
            let section = if i == 0 {
                match section.strip_prefix(&delimiter) {
                    Some(first) => first,
                    None => continue,
                }
            } else {
                section
            };
            if section.starts_with("--") {
                break;
            }
            let section = section.strip_prefix('\n').unwrap_or(section);
            let (part_headers, part_body) = split_part(section);
            collect_parts(&part_headers, part_body, out);
        }
        return;
    }
    let encoding = headers
        .iter()
        .find(|(n, _)| n == "content-transfer-encoding")
        .map(|(_, v)| v.to_ascii_lowercase())
        .unwrap_or_default();
    let body = match encoding.as_str() {
        "quoted-printable" => decode_quoted_printable(body),
        "base64" => decode_base64(body),
        _ => body.to_owned(),
    };
    out.push(MailPart { headers: headers.to_vec(), body });
}

/// A parameter of a header value (`boundary="x"` → `x`).
fn parameter(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (key, v) = p.trim().split_once('=')?;
        key.trim().eq_ignore_ascii_case(name).then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// Decodes a quoted-printable body (RFC 2045 §6.7): `=XX` escapes and `=` soft line breaks.
pub fn decode_quoted_printable(body: &str) -> String {
    let mut bytes = Vec::with_capacity(body.len());
    let mut lines = body.split('\n').peekable();
    while let Some(line) = lines.next() {
        let line = line.trim_end_matches([' ', '\t', '\r']);
        let (line, soft_break) = match line.strip_suffix('=') {
            Some(rest) => (rest, true),
            None => (line, false),
        };
        let raw = line.as_bytes();
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'='
                && let Some(byte) = raw.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok())
                && let Ok(byte) = u8::from_str_radix(byte, 16)
            {
                bytes.push(byte);
                i += 3;
            } else {
                bytes.push(raw[i]);
                i += 1;
            }
        }
        if !soft_break && lines.peek().is_some() {
            bytes.push(b'\n');
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Decodes a base64 body (line breaks ignored).
pub fn decode_base64(body: &str) -> String {
    let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD
        .decode(compact)
        .map(|bytes| String::from_utf8_lossy(&bytes).replace("\r\n", "\n"))
        .unwrap_or_else(|e| format!("<invalid base64: {e}>"))
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`); white space between two
/// encoded words is dropped, as the RFC says.
pub fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, from) = rest.split_at(start);
        let Some(word) = parse_word(from) else {
            out.push_str(before);
            out.push_str("=?");
            rest = &from[2..];
            last_was_word = false;
            continue;
        };
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        out.push_str(&word.0);
        rest = &from[word.1..];
        last_was_word = true;
    }
    out.push_str(rest);
    out
}

/// One encoded word at the start of `text`: its decoded text and its length.
fn parse_word(text: &str) -> Option<(String, usize)> {
    let inner = text.strip_prefix("=?")?;
    let mut fields = inner.splitn(3, '?');
    let _charset = fields.next()?;
    let encoding = fields.next()?;
    let payload_and_rest = fields.next()?;
    let end = payload_and_rest.find("?=")?;
    let payload = &payload_and_rest[..end];
    let decoded = match encoding {
        "b" | "B" => decode_base64(payload),
        "q" | "Q" => decode_quoted_printable(&payload.replace('_', " ")),
        _ => return None,
    };
    // Up to the payload, the payload, then `?=`.
    let length = text.len() - payload_and_rest.len() + end + 2;
    Some((decoded, length))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_are_split_and_decoded() {
        let raw = "Subject: =?utf-8?b?WsO2ZQ==?= =?utf-8?q?_=C3=A5?=\r\nContent-Type: multipart/alternative;\r\n \
                   boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\
                   Content-Transfer-Encoding: quoted-printable\r\n\r\nHello Zo=C3=AB, a long=\r\n line\r\n\
                   https://x.example/a?b=3Dc\r\n--XX\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\
                   \r\nPGI+aGk8L2I+\r\n--XX--\r\n";
        let mail = ParsedMail::parse(raw);
        assert_eq!(mail.subject(), Some("Zöe å"));
        assert_eq!(mail.text(), Some("Hello Zoë, a long line\nhttps://x.example/a?b=c"));
        assert_eq!(mail.html(), Some("<b>hi</b>"));
        assert_eq!(mail.first_link().as_deref(), Some("https://x.example/a?b=c"));
        assert_eq!(mail.parts.len(), 2);
    }

    #[test]
    fn a_single_part_message_is_its_own_part() {
        let mail = ParsedMail::parse("Subject: Hi\n\nbody https://a.example/x\n");
        assert_eq!(mail.text(), Some("body https://a.example/x\n"));
        assert_eq!(mail.first_link().as_deref(), Some("https://a.example/x"));
    }
}
