import Foundation
import SQLiteNIO

extension SQLiteRunStore {
    func run(storageID: String) async throws(StoreError) -> RunRecord? {
        try await read { tx in
            try await tx.rows(Transaction.runSelect + " WHERE r.storage_id = ?", [.text(storageID)])
                .first.map { Transaction.run(from: $0).record }
        }
    }

    func requestStop(_ key: RunKey, at date: Date) async throws(StoreError) -> RunRecord {
        try await write { tx in
            guard var run = try await tx.run(key)?.record else { throw StoreError(.notFound, "no run \(key)") }
            try StoreRules.checkStoppable(run)
            run.stopRequested = true
            run.updatedAt = date
            _ = try await tx.rows(
                "UPDATE runs SET stop_requested = 1, updated_at = ? WHERE storage_id = ?",
                [.time(date), .text(run.storageID)])
            return run
        }
    }
}
