/// Settings of Lease-based leader election. The defaults are client-go's and kube-controller-manager's.
public struct LeaderElectionConfiguration: Sendable, Hashable {
    /// Where the Lease lives (`ironlb-system`) and its name (`ironlb-controller`).
    public var namespace: String
    public var leaseName: String
    /// This candidate's unique name (pod name plus a random suffix is customary).
    public var identity: String
    /// How long others wait, from the last change they observed, before taking the lease over
    /// (15 s). Others measure it on their own clock, never trusting the holder's timestamps.
    public var leaseDuration: Duration
    /// How long the leader keeps retrying a failed renewal before it gives up leading (10 s). Must
    /// be shorter than `leaseDuration`, so a leader stops before anyone else may start.
    public var renewDeadline: Duration
    /// The pause between attempts to acquire or renew (2 s).
    public var retryPeriod: Duration
    /// Give the lease up (empty holder) when `run()` is cancelled, so a standby takes over at once
    /// instead of after `leaseDuration` (true).
    public var releaseOnCancel: Bool

    public init(
        namespace: String, leaseName: String, identity: String, leaseDuration: Duration = .seconds(15),
        renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2), releaseOnCancel: Bool = true
    ) {
        self.namespace = namespace
        self.leaseName = leaseName
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.releaseOnCancel = releaseOnCancel
    }

    /// Problems that would make the election unsafe, as client-go checks them.
    public func validate() throws {
        func fail(_ message: String) -> KubeConfigError { KubeConfigError("leader election: " + message) }
        if identity.isEmpty { throw fail("identity must not be empty") }
        if leaseName.isEmpty || namespace.isEmpty { throw fail("leaseName and namespace must not be empty") }
        if leaseDuration <= renewDeadline {
            throw fail("leaseDuration (\(leaseDuration)) must be greater than renewDeadline (\(renewDeadline))")
        }
        if renewDeadline <= retryPeriod * 1.2 {
            throw fail("renewDeadline (\(renewDeadline)) must be greater than 1.2 x retryPeriod (\(retryPeriod))")
        }
        if retryPeriod <= .zero { throw fail("retryPeriod must be positive") }
    }
}
