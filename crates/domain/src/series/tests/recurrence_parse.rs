//! `Recurrence::parse`: the accepted forms, every refusal with its message, and the canonical
//! text round trip.

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use proptest::prelude::*;

use crate::series::{Frequency, Recurrence, RecurrenceEnd, RecurrenceError};
use crate::shared::InvalidValue;

fn parse(text: &str) -> Recurrence {
    Recurrence::parse(text).unwrap_or_else(|e| panic!("{text:?} refused: {e}"))
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("test instant").with_timezone(&Utc)
}

fn refusal(text: &str) -> String {
    match Recurrence::parse(text) {
        Err(RecurrenceError::Shape(InvalidValue(message))) => message.into_owned(),
        other => panic!("{text:?} should be refused as malformed, got {other:?}"),
    }
}

#[test]
fn the_canonical_example_parses_to_its_parts() {
    let rule = parse("FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH;COUNT=10");
    assert_eq!(rule.frequency(), Frequency::Weekly);
    assert_eq!(rule.interval(), 1);
    assert_eq!(rule.by_day(), &[Weekday::Tue, Weekday::Thu]);
    assert_eq!(rule.end(), RecurrenceEnd::Count(10));
    assert_eq!(rule.to_rrule(), "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH;COUNT=10");
}

#[test]
fn parts_come_in_any_order_and_case_with_an_optional_prefix_and_default_interval() {
    let rule = parse("  rrule:count=2;byday=th,tu;freq=weekly ");
    assert_eq!(rule.interval(), 1);
    assert_eq!(rule.by_day(), &[Weekday::Tue, Weekday::Thu]);
    assert_eq!(rule.end(), RecurrenceEnd::Count(2));
    assert_eq!(rule.to_rrule(), "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH;COUNT=2");
}

#[test]
fn bounds_of_interval_and_count_are_accepted() {
    let rule = parse("RRULE:FREQ=DAILY;INTERVAL=4;COUNT=52");
    assert_eq!((rule.frequency(), rule.interval(), rule.end()), (Frequency::Daily, 4, RecurrenceEnd::Count(52)));
    assert!(rule.by_day().is_empty());
    assert_eq!(rule.to_rrule(), "FREQ=DAILY;INTERVAL=4;COUNT=52");
    assert_eq!(parse("FREQ=DAILY;INTERVAL=1;COUNT=2").end(), RecurrenceEnd::Count(2));
    let padded = parse("FREQ=WEEKLY;BYDAY=SU,SA,FR,TH,WE,TU,MO;INTERVAL=02;COUNT=02");
    assert_eq!(padded.interval(), 2);
    assert_eq!(padded.to_rrule(), "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR,SA,SU;COUNT=2");
}

#[test]
fn until_is_a_utc_date_time_or_a_date() {
    let rule = parse("FREQ=DAILY;UNTIL=20270315T170000Z");
    assert_eq!(rule.end(), RecurrenceEnd::Until(utc("2027-03-15T17:00:00Z")));
    assert_eq!(rule.to_rrule(), "FREQ=DAILY;INTERVAL=1;UNTIL=20270315T170000Z");
    let last_second = parse("freq=daily;until=20271231t235959z");
    assert_eq!(last_second.end(), RecurrenceEnd::Until(utc("2027-12-31T23:59:59Z")));
    let date = parse("FREQ=WEEKLY;UNTIL=20270315");
    let march_15 = NaiveDate::from_ymd_opt(2027, 3, 15).expect("date");
    assert_eq!(date.end(), RecurrenceEnd::UntilDate(march_15));
    assert!(date.by_day().is_empty());
    assert_eq!(date.to_rrule(), "FREQ=WEEKLY;INTERVAL=1;UNTIL=20270315");
}

#[test]
fn parts_outside_the_subset_are_refused() {
    let shape = "each part must be NAME=VALUE";
    let unknown = "only FREQ, INTERVAL, BYDAY, COUNT and UNTIL are allowed";
    let repeated = "each part may appear only once";
    for (text, message) in [
        ("", shape),
        ("RRULE:", shape),
        ("FREQ=DAILY;COUNT=3;", shape),
        ("FREQ=DAILY;;COUNT=3", shape),
        ("FREQ=DAILY;COUNT", shape),
        ("FREQ=DAILY;COUNT=3;WKST=MO", unknown),
        ("FREQ=DAILY;COUNT=3;BYHOUR=9", unknown),
        ("FREQ=WEEKLY;BYWEEKDAY=MO;COUNT=3", unknown),
        ("DTSTART=20270101;FREQ=DAILY;COUNT=3", unknown),
        ("FREQ=DAILY;FREQ=DAILY;COUNT=3", repeated),
        ("FREQ=DAILY;INTERVAL=1;INTERVAL=2;COUNT=3", repeated),
        ("FREQ=WEEKLY;BYDAY=MO;BYDAY=TU;COUNT=3", repeated),
        ("FREQ=DAILY;COUNT=3;COUNT=4", repeated),
        ("FREQ=DAILY;UNTIL=20270101;UNTIL=20270102", repeated),
        ("INTERVAL=2;COUNT=3", "FREQ is required"),
        ("FREQ=MONTHLY;COUNT=3", "FREQ must be DAILY or WEEKLY"),
        ("FREQ=HOURLY;COUNT=3", "FREQ must be DAILY or WEEKLY"),
        ("FREQ=;COUNT=3", "FREQ must be DAILY or WEEKLY"),
        ("FREQ=DAILY;BYDAY=MO;COUNT=3", "BYDAY is allowed only with FREQ=WEEKLY"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20270101", "COUNT and UNTIL cannot both be given"),
        ("FREQ=DAILY", "COUNT or UNTIL is required"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "COUNT or UNTIL is required"),
    ] {
        assert_eq!(refusal(text), message, "{text:?}");
    }
}

#[test]
fn interval_and_count_outside_their_ranges_are_refused() {
    for value in ["0", "5", "", "+2", "-1", "1.0", "2 ", "99999999999", "x"] {
        let text = format!("FREQ=DAILY;INTERVAL={value};COUNT=3");
        assert_eq!(refusal(&text), "INTERVAL must be a whole number from 1 to 4", "{text:?}");
    }
    for value in ["1", "53", "0", "", "+5", "abc", "4294967296"] {
        let text = format!("FREQ=DAILY;COUNT={value}");
        assert_eq!(refusal(&text), "COUNT must be a whole number from 2 to 52", "{text:?}");
    }
}

#[test]
fn malformed_or_repeated_weekdays_are_refused() {
    for value in ["", "MO,", ",MO", "1MO", "+1MO", "MONDAY", "XX", "M"] {
        let text = format!("FREQ=WEEKLY;BYDAY={value};COUNT=3");
        assert_eq!(refusal(&text), "BYDAY must list weekdays among MO, TU, WE, TH, FR, SA, SU", "{text:?}");
    }
    for value in ["MO,MO", "TU,MO,TU"] {
        let text = format!("FREQ=WEEKLY;BYDAY={value};COUNT=3");
        assert_eq!(refusal(&text), "BYDAY lists a weekday twice", "{text:?}");
    }
}

#[test]
fn malformed_until_values_are_refused() {
    for value in [
        "",
        "2027031",
        "202703150",
        "+0270315",
        "2027-03-15",
        "20270230",
        "20271301",
        "202é0315",
        "2027é0315",
        "20270315T170000",
        "20270315T1700Z",
        "20270315T17000Z",
        "20270315T1700000Z",
        "20270315T250000Z",
        "20270315T176000Z",
        "20270315T170060Z",
        "20270315T+10000Z",
        "20270315T1a0000Z",
        "20270315TZ",
        "T170000Z",
        "2027031T170000Z",
        "20270315T170000+01",
    ] {
        let text = format!("FREQ=DAILY;UNTIL={value}");
        assert_eq!(refusal(&text), "UNTIL must be a UTC date-time yyyymmddThhmmssZ or a date yyyymmdd", "{text:?}");
    }
}

#[test]
fn errors_display_their_message() {
    let shape = Recurrence::parse("FREQ=YEARLY;COUNT=2").expect_err("refused");
    assert_eq!(shape.to_string(), "FREQ must be DAILY or WEEKLY");
    assert_eq!(RecurrenceError::Rule("no occurrence").to_string(), "no occurrence");
}

fn rule_parts() -> impl Strategy<Value = Vec<String>> {
    let end = prop_oneof![
        (2u32..=52).prop_map(|n| format!("COUNT={n}")),
        (2000i32..=2099, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("UNTIL={y:04}{m:02}{d:02}")),
        (2000i32..=2099, 1u32..=365, 0u32..86_400).prop_map(|(y, day, second)| {
            let date = NaiveDate::from_yo_opt(y, day).expect("day of year");
            let at = date.and_hms_opt(second / 3600, second / 60 % 60, second % 60).expect("time");
            format!("UNTIL={}", at.format("%Y%m%dT%H%M%SZ"))
        }),
    ];
    (any::<bool>(), proptest::option::of(1u32..=4), 0u8..128, end).prop_map(|(weekly, interval, days, end)| {
        let mut parts = vec![format!("FREQ={}", if weekly { "WEEKLY" } else { "DAILY" }), end];
        if let Some(interval) = interval {
            parts.push(format!("INTERVAL={interval}"));
        }
        let codes: Vec<&str> = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
            .into_iter()
            .enumerate()
            .filter(|(i, _)| days & (1 << i) != 0)
            .map(|(_, c)| c)
            .collect();
        if weekly && !codes.is_empty() {
            parts.push(format!("BYDAY={}", codes.join(",")));
        }
        parts
    })
}

proptest! {
    #[test]
    fn any_spelling_of_a_rule_parses_to_the_rule_of_its_canonical_text(
        parts in rule_parts().prop_shuffle(),
        lowercase in any::<bool>(),
        prefix in any::<bool>(),
    ) {
        let mut text = parts.join(";");
        if prefix {
            text = format!("RRULE:{text}");
        }
        if lowercase {
            text = text.to_lowercase();
        }
        let rule = parse(&text);
        let canonical = rule.to_rrule();
        prop_assert_eq!(Recurrence::parse(&canonical), Ok(rule));
        prop_assert_eq!(parse(&canonical).to_rrule(), canonical);
    }
}
