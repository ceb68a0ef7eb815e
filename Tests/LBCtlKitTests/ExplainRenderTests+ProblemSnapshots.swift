/// Expected `lbctl explain` output for Services with problems: a split view, a stale speaker,
/// a pending Service.
extension ExplainRenderTests {
    static let splitTable = #"""
        default/split: 192.0.2.2 split view: node-a, node-b announce it (layer2, pool default); 1 problem

        CONTROLLER
          type:            LoadBalancer
          config:          loaded
          IPs:             192.0.2.2
          pool:            default (from annotation ironlb.dev/assigned-pool)
          requested:       -
          traffic policy:  Cluster
          events:          -

        192.0.2.2 (layer2, pool default): split view
          NODE    LIVE  ANNOUNCES   OWNER   WHY NOT
          node-a  yes   yes (eth0)  node-a
          node-b  yes   yes (eth0)  node-b
          node-c  no    -           -       speakerNotLive: its speaker's Lease is not being renewed (last renewed 1h1m ago), so whatever it last published is stale; check the speaker pod on this node
          node-d  yes   -           -       stateUnavailable: no ironlb.dev/speaker-state annotation: it has not published its state yet (just started, or an IronLB version without it); check its logs

        PROBLEMS
          1. split view on 192.0.2.2: the speakers disagree on its owner (node-a says node-a and announces it; node-b says node-b and announces it), so more than one node may answer ARP/NDP for it
             fix: make the speakers see the same members and Nodes (node-a sees [node-a,node-b]; node-b sees [node-b]): open the speakers' membership port (UDP) between all nodes, and check each speaker's logs and its access to the Nodes
        """#

    static let splitColoured = """
        \u{1B}[31mdefault/split: 192.0.2.2 split view: node-a, node-b announce it (layer2, pool default); 1 problem\u{1B}[0m

        \u{1B}[1mCONTROLLER\u{1B}[0m
          type:            LoadBalancer
          config:          loaded
          IPs:             192.0.2.2
          pool:            default (from annotation ironlb.dev/assigned-pool)
          requested:       -
          traffic policy:  Cluster
          events:          -

        \u{1B}[1m192.0.2.2 (layer2, pool default): split view\u{1B}[0m
          \u{1B}[1mNODE\u{1B}[0m    \u{1B}[1mLIVE\u{1B}[0m  \u{1B}[1mANNOUNCES\u{1B}[0m   \u{1B}[1mOWNER\u{1B}[0m   \u{1B}[1mWHY NOT\u{1B}[0m
          node-a  \u{1B}[32myes\u{1B}[0m   \u{1B}[32myes\u{1B}[0m (eth0)  node-a
          node-b  \u{1B}[32myes\u{1B}[0m   \u{1B}[32myes\u{1B}[0m (eth0)  node-b
          node-c  \u{1B}[31mno\u{1B}[0m    -           -       \u{1B}[33mspeakerNotLive: its speaker's Lease is not being renewed (last renewed 1h1m ago), so whatever it last published is stale; check the speaker pod on this node\u{1B}[0m
          node-d  \u{1B}[32myes\u{1B}[0m   -           -       \u{1B}[33mstateUnavailable: no ironlb.dev/speaker-state annotation: it has not published its state yet (just started, or an IronLB version without it); check its logs\u{1B}[0m

        \u{1B}[1mPROBLEMS\u{1B}[0m
          1. \u{1B}[31msplit view on 192.0.2.2: the speakers disagree on its owner (node-a says node-a and announces it; node-b says node-b and announces it), so more than one node may answer ARP/NDP for it\u{1B}[0m
             fix: make the speakers see the same members and Nodes (node-a sees [node-a,node-b]; node-b sees [node-b]): open the speakers' membership port (UDP) between all nodes, and check each speaker's logs and its access to the Nodes
        """

    static let legacyTable = #"""
        default/legacy: 192.0.2.3 announced by no node (layer2, pool default); 2 problems

        CONTROLLER
          type:            LoadBalancer
          config:          loaded
          IPs:             192.0.2.3
          pool:            default (from the configured pool holding its IP)
          requested:       -
          traffic policy:  Cluster
          events:          -

        192.0.2.3 (layer2, pool default): announced by no node
          NODE    LIVE  ANNOUNCES   OWNER   WHY NOT
          node-a  yes   no          node-c  notSelectedByPool: the node matches none of the node-selectors of address pool "default" (unmet: zone=c); label the node or widen the pool's node-selectors
          node-b  yes   no          node-c  notSelectedByPool: the node matches none of the node-selectors of address pool "default" (unmet: zone=c); label the node or widen the pool's node-selectors
          node-c  no    yes (eth0)  node-c  speakerNotLive: its speaker's Lease is not being renewed (last renewed 1h1m ago), so whatever it last published is stale; check the speaker pod on this node
          node-d  yes   -           -       stateUnavailable: no ironlb.dev/speaker-state annotation: it has not published its state yet (just started, or an IronLB version without it); check its logs

        PROBLEMS
          1. no live node announces 192.0.2.3; node-a, node-b: notSelectedByPool
             fix: the node matches none of the node-selectors of address pool "default" (unmet: zone=c); label the node or widen the pool's node-selectors
          2. node-c last said it announces 192.0.2.3, but its speaker is not live (last renewed 1h1m ago)
             fix: check the speaker pod on node-c (kubectl -n ironlb-system get pods -o wide --field-selector spec.nodeName=node-c); if the node is gone, delete its Lease ironlb-speaker-node-c
        """#

    static let legacyYAML = #"""
        service: default/legacy
        verdict: 192.0.2.3 announced by no node (layer2, pool default); 2 problems
        healthy: false
        state: served
        ips:
        - 192.0.2.3
        controller:
          type: LoadBalancer
          pool: default
          poolSource: the configured pool holding its IP
          requestedIPs: []
          externalTrafficPolicy: Cluster
          config: loaded
          events: []
        addresses:
        - ip: 192.0.2.3
          pool: default
          mode: layer2
          announcedBy: []
          splitView: false
          nodes:
          - node: node-a
            live: true
            announces: false
            owner: node-c
            interfaces: []
            reasons:
            - code: notSelectedByPool
              message: 'the node matches none of the node-selectors of address pool "default"
                (unmet: zone=c); label the node or widen the pool''s node-selectors'
          - node: node-b
            live: true
            announces: false
            owner: node-c
            interfaces: []
            reasons:
            - code: notSelectedByPool
              message: 'the node matches none of the node-selectors of address pool "default"
                (unmet: zone=c); label the node or widen the pool''s node-selectors'
          - node: node-c
            live: false
            announces: true
            owner: node-c
            interfaces:
            - eth0
            reasons:
            - code: speakerNotLive
              message: its speaker's Lease is not being renewed (last renewed 1h1m ago), so
                whatever it last published is stale; check the speaker pod on this node
          - node: node-d
            live: true
            interfaces: []
            reasons:
            - code: stateUnavailable
              message: 'no ironlb.dev/speaker-state annotation: it has not published its state
                yet (just started, or an IronLB version without it); check its logs'
        problems:
        - problem: 'no live node announces 192.0.2.3; node-a, node-b: notSelectedByPool'
          fix: 'the node matches none of the node-selectors of address pool "default" (unmet:
            zone=c); label the node or widen the pool''s node-selectors'
        - problem: node-c last said it announces 192.0.2.3, but its speaker is not live (last
            renewed 1h1m ago)
          fix: check the speaker pod on node-c (kubectl -n ironlb-system get pods -o wide
            --field-selector spec.nodeName=node-c); if the node is gone, delete its Lease
            ironlb-speaker-node-c
        """#

    static let dbTable = #"""
        default/db: pending: the address-pool annotation names pool "missing", which does not exist (pools: default, routed); 1 problem

        CONTROLLER
          type:            LoadBalancer
          config:          loaded
          IPs:             none: the address-pool annotation names pool "missing", which does not exist (pools: default, routed)
          pool:            -
          requested:       pool missing
          traffic policy:  Cluster
          events:          Warning AllocationFailed: the address-pool annotation names pool "missing", which does not exist (pools: default, routed)

        PROBLEMS
          1. no IP: the address-pool annotation names pool "missing", which does not exist (pools: default, routed)
             fix: name an existing pool in the address-pool annotation, or add that pool to the config
        """#

    static let dbColoured = """
        \u{1B}[31mdefault/db: pending: the address-pool annotation names pool "missing", which does not exist (pools: default, routed); 1 problem\u{1B}[0m

        \u{1B}[1mCONTROLLER\u{1B}[0m
          type:            LoadBalancer
          config:          loaded
          IPs:             \u{1B}[31mnone: the address-pool annotation names pool "missing", which does not exist (pools: default, routed)\u{1B}[0m
          pool:            -
          requested:       pool missing
          traffic policy:  Cluster
          events:          Warning AllocationFailed: the address-pool annotation names pool "missing", which does not exist (pools: default, routed)

        \u{1B}[1mPROBLEMS\u{1B}[0m
          1. \u{1B}[31mno IP: the address-pool annotation names pool "missing", which does not exist (pools: default, routed)\u{1B}[0m
             fix: name an existing pool in the address-pool annotation, or add that pool to the config
        """

    static let dbJSON = #"""
        {
          "addresses" : [

          ],
          "controller" : {
            "config" : "loaded",
            "events" : [
              "Warning AllocationFailed: the address-pool annotation names pool \"missing\", which does not exist (pools: default, routed)"
            ],
            "externalTrafficPolicy" : "Cluster",
            "pendingReason" : "the address-pool annotation names pool \"missing\", which does not exist (pools: default, routed)",
            "requestedIPs" : [

            ],
            "requestedPool" : "missing",
            "type" : "LoadBalancer"
          },
          "healthy" : false,
          "ips" : [

          ],
          "problems" : [
            {
              "fix" : "name an existing pool in the address-pool annotation, or add that pool to the config",
              "problem" : "no IP: the address-pool annotation names pool \"missing\", which does not exist (pools: default, routed)"
            }
          ],
          "service" : "default/db",
          "state" : "pending",
          "verdict" : "pending: the address-pool annotation names pool \"missing\", which does not exist (pools: default, routed); 1 problem"
        }
        """#

    static let dbYAML = #"""
        service: default/db
        verdict: 'pending: the address-pool annotation names pool "missing", which does not
          exist (pools: default, routed); 1 problem'
        healthy: false
        state: pending
        ips: []
        controller:
          type: LoadBalancer
          requestedPool: missing
          requestedIPs: []
          externalTrafficPolicy: Cluster
          config: loaded
          pendingReason: 'the address-pool annotation names pool "missing", which does not
            exist (pools: default, routed)'
          events:
          - 'Warning AllocationFailed: the address-pool annotation names pool "missing", which
            does not exist (pools: default, routed)'
        addresses: []
        problems:
        - problem: 'no IP: the address-pool annotation names pool "missing", which does not
            exist (pools: default, routed)'
          fix: name an existing pool in the address-pool annotation, or add that pool to the
            config
        """#
}
