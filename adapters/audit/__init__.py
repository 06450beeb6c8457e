"""The audit trail: domain events written as JSON log lines."""
