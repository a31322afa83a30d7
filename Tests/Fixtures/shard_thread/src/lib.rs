//! Eight tests, one of which leaks from a thread running a named function:
//! the leak's stack holds `shard_thread::leaky_worker` and std's thread start,
//! no test frame, so only re-running parts of its shard can name the test.

/// Makes a pointer unreachable without the optimiser keeping a copy.
#[inline(never)]
pub fn drop_pointer<T>(p: *mut T) {
    let mut slot = p as usize;
    unsafe { std::ptr::write_volatile(&mut slot, 0) };
}

/// A thread body that is not a test's code.
#[inline(never)]
pub fn leaky_worker() {
    drop_pointer(Box::into_raw(Box::new([7u8; 48])));
}

/// Work that frees everything it allocates.
#[inline(never)]
pub fn clean_work(n: usize) -> usize {
    let v: Vec<u64> = (0..n as u64).collect();
    v.iter().sum::<u64>() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha() { assert_eq!(clean_work(10), 45); }
    #[test]
    fn bravo() { assert_eq!(clean_work(3), 3); }
    #[test]
    fn charlie() { assert_eq!(clean_work(4), 6); }
    #[test]
    fn delta() { assert_eq!(clean_work(5), 10); }
    #[test]
    fn echo() { assert_eq!(clean_work(6), 15); }
    #[test]
    fn foxtrot_spawns_leaky_worker() {
        std::thread::spawn(leaky_worker).join().unwrap();
    }
    #[test]
    fn golf() { assert_eq!(clean_work(7), 21); }
    #[test]
    fn hotel() { assert_eq!(clean_work(8), 28); }
}
