import Foundation

/// The checkout the tests run from, found from this source file's own path, and the
/// material under `Tests/Fixtures/` that every test reads. Nothing is looked up
/// outside the repository: a fresh clone with nothing beside it has all it needs.
public enum Repository {
    /// The repository root (…/Tests/TestSupport/Repository.swift → …).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let fixtures: URL = root.appendingPathComponent("Tests/Fixtures", isDirectory: true)

    /// Real checker outputs from other projects (`Tests/Fixtures/corpus/README.md`).
    public static let corpus: URL = fixtures.appendingPathComponent("corpus", isDirectory: true)

    /// The SARIF 2.1.0 schema (`Tests/Fixtures/schemas/README.md`).
    public static let sarifSchema: URL = fixtures.appendingPathComponent("schemas/sarif-schema-2.1.0.json")

    /// `url`'s path when the file exists, else an error naming the path.
    public static func existing(_ url: URL) throws -> String {
        guard FileManager.default.fileExists(atPath: url.path) else { throw MissingFixture(path: url.path) }
        return url.path
    }
}

/// A fixture the checkout should hold but does not: names the path, never just "cannot open".
public struct MissingFixture: Error, CustomStringConvertible {
    public var path: String
    public init(path: String) { self.path = path }
    public var description: String {
        "\(path) not found: it is part of the repository (Tests/Fixtures); restore it with `git checkout -- \(path)`"
    }
}
