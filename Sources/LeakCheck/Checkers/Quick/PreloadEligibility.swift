import Foundation

/// Whether a preloaded ASan runtime can see a program's leaks. `quick` refuses
/// (an incomplete run with the reason, never a clean one):
/// - a binary already linked with a sanitizer (its own runtime is the one to use: `asan`);
/// - a static binary (`LD_PRELOAD` never reaches it);
/// - a Rust binary whose `#[global_allocator]` replaces the default one (jemalloc,
///   mimalloc, an arena): its allocations never reach the `malloc` the runtime intercepts.
public enum PreloadEligibility {
    /// nil: eligible; otherwise the one-line reason.
    public static func refusal(forBinaryAt path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        // The whole file: symbol names can be anywhere in it (a debug test binary is a few MB).
        guard let data = try? handle.readToEnd() else { return nil }
        return refusal(elf: data, name: (path as NSString).lastPathComponent)
    }

    /// The same on a file's bytes (not an ELF file, such as a script: nil, it runs).
    public static func refusal(elf data: Data, name: String) -> String? {
        guard let elf = ELFFile(data) else { return nil }
        if BinaryInspector.isSanitized(data) {
            return "\(name) is already built with a sanitizer: quick preloads one into uninstrumented binaries; run it with asan"
        }
        if !elf.hasInterpreter {
            return "\(name) is statically linked: a preloaded runtime cannot reach it; use valgrind"
        }
        if let allocator = customGlobalAllocator(in: elf) {
            return
                "\(name) allocates through a #[global_allocator] (\(allocator)) the preloaded runtime cannot see; use valgrind, or asan with the allocator turned off"
        }
        return nil
    }

    /// A Rust binary defines `__rust_alloc`; with the default allocator it also
    /// defines `__rdl_alloc` (the shim to `malloc`). Without it a
    /// `#[global_allocator]` took over: its type's name, read from its
    /// `GlobalAlloc::alloc` symbol, or "unknown allocator". Symbols are read from
    /// the symbol tables, never from the whole file (debug info names
    /// `__rdl_alloc` in every binary that links std).
    static func customGlobalAllocator(in elf: ELFFile) -> String? {
        let names = elf.symbolNames()
        guard names.contains(where: { $0.hasSuffix("__rust_alloc") }) else { return nil }
        if names.contains(where: { $0.hasSuffix("__rdl_alloc") }) { return nil }
        // Legacy mangling of `<crate::Type as core::alloc::global::GlobalAlloc>::alloc`.
        let marker = "$u20$as$u20$core..alloc..global..GlobalAlloc$GT$5alloc"
        guard let symbol = names.first(where: { $0.contains(marker) }),
            let lt = symbol.range(of: "$LT$"), let end = symbol.range(of: marker)
        else { return "unknown allocator" }
        // `_ZN71_$LT$arena_alloc..Arena$u20$as…` → `arena_alloc::Arena`.
        return symbol[lt.upperBound..<end.lowerBound].replacingOccurrences(of: "..", with: "::")
    }
}

/// The parts of an ELF file `quick` reads: whether it has an interpreter
/// (PT_INTERP: dynamically linked, so the loader honours `LD_PRELOAD`) and the
/// names in its symbol tables.
struct ELFFile {
    let data: Data
    let is64: Bool
    let little: Bool

    init?(_ data: Data) {
        guard data.count >= 64, data.prefix(4).elementsEqual([0x7f, 0x45, 0x4c, 0x46]) else { return nil }
        self.data = data
        is64 = data[data.startIndex + 4] == 2
        little = data[data.startIndex + 5] == 1
    }

    /// An unsigned field of `size` bytes at `offset`; nil past the end.
    func read(_ offset: Int, _ size: Int) -> Int? {
        guard offset >= 0, size <= 8, offset <= data.count - size else { return nil }
        var v: UInt64 = 0
        for i in 0..<size {
            let byte = UInt64(data[data.startIndex + offset + (little ? i : size - 1 - i)])
            v |= byte << (8 * UInt64(i))
        }
        return v > UInt64(Int.max) ? nil : Int(v)
    }

    var hasInterpreter: Bool {
        guard let phoff = is64 ? read(0x20, 8) : read(0x1c, 4), let size = read(is64 ? 0x36 : 0x2a, 2),
            let count = read(is64 ? 0x38 : 0x2c, 2), size >= 4
        else { return false }
        return (0..<count).contains { read(phoff + $0 * size, 4) == 3 }
    }

    /// Every name in `.symtab` and `.dynsym`.
    func symbolNames() -> [String] {
        guard let shoff = is64 ? read(0x28, 8) : read(0x20, 4), let shsize = read(is64 ? 0x3a : 0x2e, 2),
            let shnum = read(is64 ? 0x3c : 0x30, 2), shsize >= (is64 ? 64 : 40)
        else { return [] }
        struct Section {
            var type: Int, offset: Int, size: Int, link: Int, entsize: Int
        }
        let sections: [Section] = (0..<shnum).compactMap { i in
            let base = shoff + i * shsize
            guard let type = read(base + 4, 4), let link = read(base + (is64 ? 0x28 : 0x18), 4),
                let offset = is64 ? read(base + 0x18, 8) : read(base + 0x10, 4),
                let size = is64 ? read(base + 0x20, 8) : read(base + 0x14, 4),
                let entsize = is64 ? read(base + 0x38, 8) : read(base + 0x24, 4)
            else { return nil }
            return Section(type: type, offset: offset, size: size, link: link, entsize: entsize)
        }
        var names: [String] = []
        for table in sections where table.type == 2 || table.type == 11 {  // SHT_SYMTAB, SHT_DYNSYM
            guard table.link < sections.count, table.entsize > 0 else { continue }
            let strings = sections[table.link]
            // A table cannot hold more entries than the file has bytes for (a malformed size would loop for ever).
            for n in 0..<(min(table.size, data.count) / table.entsize) {
                guard let nameOffset = read(table.offset + n * table.entsize, 4), nameOffset < strings.size else {
                    continue
                }
                let start = strings.offset + nameOffset
                guard start < data.count else { continue }
                let from = data.startIndex + start
                let end = data[from...].firstIndex(of: 0) ?? data.endIndex
                names.append(String(decoding: data[from..<end], as: UTF8.self))
            }
        }
        return names
    }
}
