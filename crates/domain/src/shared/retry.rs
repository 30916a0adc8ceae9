//! Runs a transactional use case again when the store reports a transient conflict
//! (serialization failure, deadlock): the transaction was rolled back, so running the whole
//! check-and-write again from fresh reads is safe.

use std::future::Future;

use super::error::UseCaseError;

/// How many times a use case runs at most.
pub const MAX_ATTEMPTS: u32 = 5;

/// Runs `attempt` until it succeeds, fails for good, or [`MAX_ATTEMPTS`] runs all failed
/// transiently (the last error is returned).
pub async fn retry_transient<T, E, F, Fut>(mut attempt: F) -> Result<T, E>
where
    E: UseCaseError,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut runs = 1;
    loop {
        match attempt().await {
            Err(e) if e.is_transient() && runs < MAX_ATTEMPTS => runs += 1,
            result => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::error::use_case_error;
    use crate::store::StoreError;
    use std::cell::Cell;

    use_case_error! {
        enum TryError { NotFound }
    }

    #[tokio::test]
    async fn retries_transient_failures_until_success() {
        let calls = Cell::new(0);
        let result: Result<u8, TryError> = retry_transient(|| {
            calls.set(calls.get() + 1);
            let n = calls.get();
            async move { if n < 3 { Err(StoreError::Transient(anyhow::anyhow!("40001")).into()) } else { Ok(7) } }
        })
        .await;
        assert_eq!(result.unwrap(), 7);
        assert_eq!(calls.get(), 3);
    }

    #[tokio::test]
    async fn gives_up_after_the_bound() {
        let calls = Cell::new(0);
        let result: Result<u8, TryError> = retry_transient(|| {
            calls.set(calls.get() + 1);
            async { Err(StoreError::Transient(anyhow::anyhow!("40P01")).into()) }
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.get(), MAX_ATTEMPTS);
    }

    #[tokio::test]
    async fn business_errors_are_not_retried() {
        let calls = Cell::new(0);
        let result: Result<u8, TryError> = retry_transient(|| {
            calls.set(calls.get() + 1);
            async { Err(TryError::NotFound) }
        })
        .await;
        assert!(matches!(result, Err(TryError::NotFound)));
        assert_eq!(calls.get(), 1);
    }
}
