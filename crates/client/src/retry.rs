//! Bounded retries with exponential backoff and jitter.

use std::time::Duration;

use rand::RngExt;

/// Statuses that are retried: too many requests and the transient server errors.
pub const RETRY_STATUSES: &[u16] = &[429, 500, 502, 503, 504];

/// When and how long to wait before trying a request again.
///
/// Only connection failures and the statuses in [`RETRY_STATUSES`] are retried; other 4xx
/// answers, timeouts and undecodable 2xx answers are not. Before retry `n` (0-based) the client
/// waits a random time in `[b/2, b]` with `b = min(max_backoff, initial_backoff * 2^n)`, or
/// the server's `Retry-After` (seconds) when that is longer, still capped by `max_backoff`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = no retry).
    pub max_retries: u32,
    /// Backoff before the first retry.
    pub initial_backoff: Duration,
    /// Upper bound of any single wait.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// Three retries, starting at 200 ms, at most 5 s apart.
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// `max_retries` retries with the default backoff.
    pub fn with_max_retries(max_retries: u32) -> Self {
        Self {
            max_retries,
            ..Self::default()
        }
    }

    /// Sets the backoff bounds.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The wait before retry number `retry` (0-based).
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        let base = self
            .initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        let half = base / 2;
        let spread = u64::try_from((base - half).as_nanos()).unwrap_or(u64::MAX);
        let jitter = if spread == 0 {
            0
        } else {
            rand::rng().random_range(0..=spread)
        };
        let delay = half + Duration::from_nanos(jitter);
        match retry_after {
            Some(after) => delay.max(after.min(self.max_backoff)),
            None => delay,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stay_bounded() {
        let p = RetryPolicy::default();
        for retry in 0..40 {
            let base = (p.initial_backoff * 2u32.pow(retry.min(20))).min(p.max_backoff);
            let d = p.delay(retry, None);
            assert!(d >= base / 2 && d <= base, "{retry}: {d:?}");
        }
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(60))),
            p.max_backoff,
            "Retry-After is capped"
        );
        assert!(p.delay(0, Some(Duration::from_secs(1))) >= Duration::from_secs(1));
        assert_eq!(RetryPolicy::none().max_retries, 0);
    }
}
