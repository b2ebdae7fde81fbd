import Testing
@testable import Submissions

@Suite struct PermissionMatrixTests {
    let directory = Directory(World.fujian())
    let call = CallCatalog(CallCatalog.builtIn)["fujian-2026"]!
    /// 2026-01-10, well before the deadline.
    let before = SimpleDate("2026-01-10")!.endOfDayMilliseconds(utcOffsetHours: 8)

    func allowed(_ actor: Actor, on unit: String, status: Status = .recommended) -> Set<Action> {
        Set(Action.allCases.filter { action in
            Permission.check(actor, action, on: .init(unit: directory[unit], status: status, everRecommended: true, madeAt: before, call: call),
                             directory: directory).isAllowed
        })
    }

    /// A recommended record: its unit may no longer delete it, nor edit its answers (what was
    /// submitted stays what was submitted until the city returns it).
    static let ownWork: Set<Action> = [.create, .submit]
    static let review: Set<Action> = [.recommend, .returnForRevision]
    static let decide: Set<Action> = [.select, .reject]
    static let admin: Set<Action> = [.publishCall, .manageOrganizations, .acknowledgeReceipt]

    @Test func hospital() {
        let actor = Actor(org: "fz-first", role: .hospital)
        #expect(allowed(actor, on: "fz-first") == Self.ownWork)
        #expect(allowed(actor, on: "fz-second").isEmpty)   // another hospital of the same city
        #expect(allowed(actor, on: "xm-first").isEmpty)    // another city's hospital
        #expect(allowed(actor, on: "fj-slyy").isEmpty)     // a provincial hospital
        #expect(allowed(actor, on: "fj-fuzhou").isEmpty)   // its own city
    }

    @Test func city() {
        let actor = Actor(org: "fj-fuzhou", role: .city)
        #expect(allowed(actor, on: "fj-fuzhou") == Self.ownWork.union(Self.review))
        #expect(allowed(actor, on: "fz-first") == Self.review)
        #expect(allowed(actor, on: "fz-second") == Self.review)
        #expect(allowed(actor, on: "xm-first").isEmpty)
        #expect(allowed(actor, on: "fj-slyy").isEmpty)
        #expect(allowed(actor, on: "fj-xiamen").isEmpty)
    }

    @Test func province() {
        let actor = Actor(org: "fj-province", role: .province)
        #expect(allowed(actor, on: "fj-province") == Self.ownWork.union(Self.decide).union(Self.admin))
        #expect(allowed(actor, on: "fz-first") == Self.decide.union(Self.admin))
        #expect(allowed(actor, on: "xm-first") == Self.decide.union(Self.admin))
        #expect(allowed(actor, on: "fj-slyy") == Self.decide.union(Self.admin))
        #expect(allowed(actor, on: "fj-fuzhou") == Self.decide.union(Self.admin))
    }

    @Test func aUnitEditsItsAnswersOnlyWhileTheyAreInItsHands() {
        let hospital = Actor(org: "fz-first", role: .hospital)
        for status in Status.allCases {
            let inHand = status == .draft || status == .returned
            #expect(reason(hospital, .edit, on: "fz-first", status: status) == (inHand ? nil : "frozen_submission"), "\(status)")
        }
    }

    @Test func aUnitDeletesItsRecordOnlyWhileItIsInItsHands() {
        let hospital = Actor(org: "fz-first", role: .hospital)
        for status in Status.allCases {
            let inHand = status == .draft || status == .returned
            #expect(reason(hospital, .delete, on: "fz-first", status: status) == (inHand ? nil : "submitted_record"), "\(status)")
        }
        #expect(reason(hospital, .delete, on: "fz-second", status: .draft) == "not_owner")
        #expect(reason(Actor(org: "fj-fuzhou", role: .city), .delete, on: "fz-first", status: .returned) == "not_owner")
        #expect(reason(Actor(org: "fj-province", role: .province), .delete, on: "fz-first", status: .selected) == "not_owner")
    }

    func reason(_ actor: Actor, _ action: Action, on unit: String, status: Status = .submitted,
                everRecommended: Bool = false, madeAt: Int64? = nil) -> String? {
        if case .refused(let code, _) = Permission.check(
            actor, action, on: .init(unit: directory[unit], status: status, everRecommended: everRecommended, madeAt: madeAt ?? before, call: call),
            directory: directory) { return code }
        return nil
    }

    @Test func refusalsSayWhy() {
        let hospital = Actor(org: "fz-first", role: .hospital)
        let fuzhou = Actor(org: "fj-fuzhou", role: .city)
        let province = Actor(org: "fj-province", role: .province)
        #expect(reason(hospital, .recommend, on: "fz-first") == "city_only")
        #expect(reason(hospital, .select, on: "fz-first") == "province_only")
        #expect(reason(hospital, .edit, on: "fz-second") == "not_owner")
        #expect(reason(fuzhou, .recommend, on: "xm-first") == "other_city")
        #expect(reason(fuzhou, .returnForRevision, on: "xm-first") == "other_city")
        #expect(reason(fuzhou, .recommend, on: "fj-slyy") == "other_city")
        #expect(reason(fuzhou, .recommend, on: "fz-first", status: .draft) == "not_submitted")
        #expect(reason(fuzhou, .select, on: "fz-first") == "province_only")
        #expect(reason(province, .recommend, on: "fz-first") == "city_only")
        #expect(reason(province, .edit, on: "fz-first") == "not_owner")
        // The province selects a city's hospital only after the city recommended it…
        #expect(reason(province, .select, on: "fz-first", status: .submitted) == "not_recommended")
        #expect(reason(province, .select, on: "fz-first", status: .returned, everRecommended: true) == nil)
        // …and a provincial hospital straight away.
        #expect(reason(province, .select, on: "fj-slyy", status: .submitted) == nil)
        #expect(reason(province, .select, on: "fj-slyy", status: .draft) == "not_submitted")
        #expect(reason(Actor(org: "fj-fuzhou", role: .hospital), .edit, on: "fj-fuzhou") == "role_mismatch")
        #expect(reason(Actor(org: "nowhere", role: .hospital), .edit, on: "fz-first") == "unknown_actor")
    }

    @Test func submittingAfterTheDeadlineIsRefusedButDraftingIsNot() {
        let hospital = Actor(org: "fz-first", role: .hospital)
        let lastMillisecond = SimpleDate("2026-01-30")!.endOfDayMilliseconds(utcOffsetHours: 8)
        #expect(reason(hospital, .submit, on: "fz-first", madeAt: lastMillisecond) == nil)
        #expect(reason(hospital, .submit, on: "fz-first", madeAt: lastMillisecond + 1) == "past_deadline")
        #expect(reason(hospital, .edit, on: "fz-first", status: .draft, madeAt: lastMillisecond + 86_400_000) == nil)
        #expect(reason(hospital, .create, on: "fz-first", madeAt: lastMillisecond + 86_400_000) == nil)
        // 2026-01-30 23:59:59.999 in China is 15:59:59.999 UTC.
        #expect(lastMillisecond == 1_769_788_799_999)
    }
}
