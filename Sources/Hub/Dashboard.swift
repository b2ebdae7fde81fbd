import Foundation
import Replication
import Submissions

/// What the dashboard shows one viewer, gathered from the hub under its lock: per call, how far
/// each unit got against its quota and the deadline, the submissions by state and the selection
/// against its targets; each replica's last contact and the refused changes it has not dealt with;
/// the tables stamped. A city commission sees its own unit and its members only.
struct Dashboard: Sendable {
    struct CallPanel: Sendable {
        let id: String, title: String, documentNumber: String, deadline: String
        let deadlineEnd: Int64, offsetHours: Int
        /// Each status's count over the units shown (`draft` … `notSelected`).
        let byStatus: [(Status, Int)]
        let completeness: Completeness
        /// The province's selection against the call's targets (the province's view only).
        let selection: SelectionProgress?
    }

    struct ReplicaRow: Sendable {
        let replica: String, unit: String, role: String, label: String?
        let lastSync: Int64?, revoked: Int64?
        /// Changes the hub refused that the replica has not withdrawn: someone must act.
        let refusedWaiting: Int
    }

    let viewer: String, viewerUnit: String
    /// The city commission the view is limited to; nil for the province.
    let city: String?
    let now: Int64
    let calls: [CallPanel]
    let replicas: [ReplicaRow]
    let stamps: [(Hub.Stamp, unitName: String)]
}

extension Hub {
    /// The dashboard for `principal` (a province or city enrolment), as the hub holds things now.
    func dashboard(for principal: Principal, now: Int64, _ s: State) throws -> Dashboard {
        let workspace = try workspace(s)
        let directory = try workspace.directory()
        let city = principal.actor.role == .city ? principal.actor.org : nil
        /// Whether a unit's rows are shown: everything to the province, a city's own and its members to it.
        func shown(_ org: String) -> Bool { city.map { directory[org]?.reportingUnit == $0 || org == $0 } ?? true }
        // Calls still open first, the nearest deadline first; then those past, the latest first.
        let ordered = try workspace.catalog().all.sorted { a, b in
            let (openA, openB) = (a.deadlineEnd > now, b.deadlineEnd > now)
            if openA != openB { return openA }
            return openA ? a.deadlineEnd < b.deadlineEnd : a.deadlineEnd > b.deadlineEnd
        }
        let latest = try s.store.latestArrival()
        let calls = try ordered.map { call -> Dashboard.CallPanel in
            let (full, selection) = try cachedReport(call.id, passed: now > call.deadlineEnd, at: latest, workspace, s)
            let report = full.limited { shown($0.code) }
            let units = report.units
            // Drafts are their unit's alone until submitted (ReadScope): the hub holds them, the page
            // does not count them.
            var counts: [Status: Int] = [:]
            for form in units.flatMap(\.forms) {
                counts[.submitted, default: 0] += form.submitted
                counts[.returned, default: 0] += form.returned
                counts[.recommended, default: 0] += form.recommended
                counts[.selected, default: 0] += form.selected
                counts[.notSelected, default: 0] += form.notSelected
            }
            return Dashboard.CallPanel(id: call.id, title: call.title, documentNumber: call.documentNumber, deadline: call.deadline,
                                       deadlineEnd: call.deadlineEnd, offsetHours: call.utcOffsetHours,
                                       byStatus: Status.allCases.filter { $0 != .draft }.map { ($0, counts[$0] ?? 0) }, completeness: report,
                                       selection: city == nil ? selection : nil)
        }
        let waiting = try s.tables.refusedAwaiting()
        let replicas = try s.tables.enrollments().filter { shown($0.org) }.map { e in
            Dashboard.ReplicaRow(replica: e.replica.hex, unit: directory[e.org]?.name ?? e.org, role: Role(rawValue: e.role)?.chinese ?? e.role,
                                 label: e.label, lastSync: e.lastSync, revoked: e.revoked, refusedWaiting: waiting[e.replica] ?? 0)
        }
        let stamps = try s.tables.stamps().filter { $0.unit.isEmpty ? city == nil : shown($0.unit) }.map { stamp in
            (stamp, unitName: stamp.unit.isEmpty ? "" : directory[stamp.unit]?.name ?? stamp.unit)
        }
        let enrolled = try s.tables.enrollment(principal.replica)?.0
        return Dashboard(viewer: enrolled?.label ?? principal.replica.hex.prefix(8).description,
                         viewerUnit: directory[principal.actor.org]?.name ?? principal.actor.org,
                         city: city, now: now, calls: calls, replicas: replicas, stamps: stamps)
    }

    /// A call's completeness and selection, worked out again only when something new arrived at
    /// the hub: the dashboard is opened far more often than the province's data changes. The
    /// deadline passing changes who is late, so it is part of what the cached report depends on.
    func cachedReport(_ call: String, passed: Bool, at latest: Int64, _ workspace: Workspace, _ s: State) throws -> (Completeness, SelectionProgress?) {
        let key = "\(call)|\(passed)"
        if let cached = s.dashboardCache[key], cached.position == latest { return (cached.completeness, cached.selection) }
        let report = (try workspace.completeness(call: call), try workspace.selectionProgress(call: call))
        s.dashboardCache[key] = (latest, report.0, report.1)
        return report
    }
}
