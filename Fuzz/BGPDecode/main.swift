// libFuzzer target for the BGP decoder (LBWire): every input is a TCP byte stream from a peer.
// Built and run by Fuzz/run-bgp-fuzz.sh; see the README there. Properties checked on every input
// (a violated one traps, which libFuzzer reports as a crash and saves the input):
// - decoding never traps, never loops, and "need more data" consumes nothing;
// - every error carries a NOTIFICATION the decoder may send (codes 1-3, or 7 for ROUTE-REFRESH);
// - a treat-as-withdraw error consumed exactly the offending UPDATE;
// - every decoded message re-encodes within 4096 octets and decodes back to itself;
// - the stream fed one octet at a time gives the same messages and the same error.
import LBWire
import NIOCore

/// The outcome of decoding a whole buffer: the messages, then the error that stopped it, if any.
struct Outcome: Equatable {
    var messages: [BGPMessage] = []
    var error: BGPNotification?
}

func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("property violated: \(message())") }
}

func decodeWhole(_ bytes: UnsafeRawBufferPointer, fourOctetAS: Bool) -> Outcome {
    var decoder = BGPMessageDecoder(fourOctetAS: fourOctetAS)
    var buffer = ByteBuffer(bytes: bytes)
    var outcome = Outcome()
    while true {
        let before = buffer.readerIndex
        let declared = buffer.getInteger(at: before + 16, as: UInt16.self).map(Int.init)
        let type = buffer.getInteger(at: before + 18, as: UInt8.self)
        do {
            guard let message = try decoder.parseStep(&buffer) else {
                require(buffer.readerIndex == before, "need-more-data consumed input")
                return outcome
            }
            require(buffer.readerIndex - before == declared, "decoded message length differs from its header")
            outcome.messages.append(message)
            if fourOctetAS {
                do {
                    let again = try message.encoded()
                    require(again.readableBytes <= BGPMessage.maximumLength, "re-encoding exceeds 4096 octets")
                    var copy = again
                    var fresh = BGPMessageDecoder(fourOctetAS: true)
                    let back = try fresh.parseStep(&copy)
                    require(back == message, "re-encoding decodes to \(String(describing: back)), not \(message)")
                } catch {
                    require(false, "\(message) did not survive re-encoding: \(error)")
                }
            }
        } catch {
            let n = error.notification
            require([1, 2, 3, 7].contains(n.code), "unexpected NOTIFICATION code in \(error)")
            require(n.code != 7 || type == BGPMessage.MessageType.routeRefresh, "code 7 for a message that is not ROUTE-REFRESH")
            require(!error.reason.isEmpty, "error without a reason")
            if error.action == .treatAsWithdraw {
                require(n.code == 3, "treat-as-withdraw for a non-UPDATE error")
                require(buffer.readerIndex - before == declared, "treat-as-withdraw did not consume the UPDATE")
                continue
            }
            outcome.error = n
            return outcome
        }
    }
}

func decodeByteByByte(_ bytes: UnsafeRawBufferPointer, fourOctetAS: Bool) -> Outcome {
    var decoder = BGPMessageDecoder(fourOctetAS: fourOctetAS)
    var pending = ByteBuffer()
    var outcome = Outcome()
    for byte in bytes {
        pending.writeInteger(byte)
        while true {
            do {
                guard let message = try decoder.parseStep(&pending) else { break }
                outcome.messages.append(message)
            } catch {
                if error.action == .treatAsWithdraw { continue }
                outcome.error = error.notification
                return outcome
            }
        }
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBGPDecode(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    for fourOctetAS in [true, false] {
        let whole = decodeWhole(bytes, fourOctetAS: fourOctetAS)
        let byByte = decodeByteByByte(bytes, fourOctetAS: fourOctetAS)
        require(whole == byByte, "byte-by-byte decoding differs: \(whole) vs \(byByte)")
    }
    return 0
}
