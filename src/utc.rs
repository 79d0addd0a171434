//! Times shown in UTC, to the second: any [`SystemTime`] a file system can give, before
//! 1970-01-01 too, and any count of seconds from then. RFC 3339 (`1998-06-02T08:41:07Z`) for
//! the years 0000 to 9999; beyond them the ISO 8601 expanded year with its sign
//! (`+10000-01-01T00:00:00Z`, `-0001-12-31T23:59:59Z`). Never panics: a file modified before
//! 1970 is dated, not a crash (humantime's formatter panics on such a time).

use std::time::{SystemTime, UNIX_EPOCH};

/// `t` in UTC, to the second (a part of a second is cut towards the past).
pub fn rfc3339(t: SystemTime) -> String {
    unix(unix_seconds(t))
}

/// Whole seconds from 1970-01-01T00:00:00Z to `t`, negative before it (rounded down, so
/// 0.5 s before is -1), saturating far beyond the range of any file system.
pub fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => {
            let d = e.duration();
            let s = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            if d.subsec_nanos() > 0 {
                s.saturating_neg().saturating_sub(1)
            } else {
                s.saturating_neg()
            }
        }
    }
}

/// `secs` seconds from 1970-01-01T00:00:00Z, in UTC.
pub fn unix(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (y, m, d) = civil(days);
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else {
        format!("{y:+05}")
    };
    format!(
        "{year}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The proleptic Gregorian date `days` days from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn times_before_the_epoch_are_dated() {
        let before = |s: u64, n: u32| rfc3339(UNIX_EPOCH - Duration::new(s, n));
        assert_eq!(before(1, 0), "1969-12-31T23:59:59Z");
        assert_eq!(before(0, 500_000_000), "1969-12-31T23:59:59Z");
        assert_eq!(before(1, 1), "1969-12-31T23:59:58Z");
        // 1900-01-01 (not a leap year) and 1600-02-29 (a leap year).
        assert_eq!(before(2_208_988_800, 0), "1900-01-01T00:00:00Z");
        assert_eq!(unix(-11_670_998_400), "1600-02-29T00:00:00Z");
        assert_eq!(unix(-62_167_219_200), "0000-01-01T00:00:00Z");
        assert_eq!(unix(-62_167_219_201), "-0001-12-31T23:59:59Z");
    }

    #[test]
    fn times_after_the_epoch_agree_with_humantime() {
        for s in [
            0u64,
            59,
            896_776_867,
            951_782_400,
            4_102_444_800,
            253_402_300_799,
        ] {
            let t = UNIX_EPOCH + Duration::new(s, 999_999_999);
            assert_eq!(rfc3339(t), humantime::format_rfc3339_seconds(t).to_string());
        }
        assert_eq!(unix(253_402_300_800), "+10000-01-01T00:00:00Z");
        // The ends of the range are dated too, without overflow.
        assert!(
            unix(i64::MIN).starts_with("-292277022657-"),
            "{}",
            unix(i64::MIN)
        );
        assert!(
            unix(i64::MAX).starts_with("+292277026596-"),
            "{}",
            unix(i64::MAX)
        );
    }
}
