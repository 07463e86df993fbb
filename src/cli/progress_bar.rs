//! The progress bar of `scan` and `activity` on stderr: files and bytes read, rate, time
//! left. Drawn only on a terminal and without `--quiet`; nothing is written otherwise.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::progress::Progress;

/// A bar over the bytes to read, its message the files done of those to read.
pub struct Bar {
    bar: ProgressBar,
    files: AtomicU64,
    planned: AtomicU64,
}

impl Bar {
    /// A bar on stderr when it is a terminal and `quiet` is off.
    pub fn on_stderr(quiet: bool) -> Option<Bar> {
        (!quiet && std::io::stderr().is_terminal())
            .then(|| Bar::to(ProgressDrawTarget::stderr_with_hz(4)))
    }

    fn to(target: ProgressDrawTarget) -> Bar {
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template("{spinner} finding inputs… {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(250));
        Bar {
            bar,
            files: AtomicU64::new(0),
            planned: AtomicU64::new(0),
        }
    }

    fn message(&self, files: u64) -> String {
        format!("{files}/{} files", self.planned.load(Ordering::Relaxed))
    }
}

impl Progress for Bar {
    fn planned(&self, files: u64, bytes: u64) {
        self.planned.store(files, Ordering::Relaxed);
        self.bar.set_length(bytes);
        self.bar.set_style(
            ProgressStyle::with_template(
                "{wide_bar} {binary_bytes}/{binary_total_bytes} {msg} \
                 {binary_bytes_per_sec} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        self.bar.set_message(self.message(0));
    }

    fn done(&self, bytes: u64) {
        let files = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        self.bar.inc(bytes);
        self.bar.set_message(self.message(files));
    }

    fn finished(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_counts_files_and_bytes() {
        let bar = Bar::to(ProgressDrawTarget::hidden());
        bar.planned(3, 300);
        bar.done(100);
        bar.done(50);
        assert_eq!(bar.bar.position(), 150);
        assert_eq!(bar.bar.length(), Some(300));
        assert_eq!(bar.bar.message(), "2/3 files");
        bar.finished();
        assert!(bar.bar.is_finished());
    }
}
