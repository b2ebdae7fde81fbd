/// This build of Tianbao, as `--version` prints it and as a replica names itself to the hub
/// (`User-Agent: tianbao/<version>`).
public enum Build {
    public static let version = "0.1.0"
    public static let userAgent = "tianbao/\(version)"
}
