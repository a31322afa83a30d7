//! Leaks a Box<Parent> (16 bytes, direct) owning a Box<Child> (64 bytes, indirect).
fn main() {
    let p = sanfix::leak_box_with_child();
    // Forget the only pointer so nothing reaches the parent at exit.
    std::hint::black_box(p as usize);
    println!("leaked one parent with a child");
}
