import Replication
import Hub

/// A replica as every `--json` output shows it: `hub replicas` (each), `hub enroll`, `hub revoke`,
/// `init` and `status` (under `replica`).
struct ReplicaJSON: Encodable {
    let id: String
    let org: String
    /// `province`, `city`, `hospital` or `enterprise`.
    let role: String
    /// Who uses it, as enrolled (null when none was given).
    @Nullable var label: String?
    /// When it last synced with the hub (ISO 8601), null when never (or not known here).
    @Nullable var lastSync: String?
    /// When its token was revoked (ISO 8601), null while it is valid.
    @Nullable var revoked: String?
}


extension ReplicaJSON {
    /// A replica as the hub enrolled it.
    init(_ e: Hub.Enrollment) {
        self.init(id: e.replica.hex, org: e.org, role: e.role, label: e.label, lastSync: ISOTime.string(optional: e.lastSync),
                  revoked: ISOTime.string(optional: e.revoked))
    }
}
