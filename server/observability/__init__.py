"""What the server tells its operators: request logs, /metrics, /readyz and tracing."""
