import Foundation

/// One test of a CMake build tree, as `ctest --show-only=json-v1` describes it:
/// what to run, where, with which environment, and how ctest judges its status.
public struct CTestCase: Sendable, Hashable, Codable {
    /// The CTest test name (`add_test(NAME …)`), which reports use as the run's `test`.
    public var name: String
    /// The argv ctest would run (absolute program path first). Empty when ctest lists
    /// the test without a command (not available in the configuration).
    public var command: [String]
    /// `WORKING_DIRECTORY`; ctest sets it to the build directory when not given.
    public var workingDirectory: String?
    /// `ENVIRONMENT` (`NAME=value` entries; a later entry for the same name wins, as in ctest).
    public var environment: [String: String]
    /// `WILL_FAIL`: a non-zero exit is the expected outcome.
    public var willFail: Bool
    /// `DISABLED`: ctest lists the test but never runs it.
    public var disabled: Bool
    /// `TIMEOUT` in seconds.
    public var timeout: Double?
    /// `LABELS`, in ctest's order.
    public var labels: [String]

    public init(
        name: String, command: [String], workingDirectory: String? = nil, environment: [String: String] = [:],
        willFail: Bool = false, disabled: Bool = false, timeout: Double? = nil, labels: [String] = []
    ) {
        self.name = name
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.willFail = willFail
        self.disabled = disabled
        self.timeout = timeout
        self.labels = labels
    }
}

/// Reads the output of `ctest --show-only=json-v1` (run in a configured build tree).
///
/// The format (`"kind": "ctestInfo"`, `"version": {"major": 1}`) lists `tests[]`, each with
/// `name`, `command` (argv) and `properties[]` of `{name, value}`, where a value is a
/// string, number, boolean or array depending on the property (cmake 3.25 writes
/// `WILL_FAIL`/`DISABLED` as booleans, `TIMEOUT` as a number, `LABELS`/`ENVIRONMENT` as
/// arrays). Properties this tool does not use are ignored.
public enum CTestListing {
    /// The command that prints the listing, to run with the build tree as working directory.
    /// `selection` is ctest's own test selection (`-R pat`, `-E pat`, `-L label`), passed through.
    public static func listArguments(ctest: String = "ctest", selection: [String] = []) -> [String] {
        [ctest, "--show-only=json-v1"] + selection
    }

    /// Parses the JSON bytes; throws a one-line `ParseError` for anything that is not a
    /// version-1 ctestInfo document.
    public static func parse(data: Data, source: String? = nil) throws -> [CTestCase] {
        let root: CTestJSON
        do {
            root = try JSONDecoder().decode(CTestJSON.self, from: data)
        } catch {
            throw ParseError(file: source, "ctest --show-only=json-v1 output is not JSON")
        }
        guard case .object(let doc) = root else {
            throw ParseError(file: source, "ctest --show-only=json-v1 output is not a JSON object")
        }
        if case .string(let kind)? = doc["kind"], kind != "ctestInfo" {
            throw ParseError(file: source, "ctest listing has kind \"\(kind)\", expected \"ctestInfo\"")
        }
        if case .object(let version)? = doc["version"], case .number(let major)? = version["major"], major != 1 {
            throw ParseError(
                file: source,
                "ctest listing has version \(Int(exactly: major).map(String.init) ?? String(major)), this tool reads version 1"
            )
        }
        guard case .array(let tests)? = doc["tests"] else {
            throw ParseError(file: source, "ctest listing has no \"tests\" array")
        }
        return try tests.enumerated().map { index, value in
            guard case .object(let test) = value, case .string(let name)? = test["name"] else {
                throw ParseError(file: source, "ctest listing: test #\(index + 1) has no name")
            }
            return testCase(name: name, test)
        }
    }

    /// Parses the JSON text (see `parse(data:source:)`).
    public static func parse(text: String, source: String? = nil) throws -> [CTestCase] {
        try parse(data: Data(text.utf8), source: source)
    }

    private static func testCase(name: String, _ test: [String: CTestJSON]) -> CTestCase {
        var result = CTestCase(name: name, command: [])
        if case .array(let argv)? = test["command"] {
            result.command = argv.compactMap(\.stringValue)
        }
        guard case .array(let properties)? = test["properties"] else { return result }
        for property in properties {
            guard case .object(let p) = property, case .string(let key)? = p["name"], let value = p["value"] else {
                continue
            }
            switch key {
            case "WORKING_DIRECTORY":
                result.workingDirectory = value.stringValue
            case "ENVIRONMENT":
                for entry in value.listValue {
                    // ctest splits at the first `=`; an entry without one sets nothing.
                    guard let eq = entry.firstIndex(of: "=") else { continue }
                    result.environment[String(entry[..<eq])] = String(entry[entry.index(after: eq)...])
                }
            case "WILL_FAIL":
                result.willFail = value.cmakeTruth
            case "DISABLED":
                result.disabled = value.cmakeTruth
            case "TIMEOUT":
                result.timeout = value.numberValue
            case "LABELS":
                result.labels = value.listValue
            default:
                break
            }
        }
        return result
    }
}

/// Just enough JSON to read ctest's listing without losing the difference between a
/// boolean and a number (which `JSONSerialization`'s `NSNumber` blurs on Linux).
private enum CTestJSON: Decodable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([CTestJSON])
    case object([String: CTestJSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([CTestJSON].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: CTestJSON].self))
        }
    }

    var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return Int(exactly: n).map(String.init) ?? String(n)
        case .bool(let b): return b ? "TRUE" : "FALSE"
        default: return nil
        }
    }

    var numberValue: Double? {
        switch self {
        case .number(let n): return n
        case .string(let s): return Double(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    /// A list property: a JSON array, or a CMake `;`-list in one string.
    var listValue: [String] {
        switch self {
        case .array(let items): return items.compactMap(\.stringValue)
        case .string(let s): return s.split(separator: ";").map(String.init)
        default: return []
        }
    }

    /// CMake's boolean reading of a property value (`if(<constant>)`): ON/YES/TRUE/Y and
    /// non-zero numbers are true; OFF/NO/FALSE/N/IGNORE/NOTFOUND/`*-NOTFOUND`/empty are false.
    var cmakeTruth: Bool {
        switch self {
        case .bool(let b): return b
        case .number(let n): return n != 0
        case .string(let s):
            let u = s.uppercased()
            if ["ON", "YES", "TRUE", "Y"].contains(u) { return true }
            if let n = Double(u) { return n != 0 }
            return false
        default: return false
        }
    }
}
