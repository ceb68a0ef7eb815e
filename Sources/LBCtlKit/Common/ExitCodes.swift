/// lbctl's exit codes, the same for every command (64, a usage error, comes from
/// ArgumentParser).
enum ExitCodes {
    /// All is well (or, without `--strict`, lbctl could tell what is wrong).
    static let success: Int32 = 0
    /// Something is wrong: an invalid config, a Service that does not exist, pending Services
    /// with `--strict`, output that could not be encoded.
    static let problem: Int32 = 1
    /// The cluster could not be read: no usable kubeconfig, the API server unreachable or
    /// refusing. Distinct from 1 so scripts can tell "IronLB has a problem" from "lbctl could not
    /// look".
    static let clusterUnreachable: Int32 = 2
}
