/// A checker's name, as the command line and the JSON report spell it (`"valgrind"`, `"asan"`, …).
/// Each checker declares its own `static let` in its folder under `Checkers/`; `CheckerRegistry.all`
/// is the one list of them, so a name nobody registered neither parses nor decodes.
public struct Checker: RawRepresentable, Hashable, Codable, Sendable, CaseIterable, CustomStringConvertible {
    public let rawValue: String

    /// A registered checker's name, or nil.
    public init?(rawValue: String) {
        guard CheckerRegistry.checkers.contains(where: { $0.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    /// For a checker's own `static let` (its folder declares it; the registry lists it).
    init(declaring name: String) { rawValue = name }

    /// Every registered checker, in the registry's order (the order reports list them in).
    public static var allCases: [Checker] { CheckerRegistry.checkers }

    public var displayName: String { CheckerRegistry.definition(self).displayName }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let name = try c.decode(String.self)
        guard let checker = Checker(rawValue: name) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "unknown checker \"\(name)\"")
        }
        self = checker
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
