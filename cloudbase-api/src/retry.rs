//! When a failed request is sent again, and how long to wait first.

use crate::error::Error;
use std::time::{Duration, Instant, SystemTime};

/// When and how often a failed request is sent again.
///
/// By default a request is retried up to 3 attempts in all, with exponential backoff and full
/// jitter, within a 30 s budget, when it failed in transport, timed out, or got 429, 502, 503,
/// 504 or an error code CloudBase documents as transient (`EXCEED_CONCURRENT_REQUEST_LIMIT`,
/// `DATABASE_TRANSACTION_CONFLICT`, ...). Only idempotent methods (GET, HEAD, PUT, DELETE,
/// OPTIONS) are retried unless [`retry_non_idempotent`](Self::retry_non_idempotent) says POST and
/// PATCH are safe to repeat too. A `Retry-After` header (delay-seconds, or an HTTP-date in any of
/// the formats of RFC 9110 §5.6.7) is honoured; a wait that would overrun the budget (a delay too
/// large to represent included) ends the retries instead. A `Retry-After` that is neither is
/// ignored: the backoff applies.
///
/// ```
/// use cloudbase_api::RetryPolicy;
/// use std::time::Duration;
///
/// let policy = RetryPolicy::default().max_attempts(5).budget(Duration::from_secs(10));
/// let never = RetryPolicy::none();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) base_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) budget: Duration,
    pub(crate) jitter: bool,
    pub(crate) non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            budget: Duration::from_secs(30),
            jitter: true,
            non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first wait and the longest one; each retry doubles the wait up to `max`.
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_backoff = base;
        self.max_backoff = max.max(base);
        self
    }

    /// The longest time from the first attempt to the start of the last one.
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Whether waits are randomized (full jitter), so many clients do not retry in step.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Whether POST and PATCH requests are retried too. Only say so for requests that are safe
    /// to repeat: a retried insert may insert twice.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.non_idempotent = retry;
        self
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1).
    pub(crate) fn backoff_for(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(20);
        let wait = self.base_backoff.saturating_mul(1 << exponent).min(self.max_backoff);
        if self.jitter { wait.mul_f64(random_fraction()) } else { wait }
    }
}

/// A number in [0, 1), for full jitter.
fn random_fraction() -> f64 {
    fastrand::f64()
}

/// `Retry-After` (RFC 9110 §10.2.3) as a wait: delay-seconds (`1*DIGIT`), or an HTTP-date in
/// any of the three formats of RFC 9110 §5.6.7, relative to `now` (a date in the past: no wait).
///
/// Every computation on the value is checked: delay-seconds too large for a [`Duration`] saturate
/// to [`Duration::MAX`] (a wait longer than any budget, which ends the retries); anything that is
/// not delay-seconds or a valid HTTP-date (httpdate accepts the years 1970 to 9999) is `None`, no
/// usable `Retry-After`, and the backoff applies.
pub(crate) fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // All digits: only too many of them can fail to parse.
        return Some(value.parse::<u64>().map_or(Duration::MAX, Duration::from_secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether an attempt's outcome is worth another attempt.
pub(crate) enum Verdict {
    Done,
    /// Retry, after the server's `Retry-After` if it gave one.
    Retry(Option<Duration>),
}

impl Verdict {
    pub(crate) fn of_error(error: &Error) -> Verdict {
        if error.is_retryable() { Verdict::Retry(None) } else { Verdict::Done }
    }
}

/// The retry state of one request: attempt number, time spent, and the policy in force.
pub(crate) struct Retries<'a> {
    policy: &'a RetryPolicy,
    operation: &'static str,
    method_allows: bool,
    started: Instant,
    number: u32,
    reauthenticated: bool,
}

impl<'a> Retries<'a> {
    /// The retries of one request of `operation` (whose method is `idempotent` or not) under
    /// `policy`, starting now.
    pub(crate) fn new(policy: &'a RetryPolicy, operation: &'static str, idempotent: bool) -> Self {
        Retries {
            policy,
            operation,
            method_allows: idempotent || policy.non_idempotent,
            started: Instant::now(),
            number: 1,
            reauthenticated: false,
        }
    }

    /// The number of the attempt about to be made (1 for the first).
    pub(crate) fn number(&self) -> u32 {
        self.number
    }

    /// Whether a 401 may be answered by asking the token provider again: once per request.
    pub(crate) fn may_reauthenticate(&mut self) -> bool {
        !std::mem::replace(&mut self.reauthenticated, true)
    }

    /// How long to wait before the next attempt, or `None` to return this outcome.
    pub(crate) fn wait_before_next(&mut self, verdict: Verdict) -> Option<Duration> {
        let Verdict::Retry(retry_after) = verdict else { return None };
        if !self.method_allows || self.number >= self.policy.max_attempts {
            return None;
        }
        let wait = retry_after.unwrap_or_else(|| self.policy.backoff_for(self.number));
        // `wait` may come from the wire (`Retry-After`) and be as large as `Duration::MAX`.
        if self.started.elapsed().checked_add(wait).is_none_or(|end| end > self.policy.budget) {
            return None;
        }
        tracing::debug!(
            operation = self.operation,
            attempt = self.number,
            wait_ms = wait.as_millis() as u64,
            "retrying"
        );
        self.number += 1;
        Some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_770);
        assert_eq!(retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(Duration::from_secs(7)));
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("Sun, 06 Foo 1994 08:49:37 GMT", now), None);
        // The obsolete formats recipients must accept (RFC 9110 §5.6.7).
        assert_eq!(retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), Some(Duration::from_secs(7)));
        assert_eq!(retry_after("Sun Nov  6 08:49:37 1994", now), Some(Duration::from_secs(7)));
    }

    #[test]
    fn retry_after_out_of_range_never_panics() {
        let now = SystemTime::now();
        assert_eq!(retry_after("18446744073709551615", now), Some(Duration::from_secs(u64::MAX)));
        assert_eq!(retry_after("184467440737095516150000", now), Some(Duration::MAX));
        for bad in [
            "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
            "Sun, 06 Nov -9223372036854775808 08:49:37 GMT",
            "Sun, 99 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 99:49:37 GMT",
            "+7",
            "-7",
            "7.5",
            "",
        ] {
            assert_eq!(retry_after(bad, now), None, "{bad:?}");
        }
        assert!(retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now).is_some_and(|d| d > Duration::from_secs(1 << 30)));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy =
            RetryPolicy::default().jitter(false).backoff(Duration::from_millis(100), Duration::from_millis(350));
        let waits: Vec<u128> = (1..=4).map(|a| policy.backoff_for(a).as_millis()).collect();
        assert_eq!(waits, [100, 200, 350, 350]);
        let jittered = RetryPolicy::default().backoff_for(3);
        assert!(jittered <= Duration::from_millis(400));
    }
}
