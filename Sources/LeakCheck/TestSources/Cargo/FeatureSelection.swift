import Foundation

/// Feature selection for one cargo build, as the user gave it.
public struct FeatureSelection: Sendable, Hashable, Codable {
    public var features: [String]
    public var noDefaultFeatures: Bool
    public var allFeatures: Bool

    public init(features: [String] = [], noDefaultFeatures: Bool = false, allFeatures: Bool = false) {
        self.features = features
        self.noDefaultFeatures = noDefaultFeatures
        self.allFeatures = allFeatures
    }

    /// cargo arguments for this selection.
    public var cargoArguments: [String] {
        var args: [String] = []
        if allFeatures { args.append("--all-features") }
        if noDefaultFeatures { args.append("--no-default-features") }
        if !features.isEmpty { args += ["--features", features.joined(separator: ",")] }
        return args
    }

    /// A short label for reports: "default", "with_moq", "no-default+with_moq", "all".
    public var label: String {
        if allFeatures { return "all-features" }
        var parts: [String] = []
        if noDefaultFeatures { parts.append("no-default") }
        parts += features
        return parts.isEmpty ? "default" : parts.joined(separator: "+")
    }

    /// Parses a `--features`-style list: commas and/or spaces.
    public static func splitList(_ s: String) -> [String] {
        s.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    }
}
