extension GatewayConfiguration {
    /// `[relay]`: how the delivery worker drives the queue and how long a transfer may take.
    public struct RelaySettings: Sendable, Equatable {
        /// Transfers in flight at once (to the bus and the units' webhooks together).
        public var concurrency: Int
        /// How often the queue is checked for retries falling due when nothing new was queued.
        public var pollInterval: Duration
        /// TCP and TLS setup of one connection.
        public var connectTimeout: Duration
        /// One whole exchange (request sent, reply read).
        public var totalTimeout: Duration
        /// On shutdown, how long transfers in flight may finish before they are given back to the queue.
        public var shutdownGrace: Duration

        public static let `default` = RelaySettings(concurrency: 8, pollInterval: .seconds(5), connectTimeout: .seconds(10),
                                                    totalTimeout: .seconds(60), shutdownGrace: .seconds(10))
    }
}

extension GatewayConfiguration.RelaySettings {
    /// Reads `[relay]`; every key is optional.
    init(_ table: TableReader?) throws(ConfigurationError) {
        self = .default
        guard let table else { return }
        concurrency = try table.integer("concurrency", in: 1...256) ?? concurrency
        pollInterval = try table.duration("poll_interval") ?? pollInterval
        connectTimeout = try table.duration("connect_timeout") ?? connectTimeout
        totalTimeout = try table.duration("total_timeout") ?? totalTimeout
        shutdownGrace = try table.duration("shutdown_grace") ?? shutdownGrace
        if pollInterval < .milliseconds(100) { throw table.error("poll_interval", "must be at least 100ms") }
        if connectTimeout <= .zero { throw table.error("connect_timeout", "must be longer than 0s") }
        if totalTimeout < connectTimeout { throw table.error("total_timeout", "must be at least relay.connect_timeout") }
        try table.finish()
    }
}
