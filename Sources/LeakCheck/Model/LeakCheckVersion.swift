public enum LeakCheckVersion {
    public static let string = "0.1.0"
}
