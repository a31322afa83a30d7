//! Leaks in the places a test's leak can come from, for stack attribution fixtures.

/// Makes a pointer unreachable without the optimiser keeping a copy.
#[inline(never)]
pub fn drop_pointer<T>(p: *mut T) {
    let mut slot = p as usize;
    unsafe { std::ptr::write_volatile(&mut slot, 0) };
}

/// A thread body that is not the test's code: no test frame on its stack.
#[inline(never)]
pub fn leaky_worker() {
    drop_pointer(Box::into_raw(Box::new([3u8; 32])));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean() {
        let v = vec![1u8; 100];
        assert_eq!(v.len(), 100);
    }

    #[test]
    fn leaks_in_body() {
        drop_pointer(Box::into_raw(Box::new([1u8; 40])));
    }

    #[test]
    fn leaks_in_spawned_closure() {
        std::thread::spawn(|| drop_pointer(Box::into_raw(Box::new([2u8; 24])))).join().unwrap();
    }

    #[test]
    fn leaks_in_named_thread_fn() {
        std::thread::spawn(leaky_worker).join().unwrap();
    }
}
