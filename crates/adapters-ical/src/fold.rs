//! Content lines folded at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character.
//!
//! `icalendar` 0.17.17 folds as it writes, but leaves a 76-octet line when what remains of a
//! long line after a fold is exactly 75 octets (it compares the rest with 75 and forgets the
//! space that starts a continuation line). Its output is therefore unfolded and folded again
//! here. Unfolding is exact: every CRLF followed by a space in it is a fold (the only way the
//! crate folds), since escaped TEXT and cleaned parameters hold no line break and no content
//! line starts with a space.

/// The most octets of a line, CRLF excluded.
const LIMIT: usize = 75;

/// `calendar` (CRLF line ends, folded or not) with every content line folded at [`LIMIT`]
/// octets: the first part of a line holds up to 75 octets, each continuation a space and up to
/// 74; a cut falls before a character, never inside it.
pub(crate) fn refold(calendar: &str) -> String {
    let unfolded = calendar.replace("\r\n ", "");
    let mut out = String::with_capacity(unfolded.len() + unfolded.len() / 25);
    for line in unfolded.split_terminator("\r\n") {
        fold_line(line, &mut out);
    }
    out
}

fn fold_line(line: &str, out: &mut String) {
    let mut rest = line;
    let mut room = LIMIT;
    loop {
        if rest.len() <= room {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = LIMIT - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(folded: &str) -> Vec<&str> {
        folded.split_terminator("\r\n").collect()
    }

    #[test]
    fn short_lines_stay_whole_and_end_with_crlf() {
        assert_eq!(refold("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
        let exactly = format!("SUMMARY:{}", "a".repeat(LIMIT - 8));
        assert_eq!(refold(&format!("{exactly}\r\n")), format!("{exactly}\r\n"));
    }

    #[test]
    fn a_rest_of_75_octets_takes_two_continuations_not_a_76_octet_line() {
        let line = format!("SUMMARY:{}", "a".repeat(150 - 8));
        let folded = refold(&format!("{line}\r\n"));
        let parts = lines(&folded);
        assert_eq!(parts.iter().map(|l| l.len()).collect::<Vec<_>>(), [75, 75, 2]);
        assert_eq!(folded.replace("\r\n ", ""), format!("{line}\r\n"), "unfolds to the line");
    }

    #[test]
    fn cuts_fall_between_characters() {
        // 2-, 3- and 4-octet characters at every offset around the limit.
        for pad in 0..4 {
            for ch in ['é', '中', '🎓'] {
                let line = format!("SUMMARY:{}{}", "x".repeat(60 + pad), ch.to_string().repeat(40));
                let folded = refold(&format!("{line}\r\n"));
                for part in lines(&folded) {
                    assert!(part.len() <= LIMIT, "{part:?} is {} octets", part.len());
                }
                assert_eq!(folded.replace("\r\n ", ""), format!("{line}\r\n"));
            }
        }
    }

    #[test]
    fn folds_made_by_the_writer_are_undone_first() {
        let folded_by_icalendar = format!("SUMMARY:{}\r\n {}\r\n", "a".repeat(67), "b".repeat(75));
        let refolded = refold(&folded_by_icalendar);
        assert_eq!(lines(&refolded).iter().map(|l| l.len()).collect::<Vec<_>>(), [75, 75, 2]);
        assert_eq!(refolded.replace("\r\n ", ""), format!("SUMMARY:{}{}\r\n", "a".repeat(67), "b".repeat(75)));
    }
}
