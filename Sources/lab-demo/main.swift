import Foundation
import LBLab

#if canImport(Glibc)
import Glibc
#endif

/// lab-demo: IronLB's local lab demo in network namespaces (needs root).
///
///     lab-demo run [--keep-logs] [--bird-active]   the whole demo, then removes everything
///     lab-demo up [--dir DIR]                      bring the lab up and leave it running
///     lab-demo down [--dir DIR]                    remove what `up` made
///
/// Binaries come from $IRONLB_BIN_DIR, else beside lab-demo (.build/debug), else ./.build/debug.
let usage = """
    usage: lab-demo run [--keep-logs] [--bird-active]
           lab-demo up [--dir DIR]
           lab-demo down [--dir DIR]

      run    the demo: a lab of network namespaces with kube-test-server, lb-controller, an
             lb-speaker on each of three nodes, a bird2 router and a client; a layer-2 Service
             reached over HTTP, a bgp Service's routes in bird2, and a layer-2 failover with
             its measured gap. Removes everything at the end; exits 1 if any step failed.
               --keep-logs    keep the lab's work directory (logs, configs) after the run
               --bird-active  bird2 also connects to the nodes (default: it only listens)
      up     the same lab, left running for kubectl and lbctl (default DIR /tmp/ironlb-lab,
             where state.json, the kubeconfig and the logs go)
      down   stop and remove the lab `up` made (and any leftover namespace irlab-*)

    Needs root, iproute2, bird2, arping, curl, tcpdump, python3 and kubectl. Binaries:
    $IRONLB_BIN_DIR, else beside lab-demo, else ./.build/debug.
    """

func fail(_ message: String, status: Int32 = 2) -> Never {
    Output.warn("lab-demo: \(message)")
    exit(status)
}

/// `--dir DIR` (or `--dir=DIR`) and flags; anything else is an error naming it.
func parse(_ arguments: ArraySlice<String>, flags: Set<String>, valued: Set<String>) -> (flags: Set<String>, values: [String: String]) {
    var seenFlags: Set<String> = []
    var values: [String: String] = [:]
    var rest = arguments
    while let argument = rest.popFirst() {
        if flags.contains(argument) {
            seenFlags.insert(argument)
        } else if let equals = argument.firstIndex(of: "="), valued.contains(String(argument[..<equals])) {
            values[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
        } else if valued.contains(argument) {
            guard let value = rest.popFirst(), !value.hasPrefix("--") else { fail("\(argument) needs a value\n\n\(usage)") }
            values[argument] = value
        } else {
            fail("unknown argument '\(argument)'\n\n\(usage)")
        }
    }
    return (seenFlags, values)
}

let arguments = CommandLine.arguments.dropFirst()
guard let command = arguments.first else { fail("missing command\n\n\(usage)") }
switch command {
case "-h", "--help", "help":
    Output.say(usage)
    exit(0)
case "run":
    let parsed = parse(arguments.dropFirst(), flags: ["--keep-logs", "--bird-active"], valued: [])
    exit(DemoRun(keepLogs: parsed.flags.contains("--keep-logs"), birdPassive: !parsed.flags.contains("--bird-active")).run())
case "up":
    let parsed = parse(arguments.dropFirst(), flags: [], valued: ["--dir"])
    exit(LabUp(directory: parsed.values["--dir"] ?? LabUp.defaultDirectory).run())
case "down":
    let parsed = parse(arguments.dropFirst(), flags: [], valued: ["--dir"])
    exit(LabDown(directory: parsed.values["--dir"] ?? LabUp.defaultDirectory).run())
default:
    fail("unknown command '\(command)'\n\n\(usage)")
}
