//! The idle timeout of a streamed reply (events, a download): one timer for the whole stream.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};

/// Whether a stream has gone `timeout` without progress. Progress only notes the time: the
/// timer is set when the stream first waits, and moved only when it fires before the deadline
/// progress has pushed back, so a fast stream costs a clock read per chunk, not a timer each.
pub(crate) struct IdleTimer {
    timeout: Duration,
    last_progress: Instant,
    sleep: Option<Pin<Box<Sleep>>>,
}

impl IdleTimer {
    /// A timer whose first wait starts now.
    pub(crate) fn new(timeout: Duration) -> Self {
        IdleTimer { timeout, last_progress: Instant::now(), sleep: None }
    }

    /// The stream made progress at `now` (the caller reads the clock once for all its timers):
    /// the idle time starts again.
    pub(crate) fn progress(&mut self, now: Instant) {
        self.last_progress = now;
    }

    /// Ready once the stream has waited `timeout` since its last progress; the caller is woken
    /// then, unless progress comes first.
    pub(crate) fn poll_expired(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let deadline = idle_deadline(self.last_progress, self.timeout);
        let sleep = self.sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        while sleep.as_mut().poll(cx).is_ready() {
            let deadline = idle_deadline(self.last_progress, self.timeout);
            if Instant::now() >= deadline {
                return Poll::Ready(());
            }
            sleep.as_mut().reset(deadline);
        }
        Poll::Pending
    }
}

/// When a wait of `timeout` from `from` ends (a timeout too large for the clock: about never).
fn idle_deadline(from: Instant, timeout: Duration) -> Instant {
    from.checked_add(timeout).unwrap_or_else(|| from + Duration::from_secs(100 * 365 * 86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn it_expires_after_the_timeout_without_progress_and_not_before() {
        let mut timer = IdleTimer::new(Duration::from_secs(10));
        tokio::time::advance(Duration::from_secs(6)).await;
        assert!(std::future::poll_fn(|cx| Poll::Ready(timer.poll_expired(cx))).await.is_pending());
        timer.progress(Instant::now());
        // The timer was set for 10 s after the start; progress at 6 s moves the deadline to 16 s.
        tokio::time::advance(Duration::from_secs(6)).await;
        assert!(std::future::poll_fn(|cx| Poll::Ready(timer.poll_expired(cx))).await.is_pending());
        let started = Instant::now();
        std::future::poll_fn(|cx| timer.poll_expired(cx)).await;
        assert_eq!(started.elapsed(), Duration::from_secs(4), "expired 10 s after the last progress");
    }

    #[tokio::test(start_paused = true)]
    async fn a_timeout_too_large_for_the_clock_never_expires() {
        let mut timer = IdleTimer::new(Duration::MAX);
        tokio::time::advance(Duration::from_secs(365 * 86_400)).await;
        assert!(std::future::poll_fn(|cx| Poll::Ready(timer.poll_expired(cx))).await.is_pending());
    }
}
