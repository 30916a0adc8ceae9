//! Use cases of recurring series: book one (all or nothing, or what passes), read it, cancel
//! it from a date on.

mod book;
mod cancel;
mod emails;

pub use book::*;
pub use cancel::*;

use crate::booking::Booking;
use crate::core::Core;
use crate::shared::error::use_case_error;
use crate::shared::{Actor, Operation, SeriesId};

use super::model::BookingSeries;

/// A series and its bookings (earliest first), as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesView {
    /// The series.
    pub series: BookingSeries,
    /// Its bookings, cancelled ones included, as the caller may see them.
    pub bookings: Vec<Booking>,
}

use_case_error! {
    /// Errors of [`SeriesService::get`].
    pub enum GetSeriesError { NotFound }
}

/// Books, reads and cancels recurring series.
#[derive(Clone)]
pub struct SeriesService {
    core: Core,
}

impl SeriesService {
    /// A service over the core ports.
    pub fn new(core: Core) -> Self {
        Self { core }
    }

    /// A series (`GET /booking-series/{id}`): admins, its TA, its student.
    ///
    /// # Errors
    /// `NotFound` when it does not exist for the caller.
    #[tracing::instrument(skip_all, name = "series.get")]
    pub async fn get(&self, actor: &Actor, id: SeriesId) -> Result<SeriesView, GetSeriesError> {
        let repos = &*self.core.store;
        let series = repos.series().get(actor.organization_id, id).await?;
        let series = series.filter(|s| actor.may(Operation::GetSeries) && s.visible_to(actor));
        let series = series.ok_or(GetSeriesError::NotFound)?;
        let bookings = repos.bookings().of_series(actor.organization_id, id).await?;
        Ok(SeriesView { series, bookings: bookings.into_iter().map(|b| b.redacted_for(actor)).collect() })
    }
}
