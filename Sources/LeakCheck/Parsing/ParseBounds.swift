/// The caps that keep one finding's memory bounded whatever the log holds
/// (issue 21: one leak with 10^6 frames took 826 MB with `--json`; a 50 MB
/// function name took 31 s and 399 MB). Every parser applies them through
/// `BoundedStack`, and says so in a warning (a note in every report) when a
/// cap was reached, so nothing is cut silently.
enum ParseBounds {
    /// Frames kept per stack: the innermost `maxFrames - outerFrames` and the
    /// outermost `outerFrames` (where the test function usually is). valgrind
    /// prints at most 500 (`--num-callers`), ASan 256 (`malloc_context_size`):
    /// no real stack is cut.
    static let maxFrames = 500
    static let outerFrames = 50
    /// Bytes kept of a function name, object or file path (UTF-8; cut at a
    /// character boundary, followed by `…`). The longest real name seen is
    /// 10,623 bytes (valgrind's own `long_namespace_xml` test), kept whole.
    static let maxNameBytes = 16 << 10
    /// Bytes kept of one line of a text log: a longer line is cut there (a
    /// line holds one frame or one header, so the name cap is what matters).
    static let maxLineBytes = 64 << 10

    static func stackNote(_ dropped: Int) -> String {
        "\(dropped) frame(s) beyond \(maxFrames) per stack were dropped: a longer stack keeps its innermost \(maxFrames - outerFrames) and outermost \(outerFrames) frames (the frame cap)"
    }

    static func nameNote(_ names: Int) -> String {
        "\(names) function name(s) or path(s) were longer than \(maxNameBytes) bytes and were cut there (the name cap)"
    }

    static func lineNote(_ lines: Int) -> String {
        "\(lines) line(s) were longer than \(maxLineBytes) bytes and were cut there (the line cap)"
    }

    /// `s` cut to `maxNameBytes` at a character boundary, with `…`; nil when it fits.
    static func capped(_ s: String) -> String? {
        guard s.utf8.count > maxNameBytes else { return nil }
        var end = s.utf8.index(s.utf8.startIndex, offsetBy: maxNameBytes)
        while end > s.startIndex && !s.unicodeScalars.indices.contains(end) {
            end = s.utf8.index(before: end)
        }
        return String(s[..<end]) + "…"
    }
}

/// Counts what a parser cut, for its notes.
struct BoundsTally {
    var droppedFrames = 0
    var cutNames = 0
    var cutLines = 0

    /// The notes to add to the output's warnings.
    var notes: [String] {
        var n: [String] = []
        if droppedFrames > 0 { n.append(ParseBounds.stackNote(droppedFrames)) }
        if cutNames > 0 { n.append(ParseBounds.nameNote(cutNames)) }
        if cutLines > 0 { n.append(ParseBounds.lineNote(cutLines)) }
        return n
    }

    /// Caps the frame's names, then appends it to `stack` within the frame cap:
    /// past `maxFrames`, the oldest of the outermost frames kept gives way, so
    /// the stack keeps its innermost and its latest (outermost) frames.
    mutating func append(_ frame: Frame, to stack: inout [Frame]) {
        var frame = frame
        cap(&frame)
        if stack.count < ParseBounds.maxFrames {
            stack.append(frame)
            return
        }
        droppedFrames += 1
        stack.remove(at: ParseBounds.maxFrames - ParseBounds.outerFrames)
        stack.append(frame)
    }

    /// Caps the frame's names in place.
    mutating func cap(_ frame: inout Frame) {
        if let f = frame.function, let c = ParseBounds.capped(f) {
            frame.function = c
            cutNames += 1
        }
        if let f = frame.mangled, let c = ParseBounds.capped(f) {
            frame.mangled = c
            cutNames += 1
        }
        if let f = frame.file, let c = ParseBounds.capped(f) {
            frame.file = c
            cutNames += 1
        }
        if let f = frame.object, let c = ParseBounds.capped(f) {
            frame.object = c
            cutNames += 1
        }
    }
}
