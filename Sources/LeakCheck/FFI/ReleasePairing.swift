/// Which of the crate's functions frees what another one returns, read from the
/// header's prototypes and the exported names:
/// - `X_create` / `X_new` → `X_destroy`, `X_free`, `X_release` or `X_delete`;
/// - a returned `T *` → the one exported function that takes a single `T *`, returns
///   `void` and is named to free (`moq_create_publisher` → `moq_publisher_destroy`), or,
///   with none named so, the only function that takes a `T *` at all, when it is such a
///   one (`moq_subscriber_listen` → `moq_listener_stop`);
/// - a returned `char *`, or a returned struct with a `char *` field (moq-ffi's
///   `MoqResult.message`) → the function that takes a single `char *` and frees it
///   (`moq_free_str`).
/// Nil when none is found: the report then says "never released" without a call to make.
public struct ReleasePairing: Sendable {
    public var header: CHeader?
    /// Every exported name (Rust exports and header prototypes).
    public var exportedNames: Set<String>

    public init(header: CHeader?, exportedNames: Set<String>) {
        self.header = header
        self.exportedNames = exportedNames.union(header?.prototypes.map(\.name) ?? [])
    }

    static let constructorSuffixes = ["_create", "_new"]
    static let releaseSuffixes = ["_destroy", "_free", "_release", "_delete"]
    static let releaseWords = ["free", "destroy", "release", "delete", "drop", "dispose"]

    /// The function that frees what `function` returns, or nil.
    public func release(for function: String) -> String? {
        for suffix in Self.constructorSuffixes where function.hasSuffix(suffix) {
            let stem = function.dropLast(suffix.count)
            for release in Self.releaseSuffixes where exportedNames.contains(stem + release) {
                return stem + release
            }
        }
        guard let header, let proto = header.prototype(named: function) else { return nil }
        let returned = proto.returnType
        if CHeader.isCharPointer(returned) { return stringRelease(in: header) }
        if let pointee = Self.pointee(of: returned),
            let freer = pointerRelease(of: pointee, in: header, excluding: function)
        {
            return freer
        }
        // A struct returned by value (or by pointer) that hands out a C string.
        let structType = Self.pointee(of: returned) ?? returned
        if let definition = header.structDefinition(forType: structType),
            definition.fields.contains(where: { CHeader.isCharPointer($0.type) })
        {
            return stringRelease(in: header)
        }
        return nil
    }

    /// The single-`char *`-parameter function named to free.
    func stringRelease(in header: CHeader) -> String? {
        header.prototypes.first { p in
            p.parameters.count == 1 && CHeader.isCharPointer(p.parameters[0].type) && Self.namedToFree(p.name)
        }?.name
    }

    /// The single-`T *`-parameter `void` function named to free, when exactly one exists.
    func pointerRelease(of pointee: String, in header: CHeader, excluding function: String) -> String? {
        let base = Self.baseName(pointee)
        guard !base.isEmpty, base != "char", base != "void" else { return nil }
        let candidates = header.prototypes.filter { p in
            p.name != function && p.returnType == "void" && p.parameters.count == 1
                && Self.pointee(of: p.parameters[0].type).map(Self.baseName) == base && Self.namedToFree(p.name)
        }
        if candidates.count == 1 { return candidates[0].name }
        // An opaque handle only one function ever takes back, as its single parameter of a
        // `void` function, is released by it, whatever its verb (`moq_listener_stop`).
        let takers = header.prototypes.filter { p in
            p.name != function && p.parameters.contains { Self.pointee(of: $0.type).map(Self.baseName) == base }
        }
        if candidates.isEmpty, takers.count == 1, takers[0].returnType == "void", takers[0].parameters.count == 1 {
            return takers[0].name
        }
        return nil
    }

    /// `T *` → `T` (with qualifiers); nil for non-pointers and `T **`.
    static func pointee(of type: String) -> String? {
        guard type.hasSuffix(" *"), !type.hasSuffix("**") else { return nil }
        return String(type.dropLast(2))
    }

    static func baseName(_ type: String) -> String {
        type.split(separator: " ").filter { !["const", "volatile", "struct", "restrict"].contains($0) }.joined(
            separator: " ")
    }

    static func namedToFree(_ name: String) -> Bool {
        let lower = name.lowercased()
        return releaseWords.contains { lower.contains($0) }
    }
}
