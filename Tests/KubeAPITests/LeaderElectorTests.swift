import Foundation
import Synchronization
import Testing

@testable import KubeAPI

/// What an elector's callbacks saw.
final class LeadershipLog: Sendable {
    private let state = Mutex<(started: Int, stopped: Int, workCancelled: Int)>((0, 0, 0))
    var started: Int { state.withLock { $0.started } }
    var stopped: Int { state.withLock { $0.stopped } }
    var workCancelled: Int { state.withLock { $0.workCancelled } }

    /// Leader work that runs until cancelled.
    func work() async {
        state.withLock { $0.started += 1 }
        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
        state.withLock { $0.workCancelled += 1 }
    }

    func stoppedLeading() { state.withLock { $0.stopped += 1 } }
}

@Suite struct LeaderElectorTests {
    static let namespace = "kube-system"
    static let leaseName = "ironlb-controller"

    static func elector(
        _ client: KubeClient, _ identity: String, leaseDuration: Duration = .seconds(2), releaseOnCancel: Bool = true
    ) -> LeaderElector {
        let configuration = LeaderElectionConfiguration(
            namespace: namespace, leaseName: leaseName, identity: identity, leaseDuration: leaseDuration,
            renewDeadline: .milliseconds(1200), retryPeriod: .milliseconds(100), releaseOnCancel: releaseOnCancel)
        return LeaderElector(client: client, configuration: configuration, logger: testLogger())
    }

    static func start(_ elector: LeaderElector, _ log: LeadershipLog) -> Task<Void, Never> {
        Task { await elector.run(onStartedLeading: { await log.work() }, onStoppedLeading: { log.stoppedLeading() }) }
    }

    static func lease(_ client: KubeClient) async throws -> Lease {
        try await client.get(Lease.self, namespace: namespace, name: leaseName)
    }

    @Test func unsafeTimingIsMadeSafe() async throws {
        try await TestCluster.with { cluster in
            let elector = LeaderElector(
                client: cluster.client,
                configuration: LeaderElectionConfiguration(
                    namespace: "n", leaseName: "l", identity: "i", leaseDuration: .seconds(6), renewDeadline: .seconds(10),
                    retryPeriod: .seconds(5)),
                logger: testLogger())
            #expect(elector.configuration.renewDeadline == .seconds(4))
            #expect(elector.configuration.retryPeriod < elector.configuration.renewDeadline)
            try elector.configuration.validate()
        }
    }

    @Test func configurationIsValidated() throws {
        try LeaderElectionConfiguration(namespace: "n", leaseName: "l", identity: "i").validate()
        #expect(throws: KubeConfigError.self) {
            try LeaderElectionConfiguration(namespace: "n", leaseName: "l", identity: "i", leaseDuration: .seconds(5), renewDeadline: .seconds(10)).validate()
        }
        #expect(throws: KubeConfigError.self) { try LeaderElectionConfiguration(namespace: "n", leaseName: "l", identity: "").validate() }
    }

    @Test func exactlyOneOfTwoLeads() async throws {
        try await TestCluster.with { cluster in
            let secondClient = try cluster.makeClient()
            let a = Self.elector(cluster.client, "a")
            let b = Self.elector(secondClient, "b")
            let (logA, logB) = (LeadershipLog(), LeadershipLog())
            let tasks = [Self.start(a, logA), Self.start(b, logB)]
            #expect(await eventually {
                let (leaderA, leaderB) = (await a.isLeader, await b.isLeader)
                return leaderA || leaderB
            })
            for _ in 0..<20 {  // a second of renewals: never both, never none
                let (leaderA, leaderB) = (await a.isLeader, await b.isLeader)
                #expect(leaderA != leaderB)
                try await Task.sleep(for: .milliseconds(50))
            }
            let lease = try await Self.lease(cluster.client)
            let leader = await a.isLeader ? "a" : "b"
            #expect(lease.spec.holderIdentity == leader)
            #expect(lease.spec.leaseDurationSeconds == 2)
            #expect(lease.spec.leaseTransitions == 0)
            #expect(lease.spec.renewTime != nil && lease.spec.acquireTime != nil)
            #expect(logA.started + logB.started == 1)
            for task in tasks { task.cancel() }
            for task in tasks { await task.value }
            try await secondClient.shutdown()
        }
    }

    @Test func releaseHandsOverAtOnce() async throws {
        try await TestCluster.with { cluster in
            // An hour-long lease: b can only lead within this test if a really released it.
            let a = Self.elector(cluster.client, "a", leaseDuration: .seconds(3600))
            let b = Self.elector(cluster.client, "b", leaseDuration: .seconds(3600))
            let (logA, logB) = (LeadershipLog(), LeadershipLog())
            let taskA = Self.start(a, logA)
            #expect(await eventually { await a.isLeader })
            let taskB = Self.start(b, logB)
            try await Task.sleep(for: .milliseconds(300))
            #expect(await b.isLeader == false)

            await a.release()  // waits for a's work to stop and run() to return
            await taskA.value
            #expect(logA.workCancelled == 1)
            #expect(logA.stopped == 1)
            #expect(await a.isLeader == false)
            // Long before the hour-long lease would have run out (the bound only stops a hang).
            #expect(await eventually(timeout: .seconds(60)) { await b.isLeader })
            let lease = try await Self.lease(cluster.client)
            #expect(lease.spec.holderIdentity == "b")
            #expect(lease.spec.leaseTransitions == 1, "a release keeps the count; b taking over adds one")
            taskB.cancel()
            await taskB.value
            #expect(try await Self.lease(cluster.client).spec.holderIdentity == "", "released on graceful shutdown")
        }
    }

    @Test func aLeaderThatStopsRenewingIsReplacedAfterTheLeaseDuration() async throws {
        try await TestCluster.with { cluster in
            let a = Self.elector(cluster.client, "a", releaseOnCancel: false)
            let b = Self.elector(cluster.client, "b")
            let (logA, logB) = (LeadershipLog(), LeadershipLog())
            let taskA = Self.start(a, logA)
            #expect(await eventually { await a.isLeader })
            let taskB = Self.start(b, logB)
            try await Task.sleep(for: .milliseconds(300))
            #expect(await b.isLeader == false)

            taskA.cancel()  // a dies without releasing: its lease is left to run out
            await taskA.value
            // Not at once: the dead leader released nothing, so b must wait for the lease to run
            // out (2 s on its own clock from a's last renewal) before it may take over.
            #expect(try await Self.lease(cluster.client).spec.holderIdentity == "a")
            #expect(await b.isLeader == false)
            #expect(await eventually(timeout: .seconds(30)) { await b.isLeader })
            let lease = try await Self.lease(cluster.client)
            #expect(lease.spec.holderIdentity == "b")
            #expect(lease.spec.leaseTransitions == 1)
            #expect(logB.started == 1)
            taskB.cancel()
            await taskB.value
            #expect(logB.stopped == 1)
        }
    }

    @Test func aLeaderThatCannotRenewStepsDown() async throws {
        try await TestCluster.with { cluster in
            let a = Self.elector(cluster.client, "a")
            let log = LeadershipLog()
            let task = Self.start(a, log)
            #expect(await eventually { await a.isLeader })
            cluster.failRequests(
                pathPrefix: "/apis/coordination.k8s.io/v1/namespaces/\(Self.namespace)/leases", code: 503, reason: "ServiceUnavailable")
            #expect(await eventually(timeout: .seconds(30)) { await a.isLeader == false })
            #expect(await eventually { log.stopped == 1 })
            #expect(log.workCancelled == 1)
            // Once the API answers again it campaigns and, being the holder, leads again.
            cluster.clearFaults()
            #expect(await eventually(timeout: .seconds(30)) { await a.isLeader })
            // The start callback runs just after the flag flips: wait for it, not for the flag.
            #expect(await eventually(timeout: .seconds(30)) { log.started == 2 })
            task.cancel()
            await task.value
        }
    }

    @Test func anExistingLeaseIsReusedAndAForeignValidHolderIsRespected() async throws {
        try await TestCluster.with { cluster in
            let client = cluster.client
            _ = try await client.create(
                Lease(metadata: ObjectMeta(name: Self.leaseName, namespace: Self.namespace),
                      spec: LeaseSpec(holderIdentity: "someone-else", leaseDurationSeconds: 30, acquireTime: .now(), renewTime: .now(), leaseTransitions: 4)))
            let a = Self.elector(client, "a")
            let log = LeadershipLog()
            let task = Self.start(a, log)
            // Its first attempt has read the Lease once it reports the holder (on a loaded machine
            // that can take longer than any fixed sleep); from then on it must stay a follower.
            #expect(await eventually(timeout: .seconds(30)) { await a.observedHolder == "someone-else" })
            try await Task.sleep(for: .milliseconds(300))
            #expect(await a.isLeader == false)
            #expect(await a.observedHolder == "someone-else")
            task.cancel()
            await task.value
            #expect(log.started == 0)
            #expect(log.stopped == 0)
        }
    }
}
