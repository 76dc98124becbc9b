package dev.sluice.broker.server;

import java.util.List;

/**
 * The Sluice metric families (Prometheus names as scraped, counters with {@code _total}) that dashboards and alert
 * rules may rely on, as issue 14 lists them.
 * {@link NodeMetricsTest} checks that a running cluster serves each one; docs/metrics.md describes each one.
 */
final class ExpectedFamilies {
    static final List<String> ALL = List.of(
            // partitions, as each leader sees them
            "sluice_broker_leader_partitions", "sluice_broker_under_replicated_partitions",
            "sluice_broker_under_min_isr_partitions", "sluice_broker_isr_shrinks_total",
            "sluice_broker_isr_expands_total",
            // the cluster, from the active controller
            "sluice_controller_active", "sluice_controller_offline_partitions",
            "sluice_controller_preferred_replica_imbalance", "sluice_controller_registered_brokers",
            "sluice_controller_fenced_brokers", "sluice_controller_topics", "sluice_controller_partitions",
            "sluice_controller_leader_elections_total",
            // the metadata quorum
            "sluice_raft_role", "sluice_raft_leader_id", "sluice_raft_epoch", "sluice_raft_high_watermark",
            "sluice_raft_log_end_offset", "sluice_raft_voter_lag_entries", "sluice_raft_voter_caught_up_age_seconds",
            "sluice_raft_commit_duration_seconds", "sluice_raft_snapshots_written_total",
            "sluice_raft_snapshots_loaded_total",
            // requests
            "sluice_rpc_request_duration_seconds", "sluice_rpc_requests_total", "sluice_rpc_errors_total",
            "sluice_rpc_requests_in_flight", "sluice_rpc_connections", "sluice_rpc_connections_opened_total",
            "sluice_topic_bytes_in_total", "sluice_topic_bytes_out_total", "sluice_topic_records_in_total",
            // consumer groups, from their coordinators
            "sluice_group_committed_offset", "sluice_group_lag_records", "sluice_group_state", "sluice_group_members",
            "sluice_group_rebalances_total", "sluice_group_rebalance_duration_seconds",
            // replication, from the followers
            "sluice_replica_lag_records", "sluice_replica_caught_up_age_seconds",
            "sluice_replica_fetch_duration_seconds",
            // replication, from the leaders
            "sluice_replication_commit_stage_seconds",
            // storage
            "sluice_log_size_bytes", "sluice_log_end_offset", "sluice_log_start_offset", "sluice_log_high_watermark",
            "sluice_disk_free_bytes", "sluice_disk_total_bytes", "sluice_log_fsync_duration_seconds",
            "sluice_log_fsyncs_total",
            "sluice_rocksdb_compaction_pending", "sluice_rocksdb_write_stopped",
            "sluice_rocksdb_delayed_write_rate_bytes_per_second", "sluice_rocksdb_ticker", "sluice_rocksdb_property");

    private ExpectedFamilies() {
    }
}
