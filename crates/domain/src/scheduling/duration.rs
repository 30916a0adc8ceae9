//! Session durations: multiples of 15 minutes from 15 to 240 (rule 1).

use chrono::TimeDelta;

use crate::shared::validation::InvalidValue;

/// How long a session lasts: a multiple of 15 minutes in `15..=240`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionDuration(u16);

impl SessionDuration {
    /// The longest session (240 minutes): a session overlapping an interval starts less than
    /// this before the interval's start, which bounds the rows an overlap query reads.
    pub const MAX: Self = Self(240);

    /// Checks the duration grid.
    ///
    /// # Errors
    /// When not a multiple of 15 in `15..=240`.
    pub fn from_minutes(minutes: i64) -> Result<Self, InvalidValue> {
        if (15..=i64::from(Self::MAX.0)).contains(&minutes) && minutes % 15 == 0 {
            Ok(Self(u16::try_from(minutes).map_err(|_| InvalidValue::new("out of range"))?))
        } else {
            Err(InvalidValue::new("must be a multiple of 15 between 15 and 240"))
        }
    }

    /// The duration in minutes.
    pub const fn minutes(self) -> u16 {
        self.0
    }

    /// The duration.
    pub fn as_delta(self) -> TimeDelta {
        TimeDelta::minutes(i64::from(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_is_fifteen_minute_steps_up_to_four_hours() {
        for ok in [15, 30, 45, 60, 90, 225, 240] {
            assert_eq!(SessionDuration::from_minutes(ok).unwrap().minutes(), ok as u16);
        }
        for bad in [0, 10, 14, 16, 50, 255, 241, -15, 480] {
            assert!(SessionDuration::from_minutes(bad).is_err(), "{bad}");
        }
    }
}
