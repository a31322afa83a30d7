//! Three counters, each bumped from two threads in its own test.
//! `atomic_counter` is synchronised with an atomic, `mutex_counter` with
//! `std::sync::Mutex`, and `racy_counter` not at all: only the last one races.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;

const BUMPS: usize = 1000;

static ATOMIC: AtomicUsize = AtomicUsize::new(0);
static MUTEX: Mutex<usize> = Mutex::new(0);
static mut RACY: usize = 0;

/// Bumps an atomic counter from two threads; returns its final value.
#[no_mangle]
pub fn atomic_counter() -> usize {
    let workers: Vec<_> = (0..2)
        .map(|_| {
            thread::spawn(|| {
                for _ in 0..BUMPS {
                    ATOMIC.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    ATOMIC.load(Ordering::SeqCst)
}

/// Bumps a `std::sync::Mutex`-guarded counter from two threads; returns its final value.
#[no_mangle]
pub fn mutex_counter() -> usize {
    let workers: Vec<_> = (0..2)
        .map(|_| {
            thread::spawn(|| {
                for _ in 0..BUMPS {
                    *MUTEX.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let value = *MUTEX.lock().unwrap();
    value
}

/// Bumps an unsynchronised counter from two threads (a data race); returns its final value.
#[no_mangle]
pub fn racy_counter() -> usize {
    let workers: Vec<_> = (0..2)
        .map(|_| {
            thread::spawn(|| {
                for _ in 0..BUMPS {
                    // SAFETY: none; this race is the point of the fixture.
                    unsafe {
                        let counter = std::ptr::addr_of_mut!(RACY);
                        counter.write(counter.read() + 1);
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    unsafe { std::ptr::addr_of!(RACY).read() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_counter_bumps() {
        assert!(atomic_counter() >= 2 * BUMPS);
    }

    #[test]
    fn mutex_counter_bumps() {
        assert!(mutex_counter() >= 2 * BUMPS);
    }

    #[test]
    fn racy_counter_bumps() {
        // A lost update may leave it short; only check it ran.
        assert!(racy_counter() > 0);
    }
}
