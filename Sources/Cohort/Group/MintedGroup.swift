import Foundation
import Logging

/// The group of a launched job whose launcher gives no job id (MPICH's Hydra, for one): rank 0
/// mints a name and publishes it with its address in the rendezvous file; the other ranks wait
/// for it there before they start their runs, so every rank's run lands in the same group.
enum MintedGroup {
    /// The group for this rank: minted on rank 0, read from the rendezvous file elsewhere; `nil`
    /// (with a warning: the rank's run stays outside any group) when it cannot be learned.
    static func resolve(launch: LaunchInfo, plan: LeaderPlan?, settings: Settings) async -> String? {
        guard let rank = launch.rank else { return nil }
        if rank == 0 { return mint(launch: launch) }
        guard let plan else {
            settings.logger.warning(
                "no group id from the launcher and no way to reach rank 0: this rank runs alone; set COHORT_RUN_GROUP (the same on every rank)")
            return nil
        }
        let wait = settings.groupLinkOptions.groupWait
        guard let entry = await plan.rendezvous.wait(timeout: wait) else {
            settings.logger.warning(
                "rank 0 did not publish the group it minted within \(wait): this rank runs alone; set COHORT_RUN_GROUP (the same on every rank), or COHORT_RENDEZVOUS_DIR on a shared filesystem",
                metadata: ["rendezvous": "\(plan.rendezvous.path)"])
            return nil
        }
        return entry.group
    }

    /// `<launcher>-<UTC yyyyMMdd-HHmmss>-<6 hex digits>`, e.g. `mpich-20261129-061502-3fa9c1`.
    static func mint(launch: LaunchInfo, now: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: now)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let stamp = "\(parts.year ?? 1970)\(two(parts.month))\(two(parts.day))-\(two(parts.hour))\(two(parts.minute))\(two(parts.second))"
        let suffix = String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
        let padded = String(repeating: "0", count: 6 - suffix.count) + suffix
        return "\(launch.launcher.rawValue)-\(stamp)-\(padded)"
    }
}
