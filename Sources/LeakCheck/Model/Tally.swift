/// Bytes and blocks of one leak kind.
///
/// Sums saturate at `Int.max` instead of trapping: figures come from logs, and a
/// hostile or corrupt log must never crash the tool (a parser notes the figure
/// it had to clamp).
public struct Tally: Codable, Sendable, Hashable {
    public var bytes: Int
    public var blocks: Int
    public init(bytes: Int = 0, blocks: Int = 0) {
        self.bytes = bytes
        self.blocks = blocks
    }
    public static let zero = Tally()
    /// Saturating: `Int.max` stays `Int.max` (and `Int.min` stays `Int.min`).
    public static func + (a: Tally, b: Tally) -> Tally {
        Tally(bytes: a.bytes.addingSaturated(b.bytes), blocks: a.blocks.addingSaturated(b.blocks))
    }
    public static func += (a: inout Tally, b: Tally) { a = a + b }
    public var isZero: Bool { bytes == 0 && blocks == 0 }
}
