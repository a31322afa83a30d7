// TEMPORARY: replaced by the real parsers/suppressions when branches merge.
public enum ValgrindXMLParser {
    public static func parse(fileAt path: String) throws -> CheckerOutput { CheckerOutput(format: .valgrindXML) }
    public static func parse(bytes: [UInt8]) -> CheckerOutput { CheckerOutput(format: .valgrindXML) }
}
public enum ValgrindTextParser { public static func parse(text: String) -> CheckerOutput { CheckerOutput(format: .valgrindText) } }
public enum SanitizerLogParser { public static func parse(text: String) -> CheckerOutput { CheckerOutput(format: .sanitizer) } }
public enum SuppressionFormat: String, Sendable { case valgrind, lsan }
public struct Suppression: Sendable, Hashable { public var name: String; public var format: SuppressionFormat; public var file: String; public var line: Int }
public enum SuppressionParser {
    public static func parseFile(_ path: String) throws -> [Suppression] { [] }
    public static func check(files: [String]) -> [String] { [] }
}
public struct SuppressionMatcher: Sendable { public init(_ s: [Suppression]) {} }
public struct OwnCode: Sendable {
    public init(crateNames: [String], sourceRoots: [String]) {}
    public func contains(_ frame: Frame) -> Bool { false }
}
public struct SuppressionApplication: Sendable { public var findings: [Finding]; public var usage: [SuppressionUsage] }
public enum SuppressionApplier {
    public static func apply(_ matcher: SuppressionMatcher, to findings: [Finding], checker: Checker, ownCode: OwnCode?) -> SuppressionApplication { .init(findings: findings, usage: []) }
    public static func merge(_ usages: [[SuppressionUsage]]) -> [SuppressionUsage] { [] }
}
public enum SuppressionGenerator {
    public static func valgrind(for findings: [Finding], ownCode: OwnCode?) -> String { "" }
    public static func lsan(for findings: [Finding], ownCode: OwnCode?) -> String { "" }
}
public enum DefaultSuppressions { public static func files(toolRoot: String) -> [String] { [] } }
