import Foundation
import Testing

@testable import LBCtlKit

/// When output is coloured, and how the plugin names itself.
@Suite struct PresentationTests {
    @Test func colourFollowsTheTerminalAndNO_COLOR() {
        #expect(ColorChoice.auto.enabled(outputIsTerminal: true, environment: [:]))
        #expect(!ColorChoice.auto.enabled(outputIsTerminal: false, environment: [:]))
        #expect(!ColorChoice.auto.enabled(outputIsTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(ColorChoice.auto.enabled(outputIsTerminal: true, environment: ["NO_COLOR": ""]), "NO_COLOR counts only when non-empty")
        #expect(ColorChoice.always.enabled(outputIsTerminal: false, environment: ["NO_COLOR": "1"]))
        #expect(!ColorChoice.never.enabled(outputIsTerminal: true, environment: [:]))
    }

    @Test func pluginNameComesFromArgv0() {
        #expect(LBCtl.commandName(invokedAs: "/usr/local/bin/kubectl-lb") == "kubectl lb")
        #expect(LBCtl.commandName(invokedAs: "kubectl-lb") == "kubectl lb")
        #expect(LBCtl.commandName(invokedAs: "/usr/bin/lbctl") == "lbctl")
        #expect(LBCtl.commandName(invokedAs: "kubectl-lbx") == "lbctl")
    }

    @Test func tableWidthsIgnoreColourEscapes() {
        let rows = [[Style.colored.bad("no"), "x"], ["yes", "y"]]
        #expect(TableLayout.align(rows) == ["\u{1B}[31mno\u{1B}[0m   x", "yes  y"])
    }
}
