//! The shared kernel: identifiers, time, money, text, pagination, actors and permissions, and
//! the error vocabulary every context uses.

pub mod actor;
pub mod email;
pub mod error;
pub mod ids;
pub mod metrics;
pub mod money;
pub mod paging;
pub mod permissions;
pub mod retry;
pub mod secret;
pub(crate) mod text;
pub mod time;
pub mod validation;
pub mod zone;

pub use actor::{Actor, RequestContext, Role};
pub use email::{Email, PersonName};
pub use error::{ErrorCategory, ErrorCode, UseCaseError};
pub use ids::*;
pub use metrics::{BusinessEvent, BusinessMetrics, NoMetrics};
pub use money::{Cents, Currency};
pub use paging::{Cursor, CursorKey, Page, PageRequest};
pub use permissions::Operation;
pub use secret::Secret;
pub use time::{Clock, FixedClock, Interval, SystemClock};
pub use validation::{FieldError, InvalidValue, ValidationErrors, Validator};
pub use zone::TimeZoneId;
