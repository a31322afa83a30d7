import Foundation
import TestSupport

/// Locations of fixtures, relative to this source file, so tests work from any
/// working directory.
enum Paths {
    /// The repository root (…/Tests/LeakCheckTests/Support/Paths.swift → …).
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let fixtures = repoRoot.appendingPathComponent("Tests/Fixtures")
    static let logs = fixtures.appendingPathComponent("logs")

    /// Real checker outputs from other projects, copied into the repository
    /// (`Tests/Fixtures/corpus/README.md` gives each file's origin and licence).
    static var corpus: URL { Repository.corpus }

    static func fixture(_ relative: String) -> URL { fixtures.appendingPathComponent(relative) }

    /// Contents of a corpus file; a missing corpus is a failure with a clear message, never a skip.
    static func corpusText(_ relative: String) throws -> String {
        try String(contentsOfFile: corpusPath(relative), encoding: .utf8)
    }

    /// Path of a corpus file, checked to exist (so a failure names it).
    static func corpusPath(_ relative: String) throws -> String {
        try Repository.existing(corpus.appendingPathComponent(relative))
    }

    static func fixtureText(_ relative: String) throws -> String {
        let url = fixtures.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FixtureMissing(path: url.path, hint: "fixture file missing from the checkout")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}

struct FixtureMissing: Error, CustomStringConvertible {
    var path: String
    var hint: String
    var description: String { "\(path) not found: \(hint)" }
}
