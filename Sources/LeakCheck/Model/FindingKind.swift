/// The kinds of finding every checker's output is mapped to. The raw names
/// are part of the JSON contract (DESIGN.md): keep them.
public enum FindingKind: String, Codable, Sendable, CaseIterable, Comparable {
    case definitelyLost
    case indirectlyLost
    case possiblyLost
    case stillReachable
    case invalidRead
    case invalidWrite
    case invalidFree
    case mismatchedFree
    case useAfterFree
    case heapBufferOverflow
    case stackBufferOverflow
    case globalBufferOverflow
    case stackUseAfterScope
    case stackUseAfterReturn
    case doubleFree
    case uninitialisedValue
    case syscallParam
    case overlap
    case fatalSignal
    /// The test program itself failed (non-zero exit, failing test) under the checker.
    case testFailure
    /// What a checker's own summary counts beyond the records it printed
    /// (a LEAK SUMMARY with more bytes than its loss records add up to).
    case summaryOnly
    /// Two threads touch the same memory, one writing, with no order between them
    /// (helgrind's `Race`, ThreadSanitizer's `data race`). Both accesses carry a stack:
    /// `stack` is one, the first auxiliary stack the other.
    case dataRace
    /// Locks taken in an order that can deadlock (helgrind's `LockOrder`,
    /// ThreadSanitizer's `lock-order-inversion`).
    case lockOrder
    /// A threading API used wrongly: unlocking a lock not held, a pthread call that
    /// failed, destroying a locked mutex (helgrind's `UnlockUnlocked`, `UnlockForeign`,
    /// `UnlockBogus`, `PthAPIerror`, `Misc`; ThreadSanitizer's `unlock of an unlocked mutex`…).
    case threadMisuse
    /// A thread neither joined nor detached when the program ended (ThreadSanitizer's `thread leak`).
    case threadLeak
    case other

    /// Leak kinds are reported with byte and block counts and do not count as `errors`.
    public var isLeak: Bool {
        switch self {
        case .definitelyLost, .indirectlyLost, .possiblyLost, .stillReachable: return true
        default: return false
        }
    }

    /// Order used for sorting and for human summaries: leaks first, most severe first.
    public var order: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: FindingKind, rhs: FindingKind) -> Bool { lhs.order < rhs.order }

    /// The words a person reads ("definitely lost", "invalid read").
    public var phrase: String {
        switch self {
        case .definitelyLost: return "definitely lost"
        case .indirectlyLost: return "indirectly lost"
        case .possiblyLost: return "possibly lost"
        case .stillReachable: return "still reachable"
        case .invalidRead: return "invalid read"
        case .invalidWrite: return "invalid write"
        case .invalidFree: return "invalid free"
        case .mismatchedFree: return "mismatched free"
        case .useAfterFree: return "use after free"
        case .heapBufferOverflow: return "heap buffer overflow"
        case .stackBufferOverflow: return "stack buffer overflow"
        case .globalBufferOverflow: return "global buffer overflow"
        case .stackUseAfterScope: return "stack use after scope"
        case .stackUseAfterReturn: return "stack use after return"
        case .doubleFree: return "double free"
        case .uninitialisedValue: return "uninitialised value"
        case .syscallParam: return "syscall param"
        case .overlap: return "overlapping copy"
        case .fatalSignal: return "fatal signal"
        case .testFailure: return "test failure"
        case .summaryOnly: return "counted only in the checker's summary"
        case .dataRace: return "data race"
        case .lockOrder: return "lock order inversion"
        case .threadMisuse: return "thread API misuse"
        case .threadLeak: return "thread leak"
        case .other: return "other"
        }
    }
}
