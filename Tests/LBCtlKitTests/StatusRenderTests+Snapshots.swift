/// The expected output of `StatusRenderTests`, verbatim.
extension StatusRenderTests {
    static let table = #"""
        1 service pending; 1 speaker not live; 1 split view; 1 service not announced; 1 bgp session down

        config: loaded (ConfigMap ironlb-system/config)
          controller: ConfigLoaded: config loaded: 2 pools, 1 peer

        POOL     PROTOCOL  IN USE
        default  layer2    IPv4 3/16, IPv6 0/18446744073709551616
        routed   bgp       IPv4 1/256

        SERVICE         IPS           POOL     MODE    NODE           PEERS  STATUS
        default/db      -             -        -       -              -      pending: the address-pool annotation names pool "missing", which does not exist (pools: default, routed)
        default/legacy  192.0.2.3     default  layer2  none           -      not announced: only a speaker that is not live claims it (node-c)
        default/split   192.0.2.2     default  layer2  split view     -      served: speakers disagree on the announcing node
        default/web     192.0.2.1     default  layer2  node-a         -      served
        shop/api        198.51.100.5  routed   bgp     node-a,node-b  tor-1  served: node-b advertises to no peer

        SPEAKER  LIVE  LAST RENEWAL  ANNOUNCED  BGP UP  MEMBERS               NOTE
        node-a   yes   2s ago        3          1/1     node-a,node-b
        node-b   yes   5s ago        2          0/1     node-b                bgp tor-1 Active: connection refused
        node-c   no    1h1m ago      1          -       node-a,node-b,node-c
        node-d   yes   1s ago        -          -       -                     no ironlb.dev/speaker-state annotation
        """#

    static let colouredTable = """
        \u{1B}[31m1 service pending; 1 speaker not live; 1 split view; 1 service not announced; 1 bgp session down\u{1B}[0m

        config: \u{1B}[32mloaded\u{1B}[0m (ConfigMap ironlb-system/config)
          controller: ConfigLoaded: config loaded: 2 pools, 1 peer

        \u{1B}[1mPOOL\u{1B}[0m     \u{1B}[1mPROTOCOL\u{1B}[0m  \u{1B}[1mIN USE\u{1B}[0m
        default  layer2    IPv4 3/16, IPv6 0/18446744073709551616
        routed   bgp       IPv4 1/256

        \u{1B}[1mSERVICE\u{1B}[0m         \u{1B}[1mIPS\u{1B}[0m           \u{1B}[1mPOOL\u{1B}[0m     \u{1B}[1mMODE\u{1B}[0m    \u{1B}[1mNODE\u{1B}[0m           \u{1B}[1mPEERS\u{1B}[0m  \u{1B}[1mSTATUS\u{1B}[0m
        default/db      -             -        -       -              -      \u{1B}[31mpending: the address-pool annotation names pool "missing", which does not exist (pools: default, routed)\u{1B}[0m
        default/legacy  192.0.2.3     default  layer2  \u{1B}[31mnone\u{1B}[0m           -      \u{1B}[31mnot announced: only a speaker that is not live claims it (node-c)\u{1B}[0m
        default/split   192.0.2.2     default  layer2  \u{1B}[31msplit view\u{1B}[0m     -      \u{1B}[33mserved: speakers disagree on the announcing node\u{1B}[0m
        default/web     192.0.2.1     default  layer2  node-a         -      \u{1B}[32mserved\u{1B}[0m
        shop/api        198.51.100.5  routed   bgp     node-a,node-b  tor-1  \u{1B}[33mserved: node-b advertises to no peer\u{1B}[0m

        \u{1B}[1mSPEAKER\u{1B}[0m  \u{1B}[1mLIVE\u{1B}[0m  \u{1B}[1mLAST RENEWAL\u{1B}[0m  \u{1B}[1mANNOUNCED\u{1B}[0m  \u{1B}[1mBGP UP\u{1B}[0m  \u{1B}[1mMEMBERS\u{1B}[0m               \u{1B}[1mNOTE\u{1B}[0m
        node-a   \u{1B}[32myes\u{1B}[0m   2s ago        3          \u{1B}[32m1/1\u{1B}[0m     node-a,node-b
        node-b   \u{1B}[32myes\u{1B}[0m   5s ago        2          \u{1B}[31m0/1\u{1B}[0m     node-b                \u{1B}[33mbgp tor-1 Active: connection refused\u{1B}[0m
        node-c   \u{1B}[31mno\u{1B}[0m    1h1m ago      1          -       node-a,node-b,node-c
        node-d   \u{1B}[32myes\u{1B}[0m   1s ago        -          -       -                     \u{1B}[33mno ironlb.dev/speaker-state annotation\u{1B}[0m
        """

    static let json = #"""
        {
          "config" : {
            "errors" : [

            ],
            "lastEvent" : "ConfigLoaded: config loaded: 2 pools, 1 peer",
            "source" : "ConfigMap ironlb-system/config",
            "stale" : false,
            "state" : "loaded"
          },
          "healthy" : false,
          "pools" : [
            {
              "families" : [
                {
                  "family" : "IPv4",
                  "inUse" : "3",
                  "total" : "16"
                },
                {
                  "family" : "IPv6",
                  "inUse" : "0",
                  "total" : "18446744073709551616"
                }
              ],
              "name" : "default",
              "protocol" : "layer2"
            },
            {
              "families" : [
                {
                  "family" : "IPv4",
                  "inUse" : "1",
                  "total" : "256"
                }
              ],
              "name" : "routed",
              "protocol" : "bgp"
            }
          ],
          "services" : [
            {
              "ips" : [

              ],
              "name" : "default/db",
              "reason" : "the address-pool annotation names pool \"missing\", which does not exist (pools: default, routed)",
              "state" : "pending"
            },
            {
              "ips" : [
                "192.0.2.3"
              ],
              "mode" : "layer2",
              "name" : "default/legacy",
              "node" : "none",
              "pool" : "default",
              "reason" : "only a speaker that is not live claims it (node-c)",
              "state" : "served"
            },
            {
              "ips" : [
                "192.0.2.2"
              ],
              "mode" : "layer2",
              "name" : "default/split",
              "node" : "split view",
              "pool" : "default",
              "reason" : "speakers disagree on the announcing node",
              "state" : "served"
            },
            {
              "ips" : [
                "192.0.2.1"
              ],
              "mode" : "layer2",
              "name" : "default/web",
              "node" : "node-a",
              "pool" : "default",
              "state" : "served"
            },
            {
              "ips" : [
                "198.51.100.5"
              ],
              "mode" : "bgp",
              "name" : "shop/api",
              "node" : "node-a,node-b",
              "peers" : [
                "tor-1"
              ],
              "pool" : "routed",
              "reason" : "node-b advertises to no peer",
              "state" : "served"
            }
          ],
          "speakers" : [
            {
              "announced" : 3,
              "bgpSessionsTotal" : 1,
              "bgpSessionsUp" : 1,
              "lastRenewal" : "2026-06-14T09:59:58.000000Z",
              "lastRenewalAgeSeconds" : 2,
              "live" : true,
              "members" : [
                "node-a",
                "node-b"
              ],
              "node" : "node-a"
            },
            {
              "announced" : 2,
              "bgpSessionsTotal" : 1,
              "bgpSessionsUp" : 0,
              "lastRenewal" : "2026-06-14T09:59:55.000000Z",
              "lastRenewalAgeSeconds" : 5,
              "live" : true,
              "members" : [
                "node-b"
              ],
              "node" : "node-b",
              "note" : "bgp tor-1 Active: connection refused"
            },
            {
              "announced" : 1,
              "lastRenewal" : "2026-06-14T08:58:20.000000Z",
              "lastRenewalAgeSeconds" : 3700,
              "live" : false,
              "members" : [
                "node-a",
                "node-b",
                "node-c"
              ],
              "node" : "node-c"
            },
            {
              "lastRenewal" : "2026-06-14T09:59:59.000000Z",
              "lastRenewalAgeSeconds" : 1,
              "live" : true,
              "members" : [

              ],
              "node" : "node-d",
              "note" : "no ironlb.dev/speaker-state annotation"
            }
          ],
          "verdict" : "1 service pending; 1 speaker not live; 1 split view; 1 service not announced; 1 bgp session down"
        }
        """#

    static let yaml = #"""
        verdict: 1 service pending; 1 speaker not live; 1 split view; 1 service not announced;
          1 bgp session down
        healthy: false
        config:
          state: loaded
          source: ConfigMap ironlb-system/config
          stale: false
          errors: []
          lastEvent: 'ConfigLoaded: config loaded: 2 pools, 1 peer'
        pools:
        - name: default
          protocol: layer2
          families:
          - family: IPv4
            inUse: '3'
            total: '16'
          - family: IPv6
            inUse: '0'
            total: '18446744073709551616'
        - name: routed
          protocol: bgp
          families:
          - family: IPv4
            inUse: '1'
            total: '256'
        services:
        - name: default/db
          state: pending
          ips: []
          reason: 'the address-pool annotation names pool "missing", which does not exist
            (pools: default, routed)'
        - name: default/legacy
          state: served
          ips:
          - 192.0.2.3
          pool: default
          mode: layer2
          node: none
          reason: only a speaker that is not live claims it (node-c)
        - name: default/split
          state: served
          ips:
          - 192.0.2.2
          pool: default
          mode: layer2
          node: split view
          reason: speakers disagree on the announcing node
        - name: default/web
          state: served
          ips:
          - 192.0.2.1
          pool: default
          mode: layer2
          node: node-a
        - name: shop/api
          state: served
          ips:
          - 198.51.100.5
          pool: routed
          mode: bgp
          node: node-a,node-b
          peers:
          - tor-1
          reason: node-b advertises to no peer
        speakers:
        - node: node-a
          live: true
          lastRenewal: '2026-06-14T09:59:58.000000Z'
          lastRenewalAgeSeconds: 2
          announced: 3
          bgpSessionsUp: 1
          bgpSessionsTotal: 1
          members:
          - node-a
          - node-b
        - node: node-b
          live: true
          lastRenewal: '2026-06-14T09:59:55.000000Z'
          lastRenewalAgeSeconds: 5
          announced: 2
          bgpSessionsUp: 0
          bgpSessionsTotal: 1
          members:
          - node-b
          note: 'bgp tor-1 Active: connection refused'
        - node: node-c
          live: false
          lastRenewal: '2026-06-14T08:58:20.000000Z'
          lastRenewalAgeSeconds: 3700
          announced: 1
          members:
          - node-a
          - node-b
          - node-c
        - node: node-d
          live: true
          lastRenewal: '2026-06-14T09:59:59.000000Z'
          lastRenewalAgeSeconds: 1
          members: []
          note: no ironlb.dev/speaker-state annotation
        """#
}
