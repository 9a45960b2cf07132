//! When to look at the tenants file again: every poll period, and on SIGHUP.

use std::time::Duration;

/// Completes after `period`; never when it is zero (polling is off).
pub(crate) async fn every(period: Duration) {
    if period.is_zero() {
        std::future::pending().await
    } else {
        tokio::time::sleep(period).await
    }
}

/// The process's SIGHUPs, where there are signals and they can be heard.
pub(crate) struct Hangups(#[cfg(unix)] Option<tokio::signal::unix::Signal>);

impl Hangups {
    pub(crate) fn listen() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            match signal(SignalKind::hangup()) {
                Ok(hangups) => Self(Some(hangups)),
                Err(e) => {
                    tracing::warn!("cannot listen for SIGHUP: {e}");
                    Self(None)
                }
            }
        }
        #[cfg(not(unix))]
        Self()
    }

    /// Completes on the next SIGHUP; never where none can come.
    pub(crate) async fn next(&mut self) {
        #[cfg(unix)]
        if let Some(hangups) = &mut self.0 {
            if hangups.recv().await.is_some() {
                return;
            }
        }
        std::future::pending().await
    }
}
