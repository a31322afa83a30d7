public struct AuxiliaryStack: Codable, Sendable, Hashable {
    public var what: String
    public var stack: [Frame]
    public init(what: String, stack: [Frame]) {
        self.what = what
        self.stack = stack
    }
}
