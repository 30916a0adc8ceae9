//! What the demo academy holds: its accounts, hours, courses and prices.

use domain::booking::{LateOutcome, PolicyTerms};

/// A demo account.
pub(super) struct Person {
    pub(super) email: &'static str,
    pub(super) name: &'static str,
}

pub(super) const ADMIN: Person = Person { email: "admin@demo.test", name: "Ada Admin" };

pub(super) const TAS: [Person; 3] = [
    Person { email: "tara@demo.test", name: "Tara Novak" },
    Person { email: "theo@demo.test", name: "Theo Brandt" },
    Person { email: "tina@demo.test", name: "Tina Okafor" },
];

pub(super) const STUDENTS: [Person; 2] =
    [Person { email: "sam@demo.test", name: "Sam Fischer" }, Person { email: "sky@demo.test", name: "Sky Larsen" }];

/// The hours of every TA from Monday to Friday (start, end).
pub(super) const WEEKDAY_HOURS: (&str, &str) = ("09:00", "18:00");
/// The Saturday hours of the first TA.
pub(super) const SATURDAY_HOURS: (&str, &str) = ("10:00", "14:00");

/// A demo course: its TAs (indices in [`TAS`]), the TA of its group sessions, and the local
/// hour at which they start, and its own policy terms.
pub(super) struct DemoCourse {
    pub(super) code: &'static str,
    pub(super) title: &'static str,
    pub(super) description: &'static str,
    pub(super) tas: [usize; 2],
    pub(super) group_ta: usize,
    pub(super) group_hour: u32,
    /// The course's own terms (unset terms follow the organization's).
    pub(super) policy: PolicyTerms,
}

/// Terms of a course that follows the organization's.
const INHERITED: PolicyTerms = PolicyTerms {
    cancellation_window_hours: None,
    reschedule_window_hours: None,
    max_reschedules: None,
    late_cancellation: None,
    no_show: None,
};

pub(super) const COURSES: [DemoCourse; 3] = [
    DemoCourse {
        code: "MATH-101",
        title: "Calculus I",
        description: "Limits, derivatives and integrals of functions of one variable.",
        tas: [0, 1],
        group_ta: 0,
        group_hour: 10,
        policy: INHERITED,
    },
    DemoCourse {
        code: "PHYS-101",
        title: "Mechanics",
        description: "Motion, forces, energy and momentum.",
        tas: [1, 2],
        group_ta: 1,
        group_hour: 14,
        policy: INHERITED,
    },
    DemoCourse {
        code: "CHEM-101",
        title: "General Chemistry",
        description: "Atoms, bonds, reactions and stoichiometry.",
        tas: [2, 0],
        group_ta: 2,
        group_hour: 16,
        // Lab sessions are planned ahead: two days' notice to cancel, three to move, one move,
        // and a late cancellation still refunds.
        policy: PolicyTerms {
            cancellation_window_hours: Some(48),
            reschedule_window_hours: Some(72),
            max_reschedules: Some(1),
            late_cancellation: Some(LateOutcome::Refund),
            no_show: None,
        },
    },
];

/// Price of a single session, in cents.
pub(super) const SESSION_PRICE: i64 = 4_500;
/// The bundle: sessions, validity in days, price in cents.
pub(super) const BUNDLE: (u32, u32, i64) = (5, 90, 20_000);
/// Group templates: capacity, minutes, price per student in cents.
pub(super) const GROUP: (i64, i64, i64) = (6, 60, 1_500);
