//! Reads a u32 from a Vec<u32> buffer (40 bytes) after it was freed.
#[inline(never)]
fn use_after_free() -> u32 {
    let v: Vec<u32> = vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    let p = v.as_ptr();
    drop(v);
    unsafe { std::ptr::read_volatile(p.add(2)) }
}

fn main() {
    println!("value {}", use_after_free());
}
