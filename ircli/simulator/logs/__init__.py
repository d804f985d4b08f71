"""CloudWatch Logs as the simulator answers it: the log groups and streams of recommendation jobs."""
