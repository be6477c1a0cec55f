/// An error from the Cohort client. Each says what happened and what to do about it.
///
/// Compare with the static members (`error.code == .runFinished`) or read `description`.
public struct CohortError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The family of an error, for matching.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate let name: String
        public var description: String { name }

        /// The run has finished; it takes no more data.
        public static let runFinished = Code(name: "runFinished")
        /// An argument cannot be used (a bad id, metric name, glob or setting).
        public static let invalidArgument = Code(name: "invalidArgument")
        /// A config key already holds a different value and `allowValChange` was not given.
        public static let configValueChange = Code(name: "configValueChange")
        /// `resume: .must` named a run that does not exist.
        public static let runNotFound = Code(name: "runNotFound")
        /// `resume: .never` named a run that already exists.
        public static let runExists = Code(name: "runExists")
        /// The requested mode is not available in this build.
        public static let modeUnavailable = Code(name: "modeUnavailable")
        /// Another process is writing the run (its journal is locked).
        public static let runInUse = Code(name: "runInUse")
        /// Reading or writing the run directory or journal failed.
        public static let storage = Code(name: "storage")
        /// A journal could not be read.
        public static let journal = Code(name: "journal")
        /// The server refused the API key (or the key may not act on the entity).
        public static let unauthorized = Code(name: "unauthorized")
        /// The server refused a request for good, or could not be reached after the retries.
        public static let server = Code(name: "server")
        /// The server refused a request for good: sending it again would not help.
        public static let refused = Code(name: "refused")
        /// The operation needs a run in online mode (`useArtifact`).
        public static let needsOnline = Code(name: "needsOnline")
        /// No artifact version has that name and alias.
        public static let artifactNotFound = Code(name: "artifactNotFound")
        /// A downloaded file's checksum differs from the manifest's: the copy was not kept.
        public static let checksumMismatch = Code(name: "checksumMismatch")
    }

    /// The family of the error.
    public let code: Code
    /// What happened and what to do.
    public let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func runFinished(_ operation: String) -> CohortError {
        CohortError(
            .runFinished,
            "\(operation) was called after the run finished; start a new run with Run.start(...) to log more")
    }

    static func invalid(_ message: String) -> CohortError { CohortError(.invalidArgument, message) }

    static func storage(_ message: String) -> CohortError { CohortError(.storage, message) }
}
