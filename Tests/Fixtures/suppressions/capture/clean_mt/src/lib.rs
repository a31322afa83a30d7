pub fn add(a: u64, b: u64) -> u64 { a + b }

#[cfg(test)]
mod tests {
    use super::*;
    #[test] fn one() { assert_eq!(add(1, 2), 3); }
    #[test] fn two() { let v: Vec<u64> = (0..100).collect(); assert_eq!(v.len(), 100); }
    #[test] fn three() { let s = format!("{}", add(3, 4)); assert_eq!(s, "7"); }
    #[test] fn four() { let h = std::thread::spawn(|| add(5, 6)); assert_eq!(h.join().unwrap(), 11); }
    #[test] fn five() { let m = std::collections::HashMap::<u32, String>::from([(1, "a".into())]); assert_eq!(m.len(), 1); }
    #[test] fn six() { println!("hello"); }
}
