/// Errors a parser can raise on input it cannot read at all (anything it can
/// read partially is returned with `complete == false` instead).
public struct ParseError: Error, CustomStringConvertible, Sendable {
    public var file: String?
    public var message: String
    public init(file: String? = nil, _ message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { file.map { "\($0): \(message)" } ?? message }
}
