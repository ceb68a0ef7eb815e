/// The expected output of `ExplainRenderTests` for served Services, verbatim: layer 2 (web) and BGP (api).
extension ExplainRenderTests {
    static let webTable = #"""
        default/web: 192.0.2.1 announced by node-a (layer2, pool default)

        CONTROLLER
          type:            LoadBalancer
          config:          loaded
          IPs:             192.0.2.1
          pool:            default (from annotation ironlb.dev/assigned-pool)
          requested:       -
          traffic policy:  Cluster
          events:          -

        192.0.2.1 (layer2, pool default): announced by node-a
          NODE    LIVE  ANNOUNCES   OWNER   WHY NOT
          node-a  yes   yes (eth0)  node-a
          node-b  yes   no          node-a  notElected: node node-a ranks first for this IP and announces it (in layer2 mode one node announces each IP)
          node-c  no    -           -       speakerNotLive: its speaker's Lease is not being renewed (last renewed 1h1m ago), so whatever it last published is stale; check the speaker pod on this node
          node-d  yes   -           -       stateUnavailable: no ironlb.dev/speaker-state annotation: it has not published its state yet (just started, or an IronLB version without it); check its logs

        no problems found
        """#

    static let webColoured = """
        \u{1B}[32mdefault/web: 192.0.2.1 announced by node-a (layer2, pool default)\u{1B}[0m

        \u{1B}[1mCONTROLLER\u{1B}[0m
          type:            LoadBalancer
          config:          loaded
          IPs:             192.0.2.1
          pool:            default (from annotation ironlb.dev/assigned-pool)
          requested:       -
          traffic policy:  Cluster
          events:          -

        \u{1B}[1m192.0.2.1 (layer2, pool default): announced by node-a\u{1B}[0m
          \u{1B}[1mNODE\u{1B}[0m    \u{1B}[1mLIVE\u{1B}[0m  \u{1B}[1mANNOUNCES\u{1B}[0m   \u{1B}[1mOWNER\u{1B}[0m   \u{1B}[1mWHY NOT\u{1B}[0m
          node-a  \u{1B}[32myes\u{1B}[0m   \u{1B}[32myes\u{1B}[0m (eth0)  node-a
          node-b  \u{1B}[32myes\u{1B}[0m   no          node-a  \u{1B}[2mnotElected: node node-a ranks first for this IP and announces it (in layer2 mode one node announces each IP)\u{1B}[0m
          node-c  \u{1B}[31mno\u{1B}[0m    -           -       \u{1B}[33mspeakerNotLive: its speaker's Lease is not being renewed (last renewed 1h1m ago), so whatever it last published is stale; check the speaker pod on this node\u{1B}[0m
          node-d  \u{1B}[32myes\u{1B}[0m   -           -       \u{1B}[33mstateUnavailable: no ironlb.dev/speaker-state annotation: it has not published its state yet (just started, or an IronLB version without it); check its logs\u{1B}[0m

        \u{1B}[32mno problems found\u{1B}[0m
        """

    static let webJSON = #"""
        {
          "addresses" : [
            {
              "announcedBy" : [
                "node-a"
              ],
              "ip" : "192.0.2.1",
              "mode" : "layer2",
              "nodes" : [
                {
                  "announces" : true,
                  "interfaces" : [
                    "eth0"
                  ],
                  "live" : true,
                  "node" : "node-a",
                  "owner" : "node-a",
                  "reasons" : [

                  ]
                },
                {
                  "announces" : false,
                  "interfaces" : [

                  ],
                  "live" : true,
                  "node" : "node-b",
                  "owner" : "node-a",
                  "reasons" : [
                    {
                      "code" : "notElected",
                      "message" : "node node-a ranks first for this IP and announces it (in layer2 mode one node announces each IP)"
                    }
                  ]
                },
                {
                  "interfaces" : [

                  ],
                  "live" : false,
                  "node" : "node-c",
                  "reasons" : [
                    {
                      "code" : "speakerNotLive",
                      "message" : "its speaker's Lease is not being renewed (last renewed 1h1m ago), so whatever it last published is stale; check the speaker pod on this node"
                    }
                  ]
                },
                {
                  "interfaces" : [

                  ],
                  "live" : true,
                  "node" : "node-d",
                  "reasons" : [
                    {
                      "code" : "stateUnavailable",
                      "message" : "no ironlb.dev/speaker-state annotation: it has not published its state yet (just started, or an IronLB version without it); check its logs"
                    }
                  ]
                }
              ],
              "pool" : "default",
              "splitView" : false
            }
          ],
          "controller" : {
            "config" : "loaded",
            "events" : [

            ],
            "externalTrafficPolicy" : "Cluster",
            "pool" : "default",
            "poolSource" : "annotation ironlb.dev/assigned-pool",
            "requestedIPs" : [

            ],
            "type" : "LoadBalancer"
          },
          "healthy" : true,
          "ips" : [
            "192.0.2.1"
          ],
          "problems" : [

          ],
          "service" : "default/web",
          "state" : "served",
          "verdict" : "192.0.2.1 announced by node-a (layer2, pool default)"
        }
        """#

    static let webYAML = #"""
        service: default/web
        verdict: 192.0.2.1 announced by node-a (layer2, pool default)
        healthy: true
        state: served
        ips:
        - 192.0.2.1
        controller:
          type: LoadBalancer
          pool: default
          poolSource: annotation ironlb.dev/assigned-pool
          requestedIPs: []
          externalTrafficPolicy: Cluster
          config: loaded
          events: []
        addresses:
        - ip: 192.0.2.1
          pool: default
          mode: layer2
          announcedBy:
          - node-a
          splitView: false
          nodes:
          - node: node-a
            live: true
            announces: true
            owner: node-a
            interfaces:
            - eth0
            reasons: []
          - node: node-b
            live: true
            announces: false
            owner: node-a
            interfaces: []
            reasons:
            - code: notElected
              message: node node-a ranks first for this IP and announces it (in layer2 mode
                one node announces each IP)
          - node: node-c
            live: false
            interfaces: []
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
        problems: []
        """#

    static let apiTable = #"""
        shop/api: 198.51.100.5 advertised by node-a to tor-1, node-b to no peer (bgp, pool routed); 1 problem

        CONTROLLER
          type:            LoadBalancer
          config:          loaded
          IPs:             198.51.100.5
          pool:            routed (from annotation ironlb.dev/assigned-pool)
          requested:       -
          traffic policy:  Cluster
          events:          -

        198.51.100.5 (bgp, pool routed, prefix 198.51.100.5/32): advertised by node-a to tor-1, node-b to no peer
          NODE    LIVE  ADVERTISES  PEERS  WHY NOT
          node-a  yes   yes         tor-1
          node-b  yes   yes         -      noSessionEstablished: none of its BGP sessions is Established
          node-c  no    -           -      speakerNotLive: its speaker's Lease is not being renewed (last renewed 1h1m ago), so whatever it last published is stale; check the speaker pod on this node
          node-d  yes   -           -      stateUnavailable: no ironlb.dev/speaker-state annotation: it has not published its state yet (just started, or an IronLB version without it); check its logs

        PROBLEMS
          1. node-b advertises 198.51.100.5 but to no peer (noSessionEstablished)
             fix: none of its BGP sessions is Established
        """#

    static let apiJSON = #"""
        {
          "addresses" : [
            {
              "announcedBy" : [
                "node-a",
                "node-b"
              ],
              "ip" : "198.51.100.5",
              "mode" : "bgp",
              "nodes" : [
                {
                  "announces" : true,
                  "interfaces" : [

                  ],
                  "live" : true,
                  "node" : "node-a",
                  "peers" : [
                    "tor-1"
                  ],
                  "reasons" : [

                  ]
                },
                {
                  "announces" : true,
                  "interfaces" : [

                  ],
                  "live" : true,
                  "node" : "node-b",
                  "peers" : [

                  ],
                  "reasons" : [
                    {
                      "code" : "noSessionEstablished",
                      "message" : "none of its BGP sessions is Established"
                    }
                  ]
                },
                {
                  "interfaces" : [

                  ],
                  "live" : false,
                  "node" : "node-c",
                  "reasons" : [
                    {
                      "code" : "speakerNotLive",
                      "message" : "its speaker's Lease is not being renewed (last renewed 1h1m ago), so whatever it last published is stale; check the speaker pod on this node"
                    }
                  ]
                },
                {
                  "interfaces" : [

                  ],
                  "live" : true,
                  "node" : "node-d",
                  "reasons" : [
                    {
                      "code" : "stateUnavailable",
                      "message" : "no ironlb.dev/speaker-state annotation: it has not published its state yet (just started, or an IronLB version without it); check its logs"
                    }
                  ]
                }
              ],
              "pool" : "routed",
              "prefix" : "198.51.100.5/32",
              "splitView" : false
            }
          ],
          "controller" : {
            "config" : "loaded",
            "events" : [

            ],
            "externalTrafficPolicy" : "Cluster",
            "pool" : "routed",
            "poolSource" : "annotation ironlb.dev/assigned-pool",
            "requestedIPs" : [

            ],
            "type" : "LoadBalancer"
          },
          "healthy" : false,
          "ips" : [
            "198.51.100.5"
          ],
          "problems" : [
            {
              "fix" : "none of its BGP sessions is Established",
              "problem" : "node-b advertises 198.51.100.5 but to no peer (noSessionEstablished)"
            }
          ],
          "service" : "shop/api",
          "state" : "served",
          "verdict" : "198.51.100.5 advertised by node-a to tor-1, node-b to no peer (bgp, pool routed); 1 problem"
        }
        """#

    static let apiYAML = #"""
        service: shop/api
        verdict: 198.51.100.5 advertised by node-a to tor-1, node-b to no peer (bgp, pool
          routed); 1 problem
        healthy: false
        state: served
        ips:
        - 198.51.100.5
        controller:
          type: LoadBalancer
          pool: routed
          poolSource: annotation ironlb.dev/assigned-pool
          requestedIPs: []
          externalTrafficPolicy: Cluster
          config: loaded
          events: []
        addresses:
        - ip: 198.51.100.5
          pool: routed
          mode: bgp
          prefix: 198.51.100.5/32
          announcedBy:
          - node-a
          - node-b
          splitView: false
          nodes:
          - node: node-a
            live: true
            announces: true
            interfaces: []
            peers:
            - tor-1
            reasons: []
          - node: node-b
            live: true
            announces: true
            interfaces: []
            peers: []
            reasons:
            - code: noSessionEstablished
              message: none of its BGP sessions is Established
          - node: node-c
            live: false
            interfaces: []
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
        - problem: node-b advertises 198.51.100.5 but to no peer (noSessionEstablished)
          fix: none of its BGP sessions is Established
        """#
}
