import Testing

/// Parent namespace of every coordinator suite, so `swift test --filter CoordinatorProtocol` selects them.
@Suite enum CoordinatorProtocol {}
