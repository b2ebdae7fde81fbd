import Foundation
import Submissions

/// A call-template file, as `tianbao hub publish` loads it. A template the loader accepts,
/// encoded, loads back equal.
enum TemplateFuzz {
    static func run(_ bytes: [UInt8]) -> FuzzTarget.Outcome {
        guard let template = try? CallTemplate.decode(Data(bytes)) else { return .refused }
        guard let encoded = try? JSONEncoder().encode(template) else { return .broken("an accepted template cannot be encoded") }
        guard let back = try? CallTemplate.decode(encoded) else { return .broken("an accepted template, encoded, is refused") }
        return FuzzTarget.Outcome(back == template ? nil : "an accepted template, encoded and loaded, differs")
    }
}
