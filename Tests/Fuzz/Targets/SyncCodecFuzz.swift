import JSON
import SyncProtocol

/// A sync request or response body. One the decoder accepts, encoded, decodes again, and its
/// encoding is then a fixed point: nothing is lost or invented between the two.
enum SyncCodecFuzz {
    static func request(_ bytes: [UInt8]) -> FuzzTarget.Outcome {
        guard let tree = try? JSONTree.parse(bytes), let decoded = try? SyncCodec.request(tree) else { return .refused }
        // Nothing the input carried is dropped on the way in.
        if case .array(let changes)? = tree["changes"], changes.count != decoded.changes.count {
            return .broken("\(changes.count) changes in, \(decoded.changes.count) decoded")
        }
        return fixedPoint(SyncCodec.encode(decoded)) { tree throws in SyncCodec.encode(try SyncCodec.request(tree)) }
    }

    static func response(_ bytes: [UInt8]) -> FuzzTarget.Outcome {
        guard let tree = try? JSONTree.parse(bytes), let decoded = try? SyncCodec.response(tree) else { return .refused }
        if case .array(let changes)? = tree["changes"], changes.count != decoded.changes.count {
            return .broken("\(changes.count) changes in, \(decoded.changes.count) decoded")
        }
        return fixedPoint(SyncCodec.encode(decoded)) { tree throws in SyncCodec.encode(try SyncCodec.response(tree)) }
    }

    static func fixedPoint(_ encoded: [UInt8], _ reencode: (JSONTree) throws -> [UInt8]) -> FuzzTarget.Outcome {
        guard let tree = try? JSONTree.parse(encoded) else { return .broken("the encoder wrote JSON its parser refuses") }
        guard let again = try? reencode(tree) else { return .broken("what the decoder accepted, once encoded, no longer decodes") }
        return FuzzTarget.Outcome(again == encoded ? nil : "encoding what was decoded is not a fixed point")
    }
}
