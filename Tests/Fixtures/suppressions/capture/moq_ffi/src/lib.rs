#[unsafe(no_mangle)]
pub extern "C" fn moq_noop() -> i32 { 0 }

#[cfg(test)]
mod tests {
    #[test]
    fn leaks_forty_bytes() {
        let p = Box::into_raw(Box::new([0u8; 40]));
        std::hint::black_box(p);
    }
}
