import Foundation

/// Files shipped in this module's resources (`Resources/`).
enum ShippedResource {
    /// The bytes of `Resources/<subdirectory>/<name>.json`.
    ///
    /// Read first by path from where SwiftPM puts a binary's resources, the folder beside the
    /// executable: finding it through `Bundle.module` builds two `Bundle`s, about half a
    /// millisecond that every command would pay (every command reads the shipped templates).
    /// `Bundle.module` is asked when the file is not there.
    static func json(_ name: String, in subdirectory: String) -> Data? {
        if let folder = besideExecutable, let data = FileManager.default.contents(atPath: "\(folder)/Resources/\(subdirectory)/\(name).json") {
            return data
        }
        return Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Resources/\(subdirectory)").flatMap { try? Data(contentsOf: $0) }
    }

    /// The resources folder beside the executable, as SwiftPM names it (`<package>_<target>.resources`).
    private static let besideExecutable: String? = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        .map { ($0 as NSString).deletingLastPathComponent + "/Tianbao_Submissions.resources" }
}
