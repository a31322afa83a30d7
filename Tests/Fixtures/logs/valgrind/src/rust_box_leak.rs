// Leaks a Box through std::mem::forget, so the leak's stack goes through Rust frames.
#[derive(Debug)]
struct Payload { data: [u64; 8] }
#[inline(never)]
fn make_leak() -> usize {
    let b = Box::new(Payload { data: [7; 8] });
    let n = b.data.len();
    std::mem::forget(b);
    n
}
fn main() {
    println!("{}", make_leak());
}
