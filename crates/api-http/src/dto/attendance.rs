//! Bodies of attendance (`PUT /bookings/{id}/attendance`): each seat's mark and the TA's
//! no-show.

use domain::attendance::AttendanceMarks;
use domain::booking::Attendance;
use domain::shared::{ValidationErrors, Validator};
use garde::Validate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::scalars;

/// One seat's mark.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeatMarkBody {
    /// The seated student.
    #[garde(length(max = 64))]
    #[schema(format = Uuid)]
    pub student_id: String,
    /// `present`, `absent` (a no-show) or `excused`.
    #[garde(length(max = 16))]
    #[schema(value_type = super::schemas::AttendanceName)]
    pub attendance: String,
}

/// `PUT /bookings/{id}/attendance`: marks for some or all seats; seats left out keep their mark.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RecordAttendanceRequest {
    /// At most one mark per seated student (up to 100).
    #[garde(length(max = 100), dive)]
    #[serde(default, deserialize_with = "super::objects::objects")]
    #[schema(max_items = 100)]
    pub seats: Vec<SeatMarkBody>,
    /// Whether the TA did not come (every seat is then refunded); unchanged when left out.
    #[garde(skip)]
    pub ta_no_show: Option<bool>,
}

impl RecordAttendanceRequest {
    /// The marks, or every refused field (`seats[i].studentId`, `seats[i].attendance`).
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self) -> Result<AttendanceMarks, ValidationErrors> {
        let mut v = Validator::default();
        let mut seats = Vec::with_capacity(self.seats.len());
        for (i, seat) in self.seats.iter().enumerate() {
            let student = v.field(format!("seats[{i}].studentId"), scalars::id(&seat.student_id));
            let mark = v.field(format!("seats[{i}].attendance"), Attendance::parse(&seat.attendance));
            if let (Some(student), Some(mark)) = (student, mark) {
                seats.push((student, mark));
            }
        }
        v.finish()?;
        Ok(AttendanceMarks { seats, ta_no_show: self.ta_no_show })
    }
}
