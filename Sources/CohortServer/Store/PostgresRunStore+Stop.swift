import Foundation
import PostgresNIO

extension PostgresRunStore {
    func run(storageID: String) async throws(StoreError) -> RunRecord? {
        try await transaction { tx in
            try await tx.rows("\(unescaped: Transaction.runSelect) WHERE r.storage_id = \(storageID)")
                .first.map { Transaction.run(from: $0).record }
        }
    }

    func requestStop(_ key: RunKey, at date: Date) async throws(StoreError) -> RunRecord {
        try await transaction { tx in
            guard var run = try await tx.run(key, lock: true)?.record else { throw StoreError(.notFound, "no run \(key)") }
            try StoreRules.checkStoppable(run)
            run.stopRequested = true
            run.updatedAt = date
            try await tx.exec(
                "UPDATE runs SET stop_requested = TRUE, updated_at = \(date.timeIntervalSince1970) WHERE storage_id = \(run.storageID)")
            return run
        }
    }
}
