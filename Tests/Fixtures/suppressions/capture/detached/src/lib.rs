#[cfg(test)]
mod tests {
    #[test]
    fn leaves_a_thread_running() {
        std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_secs(30)));
    }
    #[test] fn a() { assert_eq!(1 + 1, 2); }
    #[test] fn b() { let v = vec![1u8; 100]; assert_eq!(v.len(), 100); }
}
