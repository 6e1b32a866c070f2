//! Stalled-stream protection: a floor on the throughput of a streamed reply, measured over the
//! time the stream spent waiting for the server.
//!
//! The clock that counts is the wait: from when the reader asks for the next chunk and the
//! connection has none ready, to when one arrives. Time the reader spends elsewhere (writing
//! to a slow disk, not polling at all) is not the server's and does not count. That clock is cut
//! into bins of a tenth of the grace period; the bytes that arrived in each are kept, and each
//! time the waiting crosses into a new bin, once a whole grace period of waiting is behind, the
//! bytes of the last ten bins (and of the current one, which holds the chunk that ended the wait)
//! must reach the floor times the grace period. One timer per stream,
//! set at the first wait and moved only when it fires (at most once a bin while the stream
//! waits): a chunk costs a clock read or two, never a timer.

use crate::client::StalledStreamProtection;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};

/// What bounds the waits of every streamed reply of a client: the idle timeout, the throughput
/// floor and the transfer deadline ([`ClientBuilder`](crate::ClientBuilder) sets them).
#[derive(Debug, Clone, Copy)]
pub(crate) struct StreamTimers {
    pub(crate) idle: Duration,
    pub(crate) stall: StalledStreamProtection,
    pub(crate) transfer: Option<Duration>,
}

impl StreamTimers {
    /// When a stream whose head arrived now must be read whole, if ever.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        self.transfer.and_then(|timeout| Instant::now().checked_add(timeout))
    }
}

/// Bins in a grace period (the window the throughput is measured over).
const BINS: u64 = 10;

/// The stream fell below the floor: what it received in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stall {
    /// Bytes received over the last `window` of waiting.
    pub(crate) received: u64,
    pub(crate) window: Duration,
    /// The floor, in bytes per second.
    pub(crate) minimum: u64,
}

impl Stall {
    /// The error a stream ends with.
    pub(crate) fn error(self, operation: &'static str) -> crate::Error {
        crate::Error::Stalled { operation, received: self.received, window: self.window, minimum: self.minimum }
    }
}

/// The throughput of one stream against its floor.
pub(crate) struct StallGuard {
    minimum: u64,
    /// Length of a bin of waiting time, in nanoseconds (at least 1).
    bin_ns: u64,
    /// Bytes per bin: the current bin and the ten before it, by absolute bin number modulo 11.
    bins: [u64; BINS as usize + 1],
    /// Waiting time counted so far (not counting a wait still going on), in nanoseconds.
    waited_ns: u64,
    /// When the wait going on began.
    waiting_since: Option<Instant>,
    sleep: Option<Pin<Box<Sleep>>>,
}

impl StallGuard {
    /// A guard for one stream, or none when the protection is off.
    pub(crate) fn new(protection: StalledStreamProtection) -> Option<StallGuard> {
        let minimum = protection.minimum_throughput();
        if minimum == 0 {
            return None;
        }
        let grace_ns = u64::try_from(protection.grace_period_length().as_nanos()).unwrap_or(u64::MAX);
        Some(StallGuard {
            minimum,
            bin_ns: (grace_ns / BINS).max(1),
            bins: [0; BINS as usize + 1],
            waited_ns: 0,
            waiting_since: None,
            sleep: None,
        })
    }

    /// `bytes` arrived, `now` (the caller reads the clock once for all its timers). Ends the
    /// wait going on, if any; when that wait entered a new bin, the floor is checked with these
    /// bytes counted.
    pub(crate) fn received(&mut self, bytes: usize, now: Instant) -> Result<(), Stall> {
        let due = match self.waiting_since.take() {
            Some(since) => self.wait(now.saturating_duration_since(since)),
            None => false,
        };
        let slot = self.slot(self.bin_number());
        self.bins[slot] = self.bins[slot].saturating_add(bytes as u64);
        if due { self.check() } else { Ok(()) }
    }

    /// The stream is waiting for the server and this wait counts. Ready with the stall once the
    /// floor is not met; the caller is woken when the wait crosses into the next bin otherwise.
    pub(crate) fn poll_waiting(&mut self, cx: &mut Context<'_>) -> Poll<Stall> {
        let since = *self.waiting_since.get_or_insert_with(Instant::now);
        let mut sleep = match self.sleep.take() {
            Some(sleep) => sleep,
            None => Box::pin(tokio::time::sleep_until(self.next_bin_at(since))),
        };
        let polled = loop {
            if sleep.as_mut().poll(cx).is_pending() {
                break Poll::Pending;
            }
            // Count the wait so far, then sleep until the next bin from now.
            let now = Instant::now();
            let since = self.waiting_since.replace(now).unwrap_or(now);
            if self.wait(now.saturating_duration_since(since))
                && let Err(stall) = self.check()
            {
                break Poll::Ready(stall);
            }
            sleep.as_mut().reset(self.next_bin_at(now));
        };
        self.sleep = Some(sleep);
        polled
    }

    fn bin_number(&self) -> u64 {
        self.waited_ns / self.bin_ns
    }

    fn slot(&self, bin_number: u64) -> usize {
        (bin_number % (BINS + 1)) as usize
    }

    /// When the wait that began at `since` reaches the next bin.
    fn next_bin_at(&self, since: Instant) -> Instant {
        let next = self.bin_number().saturating_add(1).saturating_mul(self.bin_ns);
        let left = Duration::from_nanos(next.saturating_sub(self.waited_ns));
        since.checked_add(left).unwrap_or_else(|| since + Duration::from_secs(100 * 365 * 86_400))
    }

    /// Counts `waited` of waiting, each bin it enters starting empty. Says whether the floor is
    /// to be checked: a new bin was entered with a whole grace period of waiting behind.
    fn wait(&mut self, waited: Duration) -> bool {
        let before = self.bin_number();
        self.waited_ns = self.waited_ns.saturating_add(u64::try_from(waited.as_nanos()).unwrap_or(u64::MAX));
        let after = self.bin_number();
        if after == before {
            return false;
        }
        for bin in (before + 1..=after).take(BINS as usize + 1) {
            let slot = self.slot(bin);
            self.bins[slot] = 0;
        }
        after >= BINS
    }

    /// The bytes of the last ten whole bins and of the current one against the floor over ten
    /// bins (the current bin is the server's benefit of the doubt: at most a tenth more).
    fn check(&self) -> Result<(), Stall> {
        let received: u64 = self.bins.iter().fold(0u64, |sum, bytes| sum.saturating_add(*bytes));
        let window_ns = self.bin_ns.saturating_mul(BINS);
        if u128::from(received) * 1_000_000_000 < u128::from(self.minimum) * u128::from(window_ns) {
            return Err(Stall { received, window: Duration::from_nanos(window_ns), minimum: self.minimum });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(minimum: u64, grace: Duration) -> StallGuard {
        StallGuard::new(StalledStreamProtection::enabled().min_throughput(minimum).grace_period(grace)).unwrap()
    }

    /// Waits `wait` (counted), then receives `bytes`, as a chunk arriving after a wait does.
    fn chunk_after(guard: &mut StallGuard, wait: Duration, bytes: usize) -> Result<(), Stall> {
        let now = Instant::now();
        guard.waiting_since = Some(now);
        guard.received(bytes, now + wait)
    }

    #[test]
    fn the_floor_is_enforced_only_after_a_grace_period_of_waiting() {
        // 100 bytes/s over 1 s: 100 bytes in the last ten bins of 100 ms.
        let mut g = guard(100, Duration::from_secs(1));
        for _ in 0..9 {
            assert_eq!(chunk_after(&mut g, Duration::from_millis(100), 0), Ok(()), "within the grace period");
        }
        let stall = chunk_after(&mut g, Duration::from_millis(100), 0).unwrap_err();
        assert_eq!(stall, Stall { received: 0, window: Duration::from_secs(1), minimum: 100 });
    }

    #[test]
    fn a_stream_at_the_floor_passes_and_one_just_below_does_not() {
        let mut at = guard(100, Duration::from_secs(1));
        let mut below = guard(100, Duration::from_secs(1));
        for _ in 0..50 {
            assert_eq!(chunk_after(&mut at, Duration::from_millis(100), 10), Ok(()));
        }
        // 80 bytes/s: cut at the first check, a grace period in.
        for _ in 0..9 {
            assert_eq!(chunk_after(&mut below, Duration::from_millis(100), 8), Ok(()));
        }
        let stall = chunk_after(&mut below, Duration::from_millis(100), 8).unwrap_err();
        assert_eq!(stall.received, 80, "{stall:?}");
    }

    #[test]
    fn bytes_that_come_without_a_wait_count_and_take_no_time() {
        let mut g = guard(1000, Duration::from_secs(1));
        // 10 KB ready at once, then a second and a half of waiting for nothing: the 10 KB still
        // fill the window until their bin leaves it.
        g.received(10_000, Instant::now()).unwrap();
        assert_eq!(chunk_after(&mut g, Duration::from_millis(1000), 0), Ok(()));
        assert!(chunk_after(&mut g, Duration::from_millis(100), 0).is_err());
    }

    #[test]
    fn extreme_settings_and_waits_never_overflow() {
        let year = Duration::from_secs(365 * 86_400);
        for (minimum, grace) in
            [(u64::MAX, Duration::MAX), (u64::MAX, Duration::from_millis(10)), (1, Duration::MAX), (1, Duration::ZERO)]
        {
            let mut g = guard(minimum, grace);
            g.received(usize::MAX, Instant::now()).unwrap();
            for _ in 0..3 {
                let _ = chunk_after(&mut g, 100 * year, usize::MAX);
                g.wait(Duration::MAX);
                let _ = g.check();
                let _ = g.next_bin_at(Instant::now());
            }
        }
    }

    #[test]
    fn a_floor_of_zero_is_no_guard() {
        assert!(StallGuard::new(StalledStreamProtection::disabled()).is_none());
        assert!(StallGuard::new(StalledStreamProtection::enabled().min_throughput(0)).is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_with_nothing_arriving_is_cut_a_grace_period_after_it_began() {
        let mut g = guard(1, Duration::from_secs(20));
        let started = Instant::now();
        let stall = std::future::poll_fn(|cx| g.poll_waiting(cx)).await;
        assert_eq!(started.elapsed(), Duration::from_secs(20));
        assert_eq!(stall.received, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn time_between_waits_is_not_counted() {
        let mut g = guard(1, Duration::from_secs(10));
        for _ in 0..5 {
            // Waits of 1 s, then 100 s of not polling at all.
            let polled = std::future::poll_fn(|cx| Poll::Ready(g.poll_waiting(cx))).await;
            assert!(polled.is_pending());
            tokio::time::advance(Duration::from_secs(1)).await;
            g.received(0, Instant::now()).unwrap();
            tokio::time::advance(Duration::from_secs(100)).await;
        }
        assert_eq!(g.waited_ns, 5_000_000_000);
    }
}
