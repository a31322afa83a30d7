//! A crate whose `#[global_allocator]` hands out memory from a static arena:
//! an allocator no preloaded sanitizer runtime can see.
use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicUsize, Ordering};

const ARENA_SIZE: usize = 64 << 20;

struct Arena {
    bytes: UnsafeCell<[u8; ARENA_SIZE]>,
    next: AtomicUsize,
}

unsafe impl Sync for Arena {}

unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let align = layout.align();
        let mut start = 0;
        let claimed = self.next.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            start = (n + align - 1) & !(align - 1);
            let end = start + layout.size();
            if end > ARENA_SIZE { None } else { Some(end) }
        });
        match claimed {
            Ok(_) => (self.bytes.get() as *mut u8).add(start),
            Err(_) => std::ptr::null_mut(),
        }
    }
    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[global_allocator]
static ARENA: Arena = Arena { bytes: UnsafeCell::new([0; ARENA_SIZE]), next: AtomicUsize::new(0) };

#[no_mangle]
pub extern "C" fn arena_make_buffer(len: usize) -> *mut u8 {
    let mut v = vec![7u8; len];
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

#[cfg(test)]
mod tests {
    #[test]
    fn leaks_a_buffer() {
        let p = super::arena_make_buffer(40);
        assert!(!p.is_null());
    }
}
