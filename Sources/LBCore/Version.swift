/// The IronLB release these binaries belong to. The one place the version is written: `lbctl
/// version`, `lbctl --version` and (later) the controller's and speakers' startup logs read it here.
public enum IronLBVersion {
    public static let current = "0.1.0"
}
