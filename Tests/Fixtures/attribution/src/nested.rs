//! Two test frames on one stack: `outer_calls_inner` calls the test function
//! `inner_leaks`, which leaks 40 bytes. The innermost test frame names the test.
#[cfg(test)]
mod tests {
    #[inline(never)]
    fn leak(n: usize) {
        std::mem::forget(vec![7u8; n]);
    }

    #[test]
    #[inline(never)]
    fn inner_leaks() {
        leak(40);
    }

    #[test]
    fn outer_calls_inner() {
        inner_leaks();
    }
}
