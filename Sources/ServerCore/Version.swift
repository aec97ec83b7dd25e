/// The version of this build, shown by `--version`, in greetings and in `/healthz`.
public enum TidelineVersion {
    public static let current = "0.1.0"
}
