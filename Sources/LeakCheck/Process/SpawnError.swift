#if canImport(Glibc)
    import Glibc
#endif

/// A child that could not be started at all (nothing ran, so there is no outcome).
public struct SpawnError: Error, CustomStringConvertible, Sendable {
    public var executable: String
    public var code: Int32
    /// The program was found on disk: the failure is about starting it (or its output files).
    public var found: Bool = true
    public var description: String {
        if !found { return "cannot run \(executable): not found" }
        return "cannot start \(executable): \(String(cString: strerror(code)))"
    }
}
