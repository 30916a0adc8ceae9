//! Which roles may perform each operation of the API at all (the 403 that comes before looking
//! anything up). Rules that depend on the resource (a TA's *own* availability, a student's *own*
//! booking) live in the services of each context.

use super::actor::{Actor, Role};

use Role::{Admin, Student, Ta};

macro_rules! operations {
    ($($(#[$meta:meta])* $op:ident => [$($role:ident),+];)*) => {
        /// Every authenticated operation of the API (public endpoints need no actor).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Operation {
            $($(#[$meta])* $op,)*
        }

        impl Operation {
            /// Every operation.
            pub const ALL: &'static [Operation] = &[$(Operation::$op,)*];

            /// The roles that may perform the operation (on some resource).
            pub const fn allowed_roles(self) -> &'static [Role] {
                match self { $(Operation::$op => &[$($role),+],)* }
            }
        }
    };
}

operations! {
    /// `GET /organization`
    GetOrganization => [Admin, Ta, Student];
    /// `PATCH /organization`
    UpdateOrganization => [Admin];
    /// `POST /auth/logout`
    Logout => [Admin, Ta, Student];
    /// `GET /auth/sessions`
    ListSessions => [Admin, Ta, Student];
    /// `DELETE /auth/sessions/{id}`
    RevokeSession => [Admin, Ta, Student];
    /// `POST /auth/verify-email/resend`
    ResendVerification => [Admin, Ta, Student];
    /// `GET /me`
    GetMe => [Admin, Ta, Student];
    /// `POST /courses`
    CreateCourse => [Admin];
    /// `GET /courses`
    ListCourses => [Admin, Ta, Student];
    /// `GET /courses/{id}`
    GetCourse => [Admin, Ta, Student];
    /// `PATCH /courses/{id}`
    UpdateCourse => [Admin];
    /// `POST /tas`
    InviteTa => [Admin];
    /// `GET /tas`
    ListTas => [Admin, Ta, Student];
    /// `PUT /courses/{id}/tas/{taId}`
    AssignTa => [Admin];
    /// `DELETE /courses/{id}/tas/{taId}`
    UnassignTa => [Admin];
    /// `GET /courses/{id}/tas`
    ListCourseTas => [Admin, Ta, Student];
    /// `POST /courses/{id}/products`
    CreateProduct => [Admin];
    /// `GET /courses/{id}/products`
    ListProducts => [Admin, Ta, Student];
    /// `PATCH /products/{id}`
    UpdateProduct => [Admin];
    /// `GET /tas/{taId}/availability`
    GetAvailability => [Admin, Ta, Student];
    /// `PUT /tas/{taId}/availability` (a TA only their own)
    PutAvailability => [Admin, Ta];
    /// `GET /courses/{id}/slots`
    SearchSlots => [Admin, Ta, Student];
    /// `POST /bundle-purchases`
    PurchaseBundle => [Student];
    /// `GET /bundle-purchases` (a student only their own)
    ListBundles => [Admin, Student];
    /// `GET /bundle-purchases/{id}` (a student only their own)
    GetBundle => [Admin, Student];
    /// `GET /bundle-purchases/{id}/ledger` (a student only their own)
    GetBundleLedger => [Admin, Student];
    /// `POST /bookings/individual` (an admin for a student)
    BookIndividual => [Admin, Student];
    /// `GET /bookings` (each role sees its own)
    ListBookings => [Admin, Ta, Student];
    /// `GET /bookings/{id}`
    GetBooking => [Admin, Ta, Student];
    /// `POST /bookings/{id}/cancel` (see the cancellation policy)
    CancelBooking => [Admin, Ta, Student];
    /// `POST /bookings/{id}/reschedule` (see domain.md part 2, "Reschedule")
    RescheduleBooking => [Admin, Ta, Student];
    /// `POST /booking-series` (an admin for a student)
    BookSeries => [Admin, Student];
    /// `GET /booking-series/{id}` (admins, its TA, its student)
    GetSeries => [Admin, Ta, Student];
    /// `POST /booking-series/{id}/cancel` (admins, its TA, its student)
    CancelSeries => [Admin, Ta, Student];
    /// `POST /tas/{taId}/time-off` (a TA only their own)
    RecordTimeOff => [Admin, Ta];
    /// `GET /tas/{taId}/time-off`
    ListTimeOff => [Admin, Ta, Student];
    /// `DELETE /tas/{taId}/time-off/{id}` (a TA only their own)
    DeleteTimeOff => [Admin, Ta];
    /// `PUT /bookings/{id}/attendance` (admins, the booking's TA)
    RecordAttendance => [Admin, Ta];
    /// `GET /tas/me/unmarked-sessions`
    ListUnmarkedSessions => [Ta];
    /// `GET /students/{id}/credit-statement` (a student only their own)
    GetCreditStatement => [Admin, Student];
    /// `GET /reports/sessions` and `GET /reports/tas`
    ViewReports => [Admin];
    /// `POST /group-session-templates`
    CreateTemplate => [Admin];
    /// `GET /group-session-templates`
    ListTemplates => [Admin, Ta, Student];
    /// `POST /group-sessions` (a TA only from their own templates)
    ScheduleGroupSession => [Admin, Ta];
    /// `GET /group-sessions`
    ListGroupSessions => [Admin, Ta, Student];
    /// `POST /group-sessions/{id}/join`
    JoinGroupSession => [Student];
    /// `POST /group-sessions/{id}/leave`
    LeaveGroupSession => [Student];
    /// `POST /group-sessions/{id}/waitlist`
    JoinWaitlist => [Student];
    /// `DELETE /group-sessions/{id}/waitlist`
    LeaveWaitlist => [Student];
    /// `GET /admin/jobs`
    ListJobs => [Admin];
    /// `POST /admin/jobs/{id}/retry`
    RetryJob => [Admin];
    /// `GET /admin/audit-events`
    ListAuditEvents => [Admin];
}

impl Role {
    /// Whether this role may perform `op` on some resource.
    pub fn may(self, op: Operation) -> bool {
        op.allowed_roles().contains(&self)
    }
}

impl Actor {
    /// Whether the actor's role may perform `op` on some resource.
    pub fn may(&self, op: Operation) -> bool {
        self.role.may(op)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_allows_at_least_one_role() {
        for op in Operation::ALL {
            assert!(!op.allowed_roles().is_empty(), "{op:?}");
        }
    }

    #[test]
    fn catalog_writes_are_admin_only() {
        for op in [
            Operation::CreateCourse,
            Operation::UpdateCourse,
            Operation::InviteTa,
            Operation::AssignTa,
            Operation::UnassignTa,
            Operation::CreateProduct,
            Operation::UpdateProduct,
            Operation::CreateTemplate,
            Operation::UpdateOrganization,
            Operation::ListJobs,
            Operation::RetryJob,
            Operation::ListAuditEvents,
            Operation::ViewReports,
        ] {
            assert!(Role::Admin.may(op), "{op:?}");
            assert!(!Role::Ta.may(op), "{op:?}");
            assert!(!Role::Student.may(op), "{op:?}");
        }
    }

    #[test]
    fn student_only_operations() {
        for op in [
            Operation::PurchaseBundle,
            Operation::JoinGroupSession,
            Operation::LeaveGroupSession,
            Operation::JoinWaitlist,
            Operation::LeaveWaitlist,
        ] {
            assert_eq!(op.allowed_roles(), &[Role::Student], "{op:?}");
        }
    }

    #[test]
    fn tas_never_touch_bundles_and_students_never_schedule() {
        assert!(!Role::Ta.may(Operation::ListBundles));
        assert!(!Role::Ta.may(Operation::GetBundleLedger));
        assert!(!Role::Ta.may(Operation::BookIndividual));
        assert!(!Role::Student.may(Operation::ScheduleGroupSession));
        assert!(!Role::Student.may(Operation::PutAvailability));
        assert!(Role::Ta.may(Operation::PutAvailability));
        assert!(!Role::Ta.may(Operation::GetCreditStatement));
        assert!(!Role::Student.may(Operation::RecordAttendance));
        assert_eq!(Operation::ListUnmarkedSessions.allowed_roles(), &[Role::Ta]);
    }

    #[test]
    fn members_read_the_catalog() {
        for role in Role::ALL {
            for op in
                [Operation::ListCourses, Operation::GetCourse, Operation::SearchSlots, Operation::ListGroupSessions]
            {
                assert!(role.may(op), "{role} {op:?}");
            }
        }
    }
}
